#include "load_unit.h"

#include <algorithm>

namespace acv::gemmini {

LoadUnit::LoadUnit(sc_core::sc_module_name name, SharedState& state, CommandTarget& command, DmaInitiator& dma)
    : sc_core::sc_module(name),
      state_(state),
      command_(command),
      dma_(dma),
      dep_wait_(state, "load.stall.dependency"),
      active_(state, "load.busy"),
      reads_(state, "dram.reads"),
      bytes_(state, "dram.bytes_read") {
  SC_THREAD(run);
}

void LoadUnit::run() {
  LocalTime lt(state_.mode, state_.clock);
  for (;;) {
    const UnitCommand c = state_.load_queue.front(lt);  // the cycle after the push at the earliest
    const sc_core::sc_time waiting = lt.now();
    state_.tracker.wait_clear(Unit::Load, c.seq, lt);
    dep_wait_.add_cycles(waiting, lt.now());
    const sc_core::sc_time start = lt.now();
    execute(c, lt);  // returns the cycle after the last row was written
    // Active from the cycle after the start to the last one (LOAD/STORE_ACTIVE_CYCLE).
    active_.add_cycles(start + state_.clock.period(), lt.now());
    state_.tracker.release(Unit::Load, c.seq, lt.now());
    state_.load_queue.pop(lt);  // the command held its slot until its last row was written
    state_.run_dispatch();      // LT: the decoder may push into the freed slot or pass a flush
    command_.retire(lt.now());
  }
}

void LoadUnit::execute(const UnitCommand& c, LocalTime& lt) {
  const int64_t dim = state_.params.dim;
  const int64_t rows = c.f[kInRows], cols = c.f[kInCols], local = c.f[kInLocalAddr];
  const bool to_acc = c.f[kInToAcc] == 1;
  lt.advance_cycles(state_.timing.load_first_request);
  DmaBurst burst;
  burst.address = static_cast<uint64_t>(c.f[kInDramAddr]);
  burst.stride = static_cast<uint64_t>(c.stride);
  burst.count = static_cast<uint32_t>(rows);
  if (!to_acc) {
    // Elements cols .. DIM-1 of each written row are zero (ragged tiles).
    for (int64_t r = 0; r < rows; ++r) std::fill(state_.sp_row(local + r) + cols, state_.sp_row(local + r) + dim, 0);
    burst.data = reinterpret_cast<uint8_t*>(state_.sp_row(local));
    burst.pitch = static_cast<uint64_t>(dim);
    burst.bytes = static_cast<uint32_t>(cols);
    dma_.read(burst, lt);
  } else {
    staging_.assign(static_cast<std::size_t>(rows * cols * 4), 0);
    burst.data = staging_.data();
    burst.pitch = static_cast<uint64_t>(cols * 4);
    burst.bytes = static_cast<uint32_t>(cols * 4);
    dma_.read(burst, lt);
    for (int64_t r = 0; r < rows; ++r) {
      int32_t* row = state_.acc_row(local + r);
      const uint8_t* in = staging_.data() + r * cols * 4;
      for (int64_t e = 0; e < dim; ++e) {
        uint32_t v = 0;
        if (e < cols)
          for (int b = 0; b < 4; ++b) v |= static_cast<uint32_t>(in[e * 4 + b]) << (8 * b);
        row[e] = static_cast<int32_t>(v);
      }
    }
  }
  reads_.add(rows);
  bytes_.add(rows * static_cast<int64_t>(burst.bytes));
}

}  // namespace acv::gemmini
