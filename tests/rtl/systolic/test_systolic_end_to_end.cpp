// End to end: layers of models/workloads/tiny.yaml mapped by the systolic mapper, run on the RTL
// of every built size in both dataflows, read back and compared with the golden reference.
#include <catch2/catch.hpp>

#include "models/common/accelerator.h"
#include "models/common/golden.h"
#include "models/common/workload_reader.h"
#include "rtl/common/rtl_driver.h"
#include "systolic_test_util.h"

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
