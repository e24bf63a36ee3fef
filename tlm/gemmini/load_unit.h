// The load unit: mvin, external-memory rows into scratchpad or accumulator rows through its DMA.
// As rtl/gemmini/gemmini_load.sv, a mvin starts once the previous one's last request was accepted;
// it leaves its queue, the tracker and retires when its last row is written (responses in order).
#pragma once

#include <systemc>

#include <vector>

#include "shared_state.h"
#include "tlm/common/command_target.h"
#include "tlm/common/dma_initiator.h"

namespace acv::gemmini {

class LoadUnit : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(LoadUnit);
  LoadUnit(sc_core::sc_module_name name, SharedState& state, CommandTarget& command, DmaInitiator& dma);

 private:
  void run();
  // Sends the mvin's requests: returns with lt.now() the cycle after the last accept, and the
  // cycle after its last row was written (its release).
  sc_core::sc_time execute(const UnitCommand& c, LocalTime& lt);
  SharedState& state_;
  CommandTarget& command_;
  DmaInitiator& dma_;
  SharedState::Counter dep_wait_, active_, reads_, bytes_;
  std::vector<uint8_t> staging_;  // accumulator rows: little-endian int32 as they arrive
  sc_core::sc_time busy_until_;   // end of the busy cycles counted so far (mvins overlap)
};

}  // namespace acv::gemmini
