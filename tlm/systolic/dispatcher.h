// The dispatcher: takes instructions from the command port in program order into the unit queues.
#pragma once

#include <systemc>

#include "shared_state.h"

namespace acv::systolic {

class Dispatcher : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Dispatcher);
  Dispatcher(sc_core::sc_module_name name, SharedState& state, CommandTarget& command);

 private:
  void run();
  SharedState& state_;
  CommandTarget& command_;
};

}  // namespace acv::systolic
