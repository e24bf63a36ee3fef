#include "load_unit.h"

#include <algorithm>
#include <string>

#include "models/common/error.h"

namespace acv::systolic {

LoadUnit::LoadUnit(sc_core::sc_module_name name, SharedState& state, CommandTarget& command, DmaInitiator& dma)
    : sc_core::sc_module(name), state_(state), command_(command), dma_(dma) {
  SC_THREAD(run);
}

void LoadUnit::run() {
  LocalTime lt(state_.mode, state_.clock);
  for (;;) {
    const ConcreteInstruction in = state_.load_queue.front(lt);
    execute(in, lt);
    state_.load_queue.pop(lt);  // the command held its slot until its last cycle
    state_.popped();
    command_.retire(lt.now());
  }
}

void LoadUnit::execute(const ConcreteInstruction& in, LocalTime& lt) {
  const int64_t buf = in.f[kLdBuf], half = in.f[kLdHalf], rows = in.f[kLdRows], bytes = in.f[kLdBytes];
  const int64_t addr = in.f[kLdDramAddr], stride = in.f[kLdStride];
  if ((buf != kIbuf && buf != kWbuf) || (half != 0 && half != 1))
    throw BackendError("systolic dma_load: buffer " + std::to_string(buf) + " half " + std::to_string(half));
  DoubleBuffer<int8_t>& b = buf == kIbuf ? state_.ibuf : state_.wbuf;
  if (rows < 0 || rows > b.depth() || bytes < 1 || bytes > b.width() || addr < 0 || stride < 0)
    throw BackendError("systolic dma_load: rows " + std::to_string(rows) + " bytes " + std::to_string(bytes) +
                       " do not fit the buffer (depth " + std::to_string(b.depth()) + ", width " +
                       std::to_string(b.width()) + ")");
  const sc_core::sc_time waiting = lt.now();
  b.flag(half).wait_until(false, lt);
  const sc_core::sc_time start = lt.now();
  state_.add_cycles(SharedState::kLoadWait, waiting, start);
  if (rows == 0) {  // nothing to move: the half is marked full in the start cycle
    lt.advance_cycles(1);
    b.flag(half).set(true, lt);
    return;
  }
  lt.advance_cycles(state_.timing.dma_setup);
  if (bytes < b.width())  // bytes beyond `bytes` are zeroed
    for (int64_t i = 0; i < rows; ++i) std::fill(b.entry(half, i) + bytes, b.entry(half, i) + b.width(), 0);
  DmaBurst burst;
  burst.address = static_cast<uint64_t>(addr);
  burst.stride = static_cast<uint64_t>(stride);
  burst.data = reinterpret_cast<uint8_t*>(b.entry(half, 0));
  burst.pitch = static_cast<uint64_t>(b.width());
  burst.bytes = static_cast<uint32_t>(bytes);
  burst.count = static_cast<uint32_t>(rows);
  burst.rows_per_request = static_cast<uint32_t>(state_.params.dma_burst);
  dma_.read(burst, lt);  // returns the cycle after the last response
  // The last response's entries after its first are written one per cycle (the RTL's burst).
  lt.advance_cycles(std::min(rows, state_.params.dma_burst) - 1);
  b.flag(half).set(true, lt);
  state_.add_cycles(SharedState::kLoadBusy, start, lt.now());
}

}  // namespace acv::systolic
