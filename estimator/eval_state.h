// The AIDG evaluator's state (when every pipeline object, storage location and memory interface is
// next free), where its times sit for a bound description, and its extrapolation key (method.md 2-3).
#pragma once

#include <cstdint>
#include <limits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "estimator/bound_arch.h"
#include "estimator/location_map.h"
#include "estimator/request_log.h"

namespace acv {

class AddressFrame;


struct KeyHash {
  std::size_t operator()(const std::vector<int64_t>& k) const {
    // FNV-style over four interleaved lanes: no serial multiply chain over the whole (long) key.
    constexpr uint64_t kPrime = 1099511628211ull;
    uint64_t h0 = 1469598103934665603ull, h1 = h0 ^ 1, h2 = h0 ^ 2, h3 = h0 ^ 3;
    const std::size_t n = k.size();
    const int64_t* p = k.data();
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
      h0 = (h0 ^ static_cast<uint64_t>(p[i])) * kPrime;
      h1 = (h1 ^ static_cast<uint64_t>(p[i + 1])) * kPrime;
      h2 = (h2 ^ static_cast<uint64_t>(p[i + 2])) * kPrime;
      h3 = (h3 ^ static_cast<uint64_t>(p[i + 3])) * kPrime;
    }
    for (; i < n; ++i) h0 = (h0 ^ static_cast<uint64_t>(p[i])) * kPrime;
    uint64_t h = ((h0 * kPrime ^ h1) * kPrime ^ h2) * kPrime ^ h3;
    h = (h ^ n) * kPrime;
    return static_cast<std::size_t>(h ^ (h >> 29));
  }
};

// The evaluator's whole state: availability times of every object, location and interface.
struct State {
  std::vector<int64_t> t;      // fixed slots (see Evaluator's layout)
  std::vector<int64_t> head;   // ring positions of queues and memory interfaces
  std::vector<Location> fixed;  // storages with a fixed location count, one after the other (StateLayout::fixed_base)
  std::vector<LocationMap> open;                              // unbounded storages by index
  std::vector<RequestLog> requests;  // per memory interface
  int64_t max_end = 0;
  std::vector<int64_t> busy;   // per object, then per memory interface
};

// The changes to a State's storage locations since start(), to undo them: a snapshot of a state
// without a copy of its location maps (which can hold thousands of rows).
class LocationJournal {
 public:
  bool on() const { return on_; }
  void start() { clear(), on_ = true; }
  void stop() { clear(), on_ = false; }
  // Calls f(Location&) on locations lo .. lo + n - 1 of unbounded storage `st` of `s` (inserted
  // when new), noting what they were.
  template <class F>
  void apply(State* s, std::size_t st, int64_t lo, int64_t n, F f) {
    LocationMap& m = s->open[st];
    if (!on_) {
      m.apply(lo, n, f, nullptr);
      return;
    }
    const std::size_t at = was_.size();
    undo_.push_back(Undo{st, m.apply(lo, n, f, &was_), at, {}, false});
  }
  // Location `at` of the storages with a fixed location count (State::fixed).
  Location& fixed_at(State* s, std::size_t at) {
    Location& l = s->fixed[at];
    if (on_) undo_.push_back(Undo{0, {at, 0, 0, 0}, 0, l, true});
    return l;
  }
  // Contract: the storage locations of `s` back as they were at start(), provided they changed only
  // through apply() and fixed_at() since; the journal stays on.
  void rewind(State* s) { rewind_to(s, 0); }
  // Changes noted so far; rewind_to(s, n) undoes those after the first n (the journal stays on).
  std::size_t size() const { return undo_.size(); }
  void rewind_to(State* s, std::size_t n) {
    while (undo_.size() > n) {
      const Undo& u = undo_.back();
      if (u.fixed) {
        s->fixed[u.change.at] = u.fixed_was;
      } else {
        s->open[u.st].undo(u.change, was_.data() + u.was);
        was_.resize(u.was);
      }
      undo_.pop_back();
    }
  }

 private:
  void clear() { undo_.clear(), was_.clear(); }
  struct Undo {
    std::size_t st;
    LocationMap::Change change;  // fixed: the location in change.at
    std::size_t was;             // where its replaced ranges start in was_
    Location fixed_was;
    bool fixed;
  };
  std::vector<Undo> undo_;
  std::vector<LocationRange> was_;
  bool on_ = false;
};

// Moves every time of `s` by `by`.
void shift_times(State* s, int64_t by);

// Sets of objects, storages or memory interfaces as bit masks: index k is bit k; an index past 63
// is never in one.
inline bool has_bit(uint64_t mask, std::size_t k) { return k < 64 && (mask >> k & 1); }
// Calls f(k) for each index k in `mask`, lowest first.
template <class F>
inline void for_each_bit(uint64_t mask, F f) {
  for (; mask; mask &= mask - 1) f(static_cast<std::size_t>(__builtin_ctzll(mask)));
}

