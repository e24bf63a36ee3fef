// The gemmini RTL: every command on hand-built Programs equals the functional model, the
// dependency tracker holds a mvin that would overwrite rows a compute has yet to read, and mapped
// layers with ragged shapes equal the golden reference, for every built DIM in both dataflows.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include "estimator/aidg.h"
#include "estimator/arch_description.h"
#include "estimator/bound_arch.h"
#include "models/common/accelerator.h"
#include "models/common/golden.h"
#include "models/common/workload_reader.h"
#include "models/gemmini/gemmini_accelerator.h"
#include "models/gemmini/gemmini_iss.h"
#include "rtl/common/rtl_driver.h"
#include "gemmini_test_util.h"
#include "tests/models/test_layers.h"

using namespace acv;
using namespace acv::gemmini;
using namespace acv::test;

namespace {

// Runs the Program on the RTL and on the functional model from the same memory; they must agree.
SimulationOutput check_against_iss(const Program& p, const AccelConfig& cfg) {
  std::vector<uint8_t> expected = random_dram(p.dram_bytes);
  const auto driver = RtlDriverRegistry::create("gemmini");
  SimulationOutput out = driver->run(p, cfg, expected, RtlRunOptions{});
  run_functional(p, cfg, expected);
  REQUIRE(out.dram.size() == expected.size());
  const std::size_t first_diff = first_difference(out.dram, expected);
  CAPTURE(first_diff);
  CHECK(first_diff == expected.size());
  CHECK(out.cycles > 0);
  return out;
}

// What 8 more computes add: the Program with 16 computes against the one with 8, both checked
// against the functional model.
struct EightMore {
  int64_t cycles = 0, mesh_rows = 0;
  SimulationOutput longer;  // the run with 16
};
EightMore eight_more(const std::function<Program(int computes)>& program, const AccelConfig& cfg) {
  const SimulationOutput shorter = check_against_iss(program(8), cfg);
  EightMore m;
  m.longer = check_against_iss(program(16), cfg);
  m.cycles = m.longer.cycles - shorter.cycles;
  m.mesh_rows = m.longer.counters.at("mesh.rows") - shorter.counters.at("mesh.rows");
  return m;
}

}  // namespace

TEST_CASE("each gemmini command on the RTL equals the functional model", "[rtl][gemmini]") {
  const int64_t dim = GENERATE(from_range(built_dims()));
  const AccelConfig cfg = shipped_config(dim, "ws");
  const int64_t d = dim;
  CAPTURE(dim);

  SECTION("mvin and mvout of scratchpad rows, ragged rows and cols, strides") {
    check_against_iss(scratchpad_moves_program(d), cfg);
  }
  SECTION("mvin into the accumulator; mvout full-width, requantised with ReLU and shift, saturating") {
    check_against_iss(accumulator_moves_program(d), cfg);
  }
  SECTION("WS preload, compute_preloaded and compute_accumulated, overwrite and accumulate") {
    check_against_iss(ws_compute_program(d), cfg);
  }
  SECTION("OS chains: preload without output, compute_preloaded, compute_accumulated, drain") {
    check_against_iss(os_compute_program(d), cfg);
  }
  SECTION("flush waits for every unit; the dataflow switches between computes") {
    check_against_iss(flush_program(d), cfg);
  }
}

TEST_CASE("gemmini WS computes stream back to back, weight preloads loading while earlier rows stream",
          "[rtl][gemmini]") {
  const int64_t dim = GENERATE(from_range(built_dims()));
  const AccelConfig cfg = shipped_config(dim, "ws");
  // Every compute, a preload every 2, and none after the first: each further compute of DIM rows
  // costs DIM cycles (the mesh takes a row every cycle), the weight loads included.
  const int per_preload = GENERATE(1, 2, 64);
  CAPTURE(dim, per_preload);
  const EightMore m = eight_more([&](int n) { return ws_stream_program(dim, n, per_preload); }, cfg);
  CHECK(m.mesh_rows == 8 * dim);
  CHECK(m.cycles == 8 * dim);
  CHECK(m.longer.counters.at("exe.stall.preload_hazard") == 0);
}

