// The run-compressed request log must behave exactly like the flat list of requests it stands for.
#include <catch2/catch.hpp>

#include <algorithm>
#include <iterator>
#include <limits>
#include <random>

#include "estimator/request_log.h"

using namespace acv;

namespace {

// A random request sequence in acceptance order: bursts of evenly spaced requests (what DMA steps
// make) mixed with odd ones, so runs of every length appear.
std::vector<MemRequest> random_requests(std::mt19937& rng, int n) {
  std::vector<MemRequest> out;
  int64_t a = 0;
  std::uniform_int_distribution<int> kind(0, 3), len(1, 12), small(0, 3), lat(0, 50);
  while (static_cast<int>(out.size()) < n) {
    // Responses never before acceptance, slots never free before the response (as in memory()).
    const int64_t da = small(rng), l = lat(rng), extra = kind(rng) == 0 ? small(rng) : 0;
    const int k = kind(rng) == 0 ? 1 : len(rng);
    for (int i = 0; i < k && static_cast<int>(out.size()) < n; ++i) {
      const int64_t d = a + l + i * extra;
      out.emplace_back(a, d, d + small(rng) % 2);
      a += da;
    }
    a += small(rng);
  }
  return out;
}

std::vector<MemRequest> flat(const RequestLog& log) {
  std::vector<MemRequest> out;
  log.materialize(RequestLog::Pos{0, 0}, &out);
  return out;
}

bool same(const std::vector<MemRequest>& x, const std::vector<MemRequest>& y) {
  if (x.size() != y.size()) return false;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (x[i].accept != y[i].accept || x[i].done != y[i].done || x[i].free != y[i].free) return false;
  return true;
}

// The same requests, each with the same prefix maxima.
void check_same_requests(const std::vector<MemRequest>& x, const std::vector<MemRequest>& y) {
  REQUIRE(same(x, y));
  for (std::size_t i = 0; i < x.size(); ++i) {
    CHECK(x[i].prefix_done == y[i].prefix_done);
    CHECK(x[i].prefix_free == y[i].prefix_free);
  }
}

// Two logs marked before they were changed: the changed runs coded alike (since_mark() codes them
// with their maxima), and the same requests.
void check_same_since_mark(const RequestLog& x, const RequestLog& y) {
  std::vector<int64_t> kx, ky;
  x.since_mark(&kx);
  y.since_mark(&ky);
  CHECK(kx == ky);
  check_same_requests(flat(x), flat(y));
}

// Index of a position in the flat list.
std::size_t index_of(const RequestLog& log, RequestLog::Pos p) {
  std::vector<MemRequest> tail;
  log.materialize(p, &tail);
  return flat(log).size() - tail.size();
}

// The extrapolation key of a flat list, coded one request at a time (the reference for encode()).
std::vector<int64_t> reference_key(const std::vector<MemRequest>& reqs, int64_t fl, int64_t mfl, int64_t ref) {
  std::vector<int64_t> key;
  RunEncoder enc(&key);
  for (const MemRequest& r : reqs) {
    if (r.accept < mfl && r.free <= mfl) continue;
    enc.one(std::max(r.accept, fl - 1) - ref, std::max(r.done, fl) - ref, std::max(r.free, fl) - ref);
  }
  enc.finish();
  return key;
}

}  // namespace

TEST_CASE("the request log gives back the requests appended, with their prefix maxima", "[estimator][request_log]") {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    const auto reqs = random_requests(rng, 1 + trial % 60);
    RequestLog log;
    std::size_t i = 0;
    while (i < reqs.size()) {  // in chunks, as memory() appends step by step
      const std::size_t n = std::min<std::size_t>(reqs.size() - i, 1 + rng() % 9);
      log.append(reqs.data() + i, n);
      i += n;
    }
    const auto back = flat(log);
    REQUIRE(same(back, reqs));
    int64_t pd = std::numeric_limits<int64_t>::min(), pf = pd;
    for (const MemRequest& r : back) {
      pd = std::max(pd, r.done);
      pf = std::max(pf, r.free);
      CHECK(r.prefix_done == pd);
      CHECK(r.prefix_free == pf);
    }
  }
}

