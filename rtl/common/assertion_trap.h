// The trap for failed SystemVerilog assertions: Verilator calls vl_stop() when an assertion (or
// $error / $stop) fires; acv's replacement (assertion_trap.cpp, compiled with VL_USER_STOP into
// the Verilated models' library) records where instead of aborting the process, and
// VerilatedDriver turns it into a BackendError naming the module and the cycle.
#pragma once

#include <string>

namespace acv {

struct AssertionFailure {
  std::string file;  // the SystemVerilog source, one module per file (lowRISC style)
  int line = 0;
  // The module the assertion is in: the source's file name without folder and extension.
  std::string module() const;
};

// Contract: the first failure recorded on this thread since the last call, and clears it;
// an empty file when none was recorded.
AssertionFailure take_assertion_failure();

}  // namespace acv
