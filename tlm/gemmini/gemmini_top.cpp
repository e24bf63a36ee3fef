#include "gemmini_top.h"

#include <string>

namespace acv::gemmini {

namespace {
// The command port only buffers what the host pushed ahead of the decoder; the decoder takes one
// command per cycle and stalls on its unit queues, which is what the RTL's cycle count sees.
constexpr std::size_t kCommandQueueDepth = 4;

std::vector<std::unique_ptr<DmaInitiator>> make_store_dmas(const DramConfig& dram, const Clock& clock) {
  std::vector<std::unique_ptr<DmaInitiator>> dmas;
  for (int64_t i = 0; i <= dram.max_outstanding; ++i)
    dmas.push_back(std::make_unique<DmaInitiator>(("store_dma_" + std::to_string(i)).c_str(), clock));
  return dmas;
}

std::vector<DmaInitiator*> pointers(const std::vector<std::unique_ptr<DmaInitiator>>& dmas) {
  std::vector<DmaInitiator*> p;
  for (const auto& d : dmas) p.push_back(d.get());
  return p;
}
}  // namespace

GemminiTop::GemminiTop(sc_core::sc_module_name name, const Params& params, const DramConfig& dram_config,
                       TlmMode mode, std::vector<uint8_t> dram, const Clock& clock)
    : sc_core::sc_module(name),
      m_state(params, mode, clock),
      m_command("command", kCommandQueueDepth, mode, clock),
      m_memory("memory", std::move(dram), dram_config, mode, clock),
      m_load_dma("load_dma", clock),
      m_store_dmas(make_store_dmas(dram_config, clock)),
      m_decoder("decoder", m_state, m_command),
      m_load("load", m_state, m_command, m_load_dma),
      m_execute("execute", m_state, m_command),
      m_store("store", m_state, m_command, pointers(m_store_dmas)) {
  m_load_dma.socket.bind(m_memory.socket);  // socket index 0
  for (std::size_t i = 0; i < m_store_dmas.size(); ++i) {
    m_store_dmas[i]->socket.bind(m_memory.socket);
    m_memory.set_priority(static_cast<int>(i + 1), 1);  // store requests before load requests
    m_store_dmas[i]->on_write_acknowledged([this](const sc_core::sc_time& at) { m_store.acknowledged(at); });
  }
}

std::map<std::string, int64_t> GemminiTop::counters() const {
  std::map<std::string, int64_t> c = m_state.counters;
  c["dram_requests"] = m_memory.timing().requests();
  c["dram_transfer_cycles"] = m_memory.timing().busy_cycles();
  c["instructions"] = m_command.pushed();
  return c;
}

}  // namespace acv::gemmini