// The parts of a State that a loop segment has not touched since it began (has_bit(): object,
// storage or memory interface k; those past 63 never count as quiet): no step of it ran on such an object,
// accessed such a storage or requested such an interface, so their times neither steer the segment
// nor move with it. A key holds kQuiet for each; a skip gives them their times back (shift_quiet).
struct Quiet {
  uint64_t obj = 0, st = 0, mem = 0;
  bool any() const { return (obj | st | mem) != 0; }
};
constexpr int64_t kQuiet = std::numeric_limits<int64_t>::min() / 4;  // below every clamped time
constexpr int64_t kReadOnly = kQuiet + 1;

// Where each object's and storage's times sit in a State (slots, queue rings, storage ports), the
// lower bounds of future start times, and the key compared for loop extrapolation.
class StateLayout {
 public:
  explicit StateLayout(const BoundArch& arch);
  // Nothing busy yet.
  State initial_state() const;
  int obj_base(std::size_t o) const { return obj_base_[o]; }
  int obj_ring(std::size_t o) const { return obj_ring_[o]; }
  int st_port_base(std::size_t st) const { return st_port_base_[st]; }
  // Where storage `st`'s locations start in State::fixed (fixed location count only).
  std::size_t fixed_base(std::size_t st) const { return fixed_base_[st]; }
  // The units with steps requesting memory interface `m`.
  const std::vector<int>& mem_units(std::size_t m) const { return mem_units_[m]; }
  // A lower bound of every start time still to come; times below it can no longer matter.
  int64_t floor_time(const State& s) const;
  // The objects floor_time() takes the earliest of: those a new instruction can enter first.
  const std::vector<int>& entries() const { return entries_; }
  // A lower bound of the acceptance cycle of every request to memory `m` still to come (fl: floor_time).
  int64_t memory_floor(const State& s, std::size_t m, int64_t fl) const;
  // Contract: writes the state relative to its latest end, with times that can no longer matter
  // clamped away (dropping from `s` the storage locations as good as never touched): equal keys,
  // equal futures up to a shift in time. With `frame`, unbounded storages are keyed relative to
  // iteration `i`'s addresses (AddressFrame); false when they cannot be.
  // `read_only` (with `frame`, bit per storage): unbounded storages the segment only reads, whose
  // rows' times are then left out of the key where every row in the segment's bands has its
  // write_ready at or below the floor (reads wait on none); no key (false) while one is above it.
  bool make_key(State* s, int64_t phase, AddressFrame* frame, int64_t i, std::vector<int64_t>* key,
                const Quiet* quiet = nullptr, uint64_t read_only = 0);
  // Contract: moves the times of the quiet parts of `s` by `by` (unbounded storages only when `open`):
  // after a skip shifted the whole state, what the skipped iterations never touched gets its times back.
  void shift_quiet(State* s, const Quiet& quiet, int64_t by, bool open) const;
  // How many words longer the last key would be with one entry per location instead of per run (the
  // keying cost tests were measured on such keys).
  int64_t extra_words() const { return extra_words_; }
  // Where the unbounded storages' locations start in a key made without a frame: per storage a
  // count of runs, then (lo, n, three times) per run.
  std::size_t fixed_key_size() const { return fixed_key_size_; }

 private:
  const BoundArch& a_;
  std::vector<int> obj_base_, obj_ring_, st_port_base_, entries_;
  std::vector<std::size_t> fixed_base_;
  std::vector<std::vector<int>> mem_units_;  // per memory interface: units with steps requesting it
  std::size_t fixed_key_size_ = 0;           // phase, objects and fixed storages: the first part of every key
  int slots_ = 0, rings_ = 0;
  std::vector<int> obj_slots_;  // slots per object (from obj_base_)
  // The fixed-size parts of the quiet objects and storages: slots(first, n) for their times in
  // State::t, fixed(first, n) for their locations in State::fixed (make_key() and shift_quiet()).
  template <class Slots, class Fixed>
  void quiet_parts(const Quiet& q, Slots slots, Fixed fixed) const {
    for_each_bit(q.obj, [&](std::size_t o) { slots(obj_base_[o], static_cast<int64_t>(obj_slots_[o])); });
    for_each_bit(q.st, [&](std::size_t st) {
      const BoundStorage& bs = a_.storages[st];
      slots(st_port_base_[st], static_cast<int64_t>(bs.banks * (bs.read_ports + bs.write_ports)));
      fixed(fixed_base_[st], bs.locations);
    });
  }
  std::size_t last_key_size_ = 0;                       // of the last key made
  int64_t extra_words_ = 0;                             // of the last key made
  // Slots of the key's fixed part: `n` from `first`, a queue ring rotated by its head (`ring` >= 0),
  // sorted (interchangeable instances or ports) or as they are.
  struct KeyGroup {
    int first, n, ring;
    bool sorted;
  };
  std::vector<KeyGroup> key_groups_;
  std::vector<LocationRange> key_live_;  // scratch of make_key()
};

}  // namespace acv
