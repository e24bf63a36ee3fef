// The shared memory port: a step's requests placed in time, runs of them memoized (memory_port.h).
#include "estimator/memory_port.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <queue>

namespace acv {

MemoryPort::Placed MemoryPort::place(RequestLog* log_in, std::size_t m, const BoundMemory& bm, int64_t n,
                                     int64_t xfer, int64_t interval, int64_t start, int64_t step_start) {
  // One sweep in time over the placed requests (sorted by accept) and this step's new ones:
  // acceptance cycles only grow within a step, so every count below is a pointer that only
  // moves forward. The new requests are merged into the log at the end, each after the placed
  // requests accepted by its cycle (as if inserted one by one).
  // The placed requests that can still matter from `start` on (every one before them was accepted
  // before start and is free by then) come out of the log as a flat window: count those freed by
  // `start` (they stay freed), collect the later free cycles, and take the state at t = start
  // (accepted by / before start, their latest response).
  RequestLog& log = *log_in;
  const RequestLog::Pos window_at = log.first_relevant(start);
  const int64_t done_before_window = log.done_before(window_at);
  const auto window = static_cast<std::size_t>(bm.max_outstanding);
  // The new requests depend only on the step's parameters and the placed window, relative to
  // start (an earlier response at or before start + latency never decides one): steps in a
  // steady state repeat that, so their requests are looked up instead of computed.
  memo_key_.assign({static_cast<int64_t>(m), n, xfer, interval, start - step_start,
                    std::max(done_before_window, start + bm.latency) - start});
  log.window_key(window_at, start, &memo_key_);
  if (memo_.size() > kMaxMemo) memo_.clear();
  auto [entry, fresh] = memo_.try_emplace(memo_key_);
  MemoEntry& e = entry->second;
  if (fresh) {
    log.materialize(window_at, &window_);
    new_.resize(static_cast<std::size_t>(n));
    const Generated g = generate_requests(bm, window_.data(), window_.size(), new_.data(), n, start, step_start,
                                          interval, xfer, done_before_window);
    e.requests = RequestLog();
    e.requests.append(new_.data(), g.k);
    if (g.repeat_count > 0)
      e.requests.append_repeated(new_.data() + g.k - window, window, g.repeat_delta, g.repeat_count);
    e.requests.append_progression(g.run_first, g.run_count, g.run_da, g.run_dd);
    e.requests.shift(-start);
    e.first_accept = (g.k > 0 ? new_[0].accept : g.run_first.accept) - start;
    e.issue = g.issue - start;
    e.done = g.done - start;
  }
  return put(&log, window_at, &e, start);
}

MemoryPort::Placed MemoryPort::place_among(RequestLog* log, const BoundMemory& bm, int64_t n, int64_t xfer,
                                           int64_t interval, int64_t start, int64_t step_start, int rank,
                                           const std::vector<Stream>& later) {
  // Request by request in time (sweep_among), memoized.
  if (n <= 0) return Placed{start - interval, step_start};
  int64_t lo = start;
  for (const Stream& s : later) lo = std::min(lo, s.start);
  const RequestLog::Pos at = log->first_relevant(lo);
  int64_t prefix_done = log->done_before(at);
  // The outcome depends only on the inputs relative to `lo` (an earlier response than lo + latency
  // decides no request, none being accepted before lo): steps of a steady state repeat them, so their
  // requests are looked up. Exact: the entry holds what the sweep below computed. The window is
  // keyed by its runs (equal codes, equal requests) and listed request by request only to sweep.
  memo_key_.assign({bm.latency, bm.ports, bm.max_outstanding, bm.release_delay, n, xfer, interval, start - lo,
                    step_start - lo, std::max(prefix_done, lo + bm.latency) - lo, rank,
                    static_cast<int64_t>(later.size())});
  for (const Stream& s : later) memo_key_.insert(memo_key_.end(), {s.start - lo, s.n, s.xfer, s.interval, s.rank});
  log->window_key(at, lo, &memo_key_);
  if (among_.size() > kMaxMemo || !memoize_among_) among_.clear();
  auto [entry, fresh] = among_.try_emplace(memo_key_);
  MemoEntry& e = entry->second;
  if (fresh) {
    log->materialize(at, &window_);
    const Placed p = sweep_among(bm, n, xfer, interval, start, step_start, rank, later, prefix_done);
    e.requests = RequestLog();
    e.requests.append(new_.data(), new_.size());
    e.requests.shift(-lo);
    e.first_accept = new_[0].accept - lo;
    e.issue = p.issue - lo;
    e.done = p.done - lo;
  }
  return put(log, at, &e, lo);
}

MemoryPort::Placed MemoryPort::put(RequestLog* log, RequestLog::Pos window_at, MemoEntry* e, int64_t origin) {
  if (log->last_accept() <= origin + e->first_accept) {
    log->append_fresh(e->requests, origin);
  } else {
    // Placed requests fall among the new ones: merge them in (placed first among equals). The
    // window is the key's, so a merge made once is replayed.
    if (e->merge.kept) log->replay(window_at, e->merge, origin);
    else log->merge_in(window_at, e->requests, origin, &e->merge);
  }
  return Placed{origin + e->issue, origin + e->done};
}

MemoryPort::Placed MemoryPort::sweep_among(const BoundMemory& bm, int64_t n, int64_t xfer, int64_t interval,
                                           int64_t start, int64_t step_start, int rank,
                                           const std::vector<Stream>& later, int64_t prefix_done) {
  struct Next {
    int64_t t, left, xfer, interval;
    int rank;
    bool mine;
  };
  std::vector<Next> streams{{start, n, xfer, interval, rank, true}};
  for (const Stream& s : later)
    if (s.n > 0) streams.push_back({s.start, s.n, s.xfer, s.interval, s.rank, false});
  // A cycle two want goes by rank, then program order.
  std::stable_sort(streams.begin(), streams.end(), [](const Next& a, const Next& b) { return a.rank < b.rank; });
  std::size_t me = 0;
  while (!streams[me].mine) ++me;
  std::priority_queue<int64_t, std::vector<int64_t>, std::greater<>> frees;  // of the requests accepted so far
  new_.clear();
  accepted_.start(prefix_done);
  std::size_t w = 0;
  int64_t issue = start - interval, done = step_start, cycle = std::numeric_limits<int64_t>::min(), same = 0;
  while (streams[me].left > 0) {
    int64_t t = std::numeric_limits<int64_t>::max(), h = t;  // the least and second least next cycle
    std::size_t x = 0;
    for (std::size_t k = 0; k < streams.size(); ++k) {
      if (streams[k].left == 0) continue;
      if (streams[k].t < t) h = t, t = streams[k].t, x = k;
      else h = std::min(h, streams[k].t);
    }
    // Worth trying when a few of its requests fit before h and a port and a slot are free at t
    // (else it is held, as by the others: they alternate).
    while (!frees.empty() && frees.top() <= t) frees.pop();
    std::size_t due = w;
    while (due < window_.size() && window_[due].accept <= t) ++due;
    if (lone_ && streams[x].interval >= 1 && h - t > 3 * streams[x].interval &&
        static_cast<int64_t>(frees.size() + (due - w)) < bm.max_outstanding && (t != cycle || same < bm.ports) &&
        lone_stream(bm, streams[x].left, streams[x].xfer, streams[x].interval, streams[x].t, h, streams[x].mine, &w)) {
      // Stream x alone before cycle h (the later streams' loads waiting on no store, a store's
      // tail): its requests up to there follow place()'s rule among those accepted and the
      // window, so generate_requests() places them (closed forms included) instead of the sweep.
      Next& s = streams[x];
      const int64_t last = lone_req_.back().accept;  // only those still in flight after it matter
      for (const MemRequest& r : lone_req_) {
        if (r.free > last) frees.push(r.free);
        if (s.mine) new_.push_back(r), issue = r.accept, done = std::max(done, r.done);
      }
      for (std::size_t i = lone_from_; i < w; ++i)
        if (window_[i].free > last) frees.push(window_[i].free);
      s.left -= lone_count_;
      s.t = lone_req_.back().accept + s.interval;
      // The state after the cycle of its last request: the requests accepted in it.
      cycle = lone_req_.back().accept, same = 1;
      for (std::size_t i = lone_from_; i < w; ++i) same += window_[i].accept == cycle ? 1 : 0;
      continue;
    }
    if (t != cycle) cycle = t, same = 0;
    // Placed requests keep their cycles: first among equals.
    const std::size_t from = w;
    w = accepted_.take_window(window_, w, t);
    for (std::size_t i = from; i < w; ++i) {
      frees.push(window_[i].free);
      same += window_[i].accept == t ? 1 : 0;
    }
    while (!frees.empty() && frees.top() <= t) frees.pop();
    for (std::size_t k = 0; k < streams.size(); ++k) {
      Next& s = streams[k];
      if (s.left == 0 || s.t > t) continue;
      if (same >= bm.ports || static_cast<int64_t>(frees.size()) >= bm.max_outstanding) {
        // Held: the next cycle, or when a slot frees if they are all taken.
        s.t = static_cast<int64_t>(frees.size()) >= bm.max_outstanding ? std::max(t + 1, frees.top()) : t + 1;
        continue;
      }
      const int64_t d = std::max(t + bm.latency, accepted_.done) + s.xfer;
      frees.push(d + bm.release_delay);
      ++same;
      accepted_.take(MemRequest{t, d, d + bm.release_delay});
      if (s.mine) {
        new_.emplace_back(t, d, d + bm.release_delay);
        issue = t;
        done = std::max(done, d);
      }
      --s.left;
      s.t = t + s.interval;
    }
  }
  return Placed{issue, done};
}

bool MemoryPort::lone_stream(const BoundMemory& bm, int64_t n, int64_t xfer, int64_t interval, int64_t t, int64_t h,
                             bool all, std::size_t* w) {
  // The placed requests: those accepted, then the window's still to come (taken off again).
  const Accepted::Mark before = accepted_.mark();
  accepted_.take_window(window_, *w, std::numeric_limits<int64_t>::max());
  // No more than one per interval from t on fits before h (a step's first requests do not depend on
  // its later ones).
  if (h < std::numeric_limits<int64_t>::max()) n = std::min(n, (h - t - 1) / interval + 1);
  lone_nq_.resize(static_cast<std::size_t>(n));
  const Generated g = generate_requests(bm, accepted_.list.data(), accepted_.list.size(), lone_nq_.data(), n, t, t,
                                        interval, xfer, before.done);
  accepted_.rewind(before);
  // Its requests accepted before h, in order: the explicit ones, the repeated windows, the run
  // (acceptance cycles grow along them). Only the last max_outstanding can be in flight after the
  // last of them, and its response is the latest: the others are left out unless they are this
  // step's own (`all`).
  const auto window = static_cast<std::size_t>(bm.max_outstanding);
  const auto nth = [&](int64_t i) {
    if (i < static_cast<int64_t>(g.k)) return lone_nq_[static_cast<std::size_t>(i)];
    i -= static_cast<int64_t>(g.k);
    if (i < g.repeat_count) {
      MemRequest q = lone_nq_[g.k - window + static_cast<std::size_t>(i % bm.max_outstanding)];
      const int64_t shift = (i / bm.max_outstanding + 1) * g.repeat_delta;
      q.accept += shift, q.done += shift, q.free += shift;
      return q;
    }
    i -= g.repeat_count;
    return MemRequest(g.run_first.accept + i * g.run_da, g.run_first.done + i * g.run_dd,
                      g.run_first.free + i * g.run_dd);
  };
  int64_t lo = 0, hi = static_cast<int64_t>(g.k) + g.repeat_count + g.run_count;  // first accepted at h or later
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (nth(mid).accept < h) lo = mid + 1;
    else hi = mid;
  }
  lone_count_ = lo;
  lone_req_.clear();
  for (int64_t i = all ? 0 : std::max<int64_t>(0, lo - bm.max_outstanding); i < lo; ++i) lone_req_.push_back(nth(i));
  if (lone_req_.empty()) return false;
  // Into the accepted ones, the window's first among equals, up to its last request's cycle.
  lone_from_ = *w;
  const int64_t last = lone_req_.back().accept;
  std::size_t i = *w;
  for (const MemRequest& r : lone_req_) {
    i = accepted_.take_window(window_, i, r.accept);
    accepted_.take(r);
  }
  *w = accepted_.take_window(window_, i, last);
  // Those free by the last cycle decide nothing after it but the response order, which the
  // next one's prefix_done (or Accepted::done) holds.
  accepted_.drop_free_by(last);
  return true;
}

