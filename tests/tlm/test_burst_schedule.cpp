// BurstSchedule: whole DMA bursts on one memory port with the AT arbiter's rules, in plain C++.
#include <catch2/catch.hpp>

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
