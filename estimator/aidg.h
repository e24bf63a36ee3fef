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

struct EstimateOptions {
  bool full = false;     // evaluate every instruction (no extrapolation)
  bool explain = false;  // record per-kernel steady states
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
