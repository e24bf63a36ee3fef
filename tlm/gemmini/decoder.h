// The decoder: takes commands from the command port in program order, resolves configs and
// preloads, registers each unit command with the dependency tracker and pushes it to its queue.
#pragma once

#include <systemc>

#include "shared_state.h"
#include "tlm/common/command_target.h"

namespace acv::gemmini {

class Decoder : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Decoder);
  Decoder(sc_core::sc_module_name name, SharedState& state, CommandTarget& command);

 private:
  void run();
  // Checks the operands the hardware would truncate; BackendError naming the command otherwise.
  void check(const ConcreteInstruction& in, int64_t number) const;
  SharedState& state_;
  CommandTarget& command_;
};

}  // namespace acv::gemmini
