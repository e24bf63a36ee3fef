// The golden reference of quantized 1-D convolutions with output processing (golden_quantized.h).
#include "golden_quantized.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace acv {

int QuantizedConv1d::pool_shift() const {
  int s = 0;
  while ((int64_t{1} << s) < pool) ++s;
  return s;
}

int8_t requantize(int64_t v, int t) {
  // Arithmetic right shift of a negative int64 is implementation-defined before C++20: floor
  // division by 2^t written out instead.
  const int64_t biased = v + (int64_t{1} << (t - 1));
  const int64_t d = int64_t{1} << t;
  const int64_t q = biased >= 0 ? biased / d : -((-biased + d - 1) / d);
  return static_cast<int8_t>(std::min<int64_t>(127, std::max<int64_t>(-128, q)));
}

std::vector<int8_t> golden_quantized_conv1d(const QuantizedConv1d& op, const std::vector<int8_t>& input,
                                            const std::vector<int8_t>& weights, const std::vector<int32_t>& bias,
                                            const std::vector<int8_t>& residual) {
  const int64_t conv_len = op.conv_len(), out_len = op.out_len();
  if (static_cast<int64_t>(input.size()) != op.in_c * op.in_len ||
      static_cast<int64_t>(weights.size()) != op.out_c * op.in_c * op.kernel ||
      static_cast<int64_t>(bias.size()) != op.out_c ||
      (op.residual && static_cast<int64_t>(residual.size()) != op.out_c * conv_len) || op.shift < 1 ||
      op.pool < 1 || conv_len < 1) {
    throw std::invalid_argument("golden_quantized_conv1d: operand sizes do not match the shape");
  }
  const int t = op.shift + op.pool_shift();
  std::vector<int8_t> out(static_cast<std::size_t>(op.out_c * out_len));
  for (int64_t oc = 0; oc < op.out_c; ++oc) {
    for (int64_t o = 0; o < out_len; ++o) {
      int64_t sum = 0;
      for (int64_t p = 0; p < op.pool; ++p) {
        const int64_t x = o * op.pool + p;  // conv output position
        int64_t acc = 0;
        for (int64_t ic = 0; ic < op.in_c; ++ic) {
          for (int64_t k = 0; k < op.kernel; ++k) {
            const int64_t pos = x * op.stride - op.pad + k;
            if (pos < 0 || pos >= op.in_len) continue;
            acc += int64_t{input[ic * op.in_len + pos]} * weights[(oc * op.in_c + ic) * op.kernel + k];
          }
        }
        int64_t y = acc + bias[oc];
        if (op.residual) y += int64_t{residual[oc * conv_len + x]} * (int64_t{1} << op.shift);
        if (op.relu) y = std::max<int64_t>(y, 0);
        sum += y;
      }
      out[oc * out_len + o] = requantize(sum, t);
    }
  }
  return out;
}

}  // namespace acv
