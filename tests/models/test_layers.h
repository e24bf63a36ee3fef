// Layers built in code for the mapper tests of every accelerator (tests/models/<a>/).
#pragma once

#include <cstdint>

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

}  // namespace acv::test
