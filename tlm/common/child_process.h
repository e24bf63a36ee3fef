// Runs one SystemC simulation in a forked child process: SystemC elaborates once per process.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "models/common/simulation.h"

namespace acv {

// Bytes of a memory image: [offset, offset + bytes).
struct ImageRange {
  uint64_t offset = 0;
  uint64_t bytes = 0;
};

// Which part of the child's memory image travels back. By default all of it. With `base`, only
// `ranges` (e.g. a Program's output regions): `base` is the image the child started from (the
// fork gave the child a copy), the returned ranges are written over it and it becomes the
// result's image, moved from *base. For runs whose other bytes are not read back.
struct ImageReturn {
  std::vector<uint8_t>* base = nullptr;
  std::vector<ImageRange> ranges;
};

// Contract: forks (the caller must not have created any SystemC object), runs `simulate` in the
// child with stdout redirected to stderr, and sends its SimulationOutput back (an anonymous shared
// file for the data; a pipe signals completion or, closed without it, the child's death).
// Rethrows the child's InputError / MappingError / BackendError in the parent with its message;
// a child that dies or exits without a result gives BackendError naming its exit status or signal,
// as does an image of another size than *image.base or one that does not hold image.ranges.
// The call returns once the result has arrived, without waiting for the child to tear down its
// address space; such children are reaped at the next call.
SimulationOutput run_in_child_process(const std::function<SimulationOutput()>& simulate,
                                      const ImageReturn& image = {});

// Children whose result arrived and that have not exited yet (after reaping those that have).
std::size_t exiting_child_processes();

}  // namespace acv
