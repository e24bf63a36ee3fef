// The systolic mapper: tiling within the buffers, clear errors, and Programs that compute the
// golden reference on the functional instruction-set model.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cstring>

#include "models/common/golden.h"
#include "models/common/workload_reader.h"
#include "models/systolic/systolic_accelerator.h"
#include "models/systolic/systolic_iss.h"
#include "models/systolic/systolic_operands.h"
#include "tests/models/systolic/a_off_program.h"
#include "tests/models/systolic/rep_load_program.h"
#include "tests/models/test_layers.h"

using namespace acv;

namespace {

AccelConfig config(int64_t n, const std::string& dataflow, int64_t depth = 256,
                   const std::string& mapping = "per_tile") {
  AccelConfig c;
  c.file = "test-config.yaml";
  c.accelerator = "systolic";
  auto set = [&](const std::string& k, const std::string& v) {
    c.params[k] = ConfigValue{v, SourceLoc{c.file, 1, k}};
  };
  set("rows", std::to_string(n));
  set("cols", std::to_string(n));
  set("dataflow", dataflow);
  set("ibuf_depth", std::to_string(depth));
  set("wbuf_depth", std::to_string(depth));
  set("obuf_depth", std::to_string(depth));
  set("queue_depth", "4");
  set("dram_bytes", "268435456");
  set("mapping", mapping);
  return c;
}

using test::conv;
using test::gemm;

void check_matches_golden(const Layer& layer, const AccelConfig& cfg) {
  test::check_functional_golden(SystolicAccelerator(), systolic::run_functional, layer, cfg);
}

}  // namespace

TEST_CASE("mapped gemm, conv and depthwise layers compute the golden reference, ragged shapes included",
          "[systolic][mapper]") {
  const int64_t n = GENERATE(4, 8);
  const std::string df = GENERATE(std::string("os"), std::string("ws"));
  const int64_t depth = GENERATE(int64_t{256}, int64_t{5});  // 5 forces K and M tiling
  CAPTURE(n, df, depth);
  const AccelConfig cfg = config(n, df, std::max(depth, n));  // OS drains and WS weight tiles need >= n
  check_matches_golden(gemm(13, 7, 19), cfg);
  check_matches_golden(gemm(1, 1, 1), cfg);
  check_matches_golden(gemm(17, 33, 9), cfg);
  check_matches_golden(conv(3, 9, 9, 5, 3, 2, 1, 1), cfg);
  check_matches_golden(conv(6, 7, 7, 6, 3, 1, 1, 6), cfg);  // depthwise
  check_matches_golden(conv(4, 6, 6, 6, 3, 1, 0, 2), cfg);  // grouped
}

TEST_CASE("every shipped tiny workload layer maps or is reported unsupported", "[systolic][mapper]") {
  const Workload w = load_workload(std::string(ACV_WORKLOADS_DIR) + "/tiny.yaml");
  SystolicAccelerator accel;
  for (const std::string df : {"os", "ws"}) {
    for (const Layer& l : w.layers) {
      CAPTURE(l.name, df);
      if (l.is_pool()) {
        CHECK_THROWS_AS(accel.map(l, config(4, df)), UnsupportedLayer);
      } else {
        check_matches_golden(l, config(4, df));
      }
    }
  }
}

TEST_CASE("a layer larger than external memory is a mapping error naming the layer", "[systolic][mapper]") {
  AccelConfig cfg = config(4, "os");
  cfg.params["dram_bytes"].text = "1024";
  SystolicAccelerator accel;
  try {
    accel.map(gemm(64, 64, 64), cfg);
    FAIL("no error");
  } catch (const MappingError& e) {
    CHECK(std::string(e.what()).find("layer 'g'") != std::string::npos);
    CHECK(std::string(e.what()).find("dram_bytes") != std::string::npos);
  }
}

