#include "systolic_accelerator.h"

#include <algorithm>
#include <tuple>

#include "models/common/gemm_lowering.h"

namespace acv {

namespace systolic {

std::shared_ptr<const IsaSpec> isa() {
  static const auto spec = std::make_shared<const IsaSpec>(
      IsaSpec{"systolic",
              {{"dma_load", {"buf", "half", "dram_addr", "rows", "bytes", "stride", "reps", "rep_stride"}},
               {"compute",
                {"a_half", "b_half", "o_half", "k_len", "m_len", "first", "last", "release_a", "release_b",
                 "b_off", "a_off"}},
               {"dma_store", {"half", "dram_addr", "rows", "elems", "stride"}}}});
  return spec;
}

Params read_params(const AccelConfig& c) {
  c.check_keys({"rows", "cols", "dataflow", "ibuf_depth", "wbuf_depth", "obuf_depth", "queue_depth", "dram_bytes",
                "mapping", "dma_burst"});
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
  // Optional: configs written before the reuse mapper keep their Programs (and cycles).
  p.reuse = c.has("mapping") && c.get_choice("mapping", {"per_tile", "reuse"}) == "reuse";
  // Optional: without it one entry per request, the timing of the configs written before bursts.
  if (c.has("dma_burst")) {
    p.dma_burst = c.get_int_in("dma_burst", 1, kMaxDmaBurst, "the longest burst the RTL's memory port carries");
    if ((p.dma_burst & (p.dma_burst - 1)) != 0)
      c.fail("dma_burst", "must be a power of two (the DMA splits a command's entries with shifts and masks)");
    const int64_t smallest = std::min({p.ibuf_depth, p.wbuf_depth, p.obuf_depth});
    if (p.dma_burst > smallest)
      c.fail("dma_burst", "must be at most the smallest buffer depth (" + std::to_string(smallest) + " entries)");
  }
  if (p.dram_bytes > (int64_t{1} << 32)) c.fail("dram_bytes", "must be at most 4 GiB (32-bit addresses)");
  if (!p.weight_stationary && p.obuf_depth < p.rows)
    c.fail("obuf_depth",
           "must be at least rows (" + std::to_string(p.rows) + ") for the output-stationary drain");
  if (p.weight_stationary && p.wbuf_depth < p.rows)
    c.fail("wbuf_depth", "must be at least rows (" + std::to_string(p.rows) + ") to hold a weight tile");
  return p;
}

namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// A one-trip loop of instructions only (the k-chunk loop of a one-chunk block, a one-k-tile chunk)
// becomes its instructions, its index 0 in their operands: the same command stream, but the
// estimator keys such a loop on every entry of the loops around it, which costs more than its
// one or two instructions (README.md, "Estimator cost"). Inner loops first, so that a one-trip
// loop left with instructions only is inlined too.
void inline_one_trip_leaves(Loop* loop, int depth) {
  std::vector<Statement> body;
  body.reserve(loop->body.size());
  for (Statement& st : loop->body) {
    if (!st.loop) {
      body.push_back(std::move(st));
      continue;
    }
    Loop& inner = *st.loop;
    inline_one_trip_leaves(&inner, depth + 1);
    const bool leaf = std::none_of(inner.body.begin(), inner.body.end(), [](const Statement& s) { return s.loop != nullptr; });
    if (inner.trips != 1 || !leaf) {
      body.push_back(std::move(st));
      continue;
    }
    for (Statement& s : inner.body) {
      for (Expr& e : s.instr.operands)
        e.terms.erase(std::remove_if(e.terms.begin(), e.terms.end(), [&](const auto& t) { return t.first == depth + 1; }),
                      e.terms.end());
      body.push_back(std::move(s));
    }
  }
  loop->body = std::move(body);
}

}  // namespace

// Candidates: both operand tiles per output tile (the only choice under mapping: per_tile), or one
// operand's block over the whole K kept in a buffer half while the other streams (OS: A or B;
// WS: B, read tile by tile through b_off), or for K up to twice a half in two K-chunks over both
// halves. WS m-tiles: every power of two up to the buffers' bound and the bound itself. A block
// is kept resident only across two or more tiles of the other operand: across one it saves no
// entry, and its one K-long dma_load holds the in-order load unit while the array waits for the
// streamed tiles queued behind it (per-tile loads overlap the array instead). Each candidate must
// fit the halves; the least entries loaded wins, ties going to fewer dma_loads (a load that waits
// for its half pays the DRAM latency after the release), then to fewer computes (array fills and
// drains), then to the earlier one.
Tiling choose_tiling(const Params& p, int64_t m, int64_t n, int64_t k) {
  const bool ws = p.weight_stationary;
  const int64_t tn = p.cols, nn = ceil_div(n, tn);
  std::vector<Tiling> candidates;
  if (!ws) {
    const int64_t tk = std::min({k, p.ibuf_depth, p.wbuf_depth}), nm = ceil_div(m, p.rows), nk = ceil_div(k, tk);
    candidates.push_back({Resident::kNone, p.rows, tn, tk, 2 * nm * nn * k, 1, 2 * nm * nn * nk});
    // One chunk: the block in one half, double-buffered (the next one loads meanwhile). Two:
    // over both halves, loaded again only after its last use.
    const int64_t depth = std::min(p.ibuf_depth, p.wbuf_depth);
    for (const int64_t c : {int64_t{1}, int64_t{2}}) {
      if (!p.reuse || ceil_div(k, c) > depth) continue;
      const int64_t kc = ceil_div(k, c);
      if (nm > 1) candidates.push_back({Resident::kB, p.rows, tn, kc, nn * k + nn * nm * k, c, nn * c + nn * nm * c});
      if (nn > 1) candidates.push_back({Resident::kA, p.rows, tn, kc, nm * k + nm * nn * k, c, nm * c + nm * nn * c});
    }
  } else {
    const int64_t cap = std::min({m, p.ibuf_depth, p.obuf_depth}), nk = ceil_div(k, p.rows);
    std::vector<int64_t> tms;
    for (int64_t t = 1; t < cap; t *= 2) tms.push_back(t);
    tms.push_back(cap);
    if (!p.reuse) tms = {cap};
    for (const int64_t tm : tms) {
      const int64_t nm = ceil_div(m, tm);
      candidates.push_back({Resident::kNone, tm, tn, p.rows, nn * nk * m + nm * nn * k, 1, 2 * nm * nn * nk});
      for (const int64_t c : {int64_t{1}, int64_t{2}}) {
        // Chunks of whole k-tiles: nk must split evenly (Program loops have fixed trip counts).
        if (!p.reuse || nm == 1 || nk % c != 0 || nk / c * p.rows > p.wbuf_depth) continue;
        candidates.push_back({Resident::kB, tm, tn, p.rows, nn * k + nn * nk * m, c, nn * c + nn * nm * nk});
      }
    }
    // A's m-tile resident, its K-chunk c in IBUF half c (the first ceil(nk / 2) k-tiles x tm
    // entries, then the rest), with B's chunk per output tile (k-tiles x R entries in WBUF half c):
    // A loaded once, B once per output tile. Two chunks whenever there are two k-tiles, also where
    // one would fit: the first compute waits for its whole A chunk (a half is full only with its
    // last entry), and half the block halves that wait. Its k-tiles are whole R-byte reps of one
    // dma_load (K a multiple of R). The m-tiles: those above that fit, and the largest that fits
    // (the fewest m-tiles, so the least B traffic).
    const int64_t ac = std::min<int64_t>(nk, 2), akc = ceil_div(nk, ac);
    if (p.reuse && nn > 1 && k % p.rows == 0 && akc * p.rows <= p.wbuf_depth) {
      const int64_t fit = std::min(cap, p.ibuf_depth / akc);
      std::vector<int64_t> a_tms;
      for (const int64_t tm : tms)
        if (tm < fit) a_tms.push_back(tm);
      if (fit >= 1) a_tms.push_back(fit);
      for (const int64_t tm : a_tms) {
        const int64_t nm = ceil_div(m, tm);
        candidates.push_back({Resident::kA, tm, tn, p.rows, nk * m + nm * nn * k, ac, nm * ac + nm * nn * ac});
      }
    }
  }
  auto computes = [&](const Tiling& t) {
    return ceil_div(m, t.tm) * ceil_div(n, t.tn) * ceil_div(k, t.tk);
  };
  auto key = [&](const Tiling& t) { return std::make_tuple(t.loaded_entries, t.loads, computes(t)); };
  Tiling best = candidates.front();
  for (const Tiling& t : candidates)
    if (key(t) < key(best)) best = t;
  return best;
}

}  // namespace systolic

