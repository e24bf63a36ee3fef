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

void SystolicArray::accumulate_os(int64_t a, int64_t b, int64_t k_len) {
  const int64_t rows = state_.params.rows, cols = state_.params.cols;
  for (int64_t k = 0; k < k_len; ++k) {
    const int8_t* in = state_.ibuf.entry(a, k);
    const int8_t* w = state_.wbuf.entry(b, k);
    for (int64_t i = 0; i < rows; ++i) {
      int32_t* acc_row = acc_.data() + i * cols;
      const int32_t x = in[i];
      for (int64_t j = 0; j < cols; ++j) acc_row[j] += x * static_cast<int32_t>(w[j]);
    }
  }
}

void SystolicArray::multiply_ws(int64_t a, int64_t b, int64_t o, int64_t k_len, int64_t m_len, bool first) {
  const int64_t cols = state_.params.cols;
  for (int64_t m = 0; m < m_len; ++m) {
    const int8_t* in = state_.ibuf.entry(a, m);
    int32_t* out = state_.obuf.entry(o, m);
    if (first) std::fill(out, out + cols, 0);
    for (int64_t r = 0; r < k_len; ++r) {  // PE rows beyond k_len hold zero weights
      const int8_t* w = state_.wbuf.entry(b, r);
      const int32_t x = in[r];
      for (int64_t j = 0; j < cols; ++j) out[j] += x * static_cast<int32_t>(w[j]);
    }
  }
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
