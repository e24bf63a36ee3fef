// What the simulating backends (rtl, tlm) share: operands, DRAM image, golden comparison, timing.
#include "backend.h"

#include <algorithm>
#include <chrono>

#include "validation/harness/golden_cache.h"

namespace acv {

LayerResult run_simulated_layer(const Accelerator& accel, const AccelConfig& config, const Layer& layer,
                                const Program& program, const BackendOptions& options,
                                const std::function<SimulationOutput(std::vector<uint8_t> dram)>& simulate) {
  const GoldenCase golden = options.golden ? options.golden->get(layer, options.seed)
                                           : GoldenCache("", "").get(layer, options.seed);
  const std::vector<int32_t>& expected = golden.expected;
  std::vector<uint8_t> dram = accel.dram_image(layer, golden.data, program);

  const auto start = std::chrono::steady_clock::now();
  const SimulationOutput out = simulate(std::move(dram));
  const auto stop = std::chrono::steady_clock::now();

  const std::vector<int32_t> actual = accel.read_output(layer, program, out.dram);
  LayerResult r;
  r.layer = layer.name;
  r.kind = to_string(layer.kind);
  r.cycles = out.cycles;
  r.macs = layer.macs();
  const int64_t pes = accel.processing_elements(config);
  r.utilization =
      out.cycles > 0 ? static_cast<double>(r.macs) / (static_cast<double>(out.cycles) * pes) : 0.0;
  r.stall_free_cycles = accel.stall_free_cycles(layer, config);
  r.outputs_checked = true;
  r.outputs_match = actual == expected;
  r.output_hash = r.outputs_match ? golden.expected_hash : hash_output(actual);  // equal tensors, equal hashes
  r.wall_seconds = std::chrono::duration<double>(stop - start).count();
  r.instructions = program.instruction_count();
  r.counters = out.counters;
  if (!r.outputs_match) r.note = "output mismatch at " + output_mismatch(actual, expected);
  return r;
}

LayerResult network_result(const Accelerator& accel, const AccelConfig& config, const Workload& workload,
                           const NetworkProgram& network, int64_t cycles) {
  LayerResult r;
  r.layer = workload.name;
  r.kind = "network";
  r.cycles = cycles;
  r.macs = network.macs;
  const int64_t pes = accel.processing_elements(config);
  r.utilization = cycles > 0 && pes > 0 ? static_cast<double>(r.macs) / (static_cast<double>(cycles) * pes) : 0.0;
  r.instructions = network.program.instruction_count();
  return r;
}

LayerResult run_simulated_network(const Accelerator& accel, const AccelConfig& config, const Workload& workload,
                                  const NetworkProgram& network, const BackendOptions& options,
                                  const std::function<SimulationOutput(std::vector<uint8_t> dram)>& simulate) {
  // Operands and golden output built once (or read from the cache), the check reusing them.
  NetworkGolden golden = options.golden ? options.golden->get_network(accel, config, workload, network, options.seed)
                                        : accel.network_golden(workload, config, options.seed);
  const auto start = std::chrono::steady_clock::now();
  const SimulationOutput out = simulate(std::move(golden.dram));
  const auto stop = std::chrono::steady_clock::now();
  LayerResult r = network_result(accel, config, workload, network, out.cycles);
  const std::string mismatch = output_mismatch(accel.read_network_output(workload, config, out.dram), golden.expected);
  if (!mismatch.empty())
    r.note = "output of layer '" + (network.layers.empty() ? workload.name : network.layers.back()) + "' differs at " +
             mismatch;
  r.outputs_checked = true;
  r.outputs_match = mismatch.empty();
  r.wall_seconds = std::chrono::duration<double>(stop - start).count();
  r.counters = out.counters;
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    const auto it = out.counters.find("layer." + std::to_string(i) + ".cycles");
    if (it == out.counters.end())
      throw BackendError(config.accelerator + ": the run reported no cycles of layer " + std::to_string(i) + " ('" +
                         network.layers[i] + "')");
    r.layer_cycles.push_back({network.layers[i], it->second});
  }
  return r;
}

const std::vector<std::string>& backend_specific_options() {
  static const std::vector<std::string> names = {"trace",   "tlm-mode",         "full",
                                                 "explain", "regression-model", "max-cycles"};
  return names;
}

void check_options_read(const std::string& name, const Backend& backend,
                        const std::vector<std::string>& given) {
  const std::vector<std::string> read = backend.options_read();
  const auto& specific = backend_specific_options();
  for (const auto& option : given) {
    if (std::find(specific.begin(), specific.end(), option) == specific.end()) continue;
    if (std::find(read.begin(), read.end(), option) != read.end()) continue;
    std::string list;
    for (const auto& r : read) list += (list.empty() ? "--" : ", --") + r;
    throw InputError("--" + option + ": the " + name + " backend ignores this option (" +
                     (list.empty() ? "it reads none of the backend-specific ones" : "it reads " + list) +
                     ")");
  }
}

}  // namespace acv