namespace {

using namespace systolic;

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
    throw MappingError(layer.loc, "layer '" + layer.name + "' needs " + std::to_string(lay.end) +
                       " bytes of external memory; config " + config.file +
                       " has dram_bytes=" + std::to_string(p.dram_bytes));

  const bool ws = p.weight_stationary;
  const Tiling t = choose_tiling(p, g.m, g.n, g.k);
  const int64_t tm = t.tm, tn = t.tn, tk = t.tk;
  const int64_t nm = ceil_div(g.m, tm), nn = ceil_div(g.n, tn), nk = ceil_div(g.k, tk);

  const Expr a_group = Expr(static_cast<int64_t>(lay.a)) + idx(1) * (g.m * g.k);
  const Expr b_group = Expr(static_cast<int64_t>(lay.b)) + idx(1) * (g.k * g.n);
  const Expr c_group = Expr(static_cast<int64_t>(lay.c)) + idx(1) * (g.m * g.n * 4);

  // A at (m-tile, k-tile) and B at (k-tile, n-tile); OS reads A transposed (K x M) so that an IBUF
  // entry (R values of m for one k) is contiguous, WS reads it as stored (M x K).
  auto load_a = [&](const Expr& half, const Expr& mt, const Expr& kt, const Expr& m_len, const Expr& k_len) {
    return ws ? make_instruction(kDmaLoad, {kIbuf, half, a_group + mt * (tm * g.k) + kt * tk, m_len, k_len, g.k, 1, 0})
              : make_instruction(kDmaLoad, {kIbuf, half, a_group + kt * (tk * g.m) + mt * tm, k_len, m_len, g.m, 1, 0});
  };
  auto load_b = [&](const Expr& half, const Expr& kt, const Expr& nt, const Expr& k_len, const Expr& n_len) {
    return make_instruction(kDmaLoad, {kWbuf, half, b_group + kt * (tk * g.n) + nt * tn, k_len, n_len, g.n, 1, 0});
  };
  auto store = [&](const Expr& half, const Expr& mt, const Expr& nt, const Expr& m_len, const Expr& n_len) {
    return make_instruction(kDmaStore, {half, c_group + mt * (tm * g.n * 4) + nt * (tn * 4), m_len, n_len, g.n * 4});
  };
  auto len = [](int64_t total, int64_t tile, const Expr& i) { return min(Expr(total) - i * tile, tile); };

