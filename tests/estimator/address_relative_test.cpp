// Address-relative extrapolation: loops that stride through unbounded storage (scratchpad rows by
// address) repeat up to a shift of addresses, and extrapolating them must equal full evaluation.
#include <catch2/catch.hpp>

#include <random>

#include "test_helpers.h"

using namespace acv;
using namespace acv::test;

namespace {

// Load / compute / store around a scratchpad and an accumulator addressed by row, dependency
// tracked (RAW, WAR, WAW), one shared memory port, and carried accumulator addresses (as a decoder
// register): the shapes of a Gemmini-like machine, sizes made up.
const char* kStrider = R"(
params:
  QD: qd
  LAT: lat
stages:
  dispatch: {latency: 1}
queues:
  lq: {from: dispatch, capacity: QD, release: end, release_delay: 1}
  xq: {from: dispatch, capacity: QD, release: start, release_delay: 2}
  sq: {from: dispatch, capacity: 2, release: end, release_delay: 1}
units:
  regs: {from: dispatch, latency: 0}
  loader: {from: lq}
  array: {from: xq}
  storer: {from: sq}
storage:
  sp: {locations: 0, hazards: [raw, war, waw]}
  acc: {locations: 0, hazards: [raw, war]}
memory:
  dram: {latency: LAT, bytes_per_cycle: 4, max_outstanding: 3, release_delay: 1}
instructions:
  mvin:
    fields: [addr, rows]
    unit: loader
    writes: ["sp[addr, rows]"]
    memory: {requests: rows, bytes: 8, start: 1}
    latency: mem_done + 1
  pre:
    unit: regs
  mac:
    fields: [a, b, k]
    carried: {c: pre.c, n: pre.n}
    steps:
      - unit: array
        latency: k + 2
        reads: ["sp[a, k]", "sp[b, k]"]
        writes: ["acc[c, n]"]
  mvout:
    fields: [c, rows]
    unit: storer
    reads: ["acc[c, rows]"]
    memory: {requests: rows, bytes: 4, start: 2, interval: 2}
    latency: mem_done + 1
  # One address, rows of either storage by a flag.
  mvboth:
    fields: [addr, to_acc, rows]
    unit: loader
    reads: ["acc[addr, rows] if to_acc"]
    writes: ["sp[addr, rows] if !to_acc", "acc[addr, rows] if to_acc"]
    memory: {requests: rows, bytes: "to_acc ? 16 : 4", start: 1}
    latency: mem_done + 1
)";

std::shared_ptr<const IsaSpec> strider_isa() {
  return make_isa({{"mvin", {"addr", "rows"}},
                   {"pre", {"c", "n"}},
                   {"mac", {"a", "b", "k"}},
                   {"mvout", {"c", "rows"}},
                   {"mvboth", {"addr", "to_acc", "rows"}}});
}

// An address over the enclosing loops: a base plus strides of some of them, sometimes modulo a
// window (double buffers; small windows wrap inside a loop, large ones do not).
Expr random_address(std::mt19937_64& rng, int depth, bool wraps) {
  std::uniform_int_distribution<int64_t> base(0, 64);
  Expr e(base(rng));
  for (int d = 1; d <= depth; ++d) {
    const int pick = std::uniform_int_distribution<int>(0, 4)(rng);
    if (pick == 0) continue;
    const int64_t stride = pick == 1 ? 1 : pick == 2 ? 4 : pick == 3 ? 16 : 100;
    e = e + idx(d, stride);
  }
  switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
    case 0: return e % 4096;
    case 1: return wraps ? e % 96 : e % 65536;
    default: return e;
  }
}

Expr random_count(std::mt19937_64& rng, int depth) {
  if (depth > 0 && std::uniform_int_distribution<int>(0, 3)(rng) == 0)
    return clamp(Expr(13) - idx(std::uniform_int_distribution<int>(1, depth)(rng), 3), 1, 4);  // ragged
  return Expr(std::uniform_int_distribution<int64_t>(1, 4)(rng));
}

