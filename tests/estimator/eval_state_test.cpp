// LocationJournal: undoing the changes to a state's storage locations brings them back as they were,
// range for range (the look-ahead's snapshot copies no location maps). Keys and address moves of
// locations held as ranges agree with the same done row by row.
#include <catch2/catch.hpp>

#include <array>
#include <map>
#include <random>

#include "estimator/address_frame.h"
#include "estimator/eval_state.h"
#include "test_helpers.h"

using namespace acv;
using namespace acv::test;

namespace {

void require_same(const LocationMap& a, const LocationMap& b) {
  REQUIRE(a.size() == b.size());
  REQUIRE(a.ranges() == b.ranges());
  auto x = a.begin();
  for (auto y = b.begin(); y != b.end(); ++x, ++y) {
    REQUIRE(x->lo == y->lo);
    REQUIRE(x->n == y->n);
    CHECK(x->l == y->l);
  }
}

using Rows = std::map<int64_t, Location>;

// A storage's locations built row by row from `rows`, in a random order (the ranges come out the
// same whatever the order).
LocationMap build(const Rows& rows, std::mt19937_64& rng) {
  std::vector<std::pair<int64_t, Location>> v(rows.begin(), rows.end());
  std::shuffle(v.begin(), v.end(), rng);
  LocationMap m;
  for (const auto& kv : v) m.apply(kv.first, 1, [&](Location& l) { l = kv.second; }, nullptr);
  return m;
}

Rows from_map(const LocationMap& m) {
  Rows out;
  for (const auto& x : m)
    for (int64_t r = x.lo; r < x.end(); ++r) out[r] = x.l;
  return out;
}

// One unit behind a stage, one unbounded storage.
const char* kOneStorage = R"(
stages:
  dispatch: {latency: 1}
units:
  u: {from: dispatch}
storage:
  sp: {locations: 0, hazards: [raw]}
instructions:
  op:
    fields: [a, n]
    unit: u
    reads: ["sp[a, n]"]
)";

}  // namespace

TEST_CASE("rewinding the journal undoes every insert and update of storage locations") {
  std::mt19937_64 rng(11);
  State s;
  s.open.resize(2);
  s.fixed.resize(10);
  LocationJournal journal;
  auto set_read = [](int64_t t) { return [t](Location& l) { l.read_end = t; }; };
  for (int round = 0; round < 200; ++round) {
    // Changes outside the journal stay.
    for (int k = 0; k < 20; ++k)
      journal.apply(&s, rng() % 2, static_cast<int64_t>(rng() % 300), 1 + static_cast<int64_t>(rng() % 16), set_read(round));
    journal.fixed_at(&s, rng() % 10).write_end = round;
    const State before = s;
    journal.start();
    // Runs of rows that split, merge and join the ranges held, clustered and far apart.
    const int changes = static_cast<int>(rng() % 400);
    for (int k = 0; k < changes; ++k) {
      const int64_t i = rng() % 3 ? static_cast<int64_t>(rng() % 600) : static_cast<int64_t>(rng() % 8) * 4096;
      const int64_t t = 1 + round + static_cast<int64_t>(rng() % 3);
      journal.apply(&s, rng() % 2, i, 1 + static_cast<int64_t>(rng() % 16), [t, k](Location& l) {
        l.write_end = std::max(l.write_end, t);
        l.write_ready = k % 4;
      });
      journal.fixed_at(&s, rng() % 10).read_end += k + 1;
    }
    journal.rewind(&s);
    for (std::size_t st = 0; st < 2; ++st) require_same(s.open[st], before.open[st]);
    for (std::size_t i = 0; i < 10; ++i) REQUIRE(s.fixed[i].read_end == before.fixed[i].read_end);
    // Once more from the same start (the look-ahead rewinds each round).
    journal.apply(&s, 0, 7, 3, set_read(-1));
    const std::size_t mid = journal.size();
    journal.apply(&s, 1, 5, 30, set_read(-2));
    journal.rewind_to(&s, mid);
    REQUIRE(s.open[0].find(8)->read_end == -1);
    journal.rewind(&s);
    for (std::size_t st = 0; st < 2; ++st) require_same(s.open[st], before.open[st]);
    journal.stop();
  }
}

