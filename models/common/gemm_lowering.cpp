#include "gemm_lowering.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "error.h"
#include "prefault.h"

namespace acv {

namespace {

uint64_t align64(uint64_t v) { return (v + 63) / 64 * 64; }

// dst[c * dst_stride + r] = src[r * src_stride + c] for r < rows, c < cols. Images of large layers are
// mostly transposed weights (ResNet's last convolutions: 2.4 MB of B for 0.3 MB of A), so whole
// 16 x 16 blocks go through SSE2 (baseline on x86-64), the edges byte by byte.
void transpose_bytes(const uint8_t* src, int64_t src_stride, int64_t rows, int64_t cols, uint8_t* dst,
                     int64_t dst_stride) {
  constexpr int64_t kBlock = 16;
  int64_t r0 = 0;
#if defined(__SSE2__)
  for (; r0 + kBlock <= rows; r0 += kBlock) {
    int64_t c0 = 0;
    for (; c0 + kBlock <= cols; c0 += kBlock) {
      const uint8_t* s = src + r0 * src_stride + c0;
      uint8_t* d = dst + c0 * dst_stride + r0;
      __m128i a[16], b[16];
      for (int i = 0; i < 16; ++i) a[i] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i * src_stride));
      // Interleave ever wider units: after the step on 2^j-byte units, each unit holds one column of
      // 2^(j+1) consecutive rows.
      for (int i = 0; i < 8; ++i) {  // b[2i]: columns 0-7, b[2i+1]: 8-15 of rows 2i, 2i+1
        b[2 * i] = _mm_unpacklo_epi8(a[2 * i], a[2 * i + 1]);
        b[2 * i + 1] = _mm_unpackhi_epi8(a[2 * i], a[2 * i + 1]);
      }
      for (int p = 0; p < 4; ++p) {  // a[4p + g]: columns 4g..4g+3 of rows 4p..4p+3
        a[4 * p + 0] = _mm_unpacklo_epi16(b[4 * p], b[4 * p + 2]);
        a[4 * p + 1] = _mm_unpackhi_epi16(b[4 * p], b[4 * p + 2]);
        a[4 * p + 2] = _mm_unpacklo_epi16(b[4 * p + 1], b[4 * p + 3]);
        a[4 * p + 3] = _mm_unpackhi_epi16(b[4 * p + 1], b[4 * p + 3]);
      }
      for (int q = 0; q < 2; ++q)  // b[8q + h]: columns 2h, 2h+1 of rows 8q..8q+7
        for (int g = 0; g < 4; ++g) {
          b[8 * q + 2 * g] = _mm_unpacklo_epi32(a[8 * q + g], a[8 * q + 4 + g]);
          b[8 * q + 2 * g + 1] = _mm_unpackhi_epi32(a[8 * q + g], a[8 * q + 4 + g]);
        }
      for (int h = 0; h < 8; ++h) {  // column c: all 16 rows
        _mm_storeu_si128(reinterpret_cast<__m128i*>(d + (2 * h) * dst_stride), _mm_unpacklo_epi64(b[h], b[8 + h]));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(d + (2 * h + 1) * dst_stride), _mm_unpackhi_epi64(b[h], b[8 + h]));
      }
    }
    for (int64_t r = r0; r < r0 + kBlock; ++r)
      for (int64_t c = c0; c < cols; ++c) dst[c * dst_stride + r] = src[r * src_stride + c];
  }
#endif
  // Rows below the last whole block, in tiles to stay in cache.
  for (int64_t c0 = 0; c0 < cols; c0 += kBlock)
    for (int64_t r = r0; r < rows; ++r)
      for (int64_t c = c0; c < std::min(cols, c0 + kBlock); ++c) dst[c * dst_stride + r] = src[r * src_stride + c];
}

// Rows [k0, k1) of a convolution's im2col matrix in [k][m] order (k = (c, ky, kx), m = (oy, ox)),
// row k at out + (k - k0) * M, from the input channels of one group at `in`. Positions in the padding
// are not written (`out` holds zeros there). Rows are written in order, whole output rows at a time.
void im2col_rows(const Layer& layer, const uint8_t* in, int64_t k0, int64_t k1, uint8_t* out) {
  const int64_t ow = layer.out_w(), oh = layer.out_h();
  // The output positions whose tap (ky or kx) lands inside the input: [lo, hi) (floor divisions
  // of non-negative numerators only).
  auto valid = [](int64_t pad, int64_t tap, int64_t stride, int64_t in_size, int64_t out_size, int64_t& lo,
                  int64_t& hi) {
    lo = pad - tap > 0 ? (pad - tap + stride - 1) / stride : 0;
    hi = in_size - 1 + pad - tap >= 0 ? std::min(out_size, (in_size - 1 + pad - tap) / stride + 1) : 0;
    if (hi < lo) hi = lo;
  };
  for (int64_t k = k0; k < k1; ++k) {
    const int64_t ci = k / (layer.kh * layer.kw), ky = k / layer.kw % layer.kh, kx = k % layer.kw;
    int64_t ox_lo, ox_hi;
    valid(layer.pad_w, kx, layer.stride_w, layer.in_w, ow, ox_lo, ox_hi);
    const int64_t shift = kx - layer.pad_w;  // x = ox * stride + shift
    for (int64_t oy = 0; oy < oh; ++oy, out += ow) {
      const int64_t y = oy * layer.stride_h - layer.pad_h + ky;
      if (y < 0 || y >= layer.in_h) continue;
      const uint8_t* row = in + (ci * layer.in_h + y) * layer.in_w;
      if (layer.stride_w == 1) {
        if (ox_hi > ox_lo) std::memcpy(out + ox_lo, row + ox_lo + shift, static_cast<std::size_t>(ox_hi - ox_lo));
      } else {
        for (int64_t ox = ox_lo; ox < ox_hi; ++ox) out[ox] = row[ox * layer.stride_w + shift];
      }
    }
  }
}

