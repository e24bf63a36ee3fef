// The golden reference of quantized int8 networks: a 1-D convolution with its output processing
// (bias, residual add, ReLU, average pooling, requantization to int8), bit-exact.
#pragma once

#include <cstdint>
#include <vector>

#include "layer.h"

namespace acv {

// One 1-D convolution step of a quantized network. Layouts: input [in_c][in_len], weights
// [out_c][in_c][kernel], bias [out_c], residual [out_c][conv_len] (added before pooling),
// output [out_c][out_len], out_len = conv_len / pool (conv outputs past the last whole pooling
// window are dropped).
struct QuantizedConv1d {
  int64_t in_c = 0, out_c = 0, in_len = 0, kernel = 1, stride = 1, pad = 0;
  int64_t pool = 1;   // average pool window (= its stride); 1: none
  int shift = 1;      // requantization: right shift of the accumulator, >= 1
  bool relu = false;
  bool residual = false;

  int64_t conv_len() const { return (in_len + 2 * pad - kernel) / stride + 1; }
  int64_t out_len() const { return conv_len() / pool; }
  // log2 of the pool divisor: the window rounded up to a power of two (a shift, as in hardware).
  int pool_shift() const;
  // The convolution as an int8 Conv1d layer (same operand layouts, no output processing).
  Layer as_conv1d() const;
};

// Per output element, exactly:
//   acc  = sum over in_c, kernel of input * weight   (zero padding outside [0, in_len))
//   y    = acc + bias + (residual << shift)          (the residual is in the output's scale)
//   y    = relu ? max(y, 0) : y
//   s    = sum of y over the pool window
//   out  = saturate_int8((s + 2^(t-1)) >> t),  t = shift + pool_shift   (round half up)
// Accumulation is exact (int32 where no sum can overflow it, else int64); the hardware's widths
// are chosen so that it is for the layers its mapper accepts.
std::vector<int8_t> golden_quantized_conv1d(const QuantizedConv1d& op, const std::vector<int8_t>& input,
                                            const std::vector<int8_t>& weights, const std::vector<int32_t>& bias,
                                            const std::vector<int8_t>& residual);

// saturate_int8((v + 2^(t-1)) >> t) with an arithmetic shift, t >= 1.
int8_t requantize(int64_t v, int t);

}  // namespace acv