TEST_CASE("a bad systolic config names the file, line and parameter", "[systolic][mapper]") {
  SystolicAccelerator accel;
  AccelConfig cfg = config(4, "diagonal");
  CHECK_THROWS_WITH(accel.check_config(cfg),
                    Catch::Contains("test-config.yaml:1: dataflow") && Catch::Contains("not one of: os, ws"));
  cfg = config(8, "os", 4);  // OS drains R rows into the output buffer
  CHECK_THROWS_WITH(accel.check_config(cfg), Catch::Contains("obuf_depth"));
  cfg = config(4, "os");
  cfg.params["rows"].text = "-3";
  CHECK_THROWS_WITH(accel.check_config(cfg), Catch::Contains("rows: must be 1..64") && Catch::Contains("got -3"));
  cfg = config(4, "os");
  cfg.params["colour"] = ConfigValue{"red", SourceLoc{cfg.file, 9, "colour"}};
  CHECK_THROWS_WITH(accel.check_config(cfg),
                    Catch::Contains("test-config.yaml:9: colour: unknown parameter"));
}

TEST_CASE("a DMA burst that is 0, not a power of two, beyond the RTL's or deeper than a buffer is a config error",
          "[systolic][mapper]") {
  SystolicAccelerator accel;
  const auto with_burst = [](const std::string& burst, int64_t depth) {
    AccelConfig cfg = config(4, "os", depth);
    cfg.params["dma_burst"] = ConfigValue{burst, SourceLoc{cfg.file, 12, "dma_burst"}};
    return cfg;
  };
  CHECK_THROWS_WITH(accel.check_config(with_burst("0", 16)),
                    Catch::Contains("test-config.yaml:12: dma_burst") && Catch::Contains("got 0"));
  CHECK_THROWS_WITH(accel.check_config(with_burst("16", 64)), Catch::Contains("dma_burst: must be 1..8"));
  CHECK_THROWS_WITH(accel.check_config(with_burst("6", 16)),
                    Catch::Contains("test-config.yaml:12: dma_burst: must be a power of two"));
  CHECK_THROWS_WITH(accel.check_config(with_burst("8", 4)), Catch::Contains("dma_burst: must be at most the smallest"));
  CHECK_NOTHROW(accel.check_config(with_burst("8", 8)));
  CHECK_NOTHROW(accel.check_config(config(4, "os")));  // optional: one entry per request
}

TEST_CASE("tiles stay within the buffers and halves alternate", "[systolic][mapper]") {
  SystolicAccelerator accel;
  const AccelConfig cfg = config(4, "ws", 6);
  const Program p = accel.map(gemm(23, 9, 11), cfg);
  int64_t loads = 0, last_half = -1;
  bool alternates = true;
  p.for_each([&](const ConcreteInstruction& c) {
    if (c.opcode == systolic::kDmaLoad) {
      CHECK(c.f[systolic::kLdRows] <= 6);
      CHECK(c.f[systolic::kLdBytes] <= 4);
      if (c.f[systolic::kLdBuf] == systolic::kIbuf) {
        alternates = alternates && c.f[systolic::kLdHalf] != last_half;
        last_half = c.f[systolic::kLdHalf];
        ++loads;
      }
    }
  });
  CHECK(alternates);
  // M tiles ceil(23/6) = 4, N tiles ceil(9/4) = 3, K tiles ceil(11/4) = 3
  CHECK(loads == 4 * 3 * 3);
}

TEST_CASE("the reuse mapping computes the golden reference with resident blocks and with its fallback",
          "[systolic][mapper]") {
  const int64_t n = GENERATE(4, 8);
  const std::string df = GENERATE(std::string("os"), std::string("ws"));
  // 64: K of every layer below fits a half (resident blocks); 12: K up to 24 in two chunks over
  // both halves (OS); 9: mostly per tile.
  const int64_t depth = GENERATE(int64_t{64}, int64_t{12}, int64_t{9});
  CAPTURE(n, df, depth);
  const AccelConfig cfg = config(n, df, depth, "reuse");
  check_matches_golden(gemm(13, 7, 19), cfg);
  check_matches_golden(gemm(1, 1, 1), cfg);
  check_matches_golden(gemm(37, 33, 9), cfg);  // OS: more m-tiles than n-tiles, B resident
  check_matches_golden(gemm(5, 45, 21), cfg);  // OS: more n-tiles, A resident
  check_matches_golden(conv(3, 9, 9, 5, 3, 2, 1, 1), cfg);
  check_matches_golden(conv(6, 7, 7, 6, 3, 1, 1, 6), cfg);  // depthwise
  check_matches_golden(conv(4, 6, 6, 6, 3, 1, 0, 2), cfg);  // grouped
}

