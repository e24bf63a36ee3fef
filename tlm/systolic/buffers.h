// On-chip SRAM buffers of the systolic array: two halves each, with the full flags that order the units.
#pragma once

#include <systemc>

#include <cstdint>
#include <vector>

#include "tlm/common/local_time.h"

namespace acv::systolic {

// A half's full flag and the cycle from which its last change is visible. A unit changes a flag
// in its command's last cycle e and stamps it e + 1 (its local time after the command). Waiting
// is correct under temporal decoupling: the waiter's local time moves to the stamp.
class FullFlag {
 public:
  bool full() const { return full_; }
  // Changes the flag, visible from lt.now().
  void set(bool full, const LocalTime& lt) {
    full_ = full;
    changed_at_ = lt.now();
    lt.notify(changed_, waiters_);
  }
  // Returns once the flag equals `want`, with lt.now() >= the cycle from which that is visible.
  void wait_until(bool want, LocalTime& lt) {
    lt.block_until(changed_, waiters_, [this, want] { return full_ == want; });
    lt.advance_to(changed_at_);
  }

 private:
  bool full_ = false;
  sc_core::sc_time changed_at_;
  sc_core::sc_event changed_;
  int waiters_ = 0;
};

// `depth` entries of `width` elements per half; data is functional, timing lives in the units.
template <class T>
class DoubleBuffer {
 public:
  DoubleBuffer(int64_t depth, int64_t width)
      : depth_(depth), width_(width), data_{std::vector<T>(depth * width), std::vector<T>(depth * width)} {}

  int64_t depth() const { return depth_; }
  int64_t width() const { return width_; }
  T* entry(int64_t half, int64_t i) { return data_[half].data() + i * width_; }
  FullFlag& flag(int64_t half) { return flags_[half]; }

 private:
  int64_t depth_, width_;
  std::vector<T> data_[2];
  FullFlag flags_[2];
};

}  // namespace acv::systolic