TEST_CASE("repeated windows in the request log equal the requests spelled out", "[estimator][request_log]") {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t w = 1 + rng() % 8;
    auto window = random_requests(rng, static_cast<int>(w));
    const int64_t span = window.back().accept - window.front().accept;
    const int64_t delta = span + 1 + static_cast<int64_t>(rng() % 5);  // copies stay in acceptance order
    const int64_t count = 1 + static_cast<int64_t>(rng() % 40);
    RequestLog compact, spelled;
    compact.append(window.data(), window.size());
    compact.append_repeated(window.data(), w, delta, count);
    std::vector<MemRequest> all = window;
    for (int64_t c = 0; c < count; ++c) {
      const MemRequest& x = all[all.size() - w];
      all.emplace_back(x.accept + delta, x.done + delta, x.free + delta);
    }
    spelled.append(all.data(), all.size());
    REQUIRE(same(flat(compact), all));
    // The key depends on the requests only, not on how the log stored them.
    for (int64_t fl : {all.front().accept, all[all.size() / 2].accept, all.back().accept + 1}) {
      std::vector<int64_t> k1, k2;
      compact.encode(fl, fl, 3, &k1);
      spelled.encode(fl, fl, 3, &k2);
      CHECK(k1 == k2);
      CHECK(k1 == reference_key(all, fl, fl, 3));
    }
  }
}

TEST_CASE("request log searches, truncation, pruning and shifts agree with the flat list", "[estimator][request_log]") {
  std::mt19937 rng(23);
  for (int trial = 0; trial < 300; ++trial) {
    const auto reqs = random_requests(rng, 2 + trial % 50);
    RequestLog log;
    log.append(reqs.data(), reqs.size());
    const int64_t lo = reqs.front().accept - 2, hi = reqs.back().free + 2;
    const int64_t t = lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));

    // first_not_free: every request before it is free by t; the one at it has a prefix free > t.
    const std::size_t nf = index_of(log, log.first_not_free(t));
    int64_t pf = std::numeric_limits<int64_t>::min(), pd = pf;
    std::size_t expect_nf = reqs.size();
    for (std::size_t i = 0; i < reqs.size(); ++i) {
      pf = std::max(pf, reqs[i].free);
      if (pf > t) {
        expect_nf = i;
        break;
      }
    }
    CHECK(nf == expect_nf);
    // first_accepted_from: the first request accepted at or after t.
    const std::size_t af = index_of(log, log.first_accepted_from(t));
    const std::size_t expect_af = static_cast<std::size_t>(
        std::find_if(reqs.begin(), reqs.end(), [t](const MemRequest& r) { return r.accept >= t; }) - reqs.begin());
    CHECK(af == expect_af);
    CHECK(index_of(log, log.first_relevant(t)) == std::min(expect_nf, expect_af));
    // done_before: the latest response before a position.
    for (std::size_t i = 0; i < expect_af; ++i) pd = std::max(pd, reqs[i].done);
    CHECK(log.done_before(log.first_accepted_from(t)) == pd);
    // The key of the log equals the key of the flat list.
    std::vector<int64_t> key;
    const int64_t fl = t - static_cast<int64_t>(rng() % 4);
    log.encode(fl, t, 5, &key);
    CHECK(key == reference_key(reqs, fl, t, 5));

    // truncate keeps exactly the requests before the position.
    RequestLog cut = log;
    cut.truncate(cut.first_accepted_from(t));
    CHECK(same(flat(cut), std::vector<MemRequest>(reqs.begin(), reqs.begin() + static_cast<std::ptrdiff_t>(expect_af))));
    // prune drops only requests that can no longer matter at t, and keeps the key.
    RequestLog pruned = log;
    pruned.prune(t);
    std::vector<int64_t> key2;
    pruned.encode(fl, t, 5, &key2);
    CHECK(key2 == key);
    const auto kept = flat(pruned);
    CHECK(kept.size() == reqs.size() - std::min(expect_nf, expect_af));
    // shift moves every cycle.
    RequestLog moved = log;
    moved.shift(100);
    const auto m = flat(moved);
    for (std::size_t i = 0; i < reqs.size(); ++i) CHECK(m[i].accept == reqs[i].accept + 100);
  }
}