// `wraps`: small modulo windows that wrap inside loops; else long loops that mostly stride.
std::vector<Statement> random_body(std::mt19937_64& rng, int depth, int max_depth, int* budget, bool wraps) {
  std::vector<Statement> body;
  const int n = std::uniform_int_distribution<int>(1, 4)(rng);
  for (int i = 0; i < n && *budget > 0; ++i) {
    --*budget;
    const int what = std::uniform_int_distribution<int>(0, 5)(rng);
    if (what == 0 && depth < max_depth) {
      const int64_t trips = std::uniform_int_distribution<int64_t>(1, wraps ? 30 : 90)(rng);
      body.push_back(loop("L" + std::to_string(depth + 1), trips, random_body(rng, depth + 1, max_depth, budget, wraps)));
    } else if (what == 1) {
      body.push_back(instr(0, {random_address(rng, depth, wraps), random_count(rng, depth)}));
    } else if (what == 2 || what == 3) {
      if (what == 2) body.push_back(instr(1, {random_address(rng, depth, wraps), random_count(rng, depth)}));
      body.push_back(instr(2, {random_address(rng, depth, wraps), random_address(rng, depth, wraps), random_count(rng, depth)}));
    } else if (what == 4) {
      body.push_back(instr(3, {random_address(rng, depth, wraps), random_count(rng, depth)}));
      if (std::uniform_int_distribution<int>(0, 1)(rng) == 0) {
        const Expr flag = depth > 0 ? (idx(std::uniform_int_distribution<int>(1, depth)(rng)) % 2) : Expr(1);
        body.push_back(instr(4, {random_address(rng, depth, wraps), flag, random_count(rng, depth)}));
      }
    } else {
      body.push_back(instr(1, {random_address(rng, depth, wraps), random_count(rng, depth)}));
    }
  }
  return body;
}

// The strider machine's queue depth (1-4) and memory latency (0-max_lat), drawn in that order.
std::map<std::string, int64_t> random_params(std::mt19937_64& rng, int64_t max_lat) {
  const int64_t qd = std::uniform_int_distribution<int64_t>(1, 4)(rng);
  const int64_t lat = std::uniform_int_distribution<int64_t>(0, max_lat)(rng);
  return {{"qd", qd}, {"lat", lat}};
}

// A tile's row address in the tile nests below: strides s1 and s2 of loops 1 and 2, `plus`, and
// `per_j` per iteration of loop 3; modulo `window` where a double buffer wraps it (0: none).
Expr tile_row(int64_t s1, int64_t s2, int64_t window, int64_t plus, int64_t per_j = 0) {
  Expr e = idx(1, s1) + idx(2, s2) + Expr(plus);
  if (per_j != 0) e = e + idx(3, per_j);
  return window > 0 ? e % window : e;
}

// Evaluates `p` in full (into *full) and extrapolated (returned): both must give the same cycles and
// busy counters.
Estimate extrapolated_equals_full(const std::shared_ptr<const ArchDescription>& desc,
                                  const std::map<std::string, int64_t>& params, const Program& p, Estimate* full) {
  const BoundArch arch = bind_arch(desc, params, p);
  EstimateOptions all;
  all.full = true;
  *full = estimate(arch, p, all);
  const Estimate b = estimate(arch, p, EstimateOptions{});
  INFO(p.to_text());
  REQUIRE(full->cycles == b.cycles);
  REQUIRE(full->busy == b.busy);
  return b;
}

void check_random_nests(uint64_t seed, bool wraps, int64_t min_extrapolated, const std::string& text = kStrider) {
  const auto desc = parse_arch_description(text, "strider.yaml");
  std::mt19937_64 rng(seed);
  int64_t evaluated = 0, represented = 0, extrapolated = 0;
  for (int trial = 0; trial < 400; ++trial) {
    int budget = 12;
    const int max_depth = std::uniform_int_distribution<int>(1, 4)(rng);
    Program p = program(strider_isa(), random_body(rng, 0, max_depth, &budget, wraps));
    const std::map<std::string, int64_t> params = random_params(rng, 12);
    INFO("trial " << trial);
    Estimate a;
    const Estimate b = extrapolated_equals_full(desc, params, p, &a);
    CHECK(b.evaluated_instructions <= a.evaluated_instructions);
    evaluated += b.evaluated_instructions;
    represented += b.represented_instructions;
    extrapolated += b.evaluated_instructions < a.evaluated_instructions ? 1 : 0;
  }
  INFO(extrapolated << " of 400 nests extrapolated, " << evaluated << " of " << represented << " instructions evaluated");
  CHECK(evaluated < represented);
  CHECK(extrapolated >= min_extrapolated);
}

}  // namespace

