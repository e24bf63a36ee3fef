#include "burst_schedule.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <string>

#include "models/common/error.h"

namespace acv {

int64_t BurstSchedule::open(int priority, int64_t arrival, int64_t count, int64_t bytes, int64_t now, int64_t gap) {
  if (count < 1) throw BackendError("memory port: empty burst");
  if (gap < 1) throw BackendError("memory port: a burst's gap must be at least one cycle");
  arrival = std::max(arrival, horizon_);  // an arrival in the past is served from now on
  commit(std::min(now, arrival));         // requests accepted before then cannot change
  Burst b;
  b.id = next_id_++;
  b.priority = priority;
  b.count = count;
  b.bytes = bytes;
  b.gap = gap;
  b.arrival = arrival;
  b.ready = arrival;
  auto at = open_.end();  // after every burst that arrived no later
  while (at != open_.begin() && std::prev(at)->arrival > arrival) --at;
  open_.insert(at, b);
  projected_valid_ = false;
  return b.id;
}

void BurstSchedule::commit(int64_t until) {
  if (until <= horizon_) return;
  if (projected_valid_ && projected_last_accept_ < until) {
    // The projection is decided up to its end: adopt it instead of replaying it.
    committed_ = projected_;
    for (const auto& kv : projected_results_.items) finished_.set(kv.first, kv.second);
    forget_closed();
    projected_results_.items.clear();
    open_.clear();
  } else {
    run(committed_, open_, until, finished_, memo_);
    forget_closed();
    projected_valid_ = false;
  }
  horizon_ = until;
}

void BurstSchedule::forget_closed() {
  for (auto it = closed_.begin(); it != closed_.end();)
    if (finished_.erase(*it)) it = closed_.erase(it);
    else ++it;
}

void BurstSchedule::project() const {
  if (projected_valid_) return;
  projected_ = committed_;
  projected_bursts_ = open_;
  projected_results_.items.clear();
  run(projected_, projected_bursts_, -1, projected_results_, memo_);
  projected_last_accept_ = -1;
  for (const auto& kv : projected_results_.items) projected_last_accept_ = std::max(projected_last_accept_, kv.second.last_accept);
  projected_valid_ = true;
}

BurstSchedule::Result BurstSchedule::schedule(int64_t id, int64_t now) {
  project();
  commit(now);
  if (const Result* done = finished_.find(id)) return *done;
  project();
  if (const Result* r = projected_results_.find(id)) return *r;
  throw BackendError("memory port: unknown burst " + std::to_string(id));
}

void BurstSchedule::close(int64_t id) {
  if (!finished_.erase(id)) closed_.push_back(id);
}

const DramTiming& BurstSchedule::timing() const {
  project();
  return projected_;
}

// A lone burst presents each request the cycle after the previous accept, so the port's state after
// request i, relative to accept_i, is a function of the last max_outstanding requests' completions
// relative to accept_i (the slots they may still hold, and the last completion). Once that window
// equals the one p requests earlier, every later period of p requests repeats the last one shifted
// by D = accept_i - accept_{i-p} cycles (the rules are invariant under a shift in time): whole
// periods are then skipped in closed form instead of scheduling them row by row.
void BurstSchedule::run_lone_rows(DramTiming& timing, Burst& b, int64_t until) {
  const int64_t window = timing.config().max_outstanding;
  const int64_t max_period = window + 1;
  const int64_t first_check = 2 * window + 1;  // i - p >= window - 1 for every candidate period
  static thread_local std::vector<int64_t> accept, complete;  // of the requests scheduled by this call
  accept.clear();
  complete.clear();
  // A burst too short to gain anything is scheduled row by row: it never looks for a period.
  int64_t check_at = b.count - b.next <= first_check + max_period ? -1 : first_check;
  for (; b.next < b.count; ++b.next) {
    const int64_t cycle = timing.earliest_accept(b.ready);
    if (until >= 0 && cycle >= until) return;
    const DramTiming::Slot slot = timing.schedule(cycle, b.bytes);
    b.result = Result{slot.accept, slot.complete};
    b.ready = slot.accept + b.gap;
    accept.push_back(slot.accept);
    complete.push_back(slot.complete);
    const int64_t i = static_cast<int64_t>(accept.size()) - 1;
    if (i != check_at) continue;
    check_at = i + max_period;  // no period found yet: look again later
    for (int64_t p = 1; p <= max_period; ++p) {
      const int64_t j = i - p;
      bool same = true;
      for (int64_t k = 0; k < window && same; ++k)
        same = complete[i - k] - accept[i] == complete[j - k] - accept[j];
      if (!same) continue;
      const int64_t shift = accept[i] - accept[j];
      int64_t periods = (b.count - 1 - b.next) / p;  // whole periods after request i
      if (until >= 0) periods = std::min(periods, std::max<int64_t>(0, (until - 1 - accept[i]) / shift));
      if (periods > 0) {
        timing.repeat_shifted(periods * shift, periods * p, b.bytes);
        b.next += periods * p;
        b.result = Result{b.result.last_accept + periods * shift, b.result.last_complete + periods * shift};
        b.ready = b.result.last_accept + b.gap;
        check_at = -1;  // the rest is shorter than a period
      }
      break;
    }
  }
}

void BurstSchedule::run_lone(DramTiming& timing, Burst& b, int64_t until, LoneMemo& memo) {
  const int64_t arrival = b.ready, count = b.count - b.next;
  std::vector<int64_t>& key = memo.key;
  timing.relative(arrival, key);
  key.push_back(count);
  key.push_back(b.bytes);
  key.push_back(b.gap);
  // Bursts of one shape come in runs: try the latest hit before searching.
  const auto hit = memo.last != memo.entries.end() && memo.last->first == key ? memo.last : memo.entries.find(key);
  if (hit != memo.entries.end()) {
    memo.last = hit;
    const LoneMemo::Entry& e = hit->second;
    if (until < 0 || arrival + e.result.last_accept < until) {  // every request is accepted before `until`
      timing.assign_relative(e.end, arrival, count, b.bytes);
      b.next = b.count;
      b.result = Result{arrival + e.result.last_accept, arrival + e.result.last_complete};
      b.ready = b.result.last_accept + b.gap;
      return;
    }
    // The first n requests are accepted before `until` (accepts increase strictly).
    const int64_t n = std::lower_bound(e.accepts.begin(), e.accepts.end(), until - arrival) - e.accepts.begin();
    if (n == 0) return;  // the port's state does not change before `until`
    // After request n-1 the port holds exactly the slots released after its accept: those held
    // before the burst (the key) and those of the burst's own requests.
    const int64_t accept = e.accepts[static_cast<std::size_t>(n - 1)];
    std::vector<int64_t>& state = memo.state;
    state.assign({accept, e.completes[static_cast<std::size_t>(n - 1)]});
    for (std::size_t k = 2; k + 3 < key.size(); ++k)  // the key ends with count, bytes, gap
      if (key[k] > accept) state.push_back(key[k]);
    for (int64_t j = 0; j < n; ++j)
      if (e.completes[static_cast<std::size_t>(j)] + 1 > accept) state.push_back(e.completes[static_cast<std::size_t>(j)] + 1);
    if (static_cast<int64_t>(state.size()) - 2 > timing.config().max_outstanding) return run_lone_rows(timing, b, until);
    timing.assign_relative(state, arrival, n, b.bytes);
    b.next += n;
    b.result = Result{arrival + accept, arrival + e.completes[static_cast<std::size_t>(n - 1)]};
    b.ready = b.result.last_accept + b.gap;
    return;
  }
  constexpr std::size_t kMaxEntries = 1 << 12;  // bounds the memory of a run with many distinct states
  const bool remember = memo.entries.size() < kMaxEntries;
  DramTiming before = remember ? timing : DramTiming(timing.config());
  run_lone_rows(timing, b, until);
  if (!remember || b.next < b.count) return;
  LoneMemo::Entry e;
  timing.relative(arrival, e.end);
  e.result = Result{b.result.last_accept - arrival, b.result.last_complete - arrival};
  // Once per entry: the requests one by one (run_lone_rows may have skipped whole periods).
  e.accepts.reserve(static_cast<std::size_t>(count));
  e.completes.reserve(static_cast<std::size_t>(count));
  int64_t ready = arrival;
  for (int64_t i = 0; i < count; ++i) {
    const DramTiming::Slot slot = before.schedule(ready, b.bytes);
    e.accepts.push_back(slot.accept - arrival);
    e.completes.push_back(slot.complete - arrival);
    ready = slot.accept + b.gap;
  }
  memo.entries.emplace(key, std::move(e));
}

void BurstSchedule::run(DramTiming& timing, std::vector<Burst>& bursts, int64_t until,
                        Results& done, LoneMemo& memo) {
  while (!bursts.empty()) {
    if (bursts.size() == 1) {  // no arbitration: the lone burst's requests back to back
      run_lone(timing, bursts.front(), until, memo);
      if (bursts.front().next < bursts.front().count) return;
      done.set(bursts.front().id, bursts.front().result);
      bursts.clear();
      return;
    }
    // A burst that presents its requests before any other burst presents one is alone on the port
    // until then: run it as a lone burst up to the next one's first presentation.
    {
      Burst* first = &bursts.front();
      int64_t second_ready = std::numeric_limits<int64_t>::max();
      for (Burst& b : bursts)
        if (b.ready < first->ready) first = &b;
      for (const Burst& b : bursts)
        if (&b != first) second_ready = std::min(second_ready, b.ready);
      if (timing.earliest_accept(first->ready) < second_ready) {
        const int64_t lone_until = until >= 0 ? std::min(until, second_ready) : second_ready;
        run_lone(timing, *first, lone_until, memo);
        if (first->next == first->count) {
          done.set(first->id, first->result);
          bursts.erase(bursts.begin() + (first - bursts.data()));
        } else if (until >= 0 && timing.earliest_accept(first->ready) >= until && lone_until == until) {
          return;  // cut short by the caller's `until`
        }
        continue;
      }
    }
    // The first cycle the port can accept one of the presented requests; the winner among the
    // requests presented by then (every one of them could be accepted in that cycle).
    int64_t cycle = std::numeric_limits<int64_t>::max();
    for (const Burst& b : bursts) cycle = std::min(cycle, timing.earliest_accept(b.ready));
    if (until >= 0 && cycle >= until) return;
    Burst* winner = nullptr;
    for (Burst& b : bursts)  // oldest first, so ties keep the older burst
      if (b.ready <= cycle && (winner == nullptr || b.priority > winner->priority)) winner = &b;
    const DramTiming::Slot slot = timing.schedule(cycle, winner->bytes);
    winner->result = Result{slot.accept, slot.complete};
    winner->ready = slot.accept + winner->gap;
    if (++winner->next == winner->count) {
      done.set(winner->id, winner->result);
      bursts.erase(bursts.begin() + (winner - bursts.data()));
    }
  }
}

}  // namespace acv
