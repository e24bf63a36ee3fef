// The gemmini mapper: tiling within the scratchpad and accumulator, clear errors, and Programs
// that compute the golden reference on the functional instruction-set model, every shipped config.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>

#include "models/common/golden.h"
#include "models/common/workload_reader.h"
#include "models/gemmini/gemmini_accelerator.h"
#include "models/gemmini/gemmini_iss.h"
#include "tests/models/test_layers.h"

using namespace acv;

namespace {

const std::string kConfigDir = std::string(ACV_SOURCE_DIR) + "/models/gemmini/configs/";

AccelConfig config(int64_t dim, const std::string& dataflow, int64_t sp_kib, int64_t acc_kib) {
  AccelConfig c;
  c.file = "test-config.yaml";
  c.accelerator = "gemmini";
  auto set = [&](const std::string& k, const std::string& v) {
    c.params[k] = ConfigValue{v, SourceLoc{c.file, 1, k}};
  };
  set("dim", std::to_string(dim));
  set("dataflow", dataflow);
  set("sp_capacity_kib", std::to_string(sp_kib));
  set("sp_banks", "4");
  set("acc_capacity_kib", std::to_string(acc_kib));
  set("acc_banks", "2");
  set("ld_queue_depth", "8");
  set("ex_queue_depth", "8");
  set("st_queue_depth", "2");
  set("dram_bytes", "268435456");
  set("max_in_flight_mem_reqs", "8");
  set("dma_maxbytes", "64");
  set("dma_buswidth", "128");
  return c;
}

using test::conv;
using test::gemm;

void check_matches_golden(const Layer& layer, const AccelConfig& cfg) {
  test::check_functional_golden(GemminiAccelerator(), gemmini::run_functional, layer, cfg, 11);
}

// N blocks of B per mvin the auto mapper uses on layers whose K blocks are all full.
int64_t b_blocks(const gemmini::Params& p) { return gemmini::mvin_max_cols(p, false) / p.dim; }

void check_shapes(const AccelConfig& cfg) {
  for (const Layer& layer : test::ragged_layers()) check_matches_golden(layer, cfg);
}

}  // namespace

TEST_CASE("every shipped gemmini config computes the golden reference on ragged gemm, dense, conv, depthwise",
          "[gemmini][mapper]") {
  for (const char* name : {"gemmini-4x4-ws", "gemmini-4x4-os", "gemmini-8x8-ws", "gemmini-8x8-os",
                           "gemmini-16x16-ws", "gemmini-16x16-os", "gemmini-16x16-ws-auto", "gemmini-16x16-os-auto"}) {
    CAPTURE(name);
    const AccelConfig cfg = load_accel_config(kConfigDir + name + ".yaml");
    GemminiAccelerator().check_config(cfg);
    check_shapes(cfg);
  }
}

TEST_CASE(
    "tiny gemmini memories force multi-tile loops with double-buffered halves and still compute the golden "
    "reference",
    "[gemmini][mapper]") {
  const std::string df = GENERATE(std::string("ws"), std::string("os"));
  CAPTURE(df);
  // DIM 4: scratchpad 1 KiB = 256 rows (half: 32 blocks), accumulator 256 B = 16 rows (half: 2 blocks).
  const AccelConfig cfg = config(4, df, 1, 1);
  check_shapes(cfg);
  check_matches_golden(gemm(40, 24, 200), cfg);  // K in several k tiles, C tiles alternate halves
}

