// DmaInitiator against MemoryTarget: AT phase handling with several posted writes in flight, and
// the same timing in LT. Each scenario elaborates in its own child process (one elaboration per process).
#include <catch2/catch.hpp>

#include <systemc>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "tlm/common/child_process.h"
#include "tlm/common/dma_initiator.h"
#include "tlm/common/memory_target.h"

namespace acv {
namespace {

// Writes `rows` rows of `bytes` each with one DmaInitiator::write burst. Records, in cycles, when
// write() returned ("returned": the cycle after the last accept) and each write's acknowledgement
// ("ack<i>": the cycle after its response), plus the memory contents afterwards.
SimulationOutput write_rows(TlmMode mode, const DramConfig& config, uint32_t rows, uint32_t bytes) {
  return run_in_child_process([=] {
    SimulationOutput out;
    const Clock clock = Clock::default_clock();
    MemoryTarget memory("memory", std::vector<uint8_t>(static_cast<std::size_t>(rows) * bytes), config, mode,
                        clock);
    DmaInitiator dma("dma", clock);
    dma.socket.bind(memory.socket);
    std::vector<int64_t> acks;
    dma.on_write_acknowledged([&](const sc_core::sc_time& at) { acks.push_back(clock.to_cycles(at)); });
    std::vector<uint8_t> source(static_cast<std::size_t>(rows) * bytes);
    for (std::size_t i = 0; i < source.size(); ++i) source[i] = static_cast<uint8_t>(i * 3 + 1);
    struct Driver : sc_core::sc_module {
      SC_HAS_PROCESS(Driver);
      Driver(sc_core::sc_module_name n, std::function<void()> body) : sc_core::sc_module(n), body_(std::move(body)) {
        SC_THREAD(run);
      }
      void run() { body_(); }
      std::function<void()> body_;
    } driver("driver", [&] {
      LocalTime lt(mode, clock);
      DmaBurst burst;
      burst.address = 0;
      burst.stride = bytes;
      burst.data = source.data();
      burst.pitch = bytes;
      burst.bytes = bytes;
      burst.count = rows;
      dma.write(burst, lt);
      out.counters["returned"] = lt.now_cycles();
      lt.sync();
    });
    sc_core::sc_start();
    for (std::size_t i = 0; i < acks.size(); ++i) out.counters["ack" + std::to_string(i)] = acks[i];
    out.counters["acks"] = static_cast<int64_t>(acks.size());
    out.counters["data_ok"] = memory.memory().bytes() == source ? 1 : 0;
    return out;
  });
}

// Two outstanding slots, 40 cycles latency: writes 0 and 1 are accepted in cycles 0 and 1,
// complete in 41 and 42; write 2 waits for a slot, which frees the cycle after write 0's response
// (accepted in 42, completes in 83). Write 0's BEGIN_RESP in cycle 41 arrives while write 2 still
// waits for END_REQ: it must not end write 2's request (it did, making it look accepted in 41).
TEST_CASE("dma initiator AT: a response to an earlier write does not end a request waiting for a slot") {
  const DramConfig config{40, 16, 2};
  const SimulationOutput at = write_rows(TlmMode::ApproximatelyTimed, config, 3, 16);
  CHECK(at.counters.at("returned") == 43);  // the cycle after write 2's accept in 42
  REQUIRE(at.counters.at("acks") == 3);
  CHECK(at.counters.at("ack0") == 42);
  CHECK(at.counters.at("ack1") == 43);
  CHECK(at.counters.at("ack2") == 84);
  CHECK(at.counters.at("data_ok") == 1);

  // LT times the burst analytically with the same port rules: the same accept.
  const SimulationOutput lt = write_rows(TlmMode::LooselyTimed, config, 3, 16);
  CHECK(lt.counters.at("returned") == at.counters.at("returned"));
  CHECK(lt.counters.at("data_ok") == 1);
}

// More rows than slots: every later row waits for a slot while earlier responses arrive.
TEST_CASE("dma initiator AT: posted writes beyond the outstanding limit are accepted as in LT") {
  const DramConfig config{20, 8, 3};
  const SimulationOutput at = write_rows(TlmMode::ApproximatelyTimed, config, 10, 16);
  const SimulationOutput lt = write_rows(TlmMode::LooselyTimed, config, 10, 16);
  CHECK(at.counters.at("returned") == lt.counters.at("returned"));
  CHECK(at.counters.at("acks") == 10);
  CHECK(at.counters.at("ack9") == lt.counters.at("ack9"));  // LT reports every ack at the last completion
  CHECK(at.counters.at("data_ok") == 1);
}

}  // namespace
}  // namespace acv
