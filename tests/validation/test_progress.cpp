// The campaign ETA (validation/harness/progress.cpp): a fixed part per run plus seconds per MAC,
// fitted per class of run, since campaigns run the longest cases first.
#include <catch2/catch.hpp>

#include "validation/harness/progress.h"

using acv::estimate_seconds_left;
using acv::WorkTally;

TEST_CASE("the ETA counts the runs left by their MACs, not by the finished runs' average") {
  // Runs of 1e9 and 1e8 MACs took 10.1 and 1.1 s: 0.1 s fixed, 1e-8 s per MAC. Ten of 1e7 MACs
  // are left: 10 x 0.2 s = 2 s, where ten more at the finished runs' 5.6 s average would say 56 s.
  WorkTally t;
  t.ref.add(1'000'000'000), t.ref.add(100'000'000);
  for (int i = 0; i < 10; ++i) t.ref.add(10'000'000);
  t.ref.finish(1'000'000'000, 10.1);
  t.ref.finish(100'000'000, 1.1);
  CHECK(estimate_seconds_left(t, 11.2) == Approx(2.0));
}

TEST_CASE("the ETA takes the fast views at a twentieth of the reference's rate until one has finished") {
  WorkTally t;
  t.ref.add(1'000'000'000), t.ref.add(2'000'000'000);
  for (int i = 0; i < 4; ++i) t.other.add(1'000'000'000);
  t.ref.finish(2'000'000'000, 21);
  t.ref.finish(1'000'000'000, 11);  // 1 s fixed, 1e-8 s per MAC
  // Fast views: 4 x (1 s + 1e9 x 1e-8 s) / 20 = 2.2 s of runs; 32 s of runs done in 32 s.
  CHECK(estimate_seconds_left(t, 32) == Approx(2.2));
  t.other.finish(1'000'000'000, 0.25);  // learnt: 0.25 s per run of 1e9 MACs
  CHECK(estimate_seconds_left(t, 32.25) == Approx(3 * 0.25));
}

TEST_CASE("the ETA divides by the concurrency seen so far") {
  // Two jobs: 20 s of runs finished in 10 s of wall time; 10 s of runs left.
  WorkTally t;
  for (int i = 0; i < 3; ++i) t.ref.add(1'000'000'000);
  t.ref.finish(1'000'000'000, 10);
  t.ref.finish(1'000'000'000, 10);
  CHECK(estimate_seconds_left(t, 10) == Approx(5.0));
}

TEST_CASE("the ETA is unknown before a run has finished") {
  WorkTally t;
  t.ref.add(1'000'000'000), t.other.add(0);
  CHECK(estimate_seconds_left(t, 3) < 0);
}
