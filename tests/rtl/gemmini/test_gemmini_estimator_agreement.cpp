// Agreement of the fast estimator with the gemmini RTL: the layers of models/workloads/tiny.yaml
// mapped on the shipped gemmini configs of every built DIM and both dataflows, run on the Verilated
// RTL (outputs equal to the golden reference) and estimated from models/gemmini/arch.yaml. Bounds of
// issue 11: MAPE under 1 % per config, no layer over 3 %, grouped and depthwise layers included (the
// next group's mvins overlapping the previous group's mvouts on the shared memory port took up to 6 %
// while the estimator placed requests in program order; docs/arch-description.md, "Shared memory
// port"). No cycle counts are written down here.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>

#include "models/common/accel_config.h"
#include "models/common/workload_reader.h"
#include "gemmini_test_util.h"
#include "tests/models/test_layers.h"
#include "tests/rtl/estimator_agreement.h"

using namespace acv;
using namespace acv::test;


namespace {

// Whether the mesh of DIM `dim` is built; when not, the test says so and checks nothing.
bool built_or_warn(int64_t dim) {
  const std::vector<int64_t> dims = built_dims();
  if (std::find(dims.begin(), dims.end(), dim) != dims.end()) return true;
  WARN("DIM " << dim << " not built: nothing to check");
  return false;
}

}  // namespace

TEST_CASE("the estimator agrees with the gemmini RTL on mapped tiny.yaml layers", "[rtl][gemmini][estimator]") {
  const int64_t dim = GENERATE(from_range(built_dims()));
  const std::string dataflow = GENERATE(as<std::string>{}, "os", "ws");
  const std::vector<Layer> layers = tiny_layers();
  REQUIRE(layers.size() >= 7);
  check_estimator_agreement("gemmini", shipped_config(dim, dataflow), layers);
}

// Gemmini's DMA defaults and `mapping: auto` on shapes nobody wrote the description against, and
// calibration.yaml's dw_23, where a mvout that wins the port's cycles from earlier mvins (the store
// unit first) put the estimator 10 % long while it placed requests in program order.
TEST_CASE("the estimator agrees with the gemmini RTL on random shapes (mapping auto)",
          "[rtl][gemmini][estimator]") {
  if (!built_or_warn(16)) return;
  const std::string dataflow = GENERATE(as<std::string>{}, "os", "ws");
  const AccelConfig config =
      load_accel_config(std::string(ACV_SOURCE_DIR) + "/models/gemmini/configs/gemmini-16x16-" + dataflow + "-auto.yaml");
  std::mt19937 rng(dataflow == "ws" ? 4001u : 4002u);
  std::vector<Layer> layers;
  for (int i = 0; i < 12; ++i) layers.push_back(random_layer(rng, i));
  layers.push_back(conv(48, 20, 20, 48, 3, 2, 1, 48));
  check_estimator_agreement("gemmini", config, layers);
}

// Computes of few rows (strided convolutions with few output pixels per row block, depthwise
// layers, a one-row GEMM) retire slower than they start: all four execute records are taken, and
// the RTL holds the next compute's pop until one retires (a WS compute_preloaded from its weight
// load on). The description holds a record from the pop (`hold: records`); the estimate was
// 1.4-1.5 % short on such held-out layers on 4x4 WS and 2 % on a depthwise layer on 8x8 OS while it
// held a record only from the stream start (OS: the last row). Exact here.
TEST_CASE("the estimator equals the gemmini RTL where computes of few rows fill the execute unit's records",
          "[rtl][gemmini][estimator]") {
  const int64_t dim = GENERATE(from_range(built_dims()));
  const std::string dataflow = GENERATE(as<std::string>{}, "os", "ws");
  const std::vector<Layer> layers = {conv(9, 17, 3, 45, 3, 3, 1, 1), conv(31, 2, 14, 101, 2, 3, 1, 1),
                                     conv(22, 7, 34, 58, 1, 3, 0, 1), conv(24, 20, 20, 24, 3, 2, 1, 24),
                                     conv(40, 9, 9, 40, 3, 1, 1, 40), gemm(1, 70, 90)};
  const AgreementBounds exact = exact_agreement();
  check_estimator_agreement("gemmini", shipped_config(dim, dataflow), layers, exact);
}

// Tiny GEMMs whose mvout presents its first store in the very cycle a slot frees for the last mvin's
// last request: the store wins that cycle (stores first) and the mvin's last row comes later. The
// look-ahead counted only later streams that start before the last acceptance, not in its cycle:
// the estimate was 1-4 cycles short on these (-1.6 % on 1x19x12, 16x16 WS; +1.2 % on 3x67x92,
// 16x16 OS -auto; held-out shapes of 2026-12-07). Exact here.
TEST_CASE("the estimator equals the gemmini RTL where a store arrives in the cycle of a load's last acceptance",
          "[rtl][gemmini][estimator]") {
  const int64_t dim = GENERATE(from_range(built_dims()));
  const std::string dataflow = GENERATE(as<std::string>{}, "os", "ws");
  const std::vector<Layer> layers = {gemm(1, 17, 12), gemm(1, 19, 12), gemm(1, 33, 16), gemm(2, 33, 16),
                                     gemm(3, 67, 92)};
  const AgreementBounds exact = exact_agreement();
  check_estimator_agreement("gemmini", shipped_config(dim, dataflow), layers, exact);
  if (dim == 16) {
    const AccelConfig config = load_accel_config(std::string(ACV_SOURCE_DIR) + "/models/gemmini/configs/gemmini-16x16-" +
                                                 dataflow + "-auto.yaml");
    check_estimator_agreement("gemmini", config, layers, exact);
  }
}

// Store-bound GEMMs with K of 1 or 2: one mvin of one or two rows per row block, so a 16-row mvout
// shares the port with many later one-request mvins, and placing it among them moves their starts,
// which brings in others: the later streams took up to 9 rounds to settle where the look-ahead
// stopped after 4 (+1.08 % on 1056x11x1, +1.28 % on 192x360x2 on 16x16 OS; held-out shapes of
// 2026-12-07). Exact here.
TEST_CASE("the estimator equals the gemmini RTL where a mvout's later streams take many rounds to settle",
          "[rtl][gemmini][estimator]") {
  const int64_t dim = GENERATE(from_range(built_dims()));
  const std::string dataflow = GENERATE(as<std::string>{}, "os", "ws");
  const std::vector<Layer> layers = {gemm(1056, 11, 1), gemm(192, 360, 2), gemm(565, 8, 2), gemm(836, 37, 1)};
  const AgreementBounds exact = exact_agreement();
  check_estimator_agreement("gemmini", shipped_config(dim, dataflow), layers, exact);
}

// A mvout that wins port cycles from mvins more than 64 instructions before it in program order
// (a 7x167x43 GEMM on DIM 16: the row block's computes and the next tile's mvins lie between): the
// look-ahead window of 64 left it out (+0.81 % OS, +0.39 % WS; held-out shapes of 2026-12-07), 80
// sees it. Exact here.
TEST_CASE("the estimator equals the gemmini RTL where mvouts more than 64 instructions ahead share the port",
          "[rtl][gemmini][estimator]") {
  if (!built_or_warn(16)) return;
  const std::string dataflow = GENERATE(as<std::string>{}, "os", "ws");
  const AgreementBounds exact = exact_agreement();
  check_estimator_agreement("gemmini", shipped_config(16, dataflow), {gemm(7, 167, 43)}, exact);
}
