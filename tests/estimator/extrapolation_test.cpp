// Loop-kernel extrapolation must equal full evaluation exactly.
#include <catch2/catch.hpp>

#include <random>
#include <utility>

#include "test_helpers.h"

using namespace acv;
using namespace acv::test;

namespace {

// A decoupled load / compute / store machine with double-buffered storage, an external memory
// and a unit that is only sometimes used (flags) — every mechanism the evaluator has.
const char* kMachine = R"(
params:
  QD: qd
  FILL: fill
stages:
  dispatch: {latency: 1}
queues:
  lq: {from: dispatch, capacity: QD, release: end, release_delay: 1}
  xq: {from: dispatch, capacity: QD}
  sq: {from: dispatch, capacity: 2}
units:
  loader: {from: lq, latency: 1}
  array: {from: xq, latency: 1}
  storer: {from: sq, latency: 1}
storage:
  in: {locations: 3, latency: 1}
  acc: {locations: 2}
  spad: {locations: 0, banks: 2, read_ports: 1, write_ports: 1}
memory:
  dram: {latency: 7, bytes_per_cycle: 4, max_outstanding: 3, release_delay: 1}
instructions:
  ld:
    fields: [buf, rows, bytes, addr]
    unit: loader
    writes: ["in[buf]", "spad[addr, 2] if rows > 2"]
    memory: {requests: rows, bytes: bytes}
    latency: mem_done + 1
  mac:
    fields: [a, o, k, first, last]
    macs: k * 4
    steps:
      - unit: array
        latency: k + FILL + first
        reads: ["in[a]", {storage: spad, index: a, cycles: 2}]
      - unit: array
        when: last
        latency: FILL
        writes: ["acc[o]"]
  st:
    fields: [o, rows]
    unit: storer
    reads: ["acc[o]"]
    memory: {requests: rows, bytes: 8, start: 1}
    latency: "rows == 0 ? 1 : mem_issued + 1"
)";

std::shared_ptr<const IsaSpec> machine_isa() {
  return make_isa({{"ld", {"buf", "rows", "bytes", "addr", "unused"}},
                   {"mac", {"a", "o", "k", "first", "last"}},
                   {"st", {"o", "rows"}}});
}

// A random operand over the enclosing loops: constants, affine, modulo, clamps (ragged tiles, flags).
Expr random_operand(std::mt19937_64& rng, int depth, int64_t lo, int64_t hi) {
  std::uniform_int_distribution<int> kind(0, 6);
  std::uniform_int_distribution<int64_t> val(lo, hi);
  const int d = depth > 0 ? std::uniform_int_distribution<int>(1, depth)(rng) : 0;
  switch (depth > 0 ? kind(rng) : 0) {
    case 0: return Expr(val(rng));
    case 1: return (idx(d) * std::uniform_int_distribution<int64_t>(1, 3)(rng) + Expr(lo)) % (hi - lo + 1);
    case 2: return max(Expr(1) - idx(d), 0);                                             // first-iteration flag
    case 3: return clamp(Expr(hi + 3) - idx(d, 2), lo, hi);                              // ragged last tile
    case 4: return clamp(idx(d) + idx(std::uniform_int_distribution<int>(1, depth)(rng)) - Expr(2), lo, hi);
    case 5: return (idx(d) + Expr(val(rng))) % 2;
    default: return clamp(idx(d) * 3 - Expr(5), lo, hi);
  }
}