TEST_CASE("the reuse mapping keeps the operand with the longer reuse resident and loads less", "[systolic][mapper]") {
  using namespace systolic;
  const Params os = read_params(config(16, "os", 4096, "reuse"));
  // ResNet-18 Conv2_1a as SCALE-Sim shapes it: M = 54*54, N = 64, K = 576.
  const Tiling t = choose_tiling(os, 2916, 64, 576);
  CHECK(t.resident == Resident::kB);  // 4 n-tiles against 183 m-tiles
  CHECK(t.loaded_entries == 4 * 576 + 4 * 183 * 576);
  const Tiling per_tile = choose_tiling(read_params(config(16, "os", 4096, "per_tile")), 2916, 64, 576);
  CHECK(per_tile.resident == Resident::kNone);
  CHECK(per_tile.loaded_entries == 2 * 183 * 4 * 576);
  CHECK(choose_tiling(os, 20, 4000, 576).resident == Resident::kA);  // 2 m-tiles against 250 n-tiles
  // K beyond a half: the block in two K-chunks over both halves; beyond two halves, per tile.
  const Tiling two_halves = choose_tiling(os, 25, 512, 4608);  // Conv5_1b
  CHECK(two_halves.resident == Resident::kA);
  CHECK(two_halves.chunks == 2);
  CHECK(two_halves.tk == 2304);
  const Tiling big_k = choose_tiling(os, 2916, 64, 8193);
  CHECK(big_k.resident == Resident::kNone);
  CHECK(big_k.tk == 4096);

  const Params ws = read_params(config(16, "ws", 1024, "reuse"));
  // One n-tile: no A block (it would serve one tile); B's block serves the 3 m-tiles.
  const Tiling w = choose_tiling(ws, 2916, 16, 576);
  CHECK(w.resident == Resident::kB);
  CHECK(w.tm == 1024);  // the largest m-tile: equal traffic, fewest computes
  CHECK(w.loaded_entries == 576 + 36 * 2916);
  // One m-tile and one n-tile: a resident block would serve one tile, saving no entry, and its
  // K-long load would hold the load unit while the array waits (rtl/systolic/README.md, "Load
  // unit"): per tile.
  const Tiling one_m = choose_tiling(ws, 144, 16, 1024);
  CHECK(one_m.resident == Resident::kNone);
  CHECK(one_m.tm == 144);
  CHECK(one_m.loaded_entries == 64 * 144 + 1024);
  // OS likewise: one m-tile keeps no B block, one n-tile no A block.
  CHECK(choose_tiling(os, 16, 64, 576).resident != Resident::kB);
  CHECK(choose_tiling(os, 2916, 16, 576).resident != Resident::kA);
  // K beyond the half: two chunks of whole k-tiles over both halves, when the k-tiles split evenly.
  const Tiling two = choose_tiling(ws, 2916, 64, 2048);
  CHECK(two.resident == Resident::kB);
  CHECK(two.chunks == 2);
  CHECK(choose_tiling(ws, 2916, 64, 2064).resident == Resident::kNone);  // 129 k-tiles
  CHECK(choose_tiling(ws, 2916, 64, 4096).resident == Resident::kNone);  // beyond both halves
}