TEST_CASE("the key of a long log, appended to a key already begun, equals the request-by-request code",
          "[estimator][request_log]") {
  // encode() writes into room sized from the runs (hundreds on small arrays) and then appends it:
  // long and short logs in turn, clamped and not, after words already in the key.
  std::mt19937 rng(53);
  for (int trial = 0; trial < 40; ++trial) {
    const auto reqs = random_requests(rng, trial % 2 == 0 ? 2000 : 20);
    RequestLog log;
    log.append(reqs.data(), reqs.size());
    const int64_t lo = reqs.front().accept, hi = reqs.back().accept;
    const int64_t mfl = lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
    const int64_t fl = mfl - static_cast<int64_t>(rng() % 30);
    std::vector<int64_t> key = {7, 8, 9};
    log.encode(fl, mfl, 11, &key);
    std::vector<int64_t> want = {7, 8, 9};
    const auto ref = reference_key(reqs, fl, mfl, 11);
    want.insert(want.end(), ref.begin(), ref.end());
    CHECK(key == want);
  }
}

TEST_CASE("a log pruned step by step while requests are appended, marked and rewound between, keeps what the flat "
          "list keeps",
          "[estimator][request_log]") {
  // prune() only skips the requests and erases them once they are most of the log: long enough here
  // for many erasures; marks in between undo prunes and truncations.
  std::mt19937 rng(59);
  for (int trial = 0; trial < 3; ++trial) {
    std::vector<MemRequest> ref = random_requests(rng, 300);
    RequestLog log;
    log.append(ref.data(), ref.size());
    int64_t t = ref.front().accept;
    for (int step = 0; step < 400; ++step) {
      // New requests after the last (what the next steps place).
      auto more = random_requests(rng, 1 + static_cast<int>(rng() % 30));
      const int64_t by = (ref.empty() ? t : std::max(t, ref.back().accept)) - more.front().accept;
      for (MemRequest& r : more) r = MemRequest(r.accept + by, r.done + by, r.free + by);
      log.append(more.data(), more.size());
      ref.insert(ref.end(), more.begin(), more.end());
      if (rng() % 3 == 0) {
        log.mark();
        const auto at_mark = flat(log);
        log.prune(t + static_cast<int64_t>(rng() % 200));
        if (rng() % 2 == 0) log.truncate(log.first_accepted_from(t + static_cast<int64_t>(rng() % 300)));
        log.rewind();
        CHECK(same(flat(log), at_mark));
        log.unmark();
      }
      t += static_cast<int64_t>(rng() % 90);  // about as fast as the requests come: the log stays short
      log.prune(t);
      // The flat list drops the requests before the first in flight at t or accepted from t on.
      std::size_t keep_from = ref.size();
      int64_t pf = std::numeric_limits<int64_t>::min();
      for (std::size_t i = 0; i < ref.size(); ++i) {
        pf = std::max(pf, ref[i].free);
        if (pf > t || ref[i].accept >= t) {
          keep_from = i;
          break;
        }
      }
      ref.erase(ref.begin(), ref.begin() + static_cast<std::ptrdiff_t>(keep_from));
      REQUIRE(same(flat(log), ref));
      CHECK(log.last_accept() == (ref.empty() ? std::numeric_limits<int64_t>::min() : ref.back().accept));
      std::vector<int64_t> key;
      log.encode(t - 3, t, 1, &key);
      CHECK(key == reference_key(ref, t - 3, t, 1));
    }
  }
}

TEST_CASE("a different request sequence gives a different key", "[estimator][request_log]") {
  std::vector<MemRequest> a = {{0, 10, 11}, {1, 11, 12}, {2, 12, 13}, {3, 13, 14}};
  auto b = a;
  b[2].done += 1;
  RequestLog la, lb;
  la.append(a.data(), a.size());
  lb.append(b.data(), b.size());
  std::vector<int64_t> ka, kb;
  la.encode(0, 0, 0, &ka);
  lb.encode(0, 0, 0, &kb);
  CHECK(ka != kb);
}

