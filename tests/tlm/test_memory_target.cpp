// MemoryTarget over its sockets: LT delays, AT phases (latency, bandwidth, outstanding limit), DMI.
// Each scenario elaborates in its own child process (one elaboration per process).
#include <catch2/catch.hpp>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <memory>
#include <string>
#include <vector>

#include "tlm/common/child_process.h"
#include "tlm/common/memory_target.h"

namespace acv {
namespace {

// Sends `count` reads of `bytes` each, back to back (AT: next BEGIN_REQ the cycle after END_REQ;
// LT: one per cycle of local time). Records, in cycles, when each was accepted and completed
// (SimulationOutput.counters "accept<i>" / "complete<i>"; LT has no accept times).
class ProbeInitiator : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<ProbeInitiator> socket;
  SC_HAS_PROCESS(ProbeInitiator);
  ProbeInitiator(sc_core::sc_module_name name, TlmMode mode, int count, unsigned bytes, SimulationOutput& out,
                 const std::string& prefix = "")
      : sc_core::sc_module(name), socket("socket"), mode_(mode), count_(count), bytes_(bytes), out_(out),
        prefix_(prefix) {
    socket.register_nb_transport_bw(this, &ProbeInitiator::nb_transport_bw);
    SC_THREAD(run);
  }

 private:
  int64_t now() const { return clock_.to_cycles(sc_core::sc_time_stamp()); }
  void run() {
    auto& gps = gps_;  // members: responses arrive after run() returns
    data_.assign(static_cast<std::size_t>(count_) * bytes_, 0);
    for (int i = 0; i < count_; ++i) {
      gps.push_back(std::make_unique<tlm::tlm_generic_payload>());
      tlm::tlm_generic_payload& gp = *gps.back();
      gp.set_command(tlm::TLM_READ_COMMAND);
      gp.set_address(static_cast<uint64_t>(i) * bytes_);
      gp.set_data_ptr(data_.data() + static_cast<std::size_t>(i) * bytes_);
      gp.set_data_length(bytes_);
      gp.set_streaming_width(bytes_);
      gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      index_[&gp] = i;
      if (mode_ == TlmMode::LooselyTimed) {
        sc_core::sc_time delay = clock_.cycles(i);
        socket->b_transport(gp, delay);
        out_.counters[prefix_ + "complete" + std::to_string(i)] = clock_.to_cycles(sc_core::sc_time_stamp() + delay);
      } else {
        tlm::tlm_phase phase = tlm::BEGIN_REQ;
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        open_ = true;
        if (socket->nb_transport_fw(gp, phase, delay) != tlm::TLM_ACCEPTED) out_.counters["protocol_error"] = 1;
        while (open_) sc_core::wait(end_req_);
        // END_REQ comes mid-cycle (after arbitration); present the next request the cycle after.
        sc_core::wait(clock_.cycles(now() + 1) - sc_core::sc_time_stamp());
      }
    }
  }
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase, sc_core::sc_time&) {
    const int i = index_.at(&gp);
    if (phase == tlm::END_REQ) {
      out_.counters[prefix_ + "accept" + std::to_string(i)] = now();
      open_ = false;
      end_req_.notify(sc_core::SC_ZERO_TIME);
      return tlm::TLM_ACCEPTED;
    }
    out_.counters[prefix_ + "complete" + std::to_string(i)] = now();
    out_.counters[prefix_ + "ok" + std::to_string(i)] = gp.is_response_ok() ? 1 : 0;
    phase = tlm::END_RESP;
    return tlm::TLM_COMPLETED;
  }

  TlmMode mode_;
  int count_;
  unsigned bytes_;
  SimulationOutput& out_;
  std::string prefix_;
  Clock clock_ = Clock::default_clock();
  std::vector<uint8_t> data_;
  std::vector<std::unique_ptr<tlm::tlm_generic_payload>> gps_;
  std::map<tlm::tlm_generic_payload*, int> index_;
  bool open_ = false;
  sc_core::sc_event end_req_;
};

SimulationOutput probe(TlmMode mode, const DramConfig& config, int count, unsigned bytes) {
  return run_in_child_process([=] {
    SimulationOutput out;
    std::vector<uint8_t> contents(static_cast<std::size_t>(count) * bytes);
    for (std::size_t i = 0; i < contents.size(); ++i) contents[i] = static_cast<uint8_t>(i * 7);
    MemoryTarget memory("memory", contents, config, mode, Clock::default_clock());
    ProbeInitiator initiator("initiator", mode, count, bytes, out);
    initiator.socket.bind(memory.socket);
    sc_core::sc_start();
    return out;
  });
}

TEST_CASE("memory target LT: b_transport returns latency plus transfer time") {
  const SimulationOutput out = probe(TlmMode::LooselyTimed, DramConfig{40, 16, 8}, 3, 64);
  CHECK(out.counters.at("complete0") == 44);
  CHECK(out.counters.at("complete1") == 48);  // bandwidth-bound behind the first
  CHECK(out.counters.at("complete2") == 52);
}