const char* const kATransposed = "[group][k][m] int8";
const char* const kARowMajor = "[group][m][k] int8";

}  // namespace

GemmShape gemm_shape(const Layer& layer) {
  return {layer.gemm_groups(), layer.gemm_m(), layer.gemm_n(), layer.gemm_k()};
}

int64_t gemm_stall_free_cycles(const GemmShape& g, int64_t rows, int64_t cols, bool weight_stationary) {
  auto ceil_div = [](int64_t a, int64_t b) { return (a + b - 1) / b; };
  const int64_t folds = weight_stationary ? ceil_div(g.k, rows) * ceil_div(g.n, cols)
                                          : ceil_div(g.m, rows) * ceil_div(g.n, cols);
  const int64_t per_fold = weight_stationary ? g.m + 2 * rows + cols - 2 : g.k + rows + cols - 2;
  return g.groups * folds * per_fold - 1;
}

GemmDramLayout gemm_dram_layout(const GemmShape& g) {
  GemmDramLayout l;
  l.a = 0;
  l.b = align64(l.a + static_cast<uint64_t>(g.groups * g.m * g.k));
  l.c = align64(l.b + static_cast<uint64_t>(g.groups * g.k * g.n));
  l.end = align64(l.c + static_cast<uint64_t>(g.groups * g.m * g.n * 4));
  return l;
}

Program gemm_program(std::shared_ptr<const IsaSpec> isa, const std::string& layer_name, std::vector<Statement> body,
                     const GemmDramLayout& layout, bool a_transposed) {
  Program prog;
  prog.isa = std::move(isa);
  prog.layer_name = layer_name;
  prog.top.name = "layer";
  prog.top.trips = 1;
  prog.top.body = std::move(body);
  prog.regions = gemm_regions(layout, a_transposed);
  prog.dram_bytes = layout.end;
  return prog;
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
  std::vector<uint8_t> dram = prefaulted_vector<uint8_t>(program.dram_bytes);
  if (dram.size() < lay.end)
    throw BackendError("Program '" + program.layer_name + "' reserves too little external memory");
  constexpr int64_t kBlockRows = 16;
  std::vector<uint8_t> block(layer.is_conv() && !transposed ? static_cast<std::size_t>(kBlockRows * g.m) : 0);
  for (int64_t grp = 0; grp < g.groups; ++grp) {
    uint8_t* a = dram.data() + lay.a + grp * g.m * g.k;
    uint8_t* b = dram.data() + lay.b + grp * g.k * g.n;
    if (!layer.is_conv()) {
      const uint8_t* in = reinterpret_cast<const uint8_t*>(data.input.data()) + grp * g.m * g.k;
      if (!transposed) std::memcpy(a, in, static_cast<std::size_t>(g.m * g.k));
      else transpose_bytes(in, g.k, g.m, g.k, a, g.m);
    } else {
      const uint8_t* in =
          reinterpret_cast<const uint8_t*>(data.input.data()) + grp * (layer.in_c / layer.groups) * layer.in_h * layer.in_w;
      if (transposed) {
        im2col_rows(layer, in, 0, g.k, a);
      } else {
        // [m][k] in blocks of 16 rows of k: each block written as [k][m] rows (whole output rows
        // at a time) and transposed in place, rather than kw bytes at a time per output pixel.
        for (int64_t k0 = 0; k0 < g.k; k0 += kBlockRows) {
          const int64_t k1 = std::min(g.k, k0 + kBlockRows);
          std::fill(block.begin(), block.end(), uint8_t{0});
          im2col_rows(layer, in, k0, k1, block.data());
          transpose_bytes(block.data(), g.m, k1 - k0, g.m, a + k0, g.k);
        }
      }
    }
    // B [k][n]; conv weights [out_c][in_c/groups][kh][kw]: column n of group grp is filter
    // grp*N + n, so B is their transpose.
    if (!layer.is_conv()) {
      std::memcpy(b, data.weights.data(), static_cast<std::size_t>(g.k * g.n));
    } else {
      const uint8_t* w = reinterpret_cast<const uint8_t*>(data.weights.data()) + grp * g.n * g.k;
      transpose_bytes(w, g.k, g.n, g.k, b, g.n);
    }
  }
  return dram;
}

std::vector<int32_t> gemm_read_output(const Layer& layer, const std::vector<uint8_t>& dram) {
  const GemmShape g = gemm_shape(layer);
  const GemmDramLayout lay = gemm_dram_layout(g);
  if (dram.size() < lay.end)
    throw BackendError("external memory image is smaller than the layer's output region");
  std::vector<int32_t> out = prefaulted_vector<int32_t>(static_cast<std::size_t>(g.groups * g.m * g.n));
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
