// The roofline baseline: max(MACs at peak, external bytes / bandwidth); no fill, drain or overlap.
#pragma once

#include <cstdint>
#include <string>

#include "estimator/bound_arch.h"

namespace acv {

struct RooflineEstimate {
  int64_t cycles = 0;
  int64_t compute_cycles = 0;
  int64_t memory_cycles = 0;
  std::string bound;  // "compute" or the memory interface's name
};

// Contract: MACs come from the classes' `macs`, the peak from `roofline.macs_per_cycle` (InputError
// when the description gives none), bytes from the steps' `memory` accesses.
RooflineEstimate roofline(const BoundArch& arch, const Program& program);

}  // namespace acv
