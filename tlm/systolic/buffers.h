// On-chip SRAM buffers of the systolic array: two halves each, with the full flags that order the units.
#pragma once

#include <systemc>

#include <cstdint>
#include <vector>

#include "tlm/common/full_flag.h"

namespace acv::systolic {

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
