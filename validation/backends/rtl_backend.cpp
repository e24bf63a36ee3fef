// The rtl backend: the Verilated RTL of the accelerator, outputs checked against the golden reference.
#include "rtl/common/rtl_driver.h"
#include "validation/backends/backend.h"

namespace acv {

class RtlBackend : public Backend {
 public:
  std::string options_key(const BackendOptions& /*options*/) const override { return ""; }
  std::vector<std::string> options_read() const override { return {"trace", "max-cycles"}; }

  void check(const AccelConfig& config, const BackendOptions& /*options*/) const override {
    RtlDriverRegistry::create(config.accelerator)->check_config(config);
  }

  LayerResult run_layer(const Accelerator& accel, const AccelConfig& config, const Layer& layer,
                        const Program& program, const BackendOptions& options) override {
    return run_simulated_layer(accel, config, layer, program, options, simulate(program, config, options));
  }

  LayerResult run_network(const Accelerator& accel, const AccelConfig& config, const Workload& workload,
                          const NetworkProgram& network, const BackendOptions& options) override {
    return run_simulated_network(accel, config, workload, network, options, simulate(network.program, config, options));
  }

 private:
  // The Verilated run of `program` on the config's model, as run_simulated_* call it.
  static std::function<SimulationOutput(std::vector<uint8_t>)> simulate(const Program& program,
                                                                         const AccelConfig& config,
                                                                         const BackendOptions& options) {
    std::shared_ptr<RtlDriver> driver = RtlDriverRegistry::create(config.accelerator);
    RtlRunOptions rtl_options;
    rtl_options.trace_file = options.trace_file;
    rtl_options.max_cycles = options.max_cycles;
    return [driver, &program, &config, rtl_options](std::vector<uint8_t> dram) {
      return driver->run(program, config, std::move(dram), rtl_options);
    };
  }
};

ACV_REGISTER_BACKEND(RtlBackend, "rtl")

}  // namespace acv
