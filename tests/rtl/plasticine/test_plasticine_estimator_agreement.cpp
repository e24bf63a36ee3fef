// Agreement of the fast estimator with the plasticine RTL: the layers of models/workloads/tiny.yaml
// (pools skipped) and two GEMMs split by M and by N, mapped on every built grid's shipped config, run
// on the Verilated RTL (outputs equal to the golden reference) and estimated from
// models/plasticine/arch.yaml; and extrapolation equal to full evaluation. Bounds of issue 17: MAPE
// under 2 % per config, no layer over 5 %. No cycle counts are written down here.
#include <catch2/catch.hpp>

#include <random>
#include <sstream>
#include <string>

#include "models/common/accel_config.h"
#include "models/common/workload_reader.h"
#include "tests/models/test_layers.h"
#include "tests/rtl/estimator_agreement.h"

using namespace acv;

namespace {

std::vector<std::string> built_grids() {
  std::vector<std::string> grids;
  std::stringstream list(ACV_PLASTICINE_GRIDS_LIST);
  for (std::string g; std::getline(list, g, ',');) grids.push_back(g);
  return grids;
}

AccelConfig shipped_config(const std::string& grid) {
  return load_accel_config(std::string(ACV_SOURCE_DIR) + "/models/plasticine/configs/plasticine-" + grid + ".yaml");
}

}  // namespace

TEST_CASE("the estimator agrees with the plasticine RTL on mapped tiny.yaml layers", "[rtl][plasticine][estimator]") {
  const std::string grid = GENERATE(from_range(built_grids()));
  std::vector<Layer> layers;
  for (const Layer& l : load_workload(std::string(ACV_SOURCE_DIR) + "/models/workloads/tiny.yaml").layers)
    if (!l.is_pool()) layers.push_back(l);
  layers.push_back(test::gemm(300, 20, 200));
  layers.push_back(test::gemm(2, 300, 100));
  test::AgreementBounds bounds;
  bounds.max_error_pct = 5.0;
  bounds.mape_pct = 2.0;
  bounds.check_full = true;
  bounds.seed = 3;
  test::check_estimator_agreement("plasticine", shipped_config(grid), layers, bounds);
}

// Shapes nobody wrote the description against (the shared random generator: GEMMs, dense, strided,
// padded, grouped and depthwise convs, conv1d). In program order alone the estimator missed held-out
// depthwise layers by up to 6.2 % (a store winning cycles from earlier loads: arch.yaml `priority`,
// `lookahead`).
TEST_CASE("the estimator agrees with the plasticine RTL on random layer shapes", "[rtl][plasticine][estimator]") {
  const std::string grid = GENERATE(from_range(built_grids()));
  std::mt19937 rng(static_cast<unsigned>(3000 + grid.size() + static_cast<unsigned char>(grid[0])));
  std::vector<Layer> layers;
  for (int i = 0; i < 12; ++i) layers.push_back(test::random_layer(rng, i));
  // calibration.yaml's dw_23, which program order missed by 6.2 % on the 2x2 grid.
  layers.push_back(test::conv(48, 20, 20, 48, 3, 2, 1, 48));
  test::AgreementBounds bounds;
  bounds.seed = 5;
  test::check_estimator_agreement("plasticine", shipped_config(grid), layers, bounds);
}
