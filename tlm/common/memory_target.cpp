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
}

void MemoryTarget::b_transport(int /*id*/, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const sc_core::sc_time start = sc_core::sc_time_stamp() + delay;
  const DramTiming::Slot slot =
      timing_.schedule(clock_.to_cycles(clock_.align_up(start)), static_cast<int64_t>(gp.get_data_length()));
  memory_.operation(gp);
  gp.set_dmi_allowed(mode_ == TlmMode::LooselyTimed);
  if (auto* accept = gp.get_extension<AcceptTimeExtension>()) accept->accepted = clock_.cycles(slot.accept);
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

// Internal use of the payload event queue: BEGIN_REQ = a request arrives; END_REQ = tell the
// initiator its request was accepted; BEGIN_RESP = the data transfer finished.
void MemoryTarget::peq_callback(tlm::tlm_generic_payload& gp, const tlm::tlm_phase& phase) {
  const int id = m_initiator_of.at(&gp);
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  if (phase == tlm::BEGIN_REQ) {
    const DramTiming::Slot slot =
        timing_.schedule(clock_.to_cycles(clock_.align_up(now)), static_cast<int64_t>(gp.get_data_length()));
    memory_.operation(gp);
    gp.set_dmi_allowed(false);
    m_peq.notify(gp, tlm::END_REQ, clock_.cycles(slot.accept) - now);
    m_peq.notify(gp, tlm::BEGIN_RESP, clock_.cycles(slot.complete) - now);
  } else if (phase == tlm::END_REQ) {
    tlm::tlm_phase out = tlm::END_REQ;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket[id]->nb_transport_bw(gp, out, delay);  // any return value is fine for END_REQ
  } else if (phase == tlm::BEGIN_RESP) {
    if (m_response_busy[id]) m_response_queue[id].push_back(&gp);  // response exclusion rule
    else send_response(id, gp);
  }
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