  std::vector<Statement> body;
  if (t.resident == Resident::kNone) {
    // Loop depths: 1 group, 2 m-tile, 3 n-tile, 4 k-tile; IBUF/WBUF halves alternate per k
    // iteration and OBUF halves per output tile.
    const Expr grp = idx(1), mt = idx(2), nt = idx(3), kt = idx(4);
    const Expr in_half = (grp * (nm * nn * nk) + mt * (nn * nk) + nt * nk + kt) % 2;
    const Expr out_half = (grp * (nm * nn) + mt * nn + nt) % 2;
    const Expr k_len = len(g.k, tk, kt), m_len = len(g.m, tm, mt), n_len = len(g.n, tn, nt);
    const Expr first = clamp(Expr(1) - kt, 0, 1);
    const Expr last = clamp(kt - (nk - 2), 0, 1);
    const Statement compute = make_instruction(
        kCompute, {in_half, in_half, out_half, k_len, ws ? m_len : Expr(p.rows), first, last, 1, 1, 0, 0});
    body.push_back(make_loop(
        "g", g.groups,
        {make_loop("m", nm,
                   {make_loop("n", nn,
                              {make_loop("k", nk, {load_a(in_half, mt, kt, m_len, k_len),
                                                   load_b(in_half, kt, nt, k_len, n_len), compute}),
                               store(out_half, mt, nt, m_len, n_len)})})}));
  } else if (!ws) {
    // OS with one operand's K x R (A) or K x C (B) block resident: loop depths 1 group, 2 the
    // resident operand's tile, 3 the other's, 4 the K-chunk. One chunk: the block's half
    // alternates per depth-2 iteration and is released by its last compute. Two chunks: chunk c
    // sits in half c of the block's buffer, released chunk by chunk by the last tile's computes.
    // The streamed operand's halves alternate per compute, OBUF's per output tile.
    const bool keep_b = t.resident == Resident::kB;
    const int64_t n_outer = keep_b ? nn : nm, n_inner = keep_b ? nm : nn, nc = t.chunks;
    const Expr grp = idx(1), outer = idx(2), inner = idx(3), kc = idx(4);
    const Expr res_half = nc == 1 ? (grp * n_outer + outer) % 2 : kc;
    const Expr tile_half = (grp * (n_outer * n_inner * nc) + outer * (n_inner * nc) + inner * nc + kc) % 2;
    const Expr out_half = (grp * (n_outer * n_inner) + outer * n_inner + inner) % 2;
    const Expr mt = keep_b ? inner : outer, nt = keep_b ? outer : inner;
    const Expr m_len = len(g.m, tm, mt), n_len = len(g.n, tn, nt), k_len = len(g.k, tk, kc);
    const Expr release_res = clamp(inner - (n_inner - 2), 0, 1);
    const Expr a_half = keep_b ? tile_half : res_half, b_half = keep_b ? res_half : tile_half;
    const Expr first = clamp(Expr(1) - kc, 0, 1), last = clamp(kc - (nc - 2), 0, 1);
    const Statement compute =
        make_instruction(kCompute, {a_half, b_half, out_half, k_len, p.rows, first, last,
                                    keep_b ? Expr(1) : release_res, keep_b ? release_res : Expr(1), 0, 0});
    // The resident block's chunk loads: depth 3 is their chunk loop (kx), with the chunk as half.
    const Expr kx = idx(3);
    const Expr res_half_load = nc == 1 ? res_half : kx;
    const Expr kx_len = len(g.k, tk, kx);
    const Statement resident_load = keep_b ? load_b(res_half_load, kx, nt, kx_len, n_len)
                                           : load_a(res_half_load, mt, kx, m_len, kx_len);
    const Statement streamed_load =
        keep_b ? load_a(tile_half, mt, kc, m_len, k_len) : load_b(tile_half, kc, nt, k_len, n_len);
    body.push_back(make_loop(
        "g", g.groups,
        {make_loop(keep_b ? "n" : "m", n_outer,
                   {make_loop("kx", nc, {resident_load}),
                    make_loop(keep_b ? "m" : "n", n_inner,
                              {make_loop("k", nc, {streamed_load, compute}),
                               store(out_half, mt, nt, m_len, n_len)})})}));
  } else if (t.resident == Resident::kA) {
    // WS with A's m-tile resident: its K-chunk c (nkc k-tiles, entry kin * m_len + m: one two-level
    // dma_load, rep kin = the k-tile's R bytes of every row) sits in IBUF half c (one chunk:
    // halves alternate per m-tile), each compute reading its k-tile through a_off; every output
    // tile loads B's chunk c (nkc x R rows) into WBUF half c (one chunk: halves alternate per
    // output tile), read through b_off and released by the chunk's last compute. The computes of
    // a chunk are the step; the loads of the next step come just before them in program order,
    // so the dispatcher hands them to the load unit while this step computes (placed after them
    // they would wait behind its computes in the compute queue). The next step's halves are free
    // once the previous step ends. So the loops are peeled where the next step's loads differ:
    // an m-tile's first n-tile also loads A's next chunk, its last the next m-tile's first A and B
    // chunks; a ragged last m-tile is its own loop of one trip (a_off = kin * m_len needs a
    // constant m_len). Loop depths: 1 group, 2 m-tile, 3 n-tile (the middle ones), then the k-tile.
    // Chunk c: k-tiles c * nkc0 on, chunk_len(c) of them (the second may be one shorter).
    const int64_t nc = t.chunks, nkc0 = ceil_div(nk, nc), r = p.rows;
    auto chunk_len = [&](int64_t kc) { return kc == 0 ? nkc0 : nk - nkc0; };
    const Expr grp = idx(1);
    auto tile_half = [&](const Expr& mt, const Expr& nt) { return (grp * (nm * nn) + mt * nn + nt) % 2; };
    auto a_half = [&](const Expr& mt, int64_t kc) { return nc == 1 ? (grp * nm + mt) % 2 : Expr(kc); };
    auto b_half = [&](const Expr& mt, const Expr& nt, int64_t kc) { return nc == 1 ? tile_half(mt, nt) : Expr(kc); };
    auto load_a_chunk = [&](const Expr& mt, const Expr& m_len, int64_t kc) {
      return make_instruction(
          kDmaLoad,
          {kIbuf, a_half(mt, kc), a_group + mt * (tm * g.k) + Expr(kc * nkc0 * r), m_len, r, g.k, chunk_len(kc), r});
    };
    auto load_b_chunk = [&](const Expr& mt, const Expr& nt, int64_t kc) {
      return load_b(b_half(mt, nt, kc), kc * nkc0, nt, chunk_len(kc) * r, len(g.n, tn, nt));
    };
    // Chunk kc of output tile (mt, nt), its k-tile loop at `depth`; the last n-tile releases A.
    auto computes = [&](const Expr& mt, int64_t m_len, const Expr& nt, int64_t kc, int depth, bool release_a) {
      const Expr kin = idx(depth), kt = kin + Expr(kc * nkc0);
      const Expr last_k = clamp(kin - (chunk_len(kc) - 2), 0, 1);
      return make_loop("k", chunk_len(kc),
                       {make_instruction(kCompute, {a_half(mt, kc), b_half(mt, nt, kc), tile_half(mt, nt), r, m_len,
                                                    clamp(Expr(1) - kt, 0, 1), clamp(kt - (nk - 2), 0, 1),
                                                    release_a ? last_k : Expr(0), last_k, kin * r, kin * m_len})});
    };
    struct Next {
      Expr mt, m_len;
    };
    auto output_tile = [&](const Expr& mt, int64_t m_len, const Expr& nt, int depth, bool first, bool last,
                           const Next* next) {
      std::vector<Statement> body_nt;
      for (int64_t kc = 0; kc < nc; ++kc) {
        if (kc + 1 < nc) {
          body_nt.push_back(load_b_chunk(mt, nt, kc + 1));
          if (first) body_nt.push_back(load_a_chunk(mt, m_len, kc + 1));
        } else if (!last) {
          body_nt.push_back(load_b_chunk(mt, nt + 1, 0));
        } else if (next != nullptr) {
          body_nt.push_back(load_a_chunk(next->mt, next->m_len, 0));
          body_nt.push_back(load_b_chunk(next->mt, 0, 0));
        }
        body_nt.push_back(computes(mt, m_len, nt, kc, depth, last));
      }
      body_nt.push_back(store(tile_half(mt, nt), mt, nt, m_len, len(g.n, tn, nt)));
      return body_nt;
    };
    // An m-tile: its first n-tile, the middle ones, its last (nn >= 2: a candidate only then).
    auto m_tile = [&](const Expr& mt, int64_t m_len, const Next* next) {
      std::vector<Statement> out = output_tile(mt, m_len, 0, 3, true, false, nullptr);
      if (nn > 2) out.push_back(make_loop("n", nn - 2, output_tile(mt, m_len, idx(3) + 1, 4, false, false, nullptr)));
      for (Statement& st : output_tile(mt, m_len, nn - 1, 3, false, true, next)) out.push_back(std::move(st));
      return out;
    };
    // With a ragged last m-tile every full one loads a next one's first A chunk, its rows
    // min(tm, M - (m + 1) * tm): one loop, not the last full m-tile peeled (the estimator would
    // evaluate that copy whole; its inner loops are other loops to it).
    const int64_t full = g.m / tm, rem = g.m % tm;
    std::vector<Statement> group = {load_a_chunk(0, full > 0 ? tm : rem, 0), load_b_chunk(0, 0, 0)};
    if (rem > 0) {
      const Next next{idx(2) + 1, len(g.m, tm, idx(2) + 1)};
      if (full > 0) group.push_back(make_loop("m", full, m_tile(idx(2), tm, &next)));
      group.push_back(make_loop("m_last", 1, m_tile(Expr(full), rem, nullptr)));
    } else {
      const Next next{idx(2) + 1, tm};
      if (full > 1) group.push_back(make_loop("m", full - 1, m_tile(idx(2), tm, &next)));
      group.push_back(make_loop("m_full_last", 1, m_tile(Expr(full - 1), tm, nullptr)));
    }
    body.push_back(make_loop("g", g.groups, group));
  } else {
    // WS with B's K x C block resident: loop depths 1 group, 2 n-tile, 3 m-tile, 4 K-chunk, 5
    // k-tile in the chunk; the compute preloads the k-tile's R weights from entry k*R of the
    // chunk (b_off). One chunk: its half alternates per n-tile; two: chunk c in half c.
    const int64_t nc = t.chunks, nkc = nk / nc;
    const Expr grp = idx(1), nt = idx(2), mt = idx(3), kc = idx(4), kin = idx(5);
    const Expr kt = kc * nkc + kin;  // the k-tile
    const Expr res_half = nc == 1 ? (grp * nn + nt) % 2 : kc;
    const Expr in_half = (grp * (nn * nm * nk) + nt * (nm * nk) + mt * nk + kt) % 2;
    const Expr out_half = (grp * (nn * nm) + nt * nm + mt) % 2;
    const Expr k_len = len(g.k, tk, kt), m_len = len(g.m, tm, mt), n_len = len(g.n, tn, nt);
    const Expr first = clamp(Expr(1) - kt, 0, 1);
    const Expr last = clamp(kt - (nk - 2), 0, 1);
    const Expr release_b = clamp(mt * nkc + kin - (nm * nkc - 2), 0, 1);  // the chunk's last use
    const Statement compute = make_instruction(
        kCompute, {in_half, res_half, out_half, k_len, m_len, first, last, 1, release_b, kin * tk, 0});
    const Expr kx = idx(3);  // the chunk loads' loop
    const Statement chunk_load =
        load_b(nc == 1 ? res_half : kx, kx * nkc, nt, len(g.k, nkc * tk, kx), n_len);
    body.push_back(make_loop(
        "g", g.groups,
        {make_loop("n", nn,
                   {make_loop("kx", nc, {chunk_load}),
                    make_loop("m", nm,
                              {make_loop("kc", nc, {make_loop("k", nkc, {load_a(in_half, mt, kt, m_len, k_len), compute})}),
                               store(out_half, mt, nt, m_len, n_len)})})}));
  }

  Program prog;
  prog.isa = isa();
  prog.layer_name = layer.name;
  prog.top.name = "layer";
  prog.top.trips = 1;
  prog.top.body = std::move(body);
  inline_one_trip_leaves(&prog.top, 0);
  prog.regions = gemm_regions(lay, !ws);
  prog.dram_bytes = lay.end;
  return prog;
}

// The array is the R x C systolic array SCALE-Sim's count assumes (README.md, "Utilization bound").
int64_t SystolicAccelerator::stall_free_cycles(const Layer& layer, const AccelConfig& config) const {
  if (layer.is_pool()) return 0;
  const Params p = read_params(config);
  return gemm_stall_free_cycles(gemm_shape(layer), p.rows, p.cols, p.weight_stationary);
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
