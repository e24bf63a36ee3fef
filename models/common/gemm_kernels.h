// The functional int8 x int8 -> int32 GEMM kernels of the TLM models: reference loops and SIMD versions.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define ACV_GEMM_X86 1
#else
#define ACV_GEMM_X86 0
#endif

namespace acv::gemm {

// Compute instructions are the models' functional hot spot (most of an LT run on a 16x16 array), so
// the kernels use pmaddwd: int8 operands are widened to int16 pairs (two consecutive k), multiplied
// and each pair's products added into int32 lanes. That is exact (|a*b + c*d| <= 2^15 per lane) and
// the accumulation order does not matter in integer arithmetic, so results equal the reference
// loops bit for bit. x86-64 always has SSE2; AVX2 is used when the CPU has it (checked at run
// time: the build targets plain x86-64).

// Reference OS: acc[i][j] += sum_{k < k_len} in[k][i] * w[k][j] (acc rows x cols row-major, IBUF
// entries of `rows`, WBUF entries of `cols`).
inline void os_reference(int32_t* acc, const int8_t* in, const int8_t* w, int64_t k_len, int64_t rows,
                         int64_t cols) {
  for (int64_t k = 0; k < k_len; ++k, in += rows, w += cols)
    for (int64_t i = 0; i < rows; ++i) {
      int32_t* acc_row = acc + i * cols;
      const int32_t x = in[i];
      for (int64_t j = 0; j < cols; ++j) acc_row[j] += x * static_cast<int32_t>(w[j]);
    }
}

// Reference WS: out[m][j] = (first ? 0 : out[m][j]) + sum_{r < k_len} in[m][r] * w[r][j] for m < m_len
// (IBUF entries of `in_width`, WBUF and OBUF entries of `cols`; PE rows from k_len up hold zeros).
inline void ws_reference(int32_t* out, const int8_t* in, int64_t in_width, const int8_t* w, int64_t k_len,
                         int64_t m_len, int64_t cols, bool first) {
  for (int64_t m = 0; m < m_len; ++m, in += in_width, out += cols) {
    if (first) std::fill(out, out + cols, 0);
    const int8_t* wr = w;
    for (int64_t r = 0; r < k_len; ++r, wr += cols) {
      const int32_t x = in[r];
      for (int64_t j = 0; j < cols; ++j) out[j] += x * static_cast<int32_t>(wr[j]);
    }
  }
}

// Which kernels os() / ws() may use: the best the CPU has (default), or a lower level (tests).
enum class Isa { Best, Sse2, Reference };

// Reusable packing buffers of one array (no allocation per instruction once grown).
struct Scratch {
  std::vector<uint32_t> x, w;
};

#if ACV_GEMM_X86
namespace detail {

// One pmaddwd lane operand: lo in the low int16, hi in the high int16.
inline uint32_t pair(int8_t lo, int8_t hi) {
  return static_cast<uint32_t>(static_cast<uint16_t>(static_cast<int16_t>(lo))) |
         static_cast<uint32_t>(static_cast<uint16_t>(static_cast<int16_t>(hi))) << 16;
}

inline __m128i load128(const void* p) { return _mm_loadu_si128(static_cast<const __m128i*>(p)); }
inline void store128(void* p, __m128i v) { _mm_storeu_si128(static_cast<__m128i*>(p), v); }
inline __m128i load32(const int8_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof v);
  return _mm_cvtsi32_si128(v);
}
// int16 sign extension of the 8 low / high bytes (SSE2 has no pmovsxbw).
inline __m128i widen_lo(__m128i b) { return _mm_srai_epi16(_mm_unpacklo_epi8(b, b), 8); }
inline __m128i widen_hi(__m128i b) { return _mm_srai_epi16(_mm_unpackhi_epi8(b, b), 8); }

// out[i] = pair(lo[i], hi[i]) for i < n (hi == nullptr: zeros). Packing is a sizeable part of a
// kernel call, so it is vectorized by hand: interleave the bytes, then widen them.
inline void pack_pair_row(const int8_t* lo, const int8_t* hi, int64_t n, uint32_t* out) {
  int64_t i = 0;
  const __m128i zero = _mm_setzero_si128();
  for (; i + 8 <= n; i += 8) {
    const __m128i l = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(lo + i));
    const __m128i h = hi ? _mm_loadl_epi64(reinterpret_cast<const __m128i*>(hi + i)) : zero;
    const __m128i il = _mm_unpacklo_epi8(l, h);
    store128(out + i, widen_lo(il));
    store128(out + i + 4, widen_hi(il));
  }
  if (i + 4 <= n) {
    store128(out + i, widen_lo(_mm_unpacklo_epi8(load32(lo + i), hi ? load32(hi + i) : zero)));
    i += 4;
  }
  for (; i < n; ++i) out[i] = pair(lo[i], hi ? hi[i] : 0);
}

