#include "execute_unit.h"

#include <algorithm>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace acv::gemmini {

ExecuteUnit::ExecuteUnit(sc_core::sc_module_name name, SharedState& state, CommandTarget& command)
    : sc_core::sc_module(name),
      state_(state),
      command_(command),
      overlap_haz_(state, "exe_overlap_haz_cycle"),
      preload_haz_(state, "exe_preload_haz_cycle"),
      mesh_rows_(state, "mesh_rows"),
      dep_wait_(state, "exe_dep_wait_cycle"),
      active_(state, "exe_active_cycle"),
      weights_{std::vector<int32_t>(static_cast<std::size_t>(state.params.dim * state.params.dim), 0),
               std::vector<int32_t>(static_cast<std::size_t>(state.params.dim * state.params.dim), 0)},
      pe_(static_cast<std::size_t>(state.params.dim * state.params.dim), 0),
      packed_w_{std::vector<int16_t>(static_cast<std::size_t>(state.params.dim * state.params.dim), 0),
                std::vector<int16_t>(static_cast<std::size_t>(state.params.dim * state.params.dim), 0)} {
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
  overlap_haz_.add(overlap - idle);
  preload_haz_.add(s - overlap);
  return s;
}

#if defined(__SSE2__)
namespace {
// Two int8 values as the int16 pair (lo, hi) of one 32-bit lane.
inline int32_t pair16(int32_t lo, int32_t hi) {
  return static_cast<int32_t>((static_cast<uint32_t>(lo) & 0xffffu) | (static_cast<uint32_t>(hi) << 16));
}
}  // namespace

