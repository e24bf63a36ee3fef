// The ultratrail TLM model: whole networks in LT and AT equal the golden reference and the RTL's
// cycles, per network and per layer, on both shipped configs; a misconfigured layer is an error;
// the output regions alone carry a network's result back.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "models/common/accelerator.h"
#include "models/common/workload_reader.h"
#include "models/ultratrail/ultratrail_accelerator.h"
#include "rtl/common/rtl_driver.h"
#include "tlm/common/child_process.h"
#include "tlm/common/tlm_mode.h"
#include "tlm/common/tlm_runner.h"

using namespace acv;

namespace {

const std::string kRoot = ACV_SOURCE_DIR;

SimulationOutput run_tlm(const Program& program, const AccelConfig& config, std::vector<uint8_t> dram, TlmMode mode) {
  return run_in_child_process(
      [&] { return TlmRunnerRegistry::create("ultratrail")->run(program, config, std::move(dram), mode); });
}

}  // namespace

TEST_CASE("ultratrail TLM equals the golden reference and the RTL's cycles per network and layer, LT and AT",
          "[tlm][ultratrail][rtl]") {
  const std::string config_name = GENERATE(as<std::string>{}, "ultratrail-8x8", "ultratrail-8x8-slowbus");
  const std::string net = GENERATE(as<std::string>{}, "tc_resnet8", "tcn_wide_k5", "tcn_k16_s4", "tcn_narrow_s8");
  CAPTURE(config_name, net);
  const AccelConfig config = load_accel_config(kRoot + "/models/ultratrail/configs/" + config_name + ".yaml");
  const Workload w = load_workload(kRoot + "/models/workloads/" + net + ".yaml");
  const auto accel = AcceleratorRegistry::create("ultratrail");
  const NetworkProgram np = accel->map_network(w, config);
  const NetworkGolden golden = accel->network_golden(w, config, 9);
  const std::vector<uint8_t>& dram = golden.dram;
  const SimulationOutput rtl = RtlDriverRegistry::create("ultratrail")->run(np.program, config, dram, RtlRunOptions{});
  for (const TlmMode mode : {TlmMode::LooselyTimed, TlmMode::ApproximatelyTimed}) {
    CAPTURE(to_string(mode));
    const SimulationOutput out = run_tlm(np.program, config, dram, mode);
    CHECK(accel->read_network_output(w, config, out.dram) == golden.expected);
    CHECK(out.cycles == rtl.cycles);
    for (std::size_t i = 0; i < np.layers.size(); ++i) {
      const std::string key = "layer." + std::to_string(i) + ".cycles";
      CAPTURE(np.layers[i]);
      CHECK(out.counters.at(key) == rtl.counters.at(key));
    }
    for (const char* c : {"mac.busy", "mac.stall.setup", "mac.stall.drain", "opu.writes"}) {
      CAPTURE(c);
      CHECK(out.counters.at(c) == rtl.counters.at(c));
    }
  }
}

TEST_CASE("a network's output regions alone bring its whole result back from the TLM child", "[tlm][ultratrail]") {
  // What the tlm backend does for networks: only the Program's output regions travel back, over
  // the image the child started from. The model writes external memory nowhere else, so the
  // image equals the one sent back whole.
  const AccelConfig config = load_accel_config(kRoot + "/models/ultratrail/configs/ultratrail-8x8.yaml");
  const Workload w = load_workload(kRoot + "/models/workloads/tc_resnet8.yaml");
  const auto accel = AcceleratorRegistry::create("ultratrail");
  const NetworkProgram np = accel->map_network(w, config);
  const NetworkGolden golden = accel->network_golden(w, config, 4);
  const SimulationOutput whole = run_tlm(np.program, config, golden.dram, TlmMode::LooselyTimed);
  std::vector<uint8_t> base = golden.dram;
  ImageReturn image;
  image.base = &base;
  for (const DramRegion& r : np.program.regions)
    if (r.is_output) image.ranges.push_back({r.base, r.bytes});
  REQUIRE(image.ranges.size() == 1);
  std::vector<uint8_t> dram = golden.dram;
  const SimulationOutput part = run_in_child_process(
      [&] {
        return TlmRunnerRegistry::create("ultratrail")->run(np.program, config, std::move(dram),
                                                            TlmMode::LooselyTimed);
      },
      image);
  CHECK(part.cycles == whole.cycles);
  CHECK(part.dram == whole.dram);
  CHECK(accel->read_network_output(w, config, part.dram) == golden.expected);
}

TEST_CASE("a layer that reads and writes one FMEM is a BackendError on the TLM model", "[tlm][ultratrail]") {
  const AccelConfig config = load_accel_config(kRoot + "/models/ultratrail/configs/ultratrail-8x8.yaml");
  const ultratrail::Params p = ultratrail::read_params(config);
  const Workload w = parse_workload_yaml(
      "layers:\n  - {name: a, type: conv1d, in_channels: 8, length: 20, out_channels: 8, kernel: 3}\n", "one.yaml");
  ultratrail::NetworkMap net = ultratrail::map_network("net", w.layers, p, config.file);
  net.layers[0].dst = net.layers[0].src;
  const auto dram = ultratrail::network_dram_image(net, ultratrail::make_network_data(net, 1), p);
  CHECK_THROWS_WITH(run_tlm(ultratrail::network_program(net, p), config, dram, TlmMode::LooselyTimed),
                    Catch::Contains("layer 0 is misconfigured"));
}
