// What the Gemmini-like accelerator's units share: parameters, local memories, unit queues,
// the dependency tracker and counters.
#pragma once

#include <systemc>

#include <array>
#include <functional>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "dependency_tracker.h"
#include "gemmini_timing.h"
#include "models/gemmini/gemmini_accelerator.h"
#include "tlm/common/timed_fifo.h"

namespace acv::gemmini {

// A command after the decoder: the instruction's fields plus the decoder registers that travel
// with it (rtl/gemmini/gemmini_pkg.sv ld_cmd_t / st_cmd_t / ex_cmd_t).
struct UnitCommand {
  int64_t seq = 0;  // program order; also the tracker's index of the command
  int opcode = 0;
  std::array<int64_t, 6> f{};
  int64_t stride = 0;               // mvin / mvout: config_ld / config_st
  bool relu = false;                // mvout: config_ex
  int64_t shift = 0;
  bool ws = true;                   // compute: config_ex dataflow
  std::array<int64_t, 5> pre{};     // compute: its preload's fields
};

struct SharedState {
  SharedState(const Params& p, TlmMode m, const Clock& c)
      : params(p),
        mode(m),
        clock(c),
        sp(static_cast<std::size_t>(p.sp_rows() * p.dim), 0),
        acc(static_cast<std::size_t>(p.acc_rows() * p.dim), 0),
        load_queue(static_cast<std::size_t>(p.ld_queue_depth)),
        exec_queue(static_cast<std::size_t>(p.ex_queue_depth)),
        store_queue(static_cast<std::size_t>(p.st_queue_depth)) {
    timing.dim = p.dim;
    tracker.set_decoupled(m == TlmMode::LooselyTimed);
  }

  const Params params;
  const TlmMode mode;
  const Clock clock;
  Timing timing;
  std::vector<int8_t> sp;    // scratchpad: sp_rows rows of DIM int8
  std::vector<int32_t> acc;  // accumulator: acc_rows rows of DIM int32
  TimedFifo<UnitCommand> load_queue, exec_queue, store_queue;
  DependencyTracker tracker;
  std::map<std::string, int64_t> counters;
  // LT: the thread-less decoder's drain; units run it after each queue pop and release.
  std::function<void()> dispatch;
  void run_dispatch() {
    if (dispatch) dispatch();
  }

  int8_t* sp_row(int64_t r) { return sp.data() + r * params.dim; }
  int32_t* acc_row(int64_t r) { return acc.data() + r * params.dim; }
  void add_cycles(const std::string& counter, const sc_core::sc_time& from, const sc_core::sc_time& to) {
    counters[counter] += clock.to_cycles(to) - clock.to_cycles(from);
  }
  // A counter looked up once (its map node is stable) and created at its first use, as
  // counters[name] creates it: the string-keyed lookup per command showed in the LT profile.
  class Counter {
   public:
    Counter(SharedState& s, const char* name) : state_(s), name_(name) {}
    int64_t& operator*() {
      if (value_ == nullptr) value_ = &state_.counters[name_];
      return *value_;
    }
    void add(int64_t n) { *(*this) += n; }
    void add_cycles(const sc_core::sc_time& from, const sc_core::sc_time& to) {
      add(state_.clock.to_cycles(to) - state_.clock.to_cycles(from));
    }

   private:
    SharedState& state_;
    const char* name_;
    int64_t* value_ = nullptr;
  };
};

}  // namespace acv::gemmini
