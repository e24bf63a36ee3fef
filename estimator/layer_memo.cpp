// The estimates of one run over a network's layers, keyed by the Program's whole content.
#include "estimator/layer_memo.h"

namespace acv {

namespace {

void add_text(const std::string& s, std::vector<int64_t>* key) {
  key->push_back(static_cast<int64_t>(s.size()));
  for (char c : s) key->push_back(c);
}

void add_expr(const Expr& e, std::vector<int64_t>* key) {
  key->insert(key->end(), {e.base, e.mod, e.lo, e.hi, static_cast<int64_t>(e.terms.size())});
  for (const auto& t : e.terms) key->insert(key->end(), {t.first, t.second});
}

// Everything of the nest that estimate() reads; sizes first, so that no two nests give one key.
void add_loop(const Loop& loop, std::vector<int64_t>* key) {
  add_text(loop.name, key);
  key->insert(key->end(), {loop.trips, static_cast<int64_t>(loop.body.size())});
  for (const Statement& s : loop.body) {
    if (s.loop) {
      key->push_back(-1);
      add_loop(*s.loop, key);
      continue;
    }
    key->insert(key->end(), {s.instr.opcode, static_cast<int64_t>(s.instr.operands.size())});
    for (const Expr& e : s.instr.operands) add_expr(e, key);
  }
}

}  // namespace

Estimate LayerMemo::estimate(const BoundArch& arch, const Program& program, const EstimateOptions& options,
                             std::string* same_as) {
  if (same_as) same_as->clear();
  if (options.schedule || options.issues || options.ends) return acv::estimate(arch, program, options);
  std::vector<int64_t> key{reinterpret_cast<intptr_t>(&arch), options.full, options.explain, options.plain_look_ahead};
  add_loop(program.top, &key);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = memo_.find(key);
    if (it != memo_.end()) {
      if (same_as) *same_as = it->second.layer_name;
      Estimate e = it->second.estimate;
      e.evaluated_instructions = 0;
      e.evaluated_iterations = 0;
      e.keys = 0;
      return e;
    }
  }
  // The run's loop memo of this binding and options, taken out while this estimate uses it (the full
  // evaluation uses none).
  std::unique_ptr<LoopMemo> loops;
  if (!options.full) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = loops_.begin(); it != loops_.end(); ++it)
      if ((*it)->serves(&arch, options)) {
        loops = std::move(*it);
        loops_.erase(it);
        break;
      }
  }
  if (!options.full && !loops) loops = std::make_unique<LoopMemo>();
  EstimateOptions with_loops = options;
  with_loops.loops = loops.get();
  Estimate e = acv::estimate(arch, program, with_loops);
  std::lock_guard<std::mutex> lock(mutex_);
  memo_.emplace(std::move(key), Entry{e, program.layer_name});
  if (loops) loops_.push_back(std::move(loops));
  return e;
}

}  // namespace acv