std::vector<Statement> random_body(std::mt19937_64& rng, int depth, int max_depth, int* budget) {
  std::vector<Statement> body;
  const int n = std::uniform_int_distribution<int>(1, 4)(rng);
  for (int i = 0; i < n && *budget > 0; ++i) {
    --*budget;
    const int what = std::uniform_int_distribution<int>(0, 4)(rng);
    if (what == 0 && depth < max_depth) {
      const int64_t trips = std::uniform_int_distribution<int64_t>(1, 40)(rng);
      body.push_back(loop("L" + std::to_string(depth + 1), trips, random_body(rng, depth + 1, max_depth, budget)));
    } else if (what <= 2) {
      body.push_back(instr(0, {random_operand(rng, depth, 0, 2), random_operand(rng, depth, 0, 4),
                               random_operand(rng, depth, 1, 16), random_operand(rng, depth, 0, 5),
                               idx(std::max(depth, 1)) * 1000}));
    } else if (what == 3) {
      body.push_back(instr(1, {random_operand(rng, depth, 0, 2), random_operand(rng, depth, 0, 1),
                               random_operand(rng, depth, 1, 9), random_operand(rng, depth, 0, 1),
                               random_operand(rng, depth, 0, 1)}));
    } else {
      body.push_back(instr(2, {random_operand(rng, depth, 0, 1), random_operand(rng, depth, 0, 4)}));
    }
  }
  return body;
}

}  // namespace

TEST_CASE("extrapolation equals full evaluation on random loop nests with mod and clamp operands") {
  const auto desc = parse_arch_description(kMachine, "machine.yaml");
  std::mt19937_64 rng(12345);
  int64_t evaluated = 0, represented = 0;
  for (int trial = 0; trial < 300; ++trial) {
    int budget = 14;
    const int max_depth = std::uniform_int_distribution<int>(1, 4)(rng);
    // The outermost statements sit at depth 0 (top); loops nest from depth 1.
    Program p = program(machine_isa(), random_body(rng, 0, max_depth, &budget));
    const std::map<std::string, int64_t> params = {{"qd", std::uniform_int_distribution<int64_t>(1, 4)(rng)},
                                                   {"fill", std::uniform_int_distribution<int64_t>(0, 5)(rng)}};
    const BoundArch arch = bind_arch(desc, params, p);
    EstimateOptions full;
    full.full = true;
    const Estimate a = estimate(arch, p, full);
    const Estimate b = estimate(arch, p, EstimateOptions{});
    INFO("trial " << trial << "\n" << p.to_text());
    REQUIRE(a.cycles == b.cycles);
    REQUIRE(a.busy == b.busy);
    CHECK(a.evaluated_instructions == p.instruction_count());
    CHECK(b.represented_instructions == p.instruction_count());
    CHECK(b.evaluated_instructions <= a.evaluated_instructions);
    evaluated += b.evaluated_instructions;
    represented += b.represented_instructions;
  }
  CHECK(evaluated < represented);
}

TEST_CASE("extrapolation of a double-buffered kernel evaluates a few iterations of a million") {
  const auto desc = parse_arch_description(kMachine, "machine.yaml");
  const auto isa = machine_isa();
  // for m: for k: ld buf=k%2; mac a=k%2 first=(k==0) last=(k==K-1); st after k
  const int64_t K = 1000;
  Program p = program(isa, {loop("m", 1000, {loop("k", K, {
                                                 instr(0, {idx(2) % 2, Expr(4), Expr(8), Expr(0), Expr(0)}),
                                                 instr(1, {idx(2) % 2, idx(1) % 2, Expr(16), max(Expr(1) - idx(2), 0),
                                                           max(idx(2) - Expr(K - 2), 0)}),
                                             }),
                                             instr(2, {idx(1) % 2, Expr(4)})})});
  const BoundArch arch = bind_arch(desc, {{"qd", 2}, {"fill", 3}}, p);
  const Estimate b = estimate(arch, p, EstimateOptions{});
  CHECK(b.represented_instructions == 1000 * (2 * K + 1));
  CHECK(b.evaluated_instructions < 500);
  // The same nest with 3 m-iterations, checked in full: the extrapolated figure scales exactly.
  Program small = p;
  small.top.body[0].loop = std::make_shared<Loop>(*p.top.body[0].loop);
  small.top.body[0].loop->trips = 7;
  EstimateOptions full;
  full.full = true;
  CHECK(estimate(arch, small, full).cycles == estimate(arch, small, EstimateOptions{}).cycles);
}

