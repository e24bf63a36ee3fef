// BindingCache: descriptions bound to configs and Programs' ISAs, made once and reused by one owner.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "estimator/bound_arch.h"
#include "models/common/accel_config.h"

namespace acv {

// Contract: InputError naming the config when it gives no description (add 'description: ...');
// the description is parsed once per path and process (cached_arch_description).
void check_config_description(const AccelConfig& config);

// The bindings a backend has made: one per description, config values, ISA and set of opcodes used
// (the layers of a network share one). Owned by its backend; thread-safe.
class BindingCache {
 public:
  // Contract: the reference stays valid while the cache lives; InputError as check_config_description
  // and bind_arch.
  const BoundArch& bind(const AccelConfig& config, const Program& program);

 private:
  // The binding of the last call, compared by content (tests build configs in memory); the ISA by
  // identity, held so that its address is not reused.
  struct Last {
    std::string description;
    std::map<std::string, std::string> params;
    DramConfig dram;
    std::shared_ptr<const IsaSpec> isa;
    std::vector<char> used;
    const BoundArch* bound = nullptr;
  };
  bool same_as_last(const AccelConfig& config, const Program& program, const std::vector<char>& used) const;

  std::mutex mutex_;
  Last last_;
  std::map<std::string, std::unique_ptr<const BoundArch>> bound_;  // by content (see bind())
};

}  // namespace acv
