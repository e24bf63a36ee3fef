// Agreement of the fast estimator with the plasticine RTL: the layers of models/workloads/tiny.yaml
// (pools skipped) and two GEMMs split by M and by N, mapped on every built grid's shipped config, run
// on the Verilated RTL (outputs equal to the golden reference) and estimated from
// models/plasticine/arch.yaml; and extrapolation equal to full evaluation. Bounds of issue 17: MAPE
// under 2 % per config, no layer over 5 %. No cycle counts are written down here.
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>
#include <string>

#include "estimator/aidg.h"
#include "estimator/arch_description.h"
#include "estimator/bound_arch.h"
#include "models/common/accel_config.h"
#include "models/common/accelerator.h"
#include "models/common/golden.h"
#include "models/common/workload_reader.h"
#include "rtl/common/rtl_driver.h"
#include "tests/models/test_layers.h"

using namespace acv;

TEST_CASE("the estimator agrees with the plasticine RTL on mapped tiny.yaml layers", "[rtl][plasticine][estimator]") {
  std::vector<std::string> grids;
  std::stringstream list(ACV_PLASTICINE_GRIDS_LIST);
  for (std::string g; std::getline(list, g, ',');) grids.push_back(g);
  const std::string grid = GENERATE_COPY(from_range(grids));
  const AccelConfig config =
      load_accel_config(std::string(ACV_SOURCE_DIR) + "/models/plasticine/configs/plasticine-" + grid + ".yaml");
  const auto accel = AcceleratorRegistry::create("plasticine");
  const auto driver = RtlDriverRegistry::create("plasticine");
  const auto description = load_arch_description(config.description);
  std::vector<Layer> layers;
  for (const Layer& l : load_workload(std::string(ACV_SOURCE_DIR) + "/models/workloads/tiny.yaml").layers)
    if (!l.is_pool()) layers.push_back(l);
  layers.push_back(test::gemm(300, 20, 200));
  layers.push_back(test::gemm(2, 300, 100));
  double sum_abs_error = 0.0;
  for (const Layer& layer : layers) {
    CAPTURE(grid, layer.name, layer.m, layer.n, layer.k);
    const Program program = accel->map(layer, config);
    const LayerData data = make_layer_data(layer, 3);
    const SimulationOutput out = driver->run(program, config, accel->dram_image(layer, data, program), RtlRunOptions{});
    REQUIRE(accel->read_output(layer, program, out.dram) == golden_output(layer, data));
    const BoundArch arch = bind_arch(description, config_values(config), program);
    const Estimate estimated = estimate(arch, program, EstimateOptions{});
    EstimateOptions full_options;
    full_options.full = true;
    CHECK(estimate(arch, program, full_options).cycles == estimated.cycles);
    REQUIRE(out.cycles > 0);
    const double error = 100.0 * static_cast<double>(estimated.cycles - out.cycles) / static_cast<double>(out.cycles);
    CAPTURE(out.cycles, estimated.cycles, error);
    CHECK(std::abs(error) <= 5.0);
    sum_abs_error += std::abs(error);
  }
  const double mape = sum_abs_error / static_cast<double>(layers.size());
  CAPTURE(grid, mape);
  CHECK(mape <= 2.0);
}

// Shapes nobody wrote the description against (the shared random generator: GEMMs, dense, strided,
// padded, grouped and depthwise convs, conv1d). In program order alone the estimator missed held-out
// depthwise layers by up to 6.2 % (a store winning cycles from earlier loads: arch.yaml `priority`,
// `lookahead`); bounds as above.
TEST_CASE("the estimator agrees with the plasticine RTL on random layer shapes", "[rtl][plasticine][estimator]") {
  std::vector<std::string> grids;
  std::stringstream list(ACV_PLASTICINE_GRIDS_LIST);
  for (std::string g; std::getline(list, g, ',');) grids.push_back(g);
  const std::string grid = GENERATE_COPY(from_range(grids));
  const AccelConfig config =
      load_accel_config(std::string(ACV_SOURCE_DIR) + "/models/plasticine/configs/plasticine-" + grid + ".yaml");
  const auto accel = AcceleratorRegistry::create("plasticine");
  const auto driver = RtlDriverRegistry::create("plasticine");
  const auto description = load_arch_description(config.description);
  std::mt19937 rng(static_cast<unsigned>(3000 + grid.size() + static_cast<unsigned char>(grid[0])));
  double sum_abs_error = 0.0;
  int count = 0;
  std::vector<Layer> layers;
  for (int i = 0; i < 12; ++i) layers.push_back(test::random_layer(rng, i));
  // calibration.yaml's dw_23, which program order missed by 6.2 % on the 2x2 grid.
  layers.push_back(test::conv(48, 20, 20, 48, 3, 2, 1, 48));
  for (const Layer& layer : layers) {
    CAPTURE(grid, layer.name, layer.kind, layer.in_c, layer.in_h, layer.in_w, layer.out_c, layer.kh, layer.kw,
            layer.stride_h, layer.pad_h, layer.groups, layer.m, layer.k, layer.n);
    const Program program = accel->map(layer, config);
    const LayerData data = make_layer_data(layer, 5);
    const SimulationOutput out = driver->run(program, config, accel->dram_image(layer, data, program), RtlRunOptions{});
    REQUIRE(accel->read_output(layer, program, out.dram) == golden_output(layer, data));
    const BoundArch arch = bind_arch(description, config_values(config), program);
    const Estimate estimated = estimate(arch, program, EstimateOptions{});
    REQUIRE(out.cycles > 0);
    const double error = 100.0 * static_cast<double>(estimated.cycles - out.cycles) / static_cast<double>(out.cycles);
    CAPTURE(out.cycles, estimated.cycles, error);
    CHECK(std::abs(error) <= 3.0);
    sum_abs_error += std::abs(error);
    ++count;
  }
  CAPTURE(grid, sum_abs_error / count);
  CHECK(sum_abs_error / count <= 1.0);
}
