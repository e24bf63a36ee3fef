#include "dram_timing.h"

#include <algorithm>

namespace acv {

DramTiming::DramTiming(const DramConfig& config) : config_(config) {
  if (config_.bytes_per_cycle < 1 || config_.max_outstanding < 1 || config_.latency < 0)
    throw InputError("dram: latency must be >= 0, bytes_per_cycle and max_outstanding >= 1");
  in_flight_.assign(static_cast<std::size_t>(config_.max_outstanding), 0);
}

}  // namespace acv