TEST_CASE("gemmini tiles fit half the scratchpad and half the accumulator", "[gemmini][mapper]") {
  const AccelConfig cfg = config(4, "ws", 1, 1);
  const gemmini::Params p = gemmini::read_params(cfg);
  const gemmini::Tiling t = gemmini::choose_tiling(10, 6, 50, p);
  CHECK(10 % t.ti == 0);
  CHECK(6 % t.tj == 0);
  CHECK(50 % t.tk == 0);
  CHECK((t.ti + t.tj) * t.tk * 4 <= p.sp_rows() / 2);
  CHECK(t.ti * t.tj * 4 <= p.acc_rows() / 2);
  GemminiAccelerator accel;
  const Program prog = accel.map(gemm(40, 24, 200), cfg);
  prog.for_each([&](const ConcreteInstruction& c) {
    if (c.opcode == gemmini::kMvin) {
      CHECK(c.f[gemmini::kInRows] <= 4);
      CHECK(c.f[gemmini::kInCols] <= 4);
    }
  });
}

TEST_CASE("mapping: auto computes the golden reference with ragged edge tiles in every dimension",
          "[gemmini][mapper]") {
  const std::string df = GENERATE(std::string("ws"), std::string("os"));
  const int64_t sp_kib = GENERATE(1, 2, 16);
  CAPTURE(df, sp_kib);
  AccelConfig cfg = config(4, df, sp_kib, 1);
  cfg.params["mapping"] = ConfigValue{"auto", SourceLoc{cfg.file, 1, "mapping"}};
  check_shapes(cfg);
  check_matches_golden(gemm(40, 24, 200), cfg);
  check_matches_golden(gemm(37, 29, 61), cfg);  // 10 x 8 x 16 blocks: no tile size divides all
}

TEST_CASE("mapping: auto (OS) spreads the next row's mvins and the last row's mvouts among the computes",
          "[gemmini][mapper]") {
  AccelConfig cfg = config(4, "os", 16, 4);
  cfg.params["mapping"] = ConfigValue{"auto", SourceLoc{cfg.file, 1, "mapping"}};
  const gemmini::Params p = gemmini::read_params(cfg);
  // 10 x 8 x 16 blocks: the B panel resident, several rows per tile (the case that interleaves).
  const gemmini::AutoTiling t = gemmini::choose_auto_tiling(10, 8, 16, p, cfg.dram);
  REQUIRE(t.resident);
  REQUIRE(t.ti > 1);
  const Layer layer = gemm(37, 29, 61);
  check_matches_golden(layer, cfg);
  // The in-order decoder stalls on a mvin when the load queue is full: between two computes of a
  // tile no more A mvins (config_ld stride M) than the queue holds (a tile's first row, after the
  // previous tile's mvouts, is exposed by design); and stores start before the last compute.
  const Program prog = GemminiAccelerator().map(layer, cfg);
  int64_t stride = 0, run = -1, longest = 0, computes = 0, total_computes = 0, first_mvout_at = -1;
  prog.for_each([&](const ConcreteInstruction& c) {
    if (c.opcode == gemmini::kComputePreloaded || c.opcode == gemmini::kComputeAccumulated) ++total_computes;
  });
  prog.for_each([&](const ConcreteInstruction& c) {
    if (c.opcode == gemmini::kConfigLd) stride = c.f[gemmini::kCfgStride];
    if (c.opcode == gemmini::kMvin && stride == 37 && run >= 0) longest = std::max(longest, ++run);
    if (c.opcode == gemmini::kComputePreloaded || c.opcode == gemmini::kComputeAccumulated) {
      ++computes;
      run = 0;
    }
    if (c.opcode == gemmini::kMvout) {
      if (first_mvout_at < 0) first_mvout_at = computes;
      run = -1;  // a tile's end
    }
  });
  CHECK(longest > 0);
  CHECK(longest <= p.ld_queue_depth);
  CHECK(first_mvout_at < total_computes);
}

