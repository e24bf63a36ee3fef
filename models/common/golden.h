// The golden reference: plain C++ int8 layers with int32 results, and deterministic operand data.
#pragma once

#include <cstdint>
#include <vector>

#include "layer.h"

namespace acv {

// Operands of one layer in the layouts documented in layer.h.
struct LayerData {
  std::vector<int8_t> input;
  std::vector<int8_t> weights;  // empty for pools
};

// Same seed and layer shape give the same bytes on every machine (own PRNG, not std::*_distribution).
LayerData make_layer_data(const Layer& layer, uint64_t seed);

// `count` int8 values of the stream `seed` (the generator make_layer_data draws from), for operands
// it does not make: biases, quantization tests.
std::vector<int8_t> make_int8_data(int64_t count, uint64_t seed);

// How golden_output computes GEMMs and convolutions. Both give the same bits (integer sums mod
// 2^32 do not depend on their order); Naive stays as the independent check of Fast.
//  - Fast: convolutions as GEMMs of the weights by input patches (built per tile of 32 output
//    pixels), GEMMs on the pmaddwd kernels of gemm_kernels.h (the TLM models' functional GEMM).
//  - Naive: direct loops over every output element, one int64 sum each.
enum class GoldenPath { Fast, Naive };

// Output [out_c][out_h][out_w] (convs, pools) or [m][n] (gemm, dense), int32.
// Max pool: maximum of the window (padding never wins). Avg pool: sum of the window over
// the in-bounds elements divided by kh*kw, rounded toward zero.
std::vector<int32_t> golden_output(const Layer& layer, const LayerData& data, GoldenPath path = GoldenPath::Fast);

// FNV-1a 64 of the output values, for RunResults that carry a hash instead of the tensor.
uint64_t hash_output(const std::vector<int32_t>& values);

}  // namespace acv
