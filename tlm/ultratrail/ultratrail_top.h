// The UltraTrail-like accelerator's virtual prototype: command port, one controller thread that
// runs commands one at a time as the RTL's top does (loads and the store through a DMA, a start
// running every configured layer), the on-chip memories and the external memory.
#pragma once

#include <systemc>

#include <array>
#include <map>
#include <string>
#include <vector>

#include "models/ultratrail/ultratrail_accelerator.h"
#include "tlm/common/command_target.h"
#include "tlm/common/dma_initiator.h"
#include "tlm/common/memory_target.h"
#include "tlm/ultratrail/lazy_memory.h"

namespace acv::ultratrail {

// The layer-configuration register of one layer, as cfg_shape and cfg_route wrote it.
struct LayerRegisters {
  int64_t in_c = 0, out_c = 0, in_len = 0, kernel = 0, stride = 0, pad = 0, pool = 0;
  int64_t src = 0, dst = 0, res = kNoResidual, w_base = 0, b_base = 0, relu = 0, shift = 0;
};

class UltraTrailTop : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(UltraTrailTop);
  UltraTrailTop(sc_core::sc_module_name name, const Params& params, const DramConfig& dram_config, TlmMode mode,
                std::vector<uint8_t> dram, const Clock& clock = Clock::default_clock());

  tlm_utils::simple_target_socket<CommandTarget>& command_socket() { return m_command.socket; }
  CommandTarget& command() { return m_command; }
  MemoryTarget& memory() { return m_memory; }
  // Busy cycles per unit, DMA traffic and layer.<i>.cycles (the RTL's names).
  std::map<std::string, int64_t> counters() const { return m_counters; }

 private:
  void run();
  void transfer(const ConcreteInstruction& in, bool store, LocalTime& lt);
  // A start: every configured layer, functionally and timed per layer as the RTL's controller.
  void run_network(int64_t layers, LocalTime& lt);
  void run_layer(int64_t index);
  LazyMemory& memory_of(int64_t mem);
  int64_t word_bytes(int64_t mem) const;

  Params m_params;
  TlmMode m_mode;
  Clock m_clock;
  CommandTarget m_command;
  MemoryTarget m_memory;
  DmaInitiator m_dma;
  // Allocated as used (LazyMemory): a run's child process faults in only what the network uses.
  std::array<LazyMemory, kNumFmems> m_fmem;
  LazyMemory m_wmem, m_bmem;
  std::vector<LayerRegisters> m_layers;
  std::map<std::string, int64_t> m_counters;
};

}  // namespace acv::ultratrail
