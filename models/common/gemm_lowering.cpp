#include "gemm_lowering.h"

#include <algorithm>
#include <cstring>

#include "error.h"

namespace acv {

namespace {

uint64_t align64(uint64_t v) { return (v + 63) / 64 * 64; }

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
  std::vector<uint8_t> dram(program.dram_bytes, 0);
  if (dram.size() < lay.end)
    throw BackendError("Program '" + program.layer_name + "' reserves too little external memory");
  for (int64_t grp = 0; grp < g.groups; ++grp) {
    uint8_t* a = dram.data() + lay.a + grp * g.m * g.k;
    uint8_t* b = dram.data() + lay.b + grp * g.k * g.n;
    if (!layer.is_conv()) {
      const uint8_t* in = reinterpret_cast<const uint8_t*>(data.input.data()) + grp * g.m * g.k;
      if (!transposed) std::memcpy(a, in, static_cast<std::size_t>(g.m * g.k));
      else
        for (int64_t m = 0; m < g.m; ++m)
          for (int64_t k = 0; k < g.k; ++k) a[k * g.m + m] = in[m * g.k + k];
    } else {
      // im2col without a division per element: k = (c, ky, kx), m = (oy, ox); padding stays zero.
      // Each layout is written in its own order, so the writes are sequential.
      const int64_t cin = layer.in_c / layer.groups, ow = layer.out_w(), oh = layer.out_h();
      const uint8_t* in = reinterpret_cast<const uint8_t*>(data.input.data()) + grp * cin * layer.in_h * layer.in_w;
      // The output positions whose tap (ky or kx) lands inside the input: [lo, hi) (floor divisions
      // of non-negative numerators only).
      auto valid = [](int64_t pad, int64_t tap, int64_t stride, int64_t in_size, int64_t out_size, int64_t& lo,
                      int64_t& hi) {
        lo = pad - tap > 0 ? (pad - tap + stride - 1) / stride : 0;
        hi = in_size - 1 + pad - tap >= 0 ? std::min(out_size, (in_size - 1 + pad - tap) / stride + 1) : 0;
        if (hi < lo) hi = lo;
      };
      if (transposed) {  // a[k * M + m]
        uint8_t* out = a;
        for (int64_t ci = 0; ci < cin; ++ci)
          for (int64_t ky = 0; ky < layer.kh; ++ky)
            for (int64_t kx = 0; kx < layer.kw; ++kx) {
              int64_t ox_lo, ox_hi;
              valid(layer.pad_w, kx, layer.stride_w, layer.in_w, ow, ox_lo, ox_hi);
              for (int64_t oy = 0; oy < oh; ++oy, out += ow) {
                const int64_t y = oy * layer.stride_h - layer.pad_h + ky;
                if (y < 0 || y >= layer.in_h) continue;
                const uint8_t* row = in + (ci * layer.in_h + y) * layer.in_w;
                const int64_t shift = kx - layer.pad_w;  // x = ox * stride + shift
                if (layer.stride_w == 1) {
                  if (ox_hi > ox_lo)
                    std::memcpy(out + ox_lo, row + ox_lo + shift, static_cast<std::size_t>(ox_hi - ox_lo));
                } else {
                  for (int64_t ox = ox_lo; ox < ox_hi; ++ox) out[ox] = row[ox * layer.stride_w + shift];
                }
              }
            }
      } else {  // a[m * K + k]
        uint8_t* out = a;
        for (int64_t oy = 0; oy < oh; ++oy)
          for (int64_t ox = 0; ox < ow; ++ox) {
            const int64_t x0 = ox * layer.stride_w - layer.pad_w;
            const int64_t kx_lo = std::max<int64_t>(0, -x0), kx_hi = std::min(layer.kw, layer.in_w - x0);
            for (int64_t ci = 0; ci < cin; ++ci)
              for (int64_t ky = 0; ky < layer.kh; ++ky, out += layer.kw) {
                const int64_t y = oy * layer.stride_h - layer.pad_h + ky;
                if (y < 0 || y >= layer.in_h || kx_hi <= kx_lo) continue;
                const uint8_t* row = in + (ci * layer.in_h + y) * layer.in_w;
                std::memcpy(out + kx_lo, row + x0 + kx_lo, static_cast<std::size_t>(kx_hi - kx_lo));
              }
          }
      }
    }
    // B [k][n]; conv weights [out_c][in_c/groups][kh][kw]: column n of group grp is filter
    // grp*N + n, so B is their transpose (in tiles, to stay in cache).
    if (!layer.is_conv()) {
      std::memcpy(b, data.weights.data(), static_cast<std::size_t>(g.k * g.n));
    } else {
      const uint8_t* w = reinterpret_cast<const uint8_t*>(data.weights.data()) + grp * g.n * g.k;
      constexpr int64_t kTile = 32;
      for (int64_t n0 = 0; n0 < g.n; n0 += kTile)
        for (int64_t k0 = 0; k0 < g.k; k0 += kTile)
          for (int64_t n = n0; n < std::min(g.n, n0 + kTile); ++n)
            for (int64_t k = k0; k < std::min(g.k, k0 + kTile); ++k) b[k * g.n + n] = w[n * g.k + k];
    }
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
