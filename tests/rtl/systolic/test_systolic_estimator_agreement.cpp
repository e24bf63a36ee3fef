// Agreement of the fast estimator with the RTL: layers of models/workloads/tiny.yaml mapped on the
// shipped systolic configs of every built size and both dataflows, run on the Verilated RTL and
// estimated from models/systolic/arch.yaml. Fails when either view drifts (issue 3's accuracy
// target: no layer off by more than 3 %, MAPE at most 1 %). No cycle counts are written down here.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <random>
#include <string>

#include "models/common/accel_config.h"
#include "models/common/workload_reader.h"
#include "systolic_test_util.h"
#include "tests/models/test_layers.h"
#include "models/systolic/systolic_accelerator.h"
#include "tests/models/systolic/rep_load_program.h"
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

// The WS configs with 32 / 64 kB halves keep loads in flight far ahead: in a 16 -> 32 channel 3x3
// convolution on a large map, loads up to eight instructions later take port cycles an earlier
// load waits for. A look-ahead window of 4 missed them (-2.5 % on a held-out 52x52 map, -3.9 % on
// Tiny YOLO's Conv2 on 16x16 WS -64k); the description's window is now 2 * QD. Exact here.
TEST_CASE("the estimator equals the systolic RTL where loads eight instructions ahead share the port",
          "[rtl][systolic][estimator]") {
  const std::vector<int64_t> sizes = acv::test::built_sizes();
  for (const char* name : {"systolic-8x8-ws-32k", "systolic-16x16-ws-64k"}) {
    const AccelConfig config =
        load_accel_config(std::string(ACV_WORKLOADS_DIR) + "/../systolic/configs/" + name + ".yaml");
    if (std::find(sizes.begin(), sizes.end(), std::stoll(config.params.at("rows").text)) == sizes.end()) continue;
    CAPTURE(name);
    const test::AgreementBounds exact = test::exact_agreement();
    test::check_estimator_agreement("systolic", config,
                                    {test::conv(16, 52, 52, 32, 3, 1, 0, 1), test::conv(16, 61, 47, 32, 3, 1, 1, 1)},
                                    exact);
  }
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

// Two-level dma_loads (reps x rows, rtl/systolic/README.md "Load unit") and the WS Programs that keep
// A's m-tile resident through them (models/systolic/README.md, Mapping): the hand-built Program of
// the RTL / TLM / functional-model tests and mapped layers whose search picks the A block (one
// chunk, two chunks, ragged m-tiles), with and without bursts: the estimator gives the RTL's cycles.
// The shipped WS config's memory (as above: with few requests in flight the shared-port
// approximation misses also without these), 40-entry halves, the reuse mapping.
TEST_CASE("the estimator agrees with the systolic RTL on two-level dma_loads and WS Programs that keep A resident",
          "[rtl][systolic][estimator]") {
  const int64_t n = GENERATE(from_range(acv::test::built_sizes()));
  const int64_t burst = GENERATE(1, 4);
  AccelConfig config = with_bursts(shipped_config(n, "ws"), burst);
  for (const char* depth : {"ibuf_depth", "wbuf_depth", "obuf_depth"}) config.params.at(depth).text = "40";
  config.params.at("mapping").text = "reuse";
  CAPTURE(n, burst);

  const auto description = load_arch_description(config.description);
  const Program hand = test::rep_load_program(n, 5);
  const std::vector<uint8_t> dram = test::rep_load_dram(n, 5);
  const SimulationOutput out = RtlDriverRegistry::create("systolic")->run(hand, config, dram, RtlRunOptions{});
  CHECK(test::rep_load_mismatches(dram, out.dram, n, 5) == 0);
  CHECK(estimate(bind_arch(description, config_values(config), hand), hand, EstimateOptions{}).cycles == out.cycles);

  const systolic::Params p = systolic::read_params(config);
  std::vector<Layer> layers;
  for (const auto& s : {std::array<int64_t, 3>{16, 2 * n + 3, 2 * n}, std::array<int64_t, 3>{55, 3 * n, 4 * n},
                        std::array<int64_t, 3>{75, 2 * n + 3, n}}) {
    REQUIRE(systolic::choose_tiling(p, s[0], s[1], s[2]).resident == systolic::Resident::kA);
    layers.push_back(test::gemm(s[0], s[1], s[2]));
  }
  // And random shapes of the kind the candidate serves (K a multiple of R, several n-tiles), those
  // the search gives to it.
  std::mt19937 rng(static_cast<unsigned>(3000 + n * 2 + burst));
  auto pick = [&rng](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  for (int i = 0; layers.size() < 9 && i < 200; ++i) {
    const int64_t m = pick(1, 120), nn = pick(n + 1, 5 * n), k = n * pick(1, 8);
    if (systolic::choose_tiling(p, m, nn, k).resident != systolic::Resident::kA) continue;
    layers.push_back(test::gemm(m, nn, k));
    layers.back().name = "random" + std::to_string(i);
  }
  REQUIRE(layers.size() == 9);
  test::AgreementBounds exact = test::exact_agreement();
  exact.check_full = true;
  test::check_estimator_agreement("systolic", config, layers, exact);
}
