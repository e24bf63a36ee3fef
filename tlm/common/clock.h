// Cycle <-> sc_time conversion: every TLM model counts time in cycles of one accelerator clock.
#pragma once

#include <systemc>

#include <cstdint>

namespace acv {

// The accelerator clock; 1 GHz unless a model says otherwise. Kept as a value (no sc_clock):
// TLM models annotate delays in cycles and never toggle a clock signal.
class Clock {
 public:
  explicit Clock(const sc_core::sc_time& period) : period_(period) {}
  static Clock default_clock() { return Clock(sc_core::sc_time(1, sc_core::SC_NS)); }

  const sc_core::sc_time& period() const { return period_; }
  // Inline arithmetic (sc_time::from_value is a library call, frequent in LT): exact, since
  // n * period stays far below 2^53 time-resolution units.
  sc_core::sc_time cycles(int64_t n) const { return n == 1 ? period_ : period_ * static_cast<double>(n); }
  // Whole cycles elapsed at `t` (rounded down).
  int64_t to_cycles(const sc_core::sc_time& t) const { return static_cast<int64_t>(t.value() / period_.value()); }
  // The cycle of the first clock edge at or after `t`: to_cycles(align_up(t)) without building the
  // sc_time (a from_value library call, several per memory burst).
  int64_t cycles_up(const sc_core::sc_time& t) const {
    const uint64_t p = period_.value();
    return static_cast<int64_t>((t.value() + p - 1) / p);
  }
  // The first clock edge at or after `t`.
  sc_core::sc_time align_up(const sc_core::sc_time& t) const {
    const uint64_t p = period_.value();
    return sc_core::sc_time::from_value((t.value() + p - 1) / p * p);
  }

 private:
  sc_core::sc_time period_;
};

}  // namespace acv
