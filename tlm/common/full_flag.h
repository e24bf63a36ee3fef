// A buffer half's full flag shared by the units of a TLM model, correct under temporal decoupling.
#pragma once

#include <systemc>

#include "local_time.h"

namespace acv {

// A half's full flag and the cycle from which its last change is visible. A unit changes a flag
// in its command's last cycle e and stamps it e + 1 (its local time after the command). Waiting
// is correct under temporal decoupling: the waiter's local time moves to the stamp.
class FullFlag {
 public:
  bool full() const { return full_; }
  // Changes the flag, visible from lt.now().
  void set(bool full, const LocalTime& lt) {
    full_ = full;
    changed_at_ = lt.now();
    lt.notify(changed_, waiters_);
  }
  // Changes the flag now, visible only from `at` (>= lt.now()): a change a unit decides before its
  // cycle (a load whose last responses are still outstanding). Waiters move to `at`.
  void set_at(bool full, const sc_core::sc_time& at, const LocalTime& lt) {
    full_ = full;
    changed_at_ = at;
    lt.notify(changed_, waiters_);
  }
  // Returns once the flag equals `want`, with lt.now() >= the cycle from which that is visible.
  void wait_until(bool want, LocalTime& lt) {
    lt.block_until(changed_, waiters_, [this, want] { return full_ == want; });
    lt.advance_to(changed_at_);
  }

 private:
  bool full_ = false;
  sc_core::sc_time changed_at_;
  sc_core::sc_event changed_;
  int waiters_ = 0;
};

}  // namespace acv
