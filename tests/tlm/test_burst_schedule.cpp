// BurstSchedule: whole DMA bursts on one memory port with the AT arbiter's rules, in plain C++.
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include "tlm/common/burst_schedule.h"

namespace acv {
namespace {

TEST_CASE("a lone burst equals its requests scheduled one by one") {
  DramTiming one_by_one(DramConfig{40, 16, 4});
  int64_t ready = 7;
  DramTiming::Slot last;
  for (int i = 0; i < 50; ++i) {
    last = one_by_one.schedule(ready, 16);
    ready = last.accept + 1;
  }
  BurstSchedule s(DramConfig{40, 16, 4});
  const int64_t id = s.open(0, 7, 50, 16);
  const BurstSchedule::Result r = s.schedule(id, 7);
  CHECK(r.last_accept == last.accept);
  CHECK(r.last_complete == last.complete);
  CHECK(s.timing().requests() == 50);
}

TEST_CASE("long lone bursts (periods skipped in closed form) equal their requests one by one") {
  // Configurations whose steady state has a period of one request, of max_outstanding requests, or
  // is bandwidth bound; bursts back to back, with gaps, and starting with slots still held.
  const DramConfig configs[] = {DramConfig{40, 16, 32}, DramConfig{40, 16, 4}, DramConfig{3, 4, 2}, DramConfig{10, 1, 8},
                                DramConfig{0, 16, 1}, DramConfig{25, 8, 5}, DramConfig{40, 16, 33}};
  const int64_t bytes[] = {4, 16, 64, 33};
  for (const DramConfig& c : configs)
    for (const int64_t n : bytes) {
      DramTiming one_by_one(c);
      BurstSchedule s(c);
      int64_t arrival = 5;
      for (int burst = 0; burst < 6; ++burst) {
        const int64_t count = 37 + 211 * burst;
        int64_t ready = arrival;
        DramTiming::Slot last;
        for (int64_t i = 0; i < count; ++i) {
          last = one_by_one.schedule(ready, n);
          ready = last.accept + 1;
        }
        const int64_t id = s.open(0, arrival, count, n);
        // Asked midway first (commits part of the burst), then once the kernel is past it.
        const BurstSchedule::Result mid = s.schedule(id, arrival + count / 3);
        CHECK(mid.last_accept == last.accept);
        const BurstSchedule::Result r = s.schedule(id, last.accept + 1);
        CHECK(r.last_accept == last.accept);
        CHECK(r.last_complete == last.complete);
        s.close(id);
        CHECK(s.timing().requests() == one_by_one.requests());
        CHECK(s.timing().busy_cycles() == one_by_one.busy_cycles());
        arrival = burst % 2 ? last.accept + 1 : last.complete + 3;
      }
    }
}

TEST_CASE("repeated lone bursts (replayed from the memo) equal their requests one by one") {
  // The same few burst shapes again and again, after gaps that leave the port idle, with slots
  // still held, or with the last completion still ahead: hits and misses of the memo alternate, and
  // a wrong replayed end state would show in the bursts after it.
  const DramConfig configs[] = {DramConfig{40, 16, 32}, DramConfig{40, 16, 4}, DramConfig{3, 4, 2}, DramConfig{25, 8, 5}};
  const int64_t gaps[] = {0, 1, 7, 45, 200};
  for (const DramConfig& c : configs) {
    DramTiming one_by_one(c);
    BurstSchedule s(c);
    int64_t arrival = 3;
    for (int burst = 0; burst < 120; ++burst) {
      const int64_t count = burst % 3 == 0 ? 256 : burst % 3 == 1 ? 16 : 1;
      const int64_t bytes = burst % 4 == 0 ? 4 : 16;
      int64_t ready = arrival;
      DramTiming::Slot last;
      for (int64_t i = 0; i < count; ++i) {
        last = one_by_one.schedule(ready, bytes);
        ready = last.accept + 1;
      }
      const int64_t id = s.open(0, arrival, count, bytes);
      CAPTURE(c.latency, c.max_outstanding, burst);
      if (burst % 5 == 2) {  // asked midway first: the memo replays the first part of the burst
        const BurstSchedule::Result mid = s.schedule(id, arrival + count / 3);
        CHECK(mid.last_accept == last.accept);
      }
      const BurstSchedule::Result r = s.schedule(id, burst % 2 ? arrival : last.accept + 1);
      CHECK(r.last_accept == last.accept);
      CHECK(r.last_complete == last.complete);
      s.close(id);
      const int64_t gap = gaps[(burst * 7) % 5];
      arrival = (burst % 2 ? last.accept : last.complete) + 1 + gap;
    }
    CHECK(s.timing().requests() == one_by_one.requests());
    CHECK(s.timing().bytes() == one_by_one.bytes());
    CHECK(s.timing().busy_cycles() == one_by_one.busy_cycles());
  }
}

TEST_CASE("overlapping bursts of two priorities (with gaps between rows) equal a cycle-by-cycle fixed-priority arbiter") {
  // The reference: the documented arbitration, one request at a time, no shortcuts (lone runs,
  // memo, partial replays, closed-form periods are all BurstSchedule's).
  struct Ref {
    int priority;
    int64_t arrival, count, bytes, next = 0, ready = 0;
    BurstSchedule::Result result;
    int64_t gap = 1;  // a row is presented `gap` cycles after the previous accept
  };
  std::mt19937 rng(5);
  const DramConfig configs[] = {DramConfig{40, 16, 32}, DramConfig{40, 16, 4}, DramConfig{3, 4, 2}};
  for (const DramConfig& c : configs)
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<Ref> ref;
      int64_t arrival = 0;
      for (int i = 0; i < 30; ++i) {
        arrival += std::uniform_int_distribution<int64_t>(1, 120)(rng);  // distinct: ties go by open order
        const int64_t count = std::uniform_int_distribution<int>(0, 3)(rng) == 0 ? 4 : std::uniform_int_distribution<int64_t>(1, 300)(rng);
        const int64_t bytes = std::uniform_int_distribution<int>(0, 1)(rng) ? 16 : 4;
        const int64_t gap = std::uniform_int_distribution<int>(0, 3)(rng) == 0 ? 2 + trial % 2 : 1;
        ref.push_back(Ref{std::uniform_int_distribution<int>(0, 1)(rng), arrival, count, bytes, 0, arrival, {}, gap});
      }
      DramTiming port(c);
      for (;;) {
        int64_t cycle = std::numeric_limits<int64_t>::max();
        for (const Ref& b : ref)
          if (b.next < b.count) cycle = std::min(cycle, port.earliest_accept(b.ready));
        if (cycle == std::numeric_limits<int64_t>::max()) break;
        Ref* winner = nullptr;
        for (Ref& b : ref)
          if (b.next < b.count && b.ready <= cycle && (winner == nullptr || b.priority > winner->priority)) winner = &b;
        const DramTiming::Slot slot = port.schedule(cycle, winner->bytes);
        winner->result = BurstSchedule::Result{slot.accept, slot.complete};
        winner->ready = slot.accept + winner->gap;
        ++winner->next;
      }
      BurstSchedule s(c);
      std::vector<int64_t> ids;
      for (const Ref& b : ref) {
        ids.push_back(s.open(b.priority, b.arrival, b.count, b.bytes, b.arrival, b.gap));
        s.schedule(ids.back(), b.arrival);  // as a DMA asks at its arrival (commits up to it)
      }
      for (std::size_t i = 0; i < ref.size(); ++i) {
        CAPTURE(c.latency, c.max_outstanding, trial, i);
        const BurstSchedule::Result r = s.schedule(ids[i], int64_t{1} << 40);
        CHECK(r.last_accept == ref[i].result.last_accept);
        CHECK(r.last_complete == ref[i].result.last_complete);
        s.close(ids[i]);
      }
      CHECK(s.timing().requests() == port.requests());
      // Opened out of arrival order, as MemoryTarget's LT look-ahead does: each pair swapped, with
      // `now` the pair's first arrival (no later open arrives before it).
      BurstSchedule swapped(c);
      std::vector<int64_t> sid(ref.size());
      for (std::size_t i = 0; i < ref.size(); i += 2) {
        const int64_t now = ref[i].arrival;
        for (const std::size_t j : {i + 1, i})
          if (j < ref.size())
            sid[j] = swapped.open(ref[j].priority, ref[j].arrival, ref[j].count, ref[j].bytes, now, ref[j].gap);
        swapped.schedule(sid[i], now);
      }
      for (std::size_t i = 0; i < ref.size(); ++i) {
        CAPTURE(c.latency, c.max_outstanding, trial, i);
        const BurstSchedule::Result r = swapped.schedule(sid[i], int64_t{1} << 40);
        CHECK(r.last_accept == ref[i].result.last_accept);
        CHECK(r.last_complete == ref[i].result.last_complete);
        swapped.close(sid[i]);
      }
    }
}

TEST_CASE("a higher-priority burst takes the port from a lower-priority one in progress") {
  BurstSchedule s(DramConfig{10, 64, 32});
  const int64_t low = s.open(0, 0, 10, 16);
  CHECK(s.schedule(low, 0).last_accept == 9);  // alone: one request per cycle
  const int64_t high = s.open(1, 3, 4, 16);    // arrives in cycle 3: cycles 3..6 are its
  CHECK(s.schedule(high, 3).last_accept == 6);
  const BurstSchedule::Result r = s.schedule(low, 3);
  CHECK(r.last_accept == 13);                  // 3 of 10 before, 7 after the high burst
  CHECK(r.last_complete == 13 + 10 + 1);
  s.close(low);
  s.close(high);
}

TEST_CASE("a lower-priority burst arriving later never delays a higher-priority one") {
  BurstSchedule s(DramConfig{10, 64, 32});
  const int64_t high = s.open(1, 0, 5, 16);
  const int64_t low = s.open(0, 2, 3, 16);
  CHECK(s.schedule(high, 2).last_accept == 4);
  CHECK(s.schedule(low, 2).last_accept == 7);
}

}  // namespace
}  // namespace acv

