// The systolic array's virtual prototype: command port, dispatcher, units, DMAs and the external memory.
#pragma once

#include <systemc>

#include <map>
#include <string>
#include <vector>

#include "dispatcher.h"
#include "load_unit.h"
#include "shared_state.h"
#include "store_unit.h"
#include "systolic_array.h"
#include "tlm/common/dma_initiator.h"
#include "tlm/common/memory_target.h"

namespace acv::systolic {

// Holds the instances as members and binds them (as Accellera's *_top modules do). A host binds
// its initiator to `command_socket()`; the load and store DMA share the memory target's socket.
class SystolicTop : public sc_core::sc_module {
 public:
  SystolicTop(sc_core::sc_module_name name, const Params& params, const DramConfig& dram_config, TlmMode mode,
              std::vector<uint8_t> dram, const Clock& clock = Clock::default_clock());

  tlm_utils::simple_target_socket<CommandTarget>& command_socket() { return m_command.socket; }
  CommandTarget& command() { return m_command; }
  MemoryTarget& memory() { return m_memory; }
  // Unit busy / wait cycles and memory traffic.
  std::map<std::string, int64_t> counters() const;

 private:
  int64_t store_arrival_bound(int64_t load_last_accept) const;

  SharedState m_state;
  CommandTarget m_command;
  MemoryTarget m_memory;
  DmaInitiator m_load_dma, m_store_dma;
  Dispatcher m_dispatcher;
  LoadUnit m_load;
  SystolicArray m_array;
  StoreUnit m_store;
};

}  // namespace acv::systolic
