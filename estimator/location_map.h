// The locations of an unbounded storage by index: a flat hash map (entries kept densely, an open-
// addressing index over them), since evaluation looks rows up per access and copies whole states.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace acv {

constexpr int64_t kNever = 0;  // "no constraint yet": nothing starts before cycle 0

struct Location {
  int64_t write_ready = kNever, write_end = kNever, read_end = kNever;
};

class LocationMap {
 public:
  using Entry = std::pair<int64_t, Location>;
  // The location at `index`, inserted untouched when new; the reference lasts until the next insert.
  Location& operator[](int64_t index) {
    const std::size_t at = find_slot(index);
    if (slots_[at] >= 0) return entries_[static_cast<std::size_t>(slots_[at])].second;
    return insert_at(at, index, Location{}).second;
  }
  // The location at `index`, or null (nothing inserted).
  const Location* find(int64_t index) const {
    if (slots_.empty()) return nullptr;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t at = home(index);; at = (at + 1) & mask) {
      const int32_t e = slots_[at];
      if (e < 0) return nullptr;
      if (entries_[static_cast<std::size_t>(e)].first == index) return &entries_[static_cast<std::size_t>(e)].second;
    }
  }
  Location* find(int64_t index) { return const_cast<Location*>(static_cast<const LocationMap*>(this)->find(index)); }
  // Inserts `l` at `index` unless present (as unordered_map::emplace).
  void emplace(int64_t index, const Location& l) {
    const std::size_t at = find_slot(index);
    if (slots_[at] < 0) insert_at(at, index, l);
  }
  std::size_t size() const { return entries_.size(); }
  void reserve(std::size_t n) {
    entries_.reserve(n);
    if (2 * n > slots_.size()) rehash(2 * n);
  }
  void swap(LocationMap& o) {
    entries_.swap(o.entries_);
    slots_.swap(o.slots_);
    std::swap(shift_, o.shift_);
  }
  // Removes the entries `dead` holds true for.
  template <class Pred>
  void erase_if(Pred dead) {
    std::size_t n = 0;
    for (auto& e : entries_)
      if (!dead(e)) entries_[n++] = e;
    if (n == entries_.size()) return;
    entries_.resize(n);
    rehash(slots_.size() / 2);
  }
  // Puts the entries in index order (iteration then visits them so), and keeps it cheap to do again:
  // only those appended since the last time are sorted and merged in, and the index is rebuilt only
  // when an entry moved.
  void sort_by_index() {
    const auto less = [](const Entry& x, const Entry& y) { return x.first < y.first; };
    const auto mid = std::is_sorted_until(entries_.begin(), entries_.end(), less);
    if (mid == entries_.end()) return;
    std::sort(mid, entries_.end(), less);
    std::inplace_merge(entries_.begin(), mid, entries_.end(), less);
    rehash(slots_.size() / 2);
  }
  // Removes the entry inserted last (an undo of its insert: the other entries keep their order).
  void pop_back() {
    const std::size_t mask = slots_.size() - 1;
    const auto last = static_cast<int32_t>(entries_.size() - 1);
    std::size_t hole = home(entries_.back().first);
    while (slots_[hole] != last) hole = (hole + 1) & mask;
    // Backward-shift deletion: an entry after the hole moves into it unless its home lies between.
    for (std::size_t j = (hole + 1) & mask; slots_[j] >= 0; j = (j + 1) & mask) {
      const std::size_t h = home(entries_[static_cast<std::size_t>(slots_[j])].first);
      if (((j - h) & mask) >= ((j - hole) & mask)) slots_[hole] = slots_[j], hole = j;
    }
    slots_[hole] = -1;
    entries_.pop_back();
  }
  std::vector<Entry>::iterator begin() { return entries_.begin(); }
  std::vector<Entry>::iterator end() { return entries_.end(); }
  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }

 private:
  std::size_t home(int64_t index) const {
    return static_cast<std::size_t>((static_cast<uint64_t>(index) * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  // The slot holding `index`, or the empty slot where it would go.
  std::size_t find_slot(int64_t index) {
    if (slots_.empty()) rehash(8);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t at = home(index);; at = (at + 1) & mask) {
      const int32_t e = slots_[at];
      if (e < 0 || entries_[static_cast<std::size_t>(e)].first == index) return at;
    }
  }
  Entry& insert_at(std::size_t at, int64_t index, const Location& l) {
    slots_[at] = static_cast<int32_t>(entries_.size());
    entries_.emplace_back(index, l);
    if (2 * entries_.size() > slots_.size()) rehash(slots_.size());  // at most half full
    return entries_.back();
  }
  // Rebuilds the index with room for `n` entries at most half full.
  void rehash(std::size_t n) {
    std::size_t cap = 16;
    int bits = 4;
    while (cap < 2 * n) cap *= 2, ++bits;
    shift_ = 64 - bits;
    slots_.assign(cap, -1);
    const std::size_t mask = cap - 1;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      std::size_t at = home(entries_[i].first);
      while (slots_[at] >= 0) at = (at + 1) & mask;
      slots_[at] = static_cast<int32_t>(i);
    }
  }

  std::vector<Entry> entries_;
  std::vector<int32_t> slots_;
  int shift_ = 60;
};

}  // namespace acv
