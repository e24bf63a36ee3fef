// The store unit: dma_store instructions, an OBUF half's int32 rows to DRAM through its DMA.
#pragma once

#include <systemc>

#include "shared_state.h"
#include "tlm/common/dma_initiator.h"

namespace acv::systolic {

class StoreUnit : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(StoreUnit);
  StoreUnit(sc_core::sc_module_name name, SharedState& state, CommandTarget& command, DmaInitiator& dma);

 private:
  void run();
  void execute(const ConcreteInstruction& in, LocalTime& lt);
  SharedState& state_;
  CommandTarget& command_;
  DmaInitiator& dma_;
  std::vector<uint8_t> staging_;  // little-endian bytes of the rows being written
};

}  // namespace acv::systolic
