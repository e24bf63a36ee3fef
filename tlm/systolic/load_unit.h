// The load unit: dma_load instructions, DRAM rows into an IBUF or WBUF half through its DMA; the
// next command's requests go out while earlier ones' responses are outstanding (completion in order).
#pragma once

#include <systemc>

#include "shared_state.h"
#include "tlm/common/dma_initiator.h"

namespace acv::systolic {

class LoadUnit : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(LoadUnit);
  LoadUnit(sc_core::sc_module_name name, SharedState& state, CommandTarget& command, DmaInitiator& dma);

 private:
  void run();
  // A command's start cycle and the cycle after its last entry is written (its completion).
  struct Span {
    sc_core::sc_time start, done;
  };
  // Starts the command and sends its requests: returns with lt.now() the cycle after the last accept.
  Span execute(const ConcreteInstruction& in, LocalTime& lt, const sc_core::sc_time& in_flight_until);
  SharedState& state_;
  CommandTarget& command_;
  DmaInitiator& dma_;
};

}  // namespace acv::systolic