TEST_CASE("keys of locations held as ranges are equal exactly when the rows above the floor are") {
  // Rows 0..63, a few distinct times (runs form), times at or below the floor (10) in many ways.
  // With an address frame: a stream of stride 4 (band 8..23 over iterations 0..3) and one of stride
  // 0 (band 40..47); rows in neither are left out of the key, those of stride 4 keyed by offset.
  const Program p = program(make_isa({{"op", {"a", "n"}}}), {instr(0, {0, 1})});
  const BoundArch arch = bind_arch(parse_arch_description(kOneStorage, "one.yaml"), {}, p);
  StateLayout layout(arch);
  const int64_t kFloor = 10;
  std::mt19937_64 rng(5);
  const Expr moving(0), staying(0);
  auto state = [&](const Rows& rows) {
    State s = layout.initial_state();
    s.t[static_cast<std::size_t>(layout.obj_base(0))] = kFloor;  // the dispatcher: the floor
    s.max_end = 20;
    s.open[0] = build(rows, rng);
    return s;
  };
  auto frame = [&]() {
    AddressFrame f(0, 0, 4, 1, 0, {{&moving, 4}}, nullptr);
    const int64_t idx[1] = {0};
    f.observe(0, &moving, true, 8, 4, idx);
    f.observe(0, &staying, true, 40, 8, idx);
    return f;
  };
  auto in_band = [](int64_t r) { return (r >= 8 && r <= 23) || (r >= 40 && r <= 47); };
  auto clamped = [&](const Rows& rows, bool relative) {
    std::map<int64_t, std::array<int64_t, 3>> out;
    for (const auto& kv : rows) {
      const Location& l = kv.second;
      if (l.write_ready <= kFloor && l.write_end <= kFloor && l.read_end <= kFloor) continue;
      if (relative && !in_band(kv.first)) continue;
      out[kv.first] = {std::max(l.write_ready, kFloor), std::max(l.write_end, kFloor), std::max(l.read_end, kFloor)};
    }
    return out;
  };
  auto time = [&](bool live) { return live ? kFloor + 1 + static_cast<int64_t>(rng() % 2) : static_cast<int64_t>(rng() % 11); };
  int equal = 0, different = 0;
  for (int round = 0; round < 400; ++round) {
    const bool relative = round % 2 == 1;
    Rows a;
    for (int64_t r = 0; r < 64; ++r)
      if (rng() % 4) a[r] = Location{time(rng() % 3 == 0), time(rng() % 4 == 0), time(rng() % 2 == 0)};
    // b: a with other times at or below the floor, and sometimes one row changed.
    Rows b = a;
    for (auto& kv : b) {
      for (int64_t* t : {&kv.second.write_ready, &kv.second.write_end, &kv.second.read_end})
        if (*t <= kFloor) *t = time(false);
    }
    if (rng() % 2) b[static_cast<int64_t>(rng() % 64)].read_end = time(rng() % 2 == 0);
    State sa = state(a), sb = state(b);
    std::vector<int64_t> ka, kb;
    AddressFrame fa = frame(), fb = frame();
    REQUIRE(layout.make_key(&sa, 0, relative ? &fa : nullptr, 2, &ka));
    REQUIRE(layout.make_key(&sb, 0, relative ? &fb : nullptr, 2, &kb));
    const bool same = clamped(a, relative) == clamped(b, relative);
    REQUIRE((ka == kb) == same);
    ++(same ? equal : different);
  }
  CHECK(equal > 50);
  CHECK(different > 50);
}

TEST_CASE("moving the locations of an address-relative segment by ranges moves every row as by rows") {
  const Program p = program(make_isa({{"op", {"a", "n"}}}), {instr(0, {0, 1})});
  const BoundArch arch = bind_arch(parse_arch_description(kOneStorage, "one.yaml"), {}, p);
  StateLayout layout(arch);
  std::mt19937_64 rng(9);
  const Expr up(0), down(0), staying(0);
  for (int round = 0; round < 300; ++round) {
    // Bands: stride 3 over 10..(13 + 3 * 5), stride -2 over (60 - 10)..63, stride 0 over 30..37;
    // the iterations of the segment 0..5.
    AddressFrame f(0, 0, 6, 1, 0, {{&up, 3}, {&down, -2}}, nullptr);
    const int64_t idx[1] = {0};
    f.observe(0, &up, true, 10, 4, idx);
    f.observe(0, &down, true, 60, 4, idx);
    f.observe(0, &staying, true, 30, 8, idx);
    auto band = [](int64_t r) -> int64_t {
      if (r >= 10 && r <= 28) return 3;
      if (r >= 50 && r <= 63) return -2;
      if (r >= 30 && r <= 37) return 0;
      return 99;  // none
    };
    Rows rows;
    for (int64_t r = 0; r < 72; ++r)
      if (rng() % 3) rows[r] = Location{static_cast<int64_t>(rng() % 3), 5, static_cast<int64_t>(rng() % 2)};
    State s = layout.initial_state();
    s.open[0] = build(rows, rng);
    const int64_t k = static_cast<int64_t>(rng() % 7) - 2, by = 100;
    bool can = true;
    for (const auto& kv : rows) {
      const int64_t c = band(kv.first);
      if (c != 0 && c != 99) can &= band(kv.first + k * c) == c;
    }
    REQUIRE(f.can_move(arch, s, k) == can);
    if (!can) continue;
    Rows want;
    for (const auto& kv : rows) {
      const int64_t c = band(kv.first);
      Location l = kv.second;
      if (c == 99) l.write_ready -= by, l.write_end -= by, l.read_end -= by;
      want[kv.first + (c == 99 ? 0 : k * c)] = l;
    }
    f.move(arch, &s, k, by);
    REQUIRE(from_map(s.open[0]) == want);
    REQUIRE(from_map(build(want, rng)).size() == s.open[0].size());
    require_same(s.open[0], build(want, rng));
  }
}
