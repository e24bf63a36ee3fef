// A DMA engine's memory-side initiator: moves a burst of row requests (DmaBurst) over one TLM-2.0 socket.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <functional>
#include <string>
#include <memory>
#include <vector>

#include "burst_extension.h"
#include "local_time.h"

namespace acv {

// Presents the rows in order, one per cycle at most: request i+1 in the cycle after request
// i was accepted (the target's backpressure: outstanding limit, port busy). Time convention: the
// first request is presented at lt.now().
//  - read() returns with lt.now() = the cycle after the last response.
//  - write() is posted: it returns with lt.now() = the cycle after the last accept; the data has
//    been handed over by then.
//  - read_posted() returns like write(), with the data in place, and gives the cycle after the
//    last response: the caller decides when the rows count as written (a DMA that starts its next
//    burst while this one's responses are outstanding).
//  The hook set with on_write_acknowledged() gets, per write, the cycle after its response (LT: at
//  once; AT: when the response arrives).
// LT: one b_transport for the whole list (BurstExtension): the target times every request with
// the port's rules and may wait() (so bursts of different DMAs reach it in time order); writes
// are reported acknowledged at the burst's last completion.
// AT: one 4-phase transaction per burst (BurstExtension, as in LT): BEGIN_REQ, END_REQ when the
// target accepted the last row, BEGIN_RESP at the last row's completion, answered TLM_COMPLETED.
// Writes are acknowledged at the last completion, as in LT. Payloads (each with its extension)
// come from a pool, so posted writes may still be in flight. A BEGIN_RESP for the payload whose
// END_REQ is still outstanding ends that request too (base protocol); a response to an earlier
// payload, arriving while a later request waits to be accepted, does not.
class DmaInitiator : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<DmaInitiator> socket;

  SC_HAS_PROCESS(DmaInitiator);
  DmaInitiator(sc_core::sc_module_name name, const Clock& clock);
  ~DmaInitiator() override;

  // Contract: called from one SC_THREAD at a time; throws BackendError on an error response.
  void read(const DmaBurst& burst, LocalTime& lt) { transfer(burst, false, lt); }
  sc_core::sc_time read_posted(const DmaBurst& burst, LocalTime& lt);
  void write(const DmaBurst& burst, LocalTime& lt) { transfer(burst, true, lt); }
  void on_write_acknowledged(std::function<void(const sc_core::sc_time&)> hook) { m_write_ack = std::move(hook); }

  int64_t requests() const { return requests_; }
  int64_t bytes() const { return bytes_; }

 private:
  // `posted_read`: a read that returns at the last accept; the result is the last completion.
  sc_core::sc_time transfer(const DmaBurst& burst, bool write, LocalTime& lt, bool posted_read = false);
  sc_core::sc_time transfer_lt(const DmaBurst& burst, bool write, LocalTime& lt, bool posted_read);
  sc_core::sc_time transfer_at(const DmaBurst& burst, bool write, LocalTime& lt, bool posted_read);
  tlm::tlm_generic_payload& acquire();
  void prepare(tlm::tlm_generic_payload& gp, const DmaRequest& r, bool write) const;
  void check(const tlm::tlm_generic_payload& gp) const;
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase, sc_core::sc_time& delay);

  Clock clock_;
  std::vector<std::unique_ptr<tlm::tlm_generic_payload>> m_pool;
  std::vector<std::unique_ptr<BurstExtension>> m_extensions;  // one per pooled payload, set on it
  std::vector<tlm::tlm_generic_payload*> m_free;
  sc_core::sc_event m_end_req, m_response;
  tlm::tlm_generic_payload* m_open = nullptr;  // AT: the request awaiting END_REQ, if any
  int64_t m_outstanding = 0;        // AT: requests without a response yet
  sc_core::sc_time m_last_response;  // time of the latest response (completion)
  std::function<void(const sc_core::sc_time&)> m_write_ack;
  bool m_error = false;
  std::string m_error_text;
  int64_t requests_ = 0;
  int64_t bytes_ = 0;
};

}  // namespace acv
