#include "plasticine_top.h"

namespace acv::plasticine {

PlasticineTop::PlasticineTop(sc_core::sc_module_name name, const Params& params, const DramConfig& dram_config,
                             TlmMode mode, std::vector<uint8_t> dram, const Clock& clock)
    : sc_core::sc_module(name),
      m_state(params, mode, clock),
      m_command("command", static_cast<std::size_t>(params.queue_depth), mode, clock),
      m_memory("memory", std::move(dram), dram_config, mode, clock),
      m_load_dma("load_dma", clock),
      m_store_dma("store_dma", clock),
      m_dispatcher("dispatcher", m_state, m_command),
      m_load("load", m_state, m_command, m_load_dma),
      m_pcus("pcus", m_state, m_command),
      m_store("store", m_state, m_command, m_store_dma) {
  m_load_dma.socket.bind(m_memory.socket);
  m_store_dma.socket.bind(m_memory.socket);
  m_memory.set_priority(1, 1);  // acv_mem_arbiter serves the store address generator first
  m_store_dma.on_write_acknowledged([this](const sc_core::sc_time& at) { m_command.end_activity(at); });
}

std::map<std::string, int64_t> PlasticineTop::counters() const {
  std::map<std::string, int64_t> c = m_state.counters();
  c["dram.requests"] = m_memory.timing().requests();
  c["dram.bytes"] = m_memory.timing().bytes();
  c["dram.busy"] = m_memory.timing().busy_cycles();
  c["load.dma_requests"] = m_load_dma.requests();
  c["store.dma_requests"] = m_store_dma.requests();
  return c;
}

}  // namespace acv::plasticine
