// Tests of the golden reference against hand-computed cases, naive loops and per-group decompositions.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "models/common/golden.h"
#include "models/common/workload_reader.h"

namespace acv {
namespace {

Layer conv(int64_t in_c, int64_t h, int64_t w, int64_t out_c, int64_t kh, int64_t kw, int64_t stride = 1,
           int64_t pad = 0, int64_t groups = 1) {
  Layer l;
  l.name = "c";
  l.kind = LayerKind::Conv2d;
  l.in_c = in_c;
  l.in_h = h;
  l.in_w = w;
  l.out_c = out_c;
  l.kh = kh;
  l.kw = kw;
  l.stride_h = l.stride_w = stride;
  l.pad_h = l.pad_w = pad;
  l.groups = groups;
  validate_layer(l);
  return l;
}

Layer gemm(int64_t m, int64_t n, int64_t k) {
  Layer l;
  l.name = "g";
  l.kind = LayerKind::Gemm;
  l.m = m;
  l.n = n;
  l.k = k;
  return l;
}

Layer pool(LayerKind kind, int64_t c, int64_t h, int64_t w, int64_t k, int64_t stride, int64_t pad) {
  Layer l = conv(c, h, w, c, k, k, stride, pad);
  l.kind = kind;
  validate_layer(l);
  return l;
}

// Channels [first, first + count) of a [c][h][w] tensor, or of weights laid out [oc][...].
template <typename T>
std::vector<T> slice_channels(const std::vector<T>& t, int64_t per_channel, int64_t first, int64_t count) {
  return std::vector<T>(t.begin() + first * per_channel, t.begin() + (first + count) * per_channel);
}

TEST_CASE("golden conv matches a hand-computed padded strided case", "[golden]") {
  // input 3x3 = 1..9, kernel [[1, 0], [0, -1]], padding 1, stride 2 -> 2x2 output.
  const Layer l = conv(1, 3, 3, 1, 2, 2, 2, 1);
  const LayerData d{{1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 0, 0, -1}};
  // Windows start at (-1,-1), (-1,1), (1,-1), (1,1); padding contributes zero.
  CHECK(golden_output(l, d) == std::vector<int32_t>{-1, -3, -7, 5 - 9});
}

TEST_CASE("golden conv sums over input channels per output channel", "[golden]") {
  // Two input channels of 2x2, a 2x2 kernel, two filters: each output is a dot product of 8 values.
  const Layer l = conv(2, 2, 2, 2, 2, 2);
  const LayerData d{{1, 2, 3, 4, 5, 6, 7, 8},
                    {1, 1, 1, 1, 1, 1, 1, 1,     // filter 0: sum of everything
                     -1, 0, 0, 0, 0, 0, 0, 2}};  // filter 1: -x[0][0][0] + 2 * x[1][1][1]
  CHECK(golden_output(l, d) == std::vector<int32_t>{36, -1 + 16});
}

TEST_CASE("golden conv of extreme int8 values uses the full product range", "[golden]") {
  const Layer l = conv(1, 1, 1, 2, 1, 1);
  const LayerData d{{-128}, {-128, 127}};
  CHECK(golden_output(l, d) == std::vector<int32_t>{16384, -16256});
}

TEST_CASE("golden gemm equals a naive triple loop on ragged shapes", "[golden]") {
  for (const Layer& l : {gemm(13, 7, 19), gemm(1, 5, 3), gemm(9, 1, 1), gemm(4, 33, 65)}) {
    CAPTURE(l.m, l.n, l.k);
    const LayerData d = make_layer_data(l, 42);
    std::vector<int32_t> expected(static_cast<std::size_t>(l.m * l.n));
    for (int64_t i = 0; i < l.m; ++i) {
      for (int64_t j = 0; j < l.n; ++j) {
        int32_t acc = 0;
        for (int64_t k = 0; k < l.k; ++k) acc += int32_t{d.input[i * l.k + k]} * d.weights[k * l.n + j];
        expected[i * l.n + j] = acc;
      }
    }
    CHECK(golden_output(l, d) == expected);
  }
}

TEST_CASE("dense is computed as a gemm with m = batch", "[golden]") {
  Layer dense = gemm(3, 11, 37);
  dense.kind = LayerKind::Dense;
  const LayerData d = make_layer_data(dense, 5);
  CHECK(golden_output(dense, d) == golden_output(gemm(3, 11, 37), d));
}

TEST_CASE("golden accumulation wraps modulo 2^32 like an int32 accumulator", "[golden]") {
  const int64_t k = 131073;  // 131073 * 16384 = 2^31 + 16384
  const Layer l = gemm(1, 1, k);
  const LayerData d{std::vector<int8_t>(k, -128), std::vector<int8_t>(k, -128)};
  CHECK(golden_output(l, d) == std::vector<int32_t>{static_cast<int32_t>(16384 - (int64_t{1} << 31))});
}

TEST_CASE("1x1 conv equals a gemm over pixels", "[golden]") {
  const Layer l = conv(16, 6, 5, 10, 1, 1);
  const LayerData d = make_layer_data(l, 3);
  // conv input [c][pixel] is B^T; compute C^T = W[oc][c] * X[c][pixel] as a gemm.
  const Layer g = gemm(10, 30, 16);
  CHECK(golden_output(l, d) == golden_output(g, LayerData{d.weights, d.input}));
}

TEST_CASE("grouped conv equals independent convs on each channel group", "[golden]") {
  struct Case {
    const char* what;
    Layer layer;
  };
  const Case cases[] = {
      {"4 groups, padding", conv(8, 7, 7, 12, 3, 3, 1, 1, 4)},
      {"2 groups, stride 2, rectangular kernel", conv(6, 9, 10, 4, 3, 2, 2, 1, 2)},
      {"depthwise, stride 2", conv(6, 10, 10, 6, 3, 3, 2, 1, 6)},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    const Layer& l = c.layer;
    const LayerData d = make_layer_data(l, 11);
    const std::vector<int32_t> out = golden_output(l, d);
    const int64_t cin = l.in_c / l.groups, cout = l.out_c / l.groups;
    Layer part = l;
    part.in_c = cin;
    part.out_c = cout;
    part.groups = 1;
    const int64_t out_plane = l.out_h() * l.out_w();
    for (int64_t g = 0; g < l.groups; ++g) {
      CAPTURE(g);
      const LayerData pd{slice_channels(d.input, l.in_h * l.in_w, g * cin, cin),
                         slice_channels(d.weights, cin * l.kh * l.kw, g * cout, cout)};
      CHECK(golden_output(part, pd) == slice_channels(out, out_plane, g * cout, cout));
    }
  }
}

TEST_CASE("conv1d computes like a conv2d of height 1", "[golden]") {
  Layer l1 = conv(7, 1, 29, 5, 1, 5, 2, 0);
  l1.pad_w = 2;
  l1.stride_h = 1;
  Layer l2 = l1;
  l1.kind = LayerKind::Conv1d;
  validate_layer(l1);
  const LayerData d = make_layer_data(l1, 9);
  const std::vector<int32_t> out = golden_output(l1, d);
  CHECK(out.size() == static_cast<std::size_t>(5 * 15));
  CHECK(out == golden_output(l2, d));
  // Spot check the first output by hand: window [-2, 3) of each channel, the first two taps on padding.
  int32_t expected = 0;
  for (int64_t c = 0; c < 7; ++c) {
    for (int64_t t = 2; t < 5; ++t) expected += d.input[c * 29 + t - 2] * d.weights[c * 5 + t];
  }
  CHECK(out[0] == expected);
}

TEST_CASE("max pool takes the window maximum and padding never wins", "[golden]") {
  const LayerData d{{1, -2, 3, -4, 5, -6, 7, -8, 9}, {}};
  CHECK(golden_output(pool(LayerKind::MaxPool, 1, 3, 3, 2, 1, 0), d) == std::vector<int32_t>{5, 5, 7, 9});
  const LayerData negative{{-9, -8, -7, -6, -5, -4, -3, -2, -1}, {}};
  // 3x3 windows, stride 2, padding 1: every window overlaps the padding, yet the maxima stay negative.
  CHECK(golden_output(pool(LayerKind::MaxPool, 1, 3, 3, 3, 2, 1), negative) ==
        std::vector<int32_t>{-5, -4, -2, -1});
}

TEST_CASE("avg pool divides by the window size and truncates toward zero", "[golden]") {
  const LayerData d{{1, 2, 3, 4, 5, 6, 7, 8, 9}, {}};
  // (1+2+4+5)/4 = 3, (2+3+5+6)/4 = 4, (4+5+7+8)/4 = 6, (5+6+8+9)/4 = 7
  CHECK(golden_output(pool(LayerKind::AvgPool, 1, 3, 3, 2, 1, 0), d) == std::vector<int32_t>{3, 4, 6, 7});
  const LayerData negative{{-1, -2, -3, -4}, {}};
  CHECK(golden_output(pool(LayerKind::AvgPool, 1, 2, 2, 2, 2, 0), negative) ==
        std::vector<int32_t>{-2});  // -10/4
  // Padding counts as zeros: the top-left 3x3 window with padding 1 covers 1, 2, 4, 5 -> 12 / 9.
  CHECK(golden_output(pool(LayerKind::AvgPool, 1, 3, 3, 3, 2, 1), d) ==
        std::vector<int32_t>{12 / 9, 16 / 9, 24 / 9, 28 / 9});
}

TEST_CASE("pools work per channel", "[golden]") {
  const Layer l = pool(LayerKind::MaxPool, 2, 2, 2, 2, 2, 0);
  CHECK(golden_output(l, LayerData{{1, 4, 3, 2, -5, -6, -7, -8}, {}}) == std::vector<int32_t>{4, -5});
}

TEST_CASE("make_layer_data is deterministic per seed and covers the int8 range", "[golden]") {
  const Layer l = conv(16, 32, 32, 8, 3, 3);
  const LayerData a = make_layer_data(l, 7);
  const LayerData b = make_layer_data(l, 7);
  const LayerData c = make_layer_data(l, 8);
  CHECK(a.input == b.input);
  CHECK(a.weights == b.weights);
  CHECK(a.input != c.input);
  CHECK(a.weights != c.weights);
  CHECK(a.input.size() == static_cast<std::size_t>(l.input_elems()));
  CHECK(a.weights.size() == static_cast<std::size_t>(l.weight_elems()));
  CHECK(*std::min_element(a.input.begin(), a.input.end()) == -128);
  CHECK(*std::max_element(a.input.begin(), a.input.end()) == 127);
  // The input depends on the seed and the input shape only, not on the weights.
  const LayerData other_filters = make_layer_data(conv(16, 32, 32, 4, 5, 5), 7);
  CHECK(other_filters.input == a.input);
  CHECK(make_layer_data(pool(LayerKind::AvgPool, 2, 4, 4, 2, 2, 0), 1).weights.empty());
}

TEST_CASE("golden data and outputs are stable across builds", "[golden]") {
  // Pinned values: RunResult caches and committed reports key on these, so a change to the
  // PRNG or the reference must be deliberate.
  const Layer l = gemm(13, 7, 19);
  const LayerData d = make_layer_data(l, 1);
  CHECK(hash_output(std::vector<int32_t>(d.input.begin(), d.input.end())) == 0x3cc47ddee92e8200ull);
  CHECK(hash_output(golden_output(l, d)) == 0x20747b1e5236e2c3ull);
}

TEST_CASE("hash_output is FNV-1a 64 over little-endian bytes", "[golden]") {
  CHECK(hash_output({}) == 0xcbf29ce484222325ull);
  CHECK(hash_output({0x64636261}) == 0xfc179f83ee0724ddull);  // FNV-1a of "abcd"
  CHECK(hash_output({-1, INT32_MIN}) == 0x4ebb2d864bc7cc61ull);
  CHECK(hash_output({1, 2}) != hash_output({2, 1}));
}

TEST_CASE("golden reference runs every layer of tiny.yaml and rejects mismatched data", "[golden]") {
  const Workload w = load_workload(std::string(ACV_WORKLOADS_DIR) + "/tiny.yaml");
  for (const Layer& l : w.layers) {
    CAPTURE(l.name);
    CHECK(golden_output(l, make_layer_data(l, 1)).size() == static_cast<std::size_t>(l.output_elems()));
  }
  const Layer& g = w.find("gemm_ragged");
  LayerData short_input = make_layer_data(g, 1);
  short_input.input.pop_back();
  CHECK_THROWS_AS(golden_output(g, short_input), std::invalid_argument);
}

}  // namespace
}  // namespace acv

