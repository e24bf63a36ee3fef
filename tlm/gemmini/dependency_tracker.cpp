#include "dependency_tracker.h"

#include <algorithm>

namespace acv::gemmini {

namespace {

template <class Entries>
auto lower(Entries& e, int64_t seq) {
  return std::lower_bound(e.begin(), e.end(), seq, [](const auto& x, int64_t s) { return x.seq < s; });
}

}  // namespace

DependencyTracker::Entry* DependencyTracker::find(Entries& e, int64_t seq) {
  auto it = lower(e, seq);
  return it != e.end() && it->seq == seq ? &*it : nullptr;
}

void DependencyTracker::drop_old(Entries& e, int64_t& dropped) {
  const sc_core::sc_time& kernel = LocalTime::kernel_time();
  while (!e.empty() && e.front().released && e.front().at <= kernel) {
    e.pop_front();
    ++dropped;
  }
}

int64_t DependencyTracker::add(Unit unit, const Ranges& ranges) {
  Entries& e = units_[static_cast<int>(unit)];
  drop_old(e, dropped_[static_cast<int>(unit)]);
  e.push_back(Entry{next_seq_, ranges, false, sc_core::SC_ZERO_TIME});
  return next_seq_++;
}

void DependencyTracker::release(Unit unit, int64_t seq, const sc_core::sc_time& at) {
  const int u = static_cast<int>(unit);
  Entries& entries = units_[u];
  const int64_t pos = next_release_[u] - dropped_[u];
  const bool in_order =
      pos >= 0 && pos < static_cast<int64_t>(entries.size()) && entries[static_cast<std::size_t>(pos)].seq == seq;
  Entry* e = in_order ? &entries[static_cast<std::size_t>(pos)] : find(entries, seq);
  if (in_order) ++next_release_[u];
  e->released = true;
  e->at = at;
  if (at > last_release_[u]) last_release_[u] = at;
  if (decoupled_) {
    // Releases of a unit come in program order: a waiter for a command up to `seq` is ready now.
    bool wanted = false;
    for (int64_t w : waited_[u]) wanted = wanted || w <= seq;
    if (!wanted) return;
  }
  released_.notify(sc_core::SC_ZERO_TIME);
}

DependencyTracker::Entry* DependencyTracker::find_at(int u, int64_t abs, int64_t seq) {
  Entries& e = units_[u];
  const int64_t pos = abs - dropped_[u];
  if (pos >= 0 && pos < static_cast<int64_t>(e.size()) && e[static_cast<std::size_t>(pos)].seq == seq)
    return &e[static_cast<std::size_t>(pos)];
  return pos < 0 ? nullptr : find(e, seq);  // entries leave only from the front
}

void DependencyTracker::wait_released(int u, int64_t abs, int64_t seq, LocalTime& lt) {
  auto ready = [this, u, abs, seq] {
    const Entry* o = find_at(u, abs, seq);
    return o == nullptr || o->released;
  };
  if (ready()) return;
  std::vector<int64_t>& waited = waited_[u];
  waited.push_back(seq);
  lt.wait_until(released_, ready);
  waited.erase(std::find(waited.begin(), waited.end(), seq));
}

void DependencyTracker::wait_clear(Unit unit, int64_t seq, LocalTime& lt) {
  const int own = static_cast<int>(unit);
  const Ranges mine = find_at(own, next_release_[own], seq)->ranges;  // the unit's oldest unreleased
  for (int u = 0; u < kNumUnits; ++u) {
    if (u == static_cast<int>(unit)) continue;
    Entries& e = units_[u];
    // Newest command of unit u older than `seq`, then backwards. While waiting, entries may
    // leave the front and join the back, so positions are counted from the first entry ever
    // added (`dropped_`) and checked against the sequence number (a binary search of the deque
    // per entry showed in the LT profile).
    int64_t& from = scan_from_[static_cast<int>(unit)][u];
    std::ptrdiff_t i = std::max<int64_t>(from - dropped_[u], 0);
    while (i < static_cast<std::ptrdiff_t>(e.size()) && e[static_cast<std::size_t>(i)].seq < seq) ++i;
    from = i + dropped_[u];
    sc_core::sc_time now = lt.now();  // re-read after each wait
    while (--i >= 0) {
      Entry* other = &e[static_cast<std::size_t>(i)];
      if (other->released && other->at <= now) break;  // and every older one
      if (mine.conflicts(other->ranges)) {
        const int64_t before = other->seq, abs = i + dropped_[u];
        wait_released(u, abs, before, lt);
        const Entry* o = find_at(u, abs, before);
        // dropped: released before the kernel time, as is every older one
        if (o == nullptr) break;
        lt.advance_to(o->at);
        i = abs - dropped_[u];
        if (i < 0 || i >= static_cast<std::ptrdiff_t>(e.size()) || e[static_cast<std::size_t>(i)].seq != before)
          i = lower(e, before) - e.begin();
        now = lt.now();
      }
    }
  }
}

bool DependencyTracker::all_released(sc_core::sc_time& at) const {
  at = sc_core::SC_ZERO_TIME;
  for (int u = 0; u < kNumUnits; ++u) {
    const Entries& e = units_[u];
    if (!e.empty() && !e.back().released) return false;
    if (last_release_[u] > at) at = last_release_[u];
  }
  return true;
}

void DependencyTracker::wait_all(LocalTime& lt) {
  for (Entries& e : units_) {
    if (e.empty()) continue;
    const int u = static_cast<int>(&e - units_.data());
    const int64_t last = e.back().seq;  // releases never decrease
    const int64_t abs = dropped_[u] + static_cast<int64_t>(e.size()) - 1;
    wait_released(u, abs, last, lt);
    if (const Entry* o = find_at(u, abs, last)) lt.advance_to(o->at);
  }
}

}  // namespace acv::gemmini
