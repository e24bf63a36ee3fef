// The description format: the four accelerator kinds parse, and errors name file, line, key and reason.
#include <catch2/catch.hpp>

#include "estimator/arch_description.h"
#include "test_helpers.h"

using namespace acv;

namespace {

// Gemmini-like: decoupled load / execute / store queues, dependency tracking on scratchpad rows.
const char* kDecoupled = R"yaml(
params: {DIM: dim, LQ: 8, XQ: 8, SQ: 2, LAT: dram_latency, BW: dram_bytes_per_cycle}
stages:
  rocc: {latency: 1}
queues:
  ld_q: {from: rocc, capacity: LQ}
  ex_q: {from: rocc, capacity: XQ}
  st_q: {from: rocc, capacity: SQ}
units:
  load: {from: ld_q}
  mesh: {from: ex_q, ii: 1}
  store: {from: st_q}
storage:
  spad: {locations: 0, banks: 4, read_ports: 1, write_ports: 1, width: DIM}
  acc: {locations: 0, banks: 2, width: DIM * 4}
memory:
  dram: {latency: LAT, bytes_per_cycle: BW, max_outstanding: 16}
roofline: {macs_per_cycle: DIM * DIM}
instructions:
  config: {unit: load, latency: 1}
  mvin: {fields: [sp_addr, rows, cols], unit: load, writes: ["spad[sp_addr, rows]"], memory: {requests: rows, bytes: cols}, latency: mem_done + 1}
  preload: {fields: [b_addr], unit: mesh, latency: DIM, reads: ["spad[b_addr, DIM]"]}
  compute: {fields: [a_addr, c_addr, rows], unit: mesh, latency: rows + 2 * DIM, ii: rows, reads: ["spad[a_addr, rows]"], writes: ["acc[c_addr, rows]"], macs: rows * DIM * DIM}
  mvout: {fields: [c_addr, rows], unit: store, reads: ["acc[c_addr, rows]"], memory: {requests: rows, bytes: DIM}, latency: mem_done}
  flush: {unit: mesh, latency: 1}
)yaml";

// UltraTrail-like: a controller steps through layer descriptors; 1-D conv on an 8x8 MAC array,
// ping-pong feature memories, output processing unit.
const char* kController = R"yaml(
params: {N: 8}
units:
  controller: {latency: 1}
  mac_array: {from: controller, ii: 1}
  opu: {from: mac_array, latency: 3, ii: 1}
  pool: {from: opu, latency: 1}
storage:
  fmem: {locations: 3}
  wmem: {locations: 1, read_ports: 1}
  lmem: {locations: 2}
instructions:
  conv_step:
    fields: [src, dst, taps, c_blocks, first]
    steps:
      - {unit: controller}
      - unit: mac_array
        latency: taps * c_blocks + N
        reads: ["fmem[src]", {storage: wmem, cycles: taps * c_blocks}, "lmem[dst % 2] if !first"]
        writes: ["lmem[dst % 2]"]
    macs: taps * c_blocks * N * N
  opu_step:
    fields: [src, dst, relu, residual]
    steps:
      - {unit: controller}
      - {unit: opu, reads: ["lmem[src % 2]", "fmem[2] if residual"], writes: ["fmem[dst]"]}
  pool_step: {fields: [src], unit: pool, latency: 16, reads: ["fmem[src]"]}
)yaml";

// Plasticine-like: a grid of SIMD pipelines (PCUs) and banked memories (PMUs), streams between them.
const char* kGrid = R"yaml(
params: {L: lanes, S: stages, PCUS: 64, PMUS: 64, BANKS: lanes}
units:
  ag: {latency: 1, instances: 4}
  pmu: {latency: 1, instances: PMUS, in_order: false}
  pcu: {from: stream, latency: S + log2_ceil(L), ii: 1, instances: PCUS, in_order: false}
queues:
  stream: {from: pmu, capacity: 4}
