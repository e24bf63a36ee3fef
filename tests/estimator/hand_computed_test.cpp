// Tiny programs whose cycles are computed by hand.
#include <catch2/catch.hpp>

#include "test_helpers.h"

using namespace acv;
using namespace acv::test;

namespace {

const char* kPipeline = R"(
name: three-units
units:
  fetch: {latency: 1}
  alu: {from: fetch, latency: 3}
  wb: {from: alu, latency: 2}
instructions:
  op:
    fields: [x]
    steps:
      - {unit: fetch}
      - {unit: alu}
      - {unit: wb}
)";

}  // namespace

TEST_CASE("a 3-instruction pipeline takes fill plus the bottleneck's latency per instruction") {
  const auto isa = make_isa({{"op", {"x"}}});
  const Program p = program(isa, {instr(0, {0}), instr(0, {0}), instr(0, {0})});
  // alu (not pipelined, 3 cycles): 1-4, 4-7, 7-10; wb: 4-6, 7-9, 10-12. fetch: 0-1, 1-2 and then holds #2
  // until alu takes it at 4 (backpressure), so #3 is fetched 4-5.
  const Estimate e = run(kPipeline, p);
  CHECK(e.cycles == 12);
  CHECK(e.evaluated_instructions == 3);
  CHECK(e.bottleneck == "alu");
}

TEST_CASE("a structural hazard on a non-pipelined unit serialises, a pipelined one overlaps") {
  const auto isa = make_isa({{"mul", {}}});
  const Program p = program(isa, {instr(0, {}), instr(0, {}), instr(0, {}), instr(0, {})});
  const std::string serial = R"(
units:
  mul: {latency: 4}
instructions:
  mul: {unit: mul}
)";
  CHECK(run(serial, p).cycles == 16);
  const std::string pipelined = R"(
units:
  mul: {latency: 4, ii: 1}
instructions:
  mul: {unit: mul}
)";
  CHECK(run(pipelined, p).cycles == 3 + 4);
  const std::string two = R"(
units:
  mul: {latency: 4, instances: 2, in_order: false}
instructions:
  mul: {unit: mul}
)";
  CHECK(run(two, p).cycles == 8);
}

TEST_CASE("a read waits for the last write to its location (RAW), other locations do not") {
  const auto isa = make_isa({{"load", {"dst", "n"}}, {"use", {"src"}}});
  const std::string yaml = R"(
units:
  dma: {latency: 1}
  alu: {latency: 1}
storage:
  regs: {locations: 4, latency: 2}
instructions:
  load: {fields: [dst, n], unit: dma, latency: 10 * n, writes: ["regs[dst]"]}
  use: {fields: [src], unit: alu, latency: 3, reads: ["regs[src]"]}
)";
  // load r0 (0-20); use r1 starts at 0 (3); use r0 waits 20 + 2 (storage latency), ends 25.
  const Program p = program(isa, {instr(0, {0, 2}), instr(1, {1}), instr(1, {0})});
  CHECK(run(yaml, p).cycles == 25);
  // WAR: a second load into r0 waits for the read to end (25), then takes 20.
  const Program q = program(isa, {instr(0, {0, 2}), instr(1, {0}), instr(0, {0, 2})});
  CHECK(run(yaml, q).cycles == 25 + 20);
}

TEST_CASE("a queue of capacity 2 blocks the dispatcher until an entry leaves") {
  const auto isa = make_isa({{"slow", {}}, {"fast", {}}});
  const std::string yaml = kTwoQueues;
  // slow #1 dispatched 0, enters q at 1, starts 1 (leaves), ends 11.
  // slow #2 dispatched 1, enters 2, starts 11, ends 21.  slow #3 dispatched 2, enters 3, starts 21, ends 31.
  // slow #4 dispatched 3, needs the slot of #2 (leaves 11): enters 11, starts 31, ends 41.
  // fast: dispatcher was held by #4 until 11, so fast is dispatched at 11, enters 12, runs 12-13.
  const Program p = program(isa, {instr(0, {}), instr(0, {}), instr(0, {}), instr(0, {}), instr(1, {})});
  const Estimate e = run(yaml, p);
  CHECK(e.cycles == 41);
  // A long fast instruction shows when it was dispatched: at 11 (held behind slow #4), so 12 + 100.
  std::string slow_fast = yaml;
  slow_fast.replace(slow_fast.find("fast_q, latency: 1"), 18, "fast_q, latency: 100");
  CHECK(run(slow_fast, p).cycles == 112);
}