TEST_CASE("extrapolation equals full evaluation on random nests striding through on-chip storage") {
  check_random_nests(2026, true, 40);
  check_random_nests(7, false, 60);
}

// The mac keeps one of two records from its start until its result is written (`hold`, as Gemmini's
// execute unit): a pool whose instances free at an instruction's end, in the state extrapolation
// keys and moves in time. Extrapolated must still equal full evaluation.
TEST_CASE("extrapolation equals full evaluation on random nests whose computes hold a pool of records") {
  std::string text = kStrider;
  const std::string units = "  storer: {from: sq}\n";
  text.replace(text.find(units), units.size(), units + "  recs: {instances: 2}\n  drain: {pipelined: true}\n");
  const std::string step = "      - unit: array\n        latency: k + 2\n";
  text.replace(text.find(step), step.size(), "      - unit: array\n        hold: recs\n        latency: 1\n        ii: k\n");
  const std::string writes = "        writes: [\"acc[c, n]\"]\n";
  text.replace(text.find(writes), writes.size(), writes + "      - unit: drain\n        latency: k + 4\n");
  check_random_nests(2027, true, 40, text);
  check_random_nests(8, false, 60, text);
}

TEST_CASE("a loop striding through a scratchpad is extrapolated, not evaluated row by row") {
  const auto desc = parse_arch_description(kStrider, "strider.yaml");
  // for i: mvin sp[8*i, 8]; pre acc[4*i]; mac a = 8*i, b = 4000 + 8*i; then mvout acc[4*i]
  Program p = program(strider_isa(),
                      {loop("i", 5000, {instr(0, {idx(1, 8), Expr(8)}), instr(1, {idx(1, 4), Expr(4)}),
                                        instr(2, {idx(1, 8), Expr(40000) + idx(1, 8), Expr(8)}),
                                        instr(3, {idx(1, 4), Expr(4)})})});
  const BoundArch arch = bind_arch(desc, {{"qd", 2}, {"lat", 9}}, p);
  EstimateOptions full;
  full.full = true;
  const Estimate a = estimate(arch, p, full);
  const Estimate b = estimate(arch, p, EstimateOptions{});
  CHECK(a.cycles == b.cycles);
  CHECK(a.busy == b.busy);
  CHECK(b.evaluated_instructions < 200);
  // Two streams of different strides through one storage (rows 8*i and 40000 + 16*i) still repeat.
  Program two = program(strider_isa(), {loop("i", 3000, {instr(0, {idx(1, 8), Expr(8)}),
                                                          instr(0, {Expr(40000) + idx(1, 16), Expr(8)}),
                                                          instr(1, {Expr(0), Expr(4)}),
                                                          instr(2, {idx(1, 8), Expr(40000) + idx(1, 16), Expr(8)})}),
                                         instr(3, {Expr(0), Expr(4)})});
  const BoundArch arch2 = bind_arch(desc, {{"qd", 3}, {"lat", 5}}, two);
  const Estimate c = estimate(arch2, two, full);
  const Estimate d = estimate(arch2, two, EstimateOptions{});
  CHECK(c.cycles == d.cycles);
  CHECK(d.evaluated_instructions < 200);
}

namespace {

// Addresses of a loop with inner loops: the outer stride spaced past the inner loops' span (tiles
// side by side), or not (bands that overlap), sometimes modulo a window that holds the whole loop
// (Gemmini-like scratchpad addresses) or one that wraps inside it; each in a region of its own
// (counted in `bases`) or in one an earlier address uses.
Expr nested_address(std::mt19937_64& rng, const std::vector<int64_t>& inner_trips, int64_t* bases) {
  std::uniform_int_distribution<int> coin(0, 3);
  // Mostly a region of its own, sometimes one an earlier operand uses.
  const int64_t region = std::uniform_int_distribution<int>(0, 7)(rng) == 0 && *bases > 0 ? std::uniform_int_distribution<int64_t>(0, *bases - 1)(rng) : (*bases)++;
  Expr e(region * 5000);
  int64_t span = 0;
  for (std::size_t d = 0; d < inner_trips.size(); ++d) {
    if (coin(rng) == 0) continue;
    const int64_t stride = coin(rng) == 0 ? 1 : 8 << std::uniform_int_distribution<int>(0, 2)(rng);
    e = e + idx(static_cast<int>(d) + 3, stride);
    span += stride * (inner_trips[d] - 1);
  }
  const int pick = coin(rng);
  if (pick != 0) e = e + idx(2, pick == 1 ? span + 8 : pick == 2 ? 8 : 4 * (span + 8));
  const int window = std::uniform_int_distribution<int>(0, 9)(rng);
  if (window == 0) return e % 1024;  // wraps inside the loop, mostly
  return window < 4 ? e % (int64_t{1} << 30) : e;
}

}  // namespace

