#include "dma_initiator.h"

#include <algorithm>
#include <string>

#include "models/common/error.h"

namespace acv {

DmaInitiator::DmaInitiator(sc_core::sc_module_name name, const Clock& clock)
    : sc_core::sc_module(name), socket("socket"), clock_(clock) {
  socket.register_nb_transport_bw(this, &DmaInitiator::nb_transport_bw);
}

DmaInitiator::~DmaInitiator() {
  // The pool owns the extensions; a payload would free() those still set when destroyed.
  for (const auto& gp : m_pool) gp->clear_extension<BurstExtension>();
}

tlm::tlm_generic_payload& DmaInitiator::acquire() {
  if (m_free.empty()) {
    m_pool.push_back(std::make_unique<tlm::tlm_generic_payload>());
    m_extensions.push_back(std::make_unique<BurstExtension>());
    m_pool.back()->set_extension(m_extensions.back().get());  // each payload keeps its own
    return *m_pool.back();
  }
  tlm::tlm_generic_payload* gp = m_free.back();
  m_free.pop_back();
  return *gp;
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

sc_core::sc_time DmaInitiator::read_posted(const DmaBurst& burst, LocalTime& lt) {
  return transfer(burst, false, lt, true);
}

sc_core::sc_time DmaInitiator::transfer(const DmaBurst& burst, bool write, LocalTime& lt, bool posted_read) {
  if (burst.count == 0) return lt.now();
  requests_ += burst.requests();
  bytes_ += static_cast<int64_t>(burst.count) * burst.bytes;
  return lt.decoupled() ? transfer_lt(burst, write, lt, posted_read) : transfer_at(burst, write, lt, posted_read);
}

sc_core::sc_time DmaInitiator::transfer_lt(const DmaBurst& rows, bool write, LocalTime& lt, bool posted_read) {
  tlm::tlm_generic_payload& gp = acquire();
  prepare(gp, rows.row(0), write);
  BurstExtension& burst = *gp.get_extension<BurstExtension>();
  burst.burst = rows;
  sc_core::sc_time delay = lt.offset();
  socket->b_transport(gp, delay);
  m_free.push_back(&gp);
  check(gp);
  const sc_core::sc_time response = sc_core::sc_time_stamp() + delay;  // the last completion
  m_last_response = std::max(m_last_response, response);
  if (write && m_write_ack)
    for (uint32_t i = 0; i < rows.count; ++i) m_write_ack(response + clock_.period());
  // A read ends the cycle after its last response, a posted write or read the cycle after its last accept.
  lt.set_now(write || posted_read ? burst.last_accept + clock_.period() : response + clock_.period());
  return response + clock_.period();
}

sc_core::sc_time DmaInitiator::transfer_at(const DmaBurst& burst, bool write, LocalTime& lt, bool posted_read) {
  // One 4-phase transaction for the whole burst: the target presents the rows with their timing.
  tlm::tlm_generic_payload& gp = acquire();
  prepare(gp, burst.row(0), write);
  gp.get_extension<BurstExtension>()->burst = burst;
  tlm::tlm_phase phase = tlm::BEGIN_REQ;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  m_open = &gp;
  ++m_outstanding;
  const tlm::tlm_sync_enum status = socket->nb_transport_fw(gp, phase, delay);
  auto next_cycle = [this] {  // waits until the clock edge after the current time
    sc_core::wait(clock_.cycles(clock_.to_cycles(sc_core::sc_time_stamp()) + 1) - sc_core::sc_time_stamp());
  };
  if (status == tlm::TLM_COMPLETED) {  // the target finished it on the spot
    m_open = nullptr;
    --m_outstanding;
    check(gp);
    m_free.push_back(&gp);
    m_last_response = std::max(m_last_response, sc_core::sc_time_stamp() + delay);
    if (write && m_write_ack)
      for (uint32_t i = 0; i < burst.count; ++i) m_write_ack(sc_core::sc_time_stamp() + delay + clock_.period());
    if (delay > sc_core::SC_ZERO_TIME) sc_core::wait(delay);
    next_cycle();
  } else if (status == tlm::TLM_UPDATED && phase == tlm::END_REQ) {
    m_open = nullptr;
    if (delay > sc_core::SC_ZERO_TIME) sc_core::wait(delay);
    next_cycle();
  } else if (write || posted_read) {
    // The last row was accepted in the cycle of END_REQ (which may come mid-cycle): the DMA is free
    // the cycle after (the write is posted). nb_transport_bw wakes it there: one wake per burst.
    while (m_open != nullptr) sc_core::wait(m_end_req);
  }
  // The target set the last completion with END_REQ (or on completing the burst at once).
  const sc_core::sc_time complete = gp.get_extension<BurstExtension>()->last_complete + clock_.period();
  if (posted_read) check(gp);  // the data moved when the request arrived, before END_REQ
  if (!write && !posted_read) {
    // Data of the last response is in place the cycle after it; nb_transport_bw wakes the DMA
    // there (a read waits for its response only: END_REQ needs no wake).
    while (m_outstanding > 0) sc_core::wait(m_response);
  }
  if (m_error) throw BackendError(std::string(name()) + ": " + m_error_text);
  (void)lt;  // AT: lt.now() is the kernel time
  return complete;
}

tlm::tlm_sync_enum DmaInitiator::nb_transport_bw(tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase,
                                                 sc_core::sc_time& delay) {
  // A waiting DMA resumes at the clock edge after the phase (END_REQ may come mid-cycle).
  const sc_core::sc_time at = sc_core::sc_time_stamp() + delay;
  const sc_core::sc_time to_edge = clock_.cycles(clock_.to_cycles(at) + 1) - sc_core::sc_time_stamp();
  if (phase == tlm::END_REQ) {
    if (&gp == m_open) {
      m_open = nullptr;
      m_end_req.notify(to_edge);
    }
    return tlm::TLM_ACCEPTED;
  }
  if (phase == tlm::BEGIN_RESP) {
    // BEGIN_RESP for the open request's own payload implies its END_REQ (the target may skip
    // END_REQ); a response to an earlier payload leaves the open request waiting.
    if (&gp == m_open) {
      m_open = nullptr;
      m_end_req.notify(to_edge);
    }
    if (gp.is_response_error() && !m_error) {
      m_error = true;
      m_error_text = gp.get_response_string() + " at address " + std::to_string(gp.get_address());
    }
    --m_outstanding;
    m_last_response = std::max(m_last_response, sc_core::sc_time_stamp() + delay);
    if (gp.is_write() && m_write_ack) {
      // Every row of a burst is acknowledged by its last completion (completions are in order).
      const BurstExtension* burst = gp.get_extension<BurstExtension>();
      const uint32_t rows = burst != nullptr ? std::max<uint32_t>(burst->burst.count, 1) : 1;
      for (uint32_t i = 0; i < rows; ++i) m_write_ack(sc_core::sc_time_stamp() + delay + clock_.period());
    }
    m_free.push_back(&gp);
    m_response.notify(to_edge);
    phase = tlm::END_RESP;
    return tlm::TLM_COMPLETED;
  }
  SC_REPORT_ERROR("acv/dma_initiator", "nb_transport_bw: unexpected phase");
  return tlm::TLM_COMPLETED;
}

}  // namespace acv
