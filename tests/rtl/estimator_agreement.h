// The estimator-vs-RTL agreement check every accelerator's RTL tests run (tests/rtl/<a>/
// test_<a>_estimator_agreement.cpp): each layer mapped, run on the Verilated RTL (outputs equal to the
// golden reference) and estimated from the config's description. No cycle counts are written down.
#pragma once

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "estimator/aidg.h"
#include "estimator/arch_description.h"
#include "estimator/bound_arch.h"
#include "models/common/accel_config.h"
#include "models/common/accelerator.h"
#include "models/common/golden.h"
#include "models/common/layer.h"
#include "rtl/common/rtl_driver.h"

namespace acv::test {

struct AgreementBounds {
  double max_error_pct = 3.0;  // per layer
  double mape_pct = 1.0;       // over the layers
  bool check_full = false;     // also: extrapolated == full evaluation
  uint64_t seed = 7;           // operand data
};

// Every layer's cycles equal to the RTL's.
inline AgreementBounds exact_agreement() {
  AgreementBounds b;
  b.max_error_pct = 0.0;
  b.mape_pct = 0.0;
  return b;
}

// Runs `layers` of `accel` on `config`: outputs = golden, |error| <= bounds.max_error_pct per layer,
// MAPE <= bounds.mape_pct. Returns the number of layers checked.
inline std::size_t check_estimator_agreement(const std::string& accel_name, const AccelConfig& config,
                                             const std::vector<Layer>& layers, const AgreementBounds& bounds = {}) {
  const auto accel = AcceleratorRegistry::create(accel_name);
  const auto driver = RtlDriverRegistry::create(accel_name);
  const auto description = load_arch_description(config.description);
  double sum_abs_error = 0.0;
  for (const Layer& layer : layers) {
    CAPTURE(config.name, layer.name, layer.kind, layer.in_c, layer.in_h, layer.in_w, layer.out_c, layer.kh,
            layer.kw, layer.stride_h, layer.pad_h, layer.groups, layer.m, layer.k, layer.n);
    const Program program = accel->map(layer, config);
    const LayerData data = make_layer_data(layer, bounds.seed);
    const SimulationOutput out = driver->run(program, config, accel->dram_image(layer, data, program), RtlRunOptions{});
    REQUIRE(accel->read_output(layer, program, out.dram) == golden_output(layer, data));
    const BoundArch arch = bind_arch(description, config_values(config), program);
    const Estimate estimated = estimate(arch, program, EstimateOptions{});
    if (bounds.check_full) {
      EstimateOptions full;
      full.full = true;
      CHECK(estimate(arch, program, full).cycles == estimated.cycles);
    }
    REQUIRE(out.cycles > 0);
    const double error = 100.0 * static_cast<double>(estimated.cycles - out.cycles) / static_cast<double>(out.cycles);
    CAPTURE(out.cycles, estimated.cycles, error);
    CHECK(std::abs(error) <= bounds.max_error_pct);
    sum_abs_error += std::abs(error);
  }
  if (!layers.empty()) {
    const double mape = sum_abs_error / static_cast<double>(layers.size());
    CAPTURE(config.name, mape);
    CHECK(mape <= bounds.mape_pct);
  }
  return layers.size();
}

}  // namespace acv::test
