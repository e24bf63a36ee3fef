// Tests of models/common/gemm_lowering: the stall-free bound on ResNet-18 layers as SCALE-Sim v2
// counted them (issue 14's table: 54x54 outputs, no padding), and the DRAM image against plain
// im2col loops.
#include <catch2/catch.hpp>

#include <random>

#include "models/common/gemm_lowering.h"
#include "models/common/workload_reader.h"
#include "test_layers.h"

using namespace acv;

namespace {

// The image by its definition, one byte at a time: A im2col'd ([g][m][k], or [g][k][m]), B the
// filters transposed ([g][k][n]), everything else zero.
std::vector<uint8_t> image_by_definition(const Layer& layer, const LayerData& data, bool a_transposed) {
  const GemmShape g = gemm_shape(layer);
  const GemmDramLayout lay = gemm_dram_layout(g);
  std::vector<uint8_t> dram(lay.end, 0);
  for (int64_t grp = 0; grp < g.groups; ++grp)
    for (int64_t m = 0; m < g.m; ++m)
      for (int64_t k = 0; k < g.k; ++k) {
        int8_t v = 0;
        if (!layer.is_conv()) {
          v = data.input[m * g.k + k];
        } else {
          const int64_t cin = layer.in_c / layer.groups, ow = layer.out_w();
          const int64_t ci = k / (layer.kh * layer.kw), ky = k / layer.kw % layer.kh, kx = k % layer.kw;
          const int64_t y = m / ow * layer.stride_h - layer.pad_h + ky, x = m % ow * layer.stride_w - layer.pad_w + kx;
          if (y >= 0 && y < layer.in_h && x >= 0 && x < layer.in_w)
            v = data.input[((grp * cin + ci) * layer.in_h + y) * layer.in_w + x];
        }
        dram[lay.a + grp * g.m * g.k + (a_transposed ? k * g.m + m : m * g.k + k)] = static_cast<uint8_t>(v);
      }
  for (int64_t grp = 0; grp < g.groups; ++grp)
    for (int64_t k = 0; k < g.k; ++k)
      for (int64_t n = 0; n < g.n; ++n)
        dram[lay.b + (grp * g.k + k) * g.n + n] = static_cast<uint8_t>(
            layer.is_conv() ? data.weights[(grp * g.n + n) * g.k + k] : data.weights[k * g.n + n]);
  return dram;
}

}  // namespace

TEST_CASE("the stall-free bound equals SCALE-Sim's cycles for both dataflows", "[gemm]") {
  const Workload w = load_workload(std::string(ACV_WORKLOADS_DIR) + "/Resnet18.csv");
  const GemmShape conv2 = gemm_shape(w.find("Conv2_1a"));
  const GemmShape conv3 = gemm_shape(w.find("Conv3_1b"));
  CHECK(gemm_stall_free_cycles(conv2, 8, 8, false) == 1722799);
  CHECK(gemm_stall_free_cycles(conv3, 16, 16, false) == 406607);
  CHECK(gemm_stall_free_cycles(conv2, 16, 16, true) == 426527);
}

TEST_CASE("the stall-free bound counts every group's folds", "[gemm]") {
  const GemmShape one{1, 20, 5, 9}, four{4, 20, 5, 9};
  // OS: ceil(20/4) x ceil(5/4) = 10 folds of 9 + 4 + 4 - 2; WS: ceil(9/4) x 2 = 6 folds of 20 + 8 + 4 - 2.
  CHECK(gemm_stall_free_cycles(one, 4, 4, false) == 10 * 15 - 1);
  CHECK(gemm_stall_free_cycles(one, 4, 4, true) == 6 * 30 - 1);
  CHECK(gemm_stall_free_cycles(four, 4, 4, true) == 4 * 6 * 30 - 1);
}

TEST_CASE("the DRAM image is the layout's size and holds im2col'd A and transposed B for any shape", "[gemm]") {
  // Random small shapes, plus ones with several 16 x 16 blocks and ragged edges on both sides of
  // each transposition (B of convs, A of GEMMs in [k][m]).
  std::mt19937 rng(11);
  std::vector<Layer> layers = test::ragged_layers();
  for (int i = 0; i < 40; ++i) layers.push_back(test::random_layer(rng, i));
  layers.push_back(test::conv(20, 9, 9, 35, 3, 2, 1, 1));   // K 180, N 35
  layers.push_back(test::conv(32, 6, 7, 48, 3, 1, 1, 2));   // grouped: K 144, N 24 per group
  layers.push_back(test::conv(5, 40, 40, 33, 1, 1, 0, 1));  // M 1600, K 5
  layers.push_back(test::gemm(50, 20, 67));
  layers.push_back(test::gemm(16, 16, 16));
  for (const Layer& layer : layers)
    for (const bool transposed : {false, true}) {
      INFO(layer.name << " m " << layer.gemm_m() << " n " << layer.gemm_n() << " k " << layer.gemm_k() << " groups "
                      << layer.gemm_groups() << (transposed ? ", A [k][m]" : ", A [m][k]"));
      const GemmDramLayout lay = gemm_dram_layout(gemm_shape(layer));
      const Program program = gemm_program(nullptr, layer.name, {}, lay, transposed);
      const LayerData data = make_layer_data(layer, 5);
      const std::vector<uint8_t> image = gemm_dram_image(layer, data, program);
      CHECK(image.size() == lay.end);
      CHECK(image == image_by_definition(layer, data, transposed));
    }
}