namespace {

// The plain look-ahead in full is the reference; the shortcut look-aheads, in full and extrapolated,
// must give its cycles and busy counters. Returns {reference, shortcut in full}.
std::pair<Estimate, Estimate> require_shortcuts_match(const BoundArch& arch, const Program& p) {
  EstimateOptions full, plain_full;
  full.full = true;
  plain_full.full = plain_full.plain_look_ahead = true;
  Estimate reference = estimate(arch, p, plain_full);
  Estimate shortcut = estimate(arch, p, full);
  REQUIRE(shortcut.cycles == reference.cycles);
  REQUIRE(shortcut.busy == reference.busy);
  const Estimate extrapolated = estimate(arch, p, EstimateOptions{});
  REQUIRE(extrapolated.cycles == reference.cycles);
  REQUIRE(extrapolated.busy == reference.busy);
  return {std::move(reference), std::move(shortcut)};
}

}  // namespace

TEST_CASE("the look-ahead's shortcuts give the plain look-ahead's cycles on random nests where it matters") {
  // kMachine with loads and stores that run ahead of each other on the shared port.
  std::string text = kMachine;
  const std::string dram = "latency: 7, bytes_per_cycle: 4, max_outstanding: 3, release_delay: 1}";
  text.replace(text.find(dram), dram.size(), "latency: LAT, bytes_per_cycle: 4, max_outstanding: MO, release_delay: 1, lookahead: LA}");
  text.replace(text.find("params:\n"), 8, "params:\n  LA: lookahead\n  LAT: latency\n  MO: outstanding\n");
  // A carried operand the look-ahead's instructions latch too.
  const std::string mac = "fields: [a, o, k, first, last]\n";
  text.replace(text.find(mac), mac.size(), mac + "    carried: {lr: ld.rows}\n");
  const std::string feed = "latency: k + FILL + first\n";
  text.replace(text.find(feed), feed.size(), "latency: k + FILL + first + lr % 3\n");
  const auto desc = parse_arch_description(text, "machine.yaml");
  std::mt19937_64 rng(777);
  int mattered = 0, trials = 0;
  for (int trial = 0; trial < 1000; ++trial) {
    int budget = 12;
    const int max_depth = std::uniform_int_distribution<int>(1, 3)(rng);
    Program p = program(machine_isa(), random_body(rng, 0, max_depth, &budget));
    if (p.instruction_count() > 200000) continue;
    const int64_t qd = std::uniform_int_distribution<int64_t>(1, 4)(rng);
    const int64_t fill = std::uniform_int_distribution<int64_t>(0, 5)(rng);
    const int64_t la = std::uniform_int_distribution<int64_t>(1, 12)(rng);
    const int64_t lat = std::uniform_int_distribution<int64_t>(1, 30)(rng);
    const int64_t mo = std::uniform_int_distribution<int64_t>(1, 6)(rng);
    const auto params = [&](int64_t lookahead) {
      return std::map<std::string, int64_t>{
          {"qd", qd}, {"fill", fill}, {"lookahead", lookahead}, {"latency", lat}, {"outstanding", mo}};
    };
    const BoundArch arch = bind_arch(desc, params(la), p);
    const BoundArch off = bind_arch(desc, params(0), p);
    INFO("trial " << trial << " qd " << qd << " fill " << fill << " lookahead " << la << " latency " << lat
                   << " outstanding " << mo << "\n" << p.to_text());
    const Estimate reference = require_shortcuts_match(arch, p).first;
    EstimateOptions full, plain;
    full.full = true;
    plain.plain_look_ahead = true;
    CHECK(estimate(arch, p, plain).cycles == reference.cycles);
    ++trials;
    mattered += estimate(off, p, full).cycles != reference.cycles ? 1 : 0;
  }
  // The nests exercise the look-ahead: it changes the cycles of many.
  CHECK(trials > 900);
  CHECK(mattered > trials / 20);
  INFO(mattered << " of " << trials);
}

