// Helpers of the systolic RTL tests: in-memory configs, the built sizes, a naive GEMM.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/common/accel_config.h"

namespace acv::test {

inline AccelConfig systolic_config(int64_t n, const std::string& dataflow, int64_t depth = 256,
                                   int64_t queue_depth = 4, int64_t dma_burst = 1) {
  AccelConfig c;
  c.file = "test-systolic.yaml";
  c.accelerator = "systolic";
  c.name = "test-systolic-" + std::to_string(n) + "-" + dataflow;
  int line = 1;
  auto set = [&](const std::string& k, const std::string& v) {
    c.params[k] = ConfigValue{v, SourceLoc{c.file, line++, "params." + k}};
  };
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

// The sizes rtl/CMakeLists.txt Verilated (ACV_SYSTOLIC_SIZES, comma-separated here).
inline std::vector<int64_t> built_sizes() {
  std::vector<int64_t> out;
  const std::string list = ACV_SYSTOLIC_SIZES_LIST;
  size_t pos = 0;
  while (pos < list.size()) {
    const size_t sep = list.find(',', pos);
    out.push_back(std::stoll(list.substr(pos, sep - pos)));
    if (sep == std::string::npos) break;
    pos = sep + 1;
  }
  return out;
}

// C[m][n] = sum_k A[m][k] * B[k][n], int8 operands, int32 result.
inline std::vector<int32_t> naive_gemm(const std::vector<int8_t>& a, const std::vector<int8_t>& b, int64_t m,
                                       int64_t k, int64_t n) {
  std::vector<int32_t> c(static_cast<size_t>(m * n), 0);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      int32_t s = 0;
      for (int64_t x = 0; x < k; ++x) s += int32_t{a[i * k + x]} * int32_t{b[x * n + j]};
      c[i * n + j] = s;
    }
  return c;
}

}  // namespace acv::test
