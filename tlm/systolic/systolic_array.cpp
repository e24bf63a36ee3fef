#include "systolic_array.h"

#include <algorithm>
#include <string>

#include "models/common/error.h"

namespace acv::systolic {

SystolicArray::SystolicArray(sc_core::sc_module_name name, SharedState& state, CommandTarget& command)
    : sc_core::sc_module(name),
      state_(state),
      command_(command),
      acc_(static_cast<std::size_t>(state.params.rows * state.params.cols), 0) {
  SC_THREAD(run);
}

void SystolicArray::run() {
  LocalTime lt(state_.mode, state_.clock);
  for (;;) {
    const ConcreteInstruction in = state_.compute_queue.front(lt);
    execute(in, lt);
    state_.compute_queue.pop(lt);
    command_.retire(lt.now());
  }
}

namespace {

// The functional GEMM kernels. IBUF entries hold `ibuf_width` int8, WBUF entries `C`; sizes known at
// compile time (the common square arrays) let the compiler keep accumulators in registers.

// OS: acc[i][j] += sum_k in[k][i] * w[k][j], acc row-major R x C.
template <int R, int C>
void os_kernel(int32_t* acc, const int8_t* in, const int8_t* w, int64_t k_len) {
  int32_t local[R * C];
  std::copy(acc, acc + R * C, local);
  for (int64_t k = 0; k < k_len; ++k, in += R, w += C)
    for (int i = 0; i < R; ++i) {
      const int32_t x = in[i];
      for (int j = 0; j < C; ++j) local[i * C + j] += x * static_cast<int32_t>(w[j]);
    }
  std::copy(local, local + R * C, acc);
}

// OS for larger arrays: the accumulators stay in memory, rows of C (compile-time) vectorize.
template <int C>
void os_kernel_rows(int32_t* acc, const int8_t* in, const int8_t* w, int64_t k_len, int64_t rows) {
  for (int64_t k = 0; k < k_len; ++k, in += rows, w += C) {
    int32_t wk[C];
    for (int j = 0; j < C; ++j) wk[j] = w[j];
    for (int64_t i = 0; i < rows; ++i) {
      int32_t* acc_row = acc + i * C;
      const int32_t x = in[i];
      for (int j = 0; j < C; ++j) acc_row[j] += x * wk[j];
    }
  }
}

void os_generic(int32_t* acc, const int8_t* in, const int8_t* w, int64_t k_len, int64_t rows, int64_t cols) {
  for (int64_t k = 0; k < k_len; ++k, in += rows, w += cols)
    for (int64_t i = 0; i < rows; ++i) {
      int32_t* acc_row = acc + i * cols;
      const int32_t x = in[i];
      for (int64_t j = 0; j < cols; ++j) acc_row[j] += x * static_cast<int32_t>(w[j]);
    }
}

// WS: out[m][j] (+)= sum_{r < k_len} in[m][r] * w[r][j] for m < m_len; IBUF entries of `in_width`.
template <int C>
void ws_kernel(int32_t* out, const int8_t* in, int64_t in_width, const int8_t* w, int64_t k_len, int64_t m_len,
               bool first) {
  for (int64_t m = 0; m < m_len; ++m, in += in_width, out += C) {
    int32_t local[C];
    if (first) std::fill(local, local + C, 0);
    else std::copy(out, out + C, local);
    const int8_t* wr = w;
    for (int64_t r = 0; r < k_len; ++r, wr += C) {
      const int32_t x = in[r];
      for (int j = 0; j < C; ++j) local[j] += x * static_cast<int32_t>(wr[j]);
    }
    std::copy(local, local + C, out);
  }
}

// WS with every PE row in use (k_len == K == R): the whole weight tile in registers.
template <int K, int C>
void ws_kernel_full(int32_t* out, const int8_t* in, int64_t in_width, const int8_t* w, int64_t m_len, bool first) {
  int32_t wt[K * C];
  for (int i = 0; i < K * C; ++i) wt[i] = w[i];
  for (int64_t m = 0; m < m_len; ++m, in += in_width, out += C) {
    int32_t local[C];
    if (first) std::fill(local, local + C, 0);
    else std::copy(out, out + C, local);
    for (int r = 0; r < K; ++r) {
      const int32_t x = in[r];
      for (int j = 0; j < C; ++j) local[j] += x * wt[r * C + j];
    }
    std::copy(local, local + C, out);
  }
}

void ws_generic(int32_t* out, const int8_t* in, int64_t in_width, const int8_t* w, int64_t cols, int64_t k_len,
                int64_t m_len, bool first) {
  for (int64_t m = 0; m < m_len; ++m, in += in_width, out += cols) {
    if (first) std::fill(out, out + cols, 0);
    const int8_t* wr = w;
    for (int64_t r = 0; r < k_len; ++r, wr += cols) {  // PE rows beyond k_len hold zero weights
      const int32_t x = in[r];
      for (int64_t j = 0; j < cols; ++j) out[j] += x * static_cast<int32_t>(wr[j]);
    }
  }
}

}  // namespace

void SystolicArray::accumulate_os(int64_t a, int64_t b, int64_t k_len) {
  const int64_t rows = state_.params.rows, cols = state_.params.cols;
  // Entries are consecutive within a half (entry(h, k) = entry(h, 0) + k * width), IBUF width R, WBUF C.
  const int8_t* in = state_.ibuf.entry(a, 0);
  const int8_t* w = state_.wbuf.entry(b, 0);
  // Measured per size: registers for 4x4, compile-time rows for 8x8; the runtime loops (which the
  // compiler vectorizes as well) are the fastest at 16x16.
  if (rows == 4 && cols == 4) os_kernel<4, 4>(acc_.data(), in, w, k_len);
  else if (cols == 8) os_kernel_rows<8>(acc_.data(), in, w, k_len, rows);
  else os_generic(acc_.data(), in, w, k_len, rows, cols);
}

void SystolicArray::multiply_ws(int64_t a, int64_t b, int64_t o, int64_t k_len, int64_t m_len, bool first) {
  const int64_t cols = state_.params.cols;
  const int8_t* in = state_.ibuf.entry(a, 0);
  const int8_t* w = state_.wbuf.entry(b, 0);
  int32_t* out = state_.obuf.entry(o, 0);
  const int64_t in_width = state_.ibuf.width();
  const int64_t rows = state_.params.rows;
  if (rows == 4 && cols == 4 && k_len == 4) ws_kernel_full<4, 4>(out, in, in_width, w, m_len, first);
  else if (rows == 8 && cols == 8 && k_len == 8) ws_kernel_full<8, 8>(out, in, in_width, w, m_len, first);
  else if (cols == 4) ws_kernel<4>(out, in, in_width, w, k_len, m_len, first);
  else if (cols == 8) ws_kernel<8>(out, in, in_width, w, k_len, m_len, first);
  else if (cols == 16) ws_kernel<16>(out, in, in_width, w, k_len, m_len, first);
  else ws_generic(out, in, in_width, w, cols, k_len, m_len, first);
}

void SystolicArray::execute(const ConcreteInstruction& in, LocalTime& lt) {
  const Params& p = state_.params;
  const int64_t a = in.f[kCpAHalf], b = in.f[kCpBHalf], o = in.f[kCpOHalf];
  const int64_t k_len = in.f[kCpKLen], m_len = in.f[kCpMLen];
  const bool first = in.f[kCpFirst] != 0, last = in.f[kCpLast] != 0;
  auto halves_ok = [](int64_t h) { return h == 0 || h == 1; };
  const bool fits = p.weight_stationary
                        ? k_len >= 0 && k_len <= p.rows && k_len <= p.wbuf_depth && m_len >= 0 &&
                              m_len <= std::min(p.ibuf_depth, p.obuf_depth)
                        : k_len >= 0 && k_len <= p.ibuf_depth && k_len <= p.wbuf_depth;
  if (!halves_ok(a) || !halves_ok(b) || !halves_ok(o) || !fits)
    throw BackendError("systolic compute: operands out of range (k_len " + std::to_string(k_len) + ", m_len " +
                       std::to_string(m_len) + ")");

  const sc_core::sc_time waiting = lt.now();
  state_.ibuf.flag(a).wait_until(true, lt);
  state_.wbuf.flag(b).wait_until(true, lt);
  const Timing::Compute t = state_.timing.compute(p, k_len, m_len, last);
  sc_core::sc_time start = lt.now();
  state_.add_cycles("compute_wait_cycles", waiting, start);

  if (!p.weight_stationary) {
    if (first) std::fill(acc_.begin(), acc_.end(), 0);
    accumulate_os(a, b, k_len);
    lt.advance_cycles(t.before_obuf);
    if (last) {
      state_.add_cycles("compute_busy_cycles", start, lt.now());
      const sc_core::sc_time drain_wait = lt.now();
      state_.obuf.flag(o).wait_until(false, lt);
      state_.add_cycles("compute_wait_cycles", drain_wait, lt.now());
      start = lt.now();
      for (int64_t i = 0; i < p.rows; ++i)
        std::copy(acc_.begin() + i * p.cols, acc_.begin() + (i + 1) * p.cols, state_.obuf.entry(o, i));
      lt.advance_cycles(t.after_obuf);
      state_.obuf.flag(o).set(true, lt.now());
    }
  } else {
    const sc_core::sc_time obuf_wait = lt.now();
    state_.obuf.flag(o).wait_until(false, lt);
    state_.add_cycles("compute_wait_cycles", obuf_wait, lt.now());
    start = lt.now();
    multiply_ws(a, b, o, k_len, m_len, first);
    lt.advance_cycles(t.after_obuf);
    if (last) state_.obuf.flag(o).set(true, lt.now());
  }
  state_.add_cycles("compute_busy_cycles", start, lt.now());
  if (in.f[kCpReleaseA]) state_.ibuf.flag(a).set(false, lt.now());
  if (in.f[kCpReleaseB]) state_.wbuf.flag(b).set(false, lt.now());
}

}  // namespace acv::systolic
