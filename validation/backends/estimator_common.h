// Shared by the estimator, roofline and regression backends: the config's description, bound to the Program.
#pragma once

#include "estimator/bound_arch.h"
#include "models/common/accel_config.h"
#include "models/common/run_result.h"

namespace acv {

// Contract: InputError naming the config when it gives no description; the description is parsed
// once per path and process.
inline void check_config_description(const AccelConfig& config) {
  if (config.description.empty())
    throw InputError(SourceLoc{config.file, 0, "description"},
                     "config gives no architecture description (add 'description: <path to arch.yaml>')");
  cached_arch_description(config.description);
}

inline BoundArch bind_config_description(const AccelConfig& config, const Program& program) {
  check_config_description(config);
  return bind_arch(cached_arch_description(config.description), config_values(config), program);
}

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
