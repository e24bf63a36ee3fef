// An accelerator's SystemC TLM-2.0 model, run on one Program.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/common/accel_config.h"
#include "models/common/registry.h"
#include "models/common/program.h"
#include "models/common/simulation.h"

namespace acv {

enum class TlmMode { LooselyTimed, ApproximatelyTimed };

class TlmRunner {
 public:
  static constexpr const char* kRegistryNoun = "TLM model (accelerator)";
  virtual ~TlmRunner() = default;
  // Contract: elaborates the model, runs the Program to completion, returns cycles, memory and
  // counters. SystemC elaborates once per process: the caller runs each call in its own process.
  virtual SimulationOutput run(const Program& program, const AccelConfig& config, std::vector<uint8_t> dram,
                               TlmMode mode) = 0;
};

using TlmRunnerRegistry = Registry<TlmRunner>;
#define ACV_REGISTER_TLM_RUNNER(Class, name_literal) ACV_REGISTER(::acv::TlmRunner, Class, name_literal)

}  // namespace acv
