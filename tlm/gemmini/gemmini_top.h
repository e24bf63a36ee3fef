// The Gemmini-like accelerator's virtual prototype: command port, decoder, the load / execute /
// store units with their queues and dependency tracker, two DMAs and the external memory.
#pragma once

#include <systemc>

#include <map>
#include <string>
#include <vector>

#include "decoder.h"
#include "execute_unit.h"
#include "load_unit.h"
#include "shared_state.h"
#include "store_unit.h"
#include "tlm/common/dma_initiator.h"
#include "tlm/common/memory_target.h"

namespace acv::gemmini {

// Holds the instances as members and binds them. A host binds its initiator to
// `command_socket()`; the load and store DMAs share the memory target's socket (one port, the
// store unit first, as gemmini_top.sv arbitrates).
class GemminiTop : public sc_core::sc_module {
 public:
  GemminiTop(sc_core::sc_module_name name, const Params& params, const DramConfig& dram_config, TlmMode mode,
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
  Decoder m_decoder;
  LoadUnit m_load;
  ExecuteUnit m_execute;
  StoreUnit m_store;
};

}  // namespace acv::gemmini
