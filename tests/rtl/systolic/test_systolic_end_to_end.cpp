// End to end: layers of models/workloads/tiny.yaml mapped by the systolic mapper, run on the RTL
// of every built size in both dataflows, read back and compared with the golden reference.
#include <catch2/catch.hpp>

#include "models/common/accelerator.h"
#include "models/common/golden.h"
#include "models/common/workload_reader.h"
#include "rtl/common/rtl_driver.h"
#include "systolic_test_util.h"
#include "tests/models/test_layers.h"

using namespace acv;

TEST_CASE("mapped tiny.yaml layers on the systolic RTL equal the golden reference", "[rtl][systolic][e2e]") {
  const int64_t size = GENERATE(from_range(acv::test::built_sizes()));
  const std::string dataflow = GENERATE(as<std::string>{}, "os", "ws");
  const Workload tiny = load_workload(std::string(ACV_WORKLOADS_DIR) + "/tiny.yaml");
  const auto accel = AcceleratorRegistry::create("systolic");
  const auto driver = RtlDriverRegistry::create("systolic");
  const AccelConfig config = acv::test::systolic_config(size, dataflow);
  int ran = 0;
  for (const Layer& layer : tiny.layers) {
    if (layer.is_pool()) continue;  // no pooling unit
    CAPTURE(size, dataflow, layer.name);
    const Program program = accel->map(layer, config);
    const LayerData data = make_layer_data(layer, 42);
    const SimulationOutput out = driver->run(program, config, accel->dram_image(layer, data, program), RtlRunOptions{});
    CHECK(accel->read_output(layer, program, out.dram) == golden_output(layer, data));
    CHECK(out.cycles > 0);
    ++ran;
  }
  CHECK(ran >= 7);
}

TEST_CASE("the reuse mapping's resident blocks and b_off offsets on the systolic RTL equal the golden reference",
          "[rtl][systolic][e2e]") {
  const int64_t size = GENERATE(from_range(acv::test::built_sizes()));
  const std::string dataflow = GENERATE(as<std::string>{}, "os", "ws");
  const auto accel = AcceleratorRegistry::create("systolic");
  const auto driver = RtlDriverRegistry::create("systolic");
  // Depth 40: several m-tiles (WS) and K-long blocks resident across them, K up to 40.
  AccelConfig config = acv::test::systolic_config(size, dataflow, 40);
  config.params["mapping"] = ConfigValue{"reuse", SourceLoc{config.file, 20, "params.mapping"}};
  for (const Layer& layer : {test::gemm(97, 9, 37), test::gemm(5, 70, 23), test::conv(6, 9, 9, 5, 3, 1, 1, 1)}) {
    CAPTURE(size, dataflow, layer.name, layer.gemm_m(), layer.gemm_n(), layer.gemm_k());
    const Program program = accel->map(layer, config);
    const LayerData data = make_layer_data(layer, 42);
    const SimulationOutput out = driver->run(program, config, accel->dram_image(layer, data, program), RtlRunOptions{});
    CHECK(accel->read_output(layer, program, out.dram) == golden_output(layer, data));
  }
}