namespace {

// A 40 x 24 x 192 GEMM (10 x 6 x 48 blocks of DIM 4) under `mapping: auto`: too much K for a resident
// B panel, so several equal k tiles per row tile (required), outputs = golden; and, within a row tile
// (between its first compute and its mvouts), the longest run of B mvins (config_ld stride N) between
// two computes and how many B mvins come among the computes at all.
struct KTileLoads {
  gemmini::AutoTiling t;
  int64_t longest = 0, among = 0;
};

KTileLoads k_tile_loads_of(const std::string& dataflow) {
  AccelConfig cfg = config(4, dataflow, 1, 1);
  cfg.params["mapping"] = ConfigValue{"auto", SourceLoc{cfg.file, 1, "mapping"}};
  const gemmini::Params p = gemmini::read_params(cfg);
  const Layer layer = gemm(40, 24, 192);
  KTileLoads r;
  r.t = gemmini::choose_auto_tiling(10, 6, 48, p, cfg.dram, 1, b_blocks(p));
  CAPTURE(dataflow, r.t.ti, r.t.tj, r.t.tk);
  REQUIRE(!r.t.resident);
  REQUIRE(48 % r.t.tk == 0);
  REQUIRE(48 / r.t.tk > 1);
  REQUIRE(r.t.tj > 1);
  check_matches_golden(layer, cfg);
  const Program prog = GemminiAccelerator().map(layer, cfg);
  int64_t stride = 0, run = -1;
  prog.for_each([&](const ConcreteInstruction& c) {
    if (c.opcode == gemmini::kConfigLd) stride = c.f[gemmini::kCfgStride];
    if (c.opcode == gemmini::kMvin && stride == 24 && run >= 0) {
      r.longest = std::max(r.longest, ++run);
      ++r.among;
    }
    if (c.opcode == gemmini::kComputePreloaded || c.opcode == gemmini::kComputeAccumulated) run = 0;
    if (c.opcode == gemmini::kMvout) run = -1;
  });
  return r;
}

}  // namespace

// A k tile's B mvins are spread one column per chain of the previous k tile's last row, never in one
// block of tj columns between two computes (the in-order decoder would hold the computes behind them).
TEST_CASE("mapping: auto (OS) loads the next k tile among the current k tile's computes", "[gemmini][mapper]") {
  const KTileLoads r = k_tile_loads_of("os");
  CHECK(r.among > 0);
  CHECK(r.longest <= r.t.tk);
}

// The B mvins of a k tile's first row come one per weight preload of the k tile before.
TEST_CASE("mapping: auto (WS) loads the next k tile's first column among the current k tile's last column",
          "[gemmini][mapper]") {
  const KTileLoads r = k_tile_loads_of("ws");
  CHECK(r.among > 0);
  CHECK(r.longest == 1);
}

TEST_CASE("mapping: auto loads the next row tile's first k tile among the current row tile's last k tile",
          "[gemmini][mapper]") {
  const std::string df = GENERATE(std::string("ws"), std::string("os"));
  CAPTURE(df);
  AccelConfig cfg = config(4, df, 1, 1);
  cfg.params["mapping"] = ConfigValue{"auto", SourceLoc{cfg.file, 1, "mapping"}};
  const gemmini::Params p = gemmini::read_params(cfg);
  // M of 2 .. 16 blocks, ragged or not: one row tile, a full tile and an edge tile, several full tiles.
  for (const int64_t m : {8, 13, 24, 37, 40, 61}) {
    CAPTURE(m);
    const Layer layer = gemm(m, 24, 192);
    const int64_t mb = (m + 3) / 4;
    const gemmini::AutoTiling t = gemmini::choose_auto_tiling(mb, 6, 48, p, cfg.dram, 1, b_blocks(p));
    CAPTURE(t.ti, t.tj, t.tk);
    REQUIRE(!t.resident);
    REQUIRE(48 % t.tk == 0);
    REQUIRE(48 / t.tk > 1);
    check_matches_golden(layer, cfg);
    // Loads that wait for a row tile's stores: mvins after a mvout with no compute between them.
    // Only a j tile's first row tile may wait (its loads follow the j tile before's stores).
    const int64_t mt = (mb + t.ti - 1) / t.ti, nt = (6 + t.tj - 1) / t.tj;
    const Program prog = GemminiAccelerator().map(layer, cfg);
    bool after_mvout = false;
    int64_t waiting_tiles = 0;
    prog.for_each([&](const ConcreteInstruction& c) {
      if (c.opcode == gemmini::kMvout) after_mvout = true;
      if (c.opcode == gemmini::kComputePreloaded || c.opcode == gemmini::kComputeAccumulated) after_mvout = false;
      if (c.opcode == gemmini::kMvin && after_mvout) {
        ++waiting_tiles;
        after_mvout = false;
      }
    });
    if (mt > 1) CHECK(waiting_tiles == nt - 1);
  }
}

