// TlmRunner "systolic": elaborates SystolicTop with a ProgramFeeder as host and runs one Program.
#include <systemc>

#include <cstdlib>
#include <memory>
#include <string>

#include "models/common/error.h"
#include "systolic_top.h"
#include "tlm/common/program_feeder.h"
#include "tlm/common/tlm_mode.h"
#include "tlm/common/tlm_runner.h"

namespace acv::systolic {
namespace {

// LT quantum: units run many instructions between yields. Accuracy does not depend on it (measured
// the same from 1k to 100k cycles): flags and queues carry timestamps, and the DMAs keep their
// memory requests within a few cycles of the kernel time (DmaInitiator).
constexpr int64_t kQuantumCycles = 10000;

class SystolicTlmRunner : public TlmRunner {
 public:
  SimulationOutput run(const Program& program, const AccelConfig& config, std::vector<uint8_t> dram,
                       TlmMode mode) override {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "DISABLE", 0);
    const Params params = read_params(config);
    const Clock clock = Clock::default_clock();
    tlm_utils::tlm_quantumkeeper::set_global_quantum(clock.cycles(kQuantumCycles));
    auto top = std::make_unique<SystolicTop>("systolic", params, config.dram, mode, std::move(dram), clock);
    auto feeder = std::make_unique<ProgramFeeder>("host", program, mode, clock);
    feeder->socket.bind(top->command_socket());
    try {
      sc_core::sc_start();
    } catch (const BackendError&) {
      throw;
    } catch (const std::exception& e) {
      throw BackendError(std::string("systolic TLM (") + to_string(mode) + "): " + e.what());
    }
    CommandTarget& command = top->command();
    if (!command.done())
      throw BackendError("systolic TLM (" + std::string(to_string(mode)) + "): deadlock after " +
                         std::to_string(command.pushed()) + " instructions pushed (a unit waits on a buffer flag " +
                         "that no queued instruction will change)");
    SimulationOutput out;
    out.cycles = command.done_cycles();
    out.counters = top->counters();
    out.dram = std::move(top->memory().memory().bytes());
    return out;
  }
};

}  // namespace
}  // namespace acv::systolic

namespace acv {
using systolic::SystolicTlmRunner;
ACV_REGISTER_TLM_RUNNER(SystolicTlmRunner, "systolic")
}  // namespace acv
