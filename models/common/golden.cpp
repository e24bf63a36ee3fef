// The golden reference: plain loops over the layouts of layer.h; every backend is checked against it.
#include "golden.h"

#include "gemm_kernels.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

namespace acv {

namespace {

// SplitMix64 (Steele, Lea, Flood 2014): a few lines, fully specified, the same on every platform,
// unlike std::*_distribution whose output differs between standard libraries.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

// Separate streams for input and weights, so the input of a layer does not depend on its weight count.
constexpr uint64_t kInputStream = 0x696E707574000000ull;   // "input"
constexpr uint64_t kWeightStream = 0x7765696768747300ull;  // "weights"

std::vector<int8_t> random_int8(int64_t count, uint64_t seed) {
  SplitMix64 rng(seed);
  std::vector<int8_t> out(static_cast<std::size_t>(count));
  // The top byte, shifted to [-128, 127] by arithmetic rather than a narrowing cast.
  for (int8_t& v : out) v = static_cast<int8_t>(static_cast<int>(rng.next() >> 56) - 128);
  return out;
}

// Accumulators are int32 in hardware: sums wrap modulo 2^32. Summing in int64 and wrapping once
// at the end gives the same bits without signed-overflow UB.
int32_t wrap_int32(int64_t acc) {
  int64_t v = acc & 0xFFFFFFFFll;
  if (v >= (int64_t{1} << 31)) v -= int64_t{1} << 32;
  return static_cast<int32_t>(v);
}

void check_sizes(const Layer& l, const LayerData& d) {
  if (static_cast<int64_t>(d.input.size()) != l.input_elems() ||
      static_cast<int64_t>(d.weights.size()) != l.weight_elems()) {
    throw std::invalid_argument("golden_output: layer '" + l.name + "' expects " +
                                std::to_string(l.input_elems()) + " input and " +
                                std::to_string(l.weight_elems()) + " weight elements, got " +
                                std::to_string(d.input.size()) + " and " + std::to_string(d.weights.size()));
  }
}

// C[m][n] = sum_k A[m][k] * B[k][n]; the k-outer order walks B row by row.
std::vector<int32_t> gemm_naive(const Layer& l, const LayerData& d) {
  std::vector<int32_t> out(static_cast<std::size_t>(l.m * l.n));
  std::vector<int64_t> row(static_cast<std::size_t>(l.n));
  for (int64_t i = 0; i < l.m; ++i) {
    std::fill(row.begin(), row.end(), 0);
    for (int64_t kk = 0; kk < l.k; ++kk) {
      const int64_t a = d.input[i * l.k + kk];
      const int8_t* b = &d.weights[kk * l.n];
      for (int64_t j = 0; j < l.n; ++j) row[j] += a * b[j];
    }
    for (int64_t j = 0; j < l.n; ++j) out[i * l.n + j] = wrap_int32(row[j]);
  }
  return out;
}

// Direct convolution, one output element at a time; input rows and columns outside [0, size)
// are the zero padding.
std::vector<int32_t> conv_naive(const Layer& l, const LayerData& d) {
  const int64_t oh = l.out_h(), ow = l.out_w();
  const int64_t cin_per_group = l.in_c / l.groups, cout_per_group = l.out_c / l.groups;
  std::vector<int32_t> out(static_cast<std::size_t>(l.out_c * oh * ow));
  for (int64_t oc = 0; oc < l.out_c; ++oc) {
    const int64_t first_ic = (oc / cout_per_group) * cin_per_group;
    for (int64_t oy = 0; oy < oh; ++oy) {
      for (int64_t ox = 0; ox < ow; ++ox) {
        int64_t acc = 0;
        for (int64_t ci = 0; ci < cin_per_group; ++ci) {
          const int8_t* in = &d.input[(first_ic + ci) * l.in_h * l.in_w];
          const int8_t* w = &d.weights[(oc * cin_per_group + ci) * l.kh * l.kw];
          for (int64_t ky = 0; ky < l.kh; ++ky) {
            const int64_t iy = oy * l.stride_h - l.pad_h + ky;
            if (iy < 0 || iy >= l.in_h) continue;
            for (int64_t kx = 0; kx < l.kw; ++kx) {
              const int64_t ix = ox * l.stride_w - l.pad_w + kx;
              if (ix < 0 || ix >= l.in_w) continue;
              acc += int64_t{in[iy * l.in_w + ix]} * w[ky * l.kw + kx];
            }
          }
        }
        out[(oc * oh + oy) * ow + ox] = wrap_int32(acc);
      }
    }
  }
  return out;
}

// The fast path: out[m][j0 + j] for j < 32 computed by the kernels' WS GEMM of `rows` (m_len rows
// of k int8, `row_width` apart) by a k x 32 panel; panels are zero beyond the last column.
constexpr int64_t kPanel = 32;

void scatter_tile(const std::vector<int32_t>& tile, int64_t m_len, int64_t count, int32_t* out, int64_t out_width) {
  for (int64_t i = 0; i < m_len; ++i)
    std::memcpy(out + i * out_width, tile.data() + i * kPanel, static_cast<std::size_t>(count) * sizeof(int32_t));
}

std::vector<int32_t> gemm_fast(const Layer& l, const LayerData& d) {
  std::vector<int32_t> out(static_cast<std::size_t>(l.m * l.n));
  if (l.m == 0 || l.n == 0) return out;
  if (l.k == 0) return out;  // empty sums
  gemm::Scratch scratch;
  std::vector<int8_t> panel(static_cast<std::size_t>(l.k * kPanel));
  std::vector<int32_t> tile(static_cast<std::size_t>(l.m * kPanel));
  for (int64_t j0 = 0; j0 < l.n; j0 += kPanel) {
    const int64_t count = std::min(kPanel, l.n - j0);
    std::fill(panel.begin(), panel.end(), 0);
    for (int64_t kk = 0; kk < l.k; ++kk)
      std::memcpy(&panel[static_cast<std::size_t>(kk * kPanel)], &d.weights[static_cast<std::size_t>(kk * l.n + j0)],
                  static_cast<std::size_t>(count));
    gemm::ws(tile.data(), d.input.data(), l.k, panel.data(), l.k, l.m, kPanel, true, scratch);
    scatter_tile(tile, l.m, count, out.data() + j0, l.n);
  }
  return out;
}

// Convolution as a GEMM per group: weights [cout][cin * kh * kw] by the patches of 32 output
// pixels at a time ([cin * kh * kw][32], zero padding and columns past the last pixel).
std::vector<int32_t> conv_fast(const Layer& l, const LayerData& d) {
  const int64_t oh = l.out_h(), ow = l.out_w(), pixels = oh * ow;
  const int64_t cin = l.in_c / l.groups, cout = l.out_c / l.groups, k = cin * l.kh * l.kw;
  std::vector<int32_t> out(static_cast<std::size_t>(l.out_c * pixels));
  if (pixels == 0 || cout == 0 || k == 0) return out;
  gemm::Scratch scratch;
  std::vector<int8_t> panel(static_cast<std::size_t>(k * kPanel));
  std::vector<int32_t> tile(static_cast<std::size_t>(cout * kPanel));
  std::vector<int64_t> y0(kPanel), x0(kPanel);  // top-left input position of each pixel's window
  for (int64_t p0 = 0; p0 < pixels; p0 += kPanel) {
    const int64_t count = std::min(kPanel, pixels - p0);
    for (int64_t j = 0; j < count; ++j) {
      y0[j] = (p0 + j) / ow * l.stride_h - l.pad_h;
      x0[j] = (p0 + j) % ow * l.stride_w - l.pad_w;
    }
    for (int64_t g = 0; g < l.groups; ++g) {
      std::fill(panel.begin(), panel.end(), 0);
      int8_t* row = panel.data();
      for (int64_t ci = 0; ci < cin; ++ci) {
        const int8_t* in = &d.input[static_cast<std::size_t>((g * cin + ci) * l.in_h * l.in_w)];
        for (int64_t ky = 0; ky < l.kh; ++ky)
          for (int64_t kx = 0; kx < l.kw; ++kx, row += kPanel)
            for (int64_t j = 0; j < count; ++j) {
              const int64_t iy = y0[j] + ky, ix = x0[j] + kx;
              if (iy >= 0 && iy < l.in_h && ix >= 0 && ix < l.in_w) row[j] = in[iy * l.in_w + ix];
            }
      }
      gemm::ws(tile.data(), &d.weights[static_cast<std::size_t>(g * cout * k)], k, panel.data(), k, cout, kPanel,
               true, scratch);
      scatter_tile(tile, cout, count, out.data() + g * cout * pixels + p0, pixels);
    }
  }
  return out;
}

// Max: the largest in-bounds element (padding never wins). Avg: in-bounds sum / (kh*kw), truncated
// toward zero (C++ integer division), i.e. padding counts as zeros in the average.
std::vector<int32_t> pool(const Layer& l, const LayerData& d) {
  const int64_t oh = l.out_h(), ow = l.out_w();
  const bool is_max = l.kind == LayerKind::MaxPool;
  std::vector<int32_t> out(static_cast<std::size_t>(l.in_c * oh * ow));
  for (int64_t c = 0; c < l.in_c; ++c) {
    const int8_t* in = &d.input[c * l.in_h * l.in_w];
    for (int64_t oy = 0; oy < oh; ++oy) {
      for (int64_t ox = 0; ox < ow; ++ox) {
        int64_t sum = 0, max = std::numeric_limits<int64_t>::min();
        for (int64_t ky = 0; ky < l.kh; ++ky) {
          const int64_t iy = oy * l.stride_h - l.pad_h + ky;
          if (iy < 0 || iy >= l.in_h) continue;
          for (int64_t kx = 0; kx < l.kw; ++kx) {
            const int64_t ix = ox * l.stride_w - l.pad_w + kx;
            if (ix < 0 || ix >= l.in_w) continue;
            sum += in[iy * l.in_w + ix];
            max = std::max<int64_t>(max, in[iy * l.in_w + ix]);
          }
        }
        if (is_max && max == std::numeric_limits<int64_t>::min()) {
          // validate_layer keeps padding <= kernel/2, so this means an unvalidated layer.
          throw std::invalid_argument("golden_output: max pool window of layer '" + l.name +
                                      "' is all padding");
        }
        out[(c * oh + oy) * ow + ox] = static_cast<int32_t>(is_max ? max : sum / (l.kh * l.kw));
      }
    }
  }
  return out;
}

}  // namespace

std::vector<int8_t> make_int8_data(int64_t count, uint64_t seed) { return random_int8(count, seed); }

LayerData make_layer_data(const Layer& layer, uint64_t seed) {
  LayerData data;
  data.input = random_int8(layer.input_elems(), seed ^ kInputStream);
  data.weights = random_int8(layer.weight_elems(), seed ^ kWeightStream);
  return data;
}

std::vector<int32_t> golden_output(const Layer& layer, const LayerData& data, GoldenPath path) {
  check_sizes(layer, data);
  const bool fast = path == GoldenPath::Fast;
  if (layer.is_gemm()) return fast ? gemm_fast(layer, data) : gemm_naive(layer, data);
  if (layer.is_conv()) return fast ? conv_fast(layer, data) : conv_naive(layer, data);
  return pool(layer, data);
}

uint64_t hash_output(const std::vector<int32_t>& values) {
  // FNV-1a 64 over each value's four bytes, least significant first, whatever the host's endianness.
  uint64_t h = 0xCBF29CE484222325ull;
  for (const int32_t v : values) {
    const uint32_t u = static_cast<uint32_t>(v);
    for (int byte = 0; byte < 4; ++byte) {
      h ^= (u >> (8 * byte)) & 0xFFu;
      h *= 0x100000001B3ull;
    }
  }
  return h;
}

}  // namespace acv
