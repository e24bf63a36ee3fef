// The command port: a register target through which a host feeds a Program's instructions.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <array>
#include <cstdint>
#include <functional>

#include "command_registers.h"
#include "local_time.h"
#include "models/common/program.h"
#include "timed_fifo.h"

namespace acv {

// Register file of command_registers.h in front of a TimedFifo of instructions. The accelerator's
// dispatcher pops instructions with next(); its units report completions with retire(). A push
// into a full queue blocks the b_transport call (wait) until a slot frees, so a host that does not
// poll the free count is still correct. Accesses cost `access_cycles` each (annotated).
class CommandTarget : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<CommandTarget> socket;

  SC_HAS_PROCESS(CommandTarget);
  CommandTarget(sc_core::sc_module_name name, std::size_t queue_depth, TlmMode mode, const Clock& clock,
                int64_t access_cycles = 1);

  // Contract (accelerator side): next() blocks until an instruction is available; retire() is
  // called once per instruction with the first cycle after it (its unit's local time), so the
  // Program's cycle count is the latest of these.
  ConcreteInstruction next(LocalTime& lt) { return queue_.take(lt); }
  // Passive dispatch (LT): instead of a thread blocking in next(), a dispatcher registers a hook
  // that runs after every push (in the pushing initiator's thread) and takes instructions with
  // the non-blocking calls below, keeping its own time. Contract: LT only.
  void on_push(std::function<void()> hook) { on_push_ = std::move(hook); }
  bool has_next() const { return !queue_.empty(); }
  const ConcreteInstruction& peek_next() const { return queue_.peek(); }
  const sc_core::sc_time& peek_next_stamp() const { return queue_.peek_stamp(); }
  void pop_next_at(const sc_core::sc_time& at) { queue_.pop_at(at); }
  // LT: a host blocked on the full queue resumes once the queue has run empty (TimedFifo::
  // set_lazy_producer_wakeup): right for a host that only feeds instructions, like ProgramFeeder.
  void set_lazy_host_wakeup(bool on) { queue_.set_lazy_producer_wakeup(on); }
  void retire(const sc_core::sc_time& at);
  // Work that outlives its instruction (posted writes): done() waits for every begun activity
  // to end; `at` is the first cycle after it.
  void begin_activity(int64_t count = 1) { pending_ += count; }
  void end_activity(const sc_core::sc_time& at);

  bool done() const { return end_ && retired_ == pushed_ && pending_ == 0; }
  int64_t done_cycles() const { return clock_.to_cycles(done_at_); }
  const sc_core::sc_event& done_event() const { return done_event_; }
  int64_t pushed() const { return pushed_; }
  bool error() const { return error_; }

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& gp);
  uint64_t read_register(uint64_t offset, const sc_core::sc_time& at) const;
  void write_register(uint64_t offset, uint64_t value, LocalTime& lt);
  // The PUSH register: queues the staged fields as one instruction (`value`: opcode | fields << 32).
  void push(uint64_t value, LocalTime& lt);

  TimedFifo<ConcreteInstruction> queue_;
  TlmMode mode_;
  Clock clock_;
  int64_t access_cycles_;
  std::array<int64_t, cmdreg::kNumFields> staged_{};
  int64_t pushed_ = 0;
  int64_t retired_ = 0;
  int64_t pending_ = 0;
  bool end_ = false;
  bool error_ = false;
  sc_core::sc_time done_at_;      // max retire time
  sc_core::sc_event done_event_;
  std::function<void()> on_push_;
};

}  // namespace acv
