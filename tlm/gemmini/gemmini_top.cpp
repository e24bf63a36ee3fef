#include "gemmini_top.h"

#include <utility>

namespace acv::gemmini {

namespace {
// The command port only buffers what the host pushed ahead of the decoder; the decoder takes one
// command per cycle and stalls on its unit queues, which is what the RTL's cycle count sees.
constexpr std::size_t kCommandQueueDepth = 4;
}  // namespace

GemminiTop::GemminiTop(sc_core::sc_module_name name, const Params& params, const DramConfig& dram_config,
                       TlmMode mode, std::vector<uint8_t> dram, const Clock& clock)
    : sc_core::sc_module(name),
      m_state(params, mode, clock),
      m_command("command", kCommandQueueDepth, mode, clock),
      m_memory("memory", std::move(dram), memory_port(params, dram_config), mode, clock),  // DMA limits in series
      m_load_dma("load_dma", clock),
      m_store_dma("store_dma", clock),
      m_decoder("decoder", m_state, m_command),
      m_load("load", m_state, m_command, m_load_dma),
      m_execute("execute", m_state, m_command),
      m_store("store", m_state, m_command, m_store_dma) {
  m_load_dma.socket.bind(m_memory.socket);   // socket index 0
  m_store_dma.socket.bind(m_memory.socket);  // socket index 1
  m_memory.set_priority(1, 1);               // store requests before load requests
  // LT: an mvin's burst opens without first waiting for the kernel (its schedule is final once the
  // kernel passes its last accept anyway). Safe because mvins read operands and mvouts write
  // results: the DMAs never read what the other one writes meanwhile (MemoryTarget's contract).
  m_memory.set_lt_lookahead(true);
  // LT: an mvin's burst is final at once when the store unit cannot present a new burst before its
  // last accept (the store DMA is the only other initiator; its open bursts are in the schedule).
  // (A store burst, whose rows have gaps, is not bounded this way: it waits for the kernel.)
  if (mode == TlmMode::LooselyTimed)
    m_memory.set_lt_arrival_bound([this](int id, int64_t last_accept) -> int64_t {
      return id == 0 ? m_store.arrival_floor(m_decoder.next_push_floor(last_accept)) : -1;
    });
  m_store_dma.on_write_acknowledged([this](const sc_core::sc_time& at) { m_store.acknowledged(at); });
}

std::map<std::string, int64_t> GemminiTop::counters() const {
  std::map<std::string, int64_t> c = m_state.counters;
  c["dram.requests"] = m_memory.timing().requests();
  c["dram.busy"] = m_memory.timing().busy_cycles();
  c["instructions"] = m_command.pushed();
  return c;
}

}  // namespace acv::gemmini
