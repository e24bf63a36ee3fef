// The plasticine mapper: GEMM, conv (im2col) and dense as map-reduce patterns over the PCU grid;
// DRAM image (B transposed, so a column is a vector over K) and output read-back.
#include "plasticine_accelerator.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "models/common/gemm_lowering.h"

namespace acv {

namespace plasticine {

std::shared_ptr<const IsaSpec> isa() {
  static const auto spec = std::make_shared<const IsaSpec>(IsaSpec{
      "plasticine",
      {{"route", {"pcu", "pmu"}},
       {"load", {"pmu", "bcast", "half", "entry", "dram_addr", "rows", "row_bytes", "stride", "fill"}},
       {"compute", {"half", "o_half", "a_entry", "b_entry", "m_len", "n_len", "k_chunks", "k_len", "o_stride"}},
       {"store", {"pcu", "half", "dram_addr", "rows", "cols", "stride", "o_stride", "release"}}}});
  return spec;
}

namespace {
bool is_pow2(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }
int64_t log2_exact(int64_t v) {
  int64_t l = 0;
  while ((int64_t{1} << l) < v) ++l;
  return l;
}
int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
}  // namespace

int64_t Params::pipeline_depth() const { return 1 + stages + log2_exact(lanes) + 1; }

Params read_params(const AccelConfig& c) {
  c.check_keys({"rows", "cols", "lanes", "stages", "pmu_banks", "bank_depth", "out_depth", "burst_bytes",
                "queue_depth", "dram_bytes"});
  Params p;
  // The RTL numbers units in 6 bits and PMU entries in 16 (plasticine_pkg.sv).
  p.rows = c.get_int_in("rows", 1, 8, "grid rows the RTL is built for");
  p.cols = c.get_int_in("cols", 1, 8, "grid columns the RTL is built for");
  if ((p.rows * p.cols) % 2 != 0) c.fail("cols", "rows * cols must be even (PCUs and PMUs in a checkerboard)");
  p.lanes = c.get_int_in("lanes", 4, 64, "SIMD lanes of a PCU");
  if (!is_pow2(p.lanes)) c.fail("lanes", "must be a power of two (the cross-lane reduction tree)");
  p.stages = c.get_int_in("stages", 2, 16, "pipeline stages of a PCU");
  p.pmu_banks = c.get_positive_int("pmu_banks");
  if (p.pmu_banks != p.lanes) c.fail("pmu_banks", "must equal lanes (one bank feeds one lane)");
  p.bank_depth = c.get_int_in("bank_depth", 4, 65536, "16-bit PMU entry addresses");
  if (!is_pow2(p.bank_depth)) c.fail("bank_depth", "must be a power of two (two halves)");
  p.out_depth = c.get_int_in("out_depth", 1, 32768, "16-bit output buffer addresses");
  if (!is_pow2(p.out_depth)) c.fail("out_depth", "must be a power of two");
  p.burst_bytes = c.get_int_in("burst_bytes", 4, 256, "the memory port's data width");
  if (!is_pow2(p.burst_bytes) || p.burst_bytes < p.lanes)
    c.fail("burst_bytes", "must be a power of two of at least lanes bytes (a burst fills whole PMU entries)");
  p.queue_depth = c.get_int_in("queue_depth", 1, 64, "a command queue of the RTL");
  p.dram_bytes = c.get_positive_int("dram_bytes");
  if (p.dram_bytes > (int64_t{1} << 32)) c.fail("dram_bytes", "must be at most 4 GiB (32-bit addresses)");
  return p;
}

Tiling choose_tiling(int64_t m, int64_t n, int64_t k, const Params& p, const DramConfig& dram) {
  const int64_t kc = ceil_div(k, p.lanes), pcus = p.pcus();
  const int64_t max_rows = p.half_entries() / kc;  // tm + tn rows of kc entries in one half
  if (max_rows < 2) return {};
  const int64_t bpc = std::max<int64_t>(1, dram.bytes_per_cycle);
  // Candidate sizes: powers of two and the sizes that split a dimension evenly into q tiles.
  auto candidates = [&](int64_t extent) {
    std::set<int64_t> s;
    for (int64_t t = 1; t <= extent; t *= 2) s.insert(t);
    for (int64_t q = 1; q <= 64; ++q) s.insert(ceil_div(extent, q));
    return s;
  };
  Tiling best;
  double best_cost = -1;
  for (const bool split_m : {true, false}) {
    const int64_t dist = split_m ? m : n, other = split_m ? n : m;
    for (const int64_t td : candidates(ceil_div(dist, pcus))) {
      for (const int64_t to : candidates(other)) {
        // tn columns of int32 are one store burst.
        const int64_t tn = split_m ? to : td;
        if (td + to > max_rows || td * to > p.out_depth || 4 * tn > p.burst_bytes) continue;
        // Per tile: the lock-step compute against the port time of the next tile's loads and the
        // previous tile's stores, which share the port while it runs (broadcast operand once). A
        // request holds the port for its transfer, and an outstanding slot for the latency.
        const int64_t tiles = ceil_div(dist, td * pcus) * ceil_div(other, to);
        const int64_t compute = td * to * kc + p.pipeline_depth();
        const int64_t rows = std::min(dist, td * pcus);
        auto request = [&](int64_t bytes) {
          return std::max(ceil_div(bytes, bpc), ceil_div(dram.latency + 1, std::max<int64_t>(1, dram.max_outstanding)));
        };
        const int64_t port = (rows + to) * ceil_div(k, p.burst_bytes) * request(p.burst_bytes) +
                             (1 + pcus) * (dram.latency + 2) + (split_m ? rows : to) * request(4 * tn);
        const double cost = static_cast<double>(tiles) * static_cast<double>(std::max(compute, port) + 8);
        if (best_cost < 0 || cost < best_cost) {
          best_cost = cost;
          best = split_m ? Tiling{true, td, to} : Tiling{false, to, td};
        }
      }
    }
  }
  return best;
}

}  // namespace plasticine

namespace {

using namespace plasticine;

// The operands as the address generators read them: rows of A ([group][m][k]) and of B
// transposed ([group][n][k]) padded to whole bursts, after the GEMM layout (whose C region the
// Program writes). A row's chunks are then one arithmetic sequence of bursts.
struct PaddedOperands {
  uint64_t a = 0, b = 0, end = 0;
  int64_t pitch = 0;  // bytes per padded row
};
PaddedOperands padded_operands(const GemmShape& g, const GemmDramLayout& lay, int64_t burst_bytes) {
  PaddedOperands o;
  o.pitch = ceil_div(g.k, burst_bytes) * burst_bytes;
  auto align = [burst_bytes](uint64_t v) { return (v + burst_bytes - 1) / burst_bytes * burst_bytes; };
  o.a = align(lay.end);
  o.b = align(o.a + static_cast<uint64_t>(g.groups * g.m * o.pitch));
  o.end = align(o.b + static_cast<uint64_t>(g.groups * g.n * o.pitch));
  return o;
}

}  // namespace

void PlasticineAccelerator::check_config(const AccelConfig& config) const { read_params(config); }

int64_t PlasticineAccelerator::processing_elements(const AccelConfig& config) const {
  const Params p = read_params(config);
  return p.pcus() * p.lanes;
}

Program PlasticineAccelerator::map(const Layer& layer, const AccelConfig& config) const {
  if (layer.is_pool())
    throw UnsupportedLayer("layer '" + layer.name + "': " + to_string(layer.kind) +
                           " is not supported by the plasticine accelerator (acv's mapper has no pooling pattern)");
  const Params p = read_params(config);
  const GemmShape g = gemm_shape(layer);
  const GemmDramLayout lay = gemm_dram_layout(g);
  const PaddedOperands ops = padded_operands(g, lay, p.burst_bytes);
  if (ops.end > static_cast<uint64_t>(p.dram_bytes))
    throw MappingError(layer.loc, "layer '" + layer.name + "' needs " + std::to_string(ops.end) +
                       " bytes of external memory; config " + config.file +
                       " has dram_bytes=" + std::to_string(p.dram_bytes));
  const int64_t kc = ceil_div(g.k, p.lanes);
  const Tiling t = choose_tiling(g.m, g.n, g.k, p, config.dram);
  if (t.tm == 0)
    throw MappingError(layer.loc, "layer '" + layer.name + "' does not fit a PMU: one row of A and one of B need 2 x " +
                       std::to_string(kc) + " entries per bank (K=" + std::to_string(g.k) + " over " +
                       std::to_string(p.lanes) + " banks), a half of bank_depth=" + std::to_string(p.bank_depth) +
                       " holds " + std::to_string(p.half_entries()) + " (config " + config.file + ")");
  const int64_t pcus = p.pcus();
  // The distributed operand X is split over the PCUs (td rows each), the broadcast one Y is not.
  const int64_t td = t.split_m ? t.tm : t.tn, ty = t.split_m ? t.tn : t.tm;
  const int64_t dist = t.split_m ? g.m : g.n, other = t.split_m ? g.n : g.m;
  const int64_t dt = ceil_div(dist, td * pcus), ot = ceil_div(other, ty);
  // PMU half layout: A rows from entry 0, B columns after tm rows; rows of kc entries.
  const int64_t b_entry = t.tm * kc;
  const int64_t x_entry = t.split_m ? 0 : b_entry, y_entry = t.split_m ? b_entry : 0;
  const uint64_t x_base = t.split_m ? ops.a : ops.b, y_base = t.split_m ? ops.b : ops.a;
  const int64_t pitch = ops.pitch;
  const int64_t x_group = (t.split_m ? g.m : g.n) * pitch, y_group = (t.split_m ? g.n : g.m) * pitch;

  // Depths: 1 group, 2 distributed tile, 3 other tile, 4 PCU (loads, stores).
  const Expr grp = idx(1), dti = idx(2), oti = idx(3), pcu = idx(4);
  const Expr half = (grp * (dt * ot) + dti * ot + oti) % 2;
  const Expr x_first = dti * (td * pcus) + pcu * td;  // this PCU's first distributed row
  const Expr x_rows = clamp(Expr(dist) - x_first, 0, td);
  const Expr y_first = oti * ty;
  const Expr y_rows = min(Expr(other) - y_first, ty);
  const Expr x0_rows = clamp(Expr(dist) - dti * (td * pcus), 0, td);  // PCU 0's: the lock-step count

  std::vector<Statement> tile;
  tile.push_back(make_instruction(
      kLoad, {0, 1, half, y_entry, Expr(static_cast<int64_t>(y_base)) + grp * y_group + y_first * pitch, y_rows, g.k,
              pitch, 0}));
  tile.push_back(make_loop(
      "px", pcus,
      {make_instruction(kLoad, {pcu, 0, half, x_entry,
                                Expr(static_cast<int64_t>(x_base)) + grp * x_group + x_first * pitch, x_rows, g.k,
                                pitch, clamp(pcu - (pcus - 2), 0, 1)})}));
  const Expr m_len = t.split_m ? x0_rows : y_rows, n_len = t.split_m ? y_rows : x0_rows;
  tile.push_back(make_instruction(kCompute, {half, half, 0, b_entry, m_len, n_len, kc, g.k, t.tn}));
  // Store: PCU pcu's rows x cols block of C; the last PCU's store frees the output half.
  const Expr c_group = Expr(static_cast<int64_t>(lay.c)) + grp * (g.m * g.n * 4);
  const Expr m_first = t.split_m ? x_first : y_first, n_first = t.split_m ? y_first : x_first;
  const Expr rows = t.split_m ? x_rows : y_rows, cols = t.split_m ? y_rows : x_rows;
  tile.push_back(make_loop(
      "ps", pcus,
      {make_instruction(kStore, {pcu, half, c_group + (m_first * g.n + n_first) * 4, rows, cols, g.n * 4, t.tn,
                                 clamp(pcu - (pcus - 2), 0, 1)})}));

  Program prog;
  prog.isa = isa();
  prog.layer_name = layer.name;
  prog.top.name = "layer";
  prog.top.trips = 1;
  // The static interconnect: PCU i reads the PMU beside it in the checkerboard.
  prog.top.body.push_back(make_loop("route", pcus, {make_instruction(kRoute, {idx(1), idx(1)})}));
  prog.top.body.push_back(make_loop(
      "g", g.groups,
      {make_loop(t.split_m ? "mt" : "nt", dt, {make_loop(t.split_m ? "nt" : "mt", ot, tile)})}));
  // C where the GEMM layout has it; A and B (transposed: a column of B is a vector over K) in
  // burst-padded rows after it. The GEMM layout's A and B regions stay as the host wrote them.
  prog.regions = {{"A", ops.a, ops.b - ops.a, false, "[group][m][k] int8, rows padded to bursts"},
                  {"B", ops.b, ops.end - ops.b, false, "[group][n][k] int8, rows padded to bursts"},
                  gemm_regions(lay, false)[2]};
  prog.dram_bytes = ops.end;
  return prog;
}

std::vector<uint8_t> PlasticineAccelerator::dram_image(const Layer& layer, const LayerData& data,
                                                       const Program& program) const {
  std::vector<uint8_t> dram = gemm_dram_image(layer, data, program);
  const GemmShape g = gemm_shape(layer);
  const GemmDramLayout lay = gemm_dram_layout(g);
  const PaddedOperands ops{program.regions.at(0).base, program.regions.at(1).base, program.dram_bytes,
                           static_cast<int64_t>(program.regions.at(0).bytes) / std::max<int64_t>(1, g.groups * g.m)};
  for (int64_t grp = 0; grp < g.groups; ++grp) {
    const uint8_t* a = dram.data() + lay.a + grp * g.m * g.k;
    const uint8_t* b = dram.data() + lay.b + grp * g.k * g.n;
    uint8_t* a_rows = dram.data() + ops.a + grp * g.m * ops.pitch;
    uint8_t* b_rows = dram.data() + ops.b + grp * g.n * ops.pitch;
    for (int64_t m = 0; m < g.m; ++m) std::memcpy(a_rows + m * ops.pitch, a + m * g.k, static_cast<size_t>(g.k));
    for (int64_t k = 0; k < g.k; ++k)
      for (int64_t n = 0; n < g.n; ++n) b_rows[n * ops.pitch + k] = b[k * g.n + n];
  }
  return dram;
}

std::vector<int32_t> PlasticineAccelerator::read_output(const Layer& layer, const Program& /*program*/,
                                                        const std::vector<uint8_t>& dram) const {
  return gemm_read_output(layer, dram);
}

ACV_REGISTER_ACCELERATOR(PlasticineAccelerator, "plasticine")

}  // namespace acv