storage:
  scratch: {locations: 0, banks: BANKS, read_ports: 1, write_ports: 1}
memory:
  dram: {latency: 100, bytes_per_cycle: 64, max_outstanding: 16, request_interval: 1}
roofline: {macs_per_cycle: L * PCUS}
instructions:
  dram_load: {fields: [addr, bursts], unit: ag, writes: ["scratch[addr, bursts]"], memory: {requests: bursts, bytes: 64}, latency: mem_done}
  map_reduce:
    fields: [addr, n, acc]
    steps:
      - {unit: pmu, latency: "ceil_div(n, L)", reads: ["scratch[addr]"]}
      - {unit: pcu, latency: "ceil_div(n, L) + S + log2_ceil(L) + (acc ? 1 : 0)"}
    macs: n
)yaml";

std::string error_of(const std::string& yaml) {
  try {
    parse_arch_description(yaml, "bad.yaml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("the format describes systolic, decoupled, controller-driven and grid accelerators") {
  const auto systolic = load_arch_description(std::string(ACV_SOURCE_DIR) + "/models/systolic/arch.yaml");
  CHECK(systolic->classes.size() == 3);
  const auto decoupled = parse_arch_description(kDecoupled, "decoupled.yaml");
  CHECK(decoupled->find_class("mvin") >= 0);
  CHECK(decoupled->objects.size() == 7);
  const auto controller = parse_arch_description(kController, "controller.yaml");
  CHECK(controller->classes[0].steps.size() == 2);
  const auto grid = parse_arch_description(kGrid, "grid.yaml");
  CHECK(grid->classes[1].steps[1].path.size() == 1);  // pmu -> stream -> pcu
}

TEST_CASE("description errors name file, line, key and reason") {
  using Catch::Matchers::Contains;
  CHECK_THAT(error_of("units: {a: {}}\ninstructions:\n  x: {unit: b}\n"), Contains("bad.yaml:3") && Contains("unknown unit 'b'"));
  CHECK_THAT(error_of("units: {a: {}}\ninstructions:\n  x: {latency: 1}\n"), Contains("with no unit"));
  CHECK_THAT(error_of("units:\n  a: {from: b}\n  b: {from: a}\ninstructions:\n  x: {unit: a}\n"), Contains("bad.yaml:2") && Contains("cyclic pipeline"));
  CHECK_THAT(error_of("units: {a: {}}\nmemory:\n  d: {latency: 1, bytes_per_cycle: 0}\ninstructions:\n  x: {unit: a}\n"), Contains("bad.yaml:3") && Contains("zero or negative bandwidth"));
  CHECK_THAT(error_of("units: {a: {}}\ninstructions:\n  x:\n    fields: [n]\n    unit: a\n    latency: n + m\n"), Contains("bad.yaml:6") && Contains("latency") && Contains("unknown name 'm'"));
  CHECK_THAT(error_of("units: {a: {latency: R}}\ninstructions:\n  x: {unit: a}\n"), Contains("unknown name 'R'"));
  CHECK_THAT(error_of("units: {a: {}}\ninstructions:\n  x: {unit: a, latency: \"1 +\"}\n"), Contains("unexpected end"));
  CHECK_THAT(error_of("units: {a: {}}\nbogus: 1\ninstructions:\n  x: {unit: a}\n"), Contains("bad.yaml:2") && Contains("unknown key"));
  CHECK_THAT(error_of("units: {a: {}}\ninstructions:\n  x: {unit: a, reads: [\"buf[0]\"]}\n"), Contains("unknown storage 'buf'"));
  CHECK_THAT(error_of("units: {a: {}}\ninstructions:\n  x:\n    carried: {n: y.n}\n    unit: a\n"), Contains("bad.yaml:4") && Contains("unknown instruction class 'y'"));
  CHECK_THAT(error_of("units: {a: {}}\ninstructions:\n  x:\n    carried: {n: yn}\n    unit: a\n"), Contains("bad.yaml:4") && Contains("expected 'class.field'"));
  CHECK_THAT(error_of("units: {a: {}}\ninstructions:\n  x:\n    fields: [n]\n    carried: {n: x.n}\n    unit: a\n"), Contains("has the name of a field"));
  CHECK_THAT(error_of("units: {a: {}}\nstorage: {s: {}}\ninstructions:\n  x: {unit: a, writes: [{storage: s, at: start}]}\n"), Contains("expected 'end' or 'free'"));
}

TEST_CASE(
    "an expression whose value leaves int64 is an error naming file, line and key, never a wrapped count") {
  using Catch::Matchers::Contains;
  const auto isa = acv::test::make_isa({{"x", {}}});
  const Program p = acv::test::program(isa, {acv::test::instr(0, {})});
  const auto with_latency = [](const std::string& latency) {
    return "params: {R: 3, H: 9223372036854775807}\nunits: {a: {}}\ninstructions:\n  x:\n    unit: a\n    latency: \"" +
           latency + "\"\n";
  };
  CHECK(acv::test::run(with_latency("R"), p).cycles == acv::test::run(with_latency("0 + R"), p).cycles);
  // A step's expressions of a name and a constant, or two names, are read in place (FastExpr): the same
  // values, the same errors.
  for (const auto& [fast, value] : std::vector<std::pair<std::string, int64_t>>{
           {"R + 2", 5}, {"R - 1", 2}, {"R + R", 6}, {"R > 2", 1}, {"R < 3", 0}, {"R == 3", 1}, {"!R", 0}}) {
    INFO(fast);
    CHECK(acv::test::run(with_latency(fast), p).cycles == value);
  }
  // 2^32 * 2^32 wrapped to 0 before, so this gave the cycles of "R".
  for (const char* bad : {"4294967296 * 4294967296 + R", "9223372036854775807 + R",
                          "-9223372036854775807 - R", "(0 - 9223372036854775807 - 1) / -1",
                          "-(0 - 9223372036854775807 - 1)", "abs(0 - 9223372036854775807 - 1)",
                          "R + 9223372036854775807", "H + R"}) {
    INFO(bad);
    try {
      (void)acv::test::run(with_latency(bad), p);
      FAIL("no error");
    } catch (const InputError& e) {
      CHECK_THAT(e.what(), Contains("test.yaml:6: instructions.x.latency:") && Contains("integer overflow"));
    }
  }
}

TEST_CASE("unknowns give a param's search domain: a range or a sorted set, errors named", "[description]") {
  const std::string base = "params: {A: 3, B: a + 1}\nunits:\n  u: {}\ninstructions:\n  op: {unit: u}\n";
  auto d = parse_arch_description(base + "unknowns:\n  A: {min: 1, max: 9}\n  B: {values: [8, 2, 4, 2]}\n", "u.yaml");
  REQUIRE(d->unknowns.size() == 2);
  CHECK(d->find_unknown("A")->param == 0);
  CHECK(d->find_unknown("A")->min == 1);
  CHECK(d->find_unknown("A")->max == 9);
  CHECK(d->find_unknown("B")->values == std::vector<int64_t>{2, 4, 8});
  CHECK(d->find_unknown("C") == nullptr);
  CHECK_THROWS_WITH(parse_arch_description(base + "unknowns:\n  C: {min: 1, max: 2}\n", "u.yaml"),
                    Catch::Contains("u.yaml:7: unknowns.C: no params entry named 'C'"));
  CHECK_THROWS_WITH(parse_arch_description(base + "unknowns:\n  A: {min: 5, max: 2}\n", "u.yaml"),
                    Catch::Contains("u.yaml:7: unknowns.A.max: is below min (5)"));
  CHECK_THROWS_WITH(parse_arch_description(base + "unknowns:\n  A: {min: 1}\n", "u.yaml"),
                    Catch::Contains("needs min and max"));
  CHECK_THROWS_WITH(parse_arch_description(base + "unknowns:\n  A: {values: []}\n", "u.yaml"),
                    Catch::Contains("needs at least one value"));
  CHECK_THROWS_WITH(parse_arch_description(base + "unknowns:\n  A: {values: [1], min: 1}\n", "u.yaml"),
                    Catch::Contains("either min and max or values"));
  // The estimator itself uses the param's expression: an unknowns entry changes no value.
  CHECK(d->params[0].value.eval(EvalContext{}) == 3);
}

TEST_CASE("with_param_values replaces params by constants, leaving the original as it was", "[description]") {
  auto d = parse_arch_description("params: {A: 3, B: A * 2}\nunits:\n  u: {}\ninstructions:\n  op: {unit: u}\n", "p.yaml");
  auto e = with_param_values(*d, {{0, 10}});
  CHECK(e->params[0].value.eval(EvalContext{}) == 10);
  CHECK(d->params[0].value.eval(EvalContext{}) == 3);
  CHECK(e->params[1].value.text() == "A * 2");
}

TEST_CASE("a memory's priority names units, each once; anything else is an error at its line", "[description]") {
  const std::string base = "stages:\n  d: {}\nunits:\n  ld: {}\n  st: {}\ninstructions:\n  op: {unit: ld}\nmemory:\n  dram: ";
  const auto d = parse_arch_description(base + "{latency: 1, bytes_per_cycle: 1, priority: [st, ld]}\n", "p.yaml");
  REQUIRE(d->memories.size() == 1);
  const auto object = [&](const std::string& name) {
    for (std::size_t o = 0; o < d->objects.size(); ++o)
      if (d->objects[o].name == name) return static_cast<int>(o);
    return -1;
  };
  CHECK(d->memories[0].priority == std::vector<int>{object("st"), object("ld")});
  CHECK_THROWS_WITH(parse_arch_description(base + "{latency: 1, bytes_per_cycle: 1, priority: [st, d]}\n", "p.yaml"),
                    Catch::Contains("p.yaml:9") && Catch::Contains("'d' is not a unit"));
  CHECK_THROWS_WITH(parse_arch_description(base + "{latency: 1, bytes_per_cycle: 1, priority: [st, st]}\n", "p.yaml"),
                    Catch::Contains("p.yaml:9") && Catch::Contains("unit 'st' listed twice"));
  CHECK_THROWS_WITH(parse_arch_description(base + "{latency: 1, bytes_per_cycle: 1, priority: st}\n", "p.yaml"),
                    Catch::Contains("p.yaml:9"));
}

TEST_CASE("a step's hold names another unit; anything else is an error at its line", "[description]") {
  const std::string base = "stages:\n  d: {}\nunits:\n  a: {from: d}\n  pool: {instances: 2}\ninstructions:\n  op:\n    steps:\n      - ";
  const auto d = parse_arch_description(base + "{unit: a, hold: pool}\n", "h.yaml");
  CHECK(d->classes[0].steps[0].hold >= 0);
  CHECK(d->objects[static_cast<std::size_t>(d->classes[0].steps[0].hold)].name == "pool");
  CHECK_THROWS_WITH(parse_arch_description(base + "{unit: a, hold: nope}\n", "h.yaml"),
                    Catch::Contains("h.yaml:9") && Catch::Contains("unknown unit 'nope'"));
  CHECK_THROWS_WITH(parse_arch_description(base + "{unit: a, hold: d}\n", "h.yaml"),
                    Catch::Contains("h.yaml:9") && Catch::Contains("'d' is a stage or queue"));
  CHECK_THROWS_WITH(parse_arch_description(base + "{unit: a, hold: a}\n", "h.yaml"),
                    Catch::Contains("h.yaml:9") && Catch::Contains("cannot hold its own unit"));
}
