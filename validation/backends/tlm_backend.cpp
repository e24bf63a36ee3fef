// The tlm backend: the accelerator's SystemC TLM-2.0 model (LT or AT), one child process per layer or network,
// outputs checked against the golden reference.
#include "tlm/common/child_process.h"
#include "tlm/common/tlm_mode.h"
#include "tlm/common/tlm_runner.h"
#include "validation/backends/backend.h"

namespace acv {

// Options: tlm_mode ("lt" | "at") decides the result. SystemC elaborates once per process, so each
// layer's simulation runs in a forked child (acv's own process never creates a SystemC object).
class TlmBackend : public Backend {
 public:
  std::string options_key(const BackendOptions& options) const override {
    return std::string("tlm-mode=") + to_string(parse_tlm_mode(options.tlm_mode));
  }
  std::vector<std::string> options_read() const override { return {"tlm-mode", "max-cycles"}; }
  bool forks() const override { return true; }

  LayerResult run_layer(const Accelerator& accel, const AccelConfig& config, const Layer& layer,
                        const Program& program, const BackendOptions& options) override {
    const TlmMode mode = parse_tlm_mode(options.tlm_mode);
    LayerResult r = run_simulated_layer(accel, config, layer, program, options, [&](std::vector<uint8_t> dram) {
      return simulate(program, config, dram, mode, options, "layer '" + layer.name + "'");
    });
    r.info["tlm_mode"] = to_string(mode);
    return r;
  }

  LayerResult run_network(const Accelerator& accel, const AccelConfig& config, const Workload& workload,
                          const NetworkProgram& network, const BackendOptions& options) override {
    const TlmMode mode = parse_tlm_mode(options.tlm_mode);
    LayerResult r = run_simulated_network(accel, config, workload, network, options, [&](std::vector<uint8_t> dram) {
      return simulate(network.program, config, dram, mode, options, "network '" + workload.name + "'");
    });
    r.info["tlm_mode"] = to_string(mode);
    return r;
  }

 private:
  // A layer's or network's output is read from its Program's output regions only: just those travel
  // back from the child, written over the parent's copy of the image the child started from (a
  // layer's whole image is megabytes of operands; the pipe cost more than the model on small layers).
  static ImageReturn output_ranges(const Program& program) {
    ImageReturn image;
    for (const DramRegion& region : program.regions)
      if (region.is_output) image.ranges.push_back({region.base, region.bytes});
    return image;
  }
  // With output regions, the child moves its own copy of `dram` into the model and the parent's
  // stays as the base of the returned image.
  static SimulationOutput simulate(const Program& program, const AccelConfig& config, std::vector<uint8_t>& dram,
                                   TlmMode mode, const BackendOptions& options, const std::string& what) {
    ImageReturn image = output_ranges(program);
    if (!image.ranges.empty()) image.base = &dram;
    std::unique_ptr<TlmRunner> runner = TlmRunnerRegistry::create(config.accelerator);
    runner->prepare(program, config);  // before the fork: the child's first touches fault
    SimulationOutput out =
        run_in_child_process([&] { return runner->run(program, config, std::move(dram), mode); }, image);
    // The model runs a Program to its end in a fraction of the RTL's time; a run past the limit
    // fails as the RTL's does (exit 3) rather than report cycles the user ruled out.
    if (options.max_cycles > 0 && out.cycles > options.max_cycles)
      throw BackendError(config.accelerator + " TLM (" + to_string(mode) + "): " + what + " took " +
                         std::to_string(out.cycles) + " cycles, past --max-cycles " +
                         std::to_string(options.max_cycles));
    return out;
  }
};

ACV_REGISTER_BACKEND(TlmBackend, "tlm")

}  // namespace acv
