// The systolic TLM model computes what the hardware computes: a naive GEMM, and the golden
// reference on every supported layer of tiny.yaml, in LT and AT and in both dataflows.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "models/common/golden.h"
#include "tests/models/systolic/a_off_program.h"
#include "tests/models/systolic/rep_load_program.h"
#include "models/common/workload_reader.h"
#include "models/systolic/systolic_accelerator.h"
#include "tlm/common/child_process.h"
#include "tlm/common/tlm_mode.h"
#include "tlm/common/tlm_runner.h"

namespace acv {
namespace {

AccelConfig config(const std::string& dataflow, int64_t n = 4, int64_t depth = 16, int64_t queue_depth = 4,
                   int64_t dma_burst = 1) {
  AccelConfig c;
  c.file = "test-config.yaml";
  c.accelerator = "systolic";
  auto set = [&](const std::string& k, const std::string& v) { c.params[k] = ConfigValue{v, SourceLoc{c.file, 1, k}}; };
  set("rows", std::to_string(n));
  set("cols", std::to_string(n));
  set("dataflow", dataflow);
  set("ibuf_depth", std::to_string(depth));
  set("wbuf_depth", std::to_string(depth));
  set("obuf_depth", std::to_string(depth));
  set("queue_depth", std::to_string(queue_depth));
  set("dram_bytes", "16777216");
  set("dma_burst", std::to_string(dma_burst));
  return c;
}

struct Outcome {
  std::vector<int32_t> output;
  int64_t cycles = 0;
};

Outcome run_tlm(const Layer& layer, const LayerData& data, const AccelConfig& cfg, TlmMode mode) {
  SystolicAccelerator accel;
  const Program program = accel.map(layer, cfg);
  std::vector<uint8_t> dram = accel.dram_image(layer, data, program);
  const SimulationOutput out = run_in_child_process(
      [&] { return TlmRunnerRegistry::create("systolic")->run(program, cfg, std::move(dram), mode); });
  return Outcome{accel.read_output(layer, program, out.dram), out.cycles};
}

Layer gemm(int64_t m, int64_t n, int64_t k) {
  Layer l;
  l.name = "gemm_" + std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k);
  l.kind = LayerKind::Gemm;
  l.m = m;
  l.n = n;
  l.k = k;
  return l;
}

std::vector<int32_t> naive_gemm(const Layer& l, const LayerData& d) {
  std::vector<int32_t> c(static_cast<std::size_t>(l.m * l.n), 0);
  for (int64_t m = 0; m < l.m; ++m)
    for (int64_t n = 0; n < l.n; ++n)
      for (int64_t k = 0; k < l.k; ++k) c[m * l.n + n] += int32_t{d.input[m * l.k + k]} * int32_t{d.weights[k * l.n + n]};
  return c;
}

TEST_CASE("systolic TLM equals a naive GEMM in LT and AT, OS and WS") {
  for (const std::string dataflow : {"os", "ws"})
    for (const TlmMode mode : {TlmMode::LooselyTimed, TlmMode::ApproximatelyTimed})
      for (const Layer& layer : {gemm(4, 4, 4), gemm(13, 7, 19), gemm(1, 9, 40), gemm(37, 5, 3)}) {
        CAPTURE(dataflow, to_string(mode), layer.name);
        const LayerData data = make_layer_data(layer, 7);
        const Outcome got = run_tlm(layer, data, config(dataflow), mode);
        CHECK(got.output == naive_gemm(layer, data));
        CHECK(got.cycles > 0);
      }
}

TEST_CASE("systolic TLM equals the golden reference on tiny.yaml in LT and AT, OS and WS") {
  const Workload tiny = load_workload(std::string(ACV_SOURCE_DIR) + "/models/workloads/tiny.yaml");
  for (const std::string dataflow : {"os", "ws"})
    for (const TlmMode mode : {TlmMode::LooselyTimed, TlmMode::ApproximatelyTimed})
      for (const Layer& layer : tiny.layers) {
        if (layer.is_pool()) continue;  // the array has no pooling hardware
        CAPTURE(dataflow, to_string(mode), layer.name);
        const LayerData data = make_layer_data(layer, 3);
        CHECK(run_tlm(layer, data, config(dataflow, 4, 32), mode).output == golden_output(layer, data));
      }
}

TEST_CASE("systolic TLM: LT cycles stay close to AT cycles") {
  for (const std::string dataflow : {"os", "ws"}) {
    const Layer layer = gemm(24, 20, 50);
    const LayerData data = make_layer_data(layer, 1);
    const int64_t lt = run_tlm(layer, data, config(dataflow, 4, 16), TlmMode::LooselyTimed).cycles;
    const int64_t at = run_tlm(layer, data, config(dataflow, 4, 16), TlmMode::ApproximatelyTimed).cycles;
    CAPTURE(dataflow, lt, at);
    CHECK(std::abs(static_cast<double>(lt - at)) <= 0.03 * static_cast<double>(at));
  }
}

Layer conv(const std::string& name, int64_t hw, int64_t c, int64_t f, int64_t kernel, int64_t stride) {
  Layer l;
  l.name = name;
  l.kind = LayerKind::Conv2d;
  l.in_h = l.in_w = hw;
  l.in_c = c;
  l.out_c = f;
  l.kh = l.kw = kernel;
  l.stride_h = l.stride_w = stride;
  return l;
}

// LT times whole DMA bursts analytically (BurstSchedule) and AT request by request; both must
// compute the golden outputs, and LT must stay within 5 % of AT (AT equals the RTL).
TEST_CASE("systolic TLM: LT and AT compute golden outputs and LT stays within 5 % of AT on conv layers") {
  const std::vector<Layer> layers = {conv("conv3x3", 12, 16, 24, 3, 1), conv("conv1x1", 14, 40, 20, 1, 1),
                                     conv("conv5x5_s2", 15, 8, 12, 5, 2)};
  for (const std::string dataflow : {"os", "ws"})
    for (const int64_t n : {4, 8})
      for (const Layer& layer : layers) {
        CAPTURE(dataflow, n, layer.name);
        const LayerData data = make_layer_data(layer, 5);
        const AccelConfig cfg = config(dataflow, n, 64);
        const Outcome lt = run_tlm(layer, data, cfg, TlmMode::LooselyTimed);
        const Outcome at = run_tlm(layer, data, cfg, TlmMode::ApproximatelyTimed);
        const std::vector<int32_t> golden = golden_output(layer, data);
        CHECK(lt.output == golden);
        CHECK(at.output == golden);
        CAPTURE(lt.cycles, at.cycles);
        CHECK(std::abs(static_cast<double>(lt.cycles - at.cycles)) <= 0.05 * static_cast<double>(at.cycles));
      }
}

// LT's dispatcher has no thread (it runs after each push and each unit-queue pop), a load burst is
// final without waiting for the kernel when the store DMA cannot arrive before its last accept,
// the host resumes only once the command queue has run empty: none of it may change a cycle. AT
// times every request, so LT must equal it exactly, also with short queues (a unit queue full
// more often, the dispatcher holding an instruction) and a narrow port (stores and loads overlap).
TEST_CASE("systolic TLM: LT cycles equal AT cycles, any queue depth") {
  const std::vector<Layer> layers = {conv("conv3x3", 10, 12, 20, 3, 1), gemm(29, 17, 45)};
  for (const std::string dataflow : {"os", "ws"})
    for (const int64_t queue_depth : {1, 2, 4})
      for (const int64_t bytes_per_cycle : {int64_t{0}, int64_t{1}})
        for (const Layer& layer : layers) {
          CAPTURE(dataflow, queue_depth, bytes_per_cycle, layer.name);
          const LayerData data = make_layer_data(layer, 9);
          AccelConfig cfg = config(dataflow, 4, 32, queue_depth);
          if (bytes_per_cycle > 0) {
            cfg.dram.bytes_per_cycle = bytes_per_cycle;
            cfg.dram.max_outstanding = 2;
          }
          const Outcome lt = run_tlm(layer, data, cfg, TlmMode::LooselyTimed);
          const Outcome at = run_tlm(layer, data, cfg, TlmMode::ApproximatelyTimed);
          CHECK(lt.output == golden_output(layer, data));
          CHECK(lt.output == at.output);
          CHECK(lt.cycles == at.cycles);
        }
}

// A burst moves several entries in one request (one transaction in AT, as in LT) and the units
// pay its beats: the views must still agree exactly, with a port narrow enough that bursts of
// loads and stores queue behind each other.
TEST_CASE("systolic TLM: LT cycles equal AT cycles with DMA bursts") {
  const std::vector<Layer> layers = {conv("conv3x3", 10, 12, 20, 3, 1), gemm(29, 17, 45)};
  for (const std::string dataflow : {"os", "ws"})
    for (const int64_t burst : {2, 8})
      for (const int64_t max_outstanding : {int64_t{1}, int64_t{8}})
        for (const Layer& layer : layers) {
          CAPTURE(dataflow, burst, max_outstanding, layer.name);
          const LayerData data = make_layer_data(layer, 9);
          AccelConfig cfg = config(dataflow, 4, 32, 4, burst);
          cfg.dram.max_outstanding = max_outstanding;
          const Outcome lt = run_tlm(layer, data, cfg, TlmMode::LooselyTimed);
          const Outcome at = run_tlm(layer, data, cfg, TlmMode::ApproximatelyTimed);
          CHECK(lt.output == golden_output(layer, data));
          CHECK(lt.output == at.output);
          CHECK(lt.cycles == at.cycles);
        }
}

// rtl/systolic/README.md, "Load unit": the next dma_load's requests go out the cycle after the
// previous one's last accept, while its responses are outstanding; the RTL test of the same
// Program checks the same cycles.
TEST_CASE("systolic TLM: back-to-back dma_loads overlap as in the RTL, in LT and AT") {
  const AccelConfig cfg = config("os");
  Program p;
  p.isa = systolic::isa();
  p.layer_name = "hand-built";
  p.top.name = "top";
  p.top.body = {make_instruction(systolic::kDmaLoad, {systolic::kIbuf, 0, 0, 1, 4, 4, 1, 0}),
                make_instruction(systolic::kDmaLoad, {systolic::kIbuf, 1, 64, 1, 4, 4, 1, 0})};
  p.dram_bytes = 4096;
  for (const TlmMode mode : {TlmMode::LooselyTimed, TlmMode::ApproximatelyTimed}) {
    const SimulationOutput out = run_in_child_process(
        [&] { return TlmRunnerRegistry::create("systolic")->run(p, cfg, std::vector<uint8_t>(4096), mode); });
    CHECK(out.cycles == 4 + cfg.dram.latency + 1 + 1);
    CHECK(out.counters.at("load.busy") == 4 + cfg.dram.latency + 1);
    CHECK(out.counters.at("load.stall.compute") == 0);
  }
}

// The RTL test of the same Program (tests/rtl/systolic/test_systolic_rtl.cpp) checks the same.
TEST_CASE("systolic TLM: a WS compute streams its A tile from IBUF entry a_off, with the timing of a_off = 0") {
  const int64_t n = 4, m = 5;
  const std::vector<uint8_t> dram = test::a_off_dram(n, m);
  const AccelConfig cfg = config("ws");
  for (const TlmMode mode : {TlmMode::LooselyTimed, TlmMode::ApproximatelyTimed}) {
    auto run = [&](int64_t off) {
      return run_in_child_process(
          [&] { return TlmRunnerRegistry::create("systolic")->run(test::a_off_program(n, m, off), cfg, dram, mode); });
    };
    const SimulationOutput out = run(m);
    CHECK(test::a_off_mismatches(dram, out.dram, n, m) == 0);
    CHECK(out.cycles == run(0).cycles);
  }
}

// rtl/systolic/README.md, "Load unit": a two-level dma_load sends its reps' requests back to back
// (no idle cycle between reps) and completes with its last rep; the RTL tests of the same Programs
// (tests/rtl/systolic/test_systolic_rtl.cpp) check the same cycles and outputs.
TEST_CASE("systolic TLM: a two-level dma_load fills its half rep by rep, as in the RTL, in LT and AT") {
  const int64_t n = 4, m = 5;
  const std::vector<uint8_t> dram = test::rep_load_dram(n, m);
  Program two_reps;
  two_reps.isa = systolic::isa();
  two_reps.layer_name = "hand-built";
  two_reps.top.name = "top";
  two_reps.top.body = {make_instruction(systolic::kDmaLoad, {systolic::kIbuf, 0, 0, 1, 4, 4, 2, 64})};
  two_reps.dram_bytes = 4096;
  for (const int64_t burst : {1, 4}) {
    const AccelConfig cfg = config("ws", n, 16, 4, burst);
    int64_t cycles[2] = {0, 0};
    for (const TlmMode mode : {TlmMode::LooselyTimed, TlmMode::ApproximatelyTimed}) {
      CAPTURE(burst, static_cast<int>(mode));
      const SimulationOutput out = run_in_child_process(
          [&] { return TlmRunnerRegistry::create("systolic")->run(test::rep_load_program(n, m), cfg, dram, mode); });
      CHECK(test::rep_load_mismatches(dram, out.dram, n, m) == 0);
      cycles[mode == TlmMode::LooselyTimed ? 0 : 1] = out.cycles;
      if (burst == 1) {
        // Requests in cycles 2 and 3, the second response in cycle latency + 4.
        const SimulationOutput load = run_in_child_process(
            [&] { return TlmRunnerRegistry::create("systolic")->run(two_reps, cfg, std::vector<uint8_t>(4096), mode); });
        CHECK(load.cycles == cfg.dram.latency + 5);
        CHECK(load.counters.at("load.busy") == cfg.dram.latency + 4);
      }
    }
    CHECK(cycles[0] == cycles[1]);
  }
}

TEST_CASE("systolic TLM: a Program that waits on a flag nobody sets is reported as a deadlock") {
  SystolicAccelerator accel;
  const AccelConfig cfg = config("os");
  Program program = accel.map(gemm(4, 4, 4), cfg);
  // Keep only the store: it waits forever for an OBUF half no compute fills.
  Program store_only = program;
  store_only.top.body.clear();
  program.for_each([&](const ConcreteInstruction& in) {
    if (in.opcode != systolic::kDmaStore) return;
    Statement s;
    s.instr.opcode = in.opcode;
    for (int i = 0; i < in.num_fields; ++i) s.instr.operands.push_back(Expr(in.f[i]));
    store_only.top.body.push_back(s);
  });
  std::vector<uint8_t> dram(static_cast<std::size_t>(program.dram_bytes), 0);
  CHECK_THROWS_WITH(run_in_child_process([&] {
                      return TlmRunnerRegistry::create("systolic")->run(store_only, cfg, dram, TlmMode::LooselyTimed);
                    }),
                    Catch::Matchers::Contains("deadlock"));
}

}  // namespace
}  // namespace acv
