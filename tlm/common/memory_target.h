// The external memory as a TLM-2.0 target: LT (b_transport), AT (4-phase nb_transport), DMI, debug.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/peq_with_cb_and_phase.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <vector>

#include "burst_extension.h"
#include "burst_schedule.h"
#include "clock.h"
#include "dram_timing.h"
#include "memory.h"
#include "tlm_runner.h"

namespace acv {

// Socket shell around Memory (behaviour) and DramTiming (when). Any number of initiators bind to
// `socket`; they share one port, as the load and store DMA share the RTL's memory port.
//  - b_transport (LT): one request, or a whole DMA burst with a BurstExtension, timed
//    analytically with the AT port's rules (BurstSchedule: accept per cycle, outstanding slots,
//    fixed priority); `delay` comes back as completion time - now. The target first waits until
//    the kernel reaches the request's time (sc_time_stamp() + delay), so bursts reach the port in
//    time order; a burst of a lower-priority initiator then waits until its last accept has
//    passed, since a higher-priority burst arriving meanwhile takes the port first. Data moves at
//    the call. One or two thread switches per burst, none per row.
//  - nb_transport_fw (AT): BEGIN_REQ is returned TLM_ACCEPTED. A request is one access, or a whole
//    DMA burst with a BurstExtension (its rows presented as the hardware presents them), scheduled
//    by the same BurstSchedule as LT: a fixed-priority arbiter deciding once per cycle at mid-cycle
//    (the request of the highest-priority initiator (set_priority), then the oldest, when the
//    timing model can accept one). END_REQ comes at mid-cycle of the last row's accept, once that
//    accept is final (at once for the highest priority; otherwise once that mid-cycle has passed,
//    since a higher-priority request arriving earlier takes the port first); BEGIN_RESP follows at
//    the last row's completion cycle. Data moves when the request arrives.
//  - get_direct_mem_ptr: granted in LT only (AT timing must see every access), for hosts and
//    debuggers loading data; DMI accesses bypass the timing model.
class MemoryTarget : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<MemoryTarget> socket;

  SC_HAS_PROCESS(MemoryTarget);
  MemoryTarget(sc_core::sc_module_name name, std::vector<uint8_t> contents, const DramConfig& config,
               TlmMode mode, const Clock& clock);

  // Arbitration priority of the initiator bound as socket[index] (default 0; higher wins).
  void set_priority(int index, int priority) { m_priority[index] = priority; }

  // LT look-ahead (off by default): a burst need not wait for the kernel to reach its arrival when
  // that cannot change any schedule, which saves a thread switch per burst. A lower-priority burst
  // opens at once (its result is final only once the kernel has passed its last accept anyway); a
  // highest-priority burst opens at once when every other initiator is itself inside b_transport
  // with a burst whose last accept is at or after this arrival (so nothing can arrive before it).
  // Cycle counts are the same as without it. Assumes each socket is driven by one thread at a time
  // and an initiator's next access is no earlier than its previous one's last accept + 1 (true
  // of DmaInitiator). Data of an early-opened burst moves at the call, so a read may miss a
  // concurrent write of another initiator that arrives before it; use it only where DMAs of
  // different initiators never read what the others write meanwhile (the systolic array: loads
  // read operands, stores write results).
  void set_lt_lookahead(bool on) { lookahead_ = on; }
  // LT, with the look-ahead: `bound(id, last_accept)` returns a cycle before which no initiator
  // but `id` presents a burst any more, given that `id` (the caller of b_transport, a
  // lower-priority initiator with a burst whose last request is accepted in `last_accept`) itself
  // accesses nothing before last_accept + 1. When it is after last_accept, the burst is final at
  // once and b_transport returns without waiting for the kernel (no thread switch). The model
  // that binds the initiators knows what its units wait for and can bound this (SystolicTop).
  void set_lt_arrival_bound(std::function<int64_t(int, int64_t)> bound) { arrival_bound_ = std::move(bound); }

  Memory& memory() { return memory_; }
  // Requests and bytes served (AT and LT).
  const DramTiming& timing() const { return bursts_.timing(); }

 private:
  void b_transport(int id, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(int id, tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi);
  unsigned int transport_dbg(int id, tlm::tlm_generic_payload& gp);
  void peq_callback(tlm::tlm_generic_payload& gp, const tlm::tlm_phase& phase);
  void send_response(int id, tlm::tlm_generic_payload& gp);
  // The requests a payload stands for (one, or a BurstExtension's rows).
  struct Shape {
    int64_t count, bytes, gap;
  };
  // Performs every row of the payload on memory_ (the first error ends a burst).
  Shape perform(tlm::tlm_generic_payload& gp);

  Memory memory_;
  BurstSchedule bursts_;   // the port's timing, LT and AT
  TlmMode mode_;
  Clock clock_;
  tlm_utils::peq_with_cb_and_phase<MemoryTarget> m_peq;
  struct AtTransaction {
    int id;          // initiator (socket index)
    int64_t handle;  // in bursts_; -1 before its arrival was processed
  };
  std::map<tlm::tlm_generic_payload*, AtTransaction> m_in_flight;  // AT transactions in flight
  std::map<int, int> m_priority;
  int priority(int id) const;
  bool highest_priority(int id) const;
  // Look-ahead: whether every initiator but `id` is inside b_transport with a bound after `arrival`.
  bool others_arrive_after(int id, int64_t arrival) const;
  bool lookahead_ = false;
  std::function<int64_t(int, int64_t)> arrival_bound_;
  std::vector<int64_t> m_next_arrival;  // per initiator inside b_transport: no access of it before this cycle; -1: outside
  // Per initiator: a BEGIN_RESP awaiting END_RESP, and responses queued behind it.
  std::map<int, bool> m_response_busy;
  std::map<int, std::deque<tlm::tlm_generic_payload*>> m_response_queue;
};

}  // namespace acv
