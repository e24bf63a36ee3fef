// Shared by the estimator, roofline and regression backends: the LayerResult of an estimate.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "estimator/binding_cache.h"
#include "models/common/accel_config.h"
#include "models/common/run_result.h"

namespace acv {

inline LayerResult estimated_layer(const Layer& layer, const Program& program, const AccelConfig& config,
                                   int64_t pes, int64_t cycles) {
  LayerResult r;
  r.layer = layer.name;
  r.kind = to_string(layer.kind);
  r.cycles = cycles;
  r.macs = layer.macs();
  r.utilization = cycles > 0 && pes > 0 ? static_cast<double>(r.macs) / (static_cast<double>(cycles) * pes) : 0.0;
  r.instructions = program.instruction_count();
  (void)config;
  return r;
}

}  // namespace acv
