// The memo of loops entered again: a loop entered with the same relative state, the same
// timing-relevant operands and the same carried fields ends in the same relative state, so its
// evaluation becomes a copy of the exit recorded the first time, in this estimate or, shared by the
// layers of a run (LayerMemo), in another layer's.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <unordered_map>
#include <vector>

#include "estimator/aidg.h"
#include "estimator/bound_arch.h"
#include "estimator/eval_state.h"

namespace acv {

// Timing-relevant operands of a loop's instructions (nested ones included) as seen from its entry at
// depth `target` (enclosing indices in idx[]): what the outer indices contribute, reduced to what
// decides the values inside the loop (the residue of modulo operands, the bound of clamped ones that
// stay clamped). `trips`: scratch, trips per depth. With `addr`: the positions in `key` of the outer
// parts of address operands that shift with it inside the loop (no clamp; a modulo that does not wrap
// there), with their storage; `pinned` (one per storage) gets 1 for a storage that another address
// operand reaches.
void loop_signature(const BoundArch& a, const Loop& loop, int target, int loop_depth, const int64_t* idx,
                    std::vector<int64_t>* trips, std::vector<int64_t>* key,
                    std::vector<std::pair<std::size_t, int>>* addr = nullptr, std::vector<char>* pinned = nullptr);

class LoopMemo {
 public:
  struct Exit {
    State state;                // relative to the entry's latest end
    std::vector<int64_t> busy;  // added during the loop
    std::vector<int64_t> latched;  // the carried operands, opcode after opcode
    // The least depths whose segment / loop its look-aheads went past, and their longest run.
    int crossed_seg = std::numeric_limits<int>::max(), crossed_end = std::numeric_limits<int>::max();
    int64_t walked = 0;
    // Per unbounded storage, the address its key was taken relative to (0: absolute), so that a
    // later entry equal up to a shift of addresses moves the exit's locations and addresses by it.
    std::vector<int64_t> anchor;
    std::vector<KernelInfo> kernels;  // explain: the steady states its evaluation noted
  };
  // One estimate's entries of one loop into the memo (counted per estimate: over a run's layers, a
  // loop that missed in the first layers stopped trying in later ones where it hits).
  struct Tries {
    int64_t hits = 0, misses = 0;
    int64_t evaluated = 0, key_words = 0;  // over the missed entries: instructions evaluated, key words
  };
  // Whether entering a loop is worth a key: while the state is cheap to copy, and while it pays: one
  // entry in five hits, or an entry evaluated costs more than its key (`words_per_instruction`: key
  // words that cost as much as an evaluated instruction). A loop whose first two entries missed and
  // cost less than their keys stops at once (gemmini's short mvin loops among the computes: 4-8
  // instructions evaluated an entry, keys of ~1,300 words).
  static bool worth_trying(const Tries& tries, std::size_t open_locations, int64_t words_per_instruction) {
    if (open_locations > 256) return false;
    if (tries.hits == 0 && tries.misses >= 2 && tries.evaluated * words_per_instruction < tries.key_words) return false;
    return tries.misses < 8 || 4 * tries.hits >= tries.misses ||
           tries.evaluated * words_per_instruction > 4 * tries.key_words;
  }
  // Contract: a memo serves the estimates of one binding with one set of options (its exits are
  // that binding's states); false when it already serves another.
  bool serves(const BoundArch* arch, const EstimateOptions& options);
  // The evaluator's step plans for the binding (aidg.cpp's type) and its memory port with its
  // placements, handed from one estimate of a run to the next: made once per run, not per layer.
  std::shared_ptr<void> plans;
  std::shared_ptr<void> port;
  // The loop in keys, by content: equal for two loops, of one Program or of two, whose evaluation from
  // equal entries (state, signature, carried operands, continuation) is the same: names and trips,
  // opcodes, and of every timing-relevant operand what the loop's own and inner indices make of it
  // (modulo, clamp bounds, their terms); what the outer indices add is loop_signature()'s. So a loop
  // of one layer is found in the memo from another layer's loop with the same body.
  int64_t identity(const BoundArch& a, const Loop& loop, int depth);
  // The exit recorded under `key`, or null.
  const Exit* find(const std::vector<int64_t>& key) const;
  // A new record under `key` (the exits start over when full).
  Exit& record(std::vector<int64_t> key);

 private:
  static constexpr std::size_t kMaxEntries = 2048;
  std::unordered_map<std::vector<int64_t>, Exit, KeyHash> exits_;
  std::unordered_map<std::vector<int64_t>, int64_t, KeyHash> ids_;
  std::vector<int64_t> content_;  // scratch of identity()
  const BoundArch* arch_ = nullptr;
  bool explain_ = false, plain_ = false;
};

}  // namespace acv
