// Runs one SystemC simulation in a forked child process: SystemC elaborates once per process.
#pragma once

#include <cstddef>
#include <functional>

#include "models/common/simulation.h"

namespace acv {

// Contract: forks (the caller must not have created any SystemC object), runs `simulate` in the
// child with stdout redirected to stderr, and sends its SimulationOutput back (an anonymous shared
// file for the data; a pipe signals completion or, closed without it, the child's death).
// Rethrows the child's InputError / MappingError / BackendError in the parent with its message;
// a child that dies or exits without a result gives BackendError naming its exit status or signal.
// The call returns once the result has arrived, without waiting for the child to tear down its
// address space; such children are reaped at the next call.
SimulationOutput run_in_child_process(const std::function<SimulationOutput()>& simulate);

// Children whose result arrived and that have not exited yet (after reaping those that have).
std::size_t exiting_child_processes();

}  // namespace acv
