// The plasticine dispatcher: takes instructions from the command port in program order into the
// load, compute (route and compute) and store queues.
#pragma once

#include <systemc>

#include "shared_state.h"

namespace acv::plasticine {

// Passive, no thread of its own: it keeps its own time and runs, in the thread that made progress
// possible, after every push into the command port and every pop from a unit queue. An instruction
// leaves the command queue at max(dispatcher time, its stamp), enters its unit queue once a slot is
// free (stamped + queue_to_unit), and the next one is taken `dispatch` cycles later.
class Dispatcher : public sc_core::sc_module {
 public:
  Dispatcher(sc_core::sc_module_name name, SharedState& state, CommandTarget& command);

 private:
  void drain();
  TimedFifo<ConcreteInstruction>* queue_of(int opcode);

  SharedState& state_;
  CommandTarget& command_;
  sc_core::sc_time now_;
  sc_core::sc_time to_unit_, step_;
  ConcreteInstruction held_;                          // taken, waiting for a unit slot
  TimedFifo<ConcreteInstruction>* held_for_ = nullptr;  // ... of this queue (nullptr: none)
};

}  // namespace acv::plasticine
