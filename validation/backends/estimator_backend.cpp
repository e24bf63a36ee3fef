// The estimator backend: AIDG evaluation of the Program under the config's architecture description.
#include <chrono>

#include "estimator/aidg.h"
#include "estimator/layer_memo.h"
#include "models/common/counters.h"
#include "validation/backends/backend.h"
#include "validation/backends/estimator_common.h"

namespace acv {

class EstimatorBackend : public Backend {
 public:
  // `explain` only adds text; `full` must give the same cycles but is part of the key so both can be compared.
  std::string options_key(const BackendOptions& options) const override { return options.full ? "full" : ""; }
  std::vector<std::string> options_read() const override { return {"full", "explain"}; }
  void begin_run() override { memo_.clear(); }

  void check(const AccelConfig& config, const BackendOptions& /*options*/) const override {
    check_config_description(config);
  }

  LayerResult run_layer(const Accelerator& accel, const AccelConfig& config, const Layer& layer,
                        const Program& program, const BackendOptions& options) override {
    const auto t0 = std::chrono::steady_clock::now();
    const BoundArch& arch = bindings_.bind(config, program);
    EstimateOptions eo;
    eo.full = options.full;
    eo.explain = options.explain;
    std::string same_as;
    const Estimate e = memo_.estimate(arch, program, eo, &same_as);
    LayerResult r = estimated_layer(layer, program, config, accel.processing_elements(config), e.cycles);
    r.counters["evaluated_instructions"] = e.evaluated_instructions;
    r.counters["represented_instructions"] = e.represented_instructions;
    r.counters["evaluated_iterations"] = e.evaluated_iterations;
    r.counters["represented_iterations"] = e.represented_iterations;
    r.info["bottleneck"] = e.bottleneck;
    if (!same_as.empty()) r.info["same_as"] = same_as;  // its Program and binding are an earlier layer's
    if (options.explain) {
      for (const auto& kv : e.busy) r.counters[counters::busy(kv.first)] = kv.second;
      for (const auto& k : e.kernels)
        r.info["kernel." + (k.loop.empty() ? "depth" + std::to_string(k.depth) : k.loop)] =
            "period " + std::to_string(k.period) + ", " + std::to_string(k.delta) + " cycles per period, " +
            std::to_string(k.evaluated) + " of " + std::to_string(k.trips) + " iterations evaluated (" +
            std::to_string(k.times) + " times)";
    }
    r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
  }

  // The network's layers are the Program's top-level loops (NetworkProgram): each one's cycles
  // are what it adds to the latest end.
  LayerResult run_network(const Accelerator& accel, const AccelConfig& config, const Workload& workload,
                          const NetworkProgram& network, const BackendOptions& options) override {
    const auto t0 = std::chrono::steady_clock::now();
    const Program& program = network.program;
    const BoundArch& arch = bindings_.bind(config, program);
    EstimateOptions eo;
    eo.full = options.full;
    eo.explain = options.explain;
    const Estimate e = estimate(arch, program, eo);
    if (e.top_loops.size() != network.layers.size())
      throw BackendError("network '" + workload.name + "': the Program has " + std::to_string(e.top_loops.size()) +
                         " top-level loops for " + std::to_string(network.layers.size()) + " layers");
    LayerResult r = network_result(accel, config, workload, network, e.cycles);
    for (std::size_t i = 0; i < network.layers.size(); ++i)
      r.layer_cycles.push_back({network.layers[i], e.top_loops[i].second});
    r.counters["evaluated_instructions"] = e.evaluated_instructions;
    r.counters["represented_instructions"] = e.represented_instructions;
    r.counters["evaluated_iterations"] = e.evaluated_iterations;
    r.counters["represented_iterations"] = e.represented_iterations;
    r.info["bottleneck"] = e.bottleneck;
    r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
  }

 private:
  BindingCache bindings_;  // this backend's bindings (one per config, ISA and opcodes used)
  LayerMemo memo_;         // the estimates of this run's layers (keyed by the bindings' addresses)
};

ACV_REGISTER_BACKEND(EstimatorBackend, "estimator")

}  // namespace acv
