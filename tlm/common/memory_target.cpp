#include "memory_target.h"

#include <stdexcept>

namespace acv {

MemoryTarget::MemoryTarget(sc_core::sc_module_name name, std::vector<uint8_t> contents,
                           const DramConfig& config, TlmMode mode, const Clock& clock)
    : sc_core::sc_module(name),
      socket("socket"),
      memory_(std::move(contents)),
      bursts_(config),
      mode_(mode),
      clock_(clock),
      m_peq(this, &MemoryTarget::peq_callback) {
  socket.register_b_transport(this, &MemoryTarget::b_transport);
  socket.register_nb_transport_fw(this, &MemoryTarget::nb_transport_fw);
  socket.register_get_direct_mem_ptr(this, &MemoryTarget::get_direct_mem_ptr);
  socket.register_transport_dbg(this, &MemoryTarget::transport_dbg);
}

int MemoryTarget::priority(int id) const {
  const auto it = m_priority.find(id);
  return it == m_priority.end() ? 0 : it->second;
}

bool MemoryTarget::highest_priority(int id) const {
  const int mine = priority(id);
  for (const auto& kv : m_priority)
    if (kv.second > mine) return false;
  return mine >= 0;  // initiators without a priority have 0
}

namespace {
// sc_time_stamp(), inlined (a library call through the PLT otherwise; several per burst).
inline const sc_core::sc_time& kernel_now() { return sc_core::sc_get_curr_simcontext()->time_stamp(); }

bool in_thread() {
  const sc_core::sc_process_handle h = sc_core::sc_get_current_process_handle();
  return h.valid() && h.proc_kind() == sc_core::SC_THREAD_PROC_;
}
}  // namespace

bool MemoryTarget::others_arrive_after(int id, int64_t arrival) const {
  // Sized to every bound initiator by b_transport; -1 (outside, or never called) fails the test.
  for (std::size_t other = 0; other < m_next_arrival.size(); ++other)
    if (static_cast<int>(other) != id && m_next_arrival[other] <= arrival) return false;
  return true;
}

MemoryTarget::Shape MemoryTarget::perform(tlm::tlm_generic_payload& gp) {
  // Functional part: every row at once, in order; the first error ends the burst.
  Shape shape{1, static_cast<int64_t>(gp.get_data_length()), 1};
  auto* burst = gp.get_extension<BurstExtension>();
  if (burst == nullptr || burst->burst.count == 0) {
    memory_.operation(gp);
  } else if (gp.get_byte_enable_ptr() != nullptr || gp.is_read() == gp.is_write()) {
    gp.set_response_status(gp.get_byte_enable_ptr() ? tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE
                                                    : tlm::TLM_COMMAND_ERROR_RESPONSE);
  } else {
    const DmaBurst& b = burst->burst;
    // A request of R > 1 rows is timed as a fixed-length burst of R one-row beats.
    const int64_t rows = std::max<uint32_t>(b.rows_per_request, 1);
    const int64_t bpc = bursts_.timing().config().bytes_per_cycle;
    shape = Shape{b.requests(), rows == 1 ? b.bytes : rows * std::max<int64_t>(b.bytes, bpc), std::max<int64_t>(b.gap, 1)};
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    const uint64_t done = memory_.access_rows(gp.is_write(), b.address, b.stride, b.data, b.pitch, b.bytes, b.count);
    if (done < b.count) {  // the first error ends the burst
      gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      shape.count = static_cast<int64_t>(done) / rows + 1;
    }
  }
  return shape;
}

void MemoryTarget::b_transport(int id, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const bool can_wait = in_thread();
  const bool top = highest_priority(id);
  if (m_next_arrival.size() < socket.size()) m_next_arrival.resize(socket.size(), -1);
  // Bring the kernel to the request's time, so requests of all initiators reach the port in time
  // order (unless the look-ahead shows that no other request can arrive before it).
  if (can_wait && delay > sc_core::SC_ZERO_TIME) {
    const int64_t arrival = clock_.cycles_up(kernel_now() + delay);
    if (!(lookahead_ && (!top || others_arrive_after(id, arrival)))) {
      sc_core::wait(delay);
      delay = sc_core::SC_ZERO_TIME;
    }
  }
  const sc_core::sc_time start = kernel_now() + delay;
  const int64_t arrival = clock_.cycles_up(start);
  auto* burst = gp.get_extension<BurstExtension>();
  const Shape shape = perform(gp);
  gp.set_dmi_allowed(mode_ == TlmMode::LooselyTimed);

  // Timing: the burst's schedule is final at once for the highest priority when its rows come back
  // to back; a lower one waits until the kernel has passed its last accept (higher-priority bursts
  // only delay it), and so does one with gaps between its rows (a lower-priority request accepted
  // in a gap delays its next row).
  const int prio = priority(id);
  const bool final_at_once = top && shape.gap == 1;
  auto kernel_cycle = [this] { return clock_.cycles_up(kernel_now()); };
  // No burst arrives before the kernel's cycle any more (every thread's local time is at or after it).
  const int64_t handle = bursts_.open(prio, arrival, shape.count, shape.bytes, kernel_cycle(), shape.gap);
  BurstSchedule::Result r = bursts_.schedule(handle, kernel_cycle());
  if (can_wait && !final_at_once && lookahead_ && arrival_bound_ && kernel_cycle() <= r.last_accept &&
      arrival_bound_(id, r.last_accept) > r.last_accept) {
    r = bursts_.schedule(handle, r.last_accept + 1);  // nothing arrives before then any more
  } else if (can_wait && !final_at_once) {
    while (kernel_cycle() <= r.last_accept) {
      // Later bursts only delay this one: its next access cannot come before r.last_accept + 1.
      m_next_arrival[static_cast<std::size_t>(id)] = r.last_accept + 1;
      sc_core::wait(clock_.cycles(r.last_accept + 1) - kernel_now());
      r = bursts_.schedule(handle, kernel_cycle());
    }
    m_next_arrival[static_cast<std::size_t>(id)] = -1;
  }
  bursts_.close(handle);
  const sc_core::sc_time complete = clock_.cycles(r.last_complete);
  if (burst) {
    burst->last_accept = clock_.cycles(r.last_accept);
    burst->last_complete = complete;
  }
  delay = complete > kernel_now() ? complete - kernel_now() : sc_core::SC_ZERO_TIME;
}

tlm::tlm_sync_enum MemoryTarget::nb_transport_fw(int id, tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase,
                                                 sc_core::sc_time& delay) {
  if (phase == tlm::BEGIN_REQ) {
    m_in_flight[&gp] = AtTransaction{id, -1};
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

// The payload event queue carries BEGIN_REQ (a request arrives; later the same phase re-checks
// whether its last accept is final) and BEGIN_RESP (its transfer finished, at the completion cycle).
void MemoryTarget::peq_callback(tlm::tlm_generic_payload& gp, const tlm::tlm_phase& phase) {
  AtTransaction& t = m_in_flight.at(&gp);
  if (phase == tlm::BEGIN_RESP) {
    const int id = t.id;
    if (m_response_busy[id]) m_response_queue[id].push_back(&gp);  // response exclusion rule
    else send_response(id, gp);
    return;
  }
  // Cycle c is "passed" from mid-cycle c on: every request presented in cycle c has arrived.
  const int64_t now_cycle = clock_.cycles_up(kernel_now());
  if (t.handle < 0) {  // arrival: the data moves now, the burst joins the port's schedule
    const Shape shape = perform(gp);
    gp.set_dmi_allowed(false);
    t.handle = bursts_.open(priority(t.id), now_cycle, shape.count, shape.bytes, now_cycle, shape.gap);
  }
  // The schedule is final once no request of a higher priority can still arrive at or before the
  // last accept: from mid-cycle of the last accept on (END_REQ is due then anyway; for the highest
  // priority with rows back to back nothing can change it before, with gaps a lower-priority
  // request accepted in a gap may).
  const BurstSchedule::Result r = bursts_.schedule(t.handle, now_cycle);
  const sc_core::sc_time mid_accept = clock_.cycles(r.last_accept) + clock_.period() / 2;
  const bool decided = highest_priority(t.id) || now_cycle > r.last_accept;
  if (!decided || kernel_now() < mid_accept) {  // END_REQ at mid-cycle of the last accept, as the arbiter
    m_peq.notify(gp, tlm::BEGIN_REQ, mid_accept - kernel_now());
    return;
  }
  bursts_.close(t.handle);
  if (auto* burst = gp.get_extension<BurstExtension>()) {
    burst->last_accept = clock_.cycles(r.last_accept);
    burst->last_complete = clock_.cycles(r.last_complete);
  }
  m_peq.notify(gp, tlm::BEGIN_RESP, clock_.cycles(r.last_complete) - kernel_now());
  tlm::tlm_phase phase_out = tlm::END_REQ;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  socket[t.id]->nb_transport_bw(gp, phase_out, delay);  // any return value is fine for END_REQ
}

void MemoryTarget::send_response(int id, tlm::tlm_generic_payload& gp) {
  m_in_flight.erase(&gp);
  tlm::tlm_phase out = tlm::BEGIN_RESP;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  const tlm::tlm_sync_enum status = socket[id]->nb_transport_bw(gp, out, delay);
  // TLM_COMPLETED or TLM_UPDATED(END_RESP) end the transaction; TLM_ACCEPTED means END_RESP follows.
  m_response_busy[id] = status == tlm::TLM_ACCEPTED;
}

bool MemoryTarget::get_direct_mem_ptr(int /*id*/, tlm::tlm_generic_payload& /*gp*/, tlm::tlm_dmi& dmi) {
  if (mode_ != TlmMode::LooselyTimed) return false;
  memory_.fill_dmi(dmi);
  dmi.set_read_latency(clock_.cycles(bursts_.timing().config().latency + 1));
  dmi.set_write_latency(clock_.cycles(bursts_.timing().config().latency + 1));
  return true;
}

unsigned int MemoryTarget::transport_dbg(int /*id*/, tlm::tlm_generic_payload& gp) {
  return memory_.debug_transport(gp);
}

}  // namespace acv
