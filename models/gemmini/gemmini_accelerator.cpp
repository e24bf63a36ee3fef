// The gemmini mapper: layers to tiled, double-buffered Programs; DRAM image and output read-back.
#include "gemmini_accelerator.h"

#include <algorithm>
#include <functional>

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
                "ld_queue_depth", "ex_queue_depth", "st_queue_depth", "dram_bytes", "max_in_flight_mem_reqs",
                "dma_maxbytes", "dma_buswidth", "mapping"});
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
  p.max_in_flight_mem_reqs = c.get_int_in("max_in_flight_mem_reqs", 1, 1024, "requests the DMA keeps in flight");
  p.dma_maxbytes = c.get_positive_int("dma_maxbytes");
  p.dma_buswidth = c.get_positive_int("dma_buswidth");
  p.auto_mapping = c.has("mapping") && c.get_choice("mapping", {"divisor", "auto"}) == "auto";
  if (p.dma_buswidth % 8 != 0) c.fail("dma_buswidth", "must be a whole number of bytes (bits, a multiple of 8)");
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
  // acv's DMA moves one scratchpad or accumulator row per request (rtl/gemmini/gemmini_load.sv).
  if (p.dma_maxbytes < 4 * p.dim)
    c.fail("dma_maxbytes", "must hold one accumulator row of 4*DIM = " + std::to_string(4 * p.dim) +
                               " bytes (acv's DMA moves one row per request)");
  if (p.sp_rows() % p.sp_banks != 0 || p.sp_rows() / p.sp_banks < p.dim)
    c.fail("sp_banks", "must divide the " + std::to_string(p.sp_rows()) +
                           " scratchpad rows into banks of at least DIM rows");
  if (p.acc_rows() % p.acc_banks != 0 || p.acc_rows() / p.acc_banks < p.dim)
    c.fail("acc_banks", "must divide the " + std::to_string(p.acc_rows()) +
                            " accumulator rows into banks of at least DIM rows");
  return p;
}

