// LT timing of one memory port shared by several initiators' bursts (fixed-priority arbiter); no SystemC.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "dram_timing.h"

namespace acv {

// The arbitration of MemoryTarget's AT port, computed analytically for whole bursts: a burst's
// first request is presented in its arrival cycle, each next one in the cycle after the previous
// accept. In a cycle in which the port can accept (DramTiming: one per cycle, outstanding slots),
// the presented request of the highest priority wins (then the oldest burst). So a request of a
// lower priority waits in every cycle a higher-priority burst presents one; a burst never waits
// for a lower-priority or younger one.
// Contract: open() calls come in non-decreasing arrival order. A burst's schedule() is then
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
  int64_t open(int priority, int64_t arrival, int64_t count, int64_t bytes);
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
    int64_t next = 0;   // first request not scheduled yet
    int64_t ready = 0;  // cycle from which request `next` is presented
    Result result;
  };
  // Schedules, in accept order, the requests of `bursts` that `timing` accepts before cycle `until`
  // (all of them for until < 0); finished bursts leave `bursts` with their result in `done`.
  static void run(DramTiming& timing, std::vector<Burst>& bursts, int64_t until, std::map<int64_t, Result>& done);
  // run() for a single burst (no arbitration), skipping whole periods once its schedule repeats.
  static void run_lone(DramTiming& timing, Burst& b, int64_t until);
  // Commits every request accepted before `until`.
  void commit(int64_t until);
  // Plays the open bursts to their end (the projection), unless that is already done.
  void project() const;
  void forget_closed();

  DramTiming committed_;     // every request accepted before cycle horizon_
  int64_t horizon_ = 0;
  std::vector<Burst> open_;  // bursts with requests not accepted before horizon_, oldest first
  std::map<int64_t, Result> finished_;
  // The open bursts played to their end, as if no other burst arrived; valid until open().
  mutable bool projected_valid_ = true;
  mutable DramTiming projected_;
  mutable std::map<int64_t, Result> projected_results_;
  mutable int64_t projected_last_accept_ = -1;  // latest accept in the projection
  std::set<int64_t> closed_;  // closed before they finished: no result to keep
  int64_t next_id_ = 0;
};

}  // namespace acv
