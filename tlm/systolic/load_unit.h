// The load unit: dma_load instructions, DRAM rows into an IBUF or WBUF half through its DMA.
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
  void execute(const ConcreteInstruction& in, LocalTime& lt);
  SharedState& state_;
  CommandTarget& command_;
  DmaInitiator& dma_;
};

}  // namespace acv::systolic