TEST_CASE("an instruction placed among later streams as before its look-ahead is not looked ahead of again, with the same cycles") {
  // The random nests above with a unit that has priority on the port: a store (or load) placed
  // among the later ones' requests may keep its cycles, or move and move them. Skipping the next
  // look-ahead only when its requests stayed must give the plain look-ahead's cycles.
  std::mt19937_64 rng(4242);
  int64_t skipped = 0, trials = 0;
  for (const char* priority : {", priority: [storer, loader]", ", priority: [loader, storer]", ""}) {
    std::string text = kMachine;
    const std::string dram = "latency: 7, bytes_per_cycle: 4, max_outstanding: 3, release_delay: 1}";
    text.replace(text.find(dram), dram.size(),
                 std::string("latency: LAT, bytes_per_cycle: 4, max_outstanding: MO, release_delay: 1, lookahead: LA") +
                     priority + "}");
    text.replace(text.find("params:\n"), 8, "params:\n  LA: lookahead\n  LAT: latency\n  MO: outstanding\n");
    text.replace(text.find("bytes: 8, start: 1}"), 19, "bytes: 4 + 4 * (rows % 3), start: 1}");
    const auto desc = parse_arch_description(text, "machine.yaml");
    for (int trial = 0; trial < 400; ++trial) {
      int budget = 12;
      const int max_depth = std::uniform_int_distribution<int>(1, 3)(rng);
      Program p = program(machine_isa(), random_body(rng, 0, max_depth, &budget));
      if (p.instruction_count() > 200000) continue;
      const std::map<std::string, int64_t> params = {{"qd", std::uniform_int_distribution<int64_t>(1, 4)(rng)},
                                                     {"fill", std::uniform_int_distribution<int64_t>(0, 5)(rng)},
                                                     {"lookahead", std::uniform_int_distribution<int64_t>(1, 12)(rng)},
                                                     {"latency", std::uniform_int_distribution<int64_t>(1, 30)(rng)},
                                                     {"outstanding", std::uniform_int_distribution<int64_t>(1, 8)(rng)}};
      const BoundArch arch = bind_arch(desc, params, p);
      INFO("priority '" << priority << "' trial " << trial << "\n" << p.to_text());
      const auto [reference, shortcut] = require_shortcuts_match(arch, p);
      skipped += reference.look_ahead_instructions - shortcut.look_ahead_instructions;
      ++trials;
    }
  }
  CHECK(trials > 1000);
  CHECK(skipped > 0);
}

namespace {
// kMachine with its shared port looked ahead of `lookahead` instructions.
std::shared_ptr<const ArchDescription> machine_with_lookahead(int lookahead) {
  std::string text = kMachine;
  const std::string dram = "max_outstanding: 3, release_delay: 1}";
  text.replace(text.find(dram), dram.size(),
               "max_outstanding: 3, release_delay: 1, lookahead: " + std::to_string(lookahead) + "}");
  return parse_arch_description(text, "machine.yaml");
}
}  // namespace

TEST_CASE("a look-ahead whose window has no competing memory step is not evaluated, with the same cycles") {
  // kMachine's port shared by loads and stores, looked ahead of; the store unit is idle, so every
  // long load's look-ahead could meet a store.
  const auto desc = machine_with_lookahead(16);
  const auto ld = [](int64_t rows) { return instr(0, {Expr(0), Expr(rows), Expr(4), Expr(0), Expr(0)}); };
  const auto mac = instr(1, {Expr(0), Expr(0), Expr(3), Expr(0), Expr(0)});
  const auto st = instr(2, {Expr(0), Expr(6)});
  for (const bool store_in_window : {false, true}) {
    // Loads of 40 requests among computes; a store right after each load, or only after the nest
    // and 20 more computes (out of the loads' windows).
    std::vector<Statement> body = {ld(40)};
    if (store_in_window) body.push_back(st);
    for (int k = 0; k < 6; ++k) body.push_back(mac);
    const Program p = program(machine_isa(), {loop("L1", 30, body), loop("L2", 20, {mac}), st});
    const BoundArch arch = bind_arch(desc, {{"qd", 2}, {"fill", 1}}, p);
    for (const bool full : {true, false}) {
      EstimateOptions shortcut, plain;
      shortcut.full = plain.full = full;
      plain.plain_look_ahead = true;
      const Estimate a = estimate(arch, p, shortcut), b = estimate(arch, p, plain);
      INFO("store in the window " << store_in_window << ", full " << full);
      REQUIRE(a.cycles == b.cycles);
      REQUIRE(a.busy == b.busy);
      CHECK(b.look_ahead_instructions > 0);
      // Only a store in the window can place a request among a load's: nothing to evaluate ahead
      // without one; with one, the look-ahead runs.
      if (store_in_window) CHECK(a.look_ahead_instructions > 0);
      else CHECK(a.look_ahead_instructions == 0);
    }
  }
}

