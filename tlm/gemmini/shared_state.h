// What the Gemmini-like accelerator's units share: parameters, local memories, unit queues,
// the dependency tracker and counters.
#pragma once

#include <systemc>

#include <array>
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

  int8_t* sp_row(int64_t r) { return sp.data() + r * params.dim; }
  int32_t* acc_row(int64_t r) { return acc.data() + r * params.dim; }
  void add_cycles(const std::string& counter, const sc_core::sc_time& from, const sc_core::sc_time& to) {
    counters[counter] += clock.to_cycles(to) - clock.to_cycles(from);
  }
};

}  // namespace acv::gemmini