TEST_CASE("weight-stationary reuse keeps A's m-tile resident across n-tiles where that loads least",
          "[systolic][mapper]") {
  using namespace systolic;
  // ResNet-18 Conv5_1b on the 64 kB halves: A's 25 rows over K = 4608 (288 k-tiles) in two
  // chunks of 144 x 25 entries, one per IBUF half, loaded once; B's chunks once per n-tile.
  const Tiling conv5 = choose_tiling(read_params(config(16, "ws", 4096, "reuse")), 25, 512, 4608);
  CHECK(conv5.resident == Resident::kA);
  CHECK(conv5.chunks == 2);
  CHECK(conv5.tm == 25);
  CHECK(conv5.loaded_entries == 288 * 25 + 32 * 4608);  // per tile: 32 * 288 * 25 + 32 * 4608
  // Depth 1024: the largest m-tile whose chunk fits (1024 / 18 k-tiles = 56 rows), 53 m-tiles.
  const Tiling conv2 = choose_tiling(read_params(config(16, "ws", 1024, "reuse")), 2916, 64, 576);
  CHECK(conv2.resident == Resident::kA);
  CHECK(conv2.tm == 56);
  CHECK(conv2.loaded_entries == 36 * 2916 + 53 * 4 * 576);
  // K not a multiple of R (k-tiles are whole reps of R bytes): no A block.
  CHECK(choose_tiling(read_params(config(16, "ws", 4096, "reuse")), 25, 512, 4600).resident != Resident::kA);
  // OS keeps its own candidates; per_tile keeps both operands per tile.
  CHECK(choose_tiling(read_params(config(16, "ws", 4096, "per_tile")), 25, 512, 4608).resident == Resident::kNone);

  // The Program: one two-level dma_load per chunk and m-tile (reps = the chunk's k-tiles, R bytes
  // of every row each), each compute reading its k-tile at a_off = kin * m_len, b_off = kin * R.
  SystolicAccelerator accel;
  const int64_t n = 4;
  const AccelConfig cfg = config(n, "ws", 40, "reuse");
  // M = 60, N = 2n + 3 (3 n-tiles), K = 2n (2 k-tiles): 2 chunks of one k-tile, 2 m-tiles (of 32
  // and 28 rows: the first of the candidates that load as little, 40 fits too).
  const Program p = accel.map(gemm(60, 2 * n + 3, 2 * n), cfg);
  REQUIRE(choose_tiling(read_params(cfg), 60, 2 * n + 3, 2 * n).resident == Resident::kA);
  std::vector<std::vector<int64_t>> a_loads;
  std::vector<std::pair<int64_t, int64_t>> offsets;
  p.for_each([&](const ConcreteInstruction& c) {
    if (c.opcode == kDmaLoad && c.f[kLdBuf] == kIbuf)
      a_loads.push_back({c.f[kLdHalf], c.f[kLdRows], c.f[kLdBytes], c.f[kLdReps], c.f[kLdRepStride]});
    if (c.opcode == kCompute) offsets.emplace_back(c.f[kCpAOff], c.f[kCpBOff]);
  });
  const std::vector<std::vector<int64_t>> want_loads = {{0, 32, n, 1, n}, {1, 32, n, 1, n},
                                                        {0, 28, n, 1, n}, {1, 28, n, 1, n}};
  CHECK(a_loads == want_loads);  // chunk c in half c, once per m-tile (not per n-tile)
  CHECK(offsets.size() == 2 * 3 * 2);  // m-tiles x n-tiles x k-tiles
}

TEST_CASE("the reuse mapping with A resident computes the golden reference: one or two chunks, ragged m-tiles",
          "[systolic][mapper]") {
  using namespace systolic;
  const int64_t n = GENERATE(4, 8);
  const AccelConfig cfg = config(n, "ws", 40, "reuse");
  CAPTURE(n);
  const Params p = read_params(cfg);
  // {M, N, K}: one chunk, one m-tile; two chunks, m-tiles of 20, 20 and 15 rows; one chunk over
  // m-tiles of 40 and 35 rows.
  for (const auto& s : {std::array<int64_t, 3>{16, 2 * n + 3, 2 * n}, std::array<int64_t, 3>{55, 3 * n, 4 * n},
                        std::array<int64_t, 3>{75, 2 * n + 3, n}}) {
    CAPTURE(s[0], s[1], s[2]);
    REQUIRE(choose_tiling(p, s[0], s[1], s[2]).resident == Resident::kA);
    check_matches_golden(gemm(s[0], s[1], s[2]), cfg);
  }
  check_matches_golden(conv(2 * n, 6, 6, 2 * n + 1, 1, 1, 0, 1), cfg);  // K = 2n, N > n
  check_matches_golden(conv(4 * n, 6, 6, 4 * n + 2, 1, 1, 0, 2), cfg);  // two groups of the same
}

