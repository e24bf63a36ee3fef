#include "dispatcher.h"

#include <string>

#include "models/common/error.h"

namespace acv::systolic {

Dispatcher::Dispatcher(sc_core::sc_module_name name, SharedState& state, CommandTarget& command)
    : sc_core::sc_module(name), state_(state), command_(command) {
  SC_THREAD(run);
}

void Dispatcher::run() {
  LocalTime lt(state_.mode, state_.clock);
  const sc_core::sc_time to_unit = state_.clock.cycles(state_.timing.queue_to_unit);
  for (;;) {
    const ConcreteInstruction instr = command_.next(lt);
    switch (instr.opcode) {
      case kDmaLoad: state_.load_queue.push(instr, lt, to_unit); break;
      case kCompute: state_.compute_queue.push(instr, lt, to_unit); break;
      case kDmaStore: state_.store_queue.push(instr, lt, to_unit); break;
      default: throw BackendError("systolic dispatcher: unknown opcode " + std::to_string(instr.opcode));
    }
    lt.advance_cycles(state_.timing.dispatch);
  }
}

}  // namespace acv::systolic
