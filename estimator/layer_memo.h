// The estimates of one run over a network's layers, by content: a layer whose Program and binding
// equal an earlier layer's (ResNet-18's Conv2_1a, 1b, 2a, 2b) gets that layer's Estimate back.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "estimator/aidg.h"
#include "estimator/eval_state.h"
#include "estimator/loop_memo.h"

namespace acv {

class LayerMemo {
 public:
  // Contract: equals estimate(arch, program, options) in cycles, busy counters, bottleneck and loop
  // cycles, with evaluated_instructions,
  // evaluated_iterations and keys 0 when answered from the memo (nothing was evaluated). Exact by
  // construction: the key is the whole Program nest (loop names, trips, opcodes, every operand's
  // expression) and the binding's address, which must not be freed and reused while the memo holds
  // it (a BindingCache keeps its bindings while it lives). Runs with a schedule are not memoized.
  // `same_as` (when not null): the layer_name of the Program first estimated with this content, or "".
  Estimate estimate(const BoundArch& arch, const Program& program, const EstimateOptions& options,
                    std::string* same_as = nullptr);
  // A new run over the network: what the last one kept is dropped, so that a timed repeat does the work.
  void clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    memo_.clear();
    loops_.clear();
  }
  std::size_t size() const { return memo_.size(); }

 private:
  struct Entry {
    Estimate estimate;
    std::string layer_name;
  };
  std::mutex mutex_;  // like BindingCache: a backend may be shared (the estimate runs unlocked)
  std::unordered_map<std::vector<int64_t>, Entry, KeyHash> memo_;
  // The loop memos of the run's estimates (EstimateOptions::loops), one per binding and options, so
  // that a loop of one layer comes from the memo where another layer's had the same body and entry.
  // Taken out while an estimate uses one (two at once each get their own).
  std::vector<std::unique_ptr<LoopMemo>> loops_;
};

}  // namespace acv
