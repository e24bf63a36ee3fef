// The first place where the estimator's schedule of a layer leaves the RTL's (`acv diff`): both aligned
// by instruction, and what in the description timed the first instruction that differs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "estimator/aidg.h"

namespace acv {

// The RTL side (AcceleratorRun's event recorder), per instruction in program order: the cycle its
// command was accepted and the cycle it ended (-1 both: a step the controller performs unseen), and
// the run's end.
struct RtlEvents {
  std::vector<int64_t> accepted, ended;
  int64_t cycles = 0;
};

struct Divergence {
  bool found = false;
  bool at_end = false;        // every instruction's events agree; the run's end differs
  bool ended = false;         // the differing event is the instruction's end (else its start)
  int64_t instruction = -1;   // program-order number of the first differing instruction (or the last to end)
  int64_t rtl = 0, est = 0;   // the differing event's cycle on each side
  // The estimator's critical path back from that event: each hop an instruction, the object it was
  // on and what decided its time there ("queue 'ld_q' full (capacity 8): its entry freed by #3 ...").
  struct Hop {
    int64_t instruction = 0;
    std::string opcode, object, reason, ended_by;
    std::vector<std::string> slack;  // estimator early: its other constraints with less slack than the gap
    std::vector<std::string> sharing;  // other units' steps on the memory port this hop's end depended on
  };
  std::vector<Hop> path;
  // The description entries on that path, nearest first: "queue 'ld_q' (arch.yaml:63)",
  // "latency `mem_done + 1` (arch.yaml:120)", "memory 'dram'", "storage 'sp'".
  std::vector<std::string> entries;
};

// The estimator side: every instruction's issue and end cycle, and consecutive instructions in detail
// (EstimateOptions::issues, ::ends, ::schedule).
struct EstimatorSchedule {
  std::vector<int64_t> issues, ends;
  std::vector<ScheduledInstruction> detail;
  int64_t cycles = 0;
  const ScheduledInstruction* find(int64_t number) const;  // null outside `detail`
};

// The estimator's ends as the RTL sees them: an instruction the controller performs without a command
// (no RTL events: UltraTrail's setup, mac, opu) is part of the command before it, which ends when the
// last of them does (UltraTrail's start returns to idle after the run). Other entries unchanged.
std::vector<int64_t> command_ends(const RtlEvents& rtl, std::vector<int64_t> est_ends);

// The earliest event (by the earlier side's cycle; ties: program order, a start before an end) of an
// instruction whose start (RTL acceptance, estimator issue) or end differs by more than `tolerance`,
// so every event before it agrees; else the run's end, if that differs. Instructions without RTL
// events are skipped. Contract: std::invalid_argument unless both sides have one entry per instruction.
Divergence first_divergence(const RtlEvents& rtl, const EstimatorSchedule& est, int64_t tolerance);

// Fills the critical path and its description entries from `est.detail` (which should end at the
// divergence, or at the run's end for an end divergence; the path stops where the detail does).
void explain_divergence(const EstimatorSchedule& est, Divergence* d);

// The report: the divergence, the `context` instructions before it on both sides, and the path.
std::string divergence_report(const RtlEvents& rtl, const EstimatorSchedule& est, const Divergence& d,
                              int64_t tolerance, int context);

}  // namespace acv
