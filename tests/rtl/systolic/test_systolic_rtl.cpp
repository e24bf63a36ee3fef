// The systolic RTL on hand-built Programs: GEMMs with ragged shapes and K-tiling in both
// dataflows on every built size, documented instruction timing, and the driver's errors.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>

#include "models/common/error.h"
#include "models/common/program.h"
#include "models/systolic/systolic_accelerator.h"
#include "rtl/common/rtl_driver.h"
#include "tests/models/systolic/a_off_program.h"
#include "tests/models/systolic/rep_load_program.h"
#include "systolic_test_util.h"

using namespace acv;
using acv::test::built_sizes;
using acv::test::systolic_config;

namespace {

Program flat(std::vector<Statement> body, uint64_t dram_bytes) {
  Program p;
  p.isa = systolic::isa();
  p.layer_name = "hand-built";
  p.top.name = "top";
  p.top.body = std::move(body);
  p.dram_bytes = dram_bytes;
  return p;
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// A GEMM laid out in external memory (A, B int8; C int32) and run with chosen tile sizes, so
// that K-tiling and ragged tiles appear on small shapes. Independent of the systolic mapper.
struct GemmRun {
  int64_t m, k, n;
  int64_t tk;  // OS: K per compute (<= buffer depth); WS: K per weight tile (<= rows)
  int64_t tm;  // WS: M per compute (<= buffer depths); OS: ignored (rows)
  std::vector<int8_t> a, b;
  uint64_t a_base = 0, b_base = 0, c_base = 0, end = 0;

  GemmRun(int64_t m_, int64_t k_, int64_t n_, int64_t tk_, int64_t tm_, uint32_t seed)
      : m(m_), k(k_), n(n_), tk(tk_), tm(tm_) {
    std::mt19937 rng(seed);
    for (int64_t i = 0; i < m * k; ++i) a.push_back(static_cast<int8_t>(static_cast<int>(rng() % 256) - 128));
    for (int64_t i = 0; i < k * n; ++i) b.push_back(static_cast<int8_t>(static_cast<int>(rng() % 256) - 128));
    b_base = static_cast<uint64_t>(m * k + 64);
    c_base = b_base + static_cast<uint64_t>(k * n + 64);
    end = c_base + static_cast<uint64_t>(m * n * 4 + 64);
  }

  std::vector<uint8_t> image(bool ws) const {
    std::vector<uint8_t> d(end, 0xa5);  // C region poisoned: every output must be written
    for (int64_t i = 0; i < m; ++i)
      for (int64_t x = 0; x < k; ++x)
        d[a_base + (ws ? i * k + x : x * m + i)] = static_cast<uint8_t>(a[i * k + x]);
    std::memcpy(d.data() + b_base, b.data(), b.size());
    return d;
  }

  std::vector<int32_t> output(const std::vector<uint8_t>& d) const {
    std::vector<int32_t> c(static_cast<size_t>(m * n));
    std::memcpy(c.data(), d.data() + c_base, c.size() * 4);
    return c;
  }

  Program program(int64_t rows, int64_t cols, bool ws) const {
    using namespace systolic;
    const int64_t t_m = ws ? tm : rows, t_n = cols, t_k = tk;
    const int64_t nm = ceil_div(m, t_m), nn = ceil_div(n, t_n), nk = ceil_div(k, t_k);
    const Expr mt = idx(1), nt = idx(2), kt = idx(3);
    const Expr in_half = (mt * (nn * nk) + nt * nk + kt) % 2;
    const Expr out_half = (mt * nn + nt) % 2;
    const Expr k_len = min(Expr(k) - kt * t_k, t_k);
    const Expr m_len = min(Expr(m) - mt * t_m, t_m);
    const Expr n_len = min(Expr(n) - nt * t_n, t_n);
    const int64_t ab = static_cast<int64_t>(a_base), bb = static_cast<int64_t>(b_base),
                  cb = static_cast<int64_t>(c_base);
    const Statement load_a =
        ws ? make_instruction(kDmaLoad,
                              {kIbuf, in_half, Expr(ab) + mt * (t_m * k) + kt * t_k, m_len, k_len, k, 1, 0})
           : make_instruction(kDmaLoad,
                              {kIbuf, in_half, Expr(ab) + kt * (t_k * m) + mt * t_m, k_len, m_len, m, 1, 0});
    const Statement load_b =
        make_instruction(kDmaLoad, {kWbuf, in_half, Expr(bb) + kt * (t_k * n) + nt * t_n, k_len, n_len, n, 1, 0});
    const Expr first = clamp(Expr(1) - kt, 0, 1);
    const Expr last = clamp(kt - (nk - 2), 0, 1);
    const Statement compute = make_instruction(
        kCompute, {in_half, in_half, out_half, k_len, ws ? m_len : Expr(rows), first, last, 1, 1, 0, 0});
    const Statement store = make_instruction(
        kDmaStore, {out_half, Expr(cb) + mt * (t_m * n * 4) + nt * (t_n * 4), m_len, n_len, n * 4});
    return flat(
        {make_loop("m", nm, {make_loop("n", nn, {make_loop("k", nk, {load_a, load_b, compute}), store})})},
        end);
  }
};

SimulationOutput run(const Program& p, const AccelConfig& c, std::vector<uint8_t> dram,
                     int64_t max_cycles = 0) {
  RtlRunOptions options;
  options.max_cycles = max_cycles;
  return RtlDriverRegistry::create("systolic")->run(p, c, std::move(dram), options);
}

}  // namespace

TEST_CASE("systolic RTL computes ragged GEMMs with K-tiling in both dataflows on every built size",
          "[rtl][systolic]") {
  const int64_t size = GENERATE(from_range(built_sizes()));
  const std::string dataflow = GENERATE(as<std::string>{}, "os", "ws");
  const bool ws = dataflow == "ws";
  struct Shape {
    int64_t m, k, n, tk_os, tm_ws;
  };
  // (tk for OS is a K tile; for WS the K tile is min(rows, tk_os)).
  const Shape shape = GENERATE(Shape{13, 19, 7, 5, 6}, Shape{1, 1, 1, 1, 1}, Shape{37, 41, 29, 256, 256},
                               Shape{20, 33, 17, 8, 7});
  CAPTURE(size, dataflow, shape.m, shape.k, shape.n);
  const int64_t tk = ws ? std::min(size, shape.tk_os) : shape.tk_os;
  const GemmRun g(shape.m, shape.k, shape.n, tk, shape.tm_ws, static_cast<uint32_t>(size * 100 + shape.m));
  const AccelConfig config = systolic_config(size, dataflow);
  const SimulationOutput out = run(g.program(size, size, ws), config, g.image(ws));
  CHECK(g.output(out.dram) == acv::test::naive_gemm(g.a, g.b, g.m, g.k, g.n));
  CHECK(out.cycles > 0);
  CHECK(out.counters.at("compute.busy") > 0);
  CHECK(out.counters.at("load.busy") > 0);
  CHECK(out.counters.at("store.busy") > 0);
}

TEST_CASE("systolic RTL computes ragged GEMMs with DMA bursts, partial first bursts included", "[rtl][systolic]") {
  const int64_t size = built_sizes().front();
  const std::string dataflow = GENERATE(as<std::string>{}, "os", "ws");
  const int64_t burst = GENERATE(2, 4, 8);
  const int64_t outstanding = GENERATE(1, 64);
  const bool ws = dataflow == "ws";
  CAPTURE(size, dataflow, burst, outstanding);
  // Row counts 13, 7, 19, 5, 6 and 3 are no multiples of the burst: every command has a short first burst.
  const GemmRun g(13, 19, 7, ws ? std::min<int64_t>(size, 5) : 5, 6, static_cast<uint32_t>(burst));
  AccelConfig config = systolic_config(size, dataflow, 256, 4, burst);
  config.dram.max_outstanding = outstanding;
  const SimulationOutput out = run(g.program(size, size, ws), config, g.image(ws));
  CHECK(g.output(out.dram) == acv::test::naive_gemm(g.a, g.b, g.m, g.k, g.n));
}

TEST_CASE("systolic RTL is correct under a slow, narrow external memory", "[rtl][systolic]") {
  const int64_t size = built_sizes().front();
  const std::string dataflow = GENERATE(as<std::string>{}, "os", "ws");
  const bool ws = dataflow == "ws";
  const GemmRun g(11, 23, 9, ws ? size : 6, 5, 7);
  AccelConfig config = systolic_config(size, dataflow);
  config.dram.latency = 7;
  config.dram.bytes_per_cycle = 3;
  config.dram.max_outstanding = 1;
  const SimulationOutput out = run(g.program(size, size, ws), config, g.image(ws));
  CHECK(g.output(out.dram) == acv::test::naive_gemm(g.a, g.b, g.m, g.k, g.n));
}

TEST_CASE("systolic RTL instruction timing matches rtl/systolic/README.md", "[rtl][systolic]") {
  using namespace systolic;
  const int64_t n = built_sizes().front();
  AccelConfig config = systolic_config(n, "os");

  SECTION("a one-row dma_load: dispatch 1, start 1, then the DRAM latency and transfer") {
    const Program p = flat({make_instruction(kDmaLoad, {kIbuf, 0, 0, 1, n, n, 1, 0})}, 4096);
    const SimulationOutput out = run(p, config, std::vector<uint8_t>(4096));
    CHECK(out.cycles == 1 + 1 + config.dram.latency + 1 + 1);
    CHECK(out.counters.at("load.busy") == 1 + 1 + config.dram.latency + 1);
  }
  SECTION("back-to-back dma_loads overlap: the second's request goes out before the first's response") {
    // The first starts in cycle 1 and requests in cycle 2; the second starts the cycle after that
    // accept and requests in cycle 4, while the first's response is still 39 cycles away. Both
    // complete in order, the second in cycle 4 + latency + 1 (the unit that ran one command at a
    // time requested it only after the first's response: 2 * (latency + 3) + 1 cycles in all).
    const Program p = flat({make_instruction(kDmaLoad, {kIbuf, 0, 0, 1, n, n, 1, 0}),
                            make_instruction(kDmaLoad, {kIbuf, 1, 64, 1, n, n, 1, 0})},
                           4096);
    const SimulationOutput out = run(p, config, std::vector<uint8_t>(4096));
    CHECK(out.cycles == 4 + config.dram.latency + 1 + 1);
    CHECK(out.counters.at("load.busy") == 4 + config.dram.latency + 1);
    CHECK(out.counters.at("load.stall.compute") == 0);
    CHECK(out.counters.at("dram.reads") == 2);
  }
  SECTION("a dma_load into a half an earlier load still fills waits until it is filled and released") {
    // Load 3 targets IBUF half 0 while load 1 fills it: it starts only after the compute released
    // the half, so the compute reads load 1's entry (A = 1 x 1 of 2, B = 3: C = 6), and the second
    // compute load 3's (A = 5: C = 15).
    const int64_t k = 1;
    std::vector<uint8_t> dram(4096, 0);
    dram[0] = 2;
    dram[64] = 3;
    dram[128] = 5;
    dram[192] = 3;
    const Program p = flat({make_instruction(kDmaLoad, {kIbuf, 0, 0, k, 1, n, 1, 0}),
                            make_instruction(kDmaLoad, {kWbuf, 0, 64, k, 1, n, 1, 0}),
                            make_instruction(kDmaLoad, {kIbuf, 0, 128, k, 1, n, 1, 0}),
                            make_instruction(kDmaLoad, {kWbuf, 0, 192, k, 1, n, 1, 0}),
                            make_instruction(kCompute, {0, 0, 0, k, n, 1, 1, 1, 1, 0, 0}),
                            make_instruction(kDmaStore, {0, 1024, 1, 1, 4}),
                            make_instruction(kCompute, {0, 0, 1, k, n, 1, 1, 1, 1, 0, 0}),
                            make_instruction(kDmaStore, {1, 2048, 1, 1, 4})},
                           4096);
    const SimulationOutput out = run(p, config, dram);
    int32_t c0 = 0, c1 = 0;
    std::memcpy(&c0, out.dram.data() + 1024, 4);
    std::memcpy(&c1, out.dram.data() + 2048, 4);
    CHECK(c0 == 6);
    CHECK(c1 == 15);
    CHECK(out.counters.at("load.stall.compute") > 0);
  }
  SECTION("a 6-row dma_load in bursts of 4: requests of 2 and 4 entries, 4 beats each, then 3 more writes") {
    config = systolic_config(n, "os", 256, 4, 4);
    const Program p = flat({make_instruction(kDmaLoad, {kIbuf, 0, 0, 6, n, n, 1, 0})}, 4096);
    const SimulationOutput out = run(p, config, std::vector<uint8_t>(4096));
    const int64_t transfer = std::max<int64_t>(4, ceil_div(4 * n, config.dram.bytes_per_cycle));
    // Requests in cycles 2 and 3; the second completes `transfer` after the first, its last entry
    // is written 3 cycles after that, and the accelerator is idle the cycle after.
    const int64_t last_response = 2 + config.dram.latency + 2 * transfer;
    CHECK(out.counters.at("dram.reads") == 2);
    CHECK(out.counters.at("load.busy") == last_response + 3);
    CHECK(out.cycles == last_response + 4);
  }
  SECTION("a two-rep dma_load sends its reps back to back: requests in cycles 2 and 3, done with the second") {
    // One command of 2 reps x 1 row: no idle request cycle between reps (two loads take one more).
    const Program p = flat({make_instruction(kDmaLoad, {kIbuf, 0, 0, 1, n, n, 2, 64})}, 4096);
    const SimulationOutput out = run(p, config, std::vector<uint8_t>(4096));
    CHECK(out.counters.at("dram.reads") == 2);
    CHECK(out.cycles == config.dram.latency + 5);
    CHECK(out.counters.at("load.busy") == config.dram.latency + 4);
  }
  SECTION("a 2 x 6-row dma_load in bursts of 4: each rep's first burst carries its remainder") {
    config = systolic_config(n, "os", 256, 4, 4);
    const Program p = flat({make_instruction(kDmaLoad, {kIbuf, 0, 0, 6, n, n, 2, 512})}, 4096);
    const SimulationOutput out = run(p, config, std::vector<uint8_t>(4096));
    const int64_t transfer = std::max<int64_t>(4, ceil_div(4 * n, config.dram.bytes_per_cycle));
    // Requests of 2, 4, 2 and 4 entries in cycles 2 to 5, responses `transfer` apart; the last
    // burst's 3 more writes, then idle.
    const int64_t last_response = 2 + config.dram.latency + 4 * transfer;
    CHECK(out.counters.at("dram.reads") == 4);
    CHECK(out.counters.at("load.busy") == last_response + 3);
    CHECK(out.cycles == last_response + 4);
  }
  const int64_t k_len = 9, m_len = 5;
  SECTION("an OS compute with last = 1 is busy k_len + cols + rows cycles") {
    const Program p = flat({make_instruction(kDmaLoad, {kIbuf, 0, 0, k_len, n, n, 1, 0}),
                            make_instruction(kDmaLoad, {kWbuf, 0, 0, k_len, n, n, 1, 0}),
                            make_instruction(kCompute, {0, 0, 0, k_len, n, 1, 1, 1, 1, 0, 0}),
                            make_instruction(kDmaStore, {0, 1024, n, n, 4 * n})},
                           4096);
    const SimulationOutput out = run(p, config, std::vector<uint8_t>(4096));
    CHECK(out.counters.at("compute.busy") == k_len + n + n);
  }
  SECTION("a WS compute is busy m_len + rows + cols + 1 cycles") {
    config = systolic_config(n, "ws");
    const Program p = flat({make_instruction(kDmaLoad, {kIbuf, 0, 0, m_len, n, n, 1, 0}),
                            make_instruction(kDmaLoad, {kWbuf, 0, 0, n, n, n, 1, 0}),
                            make_instruction(kCompute, {0, 0, 0, n, m_len, 1, 1, 1, 1, 0, 0}),
                            make_instruction(kDmaStore, {0, 1024, m_len, n, 4 * n})},
                           4096);
    const SimulationOutput out = run(p, config, std::vector<uint8_t>(4096));
    CHECK(out.counters.at("compute.busy") == m_len + n + n + 1);
  }
  SECTION("back-to-back WS folds of one output tile stream: a non-last fold is busy max(m_len, rows - 1) + 1") {
    // The second fold's weights preload into the other bank while the first fold's inputs stream,
    // and the first fold's sums reach OBUF while the second runs: no fill / drain between them
    // (the RTL before double-buffered weights took m_len + rows + cols + 1 for each).
    config = systolic_config(n, "ws");
    for (const int64_t m : {int64_t{2}, int64_t{3 * n}}) {
      const Program p = flat({make_instruction(kDmaLoad, {kIbuf, 0, 0, m, n, n, 1, 0}),
                              make_instruction(kDmaLoad, {kWbuf, 0, 0, 2 * n, n, n, 1, 0}),
                              make_instruction(kCompute, {0, 0, 0, n, m, 1, 0, 0, 0, 0, 0}),
                              make_instruction(kCompute, {0, 0, 0, n, m, 0, 1, 1, 1, n, 0}),
                              make_instruction(kDmaStore, {0, 1024, m, n, 4 * n})},
                             4096);
      const SimulationOutput out = run(p, config, std::vector<uint8_t>(4096));
      CHECK(out.counters.at("compute.busy") == (std::max(m, n - 1) + 1) + (m + n + n + 1));
    }
  }
}

TEST_CASE("a WS compute streams its A tile from IBUF entry a_off: the golden GEMM, the timing of a_off = 0",
          "[rtl][systolic]") {
  const int64_t n = built_sizes().front(), m = 5;
  const std::vector<uint8_t> dram = test::a_off_dram(n, m);
  const AccelConfig config = systolic_config(n, "ws");
  const SimulationOutput out = run(test::a_off_program(n, m, m), config, dram);
  CHECK(test::a_off_mismatches(dram, out.dram, n, m) == 0);
  CHECK(out.cycles == run(test::a_off_program(n, m, 0), config, dram).cycles);
}

TEST_CASE("a two-level dma_load fills an IBUF half rep by rep: the golden GEMM through a_off and b_off",
          "[rtl][systolic]") {
  const int64_t n = built_sizes().front(), m = 5;
  const std::vector<uint8_t> dram = test::rep_load_dram(n, m);
  for (const int64_t burst : {1, 4}) {
    CAPTURE(burst);
    const SimulationOutput out = run(test::rep_load_program(n, m), systolic_config(n, "ws", 256, 4, burst), dram);
    CHECK(test::rep_load_mismatches(dram, out.dram, n, m) == 0);
  }
}

TEST_CASE("a Program that deadlocks hits the cycle limit with a BackendError", "[rtl][systolic]") {
  using namespace systolic;
  const int64_t n = built_sizes().front();
  // The compute waits for IBUF half 1, which nothing loads.
  const Program p = flat(
      {make_instruction(kDmaLoad, {kIbuf, 0, 0, 1, n, n, 1, 0}), make_instruction(kDmaLoad, {kWbuf, 0, 0, 1, n, n, 1, 0}),
       make_instruction(kCompute, {1, 0, 0, 1, n, 1, 1, 1, 1, 0, 0})},
      4096);
  CHECK_THROWS_WITH(run(p, systolic_config(n, "os"), std::vector<uint8_t>(4096), 3000),
                    Catch::Contains("did not finish within 3000 cycles"));
  CHECK_THROWS_AS(run(p, systolic_config(n, "os"), std::vector<uint8_t>(4096)),
                  BackendError);  // default bound
}

TEST_CASE("the systolic driver rejects configs whose size, deeper buffers or queue depth were not built",
          "[rtl][systolic]") {
  const Program p = flat({}, 64);
  CHECK_THROWS_AS(run(p, systolic_config(12, "os"), std::vector<uint8_t>(64)), InputError);
  CHECK_THROWS_WITH(
      run(p, systolic_config(12, "os"), std::vector<uint8_t>(64)),
      Catch::Contains("test-systolic.yaml") && Catch::Contains("rows") && Catch::Contains("built: "));
  const int64_t n = built_sizes().front();
  // Buffers deeper than built do not fit; shallower ones run on the same model (capacity only).
  CHECK_THROWS_WITH(run(p, systolic_config(n, "os", 8192), std::vector<uint8_t>(64)),
                    Catch::Contains("ibuf_depth") && Catch::Contains("8192") && Catch::Contains("4096"));
  CHECK(run(p, systolic_config(n, "os", 128), std::vector<uint8_t>(64)).cycles == 0);
  CHECK_THROWS_WITH(run(p, systolic_config(n, "os", 256, 2), std::vector<uint8_t>(64)),
                    Catch::Contains("queue_depth"));
  CHECK(run(p, systolic_config(n, "os"), std::vector<uint8_t>(64)).cycles == 0);
}

TEST_CASE("the systolic driver rejects instructions outside the hardware's ranges", "[rtl][systolic]") {
  using namespace systolic;
  const int64_t n = built_sizes().front();
  const Program too_wide = flat({make_instruction(kDmaLoad, {kIbuf, 0, 0, 1, n + 1, n, 1, 0})}, 4096);
  CHECK_THROWS_WITH(run(too_wide, systolic_config(n, "os"), std::vector<uint8_t>(4096)),
                    Catch::Contains("instruction 0 (dma_load") && Catch::Contains("bytes"));
  const Program ws_k = flat({make_instruction(kCompute, {0, 0, 0, n + 1, 1, 1, 1, 1, 1, 0, 0})}, 4096);
  CHECK_THROWS_WITH(run(ws_k, systolic_config(n, "ws"), std::vector<uint8_t>(4096)),
                    Catch::Contains("k_len"));
  // WS reads IBUF entries a_off .. a_off + m_len - 1: they must lie in the half (256 entries).
  const Program past_half = flat({make_instruction(kCompute, {0, 0, 0, n, 8, 1, 1, 1, 1, 0, 249})}, 4096);
  CHECK_THROWS_WITH(run(past_half, systolic_config(n, "ws"), std::vector<uint8_t>(4096)),
                    Catch::Contains("instruction 0 (compute") && Catch::Contains("a_off"));
  // The last fitting offset passes the check (and then waits for loads nothing issues).
  CHECK_THROWS_WITH(run(flat({make_instruction(kCompute, {0, 0, 0, n, 8, 1, 1, 1, 1, 0, 248})}, 4096),
                        systolic_config(n, "ws"), std::vector<uint8_t>(4096), 200),
                    Catch::Contains("did not finish"));
  // OS feeds entry 0 on: a_off must be 0.
  const Program os_off = flat({make_instruction(kCompute, {0, 0, 0, 1, n, 1, 1, 1, 1, 0, 1})}, 4096);
  CHECK_THROWS_WITH(run(os_off, systolic_config(n, "os"), std::vector<uint8_t>(4096)), Catch::Contains("a_off"));
  // reps x rows entries must fit the half (256 entries).
  const Program too_many = flat({make_instruction(kDmaLoad, {kIbuf, 0, 0, 100, n, n, 3, 0})}, 4096);
  CHECK_THROWS_WITH(run(too_many, systolic_config(n, "os"), std::vector<uint8_t>(4096)),
                    Catch::Contains("instruction 0 (dma_load") && Catch::Contains("reps"));
  const Program outside = flat({make_instruction(kDmaLoad, {kIbuf, 0, 4090, 2, n, n, 1, 0})}, 4096);
  CHECK_THROWS_WITH(run(outside, systolic_config(n, "os"), std::vector<uint8_t>(4096)),
                    Catch::Contains("address"));
}

TEST_CASE("the systolic driver writes an FST waveform only when asked", "[rtl][systolic]") {
  using namespace systolic;
  const int64_t n = built_sizes().front();
  const Program p = flat({make_instruction(kDmaLoad, {kIbuf, 0, 0, 2, n, n, 1, 0})}, 4096);
  const std::string path = "systolic_trace_test.fst";
  std::remove(path.c_str());
  RtlRunOptions options;
  options.trace_file = path;
  const SimulationOutput traced = RtlDriverRegistry::create("systolic")
                                      ->run(p, systolic_config(n, "os"), std::vector<uint8_t>(4096), options);
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  REQUIRE(file.good());
  CHECK(file.tellg() > 100);
  CHECK(traced.cycles == run(p, systolic_config(n, "os"), std::vector<uint8_t>(4096)).cycles);
  std::remove(path.c_str());
}
