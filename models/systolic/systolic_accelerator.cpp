#include "systolic_accelerator.h"

#include <algorithm>

#include "models/common/gemm_lowering.h"

namespace acv {

namespace systolic {

std::shared_ptr<const IsaSpec> isa() {
  static const auto spec = std::make_shared<const IsaSpec>(
      IsaSpec{"systolic",
              {{"dma_load", {"buf", "half", "dram_addr", "rows", "bytes", "stride"}},
               {"compute",
                {"a_half", "b_half", "o_half", "k_len", "m_len", "first", "last", "release_a", "release_b"}},
               {"dma_store", {"half", "dram_addr", "rows", "elems", "stride"}}}});
  return spec;
}

Params read_params(const AccelConfig& c) {
  c.check_keys(
      {"rows", "cols", "dataflow", "ibuf_depth", "wbuf_depth", "obuf_depth", "queue_depth", "dram_bytes"});
  Params p;
  // Bounds of what the RTL can be built with: a Verilator build grows fast with the array (32x32
  // takes about 40 s), buffer entry counts travel in 16-bit command fields (systolic_pkg.sv).
  const char* const kArray = "the largest array the RTL is built for";
  const char* const kEntries = "entry counts are 16-bit command fields";
  p.rows = c.get_int_in("rows", 1, 64, kArray);
  p.cols = c.get_int_in("cols", 1, 64, kArray);
  p.weight_stationary = c.get_choice("dataflow", {"os", "ws"}) == "ws";
  p.ibuf_depth = c.get_int_in("ibuf_depth", 1, 65535, kEntries);
  p.wbuf_depth = c.get_int_in("wbuf_depth", 1, 65535, kEntries);
  p.obuf_depth = c.get_int_in("obuf_depth", 1, 65535, kEntries);
  p.queue_depth = c.get_int_in("queue_depth", 1, 256, "a queue of the RTL's command FIFO");
  p.dram_bytes = c.get_positive_int("dram_bytes");
  if (p.dram_bytes > (int64_t{1} << 32)) c.fail("dram_bytes", "must be at most 4 GiB (32-bit addresses)");
  if (!p.weight_stationary && p.obuf_depth < p.rows)
    c.fail("obuf_depth",
           "must be at least rows (" + std::to_string(p.rows) + ") for the output-stationary drain");
  if (p.weight_stationary && p.wbuf_depth < p.rows)
    c.fail("wbuf_depth", "must be at least rows (" + std::to_string(p.rows) + ") to hold a weight tile");
  return p;
}

}  // namespace systolic

namespace {

using namespace systolic;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
}  // namespace

void SystolicAccelerator::check_config(const AccelConfig& config) const { read_params(config); }

int64_t SystolicAccelerator::processing_elements(const AccelConfig& config) const {
  const Params p = read_params(config);
  return p.rows * p.cols;
}

Program SystolicAccelerator::map(const Layer& layer, const AccelConfig& config) const {
  if (layer.is_pool())
    throw UnsupportedLayer("layer '" + layer.name + "': " + to_string(layer.kind) +
                           " is not supported by the systolic array (it has no pooling unit)");
  const Params p = read_params(config);
  const GemmShape g = gemm_shape(layer);
  const GemmDramLayout lay = gemm_dram_layout(g);
  if (lay.end > static_cast<uint64_t>(p.dram_bytes))
    throw MappingError("layer '" + layer.name + "' needs " + std::to_string(lay.end) +
                       " bytes of external memory; config " + config.file +
                       " has dram_bytes=" + std::to_string(p.dram_bytes));

  const bool ws = p.weight_stationary;
  // Tile sizes: OS keeps an R x C output tile in the PEs and tiles K by the buffers;
  // WS keeps an R x C weight tile and streams Mt input rows into the output buffer.
  const int64_t tm = ws ? std::min({g.m, p.ibuf_depth, p.obuf_depth}) : p.rows;
  const int64_t tn = p.cols;
  const int64_t tk = ws ? p.rows : std::min({g.k, p.ibuf_depth, p.wbuf_depth});
  const int64_t nm = ceil_div(g.m, tm), nn = ceil_div(g.n, tn), nk = ceil_div(g.k, tk);

  // Loop depths: 1 group, 2 m-tile, 3 n-tile, 4 k-tile.
  const Expr grp = idx(1), mt = idx(2), nt = idx(3), kt = idx(4);
  const Expr in_half = (grp * (nm * nn * nk) + mt * (nn * nk) + nt * nk + kt) % 2;
  const Expr out_half = (grp * (nm * nn) + mt * nn + nt) % 2;
  const Expr k_len = min(Expr(g.k) - kt * tk, tk);
  const Expr m_len = min(Expr(g.m) - mt * tm, tm);
  const Expr n_len = min(Expr(g.n) - nt * tn, tn);

  const Expr a_group = Expr(static_cast<int64_t>(lay.a)) + grp * (g.m * g.k);
  const Expr b_group = Expr(static_cast<int64_t>(lay.b)) + grp * (g.k * g.n);
  const Expr c_group = Expr(static_cast<int64_t>(lay.c)) + grp * (g.m * g.n * 4);

  // OS reads A transposed (K x M) so that an IBUF entry (R values of m for one k) is contiguous.
  const Statement load_a =
      ws ? make_instruction(kDmaLoad,
                            {kIbuf, in_half, a_group + mt * (tm * g.k) + kt * tk, m_len, k_len, g.k})
         : make_instruction(kDmaLoad,
                            {kIbuf, in_half, a_group + kt * (tk * g.m) + mt * tm, k_len, m_len, g.m});
  const Statement load_b =
      make_instruction(kDmaLoad, {kWbuf, in_half, b_group + kt * (tk * g.n) + nt * tn, k_len, n_len, g.n});
  const Expr first = clamp(Expr(1) - kt, 0, 1);
  const Expr last = clamp(kt - (nk - 2), 0, 1);
  const Statement compute = make_instruction(
      kCompute, {in_half, in_half, out_half, k_len, ws ? m_len : Expr(p.rows), first, last, 1, 1});
  const Statement store = make_instruction(
      kDmaStore, {out_half, c_group + mt * (tm * g.n * 4) + nt * (tn * 4), m_len, n_len, g.n * 4});

  Program prog;
  prog.isa = isa();
  prog.layer_name = layer.name;
  prog.top.name = "layer";
  prog.top.trips = 1;
  prog.top.body.push_back(make_loop(
      "g", g.groups,
      {make_loop("m", nm, {make_loop("n", nn, {make_loop("k", nk, {load_a, load_b, compute}), store})})}));
  prog.regions = gemm_regions(lay, !ws);
  prog.dram_bytes = lay.end;
  return prog;
}

std::vector<uint8_t> SystolicAccelerator::dram_image(const Layer& layer, const LayerData& data,
                                                     const Program& program) const {
  return gemm_dram_image(layer, data, program);
}

std::vector<int32_t> SystolicAccelerator::read_output(const Layer& layer, const Program& /*program*/,
                                                      const std::vector<uint8_t>& dram) const {
  return gemm_read_output(layer, dram);
}

ACV_REGISTER_ACCELERATOR(SystolicAccelerator, "systolic")

}  // namespace acv
