// Helpers of the gemmini RTL, TLM and estimator tests: built DIMs, shipped configs, hand-built Programs, layers.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "models/common/accel_config.h"
#include "models/common/program.h"
#include "models/common/workload_reader.h"
#include "models/gemmini/gemmini_accelerator.h"

namespace acv::test {

// The DIMs rtl/CMakeLists.txt Verilated (ACV_GEMMINI_DIMS, comma-separated here).
inline std::vector<int64_t> built_dims() {
  std::vector<int64_t> dims;
  std::stringstream s(ACV_GEMMINI_DIMS_LIST);
  std::string item;
  while (std::getline(s, item, ',')) dims.push_back(std::stoll(item));
  return dims;
}

// models/gemmini/configs/gemmini-<dim>x<dim>-<dataflow>.yaml.
inline AccelConfig shipped_config(int64_t dim, const std::string& dataflow) {
  const std::string n = std::to_string(dim);
  return load_accel_config(std::string(ACV_SOURCE_DIR) + "/models/gemmini/configs/gemmini-" + n + "x" + n + "-" +
                           dataflow + ".yaml");
}

inline Statement op(gemmini::Opcode o, std::vector<Expr> f) { return make_instruction(o, std::move(f)); }

// A one-trip Program of the gemmini ISA over 64 KiB of DRAM.
inline Program program_of(std::vector<Statement> body) {
  Program p;
  p.isa = gemmini::isa();
  p.layer_name = "hand-built";
  p.top.trips = 1;
  p.top.body = std::move(body);
  p.dram_bytes = 65536;
  return p;
}

// Deterministic pseudo-random bytes (xorshift64).
inline std::vector<uint8_t> random_dram(std::size_t bytes) {
  std::vector<uint8_t> d(bytes);
  uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (auto& b : d) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b = static_cast<uint8_t>(x >> 24);
  }
  return d;
}

// The first index where `got` and `expected` differ, expected.size() where they do not.
inline std::size_t first_difference(const std::vector<uint8_t>& got, const std::vector<uint8_t>& expected) {
  std::size_t first_diff = expected.size();
  for (std::size_t i = 0; i < expected.size() && first_diff == expected.size(); ++i)
    if (got[i] != expected[i]) first_diff = i;
  return first_diff;
}

// The hand-built Programs of the per-command cases, for DIM d; the RTL and the TLM model run the same ones.
// mvin and mvout of scratchpad rows, ragged rows and cols, strides.
inline Program scratchpad_moves_program(int64_t d) {
  using namespace gemmini;
  return program_of({op(kConfigLd, {100}), op(kConfigSt, {37}), op(kMvin, {0, 5, 0, d - 1, d - 1}),
                     op(kMvout, {30000, 5, 0, 0, d - 1, d}), op(kMvout, {40000, 6, 0, 0, 1, 1})});
}

// mvin into the accumulator; mvout full-width, requantised with ReLU and shift, saturating.
inline Program accumulator_moves_program(int64_t d) {
  using namespace gemmini;
  return program_of({op(kConfigEx, {kWs, 1, 3}), op(kConfigLd, {4 * d + 8}), op(kConfigSt, {4 * d}),
                     op(kMvin, {64, 2, 1, d, d}), op(kMvout, {30000, 2, 1, 1, d, d}),
                     op(kMvout, {40000, 2, 1, 0, d, d - 1}), op(kConfigEx, {kWs, 0, 0}),
                     op(kMvout, {50000, 3, 1, 0, 2, d})});
}

// WS preload, compute_preloaded and compute_accumulated, overwrite and accumulate.
inline Program ws_compute_program(int64_t d) {
  using namespace gemmini;
  return program_of({op(kConfigEx, {kWs, 0, 0}), op(kConfigLd, {d}), op(kConfigSt, {4 * d}),
                     op(kMvin, {0, 0, 0, d, d}),                 // A0
                     op(kMvin, {1000, d, 0, d - 1, d}),          // A1, ragged rows
                     op(kMvin, {2000, 4 * d, 0, d - 1, d - 1}),  // B, ragged
                     op(kPreload, {4 * d, d - 1, 0, d, 0}), op(kComputePreloaded, {0, 0, d}),
                     op(kPreload, {0, 0, d, d - 1, 0}), op(kComputeAccumulated, {d, 0, d - 1}),
                     op(kPreload, {0, 0, 0, d, 1}), op(kComputeAccumulated, {d, 0, d}),
                     op(kMvout, {30000, 0, 1, 1, d, d}), op(kMvout, {40000, d, 1, 1, d - 1, d})});
}

