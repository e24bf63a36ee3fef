// The requests an external memory interface has accepted, as the AIDG evaluator keeps them: runs of
// arithmetic progressions, so a DMA burst of thousands of requests costs a few runs of state.
#pragma once

#include <cstdint>
#include <vector>

namespace acv {

// One request accepted by an external memory interface: accepted at `accept`, response at `done`,
// its outstanding slot free again from `free`. `prefix_done` / `prefix_free`: the latest response /
// free cycle among the requests up to this one in acceptance order (filled by materialize()).
struct MemRequest {
  MemRequest() {}  // left uninitialized: scratch buffers are sized before they are filled
  MemRequest(int64_t a, int64_t d, int64_t f) : accept(a), done(d), free(f), prefix_done(0), prefix_free(0) {}
  int64_t accept, done, free;
  int64_t prefix_done, prefix_free;
};

// Greedy run-length code of a request sequence for the extrapolation key: the count, the first
// request, then (length, differences) of each maximal run of equal differences between neighbours.
// Canonical: it depends on the sequence only, not on how it was fed.
class RunEncoder {
 public:
  explicit RunEncoder(std::vector<int64_t>* key) : key_(key), count_at_(key->size()) { key->push_back(0); }
  void one(int64_t a, int64_t d, int64_t f) {
    if (kept_ == 0) {
      key_->insert(key_->end(), {a, d, f});
      pa_ = a, pd_ = d, pf_ = f, kept_ = 1;
      return;
    }
    bulk(1, a - pa_, d - pd_, f - pf_);
  }
  // n requests, each (xa, xd, xf) after the one before: the same code as n calls of one().
  void bulk(int64_t n, int64_t xa, int64_t xd, int64_t xf) {
    if (n <= 0) return;
    if (!(run_ > 0 && xa == da_ && xd == dd_ && xf == df_)) {
      if (run_ > 0) put_run();
      da_ = xa, dd_ = xd, df_ = xf, run_ = 0;
    }
    run_ += n;
    pa_ += n * xa, pd_ += n * xd, pf_ += n * xf, kept_ += n;
  }
  void finish() {
    if (run_ > 0) put_run();
    (*key_)[count_at_] = kept_;
  }

 private:
  void put_run() {
    key_->push_back(run_);
    key_->push_back(da_);
    key_->push_back(dd_);
    key_->push_back(df_);
  }

  std::vector<int64_t>* key_;
  std::size_t count_at_;
  int64_t kept_ = 0, pa_ = 0, pd_ = 0, pf_ = 0, da_ = 0, dd_ = 0, df_ = 0, run_ = 0;
};

// Requests in acceptance order (accept never decreases), stored as runs: request i of a run is
// (accept + i*da, done + i*dd, free + i*df). Per run the prefix maxima of done / free up to its last
// request; after prune() they may still count pruned requests, whose cycles are at or below every
// cycle still asked about, so they never decide anything.
class RequestLog {
 public:
  struct Pos {
    std::size_t run = 0;
    int64_t off = 0;  // request within the run
  };

