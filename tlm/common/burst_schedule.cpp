#include "burst_schedule.h"

#include <algorithm>
#include <limits>

#include "models/common/error.h"

namespace acv {

int64_t BurstSchedule::open(int priority, int64_t arrival, std::vector<int64_t> bytes) {
  if (bytes.empty()) throw BackendError("memory port: empty burst");
  arrival = std::max(arrival, horizon_);  // an arrival in the past is served from now on
  commit(arrival);  // requests accepted before this arrival cannot change any more
  Burst b;
  b.id = next_id_++;
  b.priority = priority;
  b.bytes = std::move(bytes);
  b.ready = arrival;
  open_.push_back(std::move(b));
  return open_.back().id;
}

void BurstSchedule::commit(int64_t until) {
  if (until <= horizon_) return;
  run(committed_, open_, until, &finished_);
  horizon_ = until;
}

BurstSchedule::Result BurstSchedule::schedule(int64_t id, int64_t now) {
  commit(now);
  const auto it = finished_.find(id);
  if (it != finished_.end()) return it->second;
  // Provisional: play every open burst to its end on a copy of the committed state.
  DramTiming timing = committed_;
  std::vector<Burst> bursts = open_;
  std::map<int64_t, Result> done;
  for (Burst& b : bursts) b.keep = b.id == id;
  run(timing, bursts, -1, &done);
  return done.at(id);
}

void BurstSchedule::close(int64_t id) {
  finished_.erase(id);
  for (Burst& b : open_)
    if (b.id == id) b.keep = false;
}

void BurstSchedule::run(DramTiming& timing, std::vector<Burst>& bursts, int64_t until,
                        std::map<int64_t, Result>* done) {
  while (!bursts.empty()) {
    if (bursts.size() == 1) {  // no arbitration: the lone burst's requests back to back
      Burst& b = bursts.front();
      while (b.next < b.bytes.size()) {
        const int64_t cycle = timing.earliest_accept(b.ready);
        if (until >= 0 && cycle >= until) return;
        const DramTiming::Slot slot = timing.schedule(cycle, b.bytes[b.next++]);
        b.result = Result{slot.accept, slot.complete};
        b.ready = slot.accept + 1;
      }
      if (b.keep) (*done)[b.id] = b.result;
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
    const DramTiming::Slot slot = timing.schedule(cycle, winner->bytes[winner->next]);
    winner->result.last_accept = slot.accept;
    winner->result.last_complete = slot.complete;
    winner->ready = slot.accept + 1;
    if (++winner->next == winner->bytes.size()) {
      if (winner->keep) (*done)[winner->id] = winner->result;
      bursts.erase(bursts.begin() + (winner - bursts.data()));
    }
  }
}

}  // namespace acv