// A WS chain of `computes` computes of d rows after the loads: every `per_preload`-th one a
// compute_preloaded with new weights (alternating between two B blocks, the second ragged), the
// others compute_accumulated; all accumulate into C rows 0..d-1, stored at the end.
inline Program ws_stream_program(int64_t d, int computes, int per_preload) {
  using namespace gemmini;
  std::vector<Statement> body = {op(kConfigEx, {kWs, 0, 0}), op(kConfigLd, {d}), op(kConfigSt, {4 * d}),
                                 op(kMvin, {0, 0, 0, d, d}), op(kMvin, {1000, 4 * d, 0, d, d}),
                                 op(kMvin, {2000, 5 * d, 0, d - 1, d})};
  for (int i = 0; i < computes; ++i) {
    const int64_t acc = i > 0 ? 1 : 0;
    if (i % per_preload == 0) {
      const bool second = (i / per_preload) % 2 == 1;
      body.push_back(op(kPreload, {second ? 5 * d : 4 * d, second ? d - 1 : d, 0, d, acc}));
      body.push_back(op(kComputePreloaded, {0, 0, d}));
    } else {
      body.push_back(op(kPreload, {0, 0, 0, d, acc}));
      body.push_back(op(kComputeAccumulated, {0, 0, d}));
    }
  }
  body.push_back(op(kMvout, {30000, 0, 1, 1, d, d}));
  return program_of(body);
}

// n mvins of 2 rows into different rows, then a WS compute with the first one's rows as weights
// and the last one's as A (it waits for both to be written) and a mvout of its result: the same
// work after the mvins for every n.
inline Program mvin_overlap_program(int64_t d, int n) {
  using namespace gemmini;
  std::vector<Statement> body = {op(kConfigEx, {kWs, 0, 0}), op(kConfigLd, {d}), op(kConfigSt, {4 * d})};
  for (int i = 0; i < n; ++i) body.push_back(op(kMvin, {1000 * i, 2 * i, 0, 2, d}));
  body.push_back(op(kPreload, {0, 2, 0, 2, 0}));
  body.push_back(op(kComputePreloaded, {2 * (n - 1), 0, 2}));
  body.push_back(op(kMvout, {30000, 0, 1, 1, 2, d}));
  return program_of(body);
}

// Multi-block scratchpad mvins (cols up to 4 d, block b of row r into row local + b rows + r): with
// `blocks` > 1 one mvin of `rows` rows and blocks * d - ragged columns (the last block ragged), else
// the same data as one mvin per block; a compute reads the last block's rows, mvouts store every
// block's rows. DRAM rows are 4 d + 3 bytes apart (not aligned).
inline Program multi_block_program(int64_t d, int64_t blocks, int64_t rows, int64_t ragged) {
  using namespace gemmini;
  const int64_t cols = 4 * d - ragged, local = 3;
  std::vector<Statement> body = {op(kConfigEx, {kWs, 0, 0}), op(kConfigLd, {4 * d + 3})};
  if (blocks > 1) {
    body.push_back(op(kMvin, {100, local, 0, rows, cols}));
  } else {
    for (int64_t b = 0; b < 4; ++b)
      body.push_back(op(kMvin, {100 + b * d, local + b * rows, 0, rows, std::min(d, cols - b * d)}));
  }
  body.push_back(op(kPreload, {local + 3 * rows, rows, 0, rows, 0}));
  body.push_back(op(kComputePreloaded, {local + 3 * rows, 0, rows}));
  // The C store first: the scratchpad stores queue behind it, so they do not contend with the
  // compute for a bank (an arbitration the TLM model leaves out).
  body.push_back(op(kConfigSt, {4 * d}));
  body.push_back(op(kMvout, {30000, 0, 1, 1, rows, d}));
  body.push_back(op(kConfigSt, {d}));
  for (int64_t b = 0; b < 4; ++b) body.push_back(op(kMvout, {20000 + 2000 * b, local + b * rows, 0, 0, rows, d}));
  return program_of(body);
}

