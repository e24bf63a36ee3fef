// Tests of the layer IR: sizes, GEMM view, shape validation and Workload::find.
#include <catch2/catch.hpp>
#include <functional>
#include <string>

#include "models/common/error.h"
#include "models/common/layer.h"

namespace acv {
namespace {

Layer conv(int64_t in_c, int64_t h, int64_t w, int64_t out_c, int64_t k, int64_t stride = 1, int64_t pad = 0,
           int64_t groups = 1) {
  Layer l;
  l.name = "c";
  l.kind = LayerKind::Conv2d;
  l.in_c = in_c;
  l.in_h = h;
  l.in_w = w;
  l.out_c = out_c;
  l.kh = l.kw = k;
  l.stride_h = l.stride_w = stride;
  l.pad_h = l.pad_w = pad;
  l.groups = groups;
  l.loc = SourceLoc{"net.yaml", 7, "layers[2]"};
  return l;
}

// The message of the InputError `f` throws; fails the test when it throws nothing.
std::string input_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  FAIL("expected an InputError");
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_CASE("strided padded conv sizes follow the output-size formula", "[layer]") {
  const Layer l = conv(3, 11, 13, 8, 3, 2, 1);
  CHECK(l.out_h() == 6);
  CHECK(l.out_w() == 7);
  CHECK(l.input_elems() == 3 * 11 * 13);
  CHECK(l.weight_elems() == 8 * 3 * 9);
  CHECK(l.output_elems() == 8 * 6 * 7);
  CHECK(l.gemm_m() == 42);
  CHECK(l.gemm_n() == 8);
  CHECK(l.gemm_k() == 27);
  CHECK(l.gemm_groups() == 1);
  CHECK(l.macs() == 42 * 8 * 27);
  CHECK_FALSE(l.is_depthwise());
}

TEST_CASE("grouped conv's GEMM view is one GEMM per group", "[layer]") {
  const Layer l = conv(8, 7, 7, 12, 3, 1, 1, 4);
  CHECK(l.gemm_groups() == 4);
  CHECK(l.gemm_m() == 49);
  CHECK(l.gemm_n() == 3);
  CHECK(l.gemm_k() == 2 * 9);
  CHECK(l.weight_elems() == 12 * 2 * 9);
  CHECK(l.macs() == 4 * 49 * 3 * 18);
  CHECK_FALSE(l.is_depthwise());
  CHECK(conv(6, 5, 5, 6, 3, 1, 1, 6).is_depthwise());
}

TEST_CASE("dense and gemm sizes come from m, n and k", "[layer]") {
  Layer l;
  l.kind = LayerKind::Dense;
  l.m = 3;
  l.n = 11;
  l.k = 37;
  CHECK(l.is_gemm());
  CHECK(l.input_elems() == 3 * 37);
  CHECK(l.weight_elems() == 37 * 11);
  CHECK(l.output_elems() == 3 * 11);
  CHECK(l.macs() == 3 * 11 * 37);
  CHECK(l.gemm_m() == 3);
  CHECK(l.gemm_n() == 11);
  CHECK(l.gemm_k() == 37);
  CHECK(l.gemm_groups() == 1);
}

TEST_CASE("pools have no weights, no MACs and no GEMM form", "[layer]") {
  Layer l = conv(4, 9, 9, 4, 3, 2, 1);
  l.kind = LayerKind::MaxPool;
  CHECK(l.is_pool());
  CHECK(l.weight_elems() == 0);
  CHECK(l.macs() == 0);
  CHECK(l.output_elems() == 4 * 5 * 5);
  CHECK_THROWS_AS(l.gemm_m(), MappingError);
  CHECK_THROWS_AS(l.gemm_k(), MappingError);
}

TEST_CASE("layer kinds are spelled as in the workload YAML", "[layer]") {
  CHECK(std::string(to_string(LayerKind::Conv2d)) == "conv2d");
  CHECK(std::string(to_string(LayerKind::Conv1d)) == "conv1d");
  CHECK(std::string(to_string(LayerKind::Dense)) == "dense");
  CHECK(std::string(to_string(LayerKind::Gemm)) == "gemm");
  CHECK(std::string(to_string(LayerKind::MaxPool)) == "maxpool");
  CHECK(std::string(to_string(LayerKind::AvgPool)) == "avgpool");
}

TEST_CASE("validate_layer accepts valid layers", "[layer]") {
  CHECK_NOTHROW(validate_layer(conv(3, 11, 13, 8, 3, 2, 1)));
  CHECK_NOTHROW(validate_layer(conv(8, 7, 7, 12, 3, 1, 1, 4)));
  CHECK_NOTHROW(validate_layer(conv(3, 1, 1, 5, 1)));        // 1x1 input with a 1x1 kernel
  CHECK_NOTHROW(validate_layer(conv(3, 2, 2, 5, 3, 1, 1)));  // kernel fits the padded input
}

TEST_CASE("validate_layer names file, line, field and layer of impossible shapes", "[layer]") {
  struct Case {
    const char* what;
    Layer layer;
    const char* field;
  };
  Layer negative_pad = conv(3, 8, 8, 4, 3);
  negative_pad.pad_w = -1;
  Layer zero_stride = conv(3, 8, 8, 4, 3);
  zero_stride.stride_h = 0;
  Layer conv1d_tall = conv(3, 2, 8, 4, 1);
  conv1d_tall.kind = LayerKind::Conv1d;
  Layer pool_pad = conv(3, 8, 8, 3, 2, 2, 2);
  pool_pad.kind = LayerKind::AvgPool;
  Layer pool_channels = conv(3, 8, 8, 4, 2, 2);
  pool_channels.kind = LayerKind::MaxPool;
  Layer gemm;
  gemm.name = "g";
  gemm.kind = LayerKind::Gemm;
  gemm.m = 4;
  gemm.n = 0;
  gemm.k = 2;
  gemm.loc = SourceLoc{"net.yaml", 7, "layers[2]"};
  Layer unnamed = conv(3, 8, 8, 4, 3);
  unnamed.name = "";
  const Case cases[] = {
      {"kernel larger than the input", conv(3, 4, 4, 8, 5), "kernel"},
      {"kernel larger than the padded input", conv(3, 2, 2, 8, 5, 1, 1), "kernel"},
      {"in_channels not divisible by groups", conv(6, 8, 8, 8, 3, 1, 0, 4), "groups"},
      {"out_channels not divisible by groups", conv(8, 8, 8, 6, 3, 1, 0, 4), "groups"},
      {"negative size", conv(-3, 8, 8, 4, 3), "in_channels"},
      {"zero width", conv(3, 8, 0, 4, 3), "width"},
      {"absurd size", conv(int64_t{1} << 30, 8, 8, 4, 3), "in_channels"},
      {"negative padding", negative_pad, "padding"},
      {"zero stride", zero_stride, "stride"},
      {"conv1d of height 2", conv1d_tall, "kernel"},
      {"pool padding over half the kernel", pool_pad, "padding"},
      {"pool changing channels", pool_channels, "channels"},
      {"gemm with n = 0", gemm, "n"},
      {"empty name", unnamed, "name"},
      {"tensor too large for memory", conv(1 << 20, 1 << 12, 1 << 12, 4, 3), ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    const std::string msg = input_error_of([&] { validate_layer(c.layer); });
    CAPTURE(msg);
    const std::string field = *c.field ? std::string(".") + c.field : "";
    CHECK(contains(msg, "net.yaml:7: layers[2]" + field + ": layer '" + c.layer.name + "'"));
  }
}

TEST_CASE("Workload::find returns the named layer or lists the layer names", "[layer]") {
  Workload w;
  w.name = "net";
  w.file = "net.yaml";
  w.layers = {conv(3, 8, 8, 4, 3), conv(4, 6, 6, 4, 3)};
  w.layers[0].name = "first";
  w.layers[1].name = "second";
  CHECK(w.find("second").in_c == 4);
  const std::string msg = input_error_of([&] { w.find("third"); });
  CHECK(contains(msg, "net.yaml"));
  CHECK(contains(msg, "'third'"));
  CHECK(contains(msg, "first, second"));
}

}  // namespace
}  // namespace acv
