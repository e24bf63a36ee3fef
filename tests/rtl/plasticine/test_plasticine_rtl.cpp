// The plasticine RTL: mapped layers (ragged GEMMs split by M and by N, dense, conv, depthwise) on
// every built grid compute the golden reference and the functional model's memory; a Program
// breaking the flag discipline or naming a PMU outside the grid fails loudly; counters add up.
#include <catch2/catch.hpp>
#include <sstream>

#include "models/common/accelerator.h"
#include "models/common/golden.h"
#include "models/plasticine/plasticine_accelerator.h"
#include "models/plasticine/plasticine_iss.h"
#include "rtl/common/rtl_driver.h"
#include "tests/models/test_layers.h"

using namespace acv;

namespace {

// The grids rtl/CMakeLists.txt Verilated (ACV_PLASTICINE_GRIDS, comma-separated here).
std::vector<std::string> built_grids() {
  std::vector<std::string> grids;
  std::stringstream s(ACV_PLASTICINE_GRIDS_LIST);
  std::string item;
  while (std::getline(s, item, ',')) grids.push_back(item);
  return grids;
}

AccelConfig shipped_config(const std::string& grid) {
  return load_accel_config(std::string(ACV_SOURCE_DIR) + "/models/plasticine/configs/plasticine-" + grid + ".yaml");
}

SimulationOutput check_layer(const Layer& layer, const AccelConfig& cfg) {
  PlasticineAccelerator accel;
  const Program program = accel.map(layer, cfg);
  const LayerData data = make_layer_data(layer, 5);
  std::vector<uint8_t> image = accel.dram_image(layer, data, program);
  std::vector<uint8_t> expected = image;
  plasticine::run_functional(program, cfg, expected);
  const auto driver = RtlDriverRegistry::create("plasticine");
  SimulationOutput out = driver->run(program, cfg, image, RtlRunOptions{});
  CHECK(accel.read_output(layer, program, out.dram) == golden_output(layer, data));
  CHECK(out.dram == expected);
  CHECK(out.cycles > 0);
  return out;
}

}  // namespace

TEST_CASE("mapped plasticine layers on the RTL equal the golden reference on every built grid", "[rtl][plasticine]") {
  const std::string grid = GENERATE(from_range(built_grids()));
  CAPTURE(grid);
  const AccelConfig cfg = shipped_config(grid);
  using test::conv;
  using test::gemm;
  check_layer(gemm(37, 41, 53), cfg);  // ragged in every dimension
  check_layer(gemm(1, 70, 100), cfg);  // one row: split over N
  check_layer(gemm(1, 1, 1), cfg);
  Layer dense = gemm(2, 29, 300);
  dense.kind = LayerKind::Dense;
  check_layer(dense, cfg);
  check_layer(conv(3, 9, 9, 5, 3, 2, 1, 1), cfg);
  check_layer(conv(6, 7, 7, 6, 3, 1, 1, 6), cfg);  // depthwise: one group per PCU tile loop
}

TEST_CASE("plasticine RTL counters: every PCU cycle is a vector of the mapped dot products", "[rtl][plasticine]") {
  const AccelConfig cfg = shipped_config(built_grids().front());
  const Layer layer = test::gemm(64, 16, 64);
  const SimulationOutput out = check_layer(layer, cfg);
  const plasticine::Params p = plasticine::read_params(cfg);
  // Lock step: the PCUs together see ceil(M / P) rows per PCU x N x K/lanes vectors at least.
  CHECK(out.counters.at("pcu.busy") >= (64 / p.pcus()) * 16 * (64 / p.lanes));
  CHECK(out.counters.at("pcu.busy") <= out.cycles);
  CHECK(out.counters.at("dram.writes") == 64);  // one write burst per C row
  CHECK(out.counters.at("dram.bytes_written") == 64 * 16 * 4);
}

TEST_CASE("a plasticine Program naming a PMU outside the grid is refused before it runs", "[rtl][plasticine]") {
  const AccelConfig cfg = shipped_config(built_grids().front());
  Program p = PlasticineAccelerator().map(test::gemm(4, 4, 4), cfg);
  p.top.body.front().loop->body.front().instr.operands[plasticine::kRtPmu] = Expr(63);
  const auto driver = RtlDriverRegistry::create("plasticine");
  CHECK_THROWS_AS(driver->run(p, cfg, std::vector<uint8_t>(p.dram_bytes, 0), RtlRunOptions{}), BackendError);
}

TEST_CASE("a plasticine config without a built RTL grid is refused naming the parameter", "[rtl][plasticine]") {
  AccelConfig cfg = shipped_config(built_grids().front());
  cfg.params["rows"].text = "8";
  cfg.params["cols"].text = "8";
  try {
    RtlDriverRegistry::create("plasticine")->check_config(cfg);
    FAIL("no InputError");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("rows") != std::string::npos);
  }
}

TEST_CASE("random plasticine GEMM shapes on the RTL equal the golden reference", "[rtl][plasticine]") {
  const AccelConfig cfg = shipped_config(built_grids().front());
  uint64_t x = 0x2545f4914f6cdd1dULL;
  auto next = [&](int64_t hi) {  // xorshift64, in [1, hi]
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return static_cast<int64_t>(x % static_cast<uint64_t>(hi)) + 1;
  };
  for (int i = 0; i < 24; ++i) {
    const Layer layer = test::gemm(next(90), next(70), next(400));
    CAPTURE(layer.m, layer.n, layer.k);
    check_layer(layer, cfg);
  }
}
