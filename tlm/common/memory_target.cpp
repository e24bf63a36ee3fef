#include "memory_target.h"

#include <stdexcept>

namespace acv {

MemoryTarget::MemoryTarget(sc_core::sc_module_name name, std::vector<uint8_t> contents,
                           const DramConfig& config, TlmMode mode, const Clock& clock)
    : sc_core::sc_module(name),
      socket("socket"),
      memory_(std::move(contents)),
      timing_(config),
      mode_(mode),
      clock_(clock),
      m_peq(this, &MemoryTarget::peq_callback) {
  socket.register_b_transport(this, &MemoryTarget::b_transport);
  socket.register_nb_transport_fw(this, &MemoryTarget::nb_transport_fw);
  socket.register_get_direct_mem_ptr(this, &MemoryTarget::get_direct_mem_ptr);
  socket.register_transport_dbg(this, &MemoryTarget::transport_dbg);
  SC_METHOD(arbitrate);
  sensitive << m_arbitrate;
  dont_initialize();
}

int MemoryTarget::priority(int id) const {
  const auto it = m_priority.find(id);
  return it == m_priority.end() ? 0 : it->second;
}

void MemoryTarget::b_transport(int id, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const sc_core::sc_time start = sc_core::sc_time_stamp() + delay;
  int64_t arrival = clock_.to_cycles(clock_.align_up(start));
  const int prio = priority(id);
  if (prio < m_kept_for_priority && arrival <= m_kept_until) arrival = m_kept_until + 1;
  const DramTiming::Slot slot = timing_.schedule(arrival, static_cast<int64_t>(gp.get_data_length()));
  memory_.operation(gp);
  gp.set_dmi_allowed(mode_ == TlmMode::LooselyTimed);
  auto* accept = gp.get_extension<AcceptTimeExtension>();
  if (accept) accept->accepted = clock_.cycles(slot.accept);
  if (accept && accept->more && prio > 0) {
    // The next request is presented the cycle after and waits for the port like this one did;
    // a lower-priority request cannot go in before it is accepted.
    m_kept_until = timing_.earliest_accept(slot.accept + 1);
    m_kept_for_priority = prio;
  } else if (prio >= m_kept_for_priority) {
    m_kept_until = -1;
  }
  delay = clock_.cycles(slot.complete) - sc_core::sc_time_stamp();
}

tlm::tlm_sync_enum MemoryTarget::nb_transport_fw(int id, tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase,
                                                 sc_core::sc_time& delay) {
  if (phase == tlm::BEGIN_REQ) {
    m_initiator_of[&gp] = id;
    m_peq.notify(gp, phase, delay);
    return tlm::TLM_ACCEPTED;
  }
  if (phase == tlm::END_RESP) {
    m_response_busy[id] = false;
    auto& queue = m_response_queue[id];
    if (!queue.empty()) {
      tlm::tlm_generic_payload* next = queue.front();
      queue.pop_front();
      send_response(id, *next);
    }
    return tlm::TLM_COMPLETED;
  }
  SC_REPORT_ERROR("acv/memory_target", "nb_transport_fw: unexpected phase");
  return tlm::TLM_COMPLETED;
}

// The payload event queue carries BEGIN_REQ (a request arrives) and BEGIN_RESP (its transfer
// finished, at the completion cycle).
void MemoryTarget::peq_callback(tlm::tlm_generic_payload& gp, const tlm::tlm_phase& phase) {
  const int id = m_initiator_of.at(&gp);
  if (phase == tlm::BEGIN_REQ) {
    m_pending.push_back(Pending{&gp, id, m_arrivals++});
    arm_arbiter(clock_.to_cycles(clock_.align_up(sc_core::sc_time_stamp())));
  } else if (phase == tlm::BEGIN_RESP) {
    if (m_response_busy[id]) m_response_queue[id].push_back(&gp);  // response exclusion rule
    else send_response(id, gp);
  }
}

// Arbitration for cycle c runs at c + half a period, after all requests of cycle c have arrived.
void MemoryTarget::arm_arbiter(int64_t cycle) {
  const sc_core::sc_time at = clock_.cycles(cycle) + clock_.period() / 2;
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  m_arbitrate.notify(at > now ? at - now : sc_core::SC_ZERO_TIME);
}

void MemoryTarget::arbitrate() {
  if (m_pending.empty()) return;
  const int64_t cycle = clock_.to_cycles(sc_core::sc_time_stamp());
  auto best = m_pending.begin();
  for (auto it = m_pending.begin(); it != m_pending.end(); ++it) {
    const int p = priority(it->id), q = priority(best->id);
    if (p > q || (p == q && it->order < best->order)) best = it;
  }
  const int64_t earliest = timing_.earliest_accept(cycle);
  if (earliest > cycle) {  // the port is busy or every slot is taken: try again when it frees
    arm_arbiter(earliest);
    return;
  }
  const Pending chosen = *best;
  m_pending.erase(best);
  const DramTiming::Slot slot = timing_.schedule(cycle, static_cast<int64_t>(chosen.gp->get_data_length()));
  memory_.operation(*chosen.gp);
  chosen.gp->set_dmi_allowed(false);
  m_peq.notify(*chosen.gp, tlm::BEGIN_RESP, clock_.cycles(slot.complete) - sc_core::sc_time_stamp());
  tlm::tlm_phase phase = tlm::END_REQ;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  socket[chosen.id]->nb_transport_bw(*chosen.gp, phase, delay);  // any return value is fine for END_REQ
  if (!m_pending.empty()) arm_arbiter(cycle + 1);
}

void MemoryTarget::send_response(int id, tlm::tlm_generic_payload& gp) {
  m_initiator_of.erase(&gp);
  tlm::tlm_phase out = tlm::BEGIN_RESP;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  const tlm::tlm_sync_enum status = socket[id]->nb_transport_bw(gp, out, delay);
  // TLM_COMPLETED or TLM_UPDATED(END_RESP) end the transaction; TLM_ACCEPTED means END_RESP follows.
  m_response_busy[id] = status == tlm::TLM_ACCEPTED;
}

bool MemoryTarget::get_direct_mem_ptr(int /*id*/, tlm::tlm_generic_payload& /*gp*/, tlm::tlm_dmi& dmi) {
  if (mode_ != TlmMode::LooselyTimed) return false;
  memory_.fill_dmi(dmi);
  dmi.set_read_latency(clock_.cycles(timing_.config().latency + 1));
  dmi.set_write_latency(clock_.cycles(timing_.config().latency + 1));
  return true;
}

unsigned int MemoryTarget::transport_dbg(int /*id*/, tlm::tlm_generic_payload& gp) {
  return memory_.debug_transport(gp);
}

}  // namespace acv
