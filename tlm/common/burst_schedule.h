// LT timing of one memory port shared by several initiators' bursts (fixed-priority arbiter); no SystemC.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "dram_timing.h"

namespace acv {

// The arbitration of MemoryTarget's AT port, computed analytically for whole bursts: a burst's
// first request is presented in its arrival cycle, each next one in the cycle after the previous
// accept. In a cycle in which the port can accept (DramTiming: one per cycle, outstanding slots),
// the presented request of the highest priority wins (then the oldest burst). So a request of a
// lower priority waits in every cycle a higher-priority burst presents one; a burst never waits
// for a lower-priority or younger one.
// Contract: open() calls come in non-decreasing arrival order, or each arrives no earlier than the
// `now` of the opens before it (the five-argument open). A burst's schedule() is then
// final once no burst of a higher priority can still arrive at or before its last accept: at
// once for the highest priority, otherwise when the caller's time has passed that accept (later
// arrivals only ever delay it).
// Cost: each request is scheduled once while bursts do not overlap; a burst arriving while
// another one is in progress replays the other one's requests from the last commit point.
class BurstSchedule {
 public:
  struct Result {
    int64_t last_accept = 0;    // cycle the port accepts the burst's last request
    int64_t last_complete = 0;  // cycle the burst's last request completes (completions are in order)
  };

  explicit BurstSchedule(const DramConfig& config) : committed_(config), projected_(config) {}

  // Opens a burst of `count` (>= 1) requests of `bytes` each; returns its id.
  int64_t open(int priority, int64_t arrival, int64_t count, int64_t bytes) {
    return open(priority, arrival, count, bytes, arrival);
  }
  // The same, for callers whose opens need not come in arrival order: `now` (<= arrival) is a cycle
  // before which no burst will arrive any more (so only requests accepted before it are committed);
  // a later open() may then bring a burst of an earlier arrival, down to its own `now`.
  // `gap` (>= 1): each next request is presented `gap` cycles after the previous accept (1: back
  // to back; a DMA that prepares each row after the previous one's accept presents later).
  int64_t open(int priority, int64_t arrival, int64_t count, int64_t bytes, int64_t now, int64_t gap = 1);
  // The burst's schedule as far as the bursts opened so far decide it. `now`: no burst will
  // arrive before this cycle any more.
  Result schedule(int64_t id, int64_t now);
  // The caller needs no more schedule(id) answers (the burst itself still holds the port).
  void close(int64_t id);

  // Every request scheduled so far (requests, bytes, transfer cycles).
  const DramTiming& timing() const;

 private:
  struct Burst {
    int64_t id = 0;
    int priority = 0;
    int64_t count = 0, bytes = 0;
    int64_t gap = 1;      // cycles from a request's accept to the next one's presentation
    int64_t arrival = 0;  // open_ is ordered by it (ties: open order), so "oldest" means earliest
    int64_t next = 0;   // first request not scheduled yet
    int64_t ready = 0;  // cycle from which request `next` is presented
    Result result;
  };
  // Lone bursts seen so far, by their request count, size and gap and the port's state relative to the
  // arrival (DramTiming::relative): where the burst's last request went and the port's state after
  // it, both relative to the arrival. The schedule rules are invariant under a shift in time, so a
  // burst that finds the same relative state is replayed from here in O(max_outstanding); so is
  // the rest of a burst a higher-priority one interrupted (it is a burst of the remaining requests
  // presented from its `ready` on), and a run cut short by `until`. DMAs repeat a few burst shapes
  // on a mostly idle port, so almost every lone burst hits.
  struct LoneMemo {
    struct Entry {
      std::vector<int64_t> end;  // DramTiming::relative() after the burst
      Result result;             // relative to the arrival
      // Every request's accept and completion cycle, relative to the arrival: a run cut short by
      // `until` is replayed too (the port's state after request i is rebuilt from them).
      std::vector<int64_t> accepts, completes;
    };
    std::map<std::vector<int64_t>, Entry> entries;
    std::map<std::vector<int64_t>, Entry>::const_iterator last = entries.end();  // the latest hit
    std::vector<int64_t> key, state;  // scratch
    LoneMemo() = default;
    LoneMemo(const LoneMemo& o) : entries(o.entries) {}  // `last` must point into its own map
    LoneMemo& operator=(const LoneMemo& o) {
      entries = o.entries;
      last = entries.end();
      return *this;
    }
  };
  // Results by burst id. Only a few bursts are in flight at once, so a vector (no allocation per
  // burst once grown) serves better than a map; set() replaces an existing entry.
  struct Results {
    std::vector<std::pair<int64_t, Result>> items;
    const Result* find(int64_t id) const {
      for (const auto& kv : items)
        if (kv.first == id) return &kv.second;
      return nullptr;
    }
    void set(int64_t id, const Result& r) {
      for (auto& kv : items)
        if (kv.first == id) {
          kv.second = r;
          return;
        }
      items.emplace_back(id, r);
    }
    bool erase(int64_t id) {
      for (auto it = items.begin(); it != items.end(); ++it)
        if (it->first == id) {
          items.erase(it);
          return true;
        }
      return false;
    }
  };
  // Schedules, in accept order, the requests of `bursts` that `timing` accepts before cycle `until`
  // (all of them for until < 0); finished bursts leave `bursts` with their result in `done`.
  static void run(DramTiming& timing, std::vector<Burst>& bursts, int64_t until, Results& done, LoneMemo& memo);
  // run() for a single burst (no arbitration): from the memo when it starts there, else run_lone_rows.
  static void run_lone(DramTiming& timing, Burst& b, int64_t until, LoneMemo& memo);
  // Row by row, skipping whole periods once the schedule repeats.
  static void run_lone_rows(DramTiming& timing, Burst& b, int64_t until);
  // Commits every request accepted before `until`.
  void commit(int64_t until);
  // Plays the open bursts to their end (the projection), unless that is already done.
  void project() const;
  void forget_closed();

  DramTiming committed_;     // every request accepted before cycle horizon_
  int64_t horizon_ = 0;
  std::vector<Burst> open_;  // bursts with requests not accepted before horizon_, oldest first
  Results finished_;
  // The open bursts played to their end, as if no other burst arrived; valid until open().
  mutable bool projected_valid_ = true;
  mutable DramTiming projected_;
  mutable Results projected_results_;
  mutable std::vector<Burst> projected_bursts_;  // scratch of project()
  mutable int64_t projected_last_accept_ = -1;  // latest accept in the projection
  std::vector<int64_t> closed_;  // closed before they finished: no result to keep
  mutable LoneMemo memo_;
  int64_t next_id_ = 0;
};

}  // namespace acv
