// Bindings of descriptions to configs and ISAs, keyed by content (see binding_cache.h).
#include "estimator/binding_cache.h"

namespace acv {

void check_config_description(const AccelConfig& config) {
  if (config.description.empty())
    throw InputError(SourceLoc{config.file, 0, "description"},
                     "config gives no architecture description (add 'description: <path to arch.yaml>')");
  cached_arch_description(config.description);
}

bool BindingCache::same_as_last(const AccelConfig& config, const Program& program,
                                const std::vector<char>& used) const {
  if (!last_.bound || last_.isa != program.isa || last_.used != used || last_.description != config.description ||
      last_.dram.latency != config.dram.latency || last_.dram.bytes_per_cycle != config.dram.bytes_per_cycle ||
      last_.dram.max_outstanding != config.dram.max_outstanding || last_.params.size() != config.params.size())
    return false;
  auto it = last_.params.begin();
  for (const auto& kv : config.params) {
    if (kv.first != it->first || kv.second.text != it->second) return false;
    ++it;
  }
  return true;
}

const BoundArch& BindingCache::bind(const AccelConfig& config, const Program& program) {
  check_config_description(config);
  const std::vector<char> used = used_opcodes(program);
  std::lock_guard<std::mutex> lock(mutex_);
  if (same_as_last(config, program, used)) return *last_.bound;
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
  auto it = bound_.find(key);
  if (it == bound_.end())
    it = bound_.emplace(key, std::make_unique<const BoundArch>(
                                 bind_arch(cached_arch_description(config.description), values, program)))
             .first;
  last_.description = config.description;
  last_.params.clear();
  for (const auto& kv : config.params) last_.params.emplace(kv.first, kv.second.text);
  last_.dram = config.dram;
  last_.isa = program.isa;
  last_.used = used;
  last_.bound = it->second.get();
  return *it->second;
}

}  // namespace acv
