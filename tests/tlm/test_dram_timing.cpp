// DramTiming: the DramConfig semantics shared with the RTL's DRAM model, in cycles.
#include <catch2/catch.hpp>

#include "tlm/common/dram_timing.h"

namespace acv {
namespace {

TEST_CASE("a lone request completes after latency plus its transfer cycles") {
  DramTiming t(DramConfig{40, 16, 8});
  const auto s = t.schedule(5, 64);
  CHECK(s.accept == 5);
  CHECK(s.complete == 5 + 40 + 4);
  DramTiming u(DramConfig{40, 16, 8});
  CHECK(u.schedule(0, 17).complete == 40 + 2);  // partial beat rounds up
}

TEST_CASE("back-to-back requests are limited by bytes_per_cycle") {
  DramTiming t(DramConfig{10, 8, 100});
  int64_t last = 0;
  for (int i = 0; i < 20; ++i) last = t.schedule(i, 32).complete;  // 4 cycles each
  CHECK(last == 10 + 4 + 19 * 4);
  CHECK(t.busy_cycles() == 80);
  CHECK(t.requests() == 20);
}

TEST_CASE("the port accepts one request per cycle") {
  DramTiming t(DramConfig{10, 64, 100});
  CHECK(t.schedule(3, 8).accept == 3);
  CHECK(t.schedule(3, 8).accept == 4);
  CHECK(t.schedule(0, 8).accept == 5);  // served in call order
}

TEST_CASE("at most max_outstanding requests are in flight") {
  DramTiming t(DramConfig{40, 16, 2});
  const auto a = t.schedule(0, 16);  // 0 -> 41
  const auto b = t.schedule(1, 16);  // 1 -> 42
  const auto c = t.schedule(2, 16);  // waits for a's slot, free the cycle after its completion
  CHECK(a.complete == 41);
  CHECK(b.complete == 42);
  CHECK(c.accept == 42);
  CHECK(c.complete == 42 + 40 + 1);
}

}  // namespace
}  // namespace acv
