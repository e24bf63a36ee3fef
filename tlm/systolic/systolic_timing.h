// Per-instruction delays of the systolic array's TLM model, in cycles, from its parameters.
#pragma once

#include <cstdint>

#include "models/systolic/systolic_accelerator.h"

namespace acv::systolic {

// What the TLM model annotates: a few delays per instruction, not a cycle-by-cycle schedule.
// They follow the RTL's documented timing at instruction granularity (rtl/systolic/README.md).
// Time convention: a unit that starts a command at cycle s and ends it in cycle e has local
// time e + 1 afterwards; flag changes and queue slots it frees are visible from e + 1.
struct Timing {
  int64_t dispatch = 1;       // the dispatcher moves one instruction per cycle...
  int64_t queue_to_unit = 1;  // ...and its unit can start it the cycle after
  int64_t dma_setup = 1;      // a load / store issues its first request the cycle after its start

  // Cycles the array is busy with one compute, split around the wait for the OBUF half.
  struct Compute {
    int64_t before_obuf = 0;  // OS: feed k_len entries, then (last) flush C cycles
    int64_t after_obuf = 0;   // OS (last): drain R rows; WS: preload and stream (last: and deskew)
  };
  Compute compute(const Params& p, int64_t k_len, int64_t m_len, bool last) const;
};

}  // namespace acv::systolic