TEST_CASE("extrapolation equals full evaluation on loops whose inner loops stride through storage") {
  const auto desc = parse_arch_description(kStrider, "strider.yaml");
  std::mt19937_64 rng(11);
  int64_t evaluated = 0, represented = 0, extrapolated = 0;
  for (int trial = 0; trial < 150; ++trial) {
    // for i (40-120): a few instructions, then one or two inner loops of 1-5 or 20-40 trips over them.
    const int64_t outer = std::uniform_int_distribution<int64_t>(40, 120)(rng);
    std::vector<Statement> body;
    int64_t bases = 0;
    const int inner_loops = std::uniform_int_distribution<int>(1, 2)(rng);
    for (int l = 0; l < inner_loops; ++l) {
      // Short inner loops (Gemmini's), sometimes long ones extrapolated inside the outer loop's segment.
      const bool long_inner = std::uniform_int_distribution<int>(0, 2)(rng) == 0;
      const std::vector<int64_t> trips = {std::uniform_int_distribution<int64_t>(long_inner ? 20 : 1, long_inner ? 40 : 5)(rng)};
      auto addr = [&] { return nested_address(rng, trips, &bases); };
      const Expr rows(std::uniform_int_distribution<int64_t>(1, 8)(rng));
      std::vector<Statement> inner;
      switch (std::uniform_int_distribution<int>(0, 2)(rng)) {
        case 0:
          inner.push_back(instr(0, {addr(), rows}));
          break;
        case 1:
          inner.push_back(instr(1, {addr(), rows}));
          inner.push_back(instr(2, {addr(), addr(), rows}));
          break;
        default:
          inner.push_back(instr(3, {addr(), rows}));
          inner.push_back(instr(4, {addr(), idx(3) % 2, rows}));
      }
      if (std::uniform_int_distribution<int>(0, 1)(rng) == 0) {
        const std::vector<int64_t> none;
        body.push_back(instr(1, {nested_address(rng, none, &bases), rows}));
        body.push_back(instr(2, {nested_address(rng, none, &bases), nested_address(rng, none, &bases), rows}));
      }
      body.push_back(loop("j" + std::to_string(l), trips[0], std::move(inner)));
    }
    // Entered more than once: the outer loop sits in a loop of two trips.
    Program p = program(strider_isa(), {loop("o", 2, {loop("i", outer, std::move(body))})});
    const std::map<std::string, int64_t> params = random_params(rng, 12);
    INFO("trial " << trial);
    Estimate a;
    const Estimate b = extrapolated_equals_full(desc, params, p, &a);
    extrapolated += 2 * b.evaluated_instructions < a.evaluated_instructions ? 1 : 0;
    evaluated += b.evaluated_instructions;
    represented += b.represented_instructions;
  }
  INFO(extrapolated << " of 150 nests at least halved, " << evaluated << " of " << represented << " instructions evaluated");
  CHECK(extrapolated >= 60);
}