TEST_CASE("external memory requests follow the latency, bandwidth and outstanding limit") {
  const auto isa = make_isa({{"load", {"rows", "bytes"}}});
  const std::string yaml = R"(
units:
  dma: {latency: 1}
memory:
  dram: {latency: 10, bytes_per_cycle: 4, max_outstanding: 2}
instructions:
  load:
    fields: [rows, bytes]
    unit: dma
    memory: {requests: rows, bytes: bytes}
    latency: mem_done + 1
)";
  // 3 requests of 8 bytes (2 cycles each): issue 0 -> done max(10, 0)+2 = 12; issue 1 -> max(11, 12)+2 = 14;
  // third waits for the first (12) -> max(22, 14)+2 = 24. Unit ends at 24 + 1.
  const Program p = program(isa, {instr(0, {3, 8})});
  CHECK(run(yaml, p).cycles == 25);
}

TEST_CASE("a later step on the unit an instruction occupies does not pass its stages and queues again") {
  const auto isa = make_isa({{"two_step", {}}, {"other", {}}});
  const std::string yaml = R"(
stages:
  issue: {latency: 1, ii: 1}
queues:
  qa: {from: issue, capacity: 4, release: end}
  qb: {from: issue, capacity: 4, release: end}
units:
  a: {from: qa}
  b: {from: qb}
instructions:
  two_step:
    steps:
      - {unit: a, latency: 10}
      - {unit: a, latency: 5}
  other: {unit: b, latency: 20}
)";
  // two_step: issued at 0, on a 1-11 and 11-16. other is issued at 1 (not held until two_step's second
  // step), enters qb at 2 and ends at 22.
  const Program p = program(isa, {instr(0, {}), instr(1, {})});
  CHECK(run(yaml, p).cycles == 22);
}

TEST_CASE("memory requests are served in time order on a shared port") {
  const auto isa = make_isa({{"late", {"n"}}, {"early", {"n"}}});
  const std::string yaml = R"(
units:
  u: {}
  v: {}
memory:
  dram: {latency: 10, bytes_per_cycle: 4, max_outstanding: 8}
instructions:
  late: {fields: [n], unit: u, memory: {requests: n, bytes: 4, start: 2}, latency: mem_issued + 1}
  early: {fields: [n], unit: v, memory: {requests: n, bytes: 4}, latency: mem_done}
)";
  // One request each: `late` (first in program order) is accepted at 2 and done at 13; `early`,
  // accepted at 0, is done at 11 -- before it, not queued behind it.
  CHECK(run(yaml, program(isa, {instr(0, {1}), instr(1, {1})})).cycles == 13);
  // `late` holds the port in cycles 2 and 3, so `early`'s four requests go at 0, 1, 4, 5; the last
  // one's response follows the responses of everything accepted before it: max(5 + 10, 15) + 1 = 16.
  CHECK(run(yaml, program(isa, {instr(0, {2}), instr(1, {4})})).cycles == 16);
}

TEST_CASE("with a lookahead, a later load that runs before an earlier store takes the slots the store then waits for") {
  const auto isa = make_isa({{"store", {"n"}}, {"load", {"n"}}});
  const std::string yaml = R"(
units:
  st: {}
  ld: {}
memory:
  dram: {latency: 10, bytes_per_cycle: 4, max_outstanding: 2, lookahead: 8}
instructions:
  store: {fields: [n], unit: st, memory: {requests: n, bytes: 4, start: 5}, latency: mem_done + 1}
  load: {fields: [n], unit: ld, memory: {requests: n, bytes: 4}, latency: mem_done + 1}
)";
  // The load (second in program order) is accepted at 0 and 1 (done 11, 12): both slots are taken
  // when the store asks at 5, so it is accepted at 11, done max(21, 12) + 1 = 22, ends at 23. (Placed
  // in program order alone the store would be accepted at 5 and end at 17.)
  CHECK(run(yaml, program(isa, {instr(0, {1}), instr(1, {2})})).cycles == 23);
  std::string program_order = yaml;
  program_order.replace(program_order.find(", lookahead: 8"), 14, "");
  CHECK(run(program_order, program(isa, {instr(0, {1}), instr(1, {2})})).cycles == 17);
  // A cycle both want goes to the earlier instruction: with 8 slots the loads take 0..4, the store
  // keeps 5 (it ends 50 after its acceptance), the loads go on at 6.
  std::string wide = yaml;
  wide.replace(wide.find("max_outstanding: 2"), 18, "max_outstanding: 8");
  wide.replace(wide.find("start: 5}, latency: mem_done + 1"), 32, "start: 5}, latency: mem_issued + 50");
  CHECK(run(wide, program(isa, {instr(0, {1}), instr(1, {6})})).cycles == 55);
  // In a loop the extrapolated figure equals the full evaluation.
  const Program looped = program(isa, {loop("t", 40, {instr(0, {3}), instr(1, {4})})});
  CHECK(run(yaml, looped).cycles == run(yaml, looped, {}, true).cycles);
}

