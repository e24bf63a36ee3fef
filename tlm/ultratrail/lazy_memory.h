// An on-chip memory of the UltraTrail model whose storage is allocated as it is used.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace acv::ultratrail {

// `capacity` bytes that read zero where nothing was written (the RTL's memories after reset),
// backed by storage only up to the highest byte that was written or lent out by span(). Each
// TLM run is a fresh child process, where every page first touched costs a page fault: zeroing
// the whole 192 KiB WMEM of the shipped config cost a quarter of a small network's faults.
class LazyMemory {
 public:
  explicit LazyMemory(std::size_t capacity = 0) : capacity_(capacity) {}

  std::size_t capacity() const { return capacity_; }
  // Bytes of storage held (zero until the first span()).
  std::size_t allocated() const { return bytes_.size(); }
  // Whether [at, at + n) lies inside the memory.
  bool holds(int64_t at, int64_t n) const {
    const auto cap = static_cast<int64_t>(capacity_);
    return at >= 0 && n >= 0 && n <= cap && at <= cap - n;
  }
  // Byte `at`; 0 if it was never written. Contract: at < capacity().
  uint8_t read(std::size_t at) const { return at < bytes_.size() ? bytes_[at] : 0; }
  // Storage of [at, at + n), zero where never written, valid until the next span() (it may move).
  // Contract: holds(at, n).
  uint8_t* span(std::size_t at, std::size_t n) {
    if (at + n > bytes_.size()) {
      // Geometric growth for a memory filled piecewise, never past the capacity.
      if (at + n > bytes_.capacity()) bytes_.reserve(std::min(capacity_, std::max(at + n, 2 * bytes_.size())));
      bytes_.resize(at + n);
    }
    return bytes_.data() + at;
  }

 private:
  std::size_t capacity_;
  std::vector<uint8_t> bytes_;
};

}  // namespace acv::ultratrail
