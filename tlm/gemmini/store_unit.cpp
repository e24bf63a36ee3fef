#include "store_unit.h"

#include <algorithm>

namespace acv::gemmini {

namespace {

// mvout from the accumulator with full = 0 (models/gemmini/README.md).
int8_t requantise(int32_t v, bool relu, int64_t shift) {
  int64_t x = relu ? std::max<int64_t>(v, 0) : v;
  if (shift > 0) x = (x + (int64_t{1} << (shift - 1))) >> shift;
  return static_cast<int8_t>(std::min<int64_t>(127, std::max<int64_t>(-128, x)));
}

}  // namespace

StoreUnit::StoreUnit(sc_core::sc_module_name name, SharedState& state, CommandTarget& command, DmaInitiator& dma)
    : sc_core::sc_module(name),
      state_(state),
      command_(command),
      dma_(dma),
      dep_wait_(state, "store.stall.dependency"),
      active_(state, "store.busy"),
      writes_(state, "dram.writes"),
      bytes_(state, "dram.bytes_written") {
  SC_THREAD(run);
}

void StoreUnit::acknowledged(const sc_core::sc_time& at) {
  ++acks_;
  last_ack_ = std::max(last_ack_, at);
  ack_event_.notify(sc_core::SC_ZERO_TIME);
}

void StoreUnit::run() {
  LocalTime lt(state_.mode, state_.clock);
  for (;;) {
    floor_ = lt.now();
    on_queue_ = true;
    const UnitCommand c = state_.store_queue.front(lt);
    on_queue_ = false;
    const sc_core::sc_time waiting = lt.now();
    floor_ = lt.now();
    state_.tracker.wait_clear(Unit::Store, c.seq, lt);
    dep_wait_.add_cycles(waiting, lt.now());
    const sc_core::sc_time start = lt.now();
    execute(c, lt);  // returns the cycle after the last acknowledgement
    // Active from the cycle after the start to the last one (LOAD/STORE_ACTIVE_CYCLE).
    active_.add_cycles(start + state_.clock.period(), lt.now());
    state_.tracker.release(Unit::Store, c.seq, lt.now());
    state_.store_queue.pop(lt);
    state_.run_dispatch();  // LT: the decoder may push into the freed slot or pass a flush
    command_.retire(lt.now());
  }
}

int64_t StoreUnit::arrival_floor(int64_t decoder_next) const {
  int64_t floor = state_.clock.to_cycles(floor_);
  if (on_queue_) {
    // Its next command is the queue's head, or a push the decoder has not made yet.
    const int64_t next =
        state_.store_queue.empty() ? decoder_next : state_.clock.to_cycles(state_.store_queue.peek_stamp());
    floor = std::max(floor, next);
  }
  return floor;
}

void StoreUnit::execute(const UnitCommand& c, LocalTime& lt) {
  const int64_t rows = c.f[kOutRows], cols = c.f[kOutCols], local = c.f[kOutLocalAddr];
  const bool from_acc = c.f[kOutFromAcc] == 1, full = c.f[kOutFull] == 1;
  const int64_t row_bytes = full ? 4 * cols : cols;
  // The rows are read in the command's cycles; the tracker keeps writers off them until its
  // release, so reading them all now gives the same bytes.
  staging_.resize(static_cast<std::size_t>(rows * row_bytes));
  for (int64_t r = 0; r < rows; ++r) {
    uint8_t* out = staging_.data() + r * row_bytes;
    for (int64_t e = 0; e < cols; ++e) {
      if (!from_acc) {
        out[e] = static_cast<uint8_t>(state_.sp_row(local + r)[e]);
      } else if (full) {
        const uint32_t v = static_cast<uint32_t>(state_.acc_row(local + r)[e]);
        for (int b = 0; b < 4; ++b) out[e * 4 + b] = static_cast<uint8_t>(v >> (8 * b));
      } else {
        out[e] = static_cast<uint8_t>(requantise(state_.acc_row(local + r)[e], c.relu, c.shift));
      }
    }
  }
  // One row requested at a time: the next row is read in the cycle its predecessor's request
  // is accepted and requested two cycles after that accept (gemmini_store.sv): one burst whose
  // rows are presented `store_row_gap` cycles after the previous accept rather than back to back.
  // The writes are posted: accepted rows may still await their responses while the next one
  // waits for a DRAM slot.
  acks_ = 0;
  lt.advance_cycles(state_.timing.store_first_request);
  DmaBurst burst;
  burst.address = static_cast<uint64_t>(c.f[kOutDramAddr]);
  burst.stride = static_cast<uint64_t>(c.stride);
  burst.data = staging_.data();
  burst.pitch = static_cast<uint64_t>(row_bytes);
  burst.bytes = static_cast<uint32_t>(row_bytes);
  burst.count = static_cast<uint32_t>(rows);
  burst.gap = static_cast<uint32_t>(state_.timing.store_row_gap);
  floor_ = lt.now();      // its burst arrives now
  dma_.write(burst, lt);  // posted: returns the cycle after the last accept
  lt.wait_until(ack_event_, [this, rows] { return acks_ == rows; });
  lt.advance_to(last_ack_);  // done in the cycle of the last response
  writes_.add(rows);
  bytes_.add(rows * row_bytes);
}

}  // namespace acv::gemmini
