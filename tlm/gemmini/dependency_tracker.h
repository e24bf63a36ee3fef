// The dependency tracker of the Gemmini-like accelerator: row ranges per command, RAW / WAR / WAW
// between units, and the cycle from which each command stops blocking others.
#pragma once

#include <systemc>

#include <array>
#include <cstdint>
#include <vector>

#include "tlm/common/local_time.h"

namespace acv::gemmini {

enum class Unit { Load = 0, Execute = 1, Store = 2 };
constexpr int kNumUnits = 3;

// A row range [addr, addr + len); len = 0 is empty.
struct RowRange {
  int64_t addr = 0, len = 0;
  bool overlaps(const RowRange& o) const {
    return len != 0 && o.len != 0 && addr < o.addr + o.len && o.addr < addr + len;
  }
};

// The rows a command touches (gemmini_pkg::ranges_t).
struct Ranges {
  RowRange sp_rd0, sp_rd1, sp_wr, acc_rd, acc_wr;
  // Whether command `*this` must wait for older command `o` (gemmini_pkg::conflicts).
  bool conflicts(const Ranges& o) const {
    const bool raw = sp_rd0.overlaps(o.sp_wr) || sp_rd1.overlaps(o.sp_wr) || acc_rd.overlaps(o.acc_wr) ||
                     acc_wr.overlaps(o.acc_wr);  // accumulating writes read too
    const bool war = sp_wr.overlaps(o.sp_rd0) || sp_wr.overlaps(o.sp_rd1) || acc_wr.overlaps(o.acc_rd);
    const bool waw = sp_wr.overlaps(o.sp_wr);
    return raw || war || waw;
  }
};

// In the RTL a queue head starts once no older command of another unit that is still queued or
// in flight (records) conflicts with it. A command blocks from its push until its release: the
// cycle after its load / store is done, or after its compute's last accumulator write. The TLM
// model works with those release cycles instead of polling per cycle: a head's earliest start is
// the latest release over the older conflicting commands of the other units. A release is known
// once its unit has scheduled the command; until then a head that conflicts with it waits.
// Each unit finishes its commands in program order, so its releases never decrease: a backward
// scan over a unit's older commands stops at the first one released before the head's time.
// Every unit checks at its local time, which is never behind the kernel's, so a command released
// at or before the kernel time blocks nobody any more and is dropped.
class DependencyTracker {
 public:
  // Contract: commands are added in program order, before their unit can see them; returns the
  // command's program-order number.
  int64_t add(Unit unit, const Ranges& ranges);
  // Contract: called once per command, by its unit, no later than (local time) `at`.
  void release(Unit unit, int64_t seq, const sc_core::sc_time& at);
  // Moves lt.now() to the first cycle from which no older command of another unit that conflicts
  // with command `seq` (of `unit`, not released yet) blocks it; waits while such a command's
  // release is not known yet.
  void wait_clear(Unit unit, int64_t seq, LocalTime& lt);
  // Moves lt.now() to the first cycle after every command added so far is released (flush).
  void wait_all(LocalTime& lt);
  // Non-blocking wait_all (LT): whether every command added so far is released; if so `at` is the
  // latest release time (of those wait_all would move to, or earlier ones: never later than now).
  bool all_released(sc_core::sc_time& at) const;
  // LT: release() notifies only when it releases a command somebody waits for (a waiter woken by
  // another release only re-checks and waits again; in LT each such wake was a thread switch).
  // AT notifies at every release, as before.
  void set_decoupled(bool on) { decoupled_ = on; }

 private:
  struct Entry {
    int64_t seq = 0;
    Ranges ranges;
    bool released = false;
    sc_core::sc_time at;
  };
  // One unit's commands, in program order: a FIFO with the indexing of a vector (std::deque's blocks
  // hold four entries; its indexing showed in the scans). Entries leave from the front; the vector
  // drops them in bulk. References to entries do not outlive a push (the scans re-find by position).
  class Entries {
   public:
    bool empty() const { return head_ == v_.size(); }
    std::size_t size() const { return v_.size() - head_; }
    Entry& operator[](std::size_t i) { return v_[head_ + i]; }
    const Entry& operator[](std::size_t i) const { return v_[head_ + i]; }
    Entry& front() { return v_[head_]; }
    const Entry& back() const { return v_.back(); }
    std::vector<Entry>::iterator begin() { return v_.begin() + static_cast<std::ptrdiff_t>(head_); }
    std::vector<Entry>::iterator end() { return v_.end(); }
    void push_back(const Entry& x) { v_.push_back(x); }
    void pop_front() {
      if (++head_ == v_.size()) {
        v_.clear();
        head_ = 0;
      } else if (head_ >= 256 && 2 * head_ >= v_.size()) {
        v_.erase(v_.begin(), begin());
        head_ = 0;
      }
    }

   private:
    std::vector<Entry> v_;
    std::size_t head_ = 0;
  };
  // The entry of `seq` in `e`, or nullptr once it was dropped.
  static Entry* find(Entries& e, int64_t seq);
  void drop_old(Entries& e, int64_t& dropped);
  std::array<Entries, kNumUnits> units_;
  // Waits until command `seq` of unit `u` is released (or dropped).
  // (at position `abs`, counted as dropped_).
  void wait_released(int u, int64_t abs, int64_t seq, LocalTime& lt);
  // The entry of `seq` (of unit u), expected at position `abs`; nullptr once dropped.
  Entry* find_at(int u, int64_t abs, int64_t seq);
  int64_t next_seq_ = 0;
  bool decoupled_ = false;
  std::array<std::vector<int64_t>, kNumUnits> waited_;  // per unit: the commands threads wait for
  // Per unit: entries dropped so far and the position (counted from the first entry ever added)
  // of the oldest unreleased one; units release in program order, so release() finds it at once.
  std::array<int64_t, kNumUnits> dropped_{}, next_release_{};
  std::array<sc_core::sc_time, kNumUnits> last_release_{};  // per unit: latest release time
  // Per checking unit and other unit: where wait_clear's last scan started (same counting); each
  // unit checks its commands in program order, so the next scan starts there or later.
  std::array<std::array<int64_t, kNumUnits>, kNumUnits> scan_from_{};
  sc_core::sc_event released_;
};

}  // namespace acv::gemmini
