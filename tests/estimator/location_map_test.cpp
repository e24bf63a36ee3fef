// LocationMap: the ranges of an unbounded storage's locations behave as a map from index to Location
// (checked against a per-row std::map on random accesses), and always hold maximal ranges.
#include <catch2/catch.hpp>

#include <map>
#include <random>

#include "estimator/location_map.h"

using namespace acv;

namespace {

using Rows = std::map<int64_t, Location>;

// The maximal ranges of consecutive rows with equal times in `ref`.
std::vector<LocationRange> ranges_of(const Rows& ref) {
  std::vector<LocationRange> out;
  for (const auto& kv : ref) {
    if (!out.empty() && out.back().end() == kv.first && out.back().l == kv.second) ++out.back().n;
    else out.push_back(LocationRange{kv.first, 1, kv.second});
  }
  return out;
}

// `m` holds exactly the rows of `ref`, in maximal ranges (so equal rows mean equal ranges).
void require_same(const LocationMap& m, const Rows& ref) {
  REQUIRE(m.size() == ref.size());
  const auto want = ranges_of(ref);
  REQUIRE(m.ranges() == want.size());
  auto it = m.begin();
  for (const auto& x : want) {
    REQUIRE(it->lo == x.lo);
    REQUIRE(it->n == x.n);
    REQUIRE(it->l == x.l);
    ++it;
  }
}

int64_t latest_of(const Rows& ref, int64_t lo, int64_t n, int64_t Location::*field) {
  int64_t t = kNever;
  for (auto it = ref.lower_bound(lo); it != ref.end() && it->first < lo + n; ++it) t = std::max(t, it->second.*field);
  return t;
}

}  // namespace

TEST_CASE("the range map agrees with a per-row map on random accesses") {
  std::mt19937_64 rng(7);
  LocationMap m;
  Rows ref;
  std::vector<LocationRange> was;
  for (int step = 0; step < 20000; ++step) {
    const int op = static_cast<int>(rng() % 12);
    // Blocks of rows far apart (as strided storage is used), negative indices, runs of 1-20 rows that
    // overlap, touch and split the ranges held.
    const int64_t lo = static_cast<int64_t>(rng() % 8) * 4096 + static_cast<int64_t>(rng() % 60) - 20;
    const int64_t n = 1 + static_cast<int64_t>(rng() % 20);
    const int64_t t = step / 4 + static_cast<int64_t>(rng() % 8);  // times mostly grow, not always
    if (op < 4) {
      m.apply(lo, n, [t](Location& l) { l.read_end = std::max(l.read_end, t); }, nullptr);
      for (int64_t r = lo; r < lo + n; ++r) ref[r].read_end = std::max(ref[r].read_end, t);
    } else if (op < 7) {
      auto f = [t](Location& l) {
        l.write_end = std::max(l.write_end, t);
        l.write_ready = std::max(l.write_ready, t + 2);
      };
      m.apply(lo, n, f, nullptr);
      for (int64_t r = lo; r < lo + n; ++r) f(ref[r]);
    } else if (op < 9) {
      for (auto field : {&Location::write_ready, &Location::write_end, &Location::read_end})
        REQUIRE(m.latest(lo, n, field) == latest_of(ref, lo, n, field));
      for (int64_t r = lo - 1; r <= lo + n; ++r) {
        const Location* l = m.find(r);
        REQUIRE((l != nullptr) == (ref.count(r) == 1));
        if (l) REQUIRE(*l == ref[r]);
      }
    } else if (op == 9) {
      // An apply undone leaves the ranges exactly as they were.
      const LocationMap before = m;
      was.clear();
      const auto c = m.apply(lo, n, [t](Location& l) { l.write_end = t + 1000; }, &was);
      m.undo(c, was.data());
      require_same(m, ref);
      REQUIRE(m.ranges() == before.ranges());
    } else if (op == 10) {
      const int64_t cut = step / 4 - 300;
      m.erase_if([cut](const Location& l) { return l.read_end < cut && l.write_end < cut; });
      for (auto it = ref.begin(); it != ref.end();)
        it = it->second.read_end < cut && it->second.write_end < cut ? ref.erase(it) : std::next(it);
    } else if (step % 200 == 11) {
      // Rebuilt from pieces in any order (as a move of addresses does), copied and swapped whole.
      std::vector<LocationRange> pieces;
      for (const auto& kv : ref) pieces.push_back(LocationRange{kv.first, 1, kv.second});
      std::shuffle(pieces.begin(), pieces.end(), rng);
      LocationMap rebuilt;
      rebuilt.assign(&pieces);
      LocationMap copy = rebuilt;
      m.swap(copy);
    }
    if (step % 97 == 0) require_same(m, ref);
  }
  require_same(m, ref);
  CHECK(m.find(123456789) == nullptr);
  CHECK(m.latest(123456789, 4, &Location::read_end) == kNever);
}