TEST_CASE("merging requests into the log equals merging the flat lists, placed ones first among equals",
          "[estimator][request_log]") {
  std::mt19937 rng(31);
  for (int trial = 0; trial < 300; ++trial) {
    const auto placed = random_requests(rng, 1 + trial % 40);
    const auto others = random_requests(rng, 1 + (trial * 7) % 40);
    const int64_t shift = static_cast<int64_t>(rng() % 30) - 10;
    RequestLog log, add;
    log.append(placed.data(), placed.size());
    add.append(others.data(), others.size());
    // Merge from a random position of the log on; the requests before it stay as they are.
    const int64_t t = placed[rng() % placed.size()].accept;
    const RequestLog::Pos at = log.first_accepted_from(t);
    const std::size_t keep = index_of(log, at);
    log.merge_in(at, add, shift);
    std::vector<MemRequest> moved;
    for (const MemRequest& r : others) moved.emplace_back(r.accept + shift, r.done + shift, r.free + shift);
    std::vector<MemRequest> expect(placed.begin(), placed.begin() + static_cast<std::ptrdiff_t>(keep));
    std::merge(placed.begin() + static_cast<std::ptrdiff_t>(keep), placed.end(), moved.begin(), moved.end(),
               std::back_inserter(expect), [](const MemRequest& x, const MemRequest& y) { return x.accept < y.accept; });
    // Only a sorted result is a request log: check where the moved requests keep the order.
    if (keep > 0 && !moved.empty() && moved.front().accept < placed[keep - 1].accept) continue;
    CHECK(same(flat(log), expect));
  }
}

TEST_CASE("a kept merge replayed on another log with the same window gives the runs merging does",
          "[estimator][request_log]") {
  // The requests before the window differ (so the first pieces may join their last run or not);
  // compared run by run (window_key codes runs as they are) and by prefix maxima.
  std::mt19937 rng(37);
  int synced = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    const auto window = random_requests(rng, 1 + trial % 30);
    const auto others = random_requests(rng, 1 + (trial * 7) % 30);
    RequestLog add;
    add.append(others.data(), others.size());
    const int64_t origin = window.front().accept + static_cast<int64_t>(rng() % 20) - 10;
    RequestLog::Merge kept;
    std::vector<int64_t> window_code;
    for (int round = 0; round < 4; ++round) {
      // A different prefix each round, ending at or before the window, then the window moved by 100 * round.
      const int64_t by = 100 * round;
      std::vector<MemRequest> reqs;
      const int64_t lead = rng() % 4;
      for (int64_t i = 0; i < lead; ++i) {
        const int64_t a = window.front().accept + by - lead + i + static_cast<int64_t>(rng() % 2) - 1;
        reqs.emplace_back(std::min(a, window.front().accept + by), a + 40, a + 41);
      }
      std::sort(reqs.begin(), reqs.end(), [](const MemRequest& x, const MemRequest& y) { return x.accept < y.accept; });
      for (const MemRequest& r : window) reqs.emplace_back(r.accept + by, r.done + by, r.free + by);
      RequestLog merged, replayed;
      merged.append(reqs.data(), reqs.size());
      // The window's start: after the prefix (the log's position of its first request).
      const std::size_t skip = static_cast<std::size_t>(lead);
      const RequestLog::Pos at = merged.first_accepted_from(reqs[skip].accept);
      std::vector<MemRequest> tail;
      merged.materialize(at, &tail);
      if (tail.size() != reqs.size() - skip) continue;  // the prefix shares the window's first cycle
      std::vector<int64_t> code;
      merged.window_key(at, origin + by, &code);
      replayed = merged;
      if (round == 0 || !kept.kept) {
        merged.merge_in(at, add, origin + by, &kept);
        window_code = code;
        continue;
      }
      if (code != window_code) continue;  // the prefix joined the window's first run: another key
      merged.mark(), replayed.mark();  // since_mark() codes the changed runs with their maxima
      merged.merge_in(at, add, origin + by);
      replayed.replay(at, kept, origin + by);
      check_same_since_mark(merged, replayed);
      ++synced;
    }
  }
  CHECK(synced > 1000);
}

TEST_CASE("appending a fresh log gives the runs append_log gives", "[estimator][request_log]") {
  // The log's last requests may respond late (their maxima rule) or continue the first run.
  std::mt19937 rng(39);
  for (int trial = 0; trial < 1000; ++trial) {
    const auto first = random_requests(rng, 1 + trial % 30);
    const auto more = random_requests(rng, 1 + (trial * 3) % 40);
    RequestLog log, add;
    log.append(first.data(), first.size());
    add.append(more.data(), more.size());
    const int64_t shift = first.back().accept - more.front().accept + static_cast<int64_t>(rng() % 3);
    RequestLog a = log, b = log;
    a.mark(), b.mark();  // since_mark() codes the changed runs with their maxima
    a.append_log(add, shift);
    b.append_fresh(add, shift);
    check_same_since_mark(a, b);
  }
}