TEST_CASE("mapping: auto loads B with multi-block mvins only when every K block is full",
          "[gemmini][mapper]") {
  const std::string df = GENERATE(std::string("ws"), std::string("os"));
  const int64_t sp_kib = GENERATE(1, 16);  // B tiles double-buffered / a resident B panel
  CAPTURE(df, sp_kib);
  AccelConfig divisor = config(4, df, sp_kib, 1);
  AccelConfig cfg = divisor;
  cfg.params["mapping"] = ConfigValue{"auto", SourceLoc{cfg.file, 1, "mapping"}};
  // B mvins (config_ld stride N): how many, how many multi-block, their DRAM rows (requests) and
  // the scratchpad rows they write; the widest mvin.
  struct Loads {
    int64_t b_mvins = 0, multi = 0, requests = 0, rows_written = 0, widest = 0;
  };
  auto loads = [](const Program& prog, int64_t n) {
    Loads l;
    int64_t stride = 0;
    prog.for_each([&](const ConcreteInstruction& c) {
      if (c.opcode == gemmini::kConfigLd) stride = c.f[gemmini::kCfgStride];
      if (c.opcode != gemmini::kMvin) return;
      const int64_t cols = c.f[gemmini::kInCols], rows = c.f[gemmini::kInRows];
      l.widest = std::max(l.widest, cols);
      if (stride != n) return;
      ++l.b_mvins;
      if (cols > 4) ++l.multi;
      l.requests += rows;
      l.rows_written += rows * ((cols + 3) / 4);
    });
    return l;
  };
  for (const int64_t n : {24, 37}) {
    CAPTURE(n);
    const Layer full = gemm(40, n, 192), ragged = gemm(40, n, 190);
    check_matches_golden(full, cfg);
    check_matches_golden(ragged, cfg);
    const Loads f = loads(GemminiAccelerator().map(full, cfg), n);
    CHECK(f.multi > 0);
    CHECK(f.widest <= 16);  // 4 DIM int8: the memory data width, dma_maxbytes 64
    // Several blocks per request: at least one request in two saved.
    CHECK(2 * f.requests <= f.rows_written);
    const Loads r = loads(GemminiAccelerator().map(ragged, cfg), n);
    CHECK(r.b_mvins > 0);
    CHECK(r.widest <= 4);
    CHECK(loads(GemminiAccelerator().map(full, divisor), n).widest <= 4);
  }
}

TEST_CASE("mapping: auto keeps a one-group layer's whole C as one tile when it needs more than half the accumulator",
          "[gemmini][mapper]") {
  const std::string df = GENERATE(std::string("ws"), std::string("os"));
  CAPTURE(df);
  // DIM 4, accumulator 1 KiB: 16 blocks, 8 per half. C of 3 x 4 blocks fits once, not twice; double-
  // buffered, 2 row tiles would each load all 100 x 4 B blocks.
  AccelConfig cfg = config(4, df, 16, 1);
  cfg.params["mapping"] = ConfigValue{"auto", SourceLoc{cfg.file, 1, "mapping"}};
  const gemmini::Params p = gemmini::read_params(cfg);
  const int64_t acc_blocks = p.acc_rows() / 4;
  const gemmini::AutoTiling t = gemmini::choose_auto_tiling(3, 4, 100, p, cfg.dram, 1, b_blocks(p));
  CAPTURE(t.ti, t.tj, t.tk);
  CHECK(t.ti == 3);
  CHECK(t.tj == 4);
  CHECK(2 * t.ti * t.tj > acc_blocks);
  check_matches_golden(gemm(12, 16, 400), cfg);
  check_matches_golden(gemm(10, 13, 397), cfg);  // ragged
  // Several groups: the next group's C would wait for this one's stores, so halves as before.
  const gemmini::AutoTiling tg = gemmini::choose_auto_tiling(3, 4, 100, p, cfg.dram, 2, b_blocks(p));
  CHECK(2 * tg.ti * tg.tj <= acc_blocks);
}

