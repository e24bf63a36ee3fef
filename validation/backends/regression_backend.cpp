// The regression baseline backend: a least-squares model (fitted on RTL runs) of description features.
#include <chrono>
#include <cmath>

#include "estimator/regression.h"
#include "validation/backends/backend.h"
#include "validation/backends/estimator_common.h"

namespace acv {

namespace {

// --regression-model overrides the model the config names.
std::string model_path(const AccelConfig& config, const BackendOptions& options) {
  const std::string& path = options.regression_model.empty() ? config.regression_model : options.regression_model;
  if (path.empty())
    throw InputError(SourceLoc{config.file, 0, "regression_model"},
                     "the regression backend needs a fitted model: name one in the config (regression_model:) "
                     "or give --regression-model FILE (fit one with acv fit-regression)");
  return path;
}

}  // namespace

class RegressionBackend : public Backend {
 public:
  // The model a config names (regression_model:) is part of the config; only an override is an option.
  std::string options_key(const BackendOptions& options) const override {
    return options.regression_model.empty() ? "" : "regression-model=" + options.regression_model;
  }
  std::vector<std::string> options_read() const override { return {"regression-model"}; }

  void check(const AccelConfig& config, const BackendOptions& options) const override {
    check_config_description(config);
    load_regression(model_path(config, options));
  }

  LayerResult run_layer(const Accelerator& accel, const AccelConfig& config, const Layer& layer,
                        const Program& program, const BackendOptions& options) override {
    const std::string path = model_path(config, options);
    const auto t0 = std::chrono::steady_clock::now();
    const RegressionModel model = load_regression(path);
    const BoundArch& arch = bindings_.bind(config, program);
    const double y = model.predict(layer_features(arch, program));
    const int64_t cycles = std::max<int64_t>(1, std::llround(y));
    LayerResult r = estimated_layer(layer, program, config, accel.processing_elements(config), cycles);
    r.info["model"] = path;
    r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
  }

 private:
  BindingCache bindings_;  // this backend's bindings (one per config, ISA and opcodes used)
};

ACV_REGISTER_BACKEND(RegressionBackend, "regression")

}  // namespace acv
