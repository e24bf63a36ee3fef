// The memory port's fast paths (memo, repeated windows, closed-form runs) must place every request
// where the rule applied one request at a time does.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "estimator/memory_port.h"

using namespace acv;

namespace {

// Two placements of the same step agree: issue, done, and every logged request's timing.
void require_same_placement(const MemoryPort::Placed& x, const MemoryPort::Placed& y, const RequestLog& a,
                            const RequestLog& b) {
  REQUIRE(x.issue == y.issue);
  REQUIRE(x.done == y.done);
  std::vector<MemRequest> ra, rb;
  a.materialize(RequestLog::Pos{0, 0}, &ra);
  b.materialize(RequestLog::Pos{0, 0}, &rb);
  REQUIRE(ra.size() == rb.size());
  for (std::size_t i = 0; i < ra.size(); ++i) {
    REQUIRE(ra[i].accept == rb[i].accept);
    REQUIRE(ra[i].done == rb[i].done);
    REQUIRE(ra[i].free == rb[i].free);
  }
}

// The rule of memory() request by request on a flat list of every request placed so far: the
// first cycle from the previous acceptance + interval with a free port and a free slot; the
// response after every response of a request accepted by then. Placed requests first among equals.
MemoryPort::Placed place_flat(std::vector<MemRequest>* reqs, const BoundMemory& bm, int64_t n, int64_t xfer,
                              int64_t interval, int64_t start, int64_t step_start) {
  int64_t issue = start - interval, done = step_start;
  std::vector<MemRequest> mine;
  for (int64_t j = 0; j < n; ++j) {
    int64_t t = issue + interval;
    for (;;) {
      int64_t same = 0, in_flight = 0;
      for (int w = 0; w < 2; ++w)
        for (const MemRequest& r : w == 0 ? *reqs : mine) {
          same += r.accept == t ? 1 : 0;
          in_flight += r.accept <= t && r.free > t ? 1 : 0;
        }
      if (same < bm.ports && in_flight < bm.max_outstanding) break;
      ++t;
    }
    int64_t prefix_done = t + bm.latency;
    for (int w = 0; w < 2; ++w)
      for (const MemRequest& r : w == 0 ? *reqs : mine)
        if (r.accept <= t) prefix_done = std::max(prefix_done, r.done);
    const int64_t d = prefix_done + xfer;
    mine.emplace_back(t, d, d + bm.release_delay);
    issue = t;
    done = std::max(done, d);
  }
  for (const MemRequest& r : mine) {
    const auto at = std::upper_bound(reqs->begin(), reqs->end(), r.accept,
                                     [](int64_t a, const MemRequest& x) { return a < x.accept; });
    reqs->insert(at, r);
  }
  return MemoryPort::Placed{issue, done};
}

// A port of random latency and slots (the given draws), 1 or 2 ports, release delay 0 or 1.
BoundMemory random_port(std::mt19937& rng, std::uniform_int_distribution<int64_t>& latency,
                        std::uniform_int_distribution<int64_t>& outstanding) {
  std::uniform_int_distribution<int64_t> small(0, 3);
  BoundMemory bm;
  bm.latency = latency(rng);
  bm.max_outstanding = outstanding(rng);
  bm.ports = 1 + small(rng) % 2;
  bm.release_delay = small(rng) % 2;
  return bm;
}

}  // namespace

TEST_CASE("the memory port places a step's requests where the request-by-request rule does",
          "[estimator][memory_port]") {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int64_t> small(0, 3), lat(0, 40), outstanding(1, 12), count(1, 60), gap(-30, 60);
  for (int trial = 0; trial < 300; ++trial) {
    const BoundMemory bm = random_port(rng, lat, outstanding);
    MemoryPort port;
    RequestLog log;
    std::vector<MemRequest> ref;
    int64_t step_start = 0;
    for (int step = 0; step < 8; ++step) {
      // Steps of both kinds: the port keeping up (xfer <= interval) and responses back to back.
      const int64_t n = count(rng), interval = small(rng), xfer = 1 + small(rng);
      step_start = std::max<int64_t>(0, step_start + gap(rng));
      const int64_t start = step_start + small(rng);
      const MemoryPort::Placed want = place_flat(&ref, bm, n, xfer, interval, start, step_start);
      const MemoryPort::Placed got = port.place(&log, 0, bm, n, xfer, interval, start, step_start);
      INFO("trial " << trial << " step " << step);
      REQUIRE(got.issue == want.issue);
      REQUIRE(got.done == want.done);
      std::vector<MemRequest> all;
      log.materialize(RequestLog::Pos{0, 0}, &all);
      REQUIRE(all.size() == ref.size());
      for (std::size_t i = 0; i < all.size(); ++i) {
        REQUIRE(all[i].accept == ref[i].accept);
        REQUIRE(all[i].done == ref[i].done);
        REQUIRE(all[i].free == ref[i].free);
      }
    }
  }
}