namespace {
// Loops below `loop` of one trip that hold instructions only.
int one_trip_leaves(const Loop& loop) {
  int n = 0;
  for (const Statement& st : loop.body) {
    if (!st.loop) continue;
    const bool leaf = std::none_of(st.loop->body.begin(), st.loop->body.end(),
                                   [](const Statement& s) { return s.loop != nullptr; });
    n += (st.loop->trips == 1 && leaf) + one_trip_leaves(*st.loop);
  }
  return n;
}
// Instructions written in the nest (each once, loop trips not multiplied out).
int64_t written_instructions(const Loop& loop) {
  int64_t n = 0;
  for (const Statement& st : loop.body) n += st.loop ? written_instructions(*st.loop) : 1;
  return n;
}
}  // namespace

TEST_CASE("the Program holds no one-trip loop of instructions only (the estimator keys every loop entry)",
          "[systolic][mapper]") {
  // One k-tile per output tile (per tile), a one-chunk resident block (OS), chunks of one k-tile and
  // one middle n-tile (WS, A resident): each made such loops before; the stream is unchanged.
  const int64_t n = 4;
  struct Case {
    AccelConfig cfg;
    Layer layer;
  };
  const std::vector<Case> cases = {{config(n, "os", 40), gemm(10, 9, 8)},
                                   {config(n, "ws", 40), gemm(10, 9, n)},
                                   {config(n, "os", 40, "reuse"), gemm(20, 12, 8)},
                                   {config(n, "ws", 40, "reuse"), gemm(60, 3 * n - 1, 2 * n)},
                                   {config(n, "ws", 40, "reuse"), gemm(60, 3 * n - 1, n)}};
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    CAPTURE(i);
    const Program p = SystolicAccelerator().map(c.layer, c.cfg);
    CHECK(one_trip_leaves(p.top) == 0);
    check_matches_golden(c.layer, c.cfg);
  }
}

TEST_CASE("a ragged last m-tile costs the A-resident WS Program no more written instructions than whole ones",
          "[systolic][mapper]") {
  // The full m-tiles load the next one's first A chunk of min(tm, M - (m + 1) tm) rows in one loop,
  // instead of peeling the last full m-tile (a copy the estimator evaluates whole).
  using namespace systolic;
  const int64_t n = 4;
  const AccelConfig cfg = config(n, "ws", 40, "reuse");
  const Tiling ragged = choose_tiling(read_params(cfg), 124, 11, 2 * n);
  const Tiling whole = choose_tiling(read_params(cfg), 128, 11, 2 * n);
  REQUIRE(ragged.resident == Resident::kA);
  REQUIRE(whole.resident == Resident::kA);
  REQUIRE(ragged.tm == 32);  // 3 m-tiles of 32 rows and one of 28
  REQUIRE(whole.tm == 32);
  SystolicAccelerator accel;
  CHECK(written_instructions(accel.map(gemm(124, 11, 2 * n), cfg).top) ==
        written_instructions(accel.map(gemm(128, 11, 2 * n), cfg).top));
  check_matches_golden(gemm(124, 11, 2 * n), cfg);
}

TEST_CASE("the functional model fills a half rep by rep with a two-level dma_load", "[systolic][mapper]") {
  const int64_t n = 4, m = 5;
  const std::vector<uint8_t> image = test::rep_load_dram(n, m);
  std::vector<uint8_t> dram = image;
  systolic::run_functional(test::rep_load_program(n, m), config(n, "ws", 16), dram);
  CHECK(test::rep_load_mismatches(image, dram, n, m) == 0);
  // 2 reps of 5 rows do not fit a half of 8 entries.
  dram = image;
  CHECK_THROWS_WITH(systolic::run_functional(test::rep_load_program(n, m), config(n, "ws", 8), dram),
                    Catch::Contains("reps"));
}

