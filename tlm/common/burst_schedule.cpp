#include "burst_schedule.h"

#include <algorithm>
#include <limits>

#include "models/common/error.h"

namespace acv {

int64_t BurstSchedule::open(int priority, int64_t arrival, int64_t count, int64_t bytes) {
  if (count < 1) throw BackendError("memory port: empty burst");
  arrival = std::max(arrival, horizon_);  // an arrival in the past is served from now on
  commit(arrival);                        // requests accepted before this arrival cannot change
  Burst b;
  b.id = next_id_++;
  b.priority = priority;
  b.count = count;
  b.bytes = bytes;
  b.ready = arrival;
  open_.push_back(b);
  projected_valid_ = false;
  return b.id;
}

void BurstSchedule::commit(int64_t until) {
  if (until <= horizon_) return;
  if (projected_valid_ && projected_last_accept_ < until) {
    // The projection is decided up to its end: adopt it instead of replaying it.
    committed_ = projected_;
    for (const auto& kv : projected_results_) finished_[kv.first] = kv.second;
    forget_closed();
    projected_results_.clear();
    open_.clear();
  } else {
    run(committed_, open_, until, finished_);
    forget_closed();
    projected_valid_ = false;
  }
  horizon_ = until;
}

void BurstSchedule::forget_closed() {
  for (auto it = closed_.begin(); it != closed_.end();)
    if (finished_.erase(*it) != 0) it = closed_.erase(it);
    else ++it;
}

void BurstSchedule::project() const {
  if (projected_valid_) return;
  projected_ = committed_;
  std::vector<Burst> bursts = open_;
  projected_results_.clear();
  run(projected_, bursts, -1, projected_results_);
  projected_last_accept_ = -1;
  for (const auto& kv : projected_results_) projected_last_accept_ = std::max(projected_last_accept_, kv.second.last_accept);
  projected_valid_ = true;
}

BurstSchedule::Result BurstSchedule::schedule(int64_t id, int64_t now) {
  project();
  commit(now);
  const auto done = finished_.find(id);
  if (done != finished_.end()) return done->second;
  project();
  return projected_results_.at(id);
}

void BurstSchedule::close(int64_t id) {
  if (finished_.erase(id) == 0) closed_.insert(id);
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
void BurstSchedule::run_lone(DramTiming& timing, Burst& b, int64_t until) {
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
    b.ready = slot.accept + 1;
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
        b.ready = b.result.last_accept + 1;
        check_at = -1;  // the rest is shorter than a period
      }
      break;
    }
  }
}

void BurstSchedule::run(DramTiming& timing, std::vector<Burst>& bursts, int64_t until,
                        std::map<int64_t, Result>& done) {
  while (!bursts.empty()) {
    if (bursts.size() == 1) {  // no arbitration: the lone burst's requests back to back
      run_lone(timing, bursts.front(), until);
      if (bursts.front().next < bursts.front().count) return;
      done[bursts.front().id] = bursts.front().result;
      bursts.clear();
      return;
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
    winner->ready = slot.accept + 1;
    if (++winner->next == winner->count) {
      done[winner->id] = winner->result;
      bursts.erase(bursts.begin() + (winner - bursts.data()));
    }
  }
}

}  // namespace acv
