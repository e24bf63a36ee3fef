// Per-instruction delays of the systolic array's TLM model, in cycles, from its parameters.
#pragma once

#include <cstdint>

#include "models/systolic/systolic_accelerator.h"

namespace acv::systolic {

// What a TLM model annotates: one delay per step of an instruction, not a cycle-by-cycle
// schedule. The values follow the RTL's documented timing (rtl/systolic/README.md) at the
// level of whole instructions; see docs/tlm.md for what is and is not modelled.
struct Timing {
  int64_t dispatch = 1;       // dispatcher: cycles per instruction moved to a unit queue
  int64_t queue_to_unit = 1;  // a queued instruction is seen by its unit one cycle later
  int64_t flag_latency = 1;   // a flag change is seen by another unit one cycle later
  int64_t load_setup = 1;     // cycles from a load's start to its first memory request
  int64_t store_setup = 1;    // cycles from a store's start to its first memory request (OBUF read)
  int64_t unit_retire = 1;    // cycles from an instruction's last action to its unit taking the next

  // Cycles the array is busy with one compute, split so a model can place the OBUF wait.
  struct Compute {
    int64_t before_obuf = 0;  // OS: stream k_len entries through the skewed array; WS: 0
    int64_t after_obuf = 0;   // OS (last): drain R rows into OBUF; WS: preload + stream m_len entries
  };
  Compute compute(const Params& p, int64_t k_len, int64_t m_len, bool last) const;
};

}  // namespace acv::systolic