  std::size_t runs() const { return runs_.size() - begin_; }
  Pos end() const { return Pos{runs_.size(), 0}; }
  // The first request whose prefix free maximum exceeds t: every request before it is free by t.
  Pos first_not_free(int64_t t) const;
  // The first request accepted at or after t.
  Pos first_accepted_from(int64_t t) const;
  // The first request that can still matter from cycle t on (in flight at t, or accepted at or
  // after it: a request accepted at t takes a port at t): the earlier of the two above.
  Pos first_relevant(int64_t t) const;
  // Latest response among the requests before p (INT64_MIN when none).
  int64_t done_before(Pos p) const;
  // The requests from p on, with their prefix maxima.
  void materialize(Pos p, std::vector<MemRequest>* out) const;
  // Drops the requests from p on.
  void truncate(Pos p);
  // Appends requests accepted at or after the last one.
  void append(const MemRequest* r, std::size_t n);
  // Appends `count` requests: request i is window[i % w] + (i / w + 1) * delta in all three cycles.
  void append_repeated(const MemRequest* window, std::size_t w, int64_t delta, int64_t count);
  // Appends `count` requests from `first` on, each `da` later in acceptance and `dd` in response
  // and free (accepted at or after the last one).
  void append_progression(const MemRequest& first, int64_t count, int64_t da, int64_t dd) {
    if (count > 0) push_run(Run{first.accept, first.done, first.free, count, da, dd, dd, 0, 0});
  }
  // Appends the requests of `other` from `from` up to `to`, every cycle moved by `shift` (accepted
  // at or after the last one).
  void append_log(const RequestLog& other, int64_t shift) { append_range(other, Pos{}, other.end(), shift); }
  void append_range(const RequestLog& other, Pos from, Pos to, int64_t shift);
  // append_log() of a log never pruned (its prefix maxima count only its own requests): the same
  // runs, each run's maxima the last one's or its own moved.
  void append_fresh(const RequestLog& other, int64_t shift);
  struct Run {
    int64_t a, d, f, n, da, dd, df;
    int64_t pd, pf;  // prefix maxima through the run's last request
  };
  // A merge_in() kept for replay(): its pieces relative to the shift, the runs they make pushed on
  // an empty log (prefix maxima relative), and per piece the index of the run it starts there or -1.
  struct Merge {
    bool kept = false;
    std::vector<Run> pieces, runs;
    std::vector<int64_t> starts;
  };
  // Replaces the requests from `at` on by them merged with those of `other` moved by `shift`, in
  // acceptance order, this log's first among equals (run by run, splitting only where they interleave).
  // With `keep`, also notes the merge there.
  void merge_in(Pos at, const RequestLog& other, int64_t shift, Merge* keep = nullptr);
  // Contract: the same runs as the merge_in() that kept `m`, given a log whose requests from `at` on
  // are those it had, relative to `shift` (equal window_key()s): its pieces pushed one by one until
  // one starts a run as it did on the empty log; from there the runs are those, copied.
  void replay(Pos at, const Merge& m, int64_t shift);
  // Appends to `key` the requests from `at` on, relative to `origin`, as runs: equal keys mean
  // equal requests (the converse need not hold).
  void window_key(Pos at, int64_t origin, std::vector<int64_t>* key) const;
  // Contract: from mark() on the log notes the runs it changes, so that rewind() brings it back to
  // its runs at mark() (and goes on noting from there) without a copy of the unchanged ones;
  // unmark() stops noting. Appends, truncations and merges at the end cost only what they change.
  void mark() {
    marked_ = true, mark_size_ = touched_ = runs_.size(), saved_.clear(), marked2_ = false, saved2_.clear();
    mark_begin_ = begin_, mark_begin_off_ = begin_off_, pruned_ = false;
  }
  void rewind();
  void unmark() { marked_ = false, saved_.clear(), marked2_ = false, saved2_.clear(); }
  // The same one level further in, while marked: rewind2() brings the log back to its runs at
  // mark2() and ends it; mark(), rewind() and unmark() end it too.
  void mark2() {
    marked2_ = true, mark2_size_ = touched2_ = runs_.size(), saved2_.clear();
    mark2_begin_ = begin_, mark2_begin_off_ = begin_off_;
  }
  void rewind2();
  // Appends what changed since mark(): the runs from the first changed one on (those before it
  // are as at mark()). Equal codes of one log since one mark() mean equal requests.
  void since_mark(std::vector<int64_t>* out) const;
  // Acceptance cycle of the last request (INT64_MIN when empty).
  int64_t last_accept() const;
  // Drops the requests before first_relevant(t) (free by t and accepted before it): they are skipped
  // (begin_) and the runs before them erased once they are half the log.
  void prune(int64_t t);
  void shift(int64_t by);
  // The extrapolation key of the requests still relevant at floor `fl` with port floor `mfl` >= fl,
  // relative to `ref`: free by mfl and accepted before it = dropped; before fl clamped to fl
  // (accept to fl - 1); from mfl on as they are (accept >= mfl, done and free >= accept).
  void encode(int64_t fl, int64_t mfl, int64_t ref, std::vector<int64_t>* key) const;

 private:
  // The first request not pruned.
  Pos begin() const { return Pos{begin_, begin_off_}; }
  // p, or begin() when p is before it.
  Pos clamp(Pos p) const { return (p.run < begin_ || (p.run == begin_ && p.off < begin_off_)) ? begin() : p; }
  // Requests of run i before the first not pruned (begin_off_ in the first run, else 0).
  int64_t first_in(std::size_t i) const { return i == begin_ ? begin_off_ : 0; }
  // Before a change to the last run: when it is the first run with pruned requests, drops them from
  // it, so that it is the run it would be had they been erased (push() re-derives its differences).
  void trim_first_if_last();
  // Erases the runs before begin_.
  void compact();
  // Runs from `i` on are about to change: since mark(), keep the ones not yet kept.
  void touch(std::size_t i) {
    if (marked_ && i < touched_) keep(i);
    if (marked2_ && i < touched2_) keep2(i);
  }
  void keep(std::size_t i);
  void keep2(std::size_t i);
  void push(int64_t a, int64_t d, int64_t f);
  void push_run(const Run& r);
  int64_t prev_pd() const;
  int64_t prev_pf() const;

  std::vector<Run> runs_;
  // Pruned: the runs before begin_ and the first begin_off_ requests of run begin_ (an index into
  // runs_, all of whose Pos are). Kept until compact(): erasing them on every prune moved the log.
  std::size_t begin_ = 0;
  int64_t begin_off_ = 0;
  std::size_t mark_begin_ = 0, mark2_begin_ = 0;
  int64_t mark_begin_off_ = 0, mark2_begin_off_ = 0;
  bool pruned_ = false;  // prune() since mark(): since_mark() codes from the first request then
  // Since mark(): runs [touched_, mark_size_) as they were then, in saved_ (runs before touched_
  // are unchanged).
  bool marked_ = false;
  std::size_t mark_size_ = 0, touched_ = 0;
  std::vector<Run> saved_;
  bool marked2_ = false;  // since mark2(): the same for rewind2()
  std::size_t mark2_size_ = 0, touched2_ = 0;
  std::vector<Run> saved2_;
};

}  // namespace acv
