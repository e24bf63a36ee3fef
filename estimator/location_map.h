// The locations of an unbounded storage by index, as sorted ranges of consecutive locations with the
// same times: an access of 16 rows is one range, so look-ups, updates, undo, copies and keys cost per
// range, not per row.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace acv {

constexpr int64_t kNever = 0;  // "no constraint yet": nothing starts before cycle 0

struct Location {
  int64_t write_ready = kNever, write_end = kNever, read_end = kNever;
  bool operator==(const Location& o) const {
    return write_ready == o.write_ready && write_end == o.write_end && read_end == o.read_end;
  }
  bool operator!=(const Location& o) const { return !(*this == o); }
};

// Locations lo .. lo + n - 1, all with the times `l`.
struct LocationRange {
  int64_t lo, n;
  Location l;
  int64_t end() const { return lo + n; }
};

class LocationMap {
 public:
  // An apply(): ranges [at, at + removed) were replaced by [at, at + added); `rows` locations new.
  struct Change {
    std::size_t at, removed, added, rows;
  };

  LocationMap() = default;
  // Copies leave the scratch behind (states are copied often).
  LocationMap(const LocationMap& o) : r_(o.r_), rows_(o.rows_) {}
  LocationMap& operator=(const LocationMap& o) {
    r_ = o.r_, rows_ = o.rows_;
    return *this;
  }
  LocationMap(LocationMap&&) = default;
  LocationMap& operator=(LocationMap&&) = default;

