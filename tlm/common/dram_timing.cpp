#include "dram_timing.h"

#include <algorithm>

namespace acv {

DramTiming::DramTiming(const DramConfig& config) : config_(config) {
  if (config_.bytes_per_cycle < 1 || config_.max_outstanding < 1 || config_.latency < 0)
    throw InputError("dram: latency must be >= 0, bytes_per_cycle and max_outstanding >= 1");
  in_flight_.assign(static_cast<std::size_t>(config_.max_outstanding), 0);
}

int64_t DramTiming::earliest_accept(int64_t arrival) const {
  int64_t accept = std::max(arrival, last_accept_ + 1);
  // Slots free in order (non-decreasing release cycles): with every slot held, the request
  // needs the oldest one.
  if (held_ == in_flight_.size()) accept = std::max(accept, in_flight_[head_]);
  return accept;
}

DramTiming::Slot DramTiming::schedule(int64_t arrival, int64_t bytes) {
  Slot s;
  s.accept = earliest_accept(arrival);
  const std::size_t n = in_flight_.size();
  while (held_ > 0 && in_flight_[head_] <= s.accept) {
    head_ = head_ + 1 == n ? 0 : head_ + 1;
    --held_;
  }
  const int64_t transfer = (std::max<int64_t>(bytes, 1) + config_.bytes_per_cycle - 1) / config_.bytes_per_cycle;
  s.complete = std::max(s.accept + config_.latency, last_complete_) + transfer;
  std::size_t tail = head_ + held_;
  if (tail >= n) tail -= n;
  in_flight_[tail] = s.complete + 1;
  ++held_;
  last_accept_ = s.accept;
  last_complete_ = s.complete;
  ++requests_;
  bytes_ += bytes;
  busy_cycles_ += transfer;
  return s;
}

}  // namespace acv
