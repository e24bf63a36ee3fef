#include "store_unit.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "models/common/error.h"
#include "models/systolic/systolic_operands.h"

namespace acv::systolic {

StoreUnit::StoreUnit(sc_core::sc_module_name name, SharedState& state, CommandTarget& command,
                     DmaInitiator& dma)
    : sc_core::sc_module(name), state_(state), command_(command), dma_(dma) {
  SC_THREAD(run);
}

void StoreUnit::run() {
  LocalTime lt(state_.mode, state_.clock);
  for (;;) {
    state_.store_view.block(UnitView::kQueue, lt);
    const ConcreteInstruction in = state_.store_queue.front(lt);
    state_.store_view.run();
    execute(in, lt);
    state_.store_queue.pop(lt);
    state_.popped();
    command_.retire(lt.now());
  }
}

void StoreUnit::execute(const ConcreteInstruction& in, LocalTime& lt) {
  const int64_t half = in.f[kStHalf], addr = in.f[kStDramAddr], rows = in.f[kStRows];
  const int64_t elems = in.f[kStElems], stride = in.f[kStStride];
  DoubleBuffer<int32_t>& b = state_.obuf;
  const std::string error = operand_error(state_.params, in);
  if (!error.empty()) throw BackendError("systolic dma_store: " + error);
  if (addr < 0 || stride < 0)
    throw BackendError("systolic dma_store: negative address or stride (" + std::to_string(addr) + ", " +
                       std::to_string(stride) + ")");
  const sc_core::sc_time waiting = lt.now();
  state_.store_view.block(UnitView::kFlag, lt, &b.flag(half), true);
  b.flag(half).wait_until(true, lt);
  state_.store_view.run();
  const sc_core::sc_time start = lt.now();
  state_.add_cycles(SharedState::kStoreWait, waiting, start);
  if (rows == 0) {  // nothing to move: the flag is cleared in the start cycle
    lt.advance_cycles(1);
    b.flag(half).set(false, lt);
    return;
  }
  // The first burst (the remainder of rows over the burst length) goes out once its entries are
  // read, one per cycle; each later one B cycles after the previous request's accept.
  const int64_t burst_rows = state_.params.dma_burst;
  lt.advance_cycles(state_.timing.dma_setup + (rows - 1) % burst_rows);
  const int64_t row_bytes = elems * 4;
  staging_.resize(static_cast<std::size_t>(rows * row_bytes));
  for (int64_t i = 0; i < rows; ++i) {
    const int32_t* entry = b.entry(half, i);
    uint8_t* out = staging_.data() + i * row_bytes;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    std::memcpy(out, entry, static_cast<std::size_t>(row_bytes));  // the host's int32 are little-endian already
#else
    for (int64_t e = 0; e < elems; ++e) {
      const uint32_t v = static_cast<uint32_t>(entry[e]);
      for (int byte = 0; byte < 4; ++byte) out[e * 4 + byte] = static_cast<uint8_t>(v >> (8 * byte));
    }
#endif
  }
  DmaBurst burst;
  burst.address = static_cast<uint64_t>(addr);
  burst.stride = static_cast<uint64_t>(stride);
  burst.data = staging_.data();
  burst.pitch = static_cast<uint64_t>(row_bytes);
  burst.bytes = static_cast<uint32_t>(row_bytes);
  burst.count = static_cast<uint32_t>(rows);
  burst.rows_per_request = static_cast<uint32_t>(burst_rows);
  burst.gap = static_cast<uint32_t>(burst_rows);
  command_.begin_activity(rows);  // the accelerator is not idle before every write is acknowledged
  state_.store_view.block(UnitView::kNone, lt);  // its burst arrives at lt.now()
  dma_.write(burst, lt);  // posted: returns the cycle after the last request's accept
  b.flag(half).set(false, lt);
  state_.add_cycles(SharedState::kStoreBusy, start, lt.now());
}

}  // namespace acv::systolic
