// The memo of loops entered again (see loop_memo.h).
#include "estimator/loop_memo.h"

#include <limits>

namespace acv {

void loop_signature(const BoundArch& a, const Loop& loop, int target, int loop_depth, const int64_t* idx,
                  std::vector<int64_t>* trips, std::vector<int64_t>* key,
                  std::vector<std::pair<std::size_t, int>>* addr, std::vector<char>* pinned) {
  __extension__ typedef __int128 Wide;
  for (const auto& st : loop.body) {
    if (st.loop) {
      if (trips->size() <= static_cast<std::size_t>(loop_depth + 1)) trips->resize(static_cast<std::size_t>(loop_depth) + 2, 1);
      (*trips)[static_cast<std::size_t>(loop_depth + 1)] = st.loop->trips;
      loop_signature(a, *st.loop, target, loop_depth + 1, idx, trips, key, addr, pinned);
      continue;
    }
    const BoundOpcode& bo = a.opcodes[static_cast<std::size_t>(st.instr.opcode)];
    for (int f : bo.relevant) {
      if (static_cast<std::size_t>(f) >= st.instr.operands.size()) continue;
      const Expr& e = st.instr.operands[static_cast<std::size_t>(f)];
      Wide outer = e.base, imin = 0, imax = 0;
      for (const auto& t : e.terms) {
        if (t.first < target) {
          outer += static_cast<Wide>(t.second) * idx[t.first];
        } else {
          const Wide span = static_cast<Wide>(t.second) * ((*trips)[static_cast<std::size_t>(t.first)] - 1);
          if (span > 0) imax += span;
          else imin += span;
        }
      }
      const int st_addr = addr && static_cast<std::size_t>(f) < bo.address.size() ? bo.address[static_cast<std::size_t>(f)] : -1;
      const bool plain = e.lo == std::numeric_limits<int64_t>::min() && e.hi == std::numeric_limits<int64_t>::max();
      if (st_addr >= 0 && !plain) (*pinned)[static_cast<std::size_t>(st_addr)] = 1;
      if (e.mod > 0) {
        const bool narrow = outer >= std::numeric_limits<int64_t>::min() && outer <= std::numeric_limits<int64_t>::max();
        const int64_t o = static_cast<int64_t>(outer);  // 128-bit division only where it must be
        const int64_t r = narrow ? ((o % e.mod) + e.mod) % e.mod : static_cast<int64_t>(((outer % e.mod) + e.mod) % e.mod);
        // An address that does not wrap inside the loop is its residue plus the inner part: it shifts
        // with the residue, like a plain one.
        if (st_addr >= 0 && plain && r + imin >= 0 && r + imax < e.mod) addr->emplace_back(key->size(), st_addr);
        else if (st_addr >= 0) (*pinned)[static_cast<std::size_t>(st_addr)] = 1;
        key->push_back(r);
      } else if (outer + imax <= e.lo) {
        key->push_back(-1);  // clamped to lo throughout
      } else if (outer + imin >= e.hi) {
        key->push_back(-2);  // clamped to hi throughout
      } else {
        key->push_back(0);
        // A plain address's outer part can be taken relative (only when it fits: a shift is exact).
        const bool narrow = outer >= std::numeric_limits<int64_t>::min() / 4 && outer <= std::numeric_limits<int64_t>::max() / 4;
        if (st_addr >= 0 && plain && narrow) addr->emplace_back(key->size(), st_addr);
        else if (st_addr >= 0) (*pinned)[static_cast<std::size_t>(st_addr)] = 1;
        key->push_back(static_cast<int64_t>(outer));
      }
    }
  }
}

bool LoopMemo::serves(const BoundArch* arch, const EstimateOptions& options) {
  if (!arch_) arch_ = arch, explain_ = options.explain, plain_ = options.plain_look_ahead;
  return arch_ == arch && explain_ == options.explain && plain_ == options.plain_look_ahead;
}

namespace {

void add_content(const BoundArch& a, const Loop& loop, int depth, std::vector<int64_t>* key) {
  key->push_back(static_cast<int64_t>(loop.name.size()));
  for (char c : loop.name) key->push_back(c);
  key->insert(key->end(), {loop.trips, static_cast<int64_t>(loop.body.size())});
  for (const Statement& st : loop.body) {
    if (st.loop) {
      key->push_back(-1);
      add_content(a, *st.loop, depth, key);
      continue;
    }
    const BoundOpcode& bo = a.opcodes[static_cast<std::size_t>(st.instr.opcode)];
    key->insert(key->end(), {st.instr.opcode, static_cast<int64_t>(bo.relevant.size())});
    for (int f : bo.relevant) {
      if (static_cast<std::size_t>(f) >= st.instr.operands.size()) {
        key->push_back(-1);  // absent: 0
        continue;
      }
      const Expr& e = st.instr.operands[static_cast<std::size_t>(f)];
      const std::size_t count_at = key->size();
      key->insert(key->end(), {0, e.mod, e.lo, e.hi});
      for (const auto& t : e.terms)
        if (t.first >= depth) key->insert(key->end(), {t.first, t.second}), ++(*key)[count_at];
    }
  }
}

}  // namespace

int64_t LoopMemo::identity(const BoundArch& a, const Loop& loop, int depth) {
  content_.assign({depth});
  add_content(a, loop, depth, &content_);
  return ids_.try_emplace(content_, static_cast<int64_t>(ids_.size())).first->second;
}

const LoopMemo::Exit* LoopMemo::find(const std::vector<int64_t>& key) const {
  const auto hit = exits_.find(key);
  return hit != exits_.end() ? &hit->second : nullptr;
}

LoopMemo::Exit& LoopMemo::record(std::vector<int64_t> key) {
  if (exits_.size() >= kMaxEntries) exits_.clear();
  return exits_[std::move(key)];
}

}  // namespace acv
