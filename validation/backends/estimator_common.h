// Shared by the estimator, roofline and regression backends: the config's description, bound to the Program.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

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

// Bound once per config, ISA and set of opcodes used (the layers of a network share one binding);
// the reference stays valid for the process.
inline const BoundArch& bind_config_description(const AccelConfig& config, const Program& program) {
  check_config_description(config);
  const std::vector<char> used = used_opcodes(program);
  // The binding of the last call, when this one asks for the same: compared by content (tests build
  // configs in memory); the ISA by identity, held so that its address is not reused.
  struct Last {
    std::string description;
    std::map<std::string, std::string> params;
    DramConfig dram;
    std::shared_ptr<const IsaSpec> isa;
    std::vector<char> used;
    const BoundArch* bound = nullptr;
  };
  static Last last;
  auto same_params = [&] {
    if (last.params.size() != config.params.size()) return false;
    auto it = last.params.begin();
    for (const auto& kv : config.params) {
      if (kv.first != it->first || kv.second.text != it->second) return false;
      ++it;
    }
    return true;
  };
  if (last.bound && last.isa == program.isa && last.used == used && last.description == config.description &&
      last.dram.latency == config.dram.latency && last.dram.bytes_per_cycle == config.dram.bytes_per_cycle &&
      last.dram.max_outstanding == config.dram.max_outstanding && same_params())
    return *last.bound;
  // Otherwise by content, not by address.
  const std::map<std::string, int64_t> values = config_values(config);
  std::string key = config.description + '\n';
  for (const auto& kv : values) key += kv.first + '=' + std::to_string(kv.second) + ';';
  key += '\n' + program.isa->name + ':';  // (used_opcodes checked there is one)
  for (const auto& op : program.isa->opcodes) {
    key += op.name + '(';
    for (const auto& f : op.fields) key += f + ',';
    key += ')';
  }
  key += '\n';
  for (char u : used) key += u ? '1' : '0';
  static std::map<std::string, BoundArch> bound;
  auto it = bound.find(key);
  if (it == bound.end())
    it = bound.emplace(key, bind_arch(cached_arch_description(config.description), values, program)).first;
  last.description = config.description;
  last.params.clear();
  for (const auto& kv : config.params) last.params.emplace(kv.first, kv.second.text);
  last.dram = config.dram;
  last.isa = program.isa;
  last.used = used;
  last.bound = &it->second;
  return it->second;
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