TEST_CASE("a loop whose inner loop strides through a scratchpad is extrapolated as a whole") {
  const auto desc = parse_arch_description(kStrider, "strider.yaml");
  // for k: pre acc[0]; mac a = 8*k, b = 40000 + 32*k; for c in 0..3: mac a = (8*k + 384*c + 384) % 8192
  // (Gemmini's compute loop over a tile of A, its rows side by side per k).
  Program p = program(
      strider_isa(),
      {loop("t", 3,
            {instr(0, {Expr(0), Expr(8)}),
             loop("k", 300,
                  {instr(1, {Expr(0), Expr(4)}), instr(2, {idx(2, 8) % 8192, Expr(40000) + idx(2, 32), Expr(8)}),
                   loop("c", 3, {instr(1, {Expr(16) + idx(3, 4), Expr(4)}),
                                 instr(2, {(idx(2, 8) + idx(3, 384) + Expr(384)) % 8192, Expr(40000) + idx(2, 32), Expr(8)})})}),
             instr(3, {Expr(0), Expr(4)})})});
  Estimate a;
  const Estimate b = extrapolated_equals_full(desc, {{"qd", 2}, {"lat", 7}}, p, &a);
  // Row by row it is 3 * (2 + 300 * 8) instructions; the k loop repeats after a few iterations.
  INFO(b.evaluated_instructions << " of " << a.evaluated_instructions);
  CHECK(b.evaluated_instructions * 10 < a.evaluated_instructions);
}

TEST_CASE("an address-relative inner loop extrapolated inside an address-relative outer loop agrees with full evaluation") {
  // No look-ahead, so an inner extrapolation may run to the inner loop's last iteration (the outer
  // segment then learns the skipped rows from the inner one's moved streams); the outer loop's next
  // iterations write rows the inner loop wrote (WAW) for strides below the inner span, or rows
  // side by side. Full and extrapolated must agree for every overlap of the two strides.
  const auto desc = parse_arch_description(kStrider, "strider.yaml");
  int64_t shown = 0;
  for (int64_t outer_stride : {8, 16, 64, 240, 248, 256}) {
    for (int64_t inner_trips : {25, 31, 32}) {
      Program p = program(strider_isa(),
                          {loop("t", 2, {loop("i", 60, {instr(0, {idx(2, outer_stride), Expr(8)}),
                                                        loop("j", inner_trips, {instr(0, {idx(2, outer_stride) + idx(3, 8), Expr(8)})}),
                                                        instr(1, {Expr(0), Expr(4)}),
                                                        instr(2, {idx(2, outer_stride), Expr(90000), Expr(8)})})})});
      Estimate a;
      const Estimate b = extrapolated_equals_full(desc, {{"qd", 2}, {"lat", 3}}, p, &a);
      shown += 2 * b.evaluated_instructions < a.evaluated_instructions ? 1 : 0;
    }
  }
  CHECK(shown == 18);  // every nest at least halved
}

// Tile bodies entered again at other rows (the next tile, the other half of a double buffer): a
// loop of mvins into a tile's rows, then a mac that reads them, inside short loops over the tiles.
// The mvin loop's later entries come from the loop memo, keyed relative to the tile's first address;
// a hit moves the recorded exit's rows to the tile's, and the mac after it waits on them (a hit that
// left them where the recorded entry wrote them lets the mac start early: full evaluation differs).
TEST_CASE("tile bodies reused from the memo at other rows agree with full evaluation") {
  const auto desc = parse_arch_description(kStrider, "strider.yaml");
  std::mt19937_64 rng(11);
  int64_t fewer = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const int64_t rows = std::uniform_int_distribution<int64_t>(1, 4)(rng);
    const int64_t trips = std::uniform_int_distribution<int64_t>(3, 6)(rng);
    const int64_t tile = rows * trips;
    const int64_t s1 = tile * std::uniform_int_distribution<int64_t>(1, 3)(rng);
    const int64_t s2 = tile * std::uniform_int_distribution<int64_t>(2, 4)(rng);
    const int64_t window = std::uniform_int_distribution<int>(0, 1)(rng) == 0 ? 0 : 2 * s2;  // double buffer
    auto at = [&](int64_t plus, int64_t per_j = 0) { return tile_row(s1, s2, window, plus, per_j); };
    const bool late_load = std::uniform_int_distribution<int>(0, 1)(rng) == 0;
    // mvboth's address indexes the scratchpad or the accumulator by a flag: its shift is theirs.
    const bool both = std::uniform_int_distribution<int>(0, 2)(rng) == 0;
    std::vector<Statement> tile_body = {
        loop("j", trips, {both ? instr(4, {at(0, rows), Expr(0), Expr(rows)}) : instr(0, {at(0, rows), Expr(rows)})}),
        instr(1, {Expr(0), Expr(2)}),
        instr(2, {at(0), at(rows * (trips - 1)), Expr(std::min<int64_t>(tile, 8))}),
        instr(3, {Expr(0), Expr(2)}),
    };
    if (late_load) tile_body.push_back(instr(0, {at(tile), Expr(1)}));
    Program p = program(strider_isa(), {loop("u", std::uniform_int_distribution<int64_t>(2, 2)(rng),
                                             {loop("t", 2, tile_body)})});
    const std::map<std::string, int64_t> params = random_params(rng, 30);
    INFO("trial " << trial);
    Estimate a;
    const Estimate b = extrapolated_equals_full(desc, params, p, &a);
    fewer += b.evaluated_instructions < a.evaluated_instructions ? 1 : 0;
  }
  INFO(fewer << " of 300 nests evaluated fewer instructions than in full");
  CHECK(fewer >= 200);  // 142 with absolute memo keys, 220 relative (225 before carried operands left the keys)
}

