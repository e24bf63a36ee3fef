// The systolic description on real mapped layers (extrapolated == full), and the baselines.
#include <catch2/catch.hpp>

#include <chrono>

#include "estimator/aidg.h"
#include "estimator/regression.h"
#include "models/common/accelerator.h"
#include "models/systolic/systolic_accelerator.h"
#include "test_helpers.h"

using namespace acv;
using acv::test::check_extrapolation_and_roofline;
using acv::test::source;

namespace {

Layer gemm(const std::string& name, int64_t m, int64_t n, int64_t k) {
  Layer l;
  l.name = name;
  l.kind = LayerKind::Gemm;
  l.m = m;
  l.n = n;
  l.k = k;
  return l;
}

Layer conv(const std::string& name, int64_t c, int64_t hw, int64_t oc, int64_t kk, int64_t stride) {
  Layer l;
  l.name = name;
  l.kind = LayerKind::Conv2d;
  l.in_c = c;
  l.in_h = l.in_w = hw;
  l.out_c = oc;
  l.kh = l.kw = kk;
  l.stride_h = l.stride_w = stride;
  l.pad_h = l.pad_w = kk / 2;
  return l;
}

}  // namespace

TEST_CASE("extrapolation equals full evaluation on mapped systolic layers") {
  SystolicAccelerator accel;
  const auto desc = load_arch_description(source("models/systolic/arch.yaml"));
  const std::vector<Layer> layers = {gemm("g1", 37, 29, 300), gemm("g2", 64, 64, 64), gemm("g3", 5, 130, 17),
                                     conv("c1", 16, 14, 32, 3, 1), conv("c2", 3, 20, 8, 5, 2)};
  for (const char* cfg : {"systolic-4x4-os", "systolic-4x4-ws", "systolic-8x8-os", "systolic-8x8-ws"}) {
    const AccelConfig config = load_accel_config(source(std::string("models/systolic/configs/") + cfg + ".yaml"));
    for (const auto& layer : layers) {
      INFO(cfg << " " << layer.name);
      check_extrapolation_and_roofline(accel, desc, config, layer);
    }
  }
}

TEST_CASE("a large layer is estimated from a few hundred evaluated instructions") {
  SystolicAccelerator accel;
  const auto desc = load_arch_description(source("models/systolic/arch.yaml"));
  const AccelConfig config = load_accel_config(source("models/systolic/configs/systolic-4x4-os.yaml"));
  const Program p = accel.map(gemm("big", 4096, 4096, 4096), config);
  const BoundArch arch = bind_arch(desc, config_values(config), p);
  const auto t0 = std::chrono::steady_clock::now();
  const Estimate e = estimate(arch, p, EstimateOptions{});
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  WARN("4096^3 GEMM on 4x4: " << e.represented_instructions << " instructions, " << e.evaluated_instructions
                              << " evaluated, " << e.cycles << " cycles, " << secs * 1e3 << " ms");
  CHECK(e.evaluated_instructions * 1000 < e.represented_instructions);
}

TEST_CASE("regression fits exactly what is linear in its features, and round-trips its model file") {
  std::vector<RegressionSample> samples;
  for (int i = 1; i <= 10; ++i)
    samples.push_back(RegressionSample{{{"macs", 100.0 * i}, {"bytes.dram", 7.0 * i * i}}, 5 + 2.0 * 100 * i + 0.5 * 7 * i * i, ""});
  const RegressionModel m = fit_regression(samples, "test");
  CHECK(m.predict({{"macs", 1000}, {"bytes.dram", 70}}) == Approx(5 + 2000 + 35).epsilon(1e-6));
  const RegressionModel back = regression_from_json(regression_to_json(m), "model.json");
  CHECK(back.predict({{"macs", 1000}, {"bytes.dram", 70}}) == Approx(m.predict({{"macs", 1000}, {"bytes.dram", 70}})));
  CHECK_THROWS_AS(regression_from_json("{\"kind\": 1}", "bad.json"), InputError);
  CHECK_THROWS_AS(fit_regression({}, "x"), InputError);
}
