// LocationMap: the flat map of an unbounded storage's locations behaves as a map from index to
// Location, through growth, removal and swaps (checked against std::map on random operations).
#include <catch2/catch.hpp>

#include <map>
#include <random>

#include "estimator/location_map.h"

using namespace acv;

namespace {

// Every entry of `ref` is found in `m` with its times, and `m` holds nothing else.
void require_same(LocationMap& m, const std::map<int64_t, Location>& ref) {
  REQUIRE(m.size() == ref.size());
  std::map<int64_t, Location> seen;
  for (const auto& e : m) REQUIRE(seen.emplace(e.first, e.second).second);
  for (const auto& kv : ref) {
    REQUIRE(seen.count(kv.first) == 1);
    CHECK(seen[kv.first].write_ready == kv.second.write_ready);
    CHECK(seen[kv.first].write_end == kv.second.write_end);
    CHECK(seen[kv.first].read_end == kv.second.read_end);
  }
}

}  // namespace

TEST_CASE("the location map agrees with an ordered map through inserts, updates and removals") {
  std::mt19937_64 rng(7);
  LocationMap m;
  std::map<int64_t, Location> ref;
  for (int step = 0; step < 20000; ++step) {
    const int op = static_cast<int>(rng() % 10);
    // Rows in blocks far apart (as strided storage is used) and negative indices.
    const int64_t index = static_cast<int64_t>(rng() % 64) * 4096 + static_cast<int64_t>(rng() % 40) - 20;
    if (op < 6) {
      Location& l = m[index];
      Location& r = ref[index];
      CHECK(l.write_end == r.write_end);
      l.write_end = r.write_end = step;
      l.read_end = r.read_end = step + 1;
    } else if (op < 8) {
      const Location l{step, step, step};
      m.emplace(index, l);  // keeps an existing entry
      ref.emplace(index, l);
    } else if (op == 8) {
      const int64_t cut = step - 500;
      auto dead = [cut](const LocationMap::Entry& e) { return e.second.read_end < cut; };
      m.erase_if(dead);
      for (auto it = ref.begin(); it != ref.end();) it = it->second.read_end < cut ? ref.erase(it) : std::next(it);
    } else if (step % 1000 == 9) {
      LocationMap copy = m;  // states are copied and swapped whole
      LocationMap other;
      other.swap(copy);
      m.swap(other);
    }
    if (step % 997 == 0) require_same(m, ref);
  }
  require_same(m, ref);
  const Location& fresh = m[123456789];
  CHECK(fresh.write_ready == kNever);
  CHECK(fresh.write_end == kNever);
  CHECK(fresh.read_end == kNever);
}
