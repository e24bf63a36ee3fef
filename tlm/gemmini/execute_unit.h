// The execute unit: WS and OS computes on the DIM x DIM mesh, computed functionally in C++ and
// scheduled per command as gemmini_execute.sv runs them (WS weight loader, the streamer of both
// dataflows, the OS drain's output registers, records).
#pragma once

#include <systemc>

#include <deque>
#include <vector>


#include "shared_state.h"
#include "tlm/common/command_target.h"
#include "models/common/gemm_kernels.h"

namespace acv::gemmini {

class ExecuteUnit : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(ExecuteUnit);
  ExecuteUnit(sc_core::sc_module_name name, SharedState& state, CommandTarget& command);

 private:
  void run();
  // The first cycle >= `from` at which the RTL's can_start holds for `c` (records, mesh, banks);
  // counts the cycles waited past the cycle its part of the unit is free as preload or overlap
  // hazards.
  int64_t earliest_start(const UnitCommand& c, int64_t from);
  void compute(const UnitCommand& c);
  gemm::Scratch scratch_;  // packed operands of the GEMM kernels
  SharedState& state_;
  CommandTarget& command_;
  SharedState::Counter overlap_haz_, preload_haz_, mesh_rows_, dep_wait_, active_;

  // Schedule state, in cycles (the RTL's registers as the times they change).
  static constexpr std::size_t kRecords = 4;  // in-flight computes (gemmini_top RecDepth)
  int64_t str_free_at_ = 0;                   // streamer: the cycle after its last A row read
  int64_t out_free_at_ = 0;                   // OS: a last row with output may be read
  int64_t stg_free_at_ = 0;                   // WS staged slot: empty (its compute streams)
  int64_t wl_free_at_ = 0;                    // WS weight loader: may take the next one
  int64_t last_pop_ = -1;                     // the queue's next head is seen the cycle after
  std::deque<int64_t> records_;               // retire cycles of the records, in order
  int64_t mesh_free_at_ = 0;                  // mesh_busy reaches 0
  int64_t bank_free_at_[2] = {0, 0};          // bank_busy of each WS weight bank reaches 0
  int cur_bank_ = 0;                          // WS weight bank new rows use
  bool mode_ws_ = true;                       // dataflow the mesh runs
  int64_t active_until_ = 0;                  // end of the computes (and records) counted active

  // Functional state.
  gemm::PackedWeights weights_[2];  // WS: DIM x DIM per bank (row k = mesh row k), packed at the preload
  std::vector<int8_t> staged_;      // WS: the weights a compute_preloaded loads, before packing
  std::vector<int32_t> pe_;         // OS: the PE accumulators, DIM x DIM
};

}  // namespace acv::gemmini
