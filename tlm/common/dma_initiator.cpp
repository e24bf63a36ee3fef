#include "dma_initiator.h"

#include <algorithm>
#include <string>

#include "models/common/error.h"

namespace acv {

DmaInitiator::DmaInitiator(sc_core::sc_module_name name, const Clock& clock)
    : sc_core::sc_module(name), socket("socket"), clock_(clock) {
  socket.register_nb_transport_bw(this, &DmaInitiator::nb_transport_bw);
}

tlm::tlm_generic_payload& DmaInitiator::payload(std::size_t i) {
  while (m_payloads.size() <= i) m_payloads.push_back(std::make_unique<tlm::tlm_generic_payload>());
  return *m_payloads[i];
}

void DmaInitiator::prepare(tlm::tlm_generic_payload& gp, const DmaRequest& r, bool write) const {
  gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  gp.set_address(r.address);
  gp.set_data_ptr(r.data);
  gp.set_data_length(r.bytes);
  gp.set_streaming_width(r.bytes);
  gp.set_byte_enable_ptr(nullptr);
  gp.set_byte_enable_length(0);
  gp.set_dmi_allowed(false);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

void DmaInitiator::check(const tlm::tlm_generic_payload& gp) const {
  if (gp.is_response_error())
    throw BackendError(std::string(name()) + ": " + gp.get_response_string() + " at address " +
                       std::to_string(gp.get_address()) + " (" + std::to_string(gp.get_data_length()) + " bytes)");
}

void DmaInitiator::transfer(const std::vector<DmaRequest>& requests, bool write, LocalTime& lt) {
  if (requests.empty()) return;
  requests_ += static_cast<int64_t>(requests.size());
  for (const auto& r : requests) bytes_ += r.bytes;
  if (lt.decoupled()) transfer_lt(requests, write, lt);
  else transfer_at(requests, write, lt);
}

void DmaInitiator::transfer_lt(const std::vector<DmaRequest>& requests, bool write, LocalTime& lt) {
  // The load and store DMA share the memory, whose timing model serves requests in call order.
  // So requests must reach it in (roughly) time order: each is presented at the local time the
  // RTL would present it (the cycle after the previous one's accept, which the target reports in
  // AcceptTimeExtension), and the thread yields whenever it runs more than kWindowCycles ahead.
  constexpr int64_t kWindowCycles = 16;
  tlm::tlm_generic_payload& gp = payload(0);
  AcceptTimeExtension accept;
  gp.set_extension(&accept);
  sc_core::sc_time done = lt.now();
  for (const DmaRequest& r : requests) {
    if (lt.offset() > clock_.cycles(kWindowCycles)) lt.sync();
    prepare(gp, r, write);
    const sc_core::sc_time presented = lt.now();
    accept.accepted = presented;
    sc_core::sc_time delay = lt.offset();
    socket->b_transport(gp, delay);
    check(gp);
    lt.set_now(presented);  // in case the target waited
    done = std::max(done, sc_core::sc_time_stamp() + delay);
    lt.advance_to(std::max(lt.now(), accept.accepted) + clock_.period());
  }
  gp.clear_extension(&accept);
  lt.advance_to(done);
}

void DmaInitiator::transfer_at(const std::vector<DmaRequest>& requests, bool write, LocalTime& lt) {
  m_responses = 0;
  const int64_t expected = static_cast<int64_t>(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    tlm::tlm_generic_payload& gp = payload(i);
    prepare(gp, requests[i], write);
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    m_request_open = true;
    const tlm::tlm_sync_enum status = socket->nb_transport_fw(gp, phase, delay);
    if (status == tlm::TLM_COMPLETED) {
      m_request_open = false;
      ++m_responses;
      if (delay > sc_core::SC_ZERO_TIME) sc_core::wait(delay);
    } else if (status == tlm::TLM_UPDATED && phase == tlm::END_REQ) {
      m_request_open = false;
      if (delay > sc_core::SC_ZERO_TIME) sc_core::wait(delay);
    } else {
      while (m_request_open) sc_core::wait(m_end_req);
    }
    sc_core::wait(clock_.period());  // the next request is presented in the cycle after the accept
  }
  while (m_responses < expected) sc_core::wait(m_response);
  for (std::size_t i = 0; i < requests.size(); ++i) check(payload(i));
  (void)lt;  // AT: lt.now() is the kernel time
}

tlm::tlm_sync_enum DmaInitiator::nb_transport_bw(tlm::tlm_generic_payload& /*gp*/, tlm::tlm_phase& phase,
                                                 sc_core::sc_time& delay) {
  if (phase == tlm::END_REQ) {
    m_request_open = false;
    m_end_req.notify(delay);
    return tlm::TLM_ACCEPTED;
  }
  if (phase == tlm::BEGIN_RESP) {
    // BEGIN_RESP also ends an open request (the target may skip END_REQ).
    if (m_request_open) {
      m_request_open = false;
      m_end_req.notify(delay);
    }
    ++m_responses;
    m_response.notify(delay);
    phase = tlm::END_RESP;
    return tlm::TLM_COMPLETED;
  }
  SC_REPORT_ERROR("acv/dma_initiator", "nb_transport_bw: unexpected phase");
  return tlm::TLM_COMPLETED;
}

}  // namespace acv