// out[p * n + i] = pair(rows 2p and 2p+1 of `src`, element i); row k_len (odd k_len) counts as zero.
inline void pack_rows(const int8_t* src, int64_t k_len, int64_t n, uint32_t* out) {
  for (int64_t p = 0; 2 * p < k_len; ++p, out += n)
    pack_pair_row(src + 2 * p * n, 2 * p + 1 < k_len ? src + (2 * p + 1) * n : nullptr, n, out);
}

// out[m * pairs + p] = pair(in[m][2p], in[m][2p+1]) for m < m_len, i.e. the entry widened to int16;
// elements from k_len up count as zero.
inline void pack_entries(const int8_t* in, int64_t in_width, int64_t k_len, int64_t m_len, uint32_t* out) {
  const int64_t pairs = (k_len + 1) / 2;
  for (int64_t m = 0; m < m_len; ++m, in += in_width, out += pairs) {
    int64_t r = 0;
    for (; r + 16 <= k_len; r += 16) {
      const __m128i b = load128(in + r);
      store128(out + r / 2, widen_lo(b));
      store128(out + r / 2 + 4, widen_hi(b));
    }
    for (; r + 8 <= k_len; r += 8)
      store128(out + r / 2, widen_lo(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(in + r))));
    for (; r + 1 < k_len; r += 2) out[r / 2] = pair(in[r], in[r + 1]);
    if (r < k_len) out[r / 2] = pair(in[r], 0);
  }
}

// The SIMD loops, once per vector width: Vec is the register type, L its int32 lanes. An output row
// of C = V * L int32 is V registers; RT output rows are updated together so every loaded packed
// weight register serves RT rows.
#define ACV_GEMM_KERNELS(ISA, TARGET, Vec, L, load, store, set1, madd, add, zero)                          \
  template <int V, int RT>                                                                                  \
  TARGET inline void os_rows_##ISA(int32_t* acc, const uint32_t* xp, const uint32_t* wp, int64_t pairs,     \
                                   int64_t rows, int64_t i) {                                               \
    constexpr int C = V * L;                                                                                \
    Vec s[RT][V];                                                                                           \
    for (int r = 0; r < RT; ++r)                                                                            \
      for (int v = 0; v < V; ++v) s[r][v] = load(acc + (i + r) * C + v * L);                                \
    for (int64_t p = 0; p < pairs; ++p) {                                                                   \
      Vec wv[V];                                                                                            \
      for (int v = 0; v < V; ++v) wv[v] = load(wp + p * C + v * L);                                         \
      const uint32_t* x = xp + p * rows + i;                                                                \
      for (int r = 0; r < RT; ++r) {                                                                        \
        const Vec xr = set1(static_cast<int>(x[r]));                                                        \
        for (int v = 0; v < V; ++v) s[r][v] = add(s[r][v], madd(xr, wv[v]));                                \
      }                                                                                                     \
    }                                                                                                       \
    for (int r = 0; r < RT; ++r)                                                                            \
      for (int v = 0; v < V; ++v) store(acc + (i + r) * C + v * L, s[r][v]);                                \
  }                                                                                                         \
  template <int V, int RT, int P = 0>                                                                       \
  TARGET inline void ws_rows_##ISA(int32_t* out, const uint32_t* xp, const uint32_t* wp, int64_t n_pairs,   \
                                   int64_t m, bool first) {                                                 \
    constexpr int C = V * L;                                                                                \
    const int64_t pairs = P > 0 ? P : n_pairs; /* P: known at compile time (unrolled) */                   \
    Vec s[RT][V];                                                                                           \
    for (int r = 0; r < RT; ++r)                                                                            \
      for (int v = 0; v < V; ++v) s[r][v] = first ? zero() : load(out + (m + r) * C + v * L);              \
    for (int64_t p = 0; p < pairs; ++p) {                                                                   \
      Vec wv[V];                                                                                            \
      for (int v = 0; v < V; ++v) wv[v] = load(wp + p * C + v * L);                                         \
      for (int r = 0; r < RT; ++r) {                                                                        \
        const Vec xr = set1(static_cast<int>(xp[(m + r) * pairs + p]));                                     \
        for (int v = 0; v < V; ++v) s[r][v] = add(s[r][v], madd(xr, wv[v]));                                \
      }                                                                                                     \
    }                                                                                                       \
    for (int r = 0; r < RT; ++r)                                                                            \
      for (int v = 0; v < V; ++v) store(out + (m + r) * C + v * L, s[r][v]);                                \
  }                                                                                                         \
  template <int V>                                                                                          \
  TARGET inline void os_##ISA(int32_t* acc, const int8_t* in, const int8_t* w, int64_t k_len, int64_t rows, \
                              Scratch& s) {                                                                 \
    constexpr int C = V * L, RT = V <= 2 ? 4 : 2;                                                           \
    const int64_t pairs = (k_len + 1) / 2;                                                                  \
    s.x.resize(static_cast<std::size_t>(std::max<int64_t>(pairs * rows, 1)));                               \
    s.w.resize(static_cast<std::size_t>(std::max<int64_t>(pairs * C, 1)));                                  \
    pack_rows(in, k_len, rows, s.x.data());                                                                 \
    pack_rows(w, k_len, C, s.w.data());                                                                     \
    int64_t i = 0;                                                                                          \
    for (; i + RT <= rows; i += RT) os_rows_##ISA<V, RT>(acc, s.x.data(), s.w.data(), pairs, rows, i);      \
    for (; i < rows; ++i) os_rows_##ISA<V, 1>(acc, s.x.data(), s.w.data(), pairs, rows, i);                 \
  }                                                                                                         \
  template <int V>                                                                                          \
  TARGET inline void ws_packed_##ISA(int32_t* out, const int8_t* in, int64_t in_width, const uint32_t* wp,  \
                                     int64_t k_len, int64_t m_len, bool first, Scratch& s) {                \
    constexpr int RT = V <= 2 ? 4 : 2, Square = V * L / 2;                                                  \
    const int64_t pairs = (k_len + 1) / 2;                                                                  \
    s.x.resize(static_cast<std::size_t>(std::max<int64_t>(pairs * m_len, 1)));                              \
    int64_t m = 0;                                                                                          \
    if (k_len == 2 * Square) { /* k_len = cols, as on a square array: the loops unrolled */                 \
      pack_entries(in, in_width, 2 * Square, m_len, s.x.data());                                            \
      for (; m + RT <= m_len; m += RT) ws_rows_##ISA<V, RT, Square>(out, s.x.data(), wp, pairs, m, first);  \
      for (; m < m_len; ++m) ws_rows_##ISA<V, 1, Square>(out, s.x.data(), wp, pairs, m, first);             \
      return;                                                                                               \
    }                                                                                                       \
    pack_entries(in, in_width, k_len, m_len, s.x.data());                                                   \
    for (; m + RT <= m_len; m += RT) ws_rows_##ISA<V, RT>(out, s.x.data(), wp, pairs, m, first);            \
    for (; m < m_len; ++m) ws_rows_##ISA<V, 1>(out, s.x.data(), wp, pairs, m, first);                       \
  }                                                                                                         \

