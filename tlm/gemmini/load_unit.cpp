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
    const sc_core::sc_time done = execute(c, lt);  // lt.now(): the cycle after the last accept
    // Active from the cycle after the start to the last row (LOAD/STORE_ACTIVE_CYCLE), counted
    // once where mvins overlap.
    const sc_core::sc_time from = std::max(start + state_.clock.period(), busy_until_);
    if (done > from) active_.add_cycles(from, done);
    busy_until_ = std::max(busy_until_, done);
    // Released, popped and retired from the cycle after its last row, which is known now; the
    // mvins complete in order, so these times never decrease.
    state_.tracker.release(Unit::Load, c.seq, done);
    state_.load_queue.pop(lt, done - lt.now());  // the command holds its slot until then
    state_.run_dispatch();  // LT: the decoder may push into the freed slot or pass a flush
    command_.retire(done);
  }
}

sc_core::sc_time LoadUnit::execute(const UnitCommand& c, LocalTime& lt) {
  const int64_t dim = state_.params.dim;
  const int64_t rows = c.f[kInRows], cols = c.f[kInCols], local = c.f[kInLocalAddr];
  const bool to_acc = c.f[kInToAcc] == 1;
  lt.advance_cycles(state_.timing.load_first_request);
  DmaBurst burst;
  sc_core::sc_time done;
  burst.address = static_cast<uint64_t>(c.f[kInDramAddr]);
  burst.stride = static_cast<uint64_t>(c.stride);
  burst.count = static_cast<uint32_t>(rows);
  if (!to_acc && cols <= dim) {
    // Elements cols .. DIM-1 of each written row are zero (ragged tiles).
    for (int64_t r = 0; r < rows; ++r) std::fill(state_.sp_row(local + r) + cols, state_.sp_row(local + r) + dim, 0);
    burst.data = reinterpret_cast<uint8_t*>(state_.sp_row(local));
    burst.pitch = static_cast<uint64_t>(dim);
    burst.bytes = static_cast<uint32_t>(cols);
    done = dma_.read_posted(burst, lt);
  } else if (!to_acc) {
    // Multi-block: one request per row of cols bytes; block b of row r into row local + b rows + r
    // (written in the cycle its response arrives, as the RTL's write lanes).
    staging_.assign(static_cast<std::size_t>(rows * cols), 0);
    burst.data = staging_.data();
    burst.pitch = static_cast<uint64_t>(cols);
    burst.bytes = static_cast<uint32_t>(cols);
    done = dma_.read_posted(burst, lt);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t b = 0; b * dim < cols; ++b) {
        int8_t* row = state_.sp_row(local + b * rows + r);
        for (int64_t e = 0; e < dim; ++e)
          row[e] = b * dim + e < cols ? static_cast<int8_t>(staging_[r * cols + b * dim + e]) : 0;
      }
  } else {
    staging_.assign(static_cast<std::size_t>(rows * cols * 4), 0);
    burst.data = staging_.data();
    burst.pitch = static_cast<uint64_t>(cols * 4);
    burst.bytes = static_cast<uint32_t>(cols * 4);
    done = dma_.read_posted(burst, lt);  // the data is in staging_ on return
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
  return done;
}

}  // namespace acv::gemmini
