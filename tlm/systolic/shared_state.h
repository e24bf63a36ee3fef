// What the systolic array's units share: parameters, timing, buffers, unit queues, counters.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "buffers.h"
#include "models/common/program.h"
#include "models/systolic/systolic_accelerator.h"
#include "systolic_timing.h"
#include "tlm/common/command_target.h"
#include "tlm/common/timed_fifo.h"

namespace acv::systolic {

struct SharedState {
  SharedState(const Params& p, TlmMode m, const Clock& c)
      : params(p),
        mode(m),
        clock(c),
        ibuf(p.ibuf_depth, p.rows),
        wbuf(p.wbuf_depth, p.cols),
        obuf(p.obuf_depth, p.cols),
        load_queue(static_cast<std::size_t>(p.queue_depth)),
        compute_queue(static_cast<std::size_t>(p.queue_depth)),
        store_queue(static_cast<std::size_t>(p.queue_depth)) {}

  const Params params;
  const TlmMode mode;
  const Clock clock;
  const Timing timing;
  DoubleBuffer<int8_t> ibuf;   // entry = R int8 (one per PE row)
  DoubleBuffer<int8_t> wbuf;   // entry = C int8 (one per PE column)
  DoubleBuffer<int32_t> obuf;  // entry = C int32
  TimedFifo<ConcreteInstruction> load_queue, compute_queue, store_queue;
  std::map<std::string, int64_t> counters;  // busy / wait cycles per unit

  void add_cycles(const std::string& counter, const sc_core::sc_time& from, const sc_core::sc_time& to) {
    counters[counter] += clock.to_cycles(to) - clock.to_cycles(from);
  }
};

}  // namespace acv::systolic