ACV_GEMM_KERNELS(sse2, , __m128i, 4, load128, store128, _mm_set1_epi32, _mm_madd_epi16, _mm_add_epi32,
                 _mm_setzero_si128)

#define ACV_TARGET_AVX2 __attribute__((target("avx2")))
ACV_TARGET_AVX2 inline __m256i load256(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }
ACV_TARGET_AVX2 inline void store256(void* p, __m256i v) { _mm256_storeu_si256(static_cast<__m256i*>(p), v); }
ACV_GEMM_KERNELS(avx2, ACV_TARGET_AVX2, __m256i, 8, load256, store256, _mm256_set1_epi32, _mm256_madd_epi16,
                 _mm256_add_epi32, _mm256_setzero_si256)
#undef ACV_GEMM_KERNELS

// WS with k_len = cols = 8 V (a square array's compute): each entry's int8 widened and its k pairs
// broadcast in registers (pmovsxbw, vpshufd) rather than packed first; C rows of V registers.
template <int V>
ACV_TARGET_AVX2 inline void ws_square_avx2(int32_t* out, const int8_t* in, int64_t in_width, const uint32_t* wp,
                                           int64_t m_len, bool first) {
  constexpr int C = V * 8;
  for (int64_t m = 0; m < m_len; ++m, in += in_width, out += C) {
    __m256i s[V];
    for (int v = 0; v < V; ++v) s[v] = first ? _mm256_setzero_si256() : load256(out + v * 8);
    for (int g = 0; g < V; ++g) {  // elements 8g .. 8g+7: pairs 4g .. 4g+3
      const __m128i x = _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(in + 8 * g)));
      const __m256i y = _mm256_broadcastsi128_si256(x);
      const __m256i b[4] = {_mm256_shuffle_epi32(y, 0x00), _mm256_shuffle_epi32(y, 0x55),
                            _mm256_shuffle_epi32(y, 0xaa), _mm256_shuffle_epi32(y, 0xff)};
      for (int q = 0; q < 4; ++q)
        for (int v = 0; v < V; ++v)
          s[v] = _mm256_add_epi32(s[v], _mm256_madd_epi16(b[q], load256(wp + (4 * g + q) * C + v * 8)));
    }
    for (int v = 0; v < V; ++v) store256(out + v * 8, s[v]);
  }
}