TEST_CASE("gemmini OS computes stream back to back, each drain overlapping the next computes",
          "[rtl][gemmini]") {
  const int64_t dim = GENERATE(from_range(built_dims()));
  const AccelConfig cfg = shipped_config(dim, "os");
  // K chains of 1, 2 or 4 computes of DIM rows, each ending in a drain of DIM PE rows: each further
  // compute costs DIM cycles (A and B stream together, the drain overlaps the next chain; it cost
  // 2 DIM + 3, and a drain 3 DIM - 2 more, when B was read first and computes did not overlap).
  const int per_chain = GENERATE(1, 2, 4);
  CAPTURE(dim, per_chain);
  const EightMore m = eight_more([&](int n) { return os_stream_program(dim, n, per_chain, dim); }, cfg);
  CHECK(m.mesh_rows == 8 * dim);
  CHECK(m.cycles == 8 * dim);
}

TEST_CASE("gemmini OS drains of short K chains wait for the output registers, DIM cycles apart",
          "[rtl][gemmini]") {
  const int64_t dim = GENERATE(from_range(built_dims()));
  const AccelConfig cfg = shipped_config(dim, "os");
  // Every compute a chain of 3 rows with a drain: the next drain's last row waits until the PE rows
  // were read, so each further compute costs DIM cycles, not 3.
  CAPTURE(dim);
  const EightMore m = eight_more([&](int n) { return os_stream_program(dim, n, 1, 3); }, cfg);
  CHECK(m.mesh_rows == 8 * 3);
  CHECK(m.cycles == 8 * dim);
}

TEST_CASE("gemmini bank conflicts between units delay the loser without corrupting data", "[rtl][gemmini]") {
  const int64_t dim = GENERATE(from_range(built_dims()));
  const int64_t d = dim;
  const AccelConfig cfg = shipped_config(dim, "ws");
  CAPTURE(dim);
  // The computes read scratchpad bank 0 and write accumulator bank 0 for many cycles while the
  // store unit reads other rows of scratchpad bank 0 and the load unit writes other rows of
  // accumulator bank 0: no range conflict, so only the bank arbitration orders them. 24 computes:
  // streamed back to back, 6 finish before the store unit gets to its reads.
  std::vector<Statement> body = {op(kConfigEx, {kWs, 0, 0}),
                                 op(kConfigLd, {d}),
                                 op(kConfigSt, {d}),
                                 op(kMvin, {0, 0, 0, d, d}),
                                 op(kMvin, {1000, d, 0, d, d}),
                                 op(kMvin, {2000, 2 * d, 0, d, d}),
                                 op(kPreload, {2 * d, d, 0, d, 0}),
                                 op(kComputePreloaded, {0, 0, d})};
  for (int i = 0; i < 24; ++i) {
    body.push_back(op(kPreload, {0, 0, 0, d, 1}));
    body.push_back(op(kComputeAccumulated, {0, 0, d}));
  }
  body.push_back(op(kMvout, {20000, d, 0, 0, d, d}));
  body.push_back(op(kConfigLd, {4 * d}));
  body.push_back(op(kMvin, {3000, d, 1, d, d}));
  body.push_back(op(kConfigSt, {4 * d}));
  body.push_back(op(kMvout, {30000, 0, 1, 1, d, d}));
  body.push_back(op(kMvout, {40000, d, 1, 1, d, d}));
  const SimulationOutput out = check_against_iss(program_of(body), cfg);
  CHECK(out.counters.at("spad.stall.bank_conflict") + out.counters.at("acc.stall.bank_conflict") > 0);
}