TEST_CASE("weight-stationary reuse reads each k-tile of the resident block through b_off", "[systolic][mapper]") {
  SystolicAccelerator accel;
  const Program p = accel.map(gemm(30, 9, 11), config(4, "ws", 16, "reuse"));
  int64_t weight_loads = 0, computes = 0;
  std::vector<int64_t> offsets;
  p.for_each([&](const ConcreteInstruction& c) {
    if (c.opcode == systolic::kDmaLoad && c.f[systolic::kLdBuf] == systolic::kWbuf) {
      ++weight_loads;
      CHECK(c.f[systolic::kLdRows] == 11);  // the whole K of one n-tile
    }
    if (c.opcode == systolic::kCompute) {
      ++computes;
      if (computes <= 3) offsets.push_back(c.f[systolic::kCpBOff]);
    }
  });
  CHECK(weight_loads == 3);                 // once per n-tile, not per output tile
  CHECK(computes == 3 * 2 * 3);             // n-tiles x m-tiles (16, 14) x k-tiles
  CHECK(offsets == std::vector<int64_t>{0, 4, 8});
}

TEST_CASE("the functional model streams a WS compute's A tile from IBUF entry a_off; OS requires 0",
          "[systolic][iss]") {
  using systolic::run_functional;
  const int64_t n = 4, m = 3;
  const std::vector<uint8_t> image = test::a_off_dram(n, m);
  std::vector<uint8_t> dram = image;
  run_functional(test::a_off_program(n, m, m), config(n, "ws", 16), dram);
  CHECK(test::a_off_mismatches(image, dram, n, m) == 0);
  dram = image;
  CHECK_THROWS_WITH(run_functional(test::a_off_program(n, m, 14), config(n, "ws", 16), dram), Catch::Contains("a_off"));
  dram = image;
  CHECK_THROWS_WITH(run_functional(test::a_off_program(n, m, 1), config(n, "os", 16), dram), Catch::Contains("a_off"));
}

TEST_CASE("a bad mapping value names the file, line and parameter", "[systolic][mapper]") {
  SystolicAccelerator accel;
  CHECK_THROWS_WITH(accel.check_config(config(4, "os", 256, "greedy")),
                    Catch::Contains("test-config.yaml") && Catch::Contains("mapping"));
}

// The one operand check the RTL driver, the TLM units and the functional model share.
TEST_CASE("operand_error names the first operand outside its range on the config's geometry", "[systolic][mapper]") {
  using namespace systolic;
  auto instr = [](int opcode, std::vector<int64_t> f) {
    ConcreteInstruction c;
    c.opcode = opcode;
    c.num_fields = static_cast<int>(f.size());
    std::copy(f.begin(), f.end(), c.f.begin());
    return c;
  };
  const Params ws = read_params(config(4, "ws", 16));
  CHECK(operand_error(ws, instr(kDmaLoad, {kIbuf, 1, 0, 5, 4, 8, 3, 4})).empty());
  CHECK(operand_error(ws, instr(kDmaLoad, {kIbuf, 1, 0, 5, 4, 8, 4, 4})) == "reps = 4 outside [1, 3]");
  CHECK(operand_error(ws, instr(kDmaLoad, {kWbuf, 0, 0, 5, 5, 8, 1, 0})) == "bytes = 5 outside [1, 4]");
  CHECK(operand_error(ws, instr(kCompute, {0, 0, 0, 4, 5, 1, 1, 1, 1, 0, 11})).empty());
  CHECK(operand_error(ws, instr(kCompute, {0, 0, 0, 4, 5, 1, 1, 1, 1, 0, 12})) == "a_off = 12 outside [0, 11]");
  CHECK(operand_error(ws, instr(kCompute, {0, 0, 2, 4, 5, 1, 1, 1, 1, 0, 0})) == "o_half = 2 outside [0, 1]");
  const Params os = read_params(config(4, "os", 16));
  CHECK(operand_error(os, instr(kCompute, {0, 0, 0, 16, 4, 1, 1, 1, 1, 0, 1})) == "a_off = 1 outside [0, 0]");
  CHECK(operand_error(os, instr(kCompute, {0, 0, 0, 16, 4, 1, 1, 1, 1, 1, 0})) == "b_off = 1 outside [0, 0]");
  CHECK(operand_error(os, instr(kDmaStore, {0, 0, 17, 4, 16})) == "rows = 17 outside [0, 16]");
  CHECK(operand_error(os, instr(7, {})) == "unknown opcode 7");
}