DramConfig memory_port(const Params& p, const DramConfig& dram) {
  DramConfig port = dram;
  port.max_outstanding = std::min(dram.max_outstanding, p.max_in_flight_mem_reqs);
  port.bytes_per_cycle = std::min(dram.bytes_per_cycle, p.dma_buswidth / 8);
  return port;
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

AutoTiling choose_auto_tiling(int64_t mb, int64_t nb, int64_t kb, const Params& p, const DramConfig& dram,
                              int64_t groups, int64_t b_blocks) {
  // Like tiled_matmul_auto: each row tile as large as the memories allow for every (tj, tk); among
  // those, the least estimated time from the RTL's per-command timing (rtl/gemmini/README.md).
  const int64_t dim = p.dim;
  const int64_t sp_blocks = p.sp_rows() / dim, acc_blocks = p.acc_rows() / dim;
  const DramConfig port = memory_port(p, dram);
  auto cdiv = [](int64_t a, int64_t b) { return (a + b - 1) / b; };
  // One DIM-row mvin of int8 rows: start, the latency once per wave of requests in flight, transfers.
  const int64_t t_block =
      2 + cdiv(dim, port.max_outstanding) * port.latency + dim * cdiv(dim, port.bytes_per_cycle);
  // A B block of a multi-block mvin (b_blocks N blocks per DRAM row): its share of one such mvin.
  const int64_t t_block_b = cdiv(2 + cdiv(dim, port.max_outstanding) * port.latency +
                                     dim * cdiv(b_blocks * dim, port.bytes_per_cycle),
                                 b_blocks);
  AutoTiling best;
  int64_t best_tiles = 0;
  // Stores of one C block (DIM accumulator rows of 4 DIM bytes).
  const int64_t t_store = dim * cdiv(4 * dim, port.bytes_per_cycle);
  auto consider = [&](int64_t ti, int64_t tj, int64_t tk, bool resident, int64_t extra) {
    const int64_t mt = cdiv(mb, ti), nt = cdiv(nb, tj), kt = cdiv(kb, tk);
    const int64_t b_loads = resident ? kb * nb : kb * nb * mt;
    const int64_t load = mb * kb * nt * t_block + b_loads * t_block_b;
    const int64_t computes = mb * nb * kb;
    // Rows back to back in both dataflows (WS weights load, OS drains overlap, while rows stream).
    const int64_t exe = computes * dim;
    // Loads and computes summed, not max: the in-order decoder lets them overlap only partly,
    // so the least traffic wins unless the execute time differs more. Not overlapped at all:
    // the first tile's loads, and a resident panel's reload per j tile.
    const int64_t exposed =
        resident ? nt * kb * tj * t_block_b + ti * kb * t_block : (ti * t_block + tj * t_block_b) * tk;
    const int64_t cost = load + exe + exposed + extra;
    const int64_t tiles = mt * nt * kt;
    if (best.ti == 0 || cost < best.est_cycles || (cost == best.est_cycles && tiles < best_tiles)) {
      best = {ti, tj, tk, resident, cost};
      best_tiles = tiles;
    }
  };
  // The layer's whole C (one group) as one tile needs no second buffer: no tile follows it. Its
  // stores then overlap nothing, so they count in full.
  const bool whole_fits = groups == 1 && mb * nb <= acc_blocks && 2 * mb * nb > acc_blocks;
  for (int64_t tj = 1; tj <= nb; ++tj) {
    const int64_t acc_ti = acc_blocks / (2 * tj);  // C tiles double-buffered in the accumulator
    const bool whole = whole_fits && tj == nb;
    if (acc_ti < 1 && !whole_fits) break;
    for (int64_t tk = 1; tk <= kb; ++tk) {
      const bool resident = tk == kb;
      // Resident: the B panel (kb x tj blocks) once, A tiles (ti x kb) double-buffered. Otherwise A
      // and B tiles of one iteration double-buffered together.
      const int64_t sp_ti = resident ? (sp_blocks - kb * tj) / (2 * kb) : (sp_blocks / 2 - tk * tj) / tk;
      const int64_t ti = std::min({mb, acc_ti, sp_ti});
      if (ti >= 1) consider(ti, tj, tk, resident, 0);
      if (whole && sp_ti >= mb) consider(mb, tj, tk, resident, mb * nb * t_store);
    }
  }
  return best;  // ti == 0: not even one block of each fits
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


// mapping: auto (README.md). Loop nest g / j tile / i tile / k tile with ragged edge tiles: each
// tile level is a loop over the full tiles and, when the blocks do not divide, a one-trip loop for
// the edge tile, so loop depths stay fixed: 1 g, 2 j, 3 i (resident B panel mvins: 3, 4), 4 k,
// 5.. block loops (mvouts: 4, 5).
Program map_auto(const Layer& layer, const GemmShape& g, const GemmDramLayout& lay, const Params& p,
                 const AutoTiling& t, const DramConfig& dram, int64_t bg) {
  const int64_t dim = p.dim;
  // bg: N blocks of B per mvin (multi-block, README.md "Multi-block mvins"); only with full K
  // blocks, so a group's blocks land DIM rows apart where the single-block layout has them.
  const bool ws = p.weight_stationary;
  const int64_t mb = ceil_div(g.m, dim), nb = ceil_div(g.n, dim), kb = ceil_div(g.k, dim);
  const int64_t mt = ceil_div(mb, t.ti), nt = ceil_div(nb, t.tj), ktn = ceil_div(kb, t.tk);
  // OS with a resident panel stores each row's C among the next row's computes, when a K chain's
  // computes outlast a mvout's transfers; on store-bound layers (short K) the mvouts would only
  // contend with the mvins.
  const bool store_ahead =
      !ws && t.resident && kb * dim > dim * ceil_div(4 * dim, memory_port(p, dram).bytes_per_cycle);
  // Scratchpad: double-buffered iteration tiles (A, plus B unless resident) in [0, 2 sp_h), the
  // resident B panel after them; accumulator: double-buffered C tiles in [0, 2 acc_h), or the
  // layer's whole C in [0, acc_h) when it is one tile too large for a half.
  const int64_t sp_h = (t.ti * t.tk + (t.resident ? 0 : t.tk * t.tj)) * dim;
  const int64_t acc_h = t.ti * t.tj * dim;
  const int64_t acc_span = 2 * acc_h <= p.acc_rows() ? 2 * acc_h : acc_h;
  const int64_t panel = 2 * sp_h;
  const Expr grp = idx(1);
  const Expr a_group = Expr(static_cast<int64_t>(lay.a)) + grp * (g.m * g.k);
  const Expr b_group = Expr(static_cast<int64_t>(lay.b)) + grp * (g.k * g.n);
  const Expr c_group = Expr(static_cast<int64_t>(lay.c)) + grp * (g.m * g.n * 4);

  // Not resident, k tiles of equal size: each k tile's first loads (OS: its B mvins and first A row;
  // WS: its first A column and B row) go among the previous k tile's last row (OS) or column (WS),
  // the next i tile's among the current i tile's last k tile; they go to the other scratchpad half,
  // read by no compute since the tile before. So only a j tile's first k tile waits for its loads.
  const bool k_ahead = !t.resident && kb % t.tk == 0 && ktn > 1;
  // Whose first loads a k tile's last row (OS) or column (WS) carries: k tile `kt` of i tile `it`
  // (`ti` row blocks).
  struct Ahead {
    Expr it, kt;
    int64_t ti;
  };

  // Emits a full-tile loop at `depth` and the edge tile as a one-trip loop; body(tile blocks, index).
  auto tiles = [](std::vector<Statement>& out, const std::string& name, int depth, int64_t blocks, int64_t tile,
                  const std::function<std::vector<Statement>(int64_t, const Expr&)>& body) {
    const int64_t full = blocks / tile, edge = blocks % tile;
    add_loop(out, name, full, body(tile, idx(depth)));
    if (edge > 0) add_loop(out, name + "_edge", 1, body(edge, Expr(full) + idx(depth)));
  };

  std::vector<Statement> top;
  top.push_back(make_instruction(kConfigEx, {ws ? kWs : kOs, 0, 0}));
  top.push_back(make_instruction(kConfigSt, {g.n * 4}));
  std::vector<Statement> groups;
  tiles(groups, "j", 2, nb, t.tj, [&](int64_t tj, const Expr& jt) {
    auto n_first = [&](const Expr& jj) { return (jt * t.tj + jj) * dim; };
    auto n_len = [&](const Expr& jj) { return min(Expr(g.n) - n_first(jj), dim); };
    // Columns of the `blocks` N blocks from j0 (one mvin).
    auto n_cols = [&](const Expr& j0, int64_t blocks) { return min(Expr(g.n) - n_first(j0), blocks * dim); };
    // The B mvins of `tj` N blocks at loop depth d: groups of bg blocks, the tile's rest last.
    auto b_groups = [&](std::vector<Statement>& out, int64_t tj, int d,
                        const std::function<Statement(const Expr&, int64_t)>& mvin) {
      add_loop(out, "jb", tj / bg, {mvin(idx(d) * bg, bg)});
      if (tj % bg != 0) add_loop(out, "jb_edge", 1, {mvin(Expr(tj / bg * bg) + idx(d), tj % bg)});
    };
    std::vector<Statement> jbody;
    if (t.resident) {
      // The B panel: every K block of this j tile, once (depths 3, 4).
      const Expr kk = idx(3), jj = idx(4);
      jbody.push_back(make_instruction(kConfigLd, {g.n}));
      auto panel_mvin = [&](const Expr& j0, int64_t blocks) {
        return make_instruction(kMvin, {b_group + kk * (dim * g.n) + n_first(j0), Expr(panel) + (kk * t.tj + j0) * dim,
                                        0, min(Expr(g.k) - kk * dim, dim), n_cols(j0, blocks)});
      };
      std::vector<Statement> row;
      b_groups(row, tj, 4, panel_mvin);
      jbody.push_back(make_loop("kp", kb, row));
    }
    // i tile `it` of `ti` row blocks; `loaded`: its first k tile's first loads came with the tile
    // before; `next_ti` > 0: its last k tile loads the next i tile's (of that many row blocks).
    auto i_tile = [&](int64_t ti, const Expr& it, bool loaded, int64_t next_ti) {
      auto m_first_at = [&](const Expr& itx, const Expr& ii) { return (itx * t.ti + ii) * dim; };
      auto m_len_at = [&](const Expr& itx, const Expr& ii) { return min(Expr(g.m) - m_first_at(itx, ii), dim); };
      auto m_first = [&](const Expr& ii) { return m_first_at(it, ii); };
      auto m_len = [&](const Expr& ii) { return m_len_at(it, ii); };
      const Expr c_iter = ((grp * nt + jt) * mt + it) * acc_h;
      auto c_row = [&](const Expr& ii, const Expr& jj) { return (c_iter + (ii * t.tj + jj) * dim) % acc_span; };
      auto mvout = [&](const Expr& ii, const Expr& jj) {
        return make_instruction(kMvout, {c_group + (m_first(ii) * g.n + n_first(jj)) * 4, c_row(ii, jj), 1, 1,
                                         m_len(ii), n_len(jj)});
      };
      std::vector<Statement> ibody;
      // Rows and mvins of k tile `kt` (block kk of it): tiles alternate scratchpad halves.
      auto k_first = [&](const Expr& kt, const Expr& kk) { return (kt * t.tk + kk) * dim; };
      auto k_len = [&](const Expr& kt, const Expr& kk) { return min(Expr(g.k) - k_first(kt, kk), dim); };
      auto sp_iter = [&](const Expr& itx, const Expr& kt) {
        return (((grp * nt + jt) * mt + itx) * ktn + kt) * sp_h;
      };
      auto a_row_at = [&](const Expr& itx, const Expr& kt, const Expr& ii, const Expr& kk) {
        return (sp_iter(itx, kt) + (ii * t.tk + kk) * dim) % (2 * sp_h);
      };
      auto b_row_at = [&](const Expr& itx, const Expr& kt, const Expr& kk, const Expr& jj) {
        return t.resident ? Expr(panel) + (kk * t.tj + jj) * dim
                          : (sp_iter(itx, kt) + (kk * t.tj + jj + t.ti * t.tk) * dim) % (2 * sp_h);
      };
      auto a_row_of = [&](const Expr& kt, const Expr& ii, const Expr& kk) { return a_row_at(it, kt, ii, kk); };
      auto b_row_of = [&](const Expr& kt, const Expr& kk, const Expr& jj) { return b_row_at(it, kt, kk, jj); };
      // Mvins of block (ii, kk) of A and (kk, jj) of B of k tile `kt` of i tile `itx`.
      auto mvin_a_at = [&](const Expr& itx, const Expr& kt, const Expr& ii, const Expr& kk) {
        return ws ? make_instruction(kMvin, {a_group + m_first_at(itx, ii) * g.k + k_first(kt, kk),
                                             a_row_at(itx, kt, ii, kk), 0, m_len_at(itx, ii), k_len(kt, kk)})
                  : make_instruction(kMvin, {a_group + k_first(kt, kk) * g.m + m_first_at(itx, ii),
                                             a_row_at(itx, kt, ii, kk), 0, k_len(kt, kk), m_len_at(itx, ii)});
      };
      auto mvin_b_at = [&](const Expr& itx, const Expr& kt, const Expr& kk, const Expr& jj, int64_t blocks = 1) {
        return make_instruction(kMvin, {b_group + k_first(kt, kk) * g.n + n_first(jj), b_row_at(itx, kt, kk, jj), 0,
                                        k_len(kt, kk), blocks == 1 ? n_len(jj) : n_cols(jj, blocks)});
      };
      auto mvin_a_of = [&](const Expr& kt, const Expr& ii, const Expr& kk) { return mvin_a_at(it, kt, ii, kk); };
      auto mvin_b_of = [&](const Expr& kt, const Expr& kk, const Expr& jj, int64_t blocks = 1) {
        return mvin_b_at(it, kt, kk, jj, blocks);
      };
      // Chains that load the B groups of a k tile ahead: chain c loads group c (blocks c bg ..), the
      // last loading chain the tile's rest; the others none. Splits chains [from, from + count) into
      // runs of equal group size: f(first chain, chains, blocks per mvin, 0 for none).
      const int64_t b_full = tj / bg, b_rest = tj % bg, b_chains = b_full + (b_rest > 0 ? 1 : 0);
      auto b_chain_runs = [&](int64_t from, int64_t count, const std::function<void(int64_t, int64_t, int64_t)>& f) {
        const int64_t end = from + count;
        auto run = [&](int64_t lo, int64_t hi, int64_t blocks) {
          lo = std::max(lo, from);
          hi = std::min(hi, end);
          if (hi > lo) f(lo, hi - lo, blocks);
        };
        run(0, b_full, bg);
        run(b_full, b_chains, b_rest);
        run(b_chains, tj, 0);
      };
      const Statement ld_a = make_instruction(kConfigLd, {ws ? g.k : g.m});
      const Statement ld_b = make_instruction(kConfigLd, {g.n});
      // The first loads of k tile `kt` of `tk` blocks at loop depth d: OS A row 0 and the B tile
      // unless resident; WS A column 0 and B row 0 (not resident: k_ahead only).
      auto k_tile_loads = [&](std::vector<Statement>& out, const Expr& kt, int64_t tk, int d) {
        if (ws) {
          out.push_back(ld_a);
          out.push_back(make_loop("ia", ti, {mvin_a_of(kt, idx(d), Expr(0))}));
          out.push_back(ld_b);
          b_groups(out, tj, d, [&](const Expr& j0, int64_t blocks) { return mvin_b_of(kt, Expr(0), j0, blocks); });
          return;
        }
        out.push_back(ld_a);
        out.push_back(make_loop("ka", tk, {mvin_a_of(kt, Expr(0), idx(d))}));
        if (t.resident) return;
        out.push_back(ld_b);
        std::vector<Statement> row;
        b_groups(row, tj, d + 1, [&](const Expr& j0, int64_t blocks) { return mvin_b_of(kt, idx(d), j0, blocks); });
        out.push_back(make_loop("kb", tk, row));
      };
      auto k_tile = [&](int64_t tk, const Expr& kt, bool loaded, const Ahead* load_next) {
        auto a_row = [&](const Expr& ii, const Expr& kk) { return a_row_of(kt, ii, kk); };
        auto b_row = [&](const Expr& kk, const Expr& jj) { return b_row_of(kt, kk, jj); };
        auto k_len1 = [&](const Expr& kk) { return k_len(kt, kk); };
        // Software-pipelined (as Gemmini's loop_ws unroller issues loads ahead): the decoder is in
        // order, so the mvins of the next A block column (WS) or row (OS) come before the computes
        // of the current one and load while they run; only the first is exposed.
        auto mvin_a = [&](const Expr& ii, const Expr& kk) { return mvin_a_of(kt, ii, kk); };
        std::vector<Statement> kbody;
        if (ws) {
          // Column kk: mvins of A[:, kk] (and B[kk, :] unless resident) at loop depth d.
          auto loads = [&](std::vector<Statement>& out, const Expr& kk, int d) {
            out.push_back(ld_a);
            out.push_back(make_loop("ia", ti, {mvin_a(idx(d), kk)}));
            if (!t.resident) {
              out.push_back(ld_b);
              b_groups(out, tj, d, [&](const Expr& j0, int64_t blocks) { return mvin_b_of(kt, kk, j0, blocks); });
            }
          };
          // jj { preload B[kk][jj], C[0][jj]; compute_preloaded A[0][kk]; ii >= 1 { preload C[ii];
          // compute_accumulated A[ii][kk] } }: each weight preload serves the tile's ti row blocks.
          // With `ahead` (the last column, k_ahead) chain jj also loads B[0][jj] of the k tile
          // `ahead` names and a share of its A column 0 (the first chain the remainder), after its
          // first compute, so the decoder never holds the computes behind more mvins than the load
          // queue takes.
          auto column = [&](std::vector<Statement>& out, const Expr& kk, int d, const Ahead* ahead = nullptr) {
            auto chain = [&](const Expr& jj, const Expr& i0, int64_t a_mvins, int64_t b_blocks = 1) {
              const Expr ii = idx(d + 1) + 1;
              const Expr accumulate = clamp(kt * t.tk + kk, 0, 1);
              std::vector<Statement> body = {
                  make_instruction(kPreload, {b_row(kk, jj), k_len1(kk), c_row(0, jj), m_len(0), accumulate}),
                  make_instruction(kComputePreloaded, {a_row(0, kk), 0, m_len(0)})};
              if (ahead) {
                if (a_mvins > 0) {
                  body.push_back(ld_a);
                  body.push_back(make_loop("in", a_mvins, {mvin_a_at(ahead->it, ahead->kt, i0 + idx(d + 1), Expr(0))}));
                }
                if (b_blocks > 0) {
                  body.push_back(ld_b);
                  body.push_back(mvin_b_at(ahead->it, ahead->kt, Expr(0), jj * bg, b_blocks));
                }
              }
              add_loop(body, "ic", ti - 1,
                       {make_instruction(kPreload, {0, 0, c_row(ii, jj), m_len(ii), accumulate}),
                        make_instruction(kComputeAccumulated, {a_row(ii, kk), 0, m_len(ii)})});
              return body;
            };
            if (!ahead) {
              out.push_back(make_loop("jc", tj, chain(idx(d), Expr(0), 0)));
              return;
            }
            const int64_t per = ahead->ti / tj, first = ahead->ti - (tj - 1) * per;
            b_chain_runs(0, 1, [&](int64_t, int64_t, int64_t blocks) {
              out.push_back(make_loop("jc", 1, chain(idx(d), Expr(0), first, blocks)));
            });
            b_chain_runs(1, tj - 1, [&](int64_t from, int64_t n, int64_t blocks) {
              add_loop(out, "jc", n, chain(idx(d) + from, Expr(first) + (idx(d) + (from - 1)) * per, per, blocks));
            });
          };
          if (!loaded) loads(kbody, Expr(0), 5);
          std::vector<Statement> steady;
          loads(steady, idx(5) + 1, 6);
          column(steady, idx(5), 6);
          add_loop(kbody, "kc", tk - 1, steady);
          column(kbody, Expr(tk - 1), 5, load_next);
        } else {
          const Expr accumulate = clamp(kt, 0, 1);
          // jj { K chain over the tile's k blocks, PEs accumulating, C written by the last }. With
          // `next` the next row's tk mvins are spread over the tj chains (the first takes the
          // remainder), each chain's after its first compute: the in-order decoder then never holds
          // a block of more mvins than the load queue takes while computes wait behind it.
          // With `prev` (a resident panel: one k tile) chain jj also stores C[prev][jj], done a row
          // ago, so the tile's mvouts do not queue up behind the store queue at its end.
          // With `ahead` (the last row, k_ahead) chain jj loads B[:, jj] of the k tile `ahead` names,
          // the first chain also its A row 0.
          auto row = [&](std::vector<Statement>& out, const Expr& ii, int d, const Expr* next, const Expr* prev,
                         const Ahead* ahead = nullptr) {
            const int64_t per = next ? tk / tj : 0, first = next ? tk - (tj - 1) * per : 0;
            auto chain_body = [&](const Expr& jj, const Expr& k0, int64_t n_mvins, bool first_chain = false,
                                  int64_t b_blocks = 1) {
              std::vector<Statement> body;
              auto compute = [&](std::vector<Statement>& into, Opcode op, const Expr& kk, bool last) {
                into.push_back(last ? make_instruction(kPreload, {0, 0, c_row(ii, jj), m_len(ii), accumulate})
                                    : make_instruction(kPreload, {0, 0, 0, 0, 0}));
                into.push_back(make_instruction(op, {a_row(ii, kk), b_row(kk, jj), k_len1(kk)}));
              };
              compute(body, kComputePreloaded, Expr(0), tk == 1);
              if (n_mvins > 0) {
                body.push_back(ld_a);
                body.push_back(make_loop("kn", n_mvins, {mvin_a(*next, k0 + idx(d + 1))}));
              }
              if (ahead) {
                if (first_chain) {
                  body.push_back(ld_a);
                  body.push_back(make_loop("kn", tk, {mvin_a_at(ahead->it, ahead->kt, Expr(0), idx(d + 1))}));
                }
                if (b_blocks > 0) {
                  body.push_back(ld_b);
                  body.push_back(
                      make_loop("kn", tk, {mvin_b_at(ahead->it, ahead->kt, idx(d + 1), jj * bg, b_blocks)}));
                }
              }
              if (prev) body.push_back(mvout(*prev, jj));
              if (tk > 2) {
                std::vector<Statement> chain;
                compute(chain, kComputeAccumulated, idx(d + 1) + 1, false);
                body.push_back(make_loop("kc", tk - 2, chain));
              }
              if (tk > 1) compute(body, kComputeAccumulated, Expr(tk - 1), true);
              return body;
            };
            if (ahead) {
              b_chain_runs(0, 1, [&](int64_t, int64_t, int64_t blocks) {
                out.push_back(make_loop("jc", 1, chain_body(idx(d), Expr(0), 0, true, blocks)));
              });
              b_chain_runs(1, tj - 1, [&](int64_t from, int64_t n, int64_t blocks) {
                add_loop(out, "jc", n, chain_body(idx(d) + from, Expr(0), 0, false, blocks));
              });
              return;
            }
            if (!next && !prev) {
              out.push_back(make_loop("jc", tj, chain_body(idx(d), Expr(0), 0)));
              return;
            }
            out.push_back(make_loop("jc", 1, chain_body(idx(d), Expr(0), first)));
            add_loop(out, "jc", tj - 1, chain_body(idx(d) + 1, Expr(first) + idx(d) * per, per));
          };
          if (!loaded) k_tile_loads(kbody, kt, tk, 5);
          if (!store_ahead || ti == 1) {
            std::vector<Statement> steady;
            const Expr next = idx(5) + 1;
            row(steady, idx(5), 6, &next, nullptr);
            add_loop(kbody, "ic", ti - 1, steady);
            row(kbody, Expr(ti - 1), 5, nullptr, nullptr, load_next);
          } else {
            // Row 0 (nothing to store yet), rows 1 .. ti-2, row ti-1 (nothing to load); the mvouts
            // of row ti-1 follow the k loop.
            std::vector<Statement> first_row, steady;
            const Expr one = Expr(1);
            row(first_row, idx(5), 6, &one, nullptr);
            kbody.push_back(make_loop("ic", 1, first_row));
            const Expr ii = idx(5) + 1, next = idx(5) + 2, prev = idx(5);
            row(steady, ii, 6, &next, &prev);
            add_loop(kbody, "ic", ti - 2, steady);
            const Expr prev_last = Expr(ti - 2);
            row(kbody, Expr(ti - 1), 5, nullptr, &prev_last);
          }
        }
        return kbody;
      };
      if (k_ahead) {
        // k tile 0's loads (unless the i tile before loaded them), k tiles 0 .. ktn-2 each loading
        // the next, the last loading the next i tile's first (depths 4, 5..).
        if (!loaded) k_tile_loads(ibody, Expr(0), t.tk, 4);
        const Ahead next_k{it, idx(4) + 1, ti}, next_i{it + 1, Expr(0), next_ti};
        add_loop(ibody, "k", ktn - 1, k_tile(t.tk, idx(4), true, &next_k));
        add_loop(ibody, "k_last", 1, k_tile(t.tk, Expr(ktn - 1) + idx(4), true, next_ti > 0 ? &next_i : nullptr));
      } else {
        tiles(ibody, "k", 4, kb, t.tk,
              [&](int64_t tk, const Expr& kt) { return k_tile(tk, kt, false, nullptr); });
      }
      // OS with a resident panel stored all rows but the last among the computes (above).
      const bool stored_ahead = store_ahead && ti > 1;
      const Expr ii = idx(4) + (stored_ahead ? ti - 1 : 0), jj = idx(5);
      ibody.push_back(make_loop("io", stored_ahead ? 1 : ti, {make_loop("jo", tj, {mvout(ii, jj)})}));
      return ibody;
    };
    if (!k_ahead) {
      tiles(jbody, "i", 3, mb, t.ti, [&](int64_t ti, const Expr& it) { return i_tile(ti, it, false, 0); });
      return jbody;
    }
    // Tile 0, tiles 1 .. full-2, tile full-1, the edge: each but the first finds its first loads
    // done by the one before, each but the last loads the next's.
    const int64_t full = mb / t.ti, edge = mb % t.ti;
    if (full >= 1) add_loop(jbody, "i", 1, i_tile(t.ti, idx(3), false, full > 1 ? t.ti : edge));
    add_loop(jbody, "i", full - 2, i_tile(t.ti, idx(3) + 1, true, t.ti));
    if (full >= 2) add_loop(jbody, "i", 1, i_tile(t.ti, Expr(full - 1) + idx(3), true, edge));
    if (edge > 0) add_loop(jbody, "i_edge", 1, i_tile(edge, Expr(full) + idx(3), full >= 1, 0));
    return jbody;
  });
  top.push_back(make_loop("g", g.groups, groups));

  return gemm_program(isa(), layer.name, std::move(top), lay, !ws);
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
    throw MappingError(layer.loc, "layer '" + layer.name + "' needs " + std::to_string(lay.end) +
                       " bytes of external memory; config " + config.file +
                       " has dram_bytes=" + std::to_string(p.dram_bytes));
  const int64_t dim = p.dim;
  const int64_t mb = ceil_div(g.m, dim), nb = ceil_div(g.n, dim), kb = ceil_div(g.k, dim);
  if (p.auto_mapping) {
    // Multi-block B mvins (README.md, "Multi-block mvins") when every K block is full.
    const int64_t bg = g.k % dim == 0 ? mvin_max_cols(p, false) / dim : 1;
    const AutoTiling at = choose_auto_tiling(mb, nb, kb, p, config.dram, g.groups, bg);
    if (at.ti > 0) return map_auto(layer, g, lay, p, at, config.dram, bg);
  }
  const Tiling t = choose_tiling(mb, nb, kb, p);
  if (t.ti == 0) {
    const bool sp_short = p.sp_rows() / 2 < 2 * dim;
    throw MappingError(
        layer.loc, "layer '" + layer.name + "' does not fit the " +
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

  std::vector<Statement> jbody = {make_loop("k", kt_n, ktile)};
  for (auto& s : after_k) jbody.push_back(s);
  return gemm_program(isa(), layer.name,
                      {make_instruction(kConfigEx, {ws ? kWs : kOs, 0, 0}), make_instruction(kConfigSt, {g.n * 4}),
                       make_loop("g", g.groups, {make_loop("i", mt, {make_loop("j", nt, jbody)})})},
                      lay, !ws);
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
