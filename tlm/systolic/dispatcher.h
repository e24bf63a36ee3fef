// The dispatcher: takes instructions from the command port in program order into the unit queues.
#pragma once

#include <systemc>

#include "shared_state.h"

namespace acv::systolic {

// Passive, no thread of its own (one thread switch per instruction less, LT and AT): it keeps
// its own time and runs, in the thread that made progress possible, after every push into the
// command port and every pop from a unit queue (SharedState::dispatch), moving as many
// instructions as the queues allow. Its times are those of a dispatcher thread, step for step: an
// instruction leaves the command queue at max(dispatcher time, its stamp), enters its unit queue
// once a slot is free (stamped + queue_to_unit), and the next one is taken `dispatch` cycles
// later. In AT the stamps are never before the kernel's time (the host pushes and the units pop
// at it), and the units wait for them.
class Dispatcher : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Dispatcher);
  Dispatcher(sc_core::sc_module_name name, SharedState& state, CommandTarget& command);

  // The time of its next step (its later pushes are no earlier), and the queue of the
  // instruction it holds because that queue is full (nullptr: none).
  const sc_core::sc_time& now() const { return now_; }
  const TimedFifo<ConcreteInstruction>* blocked_on() const { return pending_queue_; }

 private:
  void drain();

  SharedState& state_;
  CommandTarget& command_;
  sc_core::sc_time now_;  // the dispatcher's time
  sc_core::sc_time to_unit_, dispatch_;
  ConcreteInstruction pending_;                                // taken, waiting for a unit slot
  TimedFifo<ConcreteInstruction>* pending_queue_ = nullptr;  // ... of this queue (nullptr: none)
};

}  // namespace acv::systolic
