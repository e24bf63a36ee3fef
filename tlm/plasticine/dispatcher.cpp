#include "dispatcher.h"

#include <string>

#include "models/common/error.h"

namespace acv::plasticine {

Dispatcher::Dispatcher(sc_core::sc_module_name name, SharedState& state, CommandTarget& command)
    : sc_core::sc_module(name),
      state_(state),
      command_(command),
      to_unit_(state.clock.cycles(state.timing.queue_to_unit)),
      step_(state.clock.cycles(state.timing.dispatch)) {
  command_.on_push([this] { drain(); });
  state_.dispatch = [this] { drain(); };
  if (state_.mode == TlmMode::LooselyTimed) command_.set_lazy_host_wakeup(true);
}

TimedFifo<ConcreteInstruction>* Dispatcher::queue_of(int opcode) {
  switch (opcode) {
    case kLoad: return &state_.load_queue;
    case kRoute:
    case kCompute: return &state_.compute_queue;
    case kStore: return &state_.store_queue;
    default: throw BackendError("plasticine dispatcher: unknown opcode " + std::to_string(opcode));
  }
}

void Dispatcher::drain() {
  for (;;) {
    if (held_for_ == nullptr) {
      if (!command_.has_next()) return;
      if (command_.peek_next_stamp() > now_) now_ = command_.peek_next_stamp();
      held_ = command_.peek_next();
      command_.pop_next_at(now_);
      held_for_ = queue_of(held_.opcode);
    }
    if (!held_for_->has_free_slot()) return;  // the unit's pop resumes it, with the same now_
    now_ = held_for_->push_at(held_, now_, to_unit_) + step_;
    held_for_ = nullptr;
  }
}

}  // namespace acv::plasticine
