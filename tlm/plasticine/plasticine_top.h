// The plasticine CGRA's virtual prototype: command port, dispatcher, units, DMAs and the external memory.
#pragma once

#include <systemc>

#include <map>
#include <string>
#include <vector>

#include "dispatcher.h"
#include "shared_state.h"
#include "tlm/common/dma_initiator.h"
#include "tlm/common/memory_target.h"
#include "units.h"

namespace acv::plasticine {

// Holds the instances as members and binds them. A host binds its initiator to `command_socket()`;
// the load and store address generators' DMAs share the memory target's socket, stores first.
class PlasticineTop : public sc_core::sc_module {
 public:
  PlasticineTop(sc_core::sc_module_name name, const Params& params, const DramConfig& dram_config, TlmMode mode,
                std::vector<uint8_t> dram, const Clock& clock = Clock::default_clock());

  tlm_utils::simple_target_socket<CommandTarget>& command_socket() { return m_command.socket; }
  CommandTarget& command() { return m_command; }
  MemoryTarget& memory() { return m_memory; }
  std::map<std::string, int64_t> counters() const;

 private:
  SharedState m_state;
  CommandTarget m_command;
  MemoryTarget m_memory;
  DmaInitiator m_load_dma, m_store_dma;
  Dispatcher m_dispatcher;
  LoadUnit m_load;
  PcuArray m_pcus;
  StoreUnit m_store;
};

}  // namespace acv::plasticine