// OS on an 8 x 8 array (rows = cols = 8, any k_len): the eight accumulator rows stay in registers;
// per k pair, the two input and weight rows are interleaved and widened in registers, and each
// input pair is broadcast to its row (vpshufd) instead of packed first.
ACV_TARGET_AVX2 inline void os_square8_avx2(int32_t* acc, const int8_t* in, const int8_t* w, int64_t k_len) {
  __m256i s[8];
  for (int i = 0; i < 8; ++i) s[i] = load256(acc + i * 8);
  const __m128i zero = _mm_setzero_si128();
  for (int64_t k = 0; k < k_len; k += 2, in += 16, w += 16) {
    const bool pair = k + 1 < k_len;  // an odd k_len's last row pairs with zeros
    const __m128i x = _mm_unpacklo_epi8(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(in)),
                                        pair ? _mm_loadl_epi64(reinterpret_cast<const __m128i*>(in + 8)) : zero);
    const __m128i y = _mm_unpacklo_epi8(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(w)),
                                        pair ? _mm_loadl_epi64(reinterpret_cast<const __m128i*>(w + 8)) : zero);
    const __m256i wv = _mm256_cvtepi8_epi16(y);  // pair(w[k][j], w[k+1][j]) in lane j
    const __m256i xv = _mm256_cvtepi8_epi16(x);  // pair(in[k][i], in[k+1][i]) in lane i
    const __m256i lo = _mm256_permute2x128_si256(xv, xv, 0x00), hi = _mm256_permute2x128_si256(xv, xv, 0x11);
    s[0] = _mm256_add_epi32(s[0], _mm256_madd_epi16(_mm256_shuffle_epi32(lo, 0x00), wv));
    s[1] = _mm256_add_epi32(s[1], _mm256_madd_epi16(_mm256_shuffle_epi32(lo, 0x55), wv));
    s[2] = _mm256_add_epi32(s[2], _mm256_madd_epi16(_mm256_shuffle_epi32(lo, 0xaa), wv));
    s[3] = _mm256_add_epi32(s[3], _mm256_madd_epi16(_mm256_shuffle_epi32(lo, 0xff), wv));
    s[4] = _mm256_add_epi32(s[4], _mm256_madd_epi16(_mm256_shuffle_epi32(hi, 0x00), wv));
    s[5] = _mm256_add_epi32(s[5], _mm256_madd_epi16(_mm256_shuffle_epi32(hi, 0x55), wv));
    s[6] = _mm256_add_epi32(s[6], _mm256_madd_epi16(_mm256_shuffle_epi32(hi, 0xaa), wv));
    s[7] = _mm256_add_epi32(s[7], _mm256_madd_epi16(_mm256_shuffle_epi32(hi, 0xff), wv));
  }
  for (int i = 0; i < 8; ++i) store256(acc + i * 8, s[i]);
}

inline bool has_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}

// WS on weights packed by pack_rows at wp, with the best kernel `isa` allows for `cols`; false where
// none fits (the caller then runs the reference loops). One dispatch for ws() and ws_packed().
inline bool ws_packed_simd(int32_t* out, const int8_t* in, int64_t in_width, const uint32_t* wp, int64_t k_len,
                           int64_t cols, int64_t m_len, bool first, Scratch& s, Isa isa) {
  if (isa == Isa::Best && has_avx2()) {
    if (k_len == cols && cols == 8) return ws_square_avx2<1>(out, in, in_width, wp, m_len, first), true;
    if (k_len == cols && cols == 16) return ws_square_avx2<2>(out, in, in_width, wp, m_len, first), true;
    switch (cols) {
      case 8: return ws_packed_avx2<1>(out, in, in_width, wp, k_len, m_len, first, s), true;
      case 16: return ws_packed_avx2<2>(out, in, in_width, wp, k_len, m_len, first, s), true;
      case 32: return ws_packed_avx2<4>(out, in, in_width, wp, k_len, m_len, first, s), true;
      default: break;
    }
  }
  if (isa == Isa::Reference) return false;
  switch (cols) {
    case 4: return ws_packed_sse2<1>(out, in, in_width, wp, k_len, m_len, first, s), true;
    case 8: return ws_packed_sse2<2>(out, in, in_width, wp, k_len, m_len, first, s), true;
    case 16: return ws_packed_sse2<4>(out, in, in_width, wp, k_len, m_len, first, s), true;
    case 32: return ws_packed_sse2<8>(out, in, in_width, wp, k_len, m_len, first, s), true;
    default: return false;
  }
}

}  // namespace detail
#endif