TEST_CASE("a unit with priority on the port takes a cycle from an earlier instruction's requests") {
  const auto isa = make_isa({{"load", {"n"}}, {"store", {"n"}}});
  const std::string yaml = R"(
units:
  ld: {}
  st: {}
memory:
  dram: {latency: 10, bytes_per_cycle: 4, max_outstanding: 8, lookahead: 8, priority: [st]}
instructions:
  load: {fields: [n], unit: ld, memory: {requests: n, bytes: 4}, latency: mem_done + 1}
  store: {fields: [n], unit: st, memory: {requests: n, bytes: 4, start: 2}, latency: mem_done + 50}
)";
  // The store (later in program order) wins cycles 2 and 3: loads at 0, 1, 4, 5 (done 11, 12, 15, 16),
  // stores done 13, 14, so the store ends at 64. In program order the loads keep 0..3 (done 11..14),
  // the stores go at 4, 5 (done 15, 16) and the store ends at 66.
  const Program p = program(isa, {instr(0, {4}), instr(1, {2})});
  CHECK(run(yaml, p).cycles == 64);
  std::string program_order = yaml;
  program_order.replace(program_order.find(", priority: [st]"), 16, "");
  CHECK(run(program_order, p).cycles == 66);
  // Without a look-ahead the store is not seen while the load is placed: program order again.
  std::string no_lookahead = yaml;
  no_lookahead.replace(no_lookahead.find(", lookahead: 8"), 14, "");
  CHECK(run(no_lookahead, p).cycles == 66);
  // In a loop: extrapolation stays exact, and the priority still decides.
  const Program looped = program(isa, {loop("t", 30, {instr(0, {4}), instr(1, {2})})});
  CHECK(run(yaml, looped).cycles == run(yaml, looped, {}, true).cycles);
  CHECK(run(yaml, looped).cycles != run(program_order, looped).cycles);
}

TEST_CASE("a carried field is the latest earlier value of another class's field (a decoder register)") {
  const auto isa = make_isa({{"set", {"n"}}, {"run", {"x"}}});
  const std::string yaml = R"(
units:
  regs: {latency: 0}
  u: {}
instructions:
  set: {unit: regs}
  run:
    fields: [x]
    carried: {n: set.n}
    unit: u
    latency: n + x
)";
  // run before any set sees n = 0: 0-5; after set 10: 5-(5+10+1) = 16; after set 3: 16-20.
  const Program p = program(isa, {instr(1, {5}), instr(0, {10}), instr(1, {1}), instr(0, {3}), instr(1, {1})});
  CHECK(run(yaml, p).cycles == 20);
  // Carried values repeat with their source's operands, so extrapolation stays exact: a loop of
  // {set i % 3; run 1} runs 1 + (0|1|2) per iteration.
  const Program l = program(isa, {loop("l", 100, {instr(0, {idx(1) % 3}), instr(1, {1})})});
  const int64_t expect = 100 * 1 + 33 * 0 + 33 * 1 + 33 * 2 + 0;  // i % 3 = 0 for i = 99 too
  CHECK(run(yaml, l, {}, true).cycles == expect);
  CHECK(run(yaml, l).cycles == expect);
}

