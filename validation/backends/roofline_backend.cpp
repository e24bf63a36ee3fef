// The roofline baseline backend: max(MACs at peak, external bytes / bandwidth) from the description.
#include <chrono>

#include "estimator/roofline.h"
#include "validation/backends/backend.h"
#include "validation/backends/estimator_common.h"

namespace acv {

class RooflineBackend : public Backend {
 public:
  std::string options_key(const BackendOptions& /*options*/) const override { return ""; }

  void check(const AccelConfig& config, const BackendOptions& /*options*/) const override {
    check_config_description(config);
  }

  LayerResult run_layer(const Accelerator& accel, const AccelConfig& config, const Layer& layer,
                        const Program& program, const BackendOptions& /*options*/) override {
    const auto t0 = std::chrono::steady_clock::now();
    const BoundArch& arch = bindings_.bind(config, program);
    const RooflineEstimate e = roofline(arch, program);
    LayerResult r = estimated_layer(layer, program, config, accel.processing_elements(config), e.cycles);
    r.counters["compute_cycles"] = e.compute_cycles;
    r.counters["memory_cycles"] = e.memory_cycles;
    r.info["bound"] = e.bound;
    r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
  }

 private:
  BindingCache bindings_;  // this backend's bindings (one per config, ISA and opcodes used)
};

ACV_REGISTER_BACKEND(RooflineBackend, "roofline")

}  // namespace acv
