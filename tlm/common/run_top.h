// What every accelerator's TlmRunner does: elaborate its top module with a ProgramFeeder host on the
// command port, simulate to the end, and collect cycles, counters and the memory image.
#pragma once

#include <systemc>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/common/accel_config.h"
#include "models/common/error.h"
#include "models/common/program.h"
#include "models/common/simulation.h"
#include "tlm/common/clock.h"
#include "tlm/common/program_feeder.h"
#include "tlm/common/tlm_mode.h"
#include "tlm/common/tlm_runner.h"

namespace acv {

// LT quantum: units run many instructions between yields. Accuracy does not depend on it (the
// models' flags, queues and tracker releases carry timestamps; measured the same from 1k to 100k).
constexpr int64_t kTlmQuantumCycles = 10000;

// Contract: `Top(name, params, dram config, mode, dram, clock)` with command_socket(), command(),
// counters() and memory(). `host` drives the command port (empty: a ProgramFeeder). Errors of the
// model become BackendError naming `name` and the mode; a run that ends before the Program did is
// a deadlock, explained by `deadlock_hint`.
template <typename Top, typename Params>
SimulationOutput run_top(const char* name, const Program& program, const Params& params, const AccelConfig& config,
                         std::vector<uint8_t> dram, TlmMode mode, const std::string& deadlock_hint = "",
                         const CommandHost& host = {}) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "DISABLE", 0);
  const Clock clock = Clock::default_clock();
  tlm_utils::tlm_quantumkeeper::set_global_quantum(clock.cycles(kTlmQuantumCycles));
  auto top = std::make_unique<Top>(name, params, config.dram, mode, std::move(dram), clock);
  std::unique_ptr<sc_core::sc_module> driver;
  if (host) {
    driver = host(top->command_socket());
  } else {
    auto feeder = std::make_unique<ProgramFeeder>("host", program, mode, clock);
    feeder->socket.bind(top->command_socket());
    driver = std::move(feeder);
  }
  const std::string where = std::string(name) + " TLM (" + to_string(mode) + ")";
  try {
    sc_core::sc_start();
  } catch (const BackendError&) {
    throw;
  } catch (const std::exception& e) {
    throw BackendError(where + ": " + e.what());
  }
  auto& command = top->command();
  if (!command.done())
    throw BackendError(where + ": deadlock after " + std::to_string(command.pushed()) + " instructions pushed" +
                       deadlock_hint);
  SimulationOutput out;
  out.cycles = command.done_cycles();
  out.counters = top->counters();
  out.dram = std::move(top->memory().memory().bytes());
  return out;
}

}  // namespace acv
