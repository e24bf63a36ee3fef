#include "execute_unit.h"

#include <algorithm>
#include <cstring>

namespace acv::gemmini {

ExecuteUnit::ExecuteUnit(sc_core::sc_module_name name, SharedState& state, CommandTarget& command)
    : sc_core::sc_module(name),
      state_(state),
      command_(command),
      overlap_haz_(state, "exe.stall.overlap_hazard"),
      preload_haz_(state, "exe.stall.preload_hazard"),
      mesh_rows_(state, "mesh.rows"),
      dep_wait_(state, "exe.stall.dependency"),
      active_(state, "exe.busy"),
      staged_(static_cast<std::size_t>(state.params.dim * state.params.dim), 0),
      pe_(static_cast<std::size_t>(state.params.dim * state.params.dim), 0) {
  // After reset the mesh runs 2*DIM cycles to flush its registers (mesh_busy starts at 2*DIM).
  mesh_free_at_ = 2 * state.params.dim;
  for (gemm::PackedWeights& w : weights_) gemm::pack_weights(staged_.data(), state.params.dim, state.params.dim, w);
  SC_THREAD(run);
}

int64_t ExecuteUnit::earliest_start(const UnitCommand& c, int64_t from) {
  const bool preloaded = c.opcode == kComputePreloaded;
  // The part of the unit the head needs: the WS weight loader, or the streamer.
  const int64_t idle = std::max(from, c.ws && preloaded ? std::max(stg_free_at_, wl_free_at_)
                                                        : std::max(stg_free_at_, str_free_at_));
  int64_t s = idle;
  // Records valid in cycle s are those retiring at s or later; they retire in order.
  while (!records_.empty() && records_.front() < s) records_.pop_front();
  auto records_empty_at = [this] { return records_.empty() ? int64_t{0} : records_.back() + 1; };
  if (records_.size() >= kRecords) s = std::max(s, records_[records_.size() - kRecords] + 1);
  if (c.ws != mode_ws_) s = std::max({s, records_empty_at(), mesh_free_at_});  // dataflow switch
  const int64_t overlap = s;
  if (c.ws && preloaded) s = std::max(s, bank_free_at_[1 - cur_bank_]);      // idle weight bank
  overlap_haz_.add(overlap - idle);
  preload_haz_.add(s - overlap);
  return s;
}

void ExecuteUnit::compute(const UnitCommand& c) {
  const int64_t dim = state_.params.dim;
  const int64_t rows = c.f[kCpRows], a_addr = c.f[kCpAAddr], b_addr = c.f[kCpBAddr];
  const int64_t c_addr = c.pre[kPreCAddr], c_rows = c.pre[kPreCRows];
  const bool accumulate = c.pre[kPreCAccumulate] == 1;
  const bool preloaded = c.opcode == kComputePreloaded;
  if (c.ws) {
    gemm::PackedWeights& w = weights_[preloaded ? 1 - cur_bank_ : cur_bank_];
    if (preloaded) {  // mesh rows from b_rows on get zero weights
      const int64_t w_rows = c.pre[kPreBRows], w_addr = c.pre[kPreBAddr];
      std::fill(staged_.begin() + w_rows * dim, staged_.end(), int8_t{0});
      if (w_rows > 0) std::memcpy(staged_.data(), state_.sp_row(w_addr), static_cast<std::size_t>(w_rows * dim));
      gemm::pack_weights(staged_.data(), dim, dim, w);  // once for every compute on these weights
    }
    // Scratchpad and accumulator rows are contiguous: A rows a_addr.. are the kernel's input entries
    // of DIM, and result row m overwrites or adds (mod 2^32, as the RTL's adders) to row c_addr + m.
    gemm::ws_packed(state_.acc_row(c_addr), state_.sp_row(a_addr), dim, w, std::min(rows, c_rows), !accumulate,
                    scratch_);
  } else {
    if (preloaded) std::fill(pe_.begin(), pe_.end(), 0);
    // PE (i, j) += A^T row k [i] * B row k [j]: scratchpad row a_addr + k holds column k of A.
    gemm::os(pe_.data(), state_.sp_row(a_addr), state_.sp_row(b_addr), rows, dim, dim, scratch_);
    // PE row i overwrites or adds (mod 2^32) to accumulator row c_addr + i.
    int32_t* dst = state_.acc_row(c_addr);
    const int64_t n = c_rows * dim;
    if (accumulate) {
      for (int64_t e = 0; e < n; ++e)
        dst[e] = static_cast<int32_t>(static_cast<uint32_t>(dst[e]) + static_cast<uint32_t>(pe_[e]));
    } else {
      std::copy(pe_.begin(), pe_.begin() + n, dst);
    }
  }
  mesh_rows_.add(rows);
}

void ExecuteUnit::run() {
  LocalTime lt(state_.mode, state_.clock);
  const Clock& clock = state_.clock;
  const Timing& t = state_.timing;
  for (;;) {
    const UnitCommand c = state_.exec_queue.front(lt);
    // The RTL's head behind a popped compute is seen (and can be held) from the cycle after the pop.
    const sc_core::sc_time waiting = std::max(lt.now(), clock.cycles(last_pop_ + 1));
    state_.tracker.wait_clear(Unit::Execute, c.seq, lt);
    if (lt.now() > waiting) dep_wait_.add_cycles(waiting, lt.now());
    const int64_t s = earliest_start(c, std::max(lt.now_cycles(), last_pop_ + 1));
    last_pop_ = s;
    lt.advance_to(clock.cycles(s));
    state_.exec_queue.pop(lt, clock.cycles(t.ex_queue_pop));  // the compute moves into a record
    state_.run_dispatch();  // LT: the decoder may push into the freed slot

    const bool preloaded = c.opcode == kComputePreloaded;
    compute(c);  // before the release: the tracker then lets readers and writers of its rows go
    Timing::Compute k;
    if (c.ws) {
      // The weight loader holds a compute_preloaded until the streamer is free; it takes the next
      // one the cycle after that one starts streaming, and not before its weights are written.
      const int64_t stream = preloaded ? std::max(s + t.ws_stream_after_pop(), str_free_at_) : s;
      if (preloaded) {
        stg_free_at_ = stream + 1;
        wl_free_at_ = s + t.ws_weight_load();
        cur_bank_ = 1 - cur_bank_;
      }
      k = t.ws_stream(stream, c.f[kCpRows]);
      str_free_at_ = k.idle;
    } else {
      k = t.os_stream(s, c.f[kCpRows], c.pre[kPreCRows], out_free_at_);
      str_free_at_ = k.idle;
      if (c.pre[kPreCRows] > 0) out_free_at_ = k.last_present + t.os_out_free_after();
    }
    mode_ws_ = c.ws;
    records_.push_back(k.retire);
    mesh_free_at_ = k.last_present + t.mesh_free_after();
    if (c.ws) bank_free_at_[cur_bank_] = k.last_present + t.bank_free_after();
    const sc_core::sc_time retired = clock.cycles(k.retire + 1);
    state_.tracker.release(Unit::Execute, c.seq, retired);
    state_.run_dispatch();  // LT: a flush may pass
    command_.retire(retired);
    // Active while a compute runs (from the cycle after its start) or has records in flight
    // (EXE_ACTIVE_CYCLE).
    const int64_t end = std::max(k.idle, k.retire + 1);
    active_.add(end - std::max(s + 1, active_until_));
    active_until_ = end;
  }
}

}  // namespace acv::gemmini
