// The ultratrail RTL: whole networks from one start equal the golden reference on every layer
// (TC-ResNet8 and made-up nets across widths, kernels, strides, padding and pools), per-layer
// cycle counters follow the controller's timing, and the top's assertions catch a bad layer
// configuration.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "models/common/workload_reader.h"
#include "models/ultratrail/ultratrail_accelerator.h"
#include "rtl/common/rtl_driver.h"

using namespace acv;
using namespace acv::ultratrail;

namespace {

const std::string kSource = ACV_SOURCE_DIR;

AccelConfig shipped() { return load_accel_config(kSource + "/models/ultratrail/configs/ultratrail-8x8.yaml"); }

struct NetRun {
  NetworkMap net;
  SimulationOutput out;
  std::vector<std::vector<int8_t>> golden;
  std::vector<int8_t> output;
};

NetRun run_net(const std::vector<Layer>& layers, uint64_t seed) {
  const AccelConfig config = shipped();
  const Params p = read_params(config);
  NetRun r;
  r.net = map_network("net", layers, p, config.file);
  const NetworkData data = make_network_data(r.net, seed);
  r.golden = golden_network(r.net, data);
  const auto driver = RtlDriverRegistry::create("ultratrail");
  r.out = driver->run(network_program(r.net, p), config, network_dram_image(r.net, data, p), RtlRunOptions{});
  r.output = read_network_output(r.net, p, r.out.dram);
  return r;
}

// A network of many shapes within the limits: odd widths, kernel 16, strides 3 and 8, padding,
// a residual, a pool of 3 (divisor 4) and a global pool of 5 (divisor 8), input length 128.
const char* const kMadeUp = R"(
layers:
  - {name: a, type: conv1d, in_channels: 13, length: 128, out_channels: 21, kernel: 16, stride: 3, padding: 2, relu: true}
  - {name: b, type: conv1d, in_channels: 21, length: 39, out_channels: 21, kernel: 5, padding: 2}
  - {name: c, type: conv1d, input: a, in_channels: 21, length: 39, out_channels: 21, kernel: 1, relu: true}
  - {name: d, type: conv1d, input: b, residual: c, in_channels: 21, length: 39, out_channels: 21, kernel: 3, padding: 1, relu: true}
  - {name: p3, type: avgpool, channels: 21, height: 1, width: 39, kernel: [1, 3]}
  - {name: e, type: conv1d, in_channels: 21, length: 13, out_channels: 9, kernel: 2, stride: 8}
  - {name: f, type: conv1d, in_channels: 9, length: 2, out_channels: 30, kernel: 2, relu: true}
  - {name: fc, type: dense, in_features: 30, out_features: 5}
)";

}  // namespace

TEST_CASE("TC-ResNet8 runs from one start and equals the golden reference", "[rtl][ultratrail]") {
  const Workload w = load_workload(kSource + "/models/workloads/tc_resnet8.yaml");
  const NetRun r = run_net(w.layers, 3);
  REQUIRE(r.output == r.golden.back());
  int64_t layer_sum = 0;
  for (std::size_t i = 0; i < r.net.layers.size(); ++i) {
    CAPTURE(r.net.layers[i].name);
    const int64_t cycles = r.out.counters.at("layer." + std::to_string(i) + ".cycles");
    CHECK(cycles == r.net.layers[i].mac_steps() + 3);  // setup, one cycle per step, drain (README)
    layer_sum += cycles;
  }
  CHECK(r.out.counters.at("mac.busy") + r.out.counters.at("mac.stall.setup") + r.out.counters.at("mac.stall.drain") ==
        layer_sum);
  CHECK(r.out.cycles > layer_sum);  // plus loads and the store
}

TEST_CASE("every layer's RTL output equals the golden reference (networks cut after each layer)",
          "[rtl][ultratrail]") {
  const std::string which = GENERATE(as<std::string>{}, "tc_resnet8", "made_up");
  const Workload w = which == "tc_resnet8" ? load_workload(kSource + "/models/workloads/tc_resnet8.yaml")
                                           : parse_workload_yaml(kMadeUp, "made_up.yaml");
  const Params p = read_params(shipped());
  const NetworkMap full = map_network("net", w.layers, p, "c.yaml");
  std::size_t mapped = 0;
  for (std::size_t cut = 1; cut <= w.layers.size(); ++cut) {
    const std::vector<Layer> prefix(w.layers.begin(), w.layers.begin() + static_cast<std::ptrdiff_t>(cut));
    // A pool joins the layer before it: run the cut that ends on the pool instead.
    if (cut < w.layers.size() && w.layers[cut].kind == LayerKind::AvgPool) continue;
    CAPTURE(which, prefix.back().name);
    const NetRun r = run_net(prefix, 11);
    CHECK(r.output == r.golden.back());
    ++mapped;
  }
  CHECK(mapped == full.layers.size());
}

// The default cycle limit (RtlRunOptions::max_cycles 0) sums a bound per Program instruction; a
// mac stands for all the array steps of one conv position, so its bound must count them. A net whose
// run is mostly array steps (a kernel-16 stem on 50 channels, few loads for its work; found on a
// random held-out net) ran past a limit that counted a mac as 2 cycles, and the RTL "did not finish".
TEST_CASE("a network whose run is mostly array steps finishes within the default cycle limit", "[rtl][ultratrail]") {
  const Workload w = parse_workload_yaml(R"(
layers:
  - {name: stem, type: conv1d, in_channels: 50, length: 122, out_channels: 30, kernel: 16, padding: 8, relu: true}
  - {name: c1, type: conv1d, in_channels: 30, length: 123, out_channels: 31, kernel: 7, stride: 7, padding: 3, relu: true}
  - {name: gap, type: avgpool, channels: 31, height: 1, width: 18, kernel: [1, 18]}
  - {name: fc, type: dense, in_features: 31, out_features: 30}
)",
                                         "mac_bound.yaml");
  const NetRun r = run_net(w.layers, 5);
  CHECK(r.output == r.golden.back());
  int64_t steps = 0;
  for (const auto& l : r.net.layers) steps += l.mac_steps();
  CHECK(2 * steps > r.out.cycles);  // array steps are most of the run
}

TEST_CASE("a layer configuration that reads and writes one FMEM fires the top's assertion", "[rtl][ultratrail]") {
  const Workload w = parse_workload_yaml(
      "layers:\n  - {name: a, type: conv1d, in_channels: 8, length: 20, out_channels: 8, kernel: 3}\n", "one.yaml");
  const AccelConfig config = shipped();
  const Params p = read_params(config);
  NetworkMap net = map_network("net", w.layers, p, config.file);
  net.layers[0].dst = net.layers[0].src;  // a mapper bug the hardware must not run
  const NetworkData data = make_network_data(net, 1);
  const auto driver = RtlDriverRegistry::create("ultratrail");
  CHECK_THROWS_WITH(driver->run(network_program(net, p), config, network_dram_image(net, data, p), RtlRunOptions{}),
                    Catch::Contains("assertion failed in module ultratrail_top"));
}

TEST_CASE("a config the RTL was not built for names the parameter", "[rtl][ultratrail]") {
  AccelConfig config = shipped();
  config.params["wmem_words"].text = "1024";
  const auto driver = RtlDriverRegistry::create("ultratrail");
  CHECK_THROWS_WITH(driver->check_config(config), Catch::Contains("wmem_words") && Catch::Contains("differs"));
}
