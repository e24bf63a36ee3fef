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
  command_.on_push([this] { drain(); });
  state_.dispatch = [this] { drain(); };
  // LT: the host's progress matters only to the dispatcher, which is in order: it need not resume
  // the host before it has taken every queued instruction. (AT resumes it at every pop, as its
  // polling of the free-slot count must see them.)
  if (state_.mode == TlmMode::LooselyTimed) command_.set_lazy_host_wakeup(true);
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