TEST_CASE("mapping: auto picks tiles that need not divide the blocks and fit the memories", "[gemmini][mapper]") {
  AccelConfig cfg = config(4, "ws", 1, 1);
  cfg.params["mapping"] = ConfigValue{"auto", SourceLoc{cfg.file, 1, "mapping"}};
  const gemmini::Params p = gemmini::read_params(cfg);
  // 11 row blocks (a prime): the divisor mapper can only use 1 or 11 row blocks per tile.
  const gemmini::AutoTiling t = gemmini::choose_auto_tiling(11, 3, 5, p, cfg.dram);
  REQUIRE(t.ti > 0);
  const int64_t sp_blocks = p.sp_rows() / 4, acc_blocks = p.acc_rows() / 4;
  CHECK(2 * t.ti * t.tj <= acc_blocks);
  if (t.resident) {
    CHECK(t.tk == 5);
    CHECK(2 * t.ti * t.tk + t.tk * t.tj <= sp_blocks);
  } else {
    CHECK(2 * (t.ti * t.tk + t.tk * t.tj) <= sp_blocks);
  }
  // With a 64-block accumulator the row tile grows past the divisors of 11 (1 and 11 only at
  // tj = 1). C tiles fit twice (double-buffered), or one tile is the whole C (one group) and fits once.
  AccelConfig big = config(4, "ws", 16, 4);
  const gemmini::AutoTiling tb = gemmini::choose_auto_tiling(11, 3, 5, gemmini::read_params(big), big.dram);
  CHECK(tb.ti >= 4);
  if (tb.ti == 11 && tb.tj == 3)
    CHECK(tb.ti * tb.tj <= 64);
  else
    CHECK(tb.ti * tb.tj * 2 <= 64);
  const gemmini::AutoTiling tg = gemmini::choose_auto_tiling(11, 3, 5, gemmini::read_params(big), big.dram, 2);
  CHECK(tg.ti >= 4);
  CHECK(tg.ti * tg.tj * 2 <= 64);
}

TEST_CASE("the gemmini memory port is the DRAM's and the DMA's limits in series", "[gemmini][mapper]") {
  AccelConfig cfg = config(4, "ws", 16, 4);
  cfg.params["max_in_flight_mem_reqs"].text = "3";
  cfg.params["dma_buswidth"].text = "64";
  DramConfig dram;
  dram.latency = 40;
  dram.bytes_per_cycle = 16;
  dram.max_outstanding = 8;
  const DramConfig port = gemmini::memory_port(gemmini::read_params(cfg), dram);
  CHECK(port.latency == 40);
  CHECK(port.max_outstanding == 3);
  CHECK(port.bytes_per_cycle == 8);
  dram.max_outstanding = 2;
  dram.bytes_per_cycle = 4;
  const DramConfig narrow = gemmini::memory_port(gemmini::read_params(cfg), dram);
  CHECK(narrow.max_outstanding == 2);
  CHECK(narrow.bytes_per_cycle == 4);
}

TEST_CASE("every tiny.yaml layer maps onto gemmini or is reported unsupported", "[gemmini][mapper]") {
  const Workload w = load_workload(std::string(ACV_SOURCE_DIR) + "/models/workloads/tiny.yaml");
  GemminiAccelerator accel;
  for (const char* name : {"gemmini-4x4-ws", "gemmini-8x8-os"}) {
    const AccelConfig cfg = load_accel_config(kConfigDir + name + ".yaml");
    for (const Layer& l : w.layers) {
      CAPTURE(name, l.name);
      if (l.is_pool())
        CHECK_THROWS_AS(accel.map(l, cfg), UnsupportedLayer);
      else
        check_matches_golden(l, cfg);
    }
  }
}

