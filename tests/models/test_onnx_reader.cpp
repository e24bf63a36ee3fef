// Tests of the ONNX reader on models built by tests/models/onnx/make_models.py at test time (CTest
// fixture "onnx models generated"): layers equal their hand-written YAML, bad models are refused.
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/common/error.h"
#include "models/common/input_file.h"
#include "models/common/onnx_reader.h"
#include "models/common/workload_reader.h"

namespace acv {
namespace {

std::string model(const std::string& name) { return std::string(ACV_ONNX_MODELS_DIR) + "/" + name + ".onnx"; }
std::string yaml(const std::string& name) { return std::string(ACV_ONNX_YAML_DIR) + "/" + name + ".yaml"; }

std::string input_error_of(const std::string& path) {
  try {
    load_workload(path);
  } catch (const InputError& e) {
    return e.what();
  }
  FAIL("expected an InputError reading " << path);
  return "";
}

// Every field that decides a layer's shape, so a difference in any of them fails with its name.
void check_same_layers(const Workload& got, const Workload& want) {
  CHECK(got.name == want.name);
  REQUIRE(got.layers.size() == want.layers.size());
  for (std::size_t i = 0; i < got.layers.size(); ++i) {
    const Layer& a = got.layers[i];
    const Layer& b = want.layers[i];
    CAPTURE(i, b.name);
    CHECK(a.name == b.name);
    CHECK(to_string(a.kind) == std::string(to_string(b.kind)));
    const std::map<std::string, std::pair<int64_t, int64_t>> fields = {
        {"in_c", {a.in_c, b.in_c}},
        {"in_h", {a.in_h, b.in_h}},
        {"in_w", {a.in_w, b.in_w}},
        {"out_c", {a.out_c, b.out_c}},
        {"kh", {a.kh, b.kh}},
        {"kw", {a.kw, b.kw}},
        {"stride_h", {a.stride_h, b.stride_h}},
        {"stride_w", {a.stride_w, b.stride_w}},
        {"pad_h", {a.pad_h, b.pad_h}},
        {"pad_w", {a.pad_w, b.pad_w}},
        {"groups", {a.groups, b.groups}},
        {"m", {a.m, b.m}},
        {"n", {a.n, b.n}},
        {"k", {a.k, b.k}},
        {"macs", {a.macs(), b.macs()}},
        {"out_elems", {a.output_elems(), b.output_elems()}}};
    for (const auto& [field, values] : fields) {
      CAPTURE(field);
      CHECK(values.first == values.second);
    }
  }
}

TEST_CASE("ONNX models read the same layers as their hand-written YAML", "[onnx]") {
  for (const char* name :
       {"convs", "conv1d", "gemms", "pools", "quantized", "dynamic_reshape", "resnet18_small"}) {
    CAPTURE(name);
    check_same_layers(load_workload(model(name)), load_workload(yaml(name)));
  }
}

TEST_CASE("ONNX dataflow: a TC-ResNet's inputs, residual adds and ReLUs equal the hand-written YAML's",
          "[onnx]") {
  const Workload got = load_workload(model("tc_resnet8"));
  const Workload want = load_workload(std::string(ACV_WORKLOADS_DIR) + "/tc_resnet8.yaml");
  check_same_layers(got, want);
  REQUIRE(got.layers.size() == want.layers.size());
  for (std::size_t i = 0; i < got.layers.size(); ++i) {
    CAPTURE(want.layers[i].name);
    CHECK(got.layers[i].input_from == want.layers[i].input_from);
    CHECK(got.layers[i].residual_from == want.layers[i].residual_from);
    CHECK(got.layers[i].relu == want.layers[i].relu);
  }
}

TEST_CASE(
    "ONNX dataflow: the residual Add's later layer takes the earlier as residual, as exporters order them",
    "[onnx]") {
  // resnet18_small orders conv2 before the downsample conv (as PyTorch exports a BasicBlock):
  // the downsample runs second and adds conv2's output; the identity blocks add their input.
  const Workload w = load_workload(model("resnet18_small"));
  CHECK(w.find("layer2.0.downsample").residual_from == "layer2.0.conv2");
  CHECK(w.find("layer2.0.downsample").input_from == "layer1.1.conv2");
  CHECK(w.find("layer2.0.downsample").relu);
  CHECK_FALSE(w.find("layer2.0.conv2").relu);
  CHECK(w.find("layer1.0.conv2").residual_from == "maxpool");
  CHECK(w.find("layer1.0.conv2").relu);
  CHECK(w.find("layer1.0.conv1").relu);                // through its BatchNormalization
  CHECK(w.find("layer1.0.conv1").input_from.empty());  // the previous layer
  CHECK(w.find("conv1").relu);
}

TEST_CASE("ONNX dataflow the reader cannot follow is named in place of a layer, never guessed", "[onnx]") {
  const Workload w = load_workload(model("gemms"));
  // fc_transA reads a Transpose of fc's output: not fc's output as it is.
  CHECK_THAT(w.find("fc_transA").input_from,
             Catch::StartsWith("(the output of node 't' (Transpose)") && Catch::Contains("does not follow"));
  CHECK(w.find("proj").input_from.empty());
  // Every batch element of bmm reads the one qk layer (through a Reshape), not the element before.
  CHECK(w.find("bmm.b0").input_from.empty());
  CHECK(w.find("bmm.b1").input_from == "qk");
  // A Sigmoid is no layer's activation.
  CHECK_THAT(load_workload(model("conv1d")).find("tc2").input_from, Catch::Contains("node 'act' (Sigmoid)"));
}

TEST_CASE("ONNX depthwise and grouped convolutions keep their groups", "[onnx]") {
  const Workload w = load_workload(model("convs"));
  CHECK(w.find("conv_dw").is_depthwise());
  CHECK(w.find("conv_dw").groups == 12);
  CHECK(!w.find("conv_dw_multiplier").is_depthwise());  // 2 filters per channel: grouped, not depthwise
  CHECK(w.find("conv_grouped").groups == 4);
}

TEST_CASE("ONNX operators without multiply-accumulate work are listed as skipped, in model order", "[onnx]") {
  const Workload w = load_workload(model("resnet18_small"));
  std::map<std::string, int> count;
  for (const auto& s : w.skipped_operators) ++count[s.op_type];
  CHECK(count ==
        std::map<std::string, int>{{"Add", 8}, {"BatchNormalization", 8}, {"Flatten", 1}, {"Relu", 17}});
  REQUIRE(w.skipped_operators.size() == 34);
  CHECK(w.skipped_operators.front().node == "relu");
  CHECK(w.skipped_operators[1].node == "layer1.0.bn1");
  CHECK(w.skipped_operators.back().node == "flatten");
  CHECK(load_workload(yaml("resnet18_small")).skipped_operators.empty());
}

TEST_CASE("ONNX unnamed nodes are named op_index and repeated names made unique", "[onnx]") {
  const Workload w = load_workload(model("names"));
  REQUIRE(w.layers.size() == 3);
  CHECK(w.layers[0].name == "c");
  CHECK(w.layers[1].name == "c#2");
  CHECK(w.layers[2].name == "Conv_2");
  REQUIRE(w.skipped_operators.size() == 1);
  CHECK(w.skipped_operators[0].node == "Relu_3");
}

TEST_CASE("an ONNX input of batch 2 gives one layer per batch element", "[onnx]") {
  const Workload w = load_workload(model("batched"));
  REQUIRE(w.layers.size() == 4);
  const char* const names[] = {"c.b0", "c.b1", "p.b0", "p.b1"};
  for (std::size_t i = 0; i < 4; ++i) {
    CAPTURE(i);
    const Layer& l = w.layers[i];
    CHECK(l.name == names[i]);
    CHECK(l.in_c == (i < 2 ? 3 : 4));
    CHECK(l.in_h == 6);
    CHECK(l.out_h() == (i < 2 ? 6 : 3));
    CHECK(to_string(l.kind) == std::string(i < 2 ? "conv2d" : "maxpool"));
  }
}

TEST_CASE("ONNX layers remember their file and node for later errors", "[onnx]") {
  const Workload w = load_workload(model("convs"));
  const Layer& l = w.find("conv_rect");
  CHECK(l.loc.file == model("convs"));
  CHECK(l.loc.field == "node 'conv_rect' (Conv)");
}

TEST_CASE("ONNX attributes and shapes acv cannot map are errors naming file, node and field", "[onnx]") {
  struct Case {
    const char* model;
    std::vector<std::string> parts;
  };
  const Case cases[] = {
      {"bad_dilation", {"node 'c_dilated' (Conv).dilations: dilations [2, 2] are not supported"}},
      {"bad_asymmetric_pads", {"node 'c_asym' (Conv).pads: asymmetric padding [0, 0, 1, 1]"}},
      {"bad_same_odd", {"node 'c_same' (Conv).auto_pad: SAME_UPPER pads spatial dimension 0 by 1"}},
      {"bad_symbolic_batch",
       {"node 'c_sym' (Conv).input X: dimension 0 of tensor 'input' is symbolic ('batch')"}},
      {"bad_conv3d", {"node 'c3d' (Conv).input X: input shape [1, 2, 4, 4, 4]", "not 3-D ones"}},
      {"bad_unmapped_op", {"node 'deconv' (ConvTranspose).op_type: operator ConvTranspose cannot be mapped"}},
      {"bad_ceil_pool", {"node 'p_ceil' (MaxPool).ceil_mode:"}},
      {"bad_avg_exclude_pad", {"node 'p_excl' (AveragePool).count_include_pad:"}},
      {"bad_no_layers", {"no operator maps to a layer", "(Relu)"}},
      {"bad_matmul_mismatch", {"shape inference failed", "node name: mm", "Incompatible dimensions"}},
      {"bad_runtime_shape", {"node 'mm_after_view' (MatMul).input A: the shape of tensor", "is unknown"}},
      {"bad_not_onnx", {"not an ONNX model"}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.model);
    const std::string msg = input_error_of(model(c.model));
    CAPTURE(msg);
    CHECK(msg.rfind(model(c.model) + ": ", 0) == 0);  // starts with the file
    CHECK(msg.find('\n') == std::string::npos);       // one line
    for (const auto& part : c.parts) CHECK(msg.find(part) != std::string::npos);
  }
}

TEST_CASE("truncated or corrupted ONNX files read or fail as one-line input errors, never otherwise",
          "[onnx]") {
  const std::string good = read_input_bytes(model("resnet18_small"));
  uint64_t state = 18;
  const auto next = [&state] {  // SplitMix64: the same mutations on every machine
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  int read = 0, refused = 0;
  for (int i = 0; i < 300; ++i) {
    std::string bytes = good;
    if (i % 2 == 0) {
      bytes.resize(next() % bytes.size());
    } else {
      for (int k = 0; k < 4; ++k) bytes[next() % bytes.size()] = static_cast<char>(next());
    }
    CAPTURE(i);
    try {
      parse_workload_onnx(bytes, "mutant.onnx");
      ++read;
    } catch (const InputError& e) {
      ++refused;
      const std::string msg = e.what();
      CHECK(msg.rfind("mutant.onnx: ", 0) == 0);
      CHECK(msg.find('\n') == std::string::npos);
    }
  }
  CHECK(read + refused == 300);
  CHECK(refused > 100);  // most truncations cannot parse
}

TEST_CASE("a missing ONNX file is an input error naming it", "[onnx]") {
  CHECK(input_error_of("/nonexistent/net.onnx") == "/nonexistent/net.onnx: no such file");
}

}  // namespace
}  // namespace acv
