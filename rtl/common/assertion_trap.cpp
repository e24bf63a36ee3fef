// Verilator's $stop hook (VL_USER_STOP): records the first failed assertion instead of aborting.
#include "rtl/common/assertion_trap.h"

#include <verilated.h>

namespace acv {
namespace {
// Per thread: each VerilatedContext is evaluated on the thread that runs its driver.
thread_local AssertionFailure first_failure;
}  // namespace

std::string AssertionFailure::module() const {
  const auto slash = file.find_last_of('/');
  std::string base = slash == std::string::npos ? file : file.substr(slash + 1);
  const auto dot = base.find_last_of('.');
  return dot == std::string::npos ? base : base.substr(0, dot);
}

AssertionFailure take_assertion_failure() {
  AssertionFailure out = first_failure;
  first_failure = AssertionFailure{};
  return out;
}

}  // namespace acv

// Replaces Verilator's vl_stop (which would abort): Verilator has already printed the failed
// assertion's "%Error: file:line: Assertion failed in <instance>" line; the context's gotError()
// tells the driver to stop.
void vl_stop(const char* filename, int linenum, const char* /*hier*/) VL_MT_UNSAFE {
  if (acv::first_failure.file.empty()) {
    acv::first_failure.file = (filename != nullptr && filename[0] != '\0') ? filename : "?";
    acv::first_failure.line = linenum;
  }
  Verilated::threadContextp()->gotError(true);
  Verilated::threadContextp()->gotFinish(true);
  Verilated::runFlushCallbacks();
}