namespace {

// 200 random tile nests over u (3) x t (2): a preload of accumulator rows that move by their own
// strides (0-8 rows per `u`, 12-20 per `t`), a loop of mvins into the tile's rows, a mac reading them
// and an mvout of the preload's rows; the preload before the mvin loop or after it, tiles of 1 to
// `max_rows` rows per mvin, sometimes in a double buffer. Each extrapolated estimate must equal full
// evaluation; returns the instructions evaluated extrapolated and in full, summed.
std::pair<int64_t, int64_t> preload_tile_nests(const std::shared_ptr<const ArchDescription>& desc, uint64_t seed,
                                               int64_t max_rows, bool double_buffer, bool preload_first) {
  std::mt19937_64 rng(seed);
  int64_t evaluated = 0, full = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const int64_t rows = std::uniform_int_distribution<int64_t>(1, max_rows)(rng);
    const int64_t trips = std::uniform_int_distribution<int64_t>(12, 24)(rng);
    const int64_t tile = rows * trips;
    const int64_t s1 = tile * std::uniform_int_distribution<int64_t>(1, 3)(rng);
    const int64_t s2 = tile * std::uniform_int_distribution<int64_t>(2, 4)(rng);
    const int64_t n = std::uniform_int_distribution<int64_t>(0, 2)(rng);
    const int64_t c1 = 4 * std::uniform_int_distribution<int64_t>(0, 2)(rng);
    const int64_t c2 = 4 * std::uniform_int_distribution<int64_t>(3, 5)(rng);
    const int64_t window = double_buffer && std::uniform_int_distribution<int>(0, 1)(rng) == 1 ? 2 * s2 : 0;
    auto at = [&](int64_t plus, int64_t per_j = 0) { return tile_row(s1, s2, window, plus, per_j); };
    const Expr c = idx(1, c1) + idx(2, c2) + Expr(std::uniform_int_distribution<int64_t>(0, 7)(rng));
    std::vector<Statement> tile_body = {
        loop("j", trips, {instr(0, {at(0, rows), Expr(rows)})}),
        instr(2, {at(0), at(rows * (trips - 1)), Expr(std::min<int64_t>(tile, 8))}),
        instr(3, {c, Expr(n)}),
    };
    tile_body.insert(tile_body.begin() + (preload_first ? 0 : 1), instr(1, {c, Expr(n)}));
    Program p = program(strider_isa(), {loop("u", 3, {loop("t", 2, tile_body)})});
    const std::map<std::string, int64_t> params = random_params(rng, 30);
    INFO("trial " << trial);
    Estimate a;
    const Estimate b = extrapolated_equals_full(desc, params, p, &a);
    evaluated += b.evaluated_instructions;
    full += a.evaluated_instructions;
  }
  return {evaluated, full};
}

}  // namespace

// The preload before the mvin loop: the mvin loop reads nothing the preload carries, so the
// preload's operands are no part of its memo key and are kept on a hit (a key holding them misses
// where they moved).
TEST_CASE("tile bodies whose preload shifts unlike the tile's rows are reused from the memo") {
  const auto [evaluated, full] = preload_tile_nests(parse_arch_description(kStrider, "strider.yaml"), 29, 4, true, true);
  // 7,952 of 24,852; 8,078 with the preload's operands in the mvin loop's key.
  INFO(evaluated << " of " << full << " instructions evaluated");
  CHECK(evaluated < 8000);
}

