// The AIDG evaluator: one pass over a Program in order, keeping only the availability state of every
// pipeline object, storage location and memory interface, with loop-kernel extrapolation (method.md 2-3).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "estimator/bound_arch.h"

namespace acv {

class LoopMemo;

// One object an instruction occupied in a full evaluation: when, and which description entry decided
// its start and its end (the `timed_by` / `ended_by` texts name the stage, queue, unit, storage or
// step and the instruction number behind it).
struct ScheduleSpan {
  std::string object;
  int64_t start = 0, end = 0;
  std::string timed_by, ended_by;
  // Every constraint on the start: (cycle, reason); the latest decided it, the others had slack.
  std::vector<std::pair<int64_t, std::string>> constraints;
};

// An instruction's schedule: `issue` is when its first stage passes it on, less that stage's latency
// (a command port accepts a command when there is room for it behind), `end` its latest end; numbers
// count from 0 in program order.
struct ScheduledInstruction {
  int64_t number = 0;
  std::string opcode;
  int64_t issue = 0, end = 0;
  std::string issue_timed_by;  // what decided `issue`
  std::vector<ScheduleSpan> spans;
};

struct EstimateOptions {
  bool full = false;     // evaluate every instruction (no extrapolation)
  bool explain = false;  // record per-kernel steady states
  // Tests: the look-ahead without its shortcuts (it runs while a requesting unit is free, skipped
  // iterations keep the whole window from a segment's end, place_among() is not memoized, an
  // instruction is evaluated again after a look-ahead that changes nothing); the cycles are the same.
  bool plain_look_ahead = false;
  // The memo of loop exits, shared with other estimates of the same binding and options (the layers of
  // a run: LayerMemo); null: this estimate's own.
  LoopMemo* loops = nullptr;
  // With `full` (acv diff), null = off. `issues`: each instruction's issue cycle (cheap).
  // `schedule`: the schedule of instructions schedule_from.. in detail (slow: reasons as text); the
  // evaluation stops after instruction schedule_to (-1: runs to the end; the cycles are then partial).
  std::vector<int64_t>* issues = nullptr;
  std::vector<int64_t>* ends = nullptr;  // each instruction's end (ScheduledInstruction::end)
  std::vector<ScheduledInstruction>* schedule = nullptr;
  int64_t schedule_from = 0, schedule_to = -1;
};

// A loop whose steady state was found: after `evaluated` of `trips` iterations the state
// relative to the iteration end repeated with period `period`, each period adding `delta` cycles.
struct KernelInfo {
  std::string loop;
  int depth = 0;
  int64_t trips = 0, evaluated = 0, period = 0, delta = 0, times = 0;
};

struct Estimate {
  int64_t cycles = 0;
  int64_t evaluated_instructions = 0;
  int64_t represented_instructions = 0;
  int64_t evaluated_iterations = 0;
  int64_t represented_iterations = 0;
  int64_t look_ahead_instructions = 0;  // evaluated ahead of program order (shared memory port), undone
  int64_t keys = 0;                     // loop iterations keyed while looking for a repeat (each costs a key)
  std::map<std::string, int64_t> busy;  // cycles each stage / unit / memory interface was busy
  std::string bottleneck;               // the busiest object
  std::vector<KernelInfo> kernels;      // explain only: first extrapolation of each loop
  // Per loop directly under Program::top, in order: the cycles it adds to the latest end time
  // (a whole-network Program's layers, docs/adding-an-accelerator.md).
  std::vector<std::pair<std::string, int64_t>> top_loops;
};

// Contract: exact — the extrapolated result equals the full evaluation's (`options.full`).
// Throws InputError for operand values the description cannot accept (index out of range...).
Estimate estimate(const BoundArch& arch, const Program& program, const EstimateOptions& options);

}  // namespace acv
