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

bool LoopMemo::worth_trying(const Loop* loop, std::size_t open_locations) const {
  const auto it = stats_.find(loop);
  const bool pays = it == stats_.end() || !(it->second.misses >= 8 && 4 * it->second.hits < it->second.misses);
  return pays && open_locations <= 256;
}

const LoopMemo::Exit* LoopMemo::find(const Loop* loop, const std::vector<int64_t>& key) {
  const auto hit = exits_.find(key);
  Stats& s = stats_[loop];
  ++(hit != exits_.end() ? s.hits : s.misses);
  return hit != exits_.end() ? &hit->second : nullptr;
}

LoopMemo::Exit& LoopMemo::record(std::vector<int64_t> key) {
  if (exits_.size() >= kMaxEntries) exits_.clear();
  return exits_[std::move(key)];
}

}  // namespace acv
