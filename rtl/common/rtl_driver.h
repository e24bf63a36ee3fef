// An accelerator's Verilator driver: runs a Program on the Verilated RTL against the DRAM model.
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

struct RtlRunOptions {
  std::string trace_file;  // FST waveform when not empty
  int64_t max_cycles = 0;  // 0: a generous bound derived from the Program; exceeded -> BackendError
  bool record_events = false;  // SimulationOutput::accepted / ended: each command's events (acv diff)
  // With trace_file: dump only cycles trace_from..trace_to (counted from the first accepted command);
  // trace_to < 0: the whole run.
  int64_t trace_from = 0, trace_to = -1;
};

class RtlDriver {
 public:
  static constexpr const char* kRegistryNoun = "RTL driver (accelerator)";
  virtual ~RtlDriver() = default;
  // Contract: throws InputError (naming the config file and parameter) when no model was built
  // for the config, so callers can fail before any run.
  virtual void check_config(const AccelConfig& /*config*/) const {}
  // Contract: streams the Program into the Verilated model, clocks it until idle against a
  // DramModel built from config.dram and holding `dram`; returns cycles, the memory and counters.
  // Throws InputError when no model was built for the config (naming the built ones),
  // BackendError on timeout.
  virtual SimulationOutput run(const Program& program, const AccelConfig& config, std::vector<uint8_t> dram,
                               const RtlRunOptions& options) = 0;
};

using RtlDriverRegistry = Registry<RtlDriver>;
#define ACV_REGISTER_RTL_DRIVER(Class, name_literal) ACV_REGISTER(::acv::RtlDriver, Class, name_literal)

}  // namespace acv
