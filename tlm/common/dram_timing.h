// Timing of the external memory (DramConfig semantics shared with the RTL's DRAM model), in cycles.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstddef>
#include <vector>

#include "models/common/accel_config.h"

namespace acv {

// When a memory request is accepted and when it completes; pure C++, no SystemC.
// Semantics (models/common/accel_config.h, as rtl/common/dram_model.h implements them): one port,
// at most one request accepted per cycle; a request of n bytes accepted at cycle t completes at
// c = max(t + latency, previous completion) + ceil(n / bytes_per_cycle), its response is taken
// in cycle c (the initiator is always ready) and its slot is free again from cycle c + 1; at most
// max_outstanding requests hold a slot.
class DramTiming {
 public:
  struct Slot {
    int64_t accept = 0;    // cycle the port accepts the request
    int64_t complete = 0;  // cycle its data has been transferred
  };

  explicit DramTiming(const DramConfig& config);
  // Contract: requests are scheduled in the order of the calls; `arrival` is the first cycle the
  // request is presented (an earlier arrival than the previous request's is served after it).
  Slot schedule(int64_t arrival, int64_t bytes) {
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
  // The cycle schedule(arrival, ...) would accept a request in, without scheduling it.
  int64_t earliest_accept(int64_t arrival) const {
    const int64_t accept = std::max(arrival, last_accept_ + 1);
    // Slots free in order (non-decreasing release cycles): with every slot held, the request
    // needs the oldest one.
    return held_ == in_flight_.size() ? std::max(accept, in_flight_[head_]) : accept;
  }

  // Moves the whole state `cycles` later, as if `requests` more requests of `bytes` each had been
  // scheduled: valid when those requests repeat the schedule so far shifted by `cycles`
  // (a periodic schedule, BurstSchedule).
  void repeat_shifted(int64_t cycles, int64_t requests, int64_t bytes) {
    const std::size_t n = in_flight_.size();
    for (std::size_t k = 0, i = head_; k < held_; ++k, i = i + 1 == n ? 0 : i + 1) in_flight_[i] += cycles;
    last_accept_ += cycles;
    last_complete_ += cycles;
    const int64_t transfer = (std::max<int64_t>(bytes, 1) + config_.bytes_per_cycle - 1) / config_.bytes_per_cycle;
    requests_ += requests;
    bytes_ += requests * bytes;
    busy_cycles_ += requests * transfer;
  }

  // What of the state a request presented at `arrival` or later can still see, relative to `arrival`:
  // the release cycles of slots still held after it, the last accept (clamped to -1: an earlier
  // one cannot delay it) and the last completion (clamped to latency: the request's own
  // accept + latency bounds it anyway). Two states with equal relative() schedule every request
  // presented from `arrival` on identically, shifted by the difference of their arrivals.
  void relative(int64_t arrival, std::vector<int64_t>& out) const {
    out.clear();
    out.push_back(std::max<int64_t>(last_accept_ - arrival, -1));
    out.push_back(std::max<int64_t>(last_complete_ - arrival, config_.latency));
    const std::size_t n = in_flight_.size();
    for (std::size_t k = 0, i = head_; k < held_; ++k, i = i + 1 == n ? 0 : i + 1)
      if (in_flight_[i] > arrival) out.push_back(in_flight_[i] - arrival);
  }
  // Sets the state to `rel` (from relative()) taken at `base`, and counts `requests` more requests
  // of `bytes` each: the end of a schedule replayed from a memo.
  void assign_relative(const std::vector<int64_t>& rel, int64_t base, int64_t requests, int64_t bytes) {
    last_accept_ = base + rel[0];
    last_complete_ = base + rel[1];
    head_ = 0;
    held_ = rel.size() - 2;
    for (std::size_t k = 0; k < held_; ++k) in_flight_[k] = base + rel[k + 2];
    const int64_t transfer = (std::max<int64_t>(bytes, 1) + config_.bytes_per_cycle - 1) / config_.bytes_per_cycle;
    requests_ += requests;
    bytes_ += requests * bytes;
    busy_cycles_ += requests * transfer;
  }

  const DramConfig& config() const { return config_; }
  int64_t requests() const { return requests_; }
  int64_t bytes() const { return bytes_; }
  int64_t busy_cycles() const { return busy_cycles_; }  // cycles spent transferring data

 private:
  DramConfig config_;
  // Cycles from which the held slots free again, non-decreasing: a ring of max_outstanding
  // entries (a request never finds more than max_outstanding - 1 other slots still held).
  std::vector<int64_t> in_flight_;
  std::size_t head_ = 0, held_ = 0;
  int64_t last_accept_ = -1;
  int64_t last_complete_ = 0;
  int64_t requests_ = 0;
  int64_t bytes_ = 0;
  int64_t busy_cycles_ = 0;
};

}  // namespace acv