TEST_CASE("a look-ahead whose window's stores wait on the load through storage is not evaluated, with the same cycles") {
  // Each load's window holds a store on the idle store unit: by its unit it could request before
  // the load's last acceptance, but it reads acc[0], which the compute writes after reading in[0],
  // which the load writes at its end. The scan's lower bounds (RAW through the scanned writes) rule
  // it out. A store that reads another accumulator (no such chain) is still looked ahead to.
  const auto desc = machine_with_lookahead(8);
  const auto ld = instr(0, {Expr(0), Expr(40), Expr(4), Expr(0), Expr(0)});
  const auto mac_last = instr(1, {Expr(0), Expr(0), Expr(3), Expr(0), Expr(1)});
  const auto mac = instr(1, {Expr(1), Expr(1), Expr(3), Expr(0), Expr(0)});
  for (const int64_t store_reads : {0, 1}) {
    // The store reads acc[0] (written by the compute after the load) or acc[1] (written before
    // the loop); 12 computes after it keep the next load out of the store's window.
    std::vector<Statement> body = {ld, mac_last, instr(2, {Expr(store_reads), Expr(1)})};
    for (int k = 0; k < 12; ++k) body.push_back(mac);
    const Program p = program(machine_isa(), {loop("L1", 30, body)});
    const BoundArch arch = bind_arch(desc, {{"qd", 2}, {"fill", 1}}, p);
    for (const bool full : {true, false}) {
      EstimateOptions shortcut, plain;
      shortcut.full = plain.full = full;
      plain.plain_look_ahead = true;
      const Estimate a = estimate(arch, p, shortcut), b = estimate(arch, p, plain);
      INFO("store reads acc[" << store_reads << "], full " << full);
      REQUIRE(a.cycles == b.cycles);
      REQUIRE(a.busy == b.busy);
      CHECK(b.look_ahead_instructions > 0);
      if (store_reads == 0) CHECK(a.look_ahead_instructions == 0);
      else CHECK(a.look_ahead_instructions > 0);
    }
  }
}

TEST_CASE("a look-ahead ends where the rest of its window has no competing step, with the same cycles") {
  // Each long load's window holds a store right after it and a second one `gap` computes later
  // (stores first on the port, so both win cycles from the load). The look-ahead runs on past the
  // first store while the decoder is still before the load's last acceptance, and scans the rest
  // of its window again once 6 instructions have run: it must still meet the second store wherever
  // it is (a scan starting one instruction late, or stopping at any scan, changes the cycles), and
  // stop once nothing is left to meet (without the scans it runs as far as the plain look-ahead).
  std::string text = kMachine;
  const std::string dram = "max_outstanding: 3, release_delay: 1}";
  text.replace(text.find(dram), dram.size(), "max_outstanding: 3, release_delay: 1, lookahead: 32, priority: [storer, loader]}");
  const auto desc = parse_arch_description(text, "machine.yaml");
  const auto ld = instr(0, {Expr(0), Expr(40), Expr(4), Expr(0), Expr(0)});
  const auto mac = instr(1, {Expr(2), Expr(1), Expr(3), Expr(0), Expr(0)});  // reads no row the load writes
  const auto st = instr(2, {Expr(1), Expr(2)});
  int64_t ran = 0, plain_ran = 0;
  for (int gap = 0; gap < 20; ++gap) {
    std::vector<Statement> body = {ld, st};
    for (int k = 0; k < gap; ++k) body.push_back(mac);
    body.push_back(st);
    for (int k = gap; k < 30; ++k) body.push_back(mac);
    const Program p = program(machine_isa(), {loop("L1", 6, body)});
    const BoundArch arch = bind_arch(desc, {{"qd", 2}, {"fill", 1}}, p);
    for (const bool full : {true, false}) {
      EstimateOptions shortcut, plain;
      shortcut.full = plain.full = full;
      plain.plain_look_ahead = true;
      const Estimate a = estimate(arch, p, shortcut), b = estimate(arch, p, plain);
      INFO("gap " << gap << ", full " << full);
      REQUIRE(a.cycles == b.cycles);
      REQUIRE(a.busy == b.busy);
      ran += a.look_ahead_instructions, plain_ran += b.look_ahead_instructions;
    }
  }
  INFO(ran << " of " << plain_ran << " instructions looked ahead");
  CHECK(ran < plain_ran * 2 / 3);
}

