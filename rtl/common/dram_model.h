// DramModel: byte-addressed external memory with the timing of DramConfig, stepped one clock
// cycle at a time by an RTL driver. Accelerator-neutral: requests carry a tag that comes back
// on the response.
#pragma once

#include <cstdint>
#include <vector>

#include "models/common/accel_config.h"

namespace acv {

struct DramRequest {
  bool write = false;
  uint64_t address = 0;
  uint32_t bytes = 0;             // per beat
  uint64_t tag = 0;
  const uint8_t* data = nullptr;  // writes: beats x `bytes` bytes, packed, copied when accepted
  // A strided burst: `beats` accesses of `bytes` each, beat i at address + i * stride.
  uint32_t beats = 1;
  uint64_t stride = 0;
  // A fixed-length burst of `burst` beats (0: none): the transfer takes max(burst,
  // ceil(burst * bytes / bytes_per_cycle)) cycles whatever `beats` (<= burst) is, one beat per
  // cycle on the bus and a partial burst's missing beats masked; else ceil(beats * bytes / bpc).
  uint32_t burst = 0;
};

struct DramResponse {
  uint64_t tag = 0;
  bool write = false;
  uint32_t bytes = 0;             // per beat
  uint32_t beats = 1;
  const uint8_t* data = nullptr;  // reads: beats x `bytes` bytes, packed, valid until pop_response()
};

// Timing (DramConfig): a request of n bytes (all its beats) accepted at cycle t completes at
//   c = max(t + latency, completion of the previous request) + ceil(n / bytes_per_cycle)
// (a fixed-length burst: see DramRequest::burst),
// and its response is presented from cycle c on, in request order, at most one per cycle.
// At most max_outstanding requests are in flight: accepted and not yet popped. A response
// popped at cycle t frees its slot from cycle t + 1, whether the request comes before or after
// the pop within the cycle.
// Contents: a write updates memory and a read takes its data when the request is accepted, so
// memory order is request order; the response only carries the timing.
class DramModel {
 public:
  DramModel(const DramConfig& config, std::vector<uint8_t> memory);

  // Contract: whether a request may be accepted in the current cycle.
  bool can_accept() const { return in_flight_ + (last_pop_ == cycle_ ? 1u : 0u) < slots_.size(); }
  // Contract: accepts a request in the current cycle. Throws BackendError when none can be
  // accepted or the access leaves memory (naming the address).
  void request(const DramRequest& request);
  // Contract: the response presented in the current cycle, or nullptr.
  const DramResponse* response() const {
    return (in_flight_ != 0 && slots_[head_].completion <= cycle_ && last_pop_ != cycle_) ? &slots_[head_].response
                                                                                          : nullptr;
  }
  // Contract: consumes the response presented in the current cycle (response() != nullptr).
  void pop_response();
  // Advances to the next cycle.
  void step() { ++cycle_; }

  int64_t cycle() const { return cycle_; }
  size_t in_flight() const { return in_flight_; }
  bool idle() const { return in_flight_ == 0; }
  const std::vector<uint8_t>& memory() const { return memory_; }
  std::vector<uint8_t> take_memory() { return std::move(memory_); }

  // Statistics.
  int64_t reads() const { return reads_; }
  int64_t writes() const { return writes_; }
  int64_t bytes_read() const { return bytes_read_; }
  int64_t bytes_written() const { return bytes_written_; }

 private:
  struct Slot {
    int64_t completion = 0;
    DramResponse response;
    std::vector<uint8_t> data;
  };

  DramConfig config_;
  std::vector<uint8_t> memory_;
  std::vector<Slot> slots_;  // ring of max_outstanding requests in flight
  size_t head_ = 0;
  size_t in_flight_ = 0;
  int64_t cycle_ = 0;
  int64_t last_completion_ = 0;
  int64_t last_pop_ = -1;
  int64_t reads_ = 0, writes_ = 0, bytes_read_ = 0, bytes_written_ = 0;
};

}  // namespace acv
