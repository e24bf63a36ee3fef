// The gemmini mapper: layers to tiled, double-buffered Programs; DRAM image and output read-back.
#include "gemmini_accelerator.h"

#include <algorithm>

#include "models/common/gemm_lowering.h"

namespace acv {

namespace gemmini {

std::shared_ptr<const IsaSpec> isa() {
  static const auto spec = std::make_shared<const IsaSpec>(
      IsaSpec{"gemmini",
              {{"config_ex", {"dataflow", "activation", "shift"}},
               {"config_ld", {"stride"}},
               {"config_st", {"stride"}},
               {"mvin", {"dram_addr", "local_addr", "to_acc", "rows", "cols"}},
               {"mvout", {"dram_addr", "local_addr", "from_acc", "full", "rows", "cols"}},
               {"preload", {"b_addr", "b_rows", "c_addr", "c_rows", "c_accumulate"}},
               {"compute_preloaded", {"a_addr", "b_addr", "rows"}},
               {"compute_accumulated", {"a_addr", "b_addr", "rows"}},
               {"flush", {}}}});
  return spec;
}

Params read_params(const AccelConfig& c) {
  c.check_keys({"dim", "dataflow", "sp_capacity_kib", "sp_banks", "acc_capacity_kib", "acc_banks",
                "ld_queue_depth", "ex_queue_depth", "st_queue_depth", "dram_bytes"});
  Params p;
  p.dim = c.get_positive_int("dim");
  p.weight_stationary = c.get_choice("dataflow", {"ws", "os"}) == "ws";
  p.sp_capacity_kib = c.get_positive_int("sp_capacity_kib");
  p.sp_banks = c.get_positive_int("sp_banks");
  p.acc_capacity_kib = c.get_positive_int("acc_capacity_kib");
  p.acc_banks = c.get_positive_int("acc_banks");
  // Queued commands are numbered in 16 bits and tracked entry by entry (gemmini_pkg.sv).
  p.ld_queue_depth = c.get_int_in("ld_queue_depth", 1, 256, "a command queue of the RTL");
  p.ex_queue_depth = c.get_int_in("ex_queue_depth", 1, 256, "a command queue of the RTL");
  p.st_queue_depth = c.get_int_in("st_queue_depth", 1, 256, "a command queue of the RTL");
  p.dram_bytes = c.get_positive_int("dram_bytes");
  if (p.dim > 64) c.fail("dim", "must be at most 64");
  if (p.dram_bytes > (int64_t{1} << 32)) c.fail("dram_bytes", "must be at most 4 GiB (32-bit addresses)");
  // Row addresses are 20-bit local addresses (gemmini_pkg.sv LocalAw).
  if (p.sp_capacity_kib > (int64_t{1} << 20) || p.sp_rows() > (int64_t{1} << 20))
    c.fail("sp_capacity_kib", "must give at most 2^20 rows of DIM bytes (20-bit local row addresses)");
  if (p.acc_capacity_kib > (int64_t{1} << 20) || p.acc_rows() > (int64_t{1} << 20))
    c.fail("acc_capacity_kib", "must give at most 2^20 rows of 4*DIM bytes (20-bit local row addresses)");
  if ((p.sp_capacity_kib * 1024) % p.dim != 0)
    c.fail("sp_capacity_kib", "must be a whole number of DIM-byte rows");
  if ((p.acc_capacity_kib * 1024) % (4 * p.dim) != 0)
    c.fail("acc_capacity_kib", "must be a whole number of 4*DIM-byte rows");
  if (p.sp_rows() % p.sp_banks != 0 || p.sp_rows() / p.sp_banks < p.dim)
    c.fail("sp_banks", "must divide the " + std::to_string(p.sp_rows()) +
                           " scratchpad rows into banks of at least DIM rows");
  if (p.acc_rows() % p.acc_banks != 0 || p.acc_rows() / p.acc_banks < p.dim)
    c.fail("acc_banks", "must divide the " + std::to_string(p.acc_rows()) +
                            " accumulator rows into banks of at least DIM rows");
  return p;
}

namespace {

std::vector<int64_t> divisors(int64_t n) {
  std::vector<int64_t> d;
  for (int64_t i = 1; i * i <= n; ++i) {
    if (n % i != 0) continue;
    d.push_back(i);
    if (i != n / i) d.push_back(n / i);
  }
  std::sort(d.begin(), d.end());
  return d;
}

}  // namespace

Tiling choose_tiling(int64_t mb, int64_t nb, int64_t kb, const Params& p) {
  // Double-buffered: one iteration's A and B tiles in half the scratchpad, C in half the accumulator.
  const int64_t sp_half_blocks = p.sp_rows() / 2 / p.dim;
  const int64_t acc_half_blocks = p.acc_rows() / 2 / p.dim;
  Tiling best{0, 0, 0};
  int64_t best_cost = -1;
  for (const int64_t ti : divisors(mb)) {
    for (const int64_t tj : divisors(nb)) {
      if (ti * tj > acc_half_blocks) break;
      for (const int64_t tk : divisors(kb)) {
        if ((ti + tj) * tk > sp_half_blocks) break;
        // Blocks moved from external memory: A once per j tile, B once per i tile; fewer tiles break ties.
        const int64_t cost =
            (mb * kb * (nb / tj) + kb * nb * (mb / ti)) * 4 + (mb / ti) * (nb / tj) * (kb / tk);
        if (best_cost < 0 || cost < best_cost) {
          best_cost = cost;
          best = {ti, tj, tk};
        }
      }
    }
  }
  return best;  // {0,0,0}: not even one block of each fits
}

}  // namespace gemmini

namespace {

using namespace gemmini;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
// Appends a loop unless it has no trips (a tile of one block has no "remaining blocks" loop).
void add_loop(std::vector<Statement>& out, const std::string& name, int64_t trips,
              std::vector<Statement> body) {
  if (trips <= 0) return;
  out.push_back(make_loop(name, trips, std::move(body)));
}

}  // namespace

void GemminiAccelerator::check_config(const AccelConfig& config) const { read_params(config); }

int64_t GemminiAccelerator::processing_elements(const AccelConfig& config) const {
  const Params p = read_params(config);
  return p.dim * p.dim;
}

Program GemminiAccelerator::map(const Layer& layer, const AccelConfig& config) const {
  if (layer.is_pool())
    throw UnsupportedLayer(
        "layer '" + layer.name + "': " + to_string(layer.kind) +
        " is not supported by the gemmini accelerator (acv's version has no pooling unit)");
  const Params p = read_params(config);
  const GemmShape g = gemm_shape(layer);
  const GemmDramLayout lay = gemm_dram_layout(g);
  if (lay.end > static_cast<uint64_t>(p.dram_bytes))
    throw MappingError("layer '" + layer.name + "' needs " + std::to_string(lay.end) +
                       " bytes of external memory; config " + config.file +
                       " has dram_bytes=" + std::to_string(p.dram_bytes));
  const int64_t dim = p.dim;
  const int64_t mb = ceil_div(g.m, dim), nb = ceil_div(g.n, dim), kb = ceil_div(g.k, dim);
  const Tiling t = choose_tiling(mb, nb, kb, p);
  if (t.ti == 0) {
    const bool sp_short = p.sp_rows() / 2 < 2 * dim;
    throw MappingError(
        "layer '" + layer.name + "' does not fit the " +
        (sp_short ? "scratchpad (half of " + std::to_string(p.sp_rows()) + " rows < 2 DIM blocks)"
                  : "accumulator (half of " + std::to_string(p.acc_rows()) + " rows < 1 DIM block)") +
        " of config " + config.file);
  }
  const int64_t mt = mb / t.ti, nt = nb / t.tj, kt_n = kb / t.tk;
  const bool ws = p.weight_stationary;
  const int64_t sp_half = p.sp_rows() / 2, acc_half = p.acc_rows() / 2;

  // Loop depths: 1 group, 2 i-tile, 3 j-tile, 4 k-tile, 5.. block loops inside a k-tile.
  const Expr grp = idx(1), it = idx(2), jt = idx(3), kt = idx(4);
  // Halves alternate per iteration: (iteration * half + offset) mod (2 * half) is the offset in
  // half (iteration mod 2) for 0 <= offset < half, which Expr can say (mod comes last).
  const Expr sp_iter = (grp * (mt * nt * kt_n) + it * (nt * kt_n) + jt * kt_n + kt) * sp_half;
  const Expr acc_iter = (grp * (mt * nt) + it * nt + jt) * acc_half;
  const Expr a_group = Expr(static_cast<int64_t>(lay.a)) + grp * (g.m * g.k);
  const Expr b_group = Expr(static_cast<int64_t>(lay.b)) + grp * (g.k * g.n);
  const Expr c_group = Expr(static_cast<int64_t>(lay.c)) + grp * (g.m * g.n * 4);

  // Block coordinates as expressions of a tile index and an in-tile block index.
  auto m_first = [&](const Expr& ii) { return (it * t.ti + ii) * dim; };
  auto n_first = [&](const Expr& jj) { return (jt * t.tj + jj) * dim; };
  auto k_first = [&](const Expr& kk) { return (kt * t.tk + kk) * dim; };
  auto m_len = [&](const Expr& ii) { return min(Expr(g.m) - m_first(ii), dim); };
  auto n_len = [&](const Expr& jj) { return min(Expr(g.n) - n_first(jj), dim); };
  auto k_len = [&](const Expr& kk) { return min(Expr(g.k) - k_first(kk), dim); };
  // Scratchpad / accumulator rows of block (ii, kk) of A, (kk, jj) of B, (ii, jj) of C.
  auto a_row = [&](const Expr& ii, const Expr& kk) {
    return (sp_iter + (ii * t.tk + kk) * dim) % (2 * sp_half);
  };
  auto b_row = [&](const Expr& kk, const Expr& jj) {
    return (sp_iter + (kk * t.tj + jj + t.ti * t.tk) * dim) % (2 * sp_half);
  };
  auto c_row = [&](const Expr& ii, const Expr& jj) {
    return (acc_iter + (ii * t.tj + jj) * dim) % (2 * acc_half);
  };

  // k-tile body. Depth 5 and 6 are the block loops of the mvins, computes and mvouts.
  std::vector<Statement> ktile;
  {
    const Expr ii = idx(5), kk = idx(6);
    ktile.push_back(make_instruction(kConfigLd, {ws ? g.k : g.m}));
    const Statement mvin_a =
        ws ? make_instruction(
                 kMvin, {a_group + m_first(ii) * g.k + k_first(kk), a_row(ii, kk), 0, m_len(ii), k_len(kk)})
           : make_instruction(
                 kMvin, {a_group + k_first(kk) * g.m + m_first(ii), a_row(ii, kk), 0, k_len(kk), m_len(ii)});
    ktile.push_back(make_loop("ia", t.ti, {make_loop("ka", t.tk, {mvin_a})}));
    const Expr kk2 = idx(5), jj2 = idx(6);
    ktile.push_back(make_instruction(kConfigLd, {g.n}));
    ktile.push_back(
        make_loop("kb", t.tk,
                  {make_loop("jb", t.tj,
                             {make_instruction(kMvin, {b_group + k_first(kk2) * g.n + n_first(jj2),
                                                       b_row(kk2, jj2), 0, k_len(kk2), n_len(jj2)})})}));
  }
  if (ws) {
    // jj / kk { preload B, C[0]; compute_preloaded A[0]; ii >= 1 { preload C[ii]; compute_accumulated A[ii] }
    // }
    const Expr jj = idx(5), kk = idx(6);
    const Expr accumulate = clamp(kt * t.tk + kk, 0, 1);
    std::vector<Statement> body = {
        make_instruction(kPreload, {b_row(kk, jj), k_len(kk), c_row(0, jj), m_len(0), accumulate}),
        make_instruction(kComputePreloaded, {a_row(0, kk), 0, m_len(0)})};
    const Expr ii = idx(7) + 1;
    add_loop(body, "ic", t.ti - 1,
             {make_instruction(kPreload, {0, 0, c_row(ii, jj), m_len(ii), accumulate}),
              make_instruction(kComputeAccumulated, {a_row(ii, kk), 0, m_len(ii)})});
    ktile.push_back(make_loop("jc", t.tj, {make_loop("kc", t.tk, body)}));
  } else {
    // ii / jj { K chain: preload (C only on the last block) + compute, PEs accumulating }
    const Expr ii = idx(5), jj = idx(6);
    const Expr accumulate = clamp(kt, 0, 1);
    std::vector<Statement> body;
    auto compute = [&](Opcode op, const Expr& kk, bool last) {
      body.push_back(last ? make_instruction(kPreload, {0, 0, c_row(ii, jj), m_len(ii), accumulate})
                          : make_instruction(kPreload, {0, 0, 0, 0, 0}));
      body.push_back(make_instruction(op, {a_row(ii, kk), b_row(kk, jj), k_len(kk)}));
    };
    compute(kComputePreloaded, Expr(0), t.tk == 1);
    if (t.tk > 2) {
      std::vector<Statement> chain;
      std::swap(chain, body);
      compute(kComputeAccumulated, idx(7) + 1, false);
      std::swap(chain, body);
      body.push_back(make_loop("kc", t.tk - 2, chain));
    }
    if (t.tk > 1) compute(kComputeAccumulated, Expr(t.tk - 1), true);
    ktile.push_back(make_loop("ic", t.ti, {make_loop("jc", t.tj, body)}));
  }

  std::vector<Statement> after_k;
  {
    const Expr ii = idx(4), jj = idx(5);
    // After the k loop, depth 4 and 5 are the mvout block loops.
    after_k.push_back(
        make_loop("io", t.ti,
                  {make_loop("jo", t.tj,
                             {make_instruction(kMvout, {c_group + (m_first(ii) * g.n + n_first(jj)) * 4,
                                                        c_row(ii, jj), 1, 1, m_len(ii), n_len(jj)})})}));
  }

  Program prog;
  prog.isa = isa();
  prog.layer_name = layer.name;
  prog.top.name = "layer";
  prog.top.trips = 1;
  prog.top.body.push_back(make_instruction(kConfigEx, {ws ? kWs : kOs, 0, 0}));
  prog.top.body.push_back(make_instruction(kConfigSt, {g.n * 4}));
  std::vector<Statement> jbody = {make_loop("k", kt_n, ktile)};
  for (auto& s : after_k) jbody.push_back(s);
  prog.top.body.push_back(make_loop("g", g.groups, {make_loop("i", mt, {make_loop("j", nt, jbody)})}));
  prog.regions = gemm_regions(lay, !ws);
  prog.dram_bytes = lay.end;
  return prog;
}

// The DIM x DIM mesh in the programmed dataflow, as SCALE-Sim counts a systolic array's
// stall-free cycles (README.md, "Utilization bound").
int64_t GemminiAccelerator::stall_free_cycles(const Layer& layer, const AccelConfig& config) const {
  if (layer.is_pool()) return 0;
  const Params p = read_params(config);
  return gemm_stall_free_cycles(gemm_shape(layer), p.dim, p.dim, p.weight_stationary);
}

std::vector<uint8_t> GemminiAccelerator::dram_image(const Layer& layer, const LayerData& data,
                                                    const Program& program) const {
  return gemm_dram_image(layer, data, program);
}

std::vector<int32_t> GemminiAccelerator::read_output(const Layer& layer, const Program& /*program*/,
                                                     const std::vector<uint8_t>& dram) const {
  return gemm_read_output(layer, dram);
}

ACV_REGISTER_ACCELERATOR(GemminiAccelerator, "gemmini")

}  // namespace acv
