// The regression baseline backend: a least-squares model (fitted on RTL runs) of description features.
#include <chrono>
#include <cmath>

#include "estimator/regression.h"
#include "validation/backends/backend.h"
#include "validation/backends/estimator_common.h"

namespace acv {

class RegressionBackend : public Backend {
 public:
  std::string options_key(const BackendOptions& options) const override {
    return "regression-model=" + options.regression_model;
  }

  LayerResult run_layer(const Accelerator& accel, const AccelConfig& config, const Layer& layer,
                        const Program& program, const BackendOptions& options) override {
    if (options.regression_model.empty())
      throw InputError("the regression backend needs a fitted model (--regression-model FILE)");
    const auto t0 = std::chrono::steady_clock::now();
    const RegressionModel model = load_regression(options.regression_model);
    const BoundArch arch = bind_config_description(config, program);
    const double y = model.predict(layer_features(arch, program));
    const int64_t cycles = std::max<int64_t>(1, std::llround(y));
    LayerResult r = estimated_layer(layer, program, config, accel.processing_elements(config), cycles);
    r.info["model"] = options.regression_model;
    r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
  }
};

ACV_REGISTER_BACKEND(RegressionBackend, "regression")

}  // namespace acv
