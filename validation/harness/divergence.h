// The first place where the estimator's schedule of a layer leaves the RTL's (`acv diff`): both aligned
// by instruction, and what in the description timed the first instruction that differs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "estimator/aidg.h"

namespace acv {

// The RTL side: each command's acceptance cycle (AcceleratorRun's event recorder) and the run's end.
struct RtlEvents {
  std::vector<int64_t> accepted;
  int64_t cycles = 0;
};

struct Divergence {
  bool found = false;
  bool at_end = false;        // acceptances all agree; the run's end differs
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

// The estimator side: every instruction's issue cycle, and consecutive instructions in detail
// (EstimateOptions::issues, ::schedule).
struct EstimatorSchedule {
  std::vector<int64_t> issues;
  std::vector<ScheduledInstruction> detail;
  int64_t cycles = 0;
  const ScheduledInstruction* find(int64_t number) const;  // null outside `detail`
};

// The first instruction whose acceptance differs by more than `tolerance` (else the run's end, if
// that differs). Contract: std::invalid_argument unless both sides have one entry per instruction.
Divergence first_divergence(const RtlEvents& rtl, const EstimatorSchedule& est, int64_t tolerance);

// Fills the critical path and its description entries from `est.detail` (which should end at the
// divergence, or at the run's end for an end divergence; the path stops where the detail does).
void explain_divergence(const EstimatorSchedule& est, Divergence* d);

// The report: the divergence, the `context` instructions before it on both sides, and the path.
std::string divergence_report(const RtlEvents& rtl, const EstimatorSchedule& est, const Divergence& d,
                              int64_t tolerance, int context);

}  // namespace acv
