// The plasticine mapper: map-reduce Programs that compute the golden reference on the functional
// model (both ways of spreading a GEMM over the PCUs, multi-tile loops), clear errors.
#include <catch2/catch.hpp>

#include "models/common/golden.h"
#include "models/plasticine/plasticine_accelerator.h"
#include "models/plasticine/plasticine_iss.h"
#include "tests/models/test_layers.h"

using namespace acv;

namespace {

const std::string kConfigDir = std::string(ACV_SOURCE_DIR) + "/models/plasticine/configs/";

AccelConfig config(int64_t rows, int64_t cols, int64_t bank_depth, int64_t out_depth) {
  AccelConfig c;
  c.file = "test-config.yaml";
  c.accelerator = "plasticine";
  auto set = [&](const std::string& k, const std::string& v) {
    c.params[k] = ConfigValue{v, SourceLoc{c.file, 1, k}};
  };
  set("rows", std::to_string(rows));
  set("cols", std::to_string(cols));
  set("lanes", "16");
  set("stages", "6");
  set("pmu_banks", "16");
  set("bank_depth", std::to_string(bank_depth));
  set("out_depth", std::to_string(out_depth));
  set("burst_bytes", "64");
  set("queue_depth", "4");
  set("dram_bytes", "268435456");
  return c;
}

using test::conv;
using test::gemm;

void check_matches_golden(const Layer& layer, const AccelConfig& cfg) {
  test::check_functional_golden(PlasticineAccelerator(), plasticine::run_functional, layer, cfg);
}

void check_shapes(const AccelConfig& cfg) {
  for (const Layer& layer : test::ragged_layers()) check_matches_golden(layer, cfg);
  Layer one_row = gemm(1, 29, 70);  // M = 1: split over N
  one_row.kind = LayerKind::Dense;
  check_matches_golden(one_row, cfg);
}

}  // namespace

TEST_CASE("every shipped plasticine config computes the golden reference on ragged gemm, dense, conv, depthwise",
          "[plasticine][mapper]") {
  for (const char* name : {"plasticine-4x4", "plasticine-2x2"}) {
    CAPTURE(name);
    const AccelConfig cfg = load_accel_config(kConfigDir + name + ".yaml");
    PlasticineAccelerator().check_config(cfg);
    check_shapes(cfg);
  }
}

TEST_CASE("small PMUs force multi-tile loops over both halves and still compute the golden reference",
          "[plasticine][mapper]") {
  const AccelConfig cfg = config(2, 2, 32, 4);  // 16 entries per half, 4 outputs per PCU
  check_shapes(cfg);
  check_matches_golden(gemm(50, 3, 64), cfg);
}

TEST_CASE("a GEMM is split over the PCUs along M when M is large and along N when M is one row",
          "[plasticine][mapper]") {
  const AccelConfig cfg = config(4, 4, 4096, 512);
  const plasticine::Params p = plasticine::read_params(cfg);
  CHECK(plasticine::choose_tiling(512, 16, 64, p, cfg.dram).split_m);
  CHECK_FALSE(plasticine::choose_tiling(1, 512, 64, p, cfg.dram).split_m);
  check_matches_golden(gemm(1, 300, 40), cfg);
  check_matches_golden(gemm(300, 2, 40), cfg);
}

TEST_CASE("the Program names its loops and instructions when printed", "[plasticine][mapper]") {
  const Program prog = PlasticineAccelerator().map(gemm(64, 64, 64), config(4, 4, 4096, 512));
  const std::string text = prog.to_text();
  CHECK(text.find("route") != std::string::npos);
  CHECK(text.find("load") != std::string::npos);
  CHECK(text.find("compute") != std::string::npos);
  CHECK(text.find("store") != std::string::npos);
}

TEST_CASE("a layer whose K does not fit a PMU half is refused naming the layer and the limit",
          "[plasticine][mapper]") {
  Layer big = gemm(4, 4, 16 * 9);  // 9 entries per row, 18 > 8 per half
  big.name = "too_deep";
  try {
    PlasticineAccelerator().map(big, config(2, 2, 16, 4));
    FAIL("no MappingError");
  } catch (const MappingError& e) {
    const std::string what = e.what();
    CHECK(what.find("too_deep") != std::string::npos);
    CHECK(what.find("bank_depth=16") != std::string::npos);
  }
}

TEST_CASE("bad plasticine parameters are refused naming the key", "[plasticine][mapper]") {
  auto refused = [](const std::string& key, const std::string& value) {
    AccelConfig c = config(4, 4, 4096, 512);
    c.params[key].text = value;
    try {
      plasticine::read_params(c);
    } catch (const InputError& e) {
      return std::string(e.what()).find(key) != std::string::npos;
    }
    return false;
  };
  AccelConfig odd = config(3, 3, 4096, 512);
  CHECK_THROWS_AS(plasticine::read_params(odd), InputError);
  CHECK(refused("lanes", "12"));
  CHECK(refused("pmu_banks", "8"));
  CHECK(refused("bank_depth", "1000"));
  CHECK(refused("burst_bytes", "0"));
  CHECK(refused("stages", "x"));
}

TEST_CASE("pooling is not a pattern the plasticine mapper has", "[plasticine][mapper]") {
  Layer pool = conv(4, 8, 8, 4, 2, 2, 0, 1);
  pool.kind = LayerKind::MaxPool;
  CHECK_THROWS_AS(PlasticineAccelerator().map(pool, config(2, 2, 1024, 512)), UnsupportedLayer);
}
