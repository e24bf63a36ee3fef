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
    std::unique_ptr<RtlDriver> driver = RtlDriverRegistry::create(config.accelerator);
    RtlRunOptions rtl_options;
    rtl_options.trace_file = options.trace_file;
    rtl_options.max_cycles = options.max_cycles;
    return run_simulated_layer(accel, config, layer, program, options, [&](std::vector<uint8_t> dram) {
      return driver->run(program, config, std::move(dram), rtl_options);
    });
  }

  LayerResult run_network(const Accelerator& accel, const AccelConfig& config, const Workload& workload,
                          const NetworkProgram& network, const BackendOptions& options) override {
    std::unique_ptr<RtlDriver> driver = RtlDriverRegistry::create(config.accelerator);
    RtlRunOptions rtl_options;
    rtl_options.trace_file = options.trace_file;
    rtl_options.max_cycles = options.max_cycles;
    return run_simulated_network(accel, config, workload, network, options, [&](std::vector<uint8_t> dram) {
      return driver->run(network.program, config, std::move(dram), rtl_options);
    });
  }
};

ACV_REGISTER_BACKEND(RtlBackend, "rtl")

}  // namespace acv
