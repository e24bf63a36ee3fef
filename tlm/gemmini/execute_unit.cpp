#include "execute_unit.h"

#include <algorithm>

namespace acv::gemmini {

ExecuteUnit::ExecuteUnit(sc_core::sc_module_name name, SharedState& state, CommandTarget& command)
    : sc_core::sc_module(name),
      state_(state),
      command_(command),
      weights_{std::vector<int32_t>(static_cast<std::size_t>(state.params.dim * state.params.dim), 0),
               std::vector<int32_t>(static_cast<std::size_t>(state.params.dim * state.params.dim), 0)},
      pe_(static_cast<std::size_t>(state.params.dim * state.params.dim), 0) {
  // After reset the mesh runs 2*DIM cycles to flush its registers (mesh_busy starts at 2*DIM).
  mesh_free_at_ = 2 * state.params.dim;
  SC_THREAD(run);
}

int64_t ExecuteUnit::earliest_start(const UnitCommand& c, int64_t from) {
  const int64_t idle = std::max(from, idle_at_);
  int64_t s = idle;
  // Records valid in cycle s are those retiring at s or later; they retire in order.
  while (!records_.empty() && records_.front() < s) records_.pop_front();
  auto records_empty_at = [this] { return records_.empty() ? int64_t{0} : records_.back() + 1; };
  if (records_.size() >= kRecords) s = std::max(s, records_[records_.size() - kRecords] + 1);
  const bool preloaded = c.opcode == kComputePreloaded;
  if (c.ws != mode_ws_) s = std::max({s, records_empty_at(), mesh_free_at_});  // dataflow switch
  if (!c.ws) s = std::max(s, records_empty_at());                             // OS: no overlap
  if (!c.ws && preloaded) s = std::max(s, mesh_free_at_);                     // clears the PEs
  const int64_t overlap = s;
  if (c.ws && preloaded) s = std::max(s, bank_free_at_[1 - cur_bank_]);      // idle weight bank
  state_.counters["exe_overlap_haz_cycle"] += overlap - idle;
  state_.counters["exe_preload_haz_cycle"] += s - overlap;
  return s;
}

void ExecuteUnit::compute(const UnitCommand& c) {
  const int64_t dim = state_.params.dim;
  const int64_t rows = c.f[kCpRows], a_addr = c.f[kCpAAddr], b_addr = c.f[kCpBAddr];
  const int64_t c_addr = c.pre[kPreCAddr], c_rows = c.pre[kPreCRows];
  const bool accumulate = c.pre[kPreCAccumulate] == 1;
  const bool preloaded = c.opcode == kComputePreloaded;
  auto write_c = [&](int64_t i, const int32_t* v) {
    int32_t* dst = state_.acc_row(c_addr + i);
    for (int64_t j = 0; j < dim; ++j)
      dst[j] = accumulate ? static_cast<int32_t>(static_cast<uint32_t>(dst[j]) + static_cast<uint32_t>(v[j])) : v[j];
  };
  std::vector<int32_t> out(static_cast<std::size_t>(dim));
  if (c.ws) {
    std::vector<int32_t>& w = weights_[preloaded ? 1 - cur_bank_ : cur_bank_];
    if (preloaded) {
      const int64_t w_rows = c.pre[kPreBRows], w_addr = c.pre[kPreBAddr];
      for (int64_t k = 0; k < dim; ++k)
        for (int64_t j = 0; j < dim; ++j) w[k * dim + j] = k < w_rows ? state_.sp_row(w_addr + k)[j] : 0;
    }
    for (int64_t m = 0; m < std::min(rows, c_rows); ++m) {
      std::fill(out.begin(), out.end(), 0);
      const int8_t* a = state_.sp_row(a_addr + m);
      for (int64_t k = 0; k < dim; ++k) {
        const int32_t x = a[k];
        const int32_t* wk = w.data() + k * dim;
        for (int64_t j = 0; j < dim; ++j) out[j] = static_cast<int32_t>(static_cast<uint32_t>(out[j]) +
                                                                         static_cast<uint32_t>(x * wk[j]));
      }
      write_c(m, out.data());
    }
  } else {
    if (preloaded) std::fill(pe_.begin(), pe_.end(), 0);
    for (int64_t k = 0; k < rows; ++k) {
      const int8_t* a = state_.sp_row(a_addr + k);  // column k of A: element i feeds mesh row i
      const int8_t* b = state_.sp_row(b_addr + k);  // row k of B
      for (int64_t i = 0; i < dim; ++i) {
        const int32_t x = a[i];
        int32_t* acc = pe_.data() + i * dim;
        for (int64_t j = 0; j < dim; ++j)
          acc[j] = static_cast<int32_t>(static_cast<uint32_t>(acc[j]) + static_cast<uint32_t>(x * b[j]));
      }
    }
    for (int64_t i = 0; i < c_rows; ++i) write_c(i, pe_.data() + i * dim);
  }
  state_.counters["mesh_rows"] += rows;
}

void ExecuteUnit::run() {
  LocalTime lt(state_.mode, state_.clock);
  const Clock& clock = state_.clock;
  const Timing& t = state_.timing;
  for (;;) {
    const UnitCommand c = state_.exec_queue.front(lt);
    const sc_core::sc_time waiting = lt.now();
    state_.tracker.wait_clear(Unit::Execute, c.seq, lt);
    state_.add_cycles("exe_dep_wait_cycle", waiting, lt.now());
    const int64_t s = earliest_start(c, lt.now_cycles());
    lt.advance_to(clock.cycles(s));
    state_.exec_queue.pop(lt, clock.cycles(t.ex_queue_pop));  // the compute moves into a record

    const bool preloaded = c.opcode == kComputePreloaded;
    compute(c);  // before the release: the tracker then lets readers and writers of its rows go
    const Timing::Compute k = t.compute(s, c.ws, preloaded, c.f[kCpRows], c.pre[kPreBRows], c.pre[kPreCRows]);
    if (c.ws && preloaded) cur_bank_ = 1 - cur_bank_;
    mode_ws_ = c.ws;
    idle_at_ = k.idle;
    records_.push_back(k.retire);
    mesh_free_at_ = k.last_present + t.mesh_free_after();
    bank_free_at_[cur_bank_] = k.last_present + t.mesh_free_after();
    state_.tracker.release(Unit::Execute, c.seq, clock.cycles(k.retire + 1));
    command_.retire(clock.cycles(k.retire + 1));
    // Active while a compute runs (from the cycle after its start) or has records in flight
    // (EXE_ACTIVE_CYCLE).
    const int64_t end = std::max(k.idle, k.retire + 1);
    state_.counters["exe_active_cycle"] += end - std::max(s + 1, active_until_);
    active_until_ = end;
  }
}

}  // namespace acv::gemmini
