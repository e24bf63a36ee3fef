// DmaInitiator against MemoryTarget: AT phase handling with several posted writes in flight, and
// the same timing in LT. Each scenario elaborates in its own child process (one elaboration per process).
#include <catch2/catch.hpp>

#include <systemc>

#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "tlm/common/child_process.h"
#include "tlm/common/dma_initiator.h"
#include "tlm/common/memory_target.h"

namespace acv {
namespace {

// Writes `rows` rows of `bytes` each with DmaInitiator::write bursts of `per_burst` rows (0: one
// burst), each presented in the cycle after the previous one returned, i.e. beat by beat for
// per_burst = 1. Records, in cycles, when the last write() returned ("returned": the cycle after
// the last accept) and each write's acknowledgement ("ack<i>": the cycle after its response; a
// burst's rows are acknowledged at its last completion), plus the memory contents afterwards.
SimulationOutput write_rows(TlmMode mode, const DramConfig& config, uint32_t rows, uint32_t bytes,
                            uint32_t per_burst = 0) {
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
      const uint32_t per = per_burst == 0 ? rows : per_burst;
      for (uint32_t first = 0; first < rows; first += per) {
        DmaBurst burst;
        burst.address = static_cast<uint64_t>(first) * bytes;
        burst.stride = bytes;
        burst.data = source.data() + static_cast<std::size_t>(first) * bytes;
        burst.pitch = bytes;
        burst.bytes = bytes;
        burst.count = std::min(per, rows - first);
        dma.write(burst, lt);
      }
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
  const SimulationOutput at = write_rows(TlmMode::ApproximatelyTimed, config, 3, 16, 1);  // beat by beat
  CHECK(at.counters.at("returned") == 43);  // the cycle after write 2's accept in 42
  REQUIRE(at.counters.at("acks") == 3);
  CHECK(at.counters.at("ack0") == 42);
  CHECK(at.counters.at("ack1") == 43);
  CHECK(at.counters.at("ack2") == 84);
  CHECK(at.counters.at("data_ok") == 1);

  // One AT transaction for the burst: the same last accept and last acknowledgement.
  const SimulationOutput burst = write_rows(TlmMode::ApproximatelyTimed, config, 3, 16);
  CHECK(burst.counters.at("returned") == 43);
  REQUIRE(burst.counters.at("acks") == 3);
  CHECK(burst.counters.at("ack2") == 84);
  CHECK(burst.counters.at("data_ok") == 1);

  // LT times the burst analytically with the same port rules: the same accept.
  const SimulationOutput lt = write_rows(TlmMode::LooselyTimed, config, 3, 16);
  CHECK(lt.counters.at("returned") == at.counters.at("returned"));
  CHECK(lt.counters.at("data_ok") == 1);
}

TEST_CASE("dma initiator AT: a burst as one transaction times its rows as beat by beat") {
  for (const DramConfig& config : {DramConfig{20, 8, 3}, DramConfig{40, 16, 2}, DramConfig{5, 4, 8}, DramConfig{1, 64, 1}}) {
    for (const uint32_t rows : {1u, 2u, 7u, 33u}) {
      CAPTURE(config.latency, config.bytes_per_cycle, config.max_outstanding, rows);
      const SimulationOutput beats = write_rows(TlmMode::ApproximatelyTimed, config, rows, 16, 1);
      const SimulationOutput burst = write_rows(TlmMode::ApproximatelyTimed, config, rows, 16);
      const std::string last = "ack" + std::to_string(rows - 1);
      CHECK(burst.counters.at("returned") == beats.counters.at("returned"));
      CHECK(burst.counters.at(last) == beats.counters.at(last));
      CHECK(burst.counters.at("acks") == rows);
      CHECK(burst.counters.at("data_ok") == 1);
    }
  }
}

// A low-priority DMA reading bursts and a high-priority one writing bursts on one port: each
// transfer's return cycle ("load<i>", "store<i>"). Beat by beat (per_burst = 1) only for the
// posted writes, whose next row is presented the cycle after the previous accept either way.
SimulationOutput contend(TlmMode mode, const DramConfig& config, bool store_beats) {
  return run_in_child_process([=] {
    SimulationOutput out;
    const Clock clock = Clock::default_clock();
    MemoryTarget memory("memory", std::vector<uint8_t>(1 << 14), config, mode, clock);
    DmaInitiator load("load", clock), store("store", clock);
    load.socket.bind(memory.socket);
    store.socket.bind(memory.socket);
    memory.set_priority(1, 1);
    std::vector<uint8_t> on_chip(1 << 13);
    struct Driver : sc_core::sc_module {
      SC_HAS_PROCESS(Driver);
      Driver(sc_core::sc_module_name n, std::function<void()> body) : sc_core::sc_module(n), body_(std::move(body)) {
        SC_THREAD(run);
      }
      void run() { body_(); }
      std::function<void()> body_;
    };
    auto burst = [&](uint64_t address, uint32_t count, uint32_t bytes, uint8_t* data) {
      DmaBurst b;
      b.address = address;
      b.stride = bytes;
      b.data = data;
      b.pitch = bytes;
      b.bytes = bytes;
      b.count = count;
      return b;
    };
    Driver loader("loader", [&] {
      LocalTime lt(mode, clock);
      const uint32_t counts[] = {12, 5, 9, 1, 20};
      for (int i = 0; i < 5; ++i) {
        load.read(burst(256u * static_cast<uint64_t>(i), counts[i], 16, on_chip.data()), lt);
        out.counters["load" + std::to_string(i)] = lt.now_cycles();
        lt.advance_cycles(i);
      }
      lt.sync();
    });
    Driver storer("storer", [&] {
      LocalTime lt(mode, clock);
      const uint32_t counts[] = {4, 6, 3, 8};
      lt.advance_cycles(3);
      for (int i = 0; i < 4; ++i) {
        const uint64_t base = 8192 + 512u * static_cast<uint64_t>(i);
        if (store_beats) {
          for (uint32_t r = 0; r < counts[i]; ++r) store.write(burst(base + 32u * r, 1, 32, on_chip.data() + 4096), lt);
        } else {
          store.write(burst(base, counts[i], 32, on_chip.data() + 4096), lt);
        }
        out.counters["store" + std::to_string(i)] = lt.now_cycles();
        lt.advance_cycles(2 * i + 1);
      }
      lt.sync();
    });
    sc_core::sc_start();
    return out;
  });
}

TEST_CASE("dma initiator AT: bursts of two priorities on one port time as beat by beat and as LT") {
  for (const DramConfig& config : {DramConfig{20, 8, 3}, DramConfig{6, 16, 4}, DramConfig{2, 4, 2}}) {
    CAPTURE(config.latency, config.bytes_per_cycle, config.max_outstanding);
    const SimulationOutput at = contend(TlmMode::ApproximatelyTimed, config, false);
    CHECK(at.counters == contend(TlmMode::ApproximatelyTimed, config, true).counters);
    CHECK(at.counters == contend(TlmMode::LooselyTimed, config, false).counters);
  }
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
