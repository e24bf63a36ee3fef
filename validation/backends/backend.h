// A backend computes a LayerResult for one mapped layer: rtl, tlm, estimator, roofline, regression.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/common/accelerator.h"
#include "models/common/registry.h"
#include "models/common/run_result.h"
#include "models/common/simulation.h"

namespace acv {

class GoldenCache;

// Options of `acv run` that backends read; each backend documents which ones decide its result.
struct BackendOptions {
  uint64_t seed = 1;             // operand data
  std::string trace_file;        // rtl: FST waveform
  std::string tlm_mode = "lt";   // tlm: lt | at
  bool full = false;             // estimator: evaluate every instruction
  bool explain = false;          // estimator: per-kernel breakdown in LayerResult.info
  std::string regression_model;  // regression: fitted model file
  int64_t max_cycles = 0;        // simulators: give up after this many cycles (0 = backend default)
  // rtl, tlm: where operands and golden outputs come from (computed and not stored when null).
  std::shared_ptr<const GoldenCache> golden;
};

class Backend {
 public:
  static constexpr const char* kRegistryNoun = "backend";
  virtual ~Backend() = default;
  // Contract: result-deciding options as one string ("tlm-mode=at"), for RunResult.options and cache keys.
  virtual std::string options_key(const BackendOptions& options) const = 0;
  // Contract: which of the backend-specific options of `acv run` (backend_specific_options())
  // this backend reads; giving it another one is an error, never silently ignored.
  virtual std::vector<std::string> options_read() const { return {}; }
  // Contract: throws InputError when the backend cannot run this config with these options
  // (model not built, no description, bad option), before anything runs.
  virtual void check(const AccelConfig& /*config*/, const BackendOptions& /*options*/) const {}
  // Contract: a run over a workload's layers begins (acv run; each repeat of acv bench). What a backend
  // kept for the layers of the last run (the estimator's estimates of identical layers) is dropped, so
  // that every timed repeat does the same work.
  virtual void begin_run() {}
  // Whether a run forks the calling process (the TLM backend: one child per run). A fork
  // write-protects every page of the caller until it is written again, so a view timed in the same
  // process after it pays a page fault per page it writes (acv bench runs such views apart).
  virtual bool forks() const { return false; }
  // Contract: runs one mapped layer; fills cycles, wall_seconds and, where the backend computes
  // outputs, outputs_checked/outputs_match against the golden reference. Throws BackendError on failure.
  virtual LayerResult run_layer(const Accelerator& accel, const AccelConfig& config, const Layer& layer,
                                const Program& program, const BackendOptions& options) = 0;
  // Contract: runs a whole network (Accelerator::runs_networks) as one Program; the result is
  // named after the workload, kind "network", with `cycles` of the whole run and `layer_cycles`
  // in the order of network.layers. Throws InputError when the backend runs layers only.
  virtual LayerResult run_network(const Accelerator& /*accel*/, const AccelConfig& /*config*/,
                                  const Workload& workload, const NetworkProgram& /*network*/,
                                  const BackendOptions& /*options*/) {
    throw InputError("network '" + workload.name + "': this backend runs one layer at a time");
  }
};

using BackendRegistry = Registry<Backend>;

// The options of `acv run` that only some backends read, without "--": trace, tlm-mode, full,
// explain, regression-model, max-cycles.
// Shared by rtl and tlm for whole networks: DRAM image of the seed's operands, `simulate`, the
// output checked by the accelerator against the golden reference, per-layer cycles from the
// counters "layer.<i>.cycles".
LayerResult run_simulated_network(const Accelerator& accel, const AccelConfig& config, const Workload& workload,
                                  const NetworkProgram& network, const BackendOptions& options,
                                  const std::function<SimulationOutput(std::vector<uint8_t> dram)>& simulate);

// A network's LayerResult before its run: name, kind, MACs, instructions, utilization of `cycles`.
LayerResult network_result(const Accelerator& accel, const AccelConfig& config, const Workload& workload,
                           const NetworkProgram& network, int64_t cycles);

const std::vector<std::string>& backend_specific_options();

// Contract: throws InputError("--<option>: the <name> backend ignores this option (...)") for the
// first of `given` (option names without "--") that is backend-specific and not read by `backend`.
void check_options_read(const std::string& name, const Backend& backend,
                        const std::vector<std::string>& given);
#define ACV_REGISTER_BACKEND(Class, name_literal) ACV_REGISTER(::acv::Backend, Class, name_literal)

// Shared by rtl and tlm: builds operands and the DRAM image, calls `simulate`, reads the
// output back and compares it with the golden reference, timing the call.
LayerResult run_simulated_layer(const Accelerator& accel, const AccelConfig& config, const Layer& layer,
                                const Program& program, const BackendOptions& options,
                                const std::function<SimulationOutput(std::vector<uint8_t> dram)>& simulate);

}  // namespace acv
