// ONNX reader: the model checked and shape-inferred by libonnx, then each node mapped to layers,
// listed as skipped (no multiply-accumulate work), or refused naming the node and the field.
#include "models/common/onnx_reader.h"

#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/proto_utils.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "models/common/workload_reader.h"

namespace acv {

namespace {

using Dims = std::vector<int64_t>;

std::string join_dims(const Dims& d) {
  std::string s = "[";
  for (std::size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
  return s + "]";
}

// One line: libonnx's messages may span several.
std::string one_line(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// Operators without multiply-accumulate work for an array: elementwise and activations (a
// vector unit's or the host's), normalization (folded into weights or elementwise at inference),
// data movement and shapes, reductions, quantization. Everything not here and not mapped is an
// error, so a model whose MACs acv cannot see (ConvTranspose, LSTM, Einsum) is never undercounted.
const std::set<std::string>& skipped_op_types() {
  static const std::set<std::string> ops = {
      // elementwise and activations
      "Abs", "Acos", "Acosh", "Add", "And", "Asin", "Asinh", "Atan", "Atanh", "BitShift", "Ceil", "Celu",
      "Clip", "Cos", "Cosh", "Div", "Elu", "Equal", "Erf", "Exp", "Floor", "Gelu", "Greater",
      "GreaterOrEqual", "HardSigmoid", "HardSwish", "Hardmax", "Identity", "IsInf", "IsNaN", "LeakyRelu",
      "Less", "LessOrEqual", "Log", "LogSoftmax", "Max", "Mean", "Min", "Mish", "Mod", "Mul", "Neg", "Not",
      "Or", "PRelu", "Pow", "Reciprocal", "Relu", "Round", "Selu", "Shrink", "Sigmoid", "Sign", "Sin", "Sinh",
      "Softmax", "Softplus", "Softsign", "Sqrt", "Sub", "Sum", "Tan", "Tanh", "ThresholdedRelu", "Where",
      "Xor",
      // normalization
      "BatchNormalization", "InstanceNormalization", "LayerNormalization", "LpNormalization",
      "MeanVarianceNormalization", "LRN",
      // data movement and shapes
      "Cast", "CastLike", "Compress", "Concat", "Constant", "ConstantOfShape", "DepthToSpace", "Dropout",
      "Expand", "EyeLike", "Flatten", "Gather", "GatherElements", "GatherND", "NonZero", "OneHot", "Pad",
      "Range", "Reshape", "Resize", "ReverseSequence", "Scatter", "ScatterElements", "ScatterND", "Shape",
      "Size", "Slice", "SpaceToDepth", "Split", "Squeeze", "Tile", "Transpose", "Trilu", "Unsqueeze",
      "Upsample",
      // reductions
      "ArgMax", "ArgMin", "CumSum", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax",
      "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSum", "ReduceSumSquare", "TopK",
      // quantization
      "DequantizeLinear", "DynamicQuantizeLinear", "QuantizeLinear"};
  return ops;
}

// The sliding window of a conv or pool, as Layer holds it (1-D: height 1, no height stride or padding).
struct Window {
  int64_t kh = 1, kw = 1, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0;
};

// Reads one model. Methods that fail name the node: "file: node 'conv1' (Conv).pads: reason".
class OnnxReader {
 public:
  OnnxReader(const onnx::ModelProto& model, const std::string& file) : graph_(model.graph()), file_(file) {
    const auto add = [&](const onnx::ValueInfoProto& v) { types_[v.name()] = &v.type(); };
    for (const auto& v : graph_.input()) add(v);
    for (const auto& v : graph_.value_info()) add(v);
    for (const auto& v : graph_.output()) add(v);
    for (const auto& t : graph_.initializer()) {
      constants_.insert(t.name());
      initializer_dims_[t.name()] = Dims(t.dims().begin(), t.dims().end());
    }
    // Weights may reach an operator through nodes computed from constants only (a quantized
    // model's DequantizeLinear, a Transpose): their outputs are weights too.
    for (const auto& n : graph_.node()) {
      const bool from_constants = std::all_of(n.input().begin(), n.input().end(), [&](const std::string& in) {
        return in.empty() || constants_.count(in) > 0;
      });
      if (n.op_type() == "Constant" || (from_constants && skipped_op_types().count(n.op_type())))
        for (const auto& o : n.output()) constants_.insert(o);
    }
  }

  Workload read() {
    Workload w;
    w.file = file_;
    const std::string stem = std::filesystem::path(file_).stem().string();
    w.name = stem.empty() ? "workload" : stem;
    for (int i = 0; i < graph_.node_size(); ++i) {
      const onnx::NodeProto& node = graph_.node(i);
      node_ = &node;
      index_ = i;
      const bool standard = node.domain().empty() || node.domain() == "ai.onnx";
      const std::string& op = node.op_type();
      const auto mapper = mappers().find(op);
      if (standard && mapper != mappers().end()) {
        const std::size_t first = w.layers.size();
        mapper->second(*this, w.layers);
        flow_layers(first, w.layers.size() - first);
      } else if (standard && skipped_op_types().count(op)) {
        w.skipped_operators.push_back({layer_name(), op});
        flow_skipped();
      } else {
        std::string mapped;
        for (const auto& m : mappers()) mapped += (mapped.empty() ? "" : ", ") + m.first;
        fail("op_type", "operator " + (standard ? op : node.domain() + "." + op) +
                            " cannot be mapped: acv maps " + mapped +
                            ", and skips operators without multiply-accumulate work (elementwise, "
                            "activations, normalization, data movement, reductions)");
      }
    }
    if (w.layers.empty()) {
      std::set<std::string> types;
      for (const auto& s : w.skipped_operators) types.insert(s.op_type);
      std::string ops;
      for (const auto& t : types) ops += (ops.empty() ? "" : ", ") + t;
      throw InputError(
          SourceLoc{file_, 0, ""},
          "no operator maps to a layer: every operator is one without multiply-accumulate work (" + ops +
              ")");
    }
    return w;
  }

  // Sets the layers' input / residual / relu from the dataflow followed by read(). Called after
  // repeated names are renamed, so references name the layers as they end up.
  void resolve_dataflow(Workload& w) const {
    const auto name_of = [&](const Ref& r) {
      if (r.layer >= 0) return w.layers[static_cast<std::size_t>(r.layer)].name;
      return r.network_input ? std::string("(the network input, which only the first layer reads)")
                             : r.unknown;
    };
    for (std::size_t i = 0; i < w.layers.size(); ++i) {
      Layer& l = w.layers[i];
      const Ref& in = input_refs_[i];
      // Empty means the previous layer (or the network input for the first): say it only otherwise.
      const bool implied = in.layer >= 0 ? in.layer + 1 == static_cast<int>(i) : in.network_input && i == 0;
      l.input_from = implied ? "" : name_of(in);
      l.residual_from = residual_refs_[i].layer >= 0 ? name_of(residual_refs_[i]) : "";
      l.relu = groups_[group_of_[i]].relu;
    }
  }

 private:
  using Mapper = std::function<void(const OnnxReader&, std::vector<Layer>&)>;

  // The operators that become layers, with the inputs that hold the data and the weights.
  static const std::map<std::string, Mapper>& mappers() {
    static const std::map<std::string, Mapper> table = {
        {"Conv", [](const OnnxReader& r, std::vector<Layer>& l) { r.map_conv(0, 1, l); }},
        {"ConvInteger", [](const OnnxReader& r, std::vector<Layer>& l) { r.map_conv(0, 1, l); }},
        {"QLinearConv", [](const OnnxReader& r, std::vector<Layer>& l) { r.map_conv(0, 3, l); }},
        {"Gemm", [](const OnnxReader& r, std::vector<Layer>& l) { r.map_gemm(l); }},
        {"MatMul", [](const OnnxReader& r, std::vector<Layer>& l) { r.map_matmul(0, 1, l); }},
        {"MatMulInteger", [](const OnnxReader& r, std::vector<Layer>& l) { r.map_matmul(0, 1, l); }},
        {"QLinearMatMul", [](const OnnxReader& r, std::vector<Layer>& l) { r.map_matmul(0, 3, l); }},
        {"MaxPool", [](const OnnxReader& r, std::vector<Layer>& l) { r.map_pool(LayerKind::MaxPool, l); }},
        {"AveragePool",
         [](const OnnxReader& r, std::vector<Layer>& l) { r.map_pool(LayerKind::AvgPool, l); }},
        {"GlobalMaxPool",
         [](const OnnxReader& r, std::vector<Layer>& l) { r.map_global_pool(LayerKind::MaxPool, l); }},
        {"GlobalAveragePool",
         [](const OnnxReader& r, std::vector<Layer>& l) { r.map_global_pool(LayerKind::AvgPool, l); }},
    };
    return table;
  }

  // "node 'conv1' (Conv)", or "node 3 (Conv, unnamed)": node names are optional in ONNX.
  std::string node_label() const {
    return node_->name().empty() ? "node " + std::to_string(index_) + " (" + node_->op_type() + ", unnamed)"
                                 : "node '" + node_->name() + "' (" + node_->op_type() + ")";
  }

  // The node's layer name: its own, or "<op>_<index>" when it has none.
  std::string layer_name() const {
    return node_->name().empty() ? node_->op_type() + "_" + std::to_string(index_) : node_->name();
  }

  [[noreturn]] void fail(const std::string& field, const std::string& reason) const {
    throw InputError(SourceLoc{file_, 0, node_label() + (field.empty() ? "" : "." + field)}, reason);
  }

  const onnx::AttributeProto* attribute(const std::string& name) const {
    for (const auto& a : node_->attribute())
      if (a.name() == name) return &a;
    return nullptr;
  }

  int64_t attr_int(const std::string& name, int64_t fallback) const {
    const auto* a = attribute(name);
    if (!a) return fallback;
    if (a->type() != onnx::AttributeProto::INT) fail(name, "expected an integer attribute");
    return a->i();
  }

  Dims attr_ints(const std::string& name, const Dims& fallback) const {
    const auto* a = attribute(name);
    if (!a) return fallback;
    if (a->type() != onnx::AttributeProto::INTS) fail(name, "expected a list of integers");
    return Dims(a->ints().begin(), a->ints().end());
  }

  std::string attr_string(const std::string& name, const std::string& fallback) const {
    const auto* a = attribute(name);
    if (!a) return fallback;
    if (a->type() != onnx::AttributeProto::STRING) fail(name, "expected a string attribute");
    return a->s();
  }

  // The fixed shape of the node's input `i` (`role` names it as the operator's spec does), from
  // shape inference; an unknown or symbolic dimension is an error, not a guess.
  Dims input_shape(int i, const std::string& role) const {
    const std::string field = "input " + role;
    if (i >= node_->input_size() || node_->input(i).empty()) fail(field, "missing input");
    const std::string& tensor = node_->input(i);
    const auto init = initializer_dims_.find(tensor);
    if (init != initializer_dims_.end()) return init->second;
    const auto it = types_.find(tensor);
    if (it == types_.end() || !it->second->has_tensor_type() || !it->second->tensor_type().has_shape())
      fail(field,
           "the shape of tensor '" + tensor +
               "' is unknown: ONNX's shape inference could not infer it (does it depend on input values?)");
    Dims dims;
    const auto& shape = it->second->tensor_type().shape();
    for (int d = 0; d < shape.dim_size(); ++d) {
      const auto& dim = shape.dim(d);
      const std::string which = "dimension " + std::to_string(d) + " of tensor '" + tensor + "'";
      if (dim.has_dim_param())
        fail(field, which + " is symbolic ('" + dim.dim_param() +
                        "'): acv needs fixed sizes; give the model's inputs fixed shapes");
      if (!dim.has_dim_value()) fail(field, which + " is unknown (shape inference could not infer it)");
      if (dim.dim_value() <= 0)
        fail(field, which + " is " + std::to_string(dim.dim_value()) + ", not a size");
      dims.push_back(dim.dim_value());
    }
    return dims;
  }

  // The window of a conv or pool over `spatial` input sizes (1 or 2) with `kernel` sizes.
  Window read_window(const Dims& spatial, const Dims& kernel) const {
    const std::size_t n = spatial.size();
    const Dims strides = attr_ints("strides", Dims(n, 1));
    if (strides.size() != n)
      fail("strides", "expected " + std::to_string(n) + " values, got " + join_dims(strides));
    for (const int64_t s : strides)
      if (s <= 0) fail("strides", "must be positive, got " + join_dims(strides));
    const Dims dilations = attr_ints("dilations", Dims(n, 1));
    if (std::any_of(dilations.begin(), dilations.end(), [](int64_t d) { return d != 1; }))
      fail("dilations", "dilations " + join_dims(dilations) +
                            " are not supported: acv maps windows with dilation 1 (all dilations must be 1)");
    Dims pads(n, 0);
    const std::string auto_pad = attr_string("auto_pad", "NOTSET");
    if (auto_pad == "NOTSET") {
      const Dims p = attr_ints("pads", Dims(2 * n, 0));
      if (p.size() != 2 * n)
        fail("pads", "expected " + std::to_string(2 * n) + " values, got " + join_dims(p));
      for (std::size_t d = 0; d < n; ++d) {
        if (p[d] < 0 || p[d + n] < 0) fail("pads", "must not be negative, got " + join_dims(p));
        if (p[d] != p[d + n])
          fail("pads", "asymmetric padding " + join_dims(p) + " (begin " + std::to_string(p[d]) + ", end " +
                           std::to_string(p[d + n]) + " in spatial dimension " + std::to_string(d) +
                           "): acv pads both sides of a dimension equally");
        pads[d] = p[d];
      }
    } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      // Output ceil(in / stride); the padding that needs, split: acv takes it only when even.
      for (std::size_t d = 0; d < n; ++d) {
        const int64_t out = (spatial[d] + strides[d] - 1) / strides[d];
        const int64_t total = std::max<int64_t>(0, (out - 1) * strides[d] + kernel[d] - spatial[d]);
        if (total % 2 != 0)
          fail("auto_pad", auto_pad + " pads spatial dimension " + std::to_string(d) + " by " +
                               std::to_string(total) +
                               " in all, one more on one side: acv pads both sides "
                               "of a dimension equally (write explicit symmetric pads)");
        pads[d] = total / 2;
      }
    } else if (auto_pad != "VALID") {
      fail("auto_pad", "unknown value '" + auto_pad + "' (expected NOTSET, SAME_UPPER, SAME_LOWER or VALID)");
    }
    Window w;
    w.kw = kernel[n - 1];
    w.stride_w = strides[n - 1];
    w.pad_w = pads[n - 1];
    if (n == 2) {
      w.kh = kernel[0];
      w.stride_h = strides[0];
      w.pad_h = pads[0];
    }
    return w;
  }

  // A feature-map layer over input [N, C, (H,) W]: N layers, one per batch element.
  Layer feature_map_layer(LayerKind kind, const Dims& x, const Window& win) const {
    Layer l;
    l.kind = kind;
    l.in_c = x[1];
    l.in_h = x.size() == 4 ? x[2] : 1;
    l.in_w = x.back();
    l.kh = win.kh;
    l.kw = win.kw;
    l.stride_h = win.stride_h;
    l.stride_w = win.stride_w;
    l.pad_h = win.pad_h;
    l.pad_w = win.pad_w;
    return l;
  }

  // Checks the shape libonnx inferred for output 0 against the layer's (they differ only when
  // the operator computes something the layer does not: a guard, never expected to fire).
  void check_output(const Layer& l, int64_t channels) const {
    const auto it = types_.find(node_->output(0));
    if (it == types_.end() || !it->second->tensor_type().has_shape()) return;
    const auto& shape = it->second->tensor_type().shape();
    const Dims mine =
        shape.dim_size() == 3 ? Dims{channels, l.out_w()} : Dims{channels, l.out_h(), l.out_w()};
    if (static_cast<std::size_t>(shape.dim_size()) != mine.size() + 1) return;
    for (std::size_t d = 0; d < mine.size(); ++d) {
      const auto& dim = shape.dim(static_cast<int>(d + 1));
      if (dim.has_dim_value() && dim.dim_value() != mine[d])
        fail("output", "shape inference gives output dimension " + std::to_string(d + 1) + " = " +
                           std::to_string(dim.dim_value()) + ", the layer acv maps gives " +
                           std::to_string(mine[d]));
    }
  }

  // Adds `l` once per batch element: acv's layers are batch 1.
  void add_per_batch(Layer l, int64_t batch, std::vector<Layer>& layers) const {
    l.loc = SourceLoc{file_, 0, node_label()};
    const std::string base = layer_name();
    for (int64_t b = 0; b < batch; ++b) {
      l.name = batch == 1 ? base : base + ".b" + std::to_string(b);
      validate_layer(l);
      layers.push_back(l);
    }
  }

  Dims feature_map_input(int i, const std::string& role, const char* what) const {
    const Dims x = input_shape(i, role);
    if (x.size() != 3 && x.size() != 4)
      fail("input " + role, "input shape " + join_dims(x) + ": acv maps 1-D and 2-D " + what +
                                " (input [N, C, W] or [N, C, H, W]), not " +
                                (x.size() > 4 ? std::to_string(x.size() - 2) + "-D ones" : "this rank"));
    return x;
  }

  void map_conv(int x_input, int w_input, std::vector<Layer>& layers) const {
    const Dims x = feature_map_input(x_input, "X", "convolutions");
    const Dims w = input_shape(w_input, "W");
    if (w.size() != x.size())
      fail("input W", "weight shape " + join_dims(w) + " does not match input shape " + join_dims(x));
    const int64_t group = attr_int("group", 1);
    if (group <= 0 || x[1] % group != 0 || w[1] * group != x[1])
      fail("group", "group " + std::to_string(group) + " with " + std::to_string(x[1]) +
                        " input channels and weights " + join_dims(w) + ": W must be [M, C / group, ...]");
    const Dims kernel(w.begin() + 2, w.end());
    const Dims kernel_attr = attr_ints("kernel_shape", kernel);
    if (kernel_attr != kernel)
      fail("kernel_shape", join_dims(kernel_attr) + " differs from the weights' " + join_dims(kernel));
    const Dims spatial(x.begin() + 2, x.end());
    Layer l = feature_map_layer(x.size() == 3 ? LayerKind::Conv1d : LayerKind::Conv2d, x,
                                read_window(spatial, kernel));
    l.out_c = w[0];
    l.groups = group;
    check_output(l, l.out_c);
    add_per_batch(l, x[0], layers);
  }

  void map_pool(LayerKind kind, std::vector<Layer>& layers) const {
    const Dims x = feature_map_input(0, "X", "pools");
    const Dims spatial(x.begin() + 2, x.end());
    const auto* k = attribute("kernel_shape");
    if (!k) fail("kernel_shape", "missing (required by the operator)");
    const Dims kernel = attr_ints("kernel_shape", {});
    if (kernel.size() != spatial.size())
      fail("kernel_shape",
           "expected " + std::to_string(spatial.size()) + " values, got " + join_dims(kernel));
    Layer l = feature_map_layer(kind, x, read_window(spatial, kernel));
    l.out_c = l.in_c;
    if (attr_int("ceil_mode", 0) != 0) {
      // acv counts whole windows (floor); ceil mode adds a partial last window unless it divides.
      const auto ceil_out = [](int64_t in, int64_t pad, int64_t k, int64_t s) {
        return (in + 2 * pad - k + s - 1) / s + 1;
      };
      if (ceil_out(l.in_h, l.pad_h, l.kh, l.stride_h) != l.out_h() ||
          ceil_out(l.in_w, l.pad_w, l.kw, l.stride_w) != l.out_w())
        fail("ceil_mode",
             "ceil_mode 1 adds a partial window at the end of a row or column; acv's pools count "
             "whole windows (floor), as ceil_mode 0");
    }
    if (kind == LayerKind::AvgPool && (l.pad_h > 0 || l.pad_w > 0) && attr_int("count_include_pad", 0) == 0)
      fail("count_include_pad",
           "0 with padding divides border windows by their in-bounds elements; acv's "
           "average pool divides by the kernel size, as count_include_pad 1");
    check_output(l, l.out_c);
    add_per_batch(l, x[0], layers);
  }

  // One window over the whole feature map.
  void map_global_pool(LayerKind kind, std::vector<Layer>& layers) const {
    const Dims x = feature_map_input(0, "X", "pools");
    Window win;
    win.kh = x.size() == 4 ? x[2] : 1;
    win.kw = x.back();
    win.stride_h = win.kh;
    win.stride_w = win.kw;
    Layer l = feature_map_layer(kind, x, win);
    l.out_c = l.in_c;
    add_per_batch(l, x[0], layers);
  }

  // Weights (an initializer, a Constant, or computed from those alone) make a dense layer; two
  // activations a gemm.
  LayerKind gemm_kind(int b_input) const {
    return constants_.count(node_->input(b_input)) ? LayerKind::Dense : LayerKind::Gemm;
  }

  void map_gemm(std::vector<Layer>& layers) const {
    const Dims a = input_shape(0, "A");
    const Dims b = input_shape(1, "B");
    if (a.size() != 2) fail("input A", "expected a 2-D tensor, got shape " + join_dims(a));
    if (b.size() != 2) fail("input B", "expected a 2-D tensor, got shape " + join_dims(b));
    const bool ta = attr_int("transA", 0) != 0, tb = attr_int("transB", 0) != 0;
    Layer l;
    l.kind = gemm_kind(1);
    l.m = ta ? a[1] : a[0];
    l.k = ta ? a[0] : a[1];
    l.n = tb ? b[0] : b[1];
    const int64_t kb = tb ? b[1] : b[0];
    if (kb != l.k)
      fail("input B", "inner sizes differ: A " + join_dims(a) + (ta ? " (transposed)" : "") +
                          " gives K = " + std::to_string(l.k) + ", B " + join_dims(b) +
                          (tb ? " (transposed)" : "") + " gives " + std::to_string(kb));
    add_per_batch(l, 1, layers);
  }

  // numpy matmul: [..., M, K] x [..., K, N], batch dimensions broadcast; one GEMM per batch element.
  void map_matmul(int a_input, int b_input, std::vector<Layer>& layers) const {
    Dims a = input_shape(a_input, "A");
    Dims b = input_shape(b_input, "B");
    if (a.empty()) fail("input A", "a scalar is not a matrix");
    if (b.empty()) fail("input B", "a scalar is not a matrix");
    if (a.size() == 1) a.insert(a.begin(), 1);  // a vector is one row
    if (b.size() == 1) b.push_back(1);          // ... or one column
    Layer l;
    l.kind = gemm_kind(b_input);
    l.m = a[a.size() - 2];
    l.k = a.back();
    l.n = b.back();
    if (b[b.size() - 2] != l.k)
      fail("input B", "inner sizes differ: A " + join_dims(a) + " has K = " + std::to_string(l.k) + ", B " +
                          join_dims(b) + " has " + std::to_string(b[b.size() - 2]));
    const Dims batch_a(a.begin(), a.end() - 2), batch_b(b.begin(), b.end() - 2);
    int64_t batch = 1;
    for (std::size_t i = 0; i < std::max(batch_a.size(), batch_b.size()); ++i) {
      const int64_t da = i < batch_a.size() ? batch_a[batch_a.size() - 1 - i] : 1;
      const int64_t db = i < batch_b.size() ? batch_b[batch_b.size() - 1 - i] : 1;
      if (da != db && da != 1 && db != 1)
        fail("input B",
             "batch dimensions " + join_dims(batch_a) + " and " + join_dims(batch_b) + " do not broadcast");
      batch *= std::max(da, db);
    }
    add_per_batch(l, batch, layers);
  }

  // ---- Dataflow between layers (Layer::input_from, residual_from, relu), for accelerators that
  // run whole networks. Each tensor is traced to the node group (a mapped node's layers) whose
  // output it carries, through operators that keep it one layer's output: shape changes, a
  // constant bias or scale, batch normalization (folded), a ReLU (the layer's activation), an Add
  // of two layers (the residual). Anything else makes the tensor's source unknown, and a layer
  // reading it names why in place of a layer, which a whole-network mapper refuses.

  // Where a tensor comes from: a layer (per batch element: group's first + element), the network
  // input, or unknown (why, as text).
  struct Ref {
    int layer = -1;
    bool network_input = false;
    std::string unknown;
  };
  struct Source {
    int group = -1;  // index into groups_, or -1
    bool network_input = false;
    std::string unknown;
  };
  struct Group {
    int first = 0;
    int64_t batch = 1;
    bool relu = false, residual = false;
    bool read = false;  // its output was read before any activation: a ReLU after would change that
  };

  static const std::set<std::string>& pass_through_op_types() {
    static const std::set<std::string> ops = {
        "BatchNormalization", "Cast",           "CastLike", "DequantizeLinear", "Dropout",  "Flatten",
        "Identity",           "QuantizeLinear", "Reshape",  "Squeeze",          "Unsqueeze"};
    return ops;
  }

  Source source_of(const std::string& tensor) const {
    const auto it = sources_.find(tensor);
    if (it != sources_.end()) return it->second;
    Source s;
    const bool graph_input = std::any_of(graph_.input().begin(), graph_.input().end(),
                                         [&](const onnx::ValueInfoProto& v) { return v.name() == tensor; });
    if (graph_input && !constants_.count(tensor))
      s.network_input = true;
    else
      s.unknown = "(tensor '" + tensor + "', which acv's ONNX dataflow does not follow)";
    return s;
  }

  // The layer of batch element b of a source read by a group of `batch` layers.
  Ref ref_of(const Source& s, int64_t b) const {
    Ref r;
    r.network_input = s.network_input;
    r.unknown = s.unknown;
    if (s.group >= 0) {
      const Group& g = groups_[static_cast<std::size_t>(s.group)];
      r.layer = g.first + static_cast<int>(g.batch == 1 ? 0 : std::min<int64_t>(b, g.batch - 1));
    }
    return r;
  }

  void set_all_outputs(const Source& s) {
    for (const auto& o : node_->output()) sources_[o] = s;
  }

  Source unknown_source() const {
    Source s;
    s.unknown = "(the output of " + node_label() + ", which acv's ONNX dataflow does not follow)";
    return s;
  }

  // A mapped node made layers [first, first + count): they read its data input (input 0).
  void flow_layers(std::size_t first, std::size_t count) {
    const Source in = source_of(node_->input(0));
    if (in.group >= 0) groups_[static_cast<std::size_t>(in.group)].read = true;
    Group g;
    g.first = static_cast<int>(first);
    g.batch = static_cast<int64_t>(count);
    groups_.push_back(g);
    for (std::size_t b = 0; b < count; ++b) {
      input_refs_.push_back(ref_of(in, static_cast<int64_t>(b)));
      residual_refs_.emplace_back();
      group_of_.push_back(groups_.size() - 1);
    }
    Source out;
    out.group = static_cast<int>(groups_.size() - 1);
    set_all_outputs(out);
  }

  void flow_skipped() {
    const std::string& op = node_->op_type();
    std::vector<Source> data;  // the non-constant inputs
    for (const auto& in : node_->input())
      if (!in.empty() && !constants_.count(in)) data.push_back(source_of(in));
    if (data.empty()) return;                  // computed from constants: weights, not activations
    const auto fresh = [&](const Source& s) {  // a layer output nothing has read or activated yet
      if (s.group < 0) return false;
      const Group& g = groups_[static_cast<std::size_t>(s.group)];
      return !g.relu && !g.residual && !g.read;
    };
    const bool elementwise_const =
        (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") && data.size() == 1;
    if (data.size() == 1 && (pass_through_op_types().count(op) || elementwise_const)) {
      set_all_outputs(data[0]);
    } else if (op == "Relu" && data.size() == 1 && data[0].group >= 0) {
      Group& g = groups_[static_cast<std::size_t>(data[0].group)];
      if (!g.read) {  // after the layer's residual Add too
        g.relu = true;
        set_all_outputs(data[0]);
      } else {
        set_all_outputs(unknown_source());  // a ReLU of an output also read without it
      }
    } else if (op == "Add" && data.size() == 2 && data[0].group >= 0 && data[1].group >= 0 &&
               data[0].group != data[1].group) {
      // The main layer takes the other as its residual: it must be fresh; of two, the later one,
      // so the residual is computed first.
      int main = -1;
      if (fresh(data[1])) main = 1;
      if (fresh(data[0]) && (main < 0 || data[0].group > data[1].group)) main = 0;
      if (main < 0) {
        set_all_outputs(unknown_source());
        return;
      }
      const Source& res = data[static_cast<std::size_t>(1 - main)];
      Group& g = groups_[static_cast<std::size_t>(data[static_cast<std::size_t>(main)].group)];
      g.residual = true;
      groups_[static_cast<std::size_t>(res.group)].read = true;
      for (int64_t b = 0; b < g.batch; ++b)
        residual_refs_[static_cast<std::size_t>(g.first + b)] = ref_of(res, b);
      set_all_outputs(data[static_cast<std::size_t>(main)]);
    } else {
      for (const auto& d : data)
        if (d.group >= 0) groups_[static_cast<std::size_t>(d.group)].read = true;
      set_all_outputs(unknown_source());
    }
  }

  std::map<std::string, Source> sources_;
  std::vector<Group> groups_;
  std::vector<Ref> input_refs_, residual_refs_;  // per layer
  std::vector<std::size_t> group_of_;            // per layer

  const onnx::GraphProto& graph_;
  const std::string file_;
  std::map<std::string, const onnx::TypeProto*> types_;
  std::map<std::string, Dims> initializer_dims_;
  std::set<std::string> constants_;
  const onnx::NodeProto* node_ = nullptr;
  int index_ = 0;
};

// Known dimension values of a value's tensor shape; false when the shape or a dimension is unknown.
bool known_dims(const onnx::TypeProto& type, Dims* dims) {
  if (!type.has_tensor_type() || !type.tensor_type().has_shape()) return false;
  dims->clear();
  for (const auto& d : type.tensor_type().shape().dim()) {
    if (!d.has_dim_value()) return false;
    dims->push_back(d.dim_value());
  }
  return true;
}

// The output shape of a Reshape of `in` to `target` (0 copies the input's dimension unless
// allowzero, -1 takes what is left); false when the target does not fit.
bool reshaped(const Dims& in, Dims target, bool allowzero, Dims* out) {
  int64_t total = 1, known = 1;
  for (const int64_t d : in) total *= d;
  int infer = -1;
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i] == 0 && !allowzero) {
      if (i >= in.size()) return false;
      target[i] = in[i];
    }
    if (target[i] == -1) {
      if (infer >= 0) return false;
      infer = static_cast<int>(i);
    } else if (target[i] <= 0) {
      return false;
    } else {
      known *= target[i];
    }
  }
  if (infer >= 0) {
    if (known == 0 || total % known != 0) return false;
    target[static_cast<std::size_t>(infer)] = total / known;
  }
  *out = target;
  return true;
}

// ONNX's shape inference (strict, with data propagation so shapes computed in the graph are
// followed). ONNX 1.12's Reshape ignores a target shape that data propagation did compute
// (Shape -> Gather -> Unsqueeze -> Concat, as PyTorch exports x.view(x.size(0), -1)): such
// outputs get their shape from the propagated values, and inference runs again from there.
void infer_shapes(onnx::ModelProto& model) {
  const onnx::ShapeInferenceOptions options(/*check_type=*/true, /*strict_mode=*/1, /*data_prop=*/true);
  for (int round = 0; round < 100; ++round) {  // each round fills at least one Reshape, or ends
    std::unordered_map<std::string, onnx::TensorShapeProto> propagated;
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), options, &propagated);
    onnx::GraphProto& graph = *model.mutable_graph();
    std::map<std::string, const onnx::TypeProto*> types;
    for (const auto& v : graph.input()) types[v.name()] = &v.type();
    for (const auto& v : graph.value_info()) types[v.name()] = &v.type();
    for (const auto& v : graph.output()) types[v.name()] = &v.type();
    std::vector<onnx::ValueInfoProto> filled;
    for (const auto& node : graph.node()) {
      if (node.op_type() != "Reshape" || node.input_size() < 2 || node.output_size() < 1) continue;
      Dims in, out, have;
      const auto it_in = types.find(node.input(0));
      const auto it_out = types.find(node.output(0));
      if (it_in == types.end() || !known_dims(*it_in->second, &in)) continue;
      if (it_out != types.end() && known_dims(*it_out->second, &have)) continue;
      const auto data = propagated.find(node.input(1));
      if (data == propagated.end()) continue;
      Dims target;
      for (const auto& d : data->second.dim()) {
        if (!d.has_dim_value()) break;
        target.push_back(d.dim_value());
      }
      if (target.size() != static_cast<std::size_t>(data->second.dim_size())) continue;
      bool allowzero = false;
      for (const auto& a : node.attribute())
        if (a.name() == "allowzero") allowzero = a.i() != 0;
      if (!reshaped(in, target, allowzero, &out))
        continue;  // shape inference reports it, or the mapping does
      onnx::ValueInfoProto v;
      v.set_name(node.output(0));
      auto* tensor = v.mutable_type()->mutable_tensor_type();
      tensor->set_elem_type(it_in->second->tensor_type().elem_type());
      for (const int64_t d : out) tensor->mutable_shape()->add_dim()->set_dim_value(d);
      filled.push_back(std::move(v));
    }
    if (filled.empty()) return;
    for (auto& v : filled) {
      // Replace a shapeless entry of the same name, else add one.
      bool replaced = false;
      for (auto& existing : *graph.mutable_value_info())
        if (existing.name() == v.name()) {
          existing = v;
          replaced = true;
        }
      for (auto& existing : *graph.mutable_output())
        if (existing.name() == v.name() && !existing.type().tensor_type().has_shape()) existing = v;
      if (!replaced) *graph.add_value_info() = v;
    }
  }
}

}  // namespace

Workload parse_workload_onnx(const std::string& bytes, const std::string& file) {
  const SourceLoc whole{file, 0, ""};
  onnx::ModelProto model;
  if (!onnx::ParseProtoFromBytes(&model, bytes.data(), bytes.size()))
    throw InputError(whole, "not an ONNX model (the file does not parse as an ONNX ModelProto)");
  if (!model.has_graph() || model.graph().node_size() == 0)
    throw InputError(whole, "not an ONNX model, or an empty one: it has no graph nodes");
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    throw InputError(whole, "invalid ONNX model: " + one_line(e.what()));
  }
  try {
    // Strict: a node whose shapes cannot be inferred is an error here, not a layer of unknown size later.
    infer_shapes(model);
  } catch (const std::exception& e) {
    throw InputError(whole, "shape inference failed: " + one_line(e.what()));
  }
  OnnxReader reader(model, file);
  Workload w = reader.read();
  rename_repeated_layers(w);  // node names are optional and need not be unique
  reader.resolve_dataflow(w);
  return w;
}

}  // namespace acv
