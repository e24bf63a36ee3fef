#include "units.h"

#include <cstring>
#include <string>

#include "models/common/error.h"

namespace acv::plasticine {

namespace {
[[noreturn]] void fail(const char* unit, const std::string& what) {
  throw BackendError(std::string("plasticine ") + unit + ": " + what);
}
}  // namespace

QueueUnit::QueueUnit(sc_core::sc_module_name name, SharedState& state, CommandTarget& command,
                     TimedFifo<ConcreteInstruction>& queue)
    : sc_core::sc_module(name), state_(state), command_(command), queue_(queue) {
  SC_THREAD(run);
}

void QueueUnit::run() {
  LocalTime lt(state_.mode, state_.clock);
  for (;;) {
    const ConcreteInstruction in = queue_.front(lt);
    execute(in, lt);
    queue_.pop(lt);
    state_.popped();
    command_.retire(lt.now());
  }
}

LoadUnit::LoadUnit(sc_core::sc_module_name name, SharedState& state, CommandTarget& command, DmaInitiator& dma)
    : QueueUnit(name, state, command, state.load_queue), dma_(dma) {}

void LoadUnit::execute(const ConcreteInstruction& in, LocalTime& lt) {
  const Params& p = state_.params;
  const int64_t* f = in.f.data();
  const int64_t half = f[kLdHalf], rows = f[kLdRows], row_bytes = f[kLdRowBytes], entry = f[kLdEntry];
  const int64_t chunks = (row_bytes + p.burst_bytes - 1) / p.burst_bytes;
  const int64_t row_entries = (row_bytes + p.lanes - 1) / p.lanes;
  if ((half != 0 && half != 1) || rows < 0 || row_bytes < 1 || entry < 0 ||
      entry + rows * row_entries > p.half_entries() || f[kLdPmu] < 0 || f[kLdPmu] >= p.pcus())
    fail("load", "operands out of range (rows " + std::to_string(rows) + ", entry " + std::to_string(entry) + ")");
  if (rows > 1 && f[kLdStride] != chunks * p.burst_bytes)
    fail("load", "rows must be burst-padded (stride " + std::to_string(f[kLdStride]) + ")");
  const sc_core::sc_time waiting = lt.now();
  state_.full[half].wait_until(false, lt);
  const sc_core::sc_time start = lt.now();
  state_.add_cycles(SharedState::kLoadWait, waiting, start);
  if (rows == 0) {  // nothing to move: done in the start cycle
    lt.advance_cycles(1);
    if (f[kLdFill]) state_.full[half].set(true, lt);
    return;
  }
  lt.advance_cycles(state_.timing.dma_setup);
  DmaBurst burst;
  burst.address = static_cast<uint64_t>(f[kLdDramAddr]);
  burst.stride = static_cast<uint64_t>(p.burst_bytes);
  burst.pitch = static_cast<uint64_t>(p.burst_bytes);
  burst.bytes = static_cast<uint32_t>(p.burst_bytes);
  burst.count = static_cast<uint32_t>(rows * chunks);
  staging_.resize(static_cast<std::size_t>(rows * chunks * p.burst_bytes));
  burst.data = staging_.data();
  dma_.read(burst, lt);  // returns the cycle after the last response
  // Byte k of row r: entry + r*row_entries + k/lanes, lane k%lanes; a row is contiguous.
  for (int64_t u = 0; u < p.pcus(); ++u) {
    if (!f[kLdBcast] && u != f[kLdPmu]) continue;
    std::vector<int8_t>& mem = state_.pmu[static_cast<std::size_t>(u * 2 + half)];
    for (int64_t r = 0; r < rows; ++r)
      std::memcpy(&mem[static_cast<std::size_t>((entry + r * row_entries) * p.lanes)],
                  &staging_[static_cast<std::size_t>(r * chunks * p.burst_bytes)], static_cast<std::size_t>(row_bytes));
  }
  if (f[kLdFill]) state_.full[half].set(true, lt);
  state_.add_cycles(SharedState::kLoadBusy, start, lt.now());
}

PcuArray::PcuArray(sc_core::sc_module_name name, SharedState& state, CommandTarget& command)
    : QueueUnit(name, state, command, state.compute_queue) {}

void PcuArray::execute(const ConcreteInstruction& in, LocalTime& lt) {
  const Params& p = state_.params;
  const int64_t* f = in.f.data();
  if (in.opcode == kRoute) {
    if (f[kRtPcu] < 0 || f[kRtPcu] >= p.pcus() || f[kRtPmu] < 0 || f[kRtPmu] >= p.pcus())
      fail("route", "unit outside the grid");
    state_.route[static_cast<std::size_t>(f[kRtPcu])] = f[kRtPmu];
    lt.advance_cycles(state_.timing.route);
    return;
  }
  const int64_t half = f[kCpHalf], o_half = f[kCpOHalf], m_len = f[kCpMLen], n_len = f[kCpNLen];
  const int64_t kc = f[kCpKChunks], k_len = f[kCpKLen], o_stride = f[kCpOStride];
  if ((half != 0 && half != 1) || (o_half != 0 && o_half != 1) || m_len < 1 || n_len < 1 || kc < 1 ||
      k_len > kc * p.lanes || f[kCpAEntry] + m_len * kc > p.half_entries() ||
      f[kCpBEntry] + n_len * kc > p.half_entries() || n_len > o_stride || m_len * o_stride > p.out_depth)
    fail("compute", "operands out of range");
  const sc_core::sc_time waiting = lt.now();
  state_.full[half].wait_until(true, lt);
  const sc_core::sc_time loaded = lt.now();
  state_.add_cycles(SharedState::kComputeWaitLoad, waiting, loaded);
  state_.out_full[o_half].wait_until(false, lt);
  const sc_core::sc_time start = lt.now();
  state_.add_cycles(SharedState::kComputeWaitStore, loaded, start);
  for (int64_t u = 0; u < p.pcus(); ++u) {
    const std::vector<int8_t>& mem = state_.pmu[static_cast<std::size_t>(state_.route[u] * 2 + half)];
    std::vector<int32_t>& o = state_.out[static_cast<std::size_t>(u * 2 + o_half)];
    for (int64_t m = 0; m < m_len; ++m) {
      const int8_t* a = &mem[static_cast<std::size_t>((f[kCpAEntry] + m * kc) * p.lanes)];
      for (int64_t n = 0; n < n_len; ++n) {
        const int8_t* b = &mem[static_cast<std::size_t>((f[kCpBEntry] + n * kc) * p.lanes)];
        int32_t sum = 0;  // |a*b| < 2^14: no overflow before 2^17 terms; the hardware wraps alike
        for (int64_t k = 0; k < k_len; ++k) sum += int32_t{a[k]} * int32_t{b[k]};
        o[static_cast<std::size_t>(m * o_stride + n)] = sum;
      }
    }
  }
  const int64_t vectors = m_len * n_len * kc;
  lt.advance_cycles(state_.timing.compute(p, vectors));
  state_.add(SharedState::kPcuBusy, vectors);
  state_.full[half].set(false, lt);
  state_.out_full[o_half].set(true, lt);
  state_.add_cycles(SharedState::kComputeBusy, start, lt.now());
}

StoreUnit::StoreUnit(sc_core::sc_module_name name, SharedState& state, CommandTarget& command, DmaInitiator& dma)
    : QueueUnit(name, state, command, state.store_queue), command_(command), dma_(dma) {}

void StoreUnit::execute(const ConcreteInstruction& in, LocalTime& lt) {
  const Params& p = state_.params;
  const int64_t* f = in.f.data();
  const int64_t pcu = f[kStPcu], half = f[kStHalf], rows = f[kStRows], cols = f[kStCols], o_stride = f[kStOStride];
  if (pcu < 0 || pcu >= p.pcus() || (half != 0 && half != 1) || rows < 0 || cols < 0 || cols > o_stride ||
      4 * cols > p.burst_bytes || rows * o_stride > p.out_depth)
    fail("store", "operands out of range (rows " + std::to_string(rows) + ", cols " + std::to_string(cols) + ")");
  const sc_core::sc_time waiting = lt.now();
  state_.out_full[half].wait_until(true, lt);
  const sc_core::sc_time start = lt.now();
  state_.add_cycles(SharedState::kStoreWait, waiting, start);
  if (rows == 0 || cols == 0) {  // nothing to move: done in the start cycle
    lt.advance_cycles(1);
    if (f[kStRelease]) state_.out_full[half].set(false, lt);
    return;
  }
  lt.advance_cycles(state_.timing.dma_setup);
  const std::vector<int32_t>& o = state_.out[static_cast<std::size_t>(pcu * 2 + half)];
  const int64_t row_bytes = 4 * cols;
  staging_.resize(static_cast<std::size_t>(rows * row_bytes));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      const uint32_t v = static_cast<uint32_t>(o[static_cast<std::size_t>(r * o_stride + c)]);
      for (int byte = 0; byte < 4; ++byte)
        staging_[static_cast<std::size_t>(r * row_bytes + 4 * c + byte)] = static_cast<uint8_t>(v >> (8 * byte));
    }
  DmaBurst burst;
  burst.address = static_cast<uint64_t>(f[kStDramAddr]);
  burst.stride = static_cast<uint64_t>(f[kStStride]);
  burst.data = staging_.data();
  burst.pitch = static_cast<uint64_t>(row_bytes);
  burst.bytes = static_cast<uint32_t>(row_bytes);
  burst.count = static_cast<uint32_t>(rows);
  command_.begin_activity(rows);  // the accelerator is not idle before every write is acknowledged
  dma_.write(burst, lt);          // posted: returns the cycle after the last request's accept
  if (f[kStRelease]) state_.out_full[half].set(false, lt);
  state_.add_cycles(SharedState::kStoreBusy, start, lt.now());
}

}  // namespace acv::plasticine