TEST_CASE("window keys of equal request sequences are equal", "[estimator][request_log]") {
  std::mt19937 rng(41);
  for (int trial = 0; trial < 100; ++trial) {
    const auto reqs = random_requests(rng, 1 + trial % 30);
    RequestLog a, b;
    a.append(reqs.data(), reqs.size());
    for (const MemRequest& r : reqs) b.append(&r, 1);
    std::vector<int64_t> ka, kb;
    a.window_key(RequestLog::Pos{}, 5, &ka);
    b.window_key(RequestLog::Pos{}, 5, &kb);
    CHECK(ka == kb);
    // Moved by the origin: the same key.
    RequestLog c = a;
    c.shift(17);
    std::vector<int64_t> kc;
    c.window_key(RequestLog::Pos{}, 22, &kc);
    CHECK(kc == ka);
  }
}

TEST_CASE("rewinding a marked request log gives back its requests at the mark", "[estimator][request_log]") {
  std::mt19937 rng(43);
  for (int trial = 0; trial < 300; ++trial) {
    RequestLog log;
    const auto first = random_requests(rng, 1 + trial % 50);
    log.append(first.data(), first.size());
    const std::vector<MemRequest> at_mark = flat(log);
    log.mark();
    // What the look-ahead does between rewinds: appends, merges, truncation, pruning.
    const auto change = [&] {
      for (int op = 0; op < 1 + trial % 5; ++op) {
        const std::vector<MemRequest> now = flat(log);
        const int64_t last = now.empty() ? 0 : now.back().accept;
        const int64_t t = now.empty() ? 0 : now[rng() % now.size()].accept;
        auto more = random_requests(rng, 1 + static_cast<int>(rng() % 20));
        RequestLog add;
        add.append(more.data(), more.size());
        switch (rng() % 4) {
          case 0: log.append_log(add, last); break;
          case 1: log.merge_in(log.first_accepted_from(t), add, t); break;
          case 2: log.truncate(log.first_accepted_from(t)); break;
          default: log.prune(t); break;
        }
      }
    };
    for (int round = 0; round < 3; ++round) {
      change();
      // One level further in (the state after an instruction, before its look-ahead).
      if (round < 2) {
        const std::vector<MemRequest> at_mark2 = flat(log);
        log.mark2();
        change();
        log.rewind2();
        REQUIRE(same(flat(log), at_mark2));
        if (round == 1) change();
      }
      log.rewind();
      check_same_requests(flat(log), at_mark);
    }
    log.unmark();
  }
}

TEST_CASE("a log's key equals the key coded request by request wherever the floors fall",
          "[estimator][request_log]") {
  // encode() codes the clamped requests in flight a run piece at a time: every floor position
  // against runs rising, flat and (free cycles) falling.
  std::mt19937 rng(57);
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<MemRequest> reqs;
    int64_t a = 0;
    while (static_cast<int>(reqs.size()) < 2 + trial % 40) {
      // Responses never before acceptance, slots never free before the response (as in memory()).
      const int64_t da = rng() % 3, dd = da + rng() % 2, df = static_cast<int64_t>(rng() % 5) - 2, len = 1 + rng() % 15;
      const int64_t d0 = a + static_cast<int64_t>(rng() % 20), f0 = d0 + 5 * len + static_cast<int64_t>(rng() % 4);
      for (int64_t j = 0; j < len; ++j) reqs.emplace_back(a + j * da, d0 + j * dd, f0 + j * df);
      a += len * da + static_cast<int64_t>(rng() % 3);
    }
    RequestLog log;
    log.append(reqs.data(), reqs.size());
    int64_t lo = reqs.front().accept, hi = lo;
    for (const MemRequest& r : reqs) hi = std::max(hi, r.free);
    const int64_t fl = lo - 2 + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 4));
    const int64_t mfl = fl + static_cast<int64_t>(rng() % 6);
    std::vector<int64_t> key;
    log.encode(fl, mfl, 7, &key);
    CHECK(key == reference_key(reqs, fl, mfl, 7));
  }
}
