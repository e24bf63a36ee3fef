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

  sc_core::sc_time now() const { return decoupled() ? keeper_.get_current_time() : kernel_time(); }
  // sc_time_stamp(), inlined (the library's is a call through the PLT; now() is called often).
  static const sc_core::sc_time& kernel_time() { return sc_core::sc_get_curr_simcontext()->time_stamp(); }
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
    const sc_core::sc_time n = now();
    if (t > n) advance(t - n);
  }
  // Sets now() to t (never before the kernel time). After a b_transport call, which may have
  // waited and so moved the kernel time, this re-bases the offset instead of counting it twice.
  void set_now(const sc_core::sc_time& t) {
    const sc_core::sc_time kernel = kernel_time();
    if (decoupled()) {
      rebase(t > kernel ? t - kernel : sc_core::SC_ZERO_TIME);
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
  // wait_until for conditions whose change carries its own timestamp, which the caller then
  // moves to (TimedFifo, flags stamped with the cycle a change becomes visible): in LT the kernel
  // is not brought up to now() first, so blocking costs one thread switch instead of two; now()
  // keeps at least its value from before (the kernel may then be behind it, as after any LT step).
  template <class Ready>
  void block_until(const sc_core::sc_event& e, Ready ready) {
    if (ready()) return;
    if (!decoupled()) {
      while (!ready()) sc_core::wait(e);
      return;
    }
    const sc_core::sc_time before = now();
    while (!ready()) sc_core::wait(e);
    const sc_core::sc_time kernel = kernel_time();
    rebase(before > kernel ? before - kernel : sc_core::SC_ZERO_TIME);
  }
  // Wakes the threads blocked on `e` for a change made at now(). LT: an immediate notification
  // (no delta cycle; the waiters take the time from the change's stamp). AT: a delta notification,
  // as before, so the order of the processes within a cycle does not change.
  void notify(sc_core::sc_event& e) const {
    if (decoupled()) e.notify();
    else e.notify(sc_core::SC_ZERO_TIME);
  }
  // block_until and notify for an event only they use, counting the blocked threads in `waiters`:
  // in LT an immediate notification with nobody waiting does nothing, so it is skipped (the
  // kernel's notify and trigger showed in the per-instruction cost). AT always notifies (a delta
  // notification also wakes a thread that starts waiting later in the same delta cycle).
  template <class Ready>
  void block_until(const sc_core::sc_event& e, int& waiters, Ready ready) {
    if (ready()) return;
    ++waiters;
    block_until(e, ready);
    --waiters;
  }
  void notify(sc_core::sc_event& e, int waiters) const {
    if (waiters > 0 || !decoupled()) notify(e);
  }

 private:
  // LT: now() = kernel time + offset. The keeper's next sync point (a quantum boundary, set at its
  // last reset) stays valid while the kernel has not passed it, and once it has, need_sync() holds
  // and the sync resets it; so no reset (and quantum computation) per call.
  void rebase(const sc_core::sc_time& offset) {
    keeper_.set(offset);
    if (keeper_.need_sync()) keeper_.sync();
  }

  // tlm_quantumkeeper with the kernel time read inline; the same arithmetic.
  class Keeper : public tlm_utils::tlm_quantumkeeper {
   public:
    bool need_sync() const override { return kernel_time() + m_local_time >= m_next_sync_point; }
    void reset() override {
      m_local_time = sc_core::SC_ZERO_TIME;
      m_next_sync_point = kernel_time() + compute_local_quantum();
    }
    sc_core::sc_time get_current_time() const override { return kernel_time() + m_local_time; }
    // tlm_global_quantum::compute_local_quantum's arithmetic inline (it was a library call and a
    // from_value per LocalTime, i.e. per command-port access): the time to the next quantum boundary.
    sc_core::sc_time compute_local_quantum() override {
      const sc_core::sc_time& quantum = tlm::tlm_global_quantum::instance().get();
      if (quantum == sc_core::SC_ZERO_TIME) return sc_core::SC_ZERO_TIME;
      return quantum - kernel_time() % quantum;
    }
  };

  TlmMode mode_;
  Clock clock_;
  Keeper keeper_;
};

}  // namespace acv
