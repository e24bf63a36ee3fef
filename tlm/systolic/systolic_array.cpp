#include "systolic_array.h"

#include <algorithm>
#include <string>

#include "models/common/error.h"
#include "models/systolic/systolic_operands.h"

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
    state_.compute_view.block(UnitView::kQueue, lt);
    const ConcreteInstruction in = state_.compute_queue.front(lt);
    state_.compute_view.run();
    execute(in, lt);
    state_.compute_queue.pop(lt);
    state_.popped();
    command_.retire(lt.now());
  }
}

void SystolicArray::accumulate_os(int64_t a, int64_t b, int64_t b_off, int64_t k_len) {
  // Entries are consecutive within a half (entry(h, k) = entry(h, 0) + k * width), IBUF width R, WBUF C.
  gemm::os(acc_.data(), state_.ibuf.entry(a, 0), state_.wbuf.entry(b, b_off), k_len, state_.params.rows,
           state_.params.cols, scratch_);
}

void SystolicArray::multiply_ws(int64_t a, int64_t a_off, int64_t b, int64_t b_off, int64_t o, int64_t k_len,
                                int64_t m_len, bool first) {
  gemm::ws(state_.obuf.entry(o, 0), state_.ibuf.entry(a, a_off), state_.ibuf.width(), state_.wbuf.entry(b, b_off), k_len,
           m_len, state_.params.cols, first, scratch_);
}

void SystolicArray::execute(const ConcreteInstruction& in, LocalTime& lt) {
  const Params& p = state_.params;
  const int64_t a = in.f[kCpAHalf], b = in.f[kCpBHalf], o = in.f[kCpOHalf];
  const int64_t k_len = in.f[kCpKLen], m_len = in.f[kCpMLen], b_off = in.f[kCpBOff];
  const int64_t a_off = in.f[kCpAOff];
  const bool first = in.f[kCpFirst] != 0, last = in.f[kCpLast] != 0;
  const std::string error = operand_error(p, in);
  if (!error.empty()) throw BackendError("systolic compute: " + error);

  const sc_core::sc_time waiting = lt.now();
  // Both halves must be full; only the load unit fills them and only this unit empties them, so
  // the start is the later of their stamps in either order. Programs load the IBUF half first:
  // LT waits for the WBUF half first (one thread switch instead of two); AT keeps its order.
  UnitView& view = state_.compute_view;
  FullFlag& fa = state_.ibuf.flag(a);
  FullFlag& fb = state_.wbuf.flag(b);
  FullFlag& first_flag = lt.decoupled() ? fb : fa;
  FullFlag& second_flag = lt.decoupled() ? fa : fb;
  view.block(UnitView::kFlag, lt, &first_flag, true);
  first_flag.wait_until(true, lt);
  view.block(UnitView::kFlag, lt, &second_flag, true);
  second_flag.wait_until(true, lt);
  view.run();
  const Timing::Compute t = state_.timing.compute(p, k_len, m_len, last);
  sc_core::sc_time start = lt.now();
  state_.add_cycles(SharedState::kComputeWaitLoad, waiting, start);

  if (!p.weight_stationary) {
    if (first) std::fill(acc_.begin(), acc_.end(), 0);
    accumulate_os(a, b, b_off, k_len);
    lt.advance_cycles(t.before_obuf);
    if (last) {
      state_.add_cycles(SharedState::kComputeBusy, start, lt.now());
      const sc_core::sc_time drain_wait = lt.now();
      view.block(UnitView::kFlag, lt, &state_.obuf.flag(o), false);
      state_.obuf.flag(o).wait_until(false, lt);
      view.run();
      state_.add_cycles(SharedState::kComputeWaitStore, drain_wait, lt.now());
      start = lt.now();
      for (int64_t i = 0; i < p.rows; ++i)
        std::copy(acc_.begin() + i * p.cols, acc_.begin() + (i + 1) * p.cols, state_.obuf.entry(o, i));
      lt.advance_cycles(t.after_obuf);
      state_.obuf.flag(o).set(true, lt);
    }
  } else {
    const sc_core::sc_time obuf_wait = lt.now();
    view.block(UnitView::kFlag, lt, &state_.obuf.flag(o), false);
    state_.obuf.flag(o).wait_until(false, lt);
    view.run();
    state_.add_cycles(SharedState::kComputeWaitStore, obuf_wait, lt.now());
    start = lt.now();
    multiply_ws(a, a_off, b, b_off, o, k_len, m_len, first);
    lt.advance_cycles(t.after_obuf);
    if (last) state_.obuf.flag(o).set(true, lt);
  }
  state_.add_cycles(SharedState::kComputeBusy, start, lt.now());
  if (in.f[kCpReleaseA]) state_.ibuf.flag(a).set(false, lt);
  if (in.f[kCpReleaseB]) state_.wbuf.flag(b).set(false, lt);
}

}  // namespace acv::systolic
