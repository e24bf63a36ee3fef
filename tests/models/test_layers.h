// Layers built in code for the mapper tests of every accelerator (tests/models/<a>/).
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "models/common/accelerator.h"
#include "models/common/golden.h"
#include "models/common/layer.h"

namespace acv::test {

inline Layer gemm(int64_t m, int64_t n, int64_t k) {
  Layer l;
  l.name = "g";
  l.kind = LayerKind::Gemm;
  l.m = m;
  l.n = n;
  l.k = k;
  return l;
}

// A square-kernel conv2d with equal strides and padding; groups == c is depthwise.
inline Layer conv(int64_t c, int64_t h, int64_t w, int64_t oc, int64_t kernel, int64_t stride, int64_t pad,
                  int64_t groups) {
  Layer l;
  l.name = "c";
  l.kind = LayerKind::Conv2d;
  l.in_c = c;
  l.in_h = h;
  l.in_w = w;
  l.out_c = oc;
  l.kh = l.kw = kernel;
  l.stride_h = l.stride_w = stride;
  l.pad_h = l.pad_w = pad;
  l.groups = groups;
  return l;
}

// The ragged layers every mapper test runs: GEMMs and a dense layer whose sizes divide no array
// dimension, a padded strided conv, a depthwise and a grouped conv.
inline std::vector<Layer> ragged_layers() {
  Layer dense = gemm(3, 29, 70);
  dense.kind = LayerKind::Dense;
  return {gemm(13, 7, 19),       gemm(1, 1, 1), gemm(37, 41, 53), dense, conv(3, 9, 9, 5, 3, 2, 1, 1),
          conv(6, 7, 7, 6, 3, 1, 1, 6), conv(4, 6, 6, 6, 3, 1, 0, 2)};
}

// A layer shape nobody wrote the description against: GEMM, dense, conv2d (strided, padded,
// grouped), depthwise or conv1d, small enough for the RTL to run in milliseconds.
inline Layer random_layer(std::mt19937& rng, int index) {
  auto pick = [&rng](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  for (;;) {
    Layer l;
    l.name = "random" + std::to_string(index);
    switch (pick(0, 4)) {
      case 0:
      case 1:
        l.kind = pick(0, 1) ? LayerKind::Gemm : LayerKind::Dense;
        l.m = l.kind == LayerKind::Dense ? pick(1, 4) : pick(1, 90);
        l.k = pick(1, 150);
        l.n = pick(1, 90);
        break;
      case 2:
      case 3: {
        l.kind = LayerKind::Conv2d;
        const bool depthwise = pick(0, 3) == 0;
        l.in_c = pick(1, 24);
        l.groups = depthwise ? l.in_c : (pick(0, 3) == 0 && l.in_c % 2 == 0 ? 2 : 1);
        l.out_c = depthwise ? l.in_c : l.groups * pick(1, 16);
        l.kh = l.kw = pick(0, 1) ? 1 + 2 * pick(0, 2) : pick(1, 4);
        l.stride_h = l.stride_w = pick(1, 2);
        l.pad_h = l.pad_w = pick(0, l.kh / 2);
        l.in_h = pick(l.kh, 14);
        l.in_w = pick(l.kw, 14);
        break;
      }
      default:
        l.kind = LayerKind::Conv1d;
        l.in_c = pick(1, 24);
        l.out_c = pick(1, 24);
        l.in_h = l.kh = 1;
        l.kw = pick(1, 9);
        l.stride_w = pick(1, 2);
        l.pad_w = pick(0, l.kw / 2);
        l.in_w = pick(l.kw, 60);
    }
    try {
      validate_layer(l);
      return l;
    } catch (const InputError&) {
      // impossible shape drawn: draw again
    }
  }
}

// Maps `layer`, runs the Program on an accelerator's functional model
// (`run_functional(program, config, dram)`) from its DRAM image, and checks the output against the
// golden reference.
template <class RunFunctional>
void check_functional_golden(const Accelerator& accel, RunFunctional run_functional, const Layer& layer,
                             const AccelConfig& cfg, uint64_t seed = 7) {
  const Program program = accel.map(layer, cfg);
  const LayerData data = make_layer_data(layer, seed);
  std::vector<uint8_t> dram = accel.dram_image(layer, data, program);
  run_functional(program, cfg, dram);
  CHECK(accel.read_output(layer, program, dram) == golden_output(layer, data));
}

}  // namespace acv::test