TEST_CASE("a loop whose look-aheads reach past its end is taken from the memo when the same instructions follow it") {
  // B's loads look ahead to the store after B. Its exit depends on that store, so B is memoized
  // with the instructions after it in its key. No loop here is long enough to extrapolate: fewer
  // evaluated than represented instructions means B was taken from the memo.
  const auto desc = machine_with_lookahead(4);
  const auto ld = instr(0, {Expr(0), Expr(6), Expr(4), Expr(0), Expr(0)});
  const auto mac = instr(1, {Expr(0), Expr(0), Expr(2), Expr(0), Expr(1)});
  for (const int64_t store_rows : {1, 3}) {
    // B is entered 8 times, each time after computes that drain the pipeline; every loop ends with
    // the store, whose look-ahead (or window scan) reaches past the loop's end.
    std::vector<Statement> body;
    for (int k = 0; k < 6; ++k) body.push_back(instr(1, {Expr(1), Expr(1), Expr(9), Expr(0), Expr(0)}));
    body.push_back(loop("B", 3, {ld, mac}));
    body.push_back(instr(2, {Expr(1), Expr(store_rows)}));
    const Program p = program(machine_isa(), {loop("O", 2, {loop("P", 2, {loop("Q", 2, body)})})});
    const BoundArch arch = bind_arch(desc, {{"qd", 2}, {"fill", 1}}, p);
    EstimateOptions full, plain;
    full.full = true;
    plain.plain_look_ahead = plain.full = true;
    const Estimate e = estimate(arch, p, EstimateOptions{});
    INFO("store rows " << store_rows);
    CHECK(e.cycles == estimate(arch, p, full).cycles);
    CHECK(e.cycles == estimate(arch, p, plain).cycles);
    CHECK(e.busy == estimate(arch, p, full).busy);
    CHECK(e.look_ahead_instructions > 0);
    CHECK(e.evaluated_instructions < e.represented_instructions);
  }
}

TEST_CASE("the window scan decides on the steps an operand's current value selects: a store whose requests a flag turns on") {
  // The scan keeps per opcode and values of the fields its `when`s read which steps run: every
  // other store here places requests (on = i % 2), and a load's look-ahead has to meet those.
  const auto isa = make_isa({{"ld", {"rows"}}, {"mac", {"k"}}, {"st", {"rows", "on"}}});
  const auto desc = parse_arch_description(R"(
stages:
  dispatch: {latency: 1}
queues:
  lq: {from: dispatch, capacity: 2, release: end, release_delay: 1}
  xq: {from: dispatch, capacity: 2}
  sq: {from: dispatch, capacity: 2}
units:
  loader: {from: lq, latency: 1}
  array: {from: xq, latency: 1}
  storer: {from: sq, latency: 1}
memory:
  dram: {latency: 7, bytes_per_cycle: 4, max_outstanding: 3, release_delay: 1, lookahead: 16}
instructions:
  ld: {fields: [rows], unit: loader, memory: {requests: rows, bytes: 4}, latency: mem_done + 1}
  mac: {fields: [k], unit: array, latency: k}
  st:
    fields: [rows, on]
    steps:
      - {unit: storer, when: "on == 1", memory: {requests: rows, bytes: 8, start: 1}, latency: mem_issued + 1}
      - {unit: storer, when: "on != 1", latency: 1}
)", "flag.yaml");
  std::vector<Statement> body = {instr(0, {Expr(40)}), instr(2, {Expr(6), idx(1) % 2})};
  for (int k = 0; k < 6; ++k) body.push_back(instr(1, {Expr(3)}));
  const Program p = program(isa, {loop("L", 20, body)});
  const BoundArch arch = bind_arch(desc, {}, p);
  for (const bool full : {true, false}) {
    EstimateOptions shortcut, plain;
    shortcut.full = plain.full = full;
    plain.plain_look_ahead = true;
    const Estimate a = estimate(arch, p, shortcut), b = estimate(arch, p, plain);
    INFO("full " << full);
    REQUIRE(a.cycles == b.cycles);
    REQUIRE(a.busy == b.busy);
    // The loads before a store with requests are looked ahead of, the others not.
    CHECK(a.look_ahead_instructions > 0);
    CHECK(a.look_ahead_instructions < b.look_ahead_instructions);
  }
}

