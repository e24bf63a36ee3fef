// A DMA engine's memory-side initiator: moves a list of row requests over one TLM-2.0 socket.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "accept_time_extension.h"
#include "local_time.h"

namespace acv {

// One contiguous access; `data` points at the on-chip side (read destination or write source).
struct DmaRequest {
  uint64_t address = 0;
  uint8_t* data = nullptr;
  uint32_t bytes = 0;
};

// Issues at most one request per cycle, in order, and returns when all have completed.
// LT: one b_transport per request, each presented one cycle after the previous one's accept
// (AcceptTimeExtension; without it, one cycle after the previous presentation), yielding when
// more than a few cycles ahead of the kernel; lt.now() ends at the last completion.
// AT: BEGIN_REQ, wait for END_REQ (the target's backpressure), next request one cycle after the
// accept; responses are counted on the backward path; the call returns at the last BEGIN_RESP.
class DmaInitiator : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<DmaInitiator> socket;

  SC_HAS_PROCESS(DmaInitiator);
  DmaInitiator(sc_core::sc_module_name name, const Clock& clock);

  // Contract: called from one SC_THREAD at a time; throws BackendError on an error response.
  void read(const std::vector<DmaRequest>& requests, LocalTime& lt) { transfer(requests, false, lt); }
  void write(const std::vector<DmaRequest>& requests, LocalTime& lt) { transfer(requests, true, lt); }

  int64_t requests() const { return requests_; }
  int64_t bytes() const { return bytes_; }

 private:
  void transfer(const std::vector<DmaRequest>& requests, bool write, LocalTime& lt);
  void transfer_lt(const std::vector<DmaRequest>& requests, bool write, LocalTime& lt);
  void transfer_at(const std::vector<DmaRequest>& requests, bool write, LocalTime& lt);
  tlm::tlm_generic_payload& payload(std::size_t i);
  void prepare(tlm::tlm_generic_payload& gp, const DmaRequest& r, bool write) const;
  void check(const tlm::tlm_generic_payload& gp) const;
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase, sc_core::sc_time& delay);

  Clock clock_;
  std::vector<std::unique_ptr<tlm::tlm_generic_payload>> m_payloads;  // reused, one per request in flight
  sc_core::sc_event m_end_req, m_response;
  bool m_request_open = false;
  int64_t m_responses = 0;
  int64_t requests_ = 0;
  int64_t bytes_ = 0;
};

}  // namespace acv