TEST_CASE("the steps an instruction runs follow the current values of the fields its whens read") {
  // run_one() keeps the steps selected per opcode and values of those fields (16 kept): a mode
  // carried from `set` and an own field, 40 values, so both kept plans and one-off ones are used.
  const auto isa = make_isa({{"set", {"m"}}, {"op", {"x"}}});
  const std::string yaml = R"(
units:
  regs: {latency: 0}
  u: {}
instructions:
  set: {unit: regs}
  op:
    fields: [x]
    carried: {m: set.m}
    steps:
      - {unit: u, when: "m == 1", latency: x}
      - {unit: u, when: "x % 3 == 0", latency: 1}
      - {unit: u, when: "m != 1 && x > 20", latency: 2}
)";
  std::vector<Statement> body;
  int64_t expect = 0;  // the steps run one after the other on u: the sum of their latencies
  for (int64_t x = 0; x < 40; ++x) {
    const int64_t m = (x / 7) % 2;
    body.push_back(instr(0, {m}));
    body.push_back(instr(1, {x}));
    expect += (m == 1 ? x : 0) + (x % 3 == 0 ? 1 : 0) + (m != 1 && x > 20 ? 2 : 0);
  }
  CHECK(run(yaml, program(isa, body)).cycles == expect);
}

TEST_CASE("a step's memory requests can have their own interval") {
  const auto isa = make_isa({{"st", {"n"}}});
  const std::string yaml = R"(
units:
  u: {}
memory:
  dram: {latency: 10, bytes_per_cycle: 4, max_outstanding: 8}
instructions:
  st: {fields: [n], unit: u, memory: {requests: n, bytes: 4, start: 1, interval: 3}, latency: mem_done + 1}
)";
  // Requests at 1, 4, 7: done at 12, 15, 18 (one cycle of transfer each); the step ends at 19.
  CHECK(run(yaml, program(isa, {instr(0, {3})})).cycles == 19);
}

TEST_CASE("a write at: free takes effect when the unit became free, before the step started") {
  const auto isa = make_isa({{"op", {"t"}}, {"wait", {}}});
  const std::string yaml = R"(
units:
  u: {}
storage:
  mark: {latency: 5, hazards: [raw]}
instructions:
  op:
    fields: [t]
    unit: u
    latency: t
    writes: [{storage: mark, at: free}]
  wait: {unit: u, latency: 1, reads: [mark]}
)";
  // op 10: 0-10 (u was free at 0: mark readable at 5); op 4: 10-14 (u free for it at 10: mark at 15);
  // wait reads mark: starts at max(14, 15) = 15, ends 16.
  CHECK(run(yaml, program(isa, {instr(0, {10}), instr(0, {4}), instr(1, {})})).cycles == 16);
}

TEST_CASE("each loop under the Program's top reports the cycles it adds: a whole network's layers") {
  const auto isa = make_isa({{"op", {}}});
  const std::string serial = R"(
units:
  u: {latency: 2}
instructions:
  op: {unit: u}
)";
  // One instruction (0-2), a loop of 3 (2-8), a loop of 5 x 2 (8-28).
  const Program p = program(isa, {instr(0, {}), loop("first", 3, {instr(0, {})}),
                                  loop("second", 5, {loop("inner", 2, {instr(0, {})})})});
  for (const bool full : {false, true}) {
    const Estimate e = run(serial, p, {}, full);
    CHECK(e.cycles == 28);
    REQUIRE(e.top_loops.size() == 2);
    CHECK(e.top_loops[0] == std::make_pair(std::string("first"), int64_t{6}));
    CHECK(e.top_loops[1] == std::make_pair(std::string("second"), int64_t{20}));
  }
}

TEST_CASE("a held unit's instances are taken at a step's start and kept until the instruction ends") {
  // Gemmini's execute records: a compute takes one of two records when it starts streaming (1
  // cycle per op) and keeps it until its result is written 5 cycles later (a latency-only step).
  const auto isa = make_isa({{"op", {}}});
  const std::string yaml = R"(
units:
  stream: {latency: 1}
  drain: {pipelined: true}
  records: {instances: 2}
instructions:
  op:
    steps:
      - {unit: stream, hold: records}
      - {unit: drain, latency: 5}
)";
  const Program p = program(isa, {instr(0, {}), instr(0, {}), instr(0, {}), instr(0, {})});
  // #0 streams 0-1, done at 6; #1 1-2, done 7; #2 waits for #0's record: 6-7, done 12; #3 for #1's:
  // 7-8, done 13. Without the hold the stream would run 0-4 and the last op end at 9.
  const Estimate e = run(yaml, p);
  CHECK(e.cycles == 13);
  // Each record is busy from its op's stream start to its end.
  CHECK(e.busy.at("records") == 4 * 6);
}

