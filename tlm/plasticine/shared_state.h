// What the plasticine CGRA's TLM units share: parameters, timing, PMU and output halves with their
// full flags, the route table, unit queues, counters.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "models/common/program.h"
#include "models/plasticine/plasticine_accelerator.h"
#include "tlm/common/command_target.h"
#include "tlm/common/full_flag.h"
#include "tlm/common/timed_fifo.h"

namespace acv::plasticine {

// Per-instruction delays in cycles, from the RTL's documented timing (rtl/plasticine/README.md).
// Time convention: a unit that starts a command at cycle s and ends it in cycle e has local time
// e + 1 afterwards; flag changes and queue slots it frees are visible from e + 1.
struct Timing {
  int64_t dispatch = 1;       // the dispatcher moves one instruction per cycle...
  int64_t queue_to_unit = 1;  // ...and its unit can start it the cycle after
  int64_t dma_setup = 1;      // an address generator issues its first request the cycle after its start
  int64_t route = 1;          // the controller writes a route register in its idle cycle
  // A compute: the idle cycle, one vector pair per cycle, then the PMU read, input FIFO, stages,
  // reduction tree and accumulator write of the last one.
  int64_t compute(const Params& p, int64_t vectors) const { return vectors + p.pipeline_depth() + 1; }
};

struct SharedState {
  SharedState(const Params& p, TlmMode m, const Clock& c)
      : params(p),
        mode(m),
        clock(c),
        pmu(static_cast<std::size_t>(p.pcus() * 2), std::vector<int8_t>(static_cast<std::size_t>(p.half_entries() * p.lanes))),
        out(static_cast<std::size_t>(p.pcus() * 2), std::vector<int32_t>(static_cast<std::size_t>(p.out_depth))),
        route(static_cast<std::size_t>(p.pcus())),
        load_queue(static_cast<std::size_t>(p.queue_depth)),
        compute_queue(static_cast<std::size_t>(p.queue_depth)),
        store_queue(static_cast<std::size_t>(p.queue_depth)) {
    for (std::size_t i = 0; i < route.size(); ++i) route[i] = static_cast<int64_t>(i);  // the RTL's reset routes
  }

  const Params params;
  const TlmMode mode;
  const Clock clock;
  const Timing timing;
  std::vector<std::vector<int8_t>> pmu;   // [unit * 2 + half][entry * lanes + lane]
  std::vector<std::vector<int32_t>> out;  // [pcu * 2 + half][entry]
  FullFlag full[2], out_full[2];          // PMU halves (every PMU alike), PCU output halves
  std::vector<int64_t> route;             // PMU feeding each PCU
  TimedFifo<ConcreteInstruction> load_queue, compute_queue, store_queue;
  // LT: the passive dispatcher, run by a unit after it pops its queue (AT: a thread).
  std::function<void()> dispatch;
  void popped() {
    if (dispatch) dispatch();
  }

  // Named as the RTL's counters (models/common/counters.h).
  enum Counter {
    kLoadWait, kLoadBusy, kComputeWaitLoad, kComputeWaitStore, kComputeBusy, kPcuBusy, kStoreWait, kStoreBusy,
    kNumCounters
  };
  void add_cycles(Counter c, const sc_core::sc_time& from, const sc_core::sc_time& to) {
    counters_[c] += clock.to_cycles(to) - clock.to_cycles(from);
  }
  void add(Counter c, int64_t cycles) { counters_[c] += cycles; }
  std::map<std::string, int64_t> counters() const {
    static const char* const names[kNumCounters] = {"load.stall.compute", "load.busy",  "compute.stall.load",
                                                    "compute.stall.store", "compute.busy", "pcu.busy",
                                                    "store.stall.compute", "store.busy"};
    std::map<std::string, int64_t> c;
    for (int i = 0; i < kNumCounters; ++i) c[names[i]] = counters_[i];
    c["pcu.units"] = params.pcus();
    return c;
  }

 private:
  int64_t counters_[kNumCounters] = {};
};

}  // namespace acv::plasticine
