#include "load_unit.h"

#include <algorithm>
#include <string>

#include "models/common/error.h"
#include "models/systolic/systolic_operands.h"

namespace acv::systolic {

LoadUnit::LoadUnit(sc_core::sc_module_name name, SharedState& state, CommandTarget& command, DmaInitiator& dma)
    : sc_core::sc_module(name), state_(state), command_(command), dma_(dma) {
  SC_THREAD(run);
}

// As rtl/systolic/systolic_load.sv: a command starts once the previous one's last request was
// accepted (lt.now() after execute), its half is not full and, with no rows, nothing is in flight.
// It completes (half marked full, popped, retired) with its last entry written, which is known
// when its requests are out: the flag, the queue slot and the retire are stamped with that cycle,
// so the next command's requests go out while this one's responses are outstanding. A command
// into a half another in flight fills finds the flag set already and waits for its release.
void LoadUnit::run() {
  LocalTime lt(state_.mode, state_.clock);
  sc_core::sc_time in_flight_until;  // the cycle after the last started command's last entry
  sc_core::sc_time busy_until;       // end of the busy cycles counted so far (commands overlap)
  for (;;) {
    const ConcreteInstruction in = state_.load_queue.front(lt);  // a copy: popped before it is done
    const auto [start, done] = execute(in, lt, in_flight_until);
    in_flight_until = done;
    state_.load_queue.pop(lt, done - lt.now());  // the command holds its slot until its last cycle
    state_.popped();
    command_.retire(done);
    // Busy from the start cycle to the last entry written, counted once where commands overlap.
    const sc_core::sc_time from = std::max(start, busy_until);
    if (done > from) state_.add_cycles(SharedState::kLoadBusy, from, done);
    busy_until = std::max(busy_until, done);
  }
}

LoadUnit::Span LoadUnit::execute(const ConcreteInstruction& in, LocalTime& lt,
                                 const sc_core::sc_time& in_flight_until) {
  const int64_t buf = in.f[kLdBuf], half = in.f[kLdHalf], rows = in.f[kLdRows], bytes = in.f[kLdBytes];
  const int64_t addr = in.f[kLdDramAddr], stride = in.f[kLdStride], reps = in.f[kLdReps];
  const int64_t rep_stride = in.f[kLdRepStride];
  const std::string error = operand_error(state_.params, in);
  if (!error.empty()) throw BackendError("systolic dma_load: " + error);
  if (addr < 0 || stride < 0 || rep_stride < 0)
    throw BackendError("systolic dma_load: negative address or stride (" + std::to_string(addr) + ", " +
                       std::to_string(stride) + ", " + std::to_string(rep_stride) + ")");
  DoubleBuffer<int8_t>& b = buf == kIbuf ? state_.ibuf : state_.wbuf;
  const sc_core::sc_time waiting = lt.now();
  if (rows == 0) lt.advance_to(in_flight_until);  // completes in order, in its start cycle
  b.flag(half).wait_until(false, lt);
  const sc_core::sc_time start = lt.now();
  state_.add_cycles(SharedState::kLoadWait, waiting, start);
  const sc_core::sc_time cycle = state_.clock.period();
  if (rows == 0) {  // nothing to move: the half is marked full in the start cycle
    b.flag(half).set_at(true, start + cycle, lt);
    lt.advance_cycles(1);
    return {start, start + cycle};
  }
  lt.advance_cycles(state_.timing.dma_setup);
  if (bytes < b.width())  // bytes beyond `bytes` are zeroed
    for (int64_t i = 0; i < rows * reps; ++i) std::fill(b.entry(half, i) + bytes, b.entry(half, i) + b.width(), 0);
  // Rep by rep: each read_posted returns at the cycle after its last accept, where the RTL presents
  // the next rep's first request; it gives the cycle after its last response (in order, so the
  // last rep's is the command's). That response's entries after its first are written one per
  // cycle (the RTL's burst).
  sc_core::sc_time last_response;
  for (int64_t r = 0; r < reps; ++r) {
    DmaBurst burst;
    burst.address = static_cast<uint64_t>(addr + r * rep_stride);
    burst.stride = static_cast<uint64_t>(stride);
    burst.data = reinterpret_cast<uint8_t*>(b.entry(half, r * rows));
    burst.pitch = static_cast<uint64_t>(b.width());
    burst.bytes = static_cast<uint32_t>(bytes);
    burst.count = static_cast<uint32_t>(rows);
    burst.rows_per_request = static_cast<uint32_t>(state_.params.dma_burst);
    last_response = dma_.read_posted(burst, lt);
  }
  const sc_core::sc_time done = last_response + state_.clock.cycles(std::min(rows, state_.params.dma_burst) - 1);
  b.flag(half).set_at(true, done, lt);
  return {start, done};
}

}  // namespace acv::systolic
