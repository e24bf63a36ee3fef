// Agreement of the fast estimator with the ultratrail RTL: whole networks (TC-ResNet8 and the
// made-up nets of the suite) on both shipped configs, run on the Verilated RTL (outputs equal to the
// golden reference) and estimated from models/ultratrail/arch.yaml, per layer and per network. The
// description follows the RTL's timing cycle by cycle, so the two are equal; no cycle count is
// written down here.
#include <catch2/catch.hpp>

#include <string>

#include "estimator/aidg.h"
#include "estimator/arch_description.h"
#include "estimator/bound_arch.h"
#include "models/common/accelerator.h"
#include "models/common/workload_reader.h"
#include "rtl/common/rtl_driver.h"

using namespace acv;

TEST_CASE("the estimator equals the ultratrail RTL per layer and per network", "[rtl][ultratrail][estimator]") {
  const std::string root = ACV_SOURCE_DIR;
  const std::string config_name = GENERATE(as<std::string>{}, "ultratrail-8x8", "ultratrail-8x8-slowbus");
  const std::string net = GENERATE(as<std::string>{}, "tc_resnet8", "tcn_wide_k5", "tcn_k16_s4", "tcn_narrow_s8");
  CAPTURE(config_name, net);
  const AccelConfig config = load_accel_config(root + "/models/ultratrail/configs/" + config_name + ".yaml");
  const Workload w = load_workload(root + "/models/workloads/" + net + ".yaml");
  const auto accel = AcceleratorRegistry::create("ultratrail");
  const NetworkProgram np = accel->map_network(w, config);
  const NetworkGolden golden = accel->network_golden(w, config, 5);
  const SimulationOutput out =
      RtlDriverRegistry::create("ultratrail")->run(np.program, config, golden.dram, RtlRunOptions{});
  REQUIRE(accel->read_network_output(w, config, out.dram) == golden.expected);
  const Estimate e =
      estimate(bind_arch(load_arch_description(config.description), config_values(config), np.program), np.program, {});
  CHECK(e.cycles == out.cycles);
  REQUIRE(e.top_loops.size() == np.layers.size());
  for (std::size_t i = 0; i < np.layers.size(); ++i) {
    CAPTURE(np.layers[i]);
    CHECK(e.top_loops[i].second == out.counters.at("layer." + std::to_string(i) + ".cycles"));
  }
  // Loop extrapolation: far fewer instructions evaluated than the Program holds (one per conv
  // position and output block: the smallest net, tcn_narrow_s8, holds 261 and evaluates 57).
  CHECK(e.evaluated_instructions * 4 < e.represented_instructions);
}
