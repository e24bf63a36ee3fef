// Totals of a Program under a description (MACs, external bytes, instructions per class), summed
// over the loop nest without enumerating it: iterations that repeat are counted once per phase.
#pragma once

#include <cstdint>
#include <vector>

#include "estimator/bound_arch.h"

namespace acv {

struct ProgramTotals {
  int64_t instructions = 0;
  int64_t macs = 0;
  std::vector<int64_t> memory_bytes;     // per memory interface of the description
  std::vector<int64_t> memory_requests;  // per memory interface
  std::vector<int64_t> class_count;      // per instruction class of the description
};

ProgramTotals program_totals(const BoundArch& arch, const Program& program);

}  // namespace acv
