#include "dram_timing.h"

#include <algorithm>

namespace acv {

DramTiming::DramTiming(const DramConfig& config) : config_(config) {
  if (config_.bytes_per_cycle < 1 || config_.max_outstanding < 1 || config_.latency < 0)
    throw InputError("dram: latency must be >= 0, bytes_per_cycle and max_outstanding >= 1");
}

int64_t DramTiming::earliest_accept(int64_t arrival) const {
  int64_t accept = std::max(arrival, last_accept_ + 1);
  // Slots free in order (non-decreasing release cycles): the request needs the slot of the
  // max_outstanding-th most recent request.
  const auto held = static_cast<int64_t>(in_flight_.size());
  if (held >= config_.max_outstanding) accept = std::max(accept, in_flight_[held - config_.max_outstanding]);
  return accept;
}

DramTiming::Slot DramTiming::schedule(int64_t arrival, int64_t bytes) {
  Slot s;
  s.accept = earliest_accept(arrival);
  while (!in_flight_.empty() && in_flight_.front() <= s.accept) in_flight_.pop_front();
  const int64_t transfer = (std::max<int64_t>(bytes, 1) + config_.bytes_per_cycle - 1) / config_.bytes_per_cycle;
  s.complete = std::max(s.accept + config_.latency, last_complete_) + transfer;
  in_flight_.push_back(s.complete + 1);
  last_accept_ = s.accept;
  last_complete_ = s.complete;
  ++requests_;
  bytes_ += bytes;
  busy_cycles_ += transfer;
  return s;
}

}  // namespace acv
