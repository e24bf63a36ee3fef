#include "dependency_tracker.h"

#include <algorithm>

namespace acv::gemmini {

namespace {

template <class Entries>
auto lower(Entries& e, int64_t seq) {
  return std::lower_bound(e.begin(), e.end(), seq, [](const auto& x, int64_t s) { return x.seq < s; });
}

// The newest command in `e` older than `seq`, or -1.
template <class Entries>
int64_t newest_before(Entries& e, int64_t seq) {
  auto it = lower(e, seq);
  return it == e.begin() ? -1 : std::prev(it)->seq;
}

}  // namespace

DependencyTracker::Entry* DependencyTracker::find(Entries& e, int64_t seq) {
  auto it = lower(e, seq);
  return it != e.end() && it->seq == seq ? &*it : nullptr;
}

void DependencyTracker::drop_old(Entries& e) {
  const sc_core::sc_time kernel = sc_core::sc_time_stamp();
  while (!e.empty() && e.front().released && e.front().at <= kernel) e.pop_front();
}

int64_t DependencyTracker::add(Unit unit, const Ranges& ranges) {
  Entries& e = units_[static_cast<int>(unit)];
  drop_old(e);
  e.push_back(Entry{next_seq_, ranges, false, sc_core::SC_ZERO_TIME});
  return next_seq_++;
}

void DependencyTracker::release(Unit unit, int64_t seq, const sc_core::sc_time& at) {
  Entry* e = find(units_[static_cast<int>(unit)], seq);
  e->released = true;
  e->at = at;
  released_.notify(sc_core::SC_ZERO_TIME);
}

void DependencyTracker::wait_clear(Unit unit, int64_t seq, LocalTime& lt) {
  const Ranges mine = find(units_[static_cast<int>(unit)], seq)->ranges;
  for (int u = 0; u < kNumUnits; ++u) {
    if (u == static_cast<int>(unit)) continue;
    Entries& e = units_[u];
    // Newest command of unit u older than `seq`, then backwards. The deque may change while
    // waiting: keep sequence numbers, not positions.
    for (int64_t before = newest_before(e, seq); before >= 0; before = newest_before(e, before)) {
      Entry* other = find(e, before);
      if (other == nullptr) break;  // dropped: released before the kernel time, as is every older one
      if (other->released && other->at <= lt.now()) break;  // and every older one
      if (mine.conflicts(other->ranges)) {
        lt.wait_until(released_, [&e, before] {
          const Entry* o = find(e, before);
          return o == nullptr || o->released;
        });
        if (const Entry* o = find(e, before)) lt.advance_to(o->at);
        if (find(e, before) == nullptr) break;
      }
    }
  }
}

void DependencyTracker::wait_all(LocalTime& lt) {
  for (Entries& e : units_) {
    if (e.empty()) continue;
    const int64_t last = e.back().seq;  // releases never decrease
    lt.wait_until(released_, [&e, last] {
      const Entry* o = find(e, last);
      return o == nullptr || o->released;
    });
    if (const Entry* o = find(e, last)) lt.advance_to(o->at);
  }
}

}  // namespace acv::gemmini
