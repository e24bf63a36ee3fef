// The hand-built WS Program that the two-level dma_load tests of the functional model, the RTL and
// the TLM share: A (m x 2n int8 at DRAM 0, row-major) goes into IBUF half 0 by one dma_load of 2
// reps of m rows, rep r holding every row's k-tile r (entry r*m + i = A[i][r*n .. r*n+n-1]); B
// (2n x n at DRAM 2mn) into WBUF half 0; two folds read k-tile r through a_off = r*m and
// b_off = r*n and accumulate C = A x B (m x n int32) into OBUF half 0, stored to DRAM 2048.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "models/common/program.h"
#include "models/systolic/systolic_accelerator.h"

namespace acv::test {

inline Program rep_load_program(int64_t n, int64_t m) {
  using namespace systolic;
  Program p;
  p.isa = isa();
  p.layer_name = "hand-built";
  p.top.name = "top";
  p.top.body = {make_instruction(kDmaLoad, {kIbuf, 0, 0, m, n, 2 * n, 2, n}),
                make_instruction(kDmaLoad, {kWbuf, 0, 2 * m * n, 2 * n, n, n, 1, 0}),
                make_instruction(kCompute, {0, 0, 0, n, m, 1, 0, 0, 0, 0, 0}),
                make_instruction(kCompute, {0, 0, 0, n, m, 0, 1, 1, 1, n, m}),
                make_instruction(kDmaStore, {0, 2048, m, n, 4 * n})};
  p.dram_bytes = 4096;
  return p;
}

// The Program's DRAM before the run: A and B from a fixed byte pattern, the rest zero.
inline std::vector<uint8_t> rep_load_dram(int64_t n, int64_t m) {
  std::vector<uint8_t> dram(4096, 0);
  for (int64_t i = 0; i < 2 * m * n + 2 * n * n; ++i) dram[static_cast<size_t>(i)] = static_cast<uint8_t>(i * 29 + 5);
  return dram;
}

// How many elements of C in `after` differ from A x B of `before`.
inline int64_t rep_load_mismatches(const std::vector<uint8_t>& before, const std::vector<uint8_t>& after, int64_t n,
                                   int64_t m) {
  int64_t bad = 0;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      int32_t want = 0, got = 0;
      for (int64_t k = 0; k < 2 * n; ++k)
        want += int32_t{static_cast<int8_t>(before[static_cast<size_t>(i * 2 * n + k)])} *
                int32_t{static_cast<int8_t>(before[static_cast<size_t>(2 * m * n + k * n + j)])};
      std::memcpy(&got, after.data() + 2048 + (i * n + j) * 4, 4);
      bad += got != want;
    }
  return bad;
}

}  // namespace acv::test
