#include "dispatcher.h"

#include <string>

#include "models/common/error.h"

namespace acv::systolic {

Dispatcher::Dispatcher(sc_core::sc_module_name name, SharedState& state, CommandTarget& command)
    : sc_core::sc_module(name),
      state_(state),
      command_(command),
      to_unit_(state.clock.cycles(state.timing.queue_to_unit)),
      dispatch_(state.clock.cycles(state.timing.dispatch)) {
  if (state_.mode == TlmMode::LooselyTimed) {
    command_.on_push([this] { drain(); });
    // The host's progress matters only to the dispatcher, which is in order: it need not resume
    // the host before it has taken every queued instruction.
    command_.set_lazy_host_wakeup(true);
    state_.dispatch = [this] { drain(); };
  } else {
    SC_THREAD(run);
  }
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

void Dispatcher::drain() {
  for (;;) {
    if (!pending_queue_) {  // take the next instruction, as the thread's command_.next(lt)
      if (!command_.has_next()) return;
      if (command_.peek_next_stamp() > now_) now_ = command_.peek_next_stamp();
      pending_ = command_.peek_next();
      command_.pop_next_at(now_);
      switch (pending_.opcode) {
        case kDmaLoad: pending_queue_ = &state_.load_queue; break;
        case kCompute: pending_queue_ = &state_.compute_queue; break;
        case kDmaStore: pending_queue_ = &state_.store_queue; break;
        default: throw BackendError("systolic dispatcher: unknown opcode " + std::to_string(pending_.opcode));
      }
    }
    if (!pending_queue_->has_free_slot()) return;  // the unit's pop resumes it, with the same now_
    now_ = pending_queue_->push_at(pending_, now_, to_unit_) + dispatch_;
    pending_queue_ = nullptr;
  }
}

}  // namespace acv::systolic