TEST_CASE("the window scan steps through loops of instructions that select the same steps, with the same cycles") {
  // Runs of loads, then computes, then a store: no `when`s, so once a loop's statements were
  // scanned the scan replays them, and once the load queue's entries are no longer known it passes
  // whole iterations at once. The store meets a load's requests or not by the runs' lengths; a
  // scan whose bounds grow one iteration too far skips look-aheads that meet it.
  const auto isa = make_isa({{"ld", {"rows"}}, {"mac", {"k"}}, {"st", {"rows"}}});
  const auto desc = parse_arch_description(R"(
params:
  QD: qd
stages:
  dispatch: {latency: 1}
queues:
  lq: {from: dispatch, capacity: QD, release: end, release_delay: 1}
  xq: {from: dispatch, capacity: QD}
  sq: {from: dispatch, capacity: 2}
units:
  loader: {from: lq, latency: 1}
  array: {from: xq, latency: 1}
  storer: {from: sq, latency: 1}
memory:
  dram: {latency: 7, bytes_per_cycle: 4, max_outstanding: 3, release_delay: 1, lookahead: 48, priority: [storer, loader]}
instructions:
  ld: {fields: [rows], unit: loader, memory: {requests: rows, bytes: 4}, latency: mem_done + 1}
  mac: {fields: [k], unit: array, latency: k}
  st: {fields: [rows], unit: storer, memory: {requests: rows, bytes: 8, start: 1}, latency: mem_issued + 1}
)", "runs.yaml");
  int64_t ran = 0, plain_ran = 0;
  for (int64_t qd = 1; qd <= 3; ++qd)
    for (int64_t rows : {4, 10, 20})
    for (int64_t loads = 1; loads <= 10; ++loads)
      for (int64_t macs = 0; macs <= 24; ++macs) {
        const std::vector<Statement> body = {loop("L2", loads, {instr(0, {Expr(rows)})}),
                                             loop("L3", macs, {instr(1, {Expr(2)}), instr(1, {Expr(1)})}),
                                             instr(2, {Expr(6)})};
        const Program p = program(isa, {loop("L1", 4, body)});
        const BoundArch arch = bind_arch(desc, {{"qd", qd}}, p);
        for (const bool full : {true, false}) {
          EstimateOptions shortcut, plain;
          shortcut.full = plain.full = full;
          plain.plain_look_ahead = true;
          const Estimate a = estimate(arch, p, shortcut), b = estimate(arch, p, plain);
          INFO("qd " << qd << ", rows " << rows << ", loads " << loads << ", macs " << macs << ", full " << full);
          REQUIRE(a.cycles == b.cycles);
          REQUIRE(a.busy == b.busy);
          ran += a.look_ahead_instructions, plain_ran += b.look_ahead_instructions;
        }
      }
  INFO(ran << " of " << plain_ran << " instructions looked ahead");
  CHECK(ran > 0);
  CHECK(ran < plain_ran);
}
