// The TLM models' SIMD GEMM kernels equal the reference loops bit for bit, over shapes, extreme values and odd k.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "models/common/gemm_kernels.h"

namespace acv {
namespace {

std::vector<int8_t> operands(std::size_t n, std::mt19937& rng, bool extreme) {
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(extreme ? (d(rng) & 1 ? -128 : 127) : d(rng));
  return v;
}

TEST_CASE("TLM GEMM kernels: OS equals the reference") {
  std::mt19937 rng(11);
  gemm::Scratch scratch;
  for (const gemm::Isa isa : {gemm::Isa::Best, gemm::Isa::Sse2})
    for (const bool extreme : {false, true})
      for (const int64_t rows : {1, 3, 4, 8, 16})
        for (const int64_t cols : {1, 4, 5, 8, 16, 32})
          for (const int64_t k_len : {0, 1, 2, 7, 64, 255}) {
            CAPTURE(static_cast<int>(isa), extreme, rows, cols, k_len);
            const std::vector<int8_t> in = operands(static_cast<std::size_t>(k_len * rows), rng, extreme);
            const std::vector<int8_t> w = operands(static_cast<std::size_t>(k_len * cols), rng, extreme);
            std::vector<int32_t> want(static_cast<std::size_t>(rows * cols), 5), got = want;
            gemm::os_reference(want.data(), in.data(), w.data(), k_len, rows, cols);
            gemm::os(got.data(), in.data(), w.data(), k_len, rows, cols, scratch, isa);
            CHECK(got == want);
          }
}

TEST_CASE("TLM GEMM kernels: WS equals the reference") {
  std::mt19937 rng(12);
  gemm::Scratch scratch;
  for (const gemm::Isa isa : {gemm::Isa::Best, gemm::Isa::Sse2})
    for (const bool extreme : {false, true})
      for (const bool first : {false, true})
        for (const int64_t in_width : {4, 8, 16})
          for (const int64_t cols : {1, 4, 8, 12, 16, 32})
            for (const int64_t k_len : {int64_t{0}, int64_t{1}, int64_t{3}, in_width})
              for (const int64_t m_len : {0, 1, 5, 256}) {
                CAPTURE(static_cast<int>(isa), extreme, first, in_width, cols, k_len, m_len);
                const std::vector<int8_t> in = operands(static_cast<std::size_t>(m_len * in_width), rng, extreme);
                const std::vector<int8_t> w = operands(static_cast<std::size_t>(in_width * cols), rng, extreme);
                std::vector<int32_t> want(static_cast<std::size_t>(m_len * cols), -3), got = want;
                gemm::ws_reference(want.data(), in.data(), in_width, w.data(), k_len, m_len, cols, first);
                gemm::ws(got.data(), in.data(), in_width, w.data(), k_len, m_len, cols, first, scratch, isa);
                CHECK(got == want);
              }
}

TEST_CASE("TLM GEMM kernels: WS on packed weights equals the reference, the weights reused across calls") {
  std::mt19937 rng(13);
  gemm::Scratch scratch;
  gemm::PackedWeights packed;
  for (const gemm::Isa isa : {gemm::Isa::Best, gemm::Isa::Sse2, gemm::Isa::Reference})
    for (const bool extreme : {false, true})
      for (const int64_t in_width : {4, 8, 16, 24})  // k_len = cols (a square array) below in_width too
        for (const int64_t cols : {1, 4, 8, 12, 16, 32})
          for (const int64_t k_len : {int64_t{0}, int64_t{1}, int64_t{3}, in_width, std::min(cols, in_width)}) {
            const std::vector<int8_t> w = operands(static_cast<std::size_t>(in_width * cols), rng, extreme);
            gemm::pack_weights(w.data(), k_len, cols, packed);
            for (const bool first : {false, true})
              for (const int64_t m_len : {0, 1, 5, 8, 256}) {
                CAPTURE(static_cast<int>(isa), extreme, first, in_width, cols, k_len, m_len);
                const std::vector<int8_t> in = operands(static_cast<std::size_t>(m_len * in_width), rng, extreme);
                std::vector<int32_t> want(static_cast<std::size_t>(m_len * cols), -3), got = want;
                gemm::ws_reference(want.data(), in.data(), in_width, w.data(), k_len, m_len, cols, first);
                gemm::ws_packed(got.data(), in.data(), in_width, packed, m_len, first, scratch, isa);
                CHECK(got == want);
              }
          }
}

}  // namespace
}  // namespace acv