TEST_CASE("ResNet-18 layers map onto the default 16x16 gemmini configs within the memories",
          "[gemmini][mapper]") {
  const Workload w = load_workload(std::string(ACV_SOURCE_DIR) + "/models/workloads/Resnet18.csv");
  GemminiAccelerator accel;
  for (const char* name : {"gemmini-16x16-ws", "gemmini-16x16-os", "gemmini-16x16-ws-auto", "gemmini-16x16-os-auto"}) {
    const AccelConfig cfg = load_accel_config(kConfigDir + name + ".yaml");
    for (const Layer& l : w.layers) {
      CAPTURE(name, l.name);
      const Program p = accel.map(l, cfg);
      CHECK(p.instruction_count() > 0);
    }
  }
}

TEST_CASE("layers that do not fit gemmini are mapping errors naming the layer and the memory",
          "[gemmini][mapper]") {
  GemminiAccelerator accel;
  AccelConfig cfg = config(4, "ws", 16, 4);
  cfg.params["dram_bytes"].text = "1024";
  CHECK_THROWS_WITH(accel.map(gemm(64, 64, 64), cfg),
                    Catch::Contains("layer 'g'") && Catch::Contains("dram_bytes"));
  Layer pool = conv(4, 8, 8, 4, 2, 2, 0, 1);
  pool.kind = LayerKind::MaxPool;
  CHECK_THROWS_AS(accel.map(pool, config(4, "ws", 16, 4)), UnsupportedLayer);
}

TEST_CASE("a bad gemmini config names the file, line and parameter", "[gemmini][mapper]") {
  GemminiAccelerator accel;
  CHECK_THROWS_WITH(accel.check_config(config(4, "rs", 16, 4)),
                    Catch::Contains("test-config.yaml:1: dataflow"));
  CHECK_THROWS_WITH(accel.check_config(config(3, "ws", 16, 4)), Catch::Contains("sp_capacity_kib"));
  AccelConfig cfg = config(4, "ws", 16, 4);
  cfg.params["acc_banks"].text = "3";
  CHECK_THROWS_WITH(accel.check_config(cfg), Catch::Contains("acc_banks"));
  cfg = config(4, "ws", 16, 4);
  cfg.params["sp_banks"].text = "3";
  CHECK_THROWS_WITH(accel.check_config(cfg), Catch::Contains("sp_banks"));
  cfg = config(4, "ws", 16, 4);
  cfg.params["dma_buswidth"].text = "100";
  CHECK_THROWS_WITH(accel.check_config(cfg), Catch::Contains("test-config.yaml:1: dma_buswidth"));
  cfg = config(4, "ws", 16, 4);
  cfg.params["dma_maxbytes"].text = "8";  // an accumulator row of DIM 4 is 16 bytes
  CHECK_THROWS_WITH(accel.check_config(cfg), Catch::Contains("dma_maxbytes"));
  cfg = config(4, "ws", 16, 4);
  cfg.params["max_in_flight_mem_reqs"].text = "0";
  CHECK_THROWS_WITH(accel.check_config(cfg), Catch::Contains("max_in_flight_mem_reqs"));
  cfg = config(4, "ws", 16, 4);
  cfg.params["mapping"] = ConfigValue{"greedy", SourceLoc{cfg.file, 1, "mapping"}};
  CHECK_THROWS_WITH(accel.check_config(cfg), Catch::Contains("mapping"));
  cfg = config(4, "ws", 16, 4);
  cfg.params.erase("dma_buswidth");
  CHECK_THROWS_WITH(accel.check_config(cfg), Catch::Contains("dma_buswidth"));
  cfg = config(4, "ws", 16, 4);
  cfg.params["mesh"] = ConfigValue{"x", SourceLoc{cfg.file, 9, "mesh"}};
  CHECK_THROWS_WITH(accel.check_config(cfg), Catch::Contains("test-config.yaml:9: mesh"));
}

