// The counter taxonomy shared by every view (models/common/counters.h).
#include <catch2/catch.hpp>

#include "models/common/counters.h"

using namespace acv;

TEST_CASE("counter names round-trip through the taxonomy: busy, stall by cause, events", "[counters]") {
  const counters::Name b = counters::parse(counters::busy("exe"));
  CHECK(b.kind == counters::Kind::Busy);
  CHECK(b.unit == "exe");
  const counters::Name s = counters::parse(counters::stall("load", "dma"));
  CHECK(s.kind == counters::Kind::Stall);
  CHECK(s.unit == "load");
  CHECK(s.cause == "dma");
  const counters::Name e = counters::parse(counters::event("dram", "reads"));
  CHECK(e.kind == counters::Kind::Event);
  CHECK(e.unit == "dram");
  CHECK(counters::parse("instructions").kind == counters::Kind::Event);
  // Look-alikes are events: only the exact forms count cycles.
  CHECK(counters::parse("load.busy_cycles").kind == counters::Kind::Event);
  CHECK(counters::parse("load.stall.").kind == counters::Kind::Event);
  CHECK(counters::parse(".busy").kind == counters::Kind::Event);
  CHECK(counters::parse("load_busy").kind == counters::Kind::Event);
  CHECK(counters::label("exe.stall.dependency") == "exe stall: dependency");
  CHECK(counters::label("load.busy") == "load busy");
  CHECK(counters::label("dram.reads") == "dram.reads");
}