// The same sums as the scalar loops below, mod 2^32: pmaddwd multiplies int16 pairs of two
// consecutive k (int8 operands, so each product and the pair's sum are exact in int32) and the
// lanes add mod 2^32, as the uint32 adds do. Contract: dim % 4 == 0.
template <class WriteC>
void ExecuteUnit::compute_sse2(const UnitCommand& c, WriteC& write_c) {
  const int64_t dim = state_.params.dim, vecs = dim / 4, pairs = (dim + 1) / 2;
  const int64_t rows = c.f[kCpRows], a_addr = c.f[kCpAAddr], b_addr = c.f[kCpBAddr];
  const int64_t c_rows = c.pre[kPreCRows];
  const bool preloaded = c.opcode == kComputePreloaded;
  // Interleaves rows r0 and r1 into pmaddwd operands (lane j: r0[j], r1[j]), 4 columns a vector.
  auto pack = [dim](int16_t* dst, auto r0, auto r1) {
    for (int64_t j = 0; j < dim; ++j) {
      dst[2 * j] = static_cast<int16_t>(r0(j));
      dst[2 * j + 1] = static_cast<int16_t>(r1(j));
    }
  };
  auto packed = [vecs](const int16_t* base, int64_t p, int64_t v) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + 8 * (p * vecs + v)));
  };
  alignas(16) int32_t out[64];  // dim <= 64 per vector row below
  std::vector<int32_t> wide;
  int32_t* res = out;
  if (dim > 64) {
    wide.resize(static_cast<std::size_t>(dim));
    res = wide.data();
  }
  if (c.ws) {
    const int bank = preloaded ? 1 - cur_bank_ : cur_bank_;
    std::vector<int32_t>& w = weights_[bank];
    // The bank's weights packed when they are loaded (zero after reset, as the weights).
    std::vector<int16_t>& pw = packed_w_[bank];
    if (preloaded) {
      const int64_t w_rows = c.pre[kPreBRows], w_addr = c.pre[kPreBAddr];
      for (int64_t k = 0; k < dim; ++k)
        for (int64_t j = 0; j < dim; ++j) w[k * dim + j] = k < w_rows ? state_.sp_row(w_addr + k)[j] : 0;
      pw.resize(static_cast<std::size_t>(8 * pairs * vecs));
      for (int64_t p = 0; p < pairs; ++p) {
        const int32_t* w0 = w.data() + 2 * p * dim;
        const int32_t* w1 = 2 * p + 1 < dim ? w0 + dim : nullptr;
        pack(pw.data() + 8 * p * vecs, [w0](int64_t j) { return w0[j]; },
             [w1](int64_t j) { return w1 ? w1[j] : 0; });
      }
    }
    const int64_t m_rows = std::min(rows, c_rows);
    if (m_rows <= 0) return;
    for (int64_t m = 0; m < m_rows; ++m) {
      const int8_t* a = state_.sp_row(a_addr + m);
      for (int64_t v = 0; v < vecs; ++v) {
        __m128i sum = _mm_setzero_si128();
        for (int64_t p = 0; p < pairs; ++p) {
          const __m128i x = _mm_set1_epi32(pair16(a[2 * p], 2 * p + 1 < dim ? a[2 * p + 1] : 0));
          sum = _mm_add_epi32(sum, _mm_madd_epi16(x, packed(pw.data(), p, v)));
        }
        _mm_storeu_si128(reinterpret_cast<__m128i*>(res + 4 * v), sum);
      }
      write_c(m, res);
    }
  } else {
    if (preloaded) std::fill(pe_.begin(), pe_.end(), 0);
    const int64_t k_pairs = (rows + 1) / 2;
    packed_.resize(static_cast<std::size_t>(8 * k_pairs * vecs));
    for (int64_t p = 0; p < k_pairs; ++p) {
      const int8_t* b0 = state_.sp_row(b_addr + 2 * p);
      const int8_t* b1 = 2 * p + 1 < rows ? state_.sp_row(b_addr + 2 * p + 1) : nullptr;
      pack(packed_.data() + 8 * p * vecs, [b0](int64_t j) { return b0[j]; },
           [b1](int64_t j) { return b1 ? b1[j] : 0; });
    }
    for (int64_t i = 0; i < dim; ++i) {
      int32_t* acc = pe_.data() + i * dim;
      for (int64_t v = 0; v < vecs; ++v) {
        __m128i sum = _mm_loadu_si128(reinterpret_cast<const __m128i*>(acc + 4 * v));
        for (int64_t p = 0; p < k_pairs; ++p) {
          const int32_t a0 = state_.sp_row(a_addr + 2 * p)[i];  // column k of A: element i feeds mesh row i
          const int32_t a1 = 2 * p + 1 < rows ? state_.sp_row(a_addr + 2 * p + 1)[i] : 0;
          sum = _mm_add_epi32(sum, _mm_madd_epi16(_mm_set1_epi32(pair16(a0, a1)),
                                                  packed(packed_.data(), p, v)));
        }
        _mm_storeu_si128(reinterpret_cast<__m128i*>(acc + 4 * v), sum);
      }
    }
    for (int64_t i = 0; i < c_rows; ++i) write_c(i, pe_.data() + i * dim);
  }
}
#endif

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
  std::vector<int32_t>& out = out_;
  out.resize(static_cast<std::size_t>(dim));
#if defined(__SSE2__)
  if (dim % 4 == 0) {
    compute_sse2(c, write_c);
    mesh_rows_.add(rows);
    return;
  }
#endif
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
  mesh_rows_.add(rows);
}

void ExecuteUnit::run() {
  LocalTime lt(state_.mode, state_.clock);
  const Clock& clock = state_.clock;
  const Timing& t = state_.timing;
  for (;;) {
    const UnitCommand c = state_.exec_queue.front(lt);
    const sc_core::sc_time waiting = lt.now();
    state_.tracker.wait_clear(Unit::Execute, c.seq, lt);
    dep_wait_.add_cycles(waiting, lt.now());
    const int64_t s = earliest_start(c, lt.now_cycles());
    lt.advance_to(clock.cycles(s));
    state_.exec_queue.pop(lt, clock.cycles(t.ex_queue_pop));  // the compute moves into a record
    state_.run_dispatch();  // LT: the decoder may push into the freed slot

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
    state_.run_dispatch();  // LT: a flush may pass
    command_.retire(clock.cycles(k.retire + 1));
    // Active while a compute runs (from the cycle after its start) or has records in flight
    // (EXE_ACTIVE_CYCLE).
    const int64_t end = std::max(k.idle, k.retire + 1);
    active_.add(end - std::max(s + 1, active_until_));
    active_until_ = end;
  }
}

}  // namespace acv::gemmini
