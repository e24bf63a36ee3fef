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

 public:
  // LT, while the load DMA is inside b_transport with a burst whose last row is accepted in cycle
  // `load_last_accept` (so the load unit pops its command no earlier than the cycle after): a
  // cycle before which the decoder pushes nothing more into any unit queue. Its time only grows;
  // it pushes in program order, so a command it holds for the full load queue, or a flush (which
  // waits for the load's release too), holds back every later push.
  int64_t next_push_floor(int64_t load_last_accept) const;

 private:
  void run();
  // LT: the decoder has no thread. It keeps its own time and runs, in the thread that made
  // progress possible, after every push into the command port and every unit-queue pop or
  // tracker release, taking as many commands as the queues allow with the thread's times step
  // for step (a command at max(its time, the stamp), then the unit slot, then one cycle).
  void drain();
  enum class Kind { Register, Flush, Load, Execute, Store };
  // The decoder registers' part of one command, as the thread does it between taking the command
  // and pushing it: updates the registers, sets every field of `cmd` and registers unit commands
  // with the tracker.
  Kind decode(const ConcreteInstruction& in, UnitCommand& cmd);
  TimedFifo<UnitCommand>* queue_of(Kind k);
  // Checks the operands the hardware would truncate; BackendError naming the command otherwise.
  void check(const ConcreteInstruction& in, int64_t number) const;
  SharedState& state_;
  CommandTarget& command_;
  // Decoder registers (gemmini_top.sv), reset values.
  int64_t ld_stride_ = 0, st_stride_ = 0, shift_ = 0;
  bool relu_ = false, ws_ = true;
  std::array<int64_t, 5> pre_{};
  // LT drain state.
  sc_core::sc_time now_, to_unit_, decode_;
  int64_t number_ = 0;
  bool pending_ = false, flush_pending_ = false;
  Kind pending_kind_ = Kind::Register;
  UnitCommand pending_cmd_;
  SharedState::Counter stall_;
};

}  // namespace acv::gemmini
