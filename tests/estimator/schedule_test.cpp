// The full evaluation's per-instruction schedule (acv diff): issue cycles and what timed them, on a
// program whose timing is computed by hand (kTwoQueues of hand_computed_test.cpp).
#include <catch2/catch.hpp>

#include "test_helpers.h"

using namespace acv;
using namespace acv::test;


TEST_CASE("the schedule gives each instruction's issue and names the queue that held it back", "[schedule]") {
  const auto isa = make_isa({{"slow", {}}, {"fast", {}}});
  const Program p = program(isa, {instr(0, {}), instr(0, {}), instr(0, {}), instr(0, {}), instr(1, {})});
  const BoundArch arch = bind_arch(parse_arch_description(kTwoQueues, "q.yaml"), {}, p);
  EstimateOptions plain;
  plain.full = true;
  const int64_t cycles = estimate(arch, p, plain).cycles;

  std::vector<int64_t> issues;
  std::vector<ScheduledInstruction> detail;
  EstimateOptions traced = plain;
  traced.issues = &issues;
  traced.schedule = &detail;
  CHECK(estimate(arch, p, traced).cycles == cycles);  // recording changes no cycle
  // Slow #3 waits in dispatch for the slot slow #1 frees when it starts (11) and passes on at 11;
  // fast #4 is dispatched behind it at 11.
  CHECK(issues == std::vector<int64_t>{0, 1, 2, 10, 11});
  REQUIRE(detail.size() == 5);
  CHECK(detail[3].issue == 10);
  CHECK(detail[3].issue_timed_by ==
        "queue 'slow_q' (q.yaml:5) full (capacity 2): its entry freed by #1 at its start + release_delay 0");
  CHECK(detail[4].issue_timed_by.rfind("backpressure: #3 waited for 'slow_q'", 0) == 0);
  REQUIRE(detail[3].spans.size() == 3);
  CHECK(detail[3].spans[2].object == "slow_unit");
  CHECK(detail[3].spans[2].start == 31);
  CHECK(detail[3].spans[2].timed_by == "unit 'slow_unit' busy with #2 (occupancy 10)");
  CHECK(detail[3].end == 41);
}

TEST_CASE("the schedule records a window of instructions and stops after the last asked for", "[schedule]") {
  const auto isa = make_isa({{"slow", {}}, {"fast", {}}});
  const Program p = program(isa, {instr(0, {}), instr(0, {}), instr(0, {}), instr(0, {}), instr(1, {})});
  const BoundArch arch = bind_arch(parse_arch_description(kTwoQueues, "q.yaml"), {}, p);
  std::vector<ScheduledInstruction> detail;
  EstimateOptions o;
  o.full = true;
  o.schedule = &detail;
  o.schedule_from = 2;
  o.schedule_to = 3;
  CHECK(estimate(arch, p, o).cycles == -1);  // stopped: not a whole estimate
  REQUIRE(detail.size() == 2);
  CHECK(detail[0].number == 2);
  CHECK(detail[1].number == 3);
  CHECK(detail[1].issue == 10);
  EstimateOptions extrapolated;
  extrapolated.schedule = &detail;
  CHECK_THROWS_AS(estimate(arch, p, extrapolated), std::logic_error);  // a schedule needs --full
}
