// Tests of the workload readers: shipped files load with the right shapes, bad input names file:line: field.
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "models/common/error.h"
#include "models/common/workload_reader.h"

namespace acv {
namespace {

std::string workload_path(const std::string& file) { return std::string(ACV_WORKLOADS_DIR) + "/" + file; }

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

// A YAML workload whose one layer (starting on line 3) continues with `layer_lines`, indented by 4.
std::string one_layer_yaml(const std::string& layer_lines) {
  return "workload: bad\nlayers:\n  - name: l0\n" + layer_lines;
}

const char* const kConvHeader =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";

TEST_CASE("every shipped SCALE-Sim CSV loads with its layer count", "[workload]") {
  const std::pair<const char*, std::size_t> files[] = {
      {"Resnet18.csv", 21},   {"mobilenet.csv", 27}, {"alexnet.csv", 5}, {"yolo_tiny.csv", 9},
      {"tc_resnet8.csv", 11}, {"NCF.csv", 12},       {"gpt2.csv", 6},
  };
  for (const auto& [file, count] : files) {
    CAPTURE(file);
    const Workload w = load_workload(workload_path(file));
    CHECK(w.layers.size() == count);
    CHECK(w.name == std::filesystem::path(file).stem().string());
    CHECK(w.file == workload_path(file));
  }
}

TEST_CASE("csv reader reads ResNet-18 Conv1 as a valid 7x7 stride-2 conv", "[workload]") {
  const Workload w = load_workload(workload_path("Resnet18.csv"));
  CHECK(w.name == "Resnet18");
  const Layer& c1 = w.layers.front();
  CHECK(c1.name == "Conv1");
  CHECK(c1.kind == LayerKind::Conv2d);
  CHECK(c1.in_c == 3);
  CHECK(c1.in_h == 224);
  CHECK(c1.in_w == 224);
  CHECK(c1.out_c == 64);
  CHECK(c1.kh == 7);
  CHECK(c1.kw == 7);
  CHECK(c1.stride_h == 2);
  CHECK(c1.stride_w == 2);
  CHECK(c1.pad_h == 0);  // SCALE-Sim's "valid" convention: padding is part of the IFMAP size
  CHECK(c1.pad_w == 0);
  CHECK(c1.groups == 1);
  CHECK(c1.out_h() == 109);
  CHECK(c1.loc.file == workload_path("Resnet18.csv"));
  CHECK(c1.loc.line == 2);
  const Layer& s = w.find("Conv3_s");
  CHECK(s.kh == 1);
  CHECK(s.out_h() == 28);
}

TEST_CASE("csv reader marks single-filter rows as depthwise", "[workload]") {
  const Workload w = load_workload(workload_path("mobilenet.csv"));
  const Layer& dw = w.find("Conv2");
  CHECK(dw.kind == LayerKind::Conv2d);
  CHECK(dw.is_depthwise());
  CHECK(dw.in_c == 32);
  CHECK(dw.out_c == 32);
  CHECK(dw.groups == 32);
  CHECK(dw.kh == 3);
  CHECK(dw.gemm_k() == 9);
  CHECK(dw.gemm_n() == 1);
  const Layer& dw_stride2 = w.find("Conv26");
  CHECK(dw_stride2.is_depthwise());
  CHECK(dw_stride2.in_c == 1024);
  CHECK(dw_stride2.out_h() == 3);
  const Layer& pw = w.find("Conv3");
  CHECK_FALSE(pw.is_depthwise());
  CHECK(pw.out_c == 64);
  CHECK(pw.groups == 1);
}

TEST_CASE("csv reader reads height-1 rows as conv1d", "[workload]") {
  const Workload tc = load_workload(workload_path("tc_resnet8.csv"));
  const Layer& b1 = tc.find("block1_conv1");
  CHECK(b1.kind == LayerKind::Conv1d);
  CHECK(b1.in_c == 16);
  CHECK(b1.in_h == 1);
  CHECK(b1.kh == 1);
  CHECK(b1.in_w == 107);
  CHECK(b1.kw == 9);
  CHECK(b1.stride_w == 2);
  CHECK(b1.stride_h == 1);
  CHECK(b1.out_w() == 50);
  CHECK(b1.out_c == 24);
  // A 1x1 classifier on a 1x1 map is a 1-wide conv1d as well.
  const Workload resnet = load_workload(workload_path("Resnet18.csv"));
  const Layer& fc = resnet.find("FC");
  CHECK(fc.kind == LayerKind::Conv1d);
  CHECK(fc.macs() == 512 * 1000);
}

TEST_CASE("csv reader reads GEMM topologies as m, n, k", "[workload]") {
  const Workload gpt2 = load_workload(workload_path("gpt2.csv"));
  const Layer& l1 = gpt2.find("Linear1");
  CHECK(l1.kind == LayerKind::Gemm);
  CHECK(l1.m == 1024);
  CHECK(l1.n == 4800);
  CHECK(l1.k == 1600);
  const Workload ncf = load_workload(workload_path("NCF.csv"));  // CRLF line ends, no final newline
  CHECK(ncf.layers.back().name == "12");
  CHECK(ncf.layers.back().k == 1);
  CHECK(ncf.layers.back().loc.line == 13);
}

TEST_CASE("csv reader accepts spaces, trailing commas, CRLF and blank lines", "[workload]") {
  const Workload w = parse_workload_csv(
      "Layer name , IFMAP Height,IFMAP Width,Filter Height,Filter Width,Channels,Num Filter,Strides , \r\n"
      "\r\n"
      "  a , 8 ,8, 3,3 , 4, 2, 1 ,  \r\n"
      "b,8,8,3,3,4,2,1\r\n"
      "   \r\n",
      "dir/small.csv");
  REQUIRE(w.layers.size() == 2);
  CHECK(w.name == "small");
  CHECK(w.layers[0].name == "a");
  CHECK(w.layers[0].loc.line == 3);
  CHECK(w.layers[1].loc.line == 4);
  CHECK(w.layers[1].out_c == 2);
}

TEST_CASE("tiny.yaml loads every layer type with its shapes, each small enough for RTL", "[workload]") {
  const Workload w = load_workload(workload_path("tiny.yaml"));
  CHECK(w.name == "tiny");
  REQUIRE(w.layers.size() == 11);
  for (const Layer& l : w.layers) {
    CAPTURE(l.name);
    CHECK(l.macs() < 50000);
    CHECK(l.loc.line > 0);
  }
  const Layer& g = w.find("gemm_ragged");
  CHECK(g.kind == LayerKind::Gemm);
  CHECK((g.m == 13 && g.n == 7 && g.k == 19));
  const Layer& c = w.find("conv_pad_stride2");
  CHECK(c.kind == LayerKind::Conv2d);
  CHECK((c.stride_h == 2 && c.stride_w == 2 && c.pad_h == 1 && c.pad_w == 1));
  CHECK((c.out_h() == 6 && c.out_w() == 7));
  const Layer& r = w.find("conv_rect");
  CHECK((r.kh == 3 && r.kw == 2 && r.stride_h == 1 && r.stride_w == 2 && r.pad_h == 0 && r.pad_w == 1));
  CHECK(w.find("conv_grouped").groups == 4);
  const Layer& dw = w.find("depthwise_stride2");
  CHECK(dw.is_depthwise());
  CHECK(dw.out_c == 6);
  const Layer& c1 = w.find("conv1d_ragged");
  CHECK(c1.kind == LayerKind::Conv1d);
  CHECK((c1.in_h == 1 && c1.kh == 1 && c1.in_w == 29 && c1.kw == 5 && c1.pad_h == 0 && c1.pad_w == 2));
  CHECK(c1.out_w() == 15);
  const Layer& d = w.find("dense_batch3");
  CHECK(d.kind == LayerKind::Dense);
  CHECK((d.m == 3 && d.k == 37 && d.n == 11));
  CHECK(w.find("maxpool_overlap").kind == LayerKind::MaxPool);
  const Layer& avg = w.find("avgpool_ragged");
  CHECK(avg.kind == LayerKind::AvgPool);
  CHECK((avg.stride_h == 2 && avg.stride_w == 3));  // a pool strides by its kernel by default
  CHECK((avg.out_h() == 3 && avg.out_w() == 2));
  CHECK(w.find("avgpool_padded").pad_h == 1);
}

TEST_CASE("yaml reader applies defaults and names the workload after the file", "[workload]") {
  const Workload w = parse_workload_yaml(
      "layers:\n"
      "  - {name: c, type: conv2d, in_channels: 2, height: 5, width: 6, out_channels: 3, kernel: 3}\n"
      "  - {name: d, type: dense, in_features: 4, out_features: 5}\n"
      "  - {name: p, type: maxpool, channels: 2, height: 4, width: 4, kernel: 2, stride: 1}\n",
      "some/dir/net.v2.yaml");
  CHECK(w.name == "net.v2");
  const Layer& c = w.layers[0];
  CHECK((c.stride_h == 1 && c.stride_w == 1 && c.pad_h == 0 && c.pad_w == 0 && c.groups == 1));
  CHECK(c.loc.line == 2);
  CHECK(c.loc.file == "some/dir/net.v2.yaml");
  CHECK(w.layers[1].m == 1);
  CHECK(w.layers[1].loc.line == 3);
  CHECK(w.layers[2].stride_h == 1);
}

TEST_CASE("malformed YAML workloads name file, line and field", "[workload]") {
  struct Case {
    const char* what;
    std::string text;
    const char* expected;  // substring of the message
  };
  const std::string conv_fields =
      "    type: conv2d\n    in_channels: 4\n    height: 8\n    width: 8\n    out_channels: 4\n";
  const Case cases[] = {
      {"unknown layer type", one_layer_yaml("    type: conv3d\n"),
       "bad.yaml:4: layers[0].type: unknown layer type"},
      {"unknown key", one_layer_yaml(conv_fields + "    kernal: 3\n"),
       "bad.yaml:9: layers[0].kernal: unknown key"},
      {"key of another type", one_layer_yaml(conv_fields + "    kernel: 3\n    channels: 4\n"),
       "bad.yaml:10: layers[0].channels: unknown key"},
      {"missing field", one_layer_yaml(conv_fields), "bad.yaml:3: layers[0].kernel: missing required field"},
      {"negative size",
       one_layer_yaml("    type: conv2d\n    in_channels: -4\n    height: 8\n    width: 8\n"
                      "    out_channels: 4\n    kernel: 3\n"),
       "bad.yaml:5: layers[0].in_channels: must be positive"},
      {"negative padding", one_layer_yaml(conv_fields + "    kernel: 3\n    padding: [1, -1]\n"),
       "bad.yaml:10: layers[0].padding[1]: must not be negative"},
      {"kernel list of three", one_layer_yaml(conv_fields + "    kernel: [3, 3, 3]\n"),
       "bad.yaml:9: layers[0].kernel: expected an integer or a list"},
      {"not an integer", one_layer_yaml(conv_fields + "    kernel: three\n"),
       "bad.yaml:9: layers[0].kernel: expected an integer, got 'three'"},
      {"kernel bigger than input", one_layer_yaml(conv_fields + "    kernel: 9\n"),
       "bad.yaml:3: layers[0].kernel: layer 'l0': kernel height 9 is larger than the padded input height 8"},
      {"channels not divisible by groups", one_layer_yaml(conv_fields + "    kernel: 3\n    groups: 3\n"),
       "bad.yaml:3: layers[0].groups: layer 'l0': in_channels 4 is not divisible by groups 3"},
      {"conv1d with a kernel pair",
       one_layer_yaml("    type: conv1d\n    in_channels: 2\n    length: 9\n    out_channels: 2\n"
                      "    kernel: [1, 3]\n"),
       "bad.yaml:8: layers[0].kernel: expected an integer"},
      {"unsupported dtype", one_layer_yaml("    type: gemm\n    m: 2\n    n: 2\n    k: 2\n    dtype: fp16\n"),
       "bad.yaml:8: layers[0].dtype: unsupported dtype 'fp16'"},
      {"duplicate layer name",
       "layers:\n  - {name: a, type: gemm, m: 1, n: 2, k: 3}\n  - {name: a, type: gemm, m: 1, n: 2, k: 3}\n",
       "bad.yaml:3: layers[1].name: duplicate layer name 'a' (first defined on line 2)"},
      {"unknown top-level key", "workload: x\nlayer:\n  - {name: a, type: gemm, m: 1, n: 2, k: 3}\n",
       "bad.yaml:2: layer: unknown key"},
      {"no layers key", "workload: x\n", "bad.yaml:1: layers: missing required field"},
      {"empty layer list", "workload: x\nlayers: []\n",
       "bad.yaml:2: layers: a workload needs at least one layer"},
      {"layer not a map", "layers:\n  - gemm\n", "bad.yaml:2: layers[0]: expected a mapping"},
      {"empty file", "", "bad.yaml: file is empty"},
      {"YAML syntax error", "layers: [\n", "bad.yaml:2: YAML syntax error"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    const std::string msg = input_error_of([&] { parse_workload_yaml(c.text, "bad.yaml"); });
    CAPTURE(msg);
    CHECK(contains(msg, c.expected));
  }
}

TEST_CASE("csv reader reads every variant of SCALE-Sim's shipped topology files as SCALE-Sim does",
          "[workload]") {
  SECTION("notes in columns after Strides (as Resnet50.csv's ',,Eh,Ew,e2') and rows of empty cells") {
    const Workload w = parse_workload_csv(
        "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
        "Strides,,,Oh,Ow,px\n"
        ",,,,,,,,,,,,\n"
        "c1,16,16,3,3,2,4,2,,,7,7,49\n"
        "c2,7,7,1,1,4,8,1,,,,,\n",
        "notes.csv");
    REQUIRE(w.layers.size() == 2);
    CHECK(w.layers[0].name == "c1");
    CHECK(w.layers[0].loc.line == 3);
    CHECK(w.layers[0].stride_h == 2);
    CHECK(w.layers[0].stride_w == 2);
    CHECK(w.layers[0].out_c == 4);
    CHECK(w.layers[0].out_h() == 7);
    CHECK(w.layers[1].in_c == 4);
    CHECK(w.layers[1].out_c == 8);
  }
  SECTION("a BOM and the lower-case header of the training topologies, 'channel' and 'num filters'") {
    const Workload w = parse_workload_csv(
        "\xEF\xBB\xBFLayer name,Ifmap height,ifmap width,filter height,filter width,channel,num "
        "filters,strides,\n"
        "conv1,20,20,7,7,3,8,1,\n",
        "bom.csv");
    REQUIRE(w.layers.size() == 1);
    CHECK(w.layers[0].in_c == 3);
    CHECK(w.layers[0].out_c == 8);
    CHECK(w.layers[0].out_h() == 14);
  }
  SECTION("a header column after Strides ('batch size') left empty in the rows") {
    const Workload w = parse_workload_csv(
        "Layer name,Ifmap height,ifmap width,filter height,filter width,channels,num filters,strides,batch "
        "size,\n"
        "conv1,20,20,7,7,3,8,1,\n",
        "batch.csv");
    REQUIRE(w.layers.size() == 1);
    CHECK(w.layers[0].stride_w == 1);
  }
  SECTION("DeepBench's header names the second column 'IFMAP Width' too; cells are read by position") {
    const Workload w = parse_workload_csv(
        "Layer, IFMAP Width, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
        "r1,12,30,3,5,2,4,1,\n",
        "deepbench.csv");
    CHECK(w.layers[0].in_h == 12);
    CHECK(w.layers[0].in_w == 30);
    CHECK(w.layers[0].kw == 5);
  }
  SECTION("a 9th value is the stride width, and a header without a trailing comma") {
    const Workload w = parse_workload_csv(
        "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides\n"
        "\n"
        "a,9,9,3,3,2,2,2,1, \n"
        "b,9,9,3,3,2,2,3,\n",
        "strides.csv");
    REQUIRE(w.layers.size() == 2);
    CHECK(w.layers[0].stride_h == 2);
    CHECK(w.layers[0].stride_w == 1);
    CHECK(w.layers[0].out_h() == 4);
    CHECK(w.layers[0].out_w() == 7);
    CHECK(w.layers[1].stride_h == 3);
    CHECK(w.layers[1].stride_w == 3);
  }
  SECTION("a note after the values ('#dw') is the row's last cell, which SCALE-Sim drops") {
    const Workload w = parse_workload_csv(std::string(kConvHeader) +
                                              "Conv1, 20, 40, 3, 3, 3, 8, 2,\n"
                                              "Conv2_dw, 9, 19, 3, 3, 1, 1, 1,#dw\n",
                                          "notes.csv");
    REQUIRE(w.layers.size() == 2);
    CHECK(w.layers[1].in_c == 1);
    CHECK(w.layers[1].out_c == 1);
    CHECK(w.layers[1].stride_w == 1);
  }
  SECTION("'DP' in a layer name is SCALE-Sim's depthwise row: Num Filter filters per channel") {
    const Workload w = parse_workload_csv(
        std::string(kConvHeader) + "Conv2DP,10,10,3,3,4,2,1,\nConvDP1,10,10,3,3,4,1,1,\n", "dp.csv");
    CHECK(w.layers[0].groups == 4);
    CHECK(w.layers[0].in_c == 4);
    CHECK(w.layers[0].out_c == 8);
    CHECK(w.layers[0].macs() == 8 * 8 * 3 * 3 * 4 * 2);  // SCALE-Sim: 4 one-channel layers of 2 filters
    CHECK(w.layers[1].is_depthwise());
  }
  SECTION("repeated layer names (DeepBench's) are numbered, no-break spaces are spaces") {
    const Workload w = parse_workload_csv(std::string(kConvHeader) +
                                              "a,8,8,3,3,4,2,1,\n"
                                              "a,9,9,3,3,4,2,1,\n"
                                              "a#2,10,10,3,3,4,2,1,\n"
                                              "a,\xC2\xA0"
                                              "11,11,3,3,4,2,1,\xC2\xA0\n",
                                          "dups.csv");
    REQUIRE(w.layers.size() == 4);
    CHECK(w.layers[0].name == "a");
    CHECK(w.layers[1].name == "a#3");  // "a#2" is taken by the third row
    CHECK(w.layers[1].in_h == 9);
    CHECK(w.layers[2].name == "a#2");
    CHECK(w.layers[3].name == "a#4");
    CHECK(w.layers[3].in_h == 11);
  }
  SECTION("GEMM files: 'Layer,M,N,K,' with CRLF, and 'Layer Name, M, N, K,' with spaces") {
    const Workload a = parse_workload_csv("Layer,M,N,K,\r\nfc1,4,8,16,\r\nfc2,2,3,5\r\n", "a.csv");
    REQUIRE(a.layers.size() == 2);
    CHECK(a.layers[0].m == 4);
    CHECK(a.layers[0].n == 8);
    CHECK(a.layers[0].k == 16);
    CHECK(a.layers[1].k == 5);
    const Workload b = parse_workload_csv("Layer Name, M, N, K,\nqkt, 64, 32, 16,\n", "b.csv");
    CHECK(b.layers[0].kind == LayerKind::Gemm);
    CHECK(b.layers[0].n == 32);
  }
}

TEST_CASE("malformed CSV workloads name file, line and column", "[workload]") {
  struct Case {
    const char* what;
    std::string text;
    const char* expected;
  };
  const std::string resnet_head =
      std::string(kConvHeader) + "Conv1,224,224,7,7,3,64,2,\nConv2_1a,56,56,3,3,64,64,1,\n";
  const Case cases[] = {
      {"bad cell", resnet_head + "Conv2_1b,56,56,3,3,x,64,1,\n",
       "Resnet18.csv:4: Channels: expected a positive integer, got 'x'"},
      {"negative cell", resnet_head + "Conv2_1b,56,-56,3,3,64,64,1,\n",
       "Resnet18.csv:4: IFMAP Width: expected a positive integer, got '-56'"},
      {"zero stride", resnet_head + "Conv2_1b,56,56,3,3,64,64,0,\n",
       "Resnet18.csv:4: Strides: expected a positive integer, got '0'"},
      {"empty cell", resnet_head + "Conv2_1b,56,,3,3,64,64,1,\n",
       "Resnet18.csv:4: IFMAP Width: expected a positive integer, got ''"},
      {"too few columns", resnet_head + "Conv2_1b,56,56,3,3,64,64\n",
       "Resnet18.csv:4: expected 8 columns (Layer name, IFMAP Height"},
      {"too many columns", resnet_head + "Conv2_1b,56,56,3,3,64,64,1,1,1,\n",
       "Resnet18.csv:4: expected 8 columns (Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter "
       "Width, "
       "Channels, Num Filter, Strides) and optionally Stride Width, got 10"},
      // SCALE-Sim drops the last cell of a row: it would read stride 1 x 1 here, not 1 x 2.
      {"stride width without a trailing comma", resnet_head + "Conv2_1b,56,56,3,3,64,64,1,2\n",
       "Resnet18.csv:4: Stride Width: the row ends in '2' without a trailing comma: SCALE-Sim drops the last "
       "cell"},
      {"a section title", resnet_head + "Neural Collaborative Filtering,\n",
       "Resnet18.csv:4: expected 8 columns (Layer name"},
      {"tab-separated",
       "Layer name\tIFMAP Height\tIFMAP Width\tFilter Height\tFilter Width\tChannels\tNum "
       "Filter\tStrides\na\t8\t8\t3\t3\t4\t2\t1\n",
       "Resnet18.csv:1: header: unknown SCALE-Sim topology header"},
      {"more cells than the header's note columns",
       "Layer name,IFMAP Height,IFMAP Width,Filter Height,Filter Width,Channels,Num Filter,Strides,,Note\n"
       "a,8,8,3,3,4,2,1,,x,y,\n",
       "Resnet18.csv:2: column 11: more cells (12) than the header has columns (10)"},
      // A header with a "batch size" column after Strides: SCALE-Sim would read the 9th cell as the stride
      // width.
      {"a value in the column after Strides",
       "Layer name,Ifmap height,ifmap width,filter height,filter width,channels,num filters,strides,batch "
       "size,\n"
       "a,8,8,3,3,4,2,1,4,\n",
       "Resnet18.csv:2: Stride Width: '4' in the column after Strides ('batch size'): acv does not read it, "
       "but "
       "SCALE-Sim would read it as the stride width"},
      {"gemm value after K", "Layer,M,N,K,\nqkt,64,64,64,2,\n",
       "Resnet18.csv:2: expected 4 columns (Layer, M, N, K), got 5"},
      {"gemm bad cell in a trailing note column", "Layer,M,N,K,\nqkt,64,x,64,\n",
       "Resnet18.csv:2: N: expected a positive integer, got 'x'"},
      {"filter bigger than IFMAP", resnet_head + "Conv2_1b,2,56,3,3,64,64,1,\n",
       "Resnet18.csv:4: Filter Height: filter height 3 exceeds IFMAP height 2"},
      {"empty layer name", resnet_head + " ,56,56,3,3,64,64,1,\n",
       "Resnet18.csv:4: Layer name: layer name is empty"},
      {"gemm bad cell", "Layer,M,N,K\nqkt,1024,1e3,64\n",
       "Resnet18.csv:2: N: expected a positive integer, got '1e3'"},
      {"unknown header", "Name,Rows,Cols\na,1,2\n",
       "Resnet18.csv:1: header: unknown SCALE-Sim topology header"},
      {"header only", kConvHeader, "Resnet18.csv:1: no layers after the header"},
      {"empty file", "", "Resnet18.csv: file is empty"},
      {"blank file", " , ,\n\n", "Resnet18.csv: file is empty"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    const std::string msg = input_error_of([&] { parse_workload_csv(c.text, "Resnet18.csv"); });
    CAPTURE(msg);
    CHECK(contains(msg, c.expected));
  }
}

TEST_CASE("load_workload rejects missing files and unknown extensions", "[workload]") {
  CHECK(contains(input_error_of([] { load_workload("/nonexistent/dir/net.yaml"); }),
                 "/nonexistent/dir/net.yaml: no such file"));
  CHECK(contains(input_error_of([] { load_workload("/nonexistent/dir/net.csv"); }),
                 "/nonexistent/dir/net.csv: no such file"));
  CHECK(contains(input_error_of([] { load_workload(workload_path("README.md")); }),
                 "unknown workload file extension '.md'"));
  CHECK(contains(input_error_of([] { load_workload("net"); }), "net: unknown workload file extension ''"));
}

TEST_CASE("load_workload reports the path it was given in errors from the file", "[workload]") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path();
  const std::string path = (dir / "acv_models_tests_bad_workload.YML").string();
  {
    std::ofstream out(path);
    out << "layers:\n  - name: a\n    type: gemm\n    m: 1\n    n: 0\n    k: 1\n";
  }
  const std::string msg = input_error_of([&] { load_workload(path); });
  std::remove(path.c_str());
  CHECK(contains(msg, path + ":5: layers[0].n: must be positive"));
}

TEST_CASE("dataflow keys name earlier layers: input, residual and relu are read, a later name is an error", "[workload]") {
  const Workload w = parse_workload_yaml("layers:\n"
                                         "  - {name: a, type: conv1d, in_channels: 8, length: 20, out_channels: 8, kernel: 1}\n"
                                         "  - {name: b, type: conv1d, in_channels: 8, length: 20, out_channels: 8, kernel: 1}\n"
                                         "  - {name: c, type: conv1d, input: a, residual: b, relu: true, in_channels: 8, length: 20, out_channels: 8, kernel: 1}\n",
                                         "net.yaml");
  CHECK(w.layers[2].input_from == "a");
  CHECK(w.layers[2].residual_from == "b");
  CHECK(w.layers[2].relu);
  CHECK_FALSE(w.layers[1].relu);
  CHECK(w.layers[1].input_from.empty());
  CHECK_THROWS_WITH(parse_workload_yaml("layers:\n"
                                        "  - {name: a, type: conv1d, in_channels: 8, length: 20, out_channels: 8, kernel: 1, residual: b}\n"
                                        "  - {name: b, type: conv1d, in_channels: 8, length: 20, out_channels: 8, kernel: 1}\n",
                                        "net.yaml"),
                    Catch::Contains("net.yaml:2") && Catch::Contains("layers[0].residual") &&
                        Catch::Contains("'b' is not an earlier layer"));
}

}  // namespace
}  // namespace acv
