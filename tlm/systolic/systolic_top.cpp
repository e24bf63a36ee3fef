#include "systolic_top.h"

#include <algorithm>

namespace acv::systolic {

SystolicTop::SystolicTop(sc_core::sc_module_name name, const Params& params, const DramConfig& dram_config,
                         TlmMode mode, std::vector<uint8_t> dram, const Clock& clock)
    : sc_core::sc_module(name),
      m_state(params, mode, clock),
      m_command("command", static_cast<std::size_t>(params.queue_depth), mode, clock),
      m_memory("memory", std::move(dram), dram_config, mode, clock),
      m_load_dma("load_dma", clock),
      m_store_dma("store_dma", clock),
      m_dispatcher("dispatcher", m_state, m_command),
      m_load("load", m_state, m_command, m_load_dma),
      m_array("array", m_state, m_command),
      m_store("store", m_state, m_command, m_store_dma) {
  m_load_dma.socket.bind(m_memory.socket);
  m_store_dma.socket.bind(m_memory.socket);
  m_memory.set_priority(1, 1);  // the memory port's arbiter serves the store unit first
  // Loads read operands and stores write results, never the same bytes within a Program: the
  // look-ahead's early reads are safe here, and save a thread switch per load burst.
  m_memory.set_lt_lookahead(true);
  // ... and a load burst is final at once when the store DMA cannot arrive before its last accept.
  m_memory.set_lt_arrival_bound([this](int, int64_t last_accept) { return store_arrival_bound(last_accept); });
  m_store_dma.on_write_acknowledged([this](const sc_core::sc_time& at) { m_command.end_activity(at); });
}

// Called in the load unit's thread, from the load DMA's b_transport, for a burst whose last request
// is accepted in cycle `la`. Every other thread is suspended, each with a floor (UnitView) below all
// its future times; the load unit's own later actions (flags, pops) come at la + 1 or later. So:
//  - the dispatcher pushes at its now() or later; at la + 1 or later while it holds an instruction
//    for the full load queue (a slot frees at the load unit's next pop);
//  - the array resumes at its floor or later; at la + 1 or later while it waits for an IBUF / WBUF
//    half still empty (only the load unit fills one), at the dispatcher's bound + queue_to_unit
//    while it waits for an instruction;
//  - the store unit resumes no earlier than its floor, the dispatcher's bound + queue_to_unit while
//    its queue is empty, the array's bound while it waits for an OBUF half not yet full (only the
//    array fills one); its burst arrives no earlier than it resumes.
int64_t SystolicTop::store_arrival_bound(int64_t la) const {
  const Clock& clock = m_state.clock;
  const int64_t after_load = la + 1, to_unit = m_state.timing.queue_to_unit;
  auto dispatcher = [&]() -> int64_t {
    int64_t d = clock.to_cycles(m_dispatcher.now());
    if (m_dispatcher.blocked_on() == &m_state.load_queue && !m_state.load_queue.has_free_slot())
      d = std::max(d, after_load);
    return d;
  };
  auto array = [&]() -> int64_t {
    const UnitView& c = m_state.compute_view;
    int64_t r = clock.to_cycles(c.floor);
    if (c.wait == UnitView::kFlag && c.want && c.flag->full() != c.want) r = std::max(r, after_load);
    else if (c.wait == UnitView::kQueue && m_state.compute_queue.empty()) r = std::max(r, dispatcher() + to_unit);
    return r;
  };
  const UnitView& s = m_state.store_view;
  int64_t r = clock.to_cycles(s.floor);
  if (s.wait == UnitView::kQueue && m_state.store_queue.empty()) r = std::max(r, dispatcher() + to_unit);
  else if (s.wait == UnitView::kFlag && s.flag->full() != s.want) r = std::max(r, array());
  return r;
}

std::map<std::string, int64_t> SystolicTop::counters() const {
  std::map<std::string, int64_t> c = m_state.all_counters();
  c["dram.requests"] = m_memory.timing().requests();
  c["dram.bytes"] = m_memory.timing().bytes();
  c["dram.busy"] = m_memory.timing().busy_cycles();
  c["load.dma_requests"] = m_load_dma.requests();
  c["store.dma_requests"] = m_store_dma.requests();
  return c;
}

}  // namespace acv::systolic
