// LocationJournal: undoing the changes to a state's storage locations brings them back as they were,
// entry for entry and in order (the look-ahead's snapshot copies no location maps).
#include <catch2/catch.hpp>

#include <random>

#include "estimator/eval_state.h"

using namespace acv;

namespace {

void require_same(const LocationMap& a, const LocationMap& b) {
  REQUIRE(a.size() == b.size());
  auto x = a.begin();
  for (auto y = b.begin(); y != b.end(); ++x, ++y) {
    REQUIRE(x->first == y->first);
    CHECK(x->second.write_ready == y->second.write_ready);
    CHECK(x->second.write_end == y->second.write_end);
    CHECK(x->second.read_end == y->second.read_end);
  }
  // The index finds every entry after the removals.
  for (const auto& e : a) REQUIRE(a.find(e.first) != nullptr);
}

}  // namespace

TEST_CASE("rewinding the journal undoes every insert and update of storage locations") {
  std::mt19937_64 rng(11);
  State s;
  s.open.resize(2);
  s.fixed.resize(10);
  LocationJournal journal;
  for (int round = 0; round < 200; ++round) {
    // Changes outside the journal stay.
    for (int k = 0; k < 20; ++k) journal.at(&s, rng() % 2, static_cast<int64_t>(rng() % 300)).read_end = round;
    journal.fixed_at(&s, rng() % 10).write_end = round;
    const State before = s;
    journal.start();
    // Enough inserts to grow the index, at clustered and far-apart rows (long probe chains).
    const int changes = static_cast<int>(rng() % 400);
    for (int k = 0; k < changes; ++k) {
      const int64_t i = rng() % 3 ? static_cast<int64_t>(rng() % 600) : static_cast<int64_t>(rng() % 8) * 4096;
      Location& l = journal.at(&s, rng() % 2, i);
      l.write_end = l.write_end + 1 + round;
      l.write_ready = k;
      journal.fixed_at(&s, rng() % 10).read_end += k + 1;
    }
    journal.rewind(&s);
    for (std::size_t st = 0; st < 2; ++st) require_same(s.open[st], before.open[st]);
    for (std::size_t i = 0; i < 10; ++i) REQUIRE(s.fixed[i].read_end == before.fixed[i].read_end);
    // Once more from the same start (the look-ahead rewinds each round).
    journal.at(&s, 0, 7).read_end = -1;
    journal.rewind(&s);
    for (std::size_t st = 0; st < 2; ++st) require_same(s.open[st], before.open[st]);
    journal.stop();
  }
}