TEST_CASE("memory target AT: END_REQ at accept, BEGIN_RESP at completion, bandwidth-bound") {
  const SimulationOutput out = probe(TlmMode::ApproximatelyTimed, DramConfig{20, 4, 16}, 4, 8);
  for (int i = 0; i < 4; ++i) {
    CHECK(out.counters.at("accept" + std::to_string(i)) == i);
    CHECK(out.counters.at("ok" + std::to_string(i)) == 1);
  }
  CHECK(out.counters.at("complete0") == 22);
  CHECK(out.counters.at("complete3") == 28);
}

TEST_CASE("memory target AT: the outstanding limit delays END_REQ") {
  const SimulationOutput out = probe(TlmMode::ApproximatelyTimed, DramConfig{40, 16, 2}, 3, 16);
  CHECK(out.counters.at("accept0") == 0);
  CHECK(out.counters.at("accept1") == 1);
  CHECK(out.counters.at("complete0") == 41);
  CHECK(out.counters.at("accept2") == 42);  // the first request's slot frees the cycle after it completes
  CHECK(out.counters.at("complete2") == 83);
}

TEST_CASE("memory target AT: a higher-priority initiator wins the port in every cycle it requests") {
  const SimulationOutput out = run_in_child_process([] {
    SimulationOutput o;
    MemoryTarget memory("memory", std::vector<uint8_t>(1024), DramConfig{10, 16, 32}, TlmMode::ApproximatelyTimed,
                        Clock::default_clock());
    ProbeInitiator low("low", TlmMode::ApproximatelyTimed, 3, 16, o, "low_");
    ProbeInitiator high("high", TlmMode::ApproximatelyTimed, 3, 16, o, "high_");
    low.socket.bind(memory.socket);
    high.socket.bind(memory.socket);
    memory.set_priority(1, 1);
    sc_core::sc_start();
    return o;
  });
  for (int i = 0; i < 3; ++i) CHECK(out.counters.at("high_accept" + std::to_string(i)) == i);
  CHECK(out.counters.at("low_accept0") == 3);  // waits while the other one has a request
  CHECK(out.counters.at("low_accept2") == 5);
}

TEST_CASE("memory target: reads return the contents, DMI only in LT") {
  const SimulationOutput out = run_in_child_process([] {
    SimulationOutput o;
    std::vector<uint8_t> contents(256);
    for (std::size_t i = 0; i < contents.size(); ++i) contents[i] = static_cast<uint8_t>(i);
    MemoryTarget lt("lt", contents, DramConfig{10, 8, 4}, TlmMode::LooselyTimed, Clock::default_clock());
    MemoryTarget at("at", contents, DramConfig{10, 8, 4}, TlmMode::ApproximatelyTimed, Clock::default_clock());
    struct Host : sc_core::sc_module {
      tlm_utils::simple_initiator_socket<Host> to_lt{"to_lt"}, to_at{"to_at"};
      explicit Host(sc_core::sc_module_name n) : sc_core::sc_module(n) {}
    } host("host");
    auto& to_lt = host.to_lt;
    auto& to_at = host.to_at;
    to_lt.bind(lt.socket);
    to_at.bind(at.socket);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    tlm::tlm_generic_payload gp;
    tlm::tlm_dmi dmi;
    o.counters["dmi_lt"] = to_lt->get_direct_mem_ptr(gp, dmi) ? 1 : 0;
    o.counters["dmi_end"] = static_cast<int64_t>(dmi.get_end_address());
    o.counters["dmi_byte"] = dmi.get_dmi_ptr() ? dmi.get_dmi_ptr()[200] : -1;
    tlm::tlm_dmi dmi_at;
    o.counters["dmi_at"] = to_at->get_direct_mem_ptr(gp, dmi_at) ? 1 : 0;
    uint8_t buf[4] = {};
    gp.set_command(tlm::TLM_READ_COMMAND);
    gp.set_address(100);
    gp.set_data_ptr(buf);
    gp.set_data_length(4);
    gp.set_streaming_width(4);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    to_lt->b_transport(gp, delay);
    o.counters["read"] = buf[3];
    gp.set_address(254);  // runs past the end
    to_lt->b_transport(gp, delay);
    o.counters["past_end"] = gp.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE ? 1 : 0;
    return o;
  });
  CHECK(out.counters.at("dmi_lt") == 1);
  CHECK(out.counters.at("dmi_end") == 255);
  CHECK(out.counters.at("dmi_byte") == 200);
  CHECK(out.counters.at("dmi_at") == 0);
  CHECK(out.counters.at("read") == 103);
  CHECK(out.counters.at("past_end") == 1);
}

}  // namespace
}  // namespace acv