TEST_CASE("the gemmini dependency tracker holds a mvin over rows a queued compute has yet to read",
          "[rtl][gemmini]") {
  const int64_t dim = GENERATE(from_range(built_dims()));
  const int64_t d = dim;
  const AccelConfig cfg = shipped_config(dim, "ws");
  CAPTURE(dim);
  // Eight computes on rows 8d.. keep the execute unit busy; the compute reading A at rows 0..d-1
  // queues behind them while the mvin of new data into the same rows is next in the load queue.
  auto build = [&](int64_t second_mvin_rows_at) {
    std::vector<Statement> body = {op(kConfigEx, {kWs, 0, 0}),
                                   op(kConfigLd, {d}),
                                   op(kConfigSt, {4 * d}),
                                   op(kMvin, {0, 0, 0, d, d}),
                                   op(kMvin, {2000, 8 * d, 0, d, d}),
                                   op(kPreload, {8 * d, d, 0, d, 0}),
                                   op(kComputePreloaded, {8 * d, 0, d})};
    for (int i = 0; i < 8; ++i) {
      body.push_back(op(kPreload, {0, 0, d, d, 1}));
      body.push_back(op(kComputeAccumulated, {8 * d, 0, d}));
    }
    body.push_back(op(kPreload, {0, 0, 2 * d, d, 0}));
    body.push_back(op(kComputeAccumulated, {0, 0, d}));               // reads A at rows 0..d-1
    body.push_back(op(kMvin, {4000, second_mvin_rows_at, 0, d, d}));  // new A: WAR when at rows 0
    body.push_back(op(kPreload, {0, 0, 3 * d, d, 0}));
    body.push_back(op(kComputeAccumulated, {second_mvin_rows_at, 0, d}));
    body.push_back(op(kMvout, {30000, 2 * d, 1, 1, d, d}));
    body.push_back(op(kMvout, {40000, 3 * d, 1, 1, d, d}));
    body.push_back(op(kMvout, {50000, d, 1, 1, d, d}));
    return program_of(body);
  };
  const SimulationOutput war = check_against_iss(build(0), cfg);
  CHECK(war.counters.at("load.stall.dependency") > 0);
  const SimulationOutput free = check_against_iss(build(4 * d), cfg);
  CHECK(free.counters.at("load.stall.dependency") == 0);
  CHECK(free.cycles <= war.cycles);
}

TEST_CASE("gemmini mvins overlap: the next one requests while the previous one's rows are in flight",
          "[rtl][gemmini]") {
  const int64_t dim = GENERATE(from_range(built_dims()));
  const int64_t d = dim;
  const AccelConfig cfg = shipped_config(dim, "ws");
  CAPTURE(dim);
  // All 2n requests fit the port's slots (mvin_overlap_program: the compute reads the first and
  // the last mvin's rows).
  const int n = static_cast<int>(std::min<int64_t>(cfg.dram.max_outstanding / 2, d / 2));
  REQUIRE(n >= 2);
  const SimulationOutput one = check_against_iss(mvin_overlap_program(d, 1), cfg);
  const SimulationOutput many = check_against_iss(mvin_overlap_program(d, n), cfg);
  // One at a time, each further mvin would wait for the previous one's responses (about latency +
  // 2 rows); overlapped, it starts the cycle after the previous one's last request was accepted
  // and sends its 2 requests in the next 2 cycles.
  CAPTURE(one.cycles, many.cycles);
  CHECK(many.cycles - one.cycles == (n - 1) * (1 + 2));
  CHECK(many.counters.at("dram.reads") == 2 * n);
}

// Gemmini's multi-block mvin: one request per DRAM row of up to 4 DIM bytes, the blocks written to
// their scratchpad rows (equal to the functional model), so 4 blocks of d rows cost d requests, not
// 4 d, and fewer cycles than one mvin per block.
TEST_CASE("a gemmini multi-block mvin sends one request per row and writes every block", "[rtl][gemmini]") {
  const int64_t d = GENERATE(from_range(built_dims()));
  const int64_t ragged = GENERATE_COPY(int64_t{0}, d / 2);
  for (const std::string dataflow : {"ws", "os"}) {
    const AccelConfig cfg = shipped_config(d, dataflow);
    CAPTURE(d, ragged, dataflow);
    const SimulationOutput multi = check_against_iss(multi_block_program(d, 4, d, ragged), cfg);
    const SimulationOutput single = check_against_iss(multi_block_program(d, 1, d, ragged), cfg);
    CHECK(multi.counters.at("dram.reads") == d);
    CHECK(single.counters.at("dram.reads") == 4 * d);
    CHECK(multi.counters.at("dram.bytes_read") == single.counters.at("dram.bytes_read"));
    CAPTURE(multi.cycles, single.cycles);
    CHECK(multi.cycles < single.cycles);
    // Ragged rows: block b at local + b rows.
    check_against_iss(multi_block_program(d, 4, d - 1, ragged), cfg);
  }
}