TEST_CASE("two steps of one instruction hold two instances of a unit; more than it has is an error") {
  const auto isa = make_isa({{"op", {}}});
  const std::string yaml = R"(
units:
  a: {latency: 1}
  b: {latency: 1}
  pool: {instances: 2}
instructions:
  op:
    steps:
      - {unit: a, hold: pool}
      - {unit: b, hold: pool, latency: 3}
)";
  // #0 takes both instances (a 0-1, b 1-4) until 4; #1 waits for them: a 4-5, b 5-8.
  const Program p = program(isa, {instr(0, {}), instr(0, {})});
  CHECK(run(yaml, p).cycles == 8);
  std::string one = yaml;
  one.replace(one.find("instances: 2"), 12, "instances: 1");
  CHECK_THROWS_WITH(run(one, p), Catch::Contains("whose every instance the instruction's earlier steps hold"));
}

TEST_CASE("an instruction's later steps on the same rows see what its earlier steps did to them") {
  // run_one() skips the hazard checks and updates that the instruction's own later steps make
  // redundant (plan_skips()); these are the ones it must not skip. buf's latency 5: a read waits
  // for a write's end + 5.
  const auto isa = make_isa({{"wrw", {"x"}}, {"rwr", {"x"}}, {"wfree", {"x"}}, {"rr", {"x"}}, {"rd", {"x"}}, {"wr", {"x"}}});
  const std::string yaml = R"(
units:
  a: {}
  b: {}
  c: {}
storage:
  buf: {locations: 0, latency: 5, hazards: [raw, war, waw]}
instructions:
  wrw:
    fields: [x]
    steps:
      - {unit: a, latency: 1, writes: ["buf[x, 4]"]}
      - {unit: b, latency: 1, reads: ["buf[x, 4]"]}
      - {unit: c, latency: 1, writes: ["buf[x, 4]"]}
  rwr:
    fields: [x]
    steps:
      - {unit: a, latency: 1, reads: ["buf[x, 4]"]}
      - {unit: b, latency: 1, writes: ["buf[x, 4]"]}
      - {unit: c, latency: 1, reads: ["buf[x, 4]"]}
  wfree:
    fields: [x]
    steps:
      - {unit: a, latency: 10, writes: ["buf[x, 4]"]}
      - {unit: b, latency: 1, writes: [{storage: buf, index: x, count: 4, at: free}]}
  rr:
    fields: [x]
    steps:
      - {unit: a, latency: 3, reads: ["buf[x, 4]"]}
      - {unit: b, latency: 1, reads: ["buf[x, 4]"]}
  rd: {fields: [x], unit: c, latency: 1, reads: ["buf[x, 4]"]}
  wr: {fields: [x], unit: c, latency: 1, writes: ["buf[x, 4]"]}
)";
  // wrw: write 0-1 (readable at 6); the read waits for it, 6-7; the write after the read, 7-8.
  CHECK(run(yaml, program(isa, {instr(0, {8})})).cycles == 8);
  // rwr: read 0-1; the write after it, 1-2 (readable at 7); the read again waits for it, 7-8.
  CHECK(run(yaml, program(isa, {instr(1, {8})})).cycles == 8);
  // wfree: write 0-10 (readable at 15); the write at: free waits for it (WAW), 10-11, but takes effect
  // at 0 (b was free then): rd still waits for 15, 15-16.
  CHECK(run(yaml, program(isa, {instr(2, {8}), instr(4, {8})})).cycles == 16);
  // rr: reads 0-3 and 3-4; wr waits for the last of them (WAR), 4-5. On other rows it does not.
  CHECK(run(yaml, program(isa, {instr(3, {8}), instr(5, {8})})).cycles == 5);
  CHECK(run(yaml, program(isa, {instr(3, {8}), instr(5, {12})})).cycles == 4);
}
