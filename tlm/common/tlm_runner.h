// An accelerator's SystemC TLM-2.0 model, run on one Program.
#pragma once

#include <systemc>
#include <tlm>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/common/accel_config.h"
#include "models/common/registry.h"
#include "models/common/program.h"
#include "models/common/simulation.h"

namespace acv {

enum class TlmMode { LooselyTimed, ApproximatelyTimed };

// Builds the host that drives a model over its command port: creates the initiator module and
// binds it to `command` (the model's command register target, command_registers.h). It must
// push the whole Program and write END (as ProgramFeeder, or software as in tlm/host/).
using CommandHost = std::function<std::unique_ptr<sc_core::sc_module>(tlm::tlm_target_socket<>& command)>;

class TlmRunner {
 public:
  static constexpr const char* kRegistryNoun = "TLM model (accelerator)";
  virtual ~TlmRunner() = default;
  // Contract: elaborates the model (the common LT quantum, kTlmQuantumCycles) with `host` on its
  // command port (empty: a ProgramFeeder streaming `program`), runs to completion, returns cycles,
  // memory and counters. SystemC elaborates once per process: the caller runs each call in its
  // own process.
  virtual SimulationOutput run(const Program& program, const AccelConfig& config, std::vector<uint8_t> dram,
                               TlmMode mode, const CommandHost& host = {}) = 0;
  // Contract: optional; called in the caller's process before it forks run()'s child, with the
  // Program and config that run() will then get (the same objects, unchanged). A runner may do
  // there what needs no SystemC (reading its parameters, selecting the host's instructions) rather
  // than in the child, where every heap page it touches first costs a page fault. run() does it
  // itself when not prepared for its arguments.
  virtual void prepare(const Program& /*program*/, const AccelConfig& /*config*/) {}
};

using TlmRunnerRegistry = Registry<TlmRunner>;
#define ACV_REGISTER_TLM_RUNNER(Class, name_literal) ACV_REGISTER(::acv::TlmRunner, Class, name_literal)

}  // namespace acv