TEST_CASE("mapped layers with ragged shapes on the gemmini RTL equal the golden reference",
          "[rtl][gemmini][e2e]") {
  const int64_t dim = GENERATE(from_range(built_dims()));
  const std::string dataflow = GENERATE(as<std::string>{}, "ws", "os");
  const AccelConfig cfg = shipped_config(dim, dataflow);
  const auto accel = AcceleratorRegistry::create("gemmini");
  const auto driver = RtlDriverRegistry::create("gemmini");
  for (const Layer& layer : mapped_layers()) {
    CAPTURE(dim, dataflow, layer.name);
    const Program program = accel->map(layer, cfg);
    const LayerData data = make_layer_data(layer, 5);
    const SimulationOutput out =
        driver->run(program, cfg, accel->dram_image(layer, data, program), RtlRunOptions{});
    CHECK(accel->read_output(layer, program, out.dram) == golden_output(layer, data));
    CHECK(out.counters.at("mesh.rows") > 0);
  }
}

// mapping: auto loads B with multi-block mvins where every K block is full: the RTL computes the
// golden reference, the estimator (arch.yaml) and the RTL agree, and such mvins do occur.
TEST_CASE("mapping: auto layers with multi-block B mvins on the gemmini RTL equal the golden reference",
          "[rtl][gemmini][e2e]") {
  const int64_t dim = GENERATE(from_range(built_dims()));
  const std::string dataflow = GENERATE(as<std::string>{}, "ws", "os");
  AccelConfig cfg = shipped_config(dim, dataflow);
  cfg.params["mapping"] = ConfigValue{"auto", SourceLoc{cfg.file, 1, "mapping"}};
  const auto accel = AcceleratorRegistry::create("gemmini");
  const auto driver = RtlDriverRegistry::create("gemmini");
  const auto description = load_arch_description(cfg.description);
  std::vector<Layer> layers = mapped_layers();
  Layer full_k = test::gemm(40, 9 * dim, 6 * dim);
  full_k.name = "gemm_full_k";
  layers.push_back(full_k);
  int64_t multi_block = 0;
  for (const Layer& layer : layers) {
    CAPTURE(dim, dataflow, layer.name);
    const Program program = accel->map(layer, cfg);
    program.for_each([&](const ConcreteInstruction& c) {
      if (c.opcode == gemmini::kMvin && c.f[gemmini::kInCols] > dim) ++multi_block;
    });
    const LayerData data = make_layer_data(layer, 5);
    const SimulationOutput out =
        driver->run(program, cfg, accel->dram_image(layer, data, program), RtlRunOptions{});
    CHECK(accel->read_output(layer, program, out.dram) == golden_output(layer, data));
    const Estimate estimated = estimate(bind_arch(description, config_values(cfg), program), program, EstimateOptions{});
    const double error = 100.0 * static_cast<double>(estimated.cycles - out.cycles) / static_cast<double>(out.cycles);
    CAPTURE(out.cycles, estimated.cycles);
    CHECK(std::abs(error) <= 1.0);
  }
  CHECK(multi_block > 0);
}

TEST_CASE("a gemmini config without a built RTL model is an error naming the parameter", "[rtl][gemmini]") {
  const auto driver = RtlDriverRegistry::create("gemmini");
  AccelConfig cfg = shipped_config(built_dims().front(), "ws");
  cfg.params["dim"].text = "3";
  cfg.params["sp_capacity_kib"].text = "3";
  cfg.params["acc_capacity_kib"].text = "3";
  cfg.params["sp_banks"].text = "1";
  cfg.params["acc_banks"].text = "1";
  CHECK_THROWS_WITH(driver->run(program_of({}), cfg, std::vector<uint8_t>(64), RtlRunOptions{}),
                    Catch::Contains("dim") && Catch::Contains("built"));
  cfg = shipped_config(built_dims().front(), "ws");
  cfg.params["sp_banks"].text = "2";
  CHECK_THROWS_WITH(driver->check_config(cfg), Catch::Contains("sp_banks"));
  CHECK_NOTHROW(driver->check_config(shipped_config(built_dims().front(), "os")));
  CHECK_THROWS_WITH(driver->run(program_of({}), cfg, std::vector<uint8_t>(64), RtlRunOptions{}),
                    Catch::Contains("sp_banks"));
}
