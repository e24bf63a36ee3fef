#include "gemm_lowering.h"

#include <cstring>

#include "error.h"

namespace acv {

namespace {

uint64_t align64(uint64_t v) { return (v + 63) / 64 * 64; }

const char* const kATransposed = "[group][k][m] int8";
const char* const kARowMajor = "[group][m][k] int8";

// Element (m, k) of group grp's A: the im2col'd input for convolutions, the input matrix otherwise.
int8_t a_element(const Layer& layer, const LayerData& data, int64_t grp, int64_t m, int64_t k, int64_t gk) {
  if (!layer.is_conv()) return data.input[m * gk + k];
  const int64_t c = grp * (layer.in_c / layer.groups) + k / (layer.kh * layer.kw);
  const int64_t ky = (k / layer.kw) % layer.kh, kx = k % layer.kw;
  const int64_t y = (m / layer.out_w()) * layer.stride_h - layer.pad_h + ky;
  const int64_t x = (m % layer.out_w()) * layer.stride_w - layer.pad_w + kx;
  if (y < 0 || y >= layer.in_h || x < 0 || x >= layer.in_w) return 0;  // padding
  return data.input[(c * layer.in_h + y) * layer.in_w + x];
}

}  // namespace

GemmShape gemm_shape(const Layer& layer) {
  return {layer.gemm_groups(), layer.gemm_m(), layer.gemm_n(), layer.gemm_k()};
}

GemmDramLayout gemm_dram_layout(const GemmShape& g) {
  GemmDramLayout l;
  l.a = 0;
  l.b = align64(l.a + static_cast<uint64_t>(g.groups * g.m * g.k));
  l.c = align64(l.b + static_cast<uint64_t>(g.groups * g.k * g.n));
  l.end = align64(l.c + static_cast<uint64_t>(g.groups * g.m * g.n * 4));
  return l;
}

std::vector<DramRegion> gemm_regions(const GemmDramLayout& l, bool a_transposed) {
  return {{"A", l.a, l.b - l.a, false, a_transposed ? kATransposed : kARowMajor},
          {"B", l.b, l.c - l.b, false, "[group][k][n] int8"},
          {"C", l.c, l.end - l.c, true, "[group][m][n] int32"}};
}

bool a_is_transposed(const Program& program) {
  return !program.regions.empty() && program.regions[0].layout == kATransposed;
}

std::vector<uint8_t> gemm_dram_image(const Layer& layer, const LayerData& data, const Program& program) {
  const GemmShape g = gemm_shape(layer);
  const GemmDramLayout lay = gemm_dram_layout(g);
  const bool transposed = a_is_transposed(program);
  std::vector<uint8_t> dram(program.dram_bytes, 0);
  if (dram.size() < lay.end)
    throw BackendError("Program '" + program.layer_name + "' reserves too little external memory");
  for (int64_t grp = 0; grp < g.groups; ++grp) {
    uint8_t* a = dram.data() + lay.a + grp * g.m * g.k;
    uint8_t* b = dram.data() + lay.b + grp * g.k * g.n;
    for (int64_t m = 0; m < g.m; ++m)
      for (int64_t k = 0; k < g.k; ++k)
        a[transposed ? k * g.m + m : m * g.k + k] =
            static_cast<uint8_t>(a_element(layer, data, grp, m, k, g.k));
    for (int64_t k = 0; k < g.k; ++k)
      for (int64_t n = 0; n < g.n; ++n)
        // Conv weights [out_c][in_c/groups][kh][kw]: column n of group grp is filter grp*N + n.
        b[k * g.n + n] = static_cast<uint8_t>(layer.is_conv() ? data.weights[(grp * g.n + n) * g.k + k]
                                                              : data.weights[k * g.n + n]);
  }
  return dram;
}

std::vector<int32_t> gemm_read_output(const Layer& layer, const std::vector<uint8_t>& dram) {
  const GemmShape g = gemm_shape(layer);
  const GemmDramLayout lay = gemm_dram_layout(g);
  if (dram.size() < lay.end)
    throw BackendError("external memory image is smaller than the layer's output region");
  std::vector<int32_t> out(static_cast<std::size_t>(g.groups * g.m * g.n));
  for (int64_t grp = 0; grp < g.groups; ++grp)
    for (int64_t m = 0; m < g.m; ++m)
      for (int64_t n = 0; n < g.n; ++n) {
        int32_t v;
        std::memcpy(&v, dram.data() + lay.c + ((grp * g.m + m) * g.n + n) * 4, 4);
        // GEMM C[m][n]; convs are [out_c][out_h][out_w] with m = output pixel.
        out[layer.is_conv() ? (grp * g.n + n) * g.m + m : m * g.n + n] = v;
      }
  return out;
}

}  // namespace acv