  // The location at `index`, or null.
  const Location* find(int64_t index) const {
    const auto it = first_ending_after(index);
    return it != r_.end() && it->lo <= index ? &it->l : nullptr;
  }
  // The latest `field` over the locations held among lo .. lo + n - 1 (kNever when none is). Inlined
  // (a hazard check per access).
  [[gnu::always_inline]] int64_t latest(int64_t lo, int64_t n, int64_t Location::*field) const {
    int64_t t = kNever;
    for (auto it = first_ending_after(lo); it != r_.end() && it->lo < lo + n; ++it) t = std::max(t, it->l.*field);
    return t;
  }
  // Calls f(Location&) on each of the locations lo .. lo + n - 1 (n > 0), those not held inserted
  // untouched first; neighbouring ranges left with equal times are merged. With `was`, the ranges
  // replaced are appended to it (undo()).
  template <class F>
  Change apply(int64_t lo, int64_t n, F f, std::vector<LocationRange>* was) {
    const int64_t hi = lo + n;
    // Most accesses hit one range exactly (rows written together are read together) or rows none
    // holds; where the result merges with no neighbour that is one range changed or inserted.
    const auto k = static_cast<std::size_t>(first_ending_after(lo) - r_.begin());
    const bool exact = k < r_.size() && r_[k].lo == lo && r_[k].n == n;
    if (exact || k == r_.size() || r_[k].lo >= hi) {
      Location l = exact ? r_[k].l : Location{};
      f(l);
      const bool merges = (k > 0 && r_[k - 1].end() == lo && r_[k - 1].l == l) ||
                          (k + exact < r_.size() && r_[k + exact].lo == hi && r_[k + exact].l == l);
      if (!merges) {
        if (was && exact) was->push_back(r_[k]);
        if (exact) {
          r_[k].l = l;
          return Change{k, 1, 1, 0};
        }
        r_.insert(r_.begin() + static_cast<std::ptrdiff_t>(k), LocationRange{lo, n, l});
        rows_ += static_cast<std::size_t>(n);
        return Change{k, 0, 1, static_cast<std::size_t>(n)};
      }
    }
    // The ranges overlapping or touching lo .. hi - 1 (touching ones may merge).
    const auto p = static_cast<std::size_t>(first_ending_after(lo - 1) - r_.begin());
    std::size_t q = p;
    while (q < r_.size() && r_[q].lo <= hi) ++q;
    if (was) was->insert(was->end(), r_.begin() + static_cast<std::ptrdiff_t>(p), r_.begin() + static_cast<std::ptrdiff_t>(q));
    std::size_t rows = 0;
    new_.clear();
    auto put = [&](const LocationRange& x) {
      if (!new_.empty() && new_.back().end() == x.lo && new_.back().l == x.l) new_.back().n += x.n;
      else new_.push_back(x);
    };
    auto changed = [&](int64_t from, int64_t to, Location l) {
      f(l);
      put(LocationRange{from, to - from, l});
    };
    int64_t at = lo;  // locations below it are done
    for (std::size_t k = p; k < q; ++k) {
      const LocationRange x = r_[k];
      if (x.lo > at && at < hi) {  // a gap of locations not held
        const int64_t to = std::min(x.lo, hi);
        rows += static_cast<std::size_t>(to - at);
        changed(at, to, Location{});
        at = to;
      }
      if (x.end() <= lo || x.lo >= hi) {  // touching only
        put(x);
        continue;
      }
      if (x.lo < lo) put(LocationRange{x.lo, lo - x.lo, x.l});
      const int64_t to = std::min(x.end(), hi);
      changed(std::max(x.lo, lo), to, x.l);
      at = to;
      if (x.end() > hi) put(LocationRange{hi, x.end() - hi, x.l});
    }
    if (at < hi) rows += static_cast<std::size_t>(hi - at), changed(at, hi, Location{});
    splice(p, q - p, new_.data(), new_.size());
    rows_ += rows;
    return Change{p, q - p, new_.size(), rows};
  }
  // Contract: undoes apply()'s `c`, given the ranges it replaced, when every later change was undone.
  void undo(const Change& c, const LocationRange* was) {
    splice(c.at, c.added, was, c.removed);
    rows_ -= c.rows;
  }
  // Locations held.
  std::size_t size() const { return rows_; }
  std::size_t ranges() const { return r_.size(); }
  // Removes the ranges whose times `dead` holds true for.
  template <class Pred>
  void erase_if(Pred dead) {
    std::size_t n = 0;
    for (auto& x : r_) {
      if (dead(x.l)) rows_ -= static_cast<std::size_t>(x.n);
      else r_[n++] = x;
    }
    r_.resize(n);
  }
  // Contract: replaces the content by `ranges` (disjoint, any order); neighbours with equal times merge.
  void assign(std::vector<LocationRange>* ranges) {
    std::sort(ranges->begin(), ranges->end(), [](const LocationRange& x, const LocationRange& y) { return x.lo < y.lo; });
    r_.clear();
    rows_ = 0;
    for (const auto& x : *ranges) {
      rows_ += static_cast<std::size_t>(x.n);
      if (!r_.empty() && r_.back().end() == x.lo && r_.back().l == x.l) r_.back().n += x.n;
      else r_.push_back(x);
    }
  }
  // Moves every location by `d` (a memo exit reused at other addresses).
  void translate(int64_t d) {
    for (auto& x : r_) x.lo += d;
  }
  void swap(LocationMap& o) {
    r_.swap(o.r_);
    std::swap(rows_, o.rows_);
  }
  std::vector<LocationRange>::iterator begin() { return r_.begin(); }
  std::vector<LocationRange>::iterator end() { return r_.end(); }
  std::vector<LocationRange>::const_iterator begin() const { return r_.begin(); }
  std::vector<LocationRange>::const_iterator end() const { return r_.end(); }

 private:
  std::vector<LocationRange>::const_iterator first_ending_after(int64_t index) const {
    return std::partition_point(r_.begin(), r_.end(), [index](const LocationRange& x) { return x.end() <= index; });
  }
  // Replaces the `n` ranges from `at` by `m` from `from`.
  void splice(std::size_t at, std::size_t n, const LocationRange* from, std::size_t m) {
    const auto pos = r_.begin() + static_cast<std::ptrdiff_t>(at);
    if (m > n) r_.insert(pos + static_cast<std::ptrdiff_t>(n), m - n, LocationRange{});
    else if (m < n) r_.erase(pos + static_cast<std::ptrdiff_t>(m), pos + static_cast<std::ptrdiff_t>(n));
    std::copy(from, from + m, r_.begin() + static_cast<std::ptrdiff_t>(at));
  }

  std::vector<LocationRange> r_;  // sorted, disjoint
  std::size_t rows_ = 0;
  std::vector<LocationRange> new_;  // scratch of apply()
};

}  // namespace acv
