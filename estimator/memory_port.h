// The shared port of a memory interface as the AIDG evaluator sees it: a step's requests placed in
// time among those already accepted, with a memo of steps already computed (docs/arch-description.md,
// "Shared memory port").
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <unordered_map>
#include <vector>

#include "estimator/bound_arch.h"
#include "estimator/eval_state.h"
#include "estimator/request_log.h"

namespace acv {

class MemoryPort {
 public:
  struct Placed {
    int64_t issue, done;  // the last acceptance, the latest response
  };
  // Contract: places `n` requests of interface `m` (`bm`), each `xfer` cycles of data, one per
  // `interval` after the previous one was accepted from `start` on (the step started at
  // `step_start`), among the requests already in `log`, which it appends them to. Exact: the memo
  // returns what computing them would.
  Placed place(RequestLog* log, std::size_t m, const BoundMemory& bm, int64_t n, int64_t xfer, int64_t interval,
               int64_t start, int64_t step_start);

  // A step of an instruction later in program order: `n` requests of `xfer` cycles, the first
  // issued at `start`, each next one `interval` after the previous one was accepted; its unit's
  // `rank` (BoundMemory::rank).
  struct Stream {
    int64_t start, n, xfer, interval;
    int rank = 0;
  };
  // Contract: as place(), but the requests of the `later` steps (in program order) compete for the
  // port and slots in time order too: a cycle two want goes to the placed requests, then to this
  // step and the later steps by rank, equal ranks in program order; every request accepted earlier
  // counts against the slots and the response order. Only this step's requests (rank `rank`) are
  // appended to `log`.
  Placed place_among(RequestLog* log, const BoundMemory& bm, int64_t n, int64_t xfer, int64_t interval, int64_t start,
                     int64_t step_start, int rank, const std::vector<Stream>& later);
  // Tests: place_among() computes every step (the memo gives the same).
  void memoize_among(bool on) { memoize_among_ = on; }
  // Tests: place_among() sweeps every request, also a stream's while it is the only one (the same).
  void jump_lone(bool on) { lone_ = on; }

 private:
  // A step's new requests (see memory()): the first `k` in nq, then `repeat_count` copies of the
  // last window of max_outstanding shifted by multiples of `repeat_delta`, or else `run_count`
  // requests from `run_first` on, each `run_da` / `run_dd` later in acceptance / response and free;
  // `issue` / `done` are the last acceptance and the latest response.
  struct Generated {
    std::size_t k;
    int64_t issue, done, repeat_count, repeat_delta;
    MemRequest run_first;
    int64_t run_count, run_da, run_dd;
  };

  // place_among()'s placement request by request in time after the window (window_) and the
  // response order before it (prefix_done); this step's new requests in new_.
  Placed sweep_among(const BoundMemory& bm, int64_t n, int64_t xfer, int64_t interval, int64_t start,
                     int64_t step_start, int rank, const std::vector<Stream>& later, int64_t prefix_done);

  // sweep_among()'s stream alone from cycle `t` until `h` (every other one's next cycle): its `n`
  // requests placed by generate_requests() among the accepted ones and the window from `w` on;
  // lone_count_ of them are accepted before h. Those (`all`) or the last max_outstanding of them go
  // to lone_req_ and, with the window's up to the last of them, to accepted_ (w moved on; the
  // window's from lone_from_). False if none is.
  bool lone_stream(const BoundMemory& bm, int64_t n, int64_t xfer, int64_t interval, int64_t t, int64_t h,
                   bool all, std::size_t* w);

  Generated generate_requests(const BoundMemory& bm, const MemRequest* rq, std::size_t old_n, MemRequest* nq,
                              int64_t n, int64_t start, int64_t step_start, int64_t interval, int64_t xfer,
                              int64_t done_before_window);

  // memory()'s steps already computed: their new requests relative to start, by step and window.
  struct MemoEntry {
    RequestLog requests;
    int64_t first_accept = 0, issue = 0, done = 0;
    RequestLog::Merge merge;  // its merge into the window the key codes, once made
  };
  // A memo entry's requests (relative to `origin`) into the log whose window, keyed, starts at
  // `window_at`: place()'s and place_among()'s common end.
  static Placed put(RequestLog* log, RequestLog::Pos window_at, MemoEntry* e, int64_t origin);
  static constexpr std::size_t kMaxMemo = 4096;
  std::unordered_map<std::vector<int64_t>, MemoEntry, KeyHash> memo_;
  std::unordered_map<std::vector<int64_t>, MemoEntry, KeyHash> among_;  // place_among()'s, relative to its first cycle
  std::vector<int64_t> memo_key_;
  bool memoize_among_ = true;
  bool lone_ = true;
  // sweep_among()'s requests accepted so far, in order, each with the prefix maxima of done and free
  // over every request accepted up to it (generate_requests() reads them: the response order and
  // the slots); lone_stream() drops those free by its last cycle, the maxima still count them.
  struct Accepted {
    std::vector<MemRequest> list;
    int64_t done = 0, free = 0;  // the prefix maxima so far
    // Empty, the responses before it done by `prefix_done`.
    void start(int64_t prefix_done) { list.clear(), done = prefix_done, free = std::numeric_limits<int64_t>::min(); }
    void take(const MemRequest& r) {
      done = std::max(done, r.done), free = std::max(free, r.free);
      list.push_back(r);
      list.back().prefix_done = done, list.back().prefix_free = free;
    }
    // Takes window[w], window[w + 1], ... while accepted by `until`; returns where it stopped.
    std::size_t take_window(const std::vector<MemRequest>& window, std::size_t w, int64_t until) {
      for (; w < window.size() && window[w].accept <= until; ++w) take(window[w]);
      return w;
    }
    void drop_free_by(int64_t t) {
      list.erase(list.begin(), std::partition_point(list.begin(), list.end(),
                                                    [t](const MemRequest& r) { return r.prefix_free <= t; }));
    }
    struct Mark {
      std::size_t size;
      int64_t done, free;
    };
    Mark mark() const { return Mark{list.size(), done, free}; }
    void rewind(const Mark& m) { list.resize(m.size), done = m.done, free = m.free; }
  };
  Accepted accepted_;
  // Scratch of sweep_among(): a lone stream's requests.
  std::vector<MemRequest> lone_nq_, lone_req_;
  std::size_t lone_from_ = 0;
  int64_t lone_count_ = 0;
  std::vector<int64_t> frees_;  // scratch of memory(): free cycles of placed requests, sorted
  std::vector<MemRequest> window_, new_;  // scratch of memory(): placed window, new requests
};

}  // namespace acv
