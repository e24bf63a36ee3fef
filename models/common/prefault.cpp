#include "prefault.h"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14; older headers lack the name, older kernels reject it (EINVAL)
#endif
#endif

namespace acv {

void prefault_for_write(void* data, std::size_t bytes) {
#if defined(__linux__)
  // Below this, the system call costs about what the faults it saves do.
  constexpr std::size_t kMinBytes = std::size_t{64} << 10;
  if (data == nullptr || bytes < kMinBytes) return;
  // madvise wants a page-aligned start; the page holding `data` is ours to populate (contents kept).
  const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const uintptr_t begin = reinterpret_cast<uintptr_t>(data) / page * page;
  const uintptr_t end = reinterpret_cast<uintptr_t>(data) + bytes;
  ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);  // a hint: errors ignored
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace acv