TEST_CASE("the gemmini functional model rejects Programs that break the ISA", "[gemmini][iss]") {
  const AccelConfig cfg = config(4, "ws", 16, 4);
  auto run = [&](std::vector<Statement> body) {
    Program p;
    p.isa = gemmini::isa();
    p.top.trips = 1;
    p.top.body = std::move(body);
    std::vector<uint8_t> dram(4096, 0);
    gemmini::run_functional(p, cfg, dram);
  };
  auto op = [](gemmini::Opcode o, std::vector<Expr> f) { return make_instruction(o, std::move(f)); };
  using namespace gemmini;
  CHECK_THROWS_WITH(run({op(kPreload, {0, 4, 0, 4, 0}), op(kComputePreloaded, {0, 0, 4})}),
                    Catch::Contains("before config_ex"));
  CHECK_THROWS_WITH(run({op(kConfigEx, {kWs, 0, 0}), op(kComputePreloaded, {0, 0, 4})}),
                    Catch::Contains("without a preload"));
  CHECK_THROWS_WITH(run({op(kMvin, {0, 0, 0, 5, 4})}), Catch::Contains("rows must be in 1..DIM"));
  CHECK_THROWS_WITH(run({op(kMvin, {0, 4094, 0, 4, 4})}), Catch::Contains("scratchpad rows"));
  CHECK_THROWS_WITH(run({op(kMvout, {4090, 0, 1, 1, 4, 4})}), Catch::Contains("out of range"));
  CHECK_THROWS_WITH(
      run({op(kConfigEx, {kOs, 0, 0}), op(kPreload, {0, 4, 0, 4, 0}), op(kComputePreloaded, {0, 4, 4})}),
      Catch::Contains("b_rows = 0"));
  CHECK_NOTHROW(run({op(kConfigEx, {kWs, 0, 0}), op(kMvin, {0, 0, 0, 4, 4}), op(kPreload, {0, 4, 0, 4, 0}),
                     op(kComputePreloaded, {0, 0, 4}), op(kMvout, {64, 0, 1, 1, 4, 4}), op(kFlush, {})}));
}

TEST_CASE("gemmini mvout requantises with relu, rounding shift and int8 saturation", "[gemmini][iss]") {
  const AccelConfig cfg = config(4, "ws", 16, 4);
  using namespace gemmini;
  auto op = [](Opcode o, std::vector<Expr> f) { return make_instruction(o, std::move(f)); };
  Program p;
  p.isa = isa();
  p.top.trips = 1;
  // mvin one accumulator row of int32 {-300, 5, 6, 1000}, mvout it requantised with shift 1 and relu.
  p.top.body = {op(kConfigEx, {kWs, 1, 1}),
                op(kConfigLd, {16}),
                op(kConfigSt, {4}),
                op(kMvin, {0, 3, 1, 1, 4}),
                op(kMvout, {100, 3, 1, 0, 1, 4}),
                op(kMvout, {200, 3, 1, 1, 1, 4})};
  std::vector<uint8_t> dram(512, 0);
  const int32_t row[4] = {-300, 5, 6, 1000};
  std::memcpy(dram.data(), row, 16);
  run_functional(p, cfg, dram);
  CHECK(static_cast<int8_t>(dram[100]) == 0);    // relu
  CHECK(static_cast<int8_t>(dram[101]) == 3);    // (5 + 1) >> 1
  CHECK(static_cast<int8_t>(dram[102]) == 3);    // (6 + 1) >> 1
  CHECK(static_cast<int8_t>(dram[103]) == 127);  // 500 saturates
  int32_t full[4];
  std::memcpy(full, dram.data() + 200, 16);
  CHECK(full[0] == -300);
  CHECK(full[3] == 1000);
}
