// The hand-built WS Program that the a_off tests of the functional model, the RTL and the TLM share:
// IBUF half 0 holds two A tiles (2m rows of n int8 from DRAM 0), WBUF half 0 holds B (n x n from
// DRAM 2mn); compute 0 reads tile 0 from entry 0 into OBUF half 0, compute 1 reads tile 1 from
// entry `off` (m: the right one) into OBUF half 1; the C tiles go to DRAM 1024 and 2048.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "models/common/program.h"
#include "models/systolic/systolic_accelerator.h"

namespace acv::test {

inline Program a_off_program(int64_t n, int64_t m, int64_t off) {
  using namespace systolic;
  Program p;
  p.isa = isa();
  p.layer_name = "hand-built";
  p.top.name = "top";
  p.top.body = {make_instruction(kDmaLoad, {kIbuf, 0, 0, 2 * m, n, n, 1, 0}),
                make_instruction(kDmaLoad, {kWbuf, 0, 2 * m * n, n, n, n, 1, 0}),
                make_instruction(kCompute, {0, 0, 0, n, m, 1, 1, 0, 0, 0, 0}),
                make_instruction(kCompute, {0, 0, 1, n, m, 1, 1, 1, 1, 0, off}),
                make_instruction(kDmaStore, {0, 1024, m, n, 4 * n}),
                make_instruction(kDmaStore, {1, 2048, m, n, 4 * n})};
  p.dram_bytes = 4096;
  return p;
}

// The Program's DRAM before the run: A and B from a fixed byte pattern, the rest zero.
inline std::vector<uint8_t> a_off_dram(int64_t n, int64_t m) {
  std::vector<uint8_t> dram(4096, 0);
  for (int64_t i = 0; i < 2 * m * n + n * n; ++i) dram[static_cast<size_t>(i)] = static_cast<uint8_t>(i * 37 + 11);
  return dram;
}

// How many elements of the two C tiles in `after` differ from A tile t x B of `before`.
inline int64_t a_off_mismatches(const std::vector<uint8_t>& before, const std::vector<uint8_t>& after, int64_t n,
                                int64_t m) {
  int64_t bad = 0;
  for (int64_t t = 0; t < 2; ++t)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        int32_t want = 0, got = 0;
        for (int64_t k = 0; k < n; ++k)
          want += int32_t{static_cast<int8_t>(before[static_cast<size_t>((t * m + i) * n + k)])} *
                  int32_t{static_cast<int8_t>(before[static_cast<size_t>(2 * m * n + k * n + j)])};
        std::memcpy(&got, after.data() + 1024 * (t + 1) + (i * n + j) * 4, 4);
        bad += got != want;
      }
  return bad;
}

}  // namespace acv::test