// acc[i][j] += sum_{k < k_len} in[k][i] * w[k][j]: os_reference's contract.
inline void os(int32_t* acc, const int8_t* in, const int8_t* w, int64_t k_len, int64_t rows, int64_t cols,
               Scratch& s, Isa isa = Isa::Best) {
  if (k_len <= 0 || rows <= 0) return;
#if ACV_GEMM_X86
  using namespace detail;
  if (isa == Isa::Best && has_avx2()) {
    if (rows == 8 && cols == 8) return os_square8_avx2(acc, in, w, k_len);
    switch (cols) {
      case 8: return os_avx2<1>(acc, in, w, k_len, rows, s);
      case 16: return os_avx2<2>(acc, in, w, k_len, rows, s);
      case 32: return os_avx2<4>(acc, in, w, k_len, rows, s);
      default: break;
    }
  }
  if (isa != Isa::Reference) switch (cols) {
    case 4: return os_sse2<1>(acc, in, w, k_len, rows, s);
    case 8: return os_sse2<2>(acc, in, w, k_len, rows, s);
    case 16: return os_sse2<4>(acc, in, w, k_len, rows, s);
    case 32: return os_sse2<8>(acc, in, w, k_len, rows, s);
    default: break;
  }
#else
  (void)s;
  (void)isa;
#endif
  os_reference(acc, in, w, k_len, rows, cols);
}

// ws_reference's contract.
inline void ws(int32_t* out, const int8_t* in, int64_t in_width, const int8_t* w, int64_t k_len, int64_t m_len,
               int64_t cols, bool first, Scratch& s, Isa isa = Isa::Best) {
  if (m_len <= 0) return;
  if (k_len <= 0) {
    if (first) std::fill(out, out + m_len * cols, 0);
    return;
  }
#if ACV_GEMM_X86
  if (isa != Isa::Reference) {
    s.w.resize(static_cast<std::size_t>((k_len + 1) / 2 * cols));
    detail::pack_rows(w, k_len, cols, s.w.data());
    if (detail::ws_packed_simd(out, in, in_width, s.w.data(), k_len, cols, m_len, first, s, isa)) return;
  }
#else
  (void)s;
  (void)isa;
#endif
  ws_reference(out, in, in_width, w, k_len, m_len, cols, first);
}

// Weights packed once for several ws_packed() calls: a weight-stationary array keeps its weights for
// a run of computes, and packing them was a sizeable part of a small (DIM 8) compute.
struct PackedWeights {
  std::vector<int8_t> raw;      // k_len rows of cols (the reference loops)
  std::vector<uint32_t> pairs;  // the SIMD kernels' layout (pack_rows)
  int64_t k_len = 0, cols = 0;
};

// Packs k_len rows of `cols` weights (row r = PE row r) for ws_packed().
inline void pack_weights(const int8_t* w, int64_t k_len, int64_t cols, PackedWeights& p) {
  p.k_len = k_len;
  p.cols = cols;
  p.raw.assign(w, w + k_len * cols);
#if ACV_GEMM_X86
  p.pairs.resize(static_cast<std::size_t>(std::max<int64_t>((k_len + 1) / 2 * cols, 1)));
  if (k_len > 0) detail::pack_rows(w, k_len, cols, p.pairs.data());
#endif
}

// ws() with the weights `p` (k_len and cols from p): ws_reference's contract.
inline void ws_packed(int32_t* out, const int8_t* in, int64_t in_width, const PackedWeights& p, int64_t m_len,
                      bool first, Scratch& s, Isa isa = Isa::Best) {
  const int64_t k_len = p.k_len, cols = p.cols;
  if (m_len <= 0) return;
  if (k_len <= 0) {
    if (first) std::fill(out, out + m_len * cols, 0);
    return;
  }
#if ACV_GEMM_X86
  if (isa != Isa::Reference &&
      detail::ws_packed_simd(out, in, in_width, p.pairs.data(), k_len, cols, m_len, first, s, isa))
    return;
#else
  (void)s;
  (void)isa;
#endif
  ws_reference(out, in, in_width, p.raw.data(), k_len, m_len, cols, first);
}

}  // namespace acv::gemm