// The preload after the mvin loop, the memory port looking ahead: the mvin loop's look-aheads reach
// the preload and the mac (its key's continuation); the preload's operands carried into the loop are
// dead there (the continuation's preload replaces them before the mac reads them) and are left out
// of the key.
TEST_CASE("tile bodies whose look-aheads reach a later preload agree with full evaluation") {
  std::string text = kStrider;
  const std::string dram = "max_outstanding: 3, release_delay: 1}";
  text.replace(text.find(dram), dram.size(), "max_outstanding: 3, release_delay: 1, lookahead: 6}");
  const auto [evaluated, full] =
      preload_tile_nests(parse_arch_description(text, "strider-lookahead.yaml"), 31, 2, false, false);
  INFO(evaluated << " of " << full << " instructions evaluated");
  CHECK(evaluated * 10 < full * 6);  // 13,629 of 25,278
}

// A loop that only reads the scratchpad (macs over a tile's rows) keeps its rows out of the key and,
// after a skip, rebuilds them from the period's reads (a write after the loop waits for them: WAR).
// Here the reading loop k sits in a loop j that only reads too: j's skip needs the reads of the k
// iterations that k's skips left out, handed on by them. No look-ahead, so both skips may run to
// their loop's last iteration; the mvin after j writes rows the last j iteration read near its end,
// which a deep execute queue leaves unread until after the mvin could start.
TEST_CASE("a loop that only reads a storage rebuilds its rows after a skip, with the reads of inner skips") {
  const auto desc = parse_arch_description(kStrider, "strider.yaml");
  int64_t fewer = 0, nests = 0;
  for (int64_t qd : {4, 8, 16})
    for (int64_t inner : {20, 27, 33})
      for (int64_t outer : {7, 8, 9, 12})
        for (int64_t back : {1, 3, 6, 10}) {
          const int64_t last_row = ((outer - 1) * inner + inner - back) * 8;
          Program p = program(strider_isa(),
                              {loop("t", 2, {loop("j", outer, {instr(1, {Expr(0), Expr(4)}),
                                                               loop("k", inner, {instr(2, {idx(2, inner * 8) + idx(3, 8), Expr(60000), Expr(8)})})}),
                                             instr(0, {Expr(last_row), Expr(8)})})});
          INFO("qd " << qd << ", k " << inner << ", j " << outer << ", row " << last_row);
          Estimate a;
          const Estimate b = extrapolated_equals_full(desc, {{"qd", qd}, {"lat", 5}}, p, &a);
          fewer += 3 * b.evaluated_instructions < a.evaluated_instructions ? 1 : 0;
          ++nests;
        }
  CHECK(fewer == nests);
}

// Gemmini's OS compute loop: every entry (a j iteration) reads the same A rows as the one before it
// and B rows of its own, and writes its own accumulator rows. Keyed with the scratchpad's read
// times, an entry repeats only once the rows the previous entry read have fallen below the floor; the
// loop only reads the scratchpad, so the key leaves those times out and the entry repeats within
// its first iterations.
TEST_CASE("a compute loop re-reading the rows of its previous entry repeats within its first iterations") {
  const auto desc = parse_arch_description(kStrider, "strider.yaml");
  int64_t evaluated = 0, full = 0;
  for (int64_t qd : {2, 4, 8})
    for (int64_t inner : {24, 40}) {
      Program p = program(strider_isa(),
                          {loop("t", 2, {instr(0, {Expr(0), Expr(8)}),
                                         loop("j", 16, {instr(1, {idx(2, 8), Expr(8)}),
                                                        loop("k", inner, {instr(2, {idx(3, 8), Expr(50000) + idx(2, inner * 8) + idx(3, 8), Expr(8)})}),
                                                        instr(3, {idx(2, 8), Expr(8)})})})});
      Estimate a;
      const Estimate b = extrapolated_equals_full(desc, {{"qd", qd}, {"lat", 9}}, p, &a);
      evaluated += b.evaluated_instructions;
      full += a.evaluated_instructions;
    }
  INFO(evaluated << " of " << full << " instructions evaluated");
  CHECK(evaluated * 25 < full);  // 214 of 6,540; 304 with the read times keyed
}
