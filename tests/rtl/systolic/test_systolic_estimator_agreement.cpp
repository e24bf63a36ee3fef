// Agreement of the fast estimator with the RTL: layers of models/workloads/tiny.yaml mapped on the
// shipped systolic configs of every built size and both dataflows, run on the Verilated RTL and
// estimated from models/systolic/arch.yaml. Fails when either view drifts (issue 3's accuracy
// target: no layer off by more than 3 %, MAPE at most 1 %). No cycle counts are written down here.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "models/common/accel_config.h"
#include "models/common/workload_reader.h"
#include "systolic_test_util.h"
#include "tests/models/test_layers.h"
#include "tests/rtl/estimator_agreement.h"

using namespace acv;

namespace {

AccelConfig shipped_config(int64_t size, const std::string& dataflow) {
  const std::string n = std::to_string(size);
  return load_accel_config(std::string(ACV_WORKLOADS_DIR) + "/../systolic/configs/systolic-" + n + "x" + n + "-" +
                           dataflow + ".yaml");
}

// Issue 3's bounds: no layer off by more than 3 %, MAPE at most 1 % (pools skipped: no pooling unit).
void check_agreement(const AccelConfig& config, const std::vector<Layer>& layers, std::size_t min_layers) {
  std::vector<Layer> mapped;
  for (const Layer& layer : layers)
    if (!layer.is_pool()) mapped.push_back(layer);
  REQUIRE(mapped.size() >= min_layers);
  test::check_estimator_agreement("systolic", config, mapped);
}

}  // namespace

TEST_CASE("the estimator agrees with the systolic RTL on mapped tiny.yaml layers", "[rtl][systolic][estimator]") {
  const int64_t size = GENERATE(from_range(acv::test::built_sizes()));
  const std::string dataflow = GENERATE(as<std::string>{}, "os", "ws");
  check_agreement(shipped_config(size, dataflow), load_workload(std::string(ACV_WORKLOADS_DIR) + "/tiny.yaml").layers,
                  7);
}

// The shipped config with DMA bursts of `burst` entries. Its memory keeps the shipped number of
// requests in flight: with few (2 or 8) the estimator's shared-port approximation (loads and
// stores in flight together) misses by up to 8 % on small layers also without bursts.
AccelConfig with_bursts(AccelConfig config, int64_t burst) {
  config.params.at("dma_burst").text = std::to_string(burst);
  config.name += "-b" + std::to_string(burst);
  return config;
}

// Without the memory's look-ahead (program-order placement) this misses by up to -15.5 % (16x16 WS,
// B = 4, a random layer).
TEST_CASE("the estimator agrees with the systolic RTL with DMA bursts on tiny.yaml and random layers",
          "[rtl][systolic][estimator][bursts]") {
  const int64_t size = GENERATE(from_range(acv::test::built_sizes()));
  const std::string dataflow = GENERATE(as<std::string>{}, "os", "ws");
  const int64_t burst = GENERATE(4, 8);
  std::vector<Layer> layers = load_workload(std::string(ACV_WORKLOADS_DIR) + "/tiny.yaml").layers;
  std::mt19937 rng(static_cast<unsigned>(2000 + size * 8 + burst + (dataflow == "ws")));
  for (int i = 0; i < 6; ++i) layers.push_back(test::random_layer(rng, i));
  check_agreement(with_bursts(shipped_config(size, dataflow), burst), layers, 13);
}

TEST_CASE("the estimator stays within its bounds on random layer shapes never used to write the description",
          "[rtl][systolic][estimator]") {
  const int64_t size = GENERATE(from_range(acv::test::built_sizes()));
  const std::string dataflow = GENERATE(as<std::string>{}, "os", "ws");
  std::mt19937 rng(static_cast<unsigned>(1000 + size * 2 + (dataflow == "ws")));
  std::vector<Layer> layers;
  for (int i = 0; i < 12; ++i) layers.push_back(test::random_layer(rng, i));
  check_agreement(shipped_config(size, dataflow), layers, 12);
}
