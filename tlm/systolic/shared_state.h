// What the systolic array's units share: parameters, timing, buffers, unit queues, counters.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "buffers.h"
#include "models/common/program.h"
#include "models/systolic/systolic_accelerator.h"
#include "systolic_timing.h"
#include "tlm/common/command_target.h"
#include "tlm/common/timed_fifo.h"

namespace acv::systolic {

// LT: what a unit thread waits for, and a lower bound of its future times (its local time at
// some point before it last suspended; local times never go back). Read by SystolicTop's bound
// on the store DMA's next arrival while the load DMA's burst is in the memory target.
struct UnitView {
  enum Wait { kNone, kQueue, kFlag };
  sc_core::sc_time floor;
  Wait wait = kNone;
  const FullFlag* flag = nullptr;  // kFlag: the flag, and the value it waits for
  bool want = false;
  void block(Wait w, const LocalTime& lt, const FullFlag* f = nullptr, bool v = false) {
    floor = lt.now();
    wait = w;
    flag = f;
    want = v;
  }
  void run() { wait = kNone; }
};

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
  // LT: the passive dispatcher, run by a unit after it pops its queue (AT: empty, a thread).
  std::function<void()> dispatch;
  UnitView compute_view, store_view;
  void popped() {
    if (dispatch) dispatch();
  }

  void add_cycles(const std::string& counter, const sc_core::sc_time& from, const sc_core::sc_time& to) {
    counters[counter] += clock.to_cycles(to) - clock.to_cycles(from);
  }

  // The units' own counters, added per instruction: an array slot instead of a string-keyed map
  // lookup (the names are longer than the short-string buffer, so each lookup allocated).
  // Named as the RTL's counters (models/common/counters.h), which they equal cycle for cycle.
  enum Counter {
    kLoadWait, kLoadBusy, kComputeWaitLoad, kComputeWaitStore, kComputeBusy, kStoreWait, kStoreBusy, kNumCounters
  };
  void add_cycles(Counter c, const sc_core::sc_time& from, const sc_core::sc_time& to) {
    unit_counters_[c] += clock.to_cycles(to) - clock.to_cycles(from);
    counted_[c] = true;
  }
  // `counters` plus every unit counter that was added to.
  std::map<std::string, int64_t> all_counters() const {
    static const char* const names[kNumCounters] = {"load.stall.compute", "load.busy",           "compute.stall.load",
                                                    "compute.stall.store", "compute.busy",       "store.stall.compute",
                                                    "store.busy"};
    std::map<std::string, int64_t> c = counters;
    for (int i = 0; i < kNumCounters; ++i)
      if (counted_[i]) c[names[i]] += unit_counters_[i];
    return c;
  }

 private:
  int64_t unit_counters_[kNumCounters] = {};
  bool counted_[kNumCounters] = {};
};

}  // namespace acv::systolic
