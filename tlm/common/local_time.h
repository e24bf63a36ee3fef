// A SystemC thread's notion of "now" in either TLM mode: temporally decoupled (LT) or synchronous (AT).
#pragma once

#include <systemc>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "clock.h"
#include "tlm_runner.h"

namespace acv {

// LT: now() = sc_time_stamp() + a local offset kept by a tlm_quantumkeeper; advance() adds to the
// offset and yields only when the quantum is used up. AT: advance() is wait(), now() the kernel time.
// Behaviour written against LocalTime runs unchanged in both modes.
// Contract: used from one SC_THREAD only; construct (or reset()) inside that thread.
class LocalTime {
 public:
  LocalTime(TlmMode mode, const Clock& clock) : mode_(mode), clock_(clock) { keeper_.reset(); }

  TlmMode mode() const { return mode_; }
  const Clock& clock() const { return clock_; }
  bool decoupled() const { return mode_ == TlmMode::LooselyTimed; }

  sc_core::sc_time now() const { return decoupled() ? keeper_.get_current_time() : sc_core::sc_time_stamp(); }
  int64_t now_cycles() const { return clock_.to_cycles(now()); }
  // Offset of now() ahead of the kernel time (zero in AT), as b_transport's delay argument wants it.
  sc_core::sc_time offset() const { return decoupled() ? keeper_.get_local_time() : sc_core::SC_ZERO_TIME; }

  void advance(const sc_core::sc_time& d) {
    if (decoupled()) {
      keeper_.inc(d);
      if (keeper_.need_sync()) keeper_.sync();
    } else if (d > sc_core::SC_ZERO_TIME) {
      sc_core::wait(d);
    }
  }
  void advance_cycles(int64_t n) { advance(clock_.cycles(n)); }
  // Moves now() forward to t (never backward).
  void advance_to(const sc_core::sc_time& t) {
    if (t > now()) advance(t - now());
  }
  // Sets now() to t (never before the kernel time). After a b_transport call, which may have
  // waited and so moved the kernel time, this re-bases the offset instead of counting it twice.
  void set_now(const sc_core::sc_time& t) {
    const sc_core::sc_time kernel = sc_core::sc_time_stamp();
    if (decoupled()) {
      keeper_.reset();
      if (t > kernel) advance(t - kernel);
    } else if (t > kernel) {
      sc_core::wait(t - kernel);
    }
  }
  // Brings the kernel up to now() (LT), e.g. before blocking on an event.
  void sync() {
    if (decoupled()) keeper_.sync();
  }
  // Blocks until ready() holds, re-checking it each time `e` fires. The kernel is first brought up
  // to now() (LT), and the condition re-checked after that, so a change made meanwhile is not lost.
  template <class Ready>
  void wait_until(const sc_core::sc_event& e, Ready ready) {
    if (ready()) return;
    sync();
    while (!ready()) sc_core::wait(e);
    if (decoupled()) keeper_.reset();
  }

 private:
  TlmMode mode_;
  Clock clock_;
  tlm_utils::tlm_quantumkeeper keeper_;
};

}  // namespace acv