namespace acv {
namespace {

// Operands with the extremes the fast path must survive (-128 * -128 pairs summed in pmaddwd lanes).
LayerData extreme_data(const Layer& l, uint64_t seed) {
  LayerData d = make_layer_data(l, seed);
  for (std::size_t i = 0; i < d.input.size(); i += 3) d.input[i] = -128;
  for (std::size_t i = 0; i < d.weights.size(); i += 2) d.weights[i] = -128;
  return d;
}

TEST_CASE("golden fast path equals the naive loops on random shapes (ragged, grouped, depthwise)", "[golden]") {
  uint64_t state = 12345;
  auto next = [&state](int64_t lo, int64_t hi) {  // uniform in [lo, hi], a fixed LCG: same shapes everywhere
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return lo + static_cast<int64_t>((state >> 33) % static_cast<uint64_t>(hi - lo + 1));
  };
  for (int i = 0; i < 40; ++i) {
    const Layer g = gemm(next(1, 70), next(1, 90), next(1, 300));
    CAPTURE(g.m, g.n, g.k);
    const LayerData d = i % 4 == 0 ? extreme_data(g, i) : make_layer_data(g, static_cast<uint64_t>(i));
    CHECK(golden_output(g, d, GoldenPath::Fast) == golden_output(g, d, GoldenPath::Naive));
  }
  for (int i = 0; i < 40; ++i) {
    const int64_t k = next(1, 5), kw = next(1, 5) <= 2 ? k : std::max<int64_t>(1, k - 1);
    const int64_t stride = next(1, 3), pad = next(0, std::min(k, kw) / 2);
    const int64_t h = next(k, 19), w = next(k, 23);
    int64_t groups = 1, in_c = next(1, 12), out_c = next(1, 40);
    if (i % 3 == 1) groups = in_c = out_c = next(2, 24);  // depthwise
    if (i % 3 == 2) {
      groups = next(2, 4);
      in_c = groups * next(1, 5);
      out_c = groups * next(1, 9);
    }
    const Layer l = conv(in_c, h, w, out_c, k, kw, stride, pad, groups);
    CAPTURE(l.in_c, l.in_h, l.in_w, l.out_c, l.kh, l.kw, l.stride_h, l.pad_h, l.groups);
    const LayerData d = i % 4 == 0 ? extreme_data(l, i) : make_layer_data(l, static_cast<uint64_t>(i));
    CHECK(golden_output(l, d, GoldenPath::Fast) == golden_output(l, d, GoldenPath::Naive));
  }
  // A K far beyond int16 range of pair sums, all -128: the int32 wrap of the naive sum.
  const Layer big_k = gemm(3, 33, 70000);
  LayerData d{std::vector<int8_t>(static_cast<std::size_t>(3 * 70000), -128),
              std::vector<int8_t>(static_cast<std::size_t>(70000 * 33), -128)};
  CHECK(golden_output(big_k, d, GoldenPath::Fast) == golden_output(big_k, d, GoldenPath::Naive));
}

}  // namespace
}  // namespace acv
