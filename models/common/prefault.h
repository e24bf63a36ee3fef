// Large buffers that are written right after they are allocated: their pages faulted in with one
// system call rather than one page fault per 4 kB page.
#pragma once

#include <cstddef>
#include <vector>

namespace acv {

// Contract: makes the pages of [data, data + bytes) present and writable without changing their
// contents, so that writing them takes no page fault. A hint: does nothing for small ranges or where
// the kernel cannot (Linux before 5.14, other systems). Why: each fault is a trip through the kernel
// (several microseconds in a virtual machine), and after fork() every page the parent writes faults
// again, so a layer's megabytes of operands, memory image and outputs cost more in faults than in
// copying.
void prefault_for_write(void* data, std::size_t bytes);

// `n` value-initialized (zero) elements, their pages faulted in first.
template <class T>
std::vector<T> prefaulted_vector(std::size_t n) {
  std::vector<T> v;
  v.reserve(n);
  prefault_for_write(v.data(), n * sizeof(T));
  v.resize(n);
  return v;
}

// A copy of [data, data + n) (trivially copyable T), its pages faulted in first and never zero-filled.
template <class T>
std::vector<T> prefaulted_copy(const T* data, std::size_t n) {
  std::vector<T> v;
  v.reserve(n);
  prefault_for_write(v.data(), n * sizeof(T));
  v.assign(data, data + n);
  return v;
}

}  // namespace acv