MemoryPort::Generated MemoryPort::generate_requests(const BoundMemory& bm, const MemRequest* rq, std::size_t old_n, MemRequest* nq, int64_t n, int64_t start, int64_t step_start, int64_t interval, int64_t xfer, int64_t done_before_window) {
  const auto by_accept = [](const MemRequest& r, int64_t v) { return r.accept < v; };
  const auto accept_after = [](int64_t v, const MemRequest& r) { return v < r.accept; };
  const MemRequest* const old_end = rq + old_n;
  const auto window = static_cast<std::size_t>(bm.max_outstanding);
  std::size_t ilt = static_cast<std::size_t>(std::lower_bound(rq, old_end, start, by_accept) - rq);
  std::size_t ia = static_cast<std::size_t>(std::upper_bound(rq + ilt, old_end, start, accept_after) - rq);
  int64_t prefix_done = ia > 0 ? rq[ia - 1].prefix_done : done_before_window;
  // Requests before `q` are all free by start.
  const std::size_t q = static_cast<std::size_t>(
      std::partition_point(rq, old_end, [start](const MemRequest& r) { return r.prefix_free <= start; }) - rq);
  frees_.resize(old_n - q);
  int64_t* const fr = frees_.data();
  std::size_t nf = 0;
  for (std::size_t i = q; i < old_n; ++i) {
    fr[nf] = rq[i].free;
    nf += rq[i].free > start ? 1 : 0;
  }
  const int64_t freed_base = static_cast<int64_t>(old_n - nf);
  // Free cycles mostly grow with acceptance: sort only when they do not.
  if (!std::is_sorted(fr, fr + nf)) std::sort(fr, fr + nf);
  std::size_t k = 0, jf = 0, kn = 0;  // new requests, frees <= t, new frees <= t
  int64_t new_same = 0, last_new_accept = std::numeric_limits<int64_t>::min();
  int64_t done = step_start, issue = start - interval;
  const int64_t lat = bm.latency, rd = bm.release_delay;
  int64_t j = 0;
  // Closed form of the recurrence below for the `left` requests still to come (only this step's
  // counting), when it settles at once:
  // request i (from 1) accepted at issue + i * interval (no port or slot binds), its response
  // either latency + xfer after that (xfer <= interval: the port keeps up) or xfer after the one
  // before (xfer >= interval: responses back to back). Slots are checked against the window
  // before and, as their margin is linear in i, at both ends of the run itself.
  const auto progression = [&](int64_t left) -> Generated {
    Generated g{k, issue, done, 0, 0, MemRequest{0, 0, 0}, 0, 0, 0};
    if (interval < 1 || left <= 0) return g;
    const int64_t t1 = issue + interval, w = bm.max_outstanding;
    int64_t base = 0, dd = 0;  // response of request i: base + i * dd
    const bool keeps_up = xfer <= interval && prefix_done <= t1 + lat;
    if (keeps_up) {
      base = issue + lat + xfer, dd = interval;
    } else if (xfer >= interval && prefix_done >= t1 + lat) {
      base = prefix_done, dd = xfer;
    } else {
      return g;
    }
    // Request i waits for the one w back: a new one of this step (index k - 1 + i - w < k) ...
    for (int64_t i = std::max<int64_t>(1, w - static_cast<int64_t>(k) + 1); i <= std::min(left, w); ++i)
      if (nq[static_cast<std::size_t>(static_cast<int64_t>(k) - 1 + i - w)].free > issue + i * interval) return g;
    // ... or one of the run (i' = i - w >= 1): free base + i' * dd + rd by issue + (i' + w) * interval.
    for (const int64_t ip : {int64_t{1}, left - w})
      if (ip >= 1 && base + ip * dd + rd > issue + (ip + w) * interval) return g;
    g.run_first = MemRequest{t1, base + dd, base + dd + rd};
    g.run_count = left, g.run_da = interval, g.run_dd = dd;
    g.issue = issue + left * interval;
    g.done = std::max(done, base + left * dd);
    return g;
  };
  for (; j < n; ++j) {
    // Every placed request accepted before t and free by then (at j == 0 the pointers stand at
    // start itself, where a request accepted at start still takes a port): see below.
    if (ia == old_n && jf == nf && interval >= 1 && (j > 0 || ilt == old_n)) break;
    // No placed request in flight at the last acceptance (every one accepted by then is freed):
    // until the next placed one is accepted only this step's requests count, as in the loop below.
    if (j > 0 && interval >= 1 && static_cast<int64_t>(ia) == freed_base + static_cast<int64_t>(jf)) {
      const int64_t next_placed = ia < old_n ? rq[ia].accept : std::numeric_limits<int64_t>::max();
      // All the rest before it: the closed form (a load's requests before a store placed later).
      if (issue + (n - j) * interval < next_placed) {
        const Generated g = progression(n - j);
        if (g.run_count > 0) return g;
      }
      for (; j < n; ++j) {
        int64_t t = issue + interval;
        if (k >= window) t = std::max(t, nq[k - window].free);
        if (t >= next_placed) break;
        issue = t;
        const int64_t d = std::max(issue + lat, prefix_done) + xfer;
        nq[k++] = MemRequest{issue, d, d + rd};
        prefix_done = d;
        done = std::max(done, d);
      }
      if (j == n) break;
      last_new_accept = issue;
      new_same = 1;
    }
    // The first cycle from issue + interval on in which the interface accepts a request (see
    // the rule below memory()).
    int64_t t = issue + interval;
    for (;;) {
      while (ia < old_n && rq[ia].accept <= t) prefix_done = std::max(prefix_done, rq[ia++].done);
      while (ilt < old_n && rq[ilt].accept < t) ++ilt;
      while (jf < nf && fr[jf] <= t) ++jf;
      while (kn < k && nq[kn].free <= t) ++kn;
      const int64_t same = static_cast<int64_t>(ia - ilt) + (last_new_accept == t ? new_same : 0);
      const int64_t in_flight = static_cast<int64_t>(ia + k) -
                                (freed_base + static_cast<int64_t>(jf) + static_cast<int64_t>(kn));
      if (in_flight >= bm.max_outstanding) {
        // Nothing frees before the earliest free after t.
        int64_t next_free = std::numeric_limits<int64_t>::max();
        if (jf < nf) next_free = fr[jf];
        if (kn < k) next_free = std::min(next_free, nq[kn].free);
        t = std::max(t + 1, next_free);
      } else if (same >= bm.ports) {
        ++t;
      } else {
        break;
      }
    }
    issue = t;
    // Responses leave in acceptance order: after every response of a request accepted earlier.
    const int64_t d = std::max(issue + lat, prefix_done) + xfer;
    nq[k++] = MemRequest{issue, d, d + rd};
    if (issue == last_new_accept) {
      ++new_same;
    } else {
      last_new_accept = issue;
      new_same = 1;
    }
    prefix_done = std::max(prefix_done, d);
    done = std::max(done, d);
  }
  // Every placed request is accepted before issue + interval and free by then: only this step's
  // requests matter. The port is free after the last acceptance (interval >= 1), and as free
  // cycles grow with acceptance, fewer than max_outstanding are in flight at t exactly when the
  // request max_outstanding places back is free by t.
  // The recurrence below depends only on the last request and the free cycles of the last window,
  // and is shift-invariant: once a window of its requests equals the window before plus one delta,
  // every later request is the one a window back plus that delta (checked once per window).
  const std::size_t tail_start = k;
  int64_t repeat_count = 0, repeat_delta = 0;  // requests left as copies of the last window
  if (j < n) {
    const Generated g = progression(n - j);
    if (g.run_count > 0) return g;
  }
  std::size_t check_at = std::max(2 * window, tail_start + window + 1);
  for (; j < n; ++j) {
    if (k == check_at) {
      const int64_t delta = nq[k - 1].accept - nq[k - 1 - window].accept;
      bool periodic = true;
      for (std::size_t i = k - window; i < k && periodic; ++i)
        periodic = nq[i].accept == nq[i - window].accept + delta && nq[i].done == nq[i - window].done + delta &&
                   nq[i].free == nq[i - window].free + delta;
      if (periodic) {
        // The rest goes into the log as shifted copies of the last window (a few runs).
        repeat_count = n - j;
        repeat_delta = delta;
        const MemRequest& last = nq[k - window + static_cast<std::size_t>((repeat_count - 1) % bm.max_outstanding)];
        const int64_t last_shift = ((repeat_count - 1) / bm.max_outstanding + 1) * delta;
        issue = last.accept + last_shift;
        done = std::max(done, last.done + last_shift);
        break;
      }
      check_at += window;
    }
    int64_t t = issue + interval;
    if (k >= window) t = std::max(t, nq[k - window].free);
    issue = t;
    const int64_t d = std::max(issue + lat, prefix_done) + xfer;
    nq[k++] = MemRequest{issue, d, d + rd};
    prefix_done = d;  // d > every response so far (xfer >= 0 on top of their maximum)
    done = std::max(done, d);
  }
  return Generated{k, issue, done, repeat_count, repeat_delta, MemRequest{0, 0, 0}, 0, 0, 0};
}


// The rule memory() applies for each request, from `t` on: the first cycle in which the
// interface accepts a request — its port takes `ports` requests per cycle and fewer than
// max_outstanding requests are in flight (accepted by t and not yet free at t). Requests already
// placed (by instructions earlier in program order) keep their cycles: a later instruction's
// requests fill the cycles and slots they leave free, in time order. A request with free <= t
// was accepted before t, so the requests in flight at t are those accepted by t less those freed
// by t.


}  // namespace acv
