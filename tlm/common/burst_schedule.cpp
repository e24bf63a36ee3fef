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

void BurstSchedule::run(DramTiming& timing, std::vector<Burst>& bursts, int64_t until,
                        std::map<int64_t, Result>& done) {
  while (!bursts.empty()) {
    if (bursts.size() == 1) {  // no arbitration: the lone burst's requests back to back
      Burst& b = bursts.front();
      for (; b.next < b.count; ++b.next) {
        const int64_t cycle = timing.earliest_accept(b.ready);
        if (until >= 0 && cycle >= until) return;
        const DramTiming::Slot slot = timing.schedule(cycle, b.bytes);
        b.result = Result{slot.accept, slot.complete};
        b.ready = slot.accept + 1;
      }
      done[b.id] = b.result;
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
