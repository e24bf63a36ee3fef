// The shared port of a memory interface as the AIDG evaluator sees it: a step's requests placed in
// time among those already accepted, with a memo of steps already computed (docs/arch-description.md,
// "Shared memory port").
#pragma once

#include <cstdint>
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
  // to lone_req_ and, with the window's up to the last of them, to `accept` (prefix_done, w moved
  // on; the window's from lone_from_). False if none is.
  template <class Accept>
  bool lone_stream(const BoundMemory& bm, int64_t n, int64_t xfer, int64_t interval, int64_t t, int64_t h,
                   bool all, int64_t* prefix_done, std::size_t* w, const Accept& accept);

  Generated generate_requests(const BoundMemory& bm, const MemRequest* rq, std::size_t old_n, MemRequest* nq,
                              int64_t n, int64_t start, int64_t step_start, int64_t interval, int64_t xfer,
                              int64_t done_before_window);

  // memory()'s steps already computed: their new requests relative to start, by step and window.
  struct MemoEntry {
    RequestLog requests;
    int64_t first_accept = 0, issue = 0, done = 0;
  };
  static constexpr std::size_t kMaxMemo = 4096;
  std::unordered_map<std::vector<int64_t>, MemoEntry, KeyHash> memo_;
  std::unordered_map<std::vector<int64_t>, MemoEntry, KeyHash> among_;  // place_among()'s, relative to its first cycle
  std::vector<int64_t> memo_key_;
  bool memoize_among_ = true;
  bool lone_ = true;
  // Scratch of sweep_among(): the requests accepted so far (lone_stream() drops those free by its
  // last cycle), in order; a lone stream's requests.
  std::vector<MemRequest> accepted_, lone_nq_, lone_req_;
  std::size_t lone_from_ = 0;
  int64_t lone_count_ = 0;
  std::vector<int64_t> frees_;  // scratch of memory(): free cycles of placed requests, sorted
  std::vector<MemRequest> window_, new_;  // scratch of memory(): placed window, new requests
};

}  // namespace acv