TEST_CASE("place_among's memo places a step's requests where computing them does", "[estimator][memory_port]") {
  // Steps from a few templates at shifting times, so that the memo meets inputs it has seen, both
  // the same relative to their first cycle and differing in one stream, window or response.
  std::mt19937 rng(5);
  std::uniform_int_distribution<int64_t> small(0, 3), lat(0, 20), outstanding(1, 6), pick(0, 5), gap(0, 40);
  for (int trial = 0; trial < 300; ++trial) {
    const BoundMemory bm = random_port(rng, lat, outstanding);
    struct Template {
      int64_t n, xfer, interval, offset;
      std::vector<MemoryPort::Stream> later;  // starts relative to the step's
      int rank;
    };
    std::vector<Template> templates;
    for (int k = 0; k < 3; ++k) {
      Template t{1 + small(rng) * 3, 1 + small(rng), small(rng), small(rng), {}, 1};
      for (int64_t s = small(rng) % 3; s > 0; --s)
        t.later.push_back({small(rng) * 3 - 5, 1 + small(rng) * 4, 1 + small(rng), small(rng), static_cast<int>(small(rng) % 2)});
      templates.push_back(t);
      // The same step with the other priority: a memo that ignored ranks would answer it wrongly.
      t.rank = 0;
      for (auto& l : t.later) l.rank = 1 - l.rank;
      templates.push_back(t);
    }
    MemoryPort memo, plain;
    plain.memoize_among(false);
    RequestLog a, b;
    int64_t step_start = 0;
    for (int step = 0; step < 40; ++step) {
      const Template& t = templates[static_cast<std::size_t>(pick(rng))];
      step_start += gap(rng) % 4 == 0 ? gap(rng) : 12;
      const int64_t start = step_start + t.offset;
      std::vector<MemoryPort::Stream> later = t.later;
      for (auto& s : later) s.start += start + (gap(rng) % 5 == 0 ? small(rng) : 0);
      INFO("trial " << trial << " step " << step);
      MemoryPort::Placed x, y;
      if (step % 3 == 2) {  // a step in program order among them
        x = memo.place(&a, 0, bm, t.n, t.xfer, t.interval, start, step_start);
        y = plain.place(&b, 0, bm, t.n, t.xfer, t.interval, start, step_start);
      } else {
        x = memo.place_among(&a, bm, t.n, t.xfer, t.interval, start, step_start, t.rank, later);
        y = plain.place_among(&b, bm, t.n, t.xfer, t.interval, start, step_start, t.rank, later);
      }
      require_same_placement(x, y, a, b);
    }
  }
}

TEST_CASE("place_among places a stream alone before the others' first cycle where sweeping it does",
          "[estimator][memory_port]") {
  // Long later streams starting well before the step or after it, so that each runs alone for a
  // while, among placed requests of random steps: jumping over a lone stream's requests must leave
  // every request where the request-by-request sweep puts it.
  std::mt19937 rng(23);
  std::uniform_int_distribution<int64_t> small(0, 3), lat(0, 40), outstanding(1, 12), count(1, 150), rel(-200, 60),
      gap(0, 80);
  for (int trial = 0; trial < 400; ++trial) {
    const BoundMemory bm = random_port(rng, lat, outstanding);
    MemoryPort jump, sweep;
    jump.memoize_among(false), sweep.memoize_among(false);
    sweep.jump_lone(false);
    RequestLog a, b;
    int64_t step_start = 0;
    for (int step = 0; step < 10; ++step) {
      step_start += gap(rng);
      const int64_t n = count(rng) / (small(rng) + 1), xfer = 1 + small(rng), interval = small(rng);
      const int64_t start = step_start + small(rng);
      INFO("trial " << trial << " step " << step);
      MemoryPort::Placed x, y;
      if (small(rng) == 0) {  // a step in program order: placed requests among the later ones
        x = jump.place(&a, 0, bm, n, xfer, interval, start, step_start);
        y = sweep.place(&b, 0, bm, n, xfer, interval, start, step_start);
      } else {
        std::vector<MemoryPort::Stream> later;
        for (int64_t s = small(rng); s > 0; --s)
          later.push_back({start + rel(rng), count(rng), 1 + small(rng), small(rng) % 3 == 0 ? 0 : 1 + small(rng) % 2,
                           static_cast<int>(small(rng) % 2)});
        const int rank = static_cast<int>(small(rng) % 2);
        x = jump.place_among(&a, bm, n, xfer, interval, start, step_start, rank, later);
        y = sweep.place_among(&b, bm, n, xfer, interval, start, step_start, rank, later);
      }
      require_same_placement(x, y, a, b);
    }
  }
}