namespace acv {
namespace {

TEST_CASE("lone bursts with gaps between rows (memo, closed-form periods) equal their requests one by one") {
  for (const DramConfig& c : {DramConfig{40, 16, 4}, DramConfig{10, 4, 3}, DramConfig{2, 32, 1}})
    for (const int64_t gap : {2, 3, 7}) {
      BurstSchedule s(c);
      DramTiming ref(c);
      int64_t arrival = 5;
      for (int burst = 0; burst < 12; ++burst) {
        const int64_t count = burst % 3 == 0 ? 200 : 9;
        const int64_t id = s.open(1, arrival, count, 16, arrival, gap);
        const BurstSchedule::Result r = s.schedule(id, arrival);
        s.close(id);
        int64_t ready = arrival;
        DramTiming::Slot slot;
        for (int64_t i = 0; i < count; ++i) {
          slot = ref.schedule(ready, 16);
          ready = slot.accept + gap;
        }
        CAPTURE(c.latency, c.max_outstanding, gap, burst);
        CHECK(r.last_accept == slot.accept);
        CHECK(r.last_complete == slot.complete);
        arrival = slot.accept + 1 + burst % 4 * 13;
      }
      CHECK(s.timing().requests() == ref.requests());
    }
}

}  // namespace
}  // namespace acv
