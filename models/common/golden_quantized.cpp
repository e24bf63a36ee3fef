// The golden reference of quantized 1-D convolutions with output processing (golden_quantized.h).
#include "golden_quantized.h"

#include "golden.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace acv {

int QuantizedConv1d::pool_shift() const {
  int s = 0;
  while ((int64_t{1} << s) < pool) ++s;
  return s;
}

Layer QuantizedConv1d::as_conv1d() const {
  Layer l;
  l.kind = LayerKind::Conv1d;
  l.in_c = in_c;
  l.out_c = out_c;
  l.in_h = 1;
  l.in_w = in_len;
  l.kw = kernel;
  l.stride_w = stride;
  l.pad_w = pad;
  return l;
}

int8_t requantize(int64_t v, int t) {
  // Arithmetic right shift of a negative int64 is implementation-defined before C++20: floor
  // division by 2^t written out instead.
  const int64_t biased = v + (int64_t{1} << (t - 1));
  const int64_t d = int64_t{1} << t;
  const int64_t q = biased >= 0 ? biased / d : -((-biased + d - 1) / d);
  return static_cast<int8_t>(std::min<int64_t>(127, std::max<int64_t>(-128, q)));
}

namespace {

// The convolution sums of output channel oc at every conv position, into acc[conv_len], by the
// definition in int64: for sums too wide for the golden GEMM's int32, which no accepted layer has.
void conv_sums(const QuantizedConv1d& op, const int8_t* input, const int8_t* weights, int64_t oc,
               std::vector<int64_t>& acc) {
  for (int64_t x = 0; x < op.conv_len(); ++x) {
    int64_t sum = 0;
    for (int64_t ic = 0; ic < op.in_c; ++ic)
      for (int64_t k = 0; k < op.kernel; ++k) {
        const int64_t pos = x * op.stride - op.pad + k;
        if (pos >= 0 && pos < op.in_len)
          sum += int64_t{input[ic * op.in_len + pos]} * weights[(oc * op.in_c + ic) * op.kernel + k];
      }
    acc[static_cast<std::size_t>(x)] = sum;
  }
}

// Output processing of every channel; sums(oc) gives channel oc's conv sums at every position.
template <typename Sums>
void output_channels(const QuantizedConv1d& op, const std::vector<int32_t>& bias, const std::vector<int8_t>& residual,
                     Sums sums, std::vector<int8_t>& out) {
  const int64_t conv_len = op.conv_len(), out_len = op.out_len();
  const int t = op.shift + op.pool_shift();
  for (int64_t oc = 0; oc < op.out_c; ++oc) {
    const auto* acc = sums(oc);
    for (int64_t o = 0; o < out_len; ++o) {
      int64_t sum = 0;
      for (int64_t p = 0; p < op.pool; ++p) {
        const int64_t x = o * op.pool + p;  // conv output position
        int64_t y = int64_t{acc[x]} + bias[static_cast<std::size_t>(oc)];
        if (op.residual) y += int64_t{residual[static_cast<std::size_t>(oc * conv_len + x)]} * (int64_t{1} << op.shift);
        if (op.relu) y = std::max<int64_t>(y, 0);
        sum += y;
      }
      out[static_cast<std::size_t>(oc * out_len + o)] = requantize(sum, t);
    }
  }
}

}  // namespace

std::vector<int8_t> golden_quantized_conv1d(const QuantizedConv1d& op, const std::vector<int8_t>& input,
                                            const std::vector<int8_t>& weights, const std::vector<int32_t>& bias,
                                            const std::vector<int8_t>& residual) {
  const int64_t conv_len = op.conv_len();
  if (static_cast<int64_t>(input.size()) != op.in_c * op.in_len ||
      static_cast<int64_t>(weights.size()) != op.out_c * op.in_c * op.kernel ||
      static_cast<int64_t>(bias.size()) != op.out_c ||
      (op.residual && static_cast<int64_t>(residual.size()) != op.out_c * conv_len) || op.shift < 1 ||
      op.pool < 1 || conv_len < 1 || op.stride < 1 || op.pad < 0) {
    throw std::invalid_argument("golden_quantized_conv1d: operand sizes do not match the shape");
  }
  std::vector<int8_t> out(static_cast<std::size_t>(op.out_c * op.out_len()));
  // |int8 x int8| <= 2^14: int32 holds any sum of fewer than 2^17 products, so the layers' golden
  // GEMM (golden_output, SIMD, sums mod 2^32) is exact there; wider sums take int64 loops.
  if (op.in_c * op.kernel < (int64_t{1} << 17)) {
    const std::vector<int32_t> sums = golden_output(op.as_conv1d(), LayerData{input, weights});
    output_channels(op, bias, residual, [&](int64_t oc) { return sums.data() + oc * conv_len; }, out);
  } else {
    std::vector<int64_t> acc(static_cast<std::size_t>(conv_len));
    output_channels(op, bias, residual, [&](int64_t oc) {
      conv_sums(op, input.data(), weights.data(), oc, acc);
      return acc.data();
    }, out);
  }
  return out;
}

}  // namespace acv
