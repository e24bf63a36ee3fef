// The workload IR: DNN layers with shapes, as read from YAML, SCALE-Sim CSV or ONNX files.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "error.h"

namespace acv {

enum class LayerKind { Conv2d, Conv1d, Dense, Gemm, MaxPool, AvgPool };

const char* to_string(LayerKind kind);

// One layer, batch 1, int8 operands and int32 results.
// Conv-like kinds (Conv2d, Conv1d, pools) use the feature-map fields; Dense and Gemm use m/n/k.
// Conv1d is stored as Conv2d with in_h = kh = 1. Tensor layouts (golden reference and drivers):
//   conv input  [in_c][in_h][in_w], weights [out_c][in_c/groups][kh][kw], output [out_c][out_h][out_w]
//   gemm/dense  A [m][k] (input), B [k][n] (weights), C [m][n] (output); dense: m = batch.
//   pools       input [in_c][in_h][in_w], no weights, output [in_c][out_h][out_w]
struct Layer {
  std::string name;
  LayerKind kind = LayerKind::Gemm;
  int64_t in_c = 0, in_h = 0, in_w = 0, out_c = 0;
  int64_t kh = 1, kw = 1, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, groups = 1;
  int64_t m = 0, n = 0, k = 0;
  SourceLoc loc;  // where the layer was defined, for errors (YAML: field "layers[i]"; CSV: no field)
  // Dataflow between layers, for accelerators that run whole networks (per-layer runs ignore it):
  // the layer whose output this one reads (empty: the previous layer, or the network input for
  // the first), a layer whose output is added to this one's before the activation, and the ReLU.
  std::string input_from;
  std::string residual_from;
  bool relu = false;

  bool is_conv() const { return kind == LayerKind::Conv2d || kind == LayerKind::Conv1d; }
  bool is_gemm() const { return kind == LayerKind::Dense || kind == LayerKind::Gemm; }
  bool is_pool() const { return kind == LayerKind::MaxPool || kind == LayerKind::AvgPool; }
  bool is_depthwise() const { return is_conv() && groups > 1 && groups == in_c && groups == out_c; }

  int64_t out_h() const { return (in_h + 2 * pad_h - kh) / stride_h + 1; }
  int64_t out_w() const { return (in_w + 2 * pad_w - kw) / stride_w + 1; }
  int64_t macs() const;  // 0 for pools: they compare or add, they do not multiply
  int64_t input_elems() const;
  int64_t weight_elems() const;
  int64_t output_elems() const;

  // The layer as a GEMM, C[gm][gn] += A[gm][gk] * B[gk][gn], per group (im2col for convs).
  // Pools have none: these throw MappingError for them.
  int64_t gemm_m() const;  // output pixels (conv) or m
  int64_t gemm_n() const;  // output channels per group (conv) or n
  int64_t gemm_k() const;  // in_c/groups * kh * kw (conv) or k
  int64_t gemm_groups() const { return is_conv() ? groups : 1; }
};

// Throws InputError naming layer.loc when the shape is impossible (non-positive sizes,
// kernel larger than the padded input, channels not divisible by groups...).
void validate_layer(const Layer& layer);

// An operator of a model file that became no layer because it does no multiply-accumulate work
// (ONNX: elementwise, activations, normalization, data movement). Runs list them (RunResult).
struct SkippedOperator {
  std::string node;     // the node's name in the model
  std::string op_type;  // e.g. Relu, Add
};

// The skipped operators' node names by operator type (types sorted, nodes in model order).
std::map<std::string, std::vector<std::string>> skipped_by_type(const std::vector<SkippedOperator>& ops);

struct Workload {
  std::string name;
  std::string file;
  std::vector<Layer> layers;
  std::vector<SkippedOperator> skipped_operators;  // in model order; empty for YAML and CSV

  // Throws InputError listing the layer names when `name` is absent.
  const Layer& find(const std::string& name) const;
};

}  // namespace acv