// OS chains: preload without output, compute_preloaded, compute_accumulated, drain; drains back to
// back (the second waits for the output registers) and a compute_accumulated continuing after one.
inline Program os_compute_program(int64_t d) {
  using namespace gemmini;
  return program_of({op(kConfigEx, {kOs, 0, 0}), op(kConfigLd, {d}), op(kConfigSt, {4 * d}),
                     op(kMvin, {0, 0, 0, d, d}), op(kMvin, {500, d, 0, d, d}),
                     op(kMvin, {1000, 2 * d, 0, d - 1, d}), op(kMvin, {1500, 3 * d, 0, d - 1, d - 1}),
                     op(kPreload, {0, 0, 0, 0, 0}), op(kComputePreloaded, {0, d, d}),
                     op(kPreload, {0, 0, 2 * d, d - 1, 0}), op(kComputeAccumulated, {2 * d, 3 * d, d - 1}),
                     op(kPreload, {0, 0, 2 * d, d, 1}), op(kComputePreloaded, {2 * d, 3 * d, 1}),
                     op(kPreload, {0, 0, 3 * d, d, 0}), op(kComputeAccumulated, {0, d, d}),
                     op(kMvout, {30000, 2 * d, 1, 1, d, d}), op(kMvout, {50000, 3 * d, 1, 1, d, d})});
}

// An OS stream of `computes` computes after the loads, in K chains of `per_chain` computes of
// `rows` rows (A^T and B: the loaded tiles); each chain's last compute drains its PE rows into C
// rows 0..d-1 (accumulating after the first), stored at the end.
inline Program os_stream_program(int64_t d, int computes, int per_chain, int64_t rows) {
  using namespace gemmini;
  std::vector<Statement> body = {op(kConfigEx, {kOs, 0, 0}), op(kConfigLd, {d}), op(kConfigSt, {4 * d}),
                                 op(kMvin, {0, 0, 0, d, d}), op(kMvin, {1000, 4 * d, 0, d, d})};
  for (int i = 0; i < computes; ++i) {
    const bool first = i % per_chain == 0, last = i % per_chain == per_chain - 1;
    body.push_back(op(kPreload, {0, 0, 0, last ? d : 0, i >= per_chain ? 1 : 0}));
    body.push_back(op(first ? kComputePreloaded : kComputeAccumulated, {0, 4 * d, rows}));
  }
  body.push_back(op(kMvout, {30000, 0, 1, 1, d, d}));
  return program_of(body);
}

// flush waits for every unit; the dataflow switches between computes.
inline Program flush_program(int64_t d) {
  using namespace gemmini;
  return program_of({op(kConfigEx, {kWs, 0, 0}), op(kConfigLd, {d}), op(kConfigSt, {4 * d}),
                     op(kMvin, {0, 0, 0, d, d}), op(kMvin, {700, d, 0, d, d}), op(kPreload, {d, d, 0, d, 0}),
                     op(kComputePreloaded, {0, 0, d}), op(kFlush, {}), op(kMvout, {30000, 0, 1, 1, d, d}),
                     op(kConfigEx, {kOs, 0, 0}), op(kPreload, {0, 0, d, d, 0}), op(kComputePreloaded, {0, d, d}),
                     op(kMvout, {40000, d, 1, 1, d, d}), op(kFlush, {})});
}

// The layers of models/workloads/tiny.yaml but its pooling (gemmini has no pooling unit).
inline std::vector<Layer> tiny_layers() {
  std::vector<Layer> layers;
  const Workload tiny = load_workload(std::string(ACV_SOURCE_DIR) + "/models/workloads/tiny.yaml");
  for (const Layer& l : tiny.layers)
    if (!l.is_pool()) layers.push_back(l);
  return layers;
}

// The end-to-end layers: tiny_layers() and a GEMM with K split into several k tiles.
inline std::vector<Layer> mapped_layers() {
  std::vector<Layer> layers = tiny_layers();
  Layer big;
  big.name = "gemm_k_tiles";  // K split into several k tiles (DIM 4): halves alternate
  big.kind = LayerKind::Gemm;
  big.m = 40;
  big.n = 24;
  big.k = 600;
  layers.push_back(big);
  return layers;
}

}  // namespace acv::test
