// The ultratrail network mapper: TC-ResNet8/14 into layer configurations with FMEM round robin,
// errors naming the layer and the limit, and the golden reference of quantized 1-D convolutions.
#include <catch2/catch.hpp>

#include <algorithm>

#include "models/common/golden.h"
#include "models/common/golden_quantized.h"
#include "models/common/workload_reader.h"
#include "models/ultratrail/ultratrail_accelerator.h"

using namespace acv;
using namespace acv::ultratrail;

namespace {

const std::string kWorkloads = std::string(ACV_SOURCE_DIR) + "/models/workloads/";

AccelConfig config(int64_t wmem_words = 3072, int64_t fmem_words = 1024) {
  AccelConfig c;
  c.file = "test-config.yaml";
  c.accelerator = "ultratrail";
  auto set = [&](const std::string& k, int64_t v) { c.params[k] = ConfigValue{std::to_string(v), SourceLoc{c.file, 1, k}}; };
  set("size", 8);
  set("fmem_words", fmem_words);
  set("wmem_words", wmem_words);
  set("bmem_words", 128);
  set("max_layers", 32);
  set("max_kernel", 16);
  set("max_stride", 8);
  set("max_length", 128);
  set("dram_bytes", 1 << 20);
  return c;
}

NetworkMap map_yaml(const std::string& yaml, const AccelConfig& c = config()) {
  const Workload w = parse_workload_yaml(yaml, "net.yaml");
  return map_network(w.name, w.layers, read_params(c), c.file);
}

std::string mapping_error(const std::string& yaml, const AccelConfig& c = config()) {
  try {
    map_yaml(yaml, c);
  } catch (const MappingError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("TC-ResNet8 maps to eleven layers with the pool folded and FMEMs in round robin", "[ultratrail]") {
  const Workload w = load_workload(kWorkloads + "tc_resnet8.yaml");
  const NetworkMap net = map_network(w.name, w.layers, read_params(config()), "c.yaml");
  REQUIRE(net.layers.size() == 11);
  CHECK(net.layers[9].name == "block3_conv2");
  CHECK(net.layers[9].pool_layer == "pool");
  CHECK(net.layers[9].op.out_len() == 1);
  CHECK(net.layers[9].op.pool_shift() == 4);  // 13 rounded up to 16, as HANNAH's global pool
  CHECK(net.layers[10].op.in_c == 48);
  // Every MAC of the workload, computed once; the pool adds none.
  int64_t workload_macs = 0, mapped_macs = 0;
  for (const Layer& l : w.layers) workload_macs += l.macs();
  for (const LayerConfig& c : net.layers) mapped_macs += c.macs();
  CHECK(mapped_macs == workload_macs);
  CHECK(net.weight_words == 1011);  // 8x8 blocks: fits a 64 KiB WMEM, as UltraTrail's 64,512 weights
  for (const LayerConfig& c : net.layers) {
    CHECK(c.dst != c.src);
    CHECK(c.dst != c.res);
    if (c.residual_layer >= 0) CHECK(c.res == net.layers[static_cast<std::size_t>(c.residual_layer)].dst);
    if (c.input_layer >= 0) CHECK(c.src == net.layers[static_cast<std::size_t>(c.input_layer)].dst);
  }
  CHECK(net.layers[3].residual_layer == 2);
}

TEST_CASE("TC-ResNet14 maps, with identity residuals from the block input", "[ultratrail]") {
  const Workload w = load_workload(kWorkloads + "tc_resnet14.yaml");
  const NetworkMap net = map_network(w.name, w.layers, read_params(config()), "c.yaml");
  REQUIRE(net.layers.size() == 17);
  CHECK(net.layers[5].name == "block2_conv2");
  CHECK(net.layers[5].residual_layer == 3);  // block1_conv2
  CHECK(net.weight_words == 2109);
  CHECK_THROWS_WITH(map_network(w.name, w.layers, read_params(config(2048)), "c.yaml"),
                    Catch::Contains("'block6_conv2'") && Catch::Contains("wmem_words=2048"));
}

TEST_CASE("the network Program lists loads, configurations, start, every accumulation and the store", "[ultratrail]") {
  const Workload w = load_workload(kWorkloads + "tc_resnet8.yaml");
  const Params p = read_params(config());
  const NetworkMap net = map_network(w.name, w.layers, p, "c.yaml");
  const Program prog = network_program(net, p);
  int64_t steps = 0, positions = 0;
  for (const LayerConfig& c : net.layers) {
    steps += c.mac_steps();
    positions += c.out_blocks * c.conv_positions();
  }
  // Per conv position of each output block one mac (its in_blocks x kernel steps) and one opu.
  CHECK(prog.instruction_count() == 3 + 2 * 11 + 1 + 11 + 2 * positions + 1);
  int64_t macs = 0, mac_steps = 0, writes = 0, commands = 0;
  prog.for_each([&](const ConcreteInstruction& in) {
    if (in.opcode == kMac) ++macs, mac_steps += in.f[kMacSteps];
    if (in.opcode == kOpu && in.f[kOpuWrite] == 1) ++writes;
    if (!is_internal(in.opcode)) ++commands;
  });
  CHECK(macs == positions);
  CHECK(mac_steps == steps);
  CHECK(commands == 27);
  // Pooled layer: one write per output, after its 13 positions.
  int64_t expected_writes = 0;
  for (const LayerConfig& c : net.layers) expected_writes += c.out_blocks * c.op.out_len();
  CHECK(writes == expected_writes);
}

TEST_CASE("what does not fit is a MappingError naming the layer and the limit", "[ultratrail]") {
  const std::string head = "layers:\n";
  CHECK_THAT(mapping_error(head + "  - {name: big_k, type: conv1d, in_channels: 8, length: 40, out_channels: 8, kernel: 17}\n"),
             Catch::Contains("'big_k'") && Catch::Contains("max_kernel=16"));
  CHECK_THAT(mapping_error(head + "  - {name: s9, type: conv1d, in_channels: 8, length: 40, out_channels: 8, kernel: 9, stride: 9}\n"),
             Catch::Contains("'s9'") && Catch::Contains("max_stride=8"));
  CHECK_THAT(mapping_error(head + "  - {name: long, type: conv1d, in_channels: 8, length: 129, out_channels: 8, kernel: 3}\n"),
             Catch::Contains("'long'") && Catch::Contains("max_length=128"));
  CHECK_THAT(mapping_error(head + "  - {name: c2d, type: conv2d, in_channels: 3, height: 8, width: 8, out_channels: 8, kernel: 3}\n"),
             Catch::Contains("'c2d'") && Catch::Contains("conv2d is not a layer"));
  CHECK_THAT(mapping_error(head + "  - {name: wide, type: conv1d, in_channels: 80, length: 128, out_channels: 8, kernel: 3}\n"),
             Catch::Contains("'wide'") && Catch::Contains("fmem_words=1024"));
  CHECK_THAT(mapping_error(head +
                           "  - {name: a, type: conv1d, in_channels: 8, length: 20, out_channels: 8, kernel: 3}\n"
                           "  - {name: b, type: conv1d, in_channels: 8, length: 20, out_channels: 8, kernel: 3}\n"),
             Catch::Contains("'b'") && Catch::Contains("does not match layer 'a' output 8 x 18"));
  // d reads a and b while c is still needed by e: its output has no free FMEM.
  CHECK_THAT(mapping_error(head +
                           "  - {name: a, type: conv1d, in_channels: 8, length: 20, out_channels: 8, kernel: 1}\n"
                           "  - {name: b, type: conv1d, in_channels: 8, length: 20, out_channels: 8, kernel: 1}\n"
                           "  - {name: c, type: conv1d, in_channels: 8, length: 20, out_channels: 8, kernel: 1}\n"
                           "  - {name: d, type: conv1d, input: a, residual: b, in_channels: 8, length: 20, out_channels: 8, kernel: 1}\n"
                           "  - {name: e, type: conv1d, input: d, residual: c, in_channels: 8, length: 20, out_channels: 8, kernel: 1}\n"),
             Catch::Contains("'d'") && Catch::Contains("fourth feature memory"));
  CHECK_THAT(mapping_error(head +
                           "  - {name: a, type: conv1d, in_channels: 8, length: 20, out_channels: 8, kernel: 1}\n"
                           "  - {name: b, type: conv1d, residual: a, in_channels: 8, length: 20, out_channels: 8, kernel: 1}\n"),
             Catch::Contains("'b'") && Catch::Contains("same tensor"));
  CHECK_THAT(mapping_error(head + "  - {name: deep, type: dense, in_features: 65537, out_features: 8}\n",
                           config(3072, 65535)),
             Catch::Contains("'deep'") && Catch::Contains("in_channels x kernel = 65537 exceeds 65536"));
  CHECK_THAT(mapping_error(head + "  - {name: d, type: dense, in_features: 8, out_features: 8, batch: 2}\n"),
             Catch::Contains("'d'") && Catch::Contains("batch must be 1"));
}

TEST_CASE("the SCALE-Sim TC-ResNet8 has no dataflow: the mapper names the layer to fix", "[ultratrail]") {
  const Workload w = load_workload(kWorkloads + "tc_resnet8.csv");
  CHECK_THROWS_WITH(map_network(w.name, w.layers, read_params(config()), "c.yaml"),
                    Catch::Contains("'block1_conv1'") && Catch::Contains("name its source with 'input:'"));
}

TEST_CASE("requantization rounds half up and saturates to int8", "[ultratrail][golden]") {
  CHECK(requantize(5, 1) == 3);     // 2.5 -> 3
  CHECK(requantize(-5, 1) == -2);   // -2.5 -> -2 (half up, not away from zero)
  CHECK(requantize(-6, 1) == -3);
  CHECK(requantize(7, 2) == 2);     // 1.75
  CHECK(requantize(1000, 2) == 127);
  CHECK(requantize(-1000, 2) == -128);
}

TEST_CASE("the quantized conv1d equals the int32 golden conv requantized, and adds bias, residual, ReLU, pool",
          "[ultratrail][golden]") {
  QuantizedConv1d op;
  op.in_c = 5;
  op.out_c = 3;
  op.in_len = 17;
  op.kernel = 4;
  op.stride = 2;
  op.pad = 2;
  op.shift = 9;
  const Layer l = op.as_conv1d();
  REQUIRE((l.kind == LayerKind::Conv1d && l.in_c == 5 && l.out_c == 3 && l.in_h == 1 && l.in_w == 17 && l.kw == 4 &&
           l.stride_w == 2 && l.pad_w == 2));
  const LayerData d = make_layer_data(l, 7);
  const std::vector<int32_t> raw = golden_output(l, d, GoldenPath::Naive);
  const int64_t len = op.conv_len();
  REQUIRE(len == l.out_w());
  const std::vector<int32_t> zero_bias(3, 0);
  const auto plain = golden_quantized_conv1d(op, d.input, d.weights, zero_bias, {});
  for (std::size_t i = 0; i < raw.size(); ++i) CHECK(plain[i] == requantize(raw[i], 9));

  // Bias, residual (in the output's scale), ReLU, then a pool of 3 (divisor 4).
  op.relu = true;
  op.residual = true;
  op.pool = 3;
  const std::vector<int32_t> bias = {100, -2000, 512};
  std::vector<int8_t> res(static_cast<std::size_t>(3 * len));
  for (std::size_t i = 0; i < res.size(); ++i) res[i] = static_cast<int8_t>(static_cast<int>(i * 37 % 255) - 127);
  const auto full = golden_quantized_conv1d(op, d.input, d.weights, bias, res);
  REQUIRE(static_cast<int64_t>(full.size()) == 3 * (len / 3));
  for (int64_t oc = 0; oc < 3; ++oc) {
    for (int64_t o = 0; o < len / 3; ++o) {
      int64_t sum = 0;
      for (int64_t p = 0; p < 3; ++p) {
        const int64_t x = o * 3 + p;
        int64_t y = int64_t{raw[static_cast<std::size_t>(oc * len + x)]} + bias[static_cast<std::size_t>(oc)] +
                    int64_t{res[static_cast<std::size_t>(oc * len + x)]} * 512;
        sum += y > 0 ? y : 0;
      }
      CHECK(full[static_cast<std::size_t>(oc * (len / 3) + o)] == requantize(sum, 9 + 2));
    }
  }
}

// The golden's definition (golden_quantized.h) written out as plain int64 loops.
std::vector<int8_t> quantized_conv1d_by_definition(const QuantizedConv1d& op, const std::vector<int8_t>& in,
                                                   const std::vector<int8_t>& w, const std::vector<int32_t>& bias,
                                                   const std::vector<int8_t>& res) {
  const int64_t conv_len = op.conv_len(), out_len = op.out_len();
  std::vector<int8_t> out(static_cast<std::size_t>(op.out_c * out_len));
  for (int64_t oc = 0; oc < op.out_c; ++oc) {
    for (int64_t o = 0; o < out_len; ++o) {
      int64_t sum = 0;
      for (int64_t p = 0; p < op.pool; ++p) {
        const int64_t x = o * op.pool + p;
        int64_t acc = 0;
        for (int64_t ic = 0; ic < op.in_c; ++ic) {
          for (int64_t k = 0; k < op.kernel; ++k) {
            const int64_t pos = x * op.stride - op.pad + k;
            if (pos >= 0 && pos < op.in_len)
              acc += int64_t{in[static_cast<std::size_t>(ic * op.in_len + pos)]} *
                     w[static_cast<std::size_t>((oc * op.in_c + ic) * op.kernel + k)];
          }
        }
        int64_t y = acc + bias[static_cast<std::size_t>(oc)];
        if (op.residual) y += int64_t{res[static_cast<std::size_t>(oc * conv_len + x)]} * (int64_t{1} << op.shift);
        if (op.relu) y = std::max<int64_t>(y, 0);
        sum += y;
      }
      out[static_cast<std::size_t>(oc * out_len + o)] = requantize(sum, op.shift + op.pool_shift());
    }
  }
  return out;
}

TEST_CASE("the quantized conv1d equals its definition on random shapes, strides, padding and pools, and on sums "
          "past int32",
          "[ultratrail][golden]") {
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto draw = [&](int64_t lo, int64_t hi) {  // uniform in [lo, hi]
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return lo + static_cast<int64_t>((state >> 33) % static_cast<uint64_t>(hi - lo + 1));
  };
  auto bytes = [&](int64_t n, bool extreme) {
    std::vector<int8_t> v(static_cast<std::size_t>(n));
    for (auto& b : v) b = static_cast<int8_t>(extreme ? -128 : draw(-128, 127));
    return v;
  };
  for (int trial = 0; trial < 300; ++trial) {
    QuantizedConv1d op;
    op.in_c = draw(1, 24);
    op.out_c = draw(1, 12);
    op.kernel = draw(1, 16);
    op.stride = draw(1, 8);
    op.pad = draw(0, op.kernel - 1);
    op.in_len = draw(std::max<int64_t>(1, op.kernel - 2 * op.pad), 128);
    op.pool = draw(1, std::min<int64_t>(4, op.conv_len()));
    op.shift = static_cast<int>(draw(1, 14));
    op.relu = draw(0, 1) == 1;
    op.residual = draw(0, 1) == 1;
    const auto in = bytes(op.in_c * op.in_len, false);
    auto w = bytes(op.out_c * op.in_c * op.kernel, false);
    for (auto& x : w)
      if (draw(0, 9) == 0) x = 0;  // zero weights are skipped: still exact
    std::vector<int32_t> bias(static_cast<std::size_t>(op.out_c));
    for (auto& b : bias) b = static_cast<int32_t>(draw(-100000, 100000));
    const auto res = op.residual ? bytes(op.out_c * op.conv_len(), false) : std::vector<int8_t>{};
    INFO("trial " << trial << ": in_c " << op.in_c << " out_c " << op.out_c << " len " << op.in_len << " k "
                  << op.kernel << " s " << op.stride << " pad " << op.pad << " pool " << op.pool);
    REQUIRE(golden_quantized_conv1d(op, in, w, bias, res) == quantized_conv1d_by_definition(op, in, w, bias, res));
  }
  // -128 x -128 over 2^17 products: 2^31, one past int32; the sum must stay exact.
  QuantizedConv1d big;
  big.in_c = 8192;
  big.out_c = 2;
  big.in_len = 16;
  big.kernel = 16;
  big.shift = 30;
  const auto in = bytes(big.in_c * big.in_len, true), w = bytes(big.out_c * big.in_c * big.kernel, true);
  const std::vector<int32_t> bias(2, 0);
  const auto out = golden_quantized_conv1d(big, in, w, bias, {});
  CHECK(out == quantized_conv1d_by_definition(big, in, w, bias, {}));
  CHECK(out[0] == 2);  // 2^31 >> 30
}

TEST_CASE("network data and DRAM image round-trip through the output layout", "[ultratrail]") {
  const Workload w = load_workload(kWorkloads + "tc_resnet8.yaml");
  const Params p = read_params(config());
  const NetworkMap net = map_network(w.name, w.layers, p, "c.yaml");
  const NetworkData data = make_network_data(net, 1);
  const auto outs = golden_network(net, data);
  REQUIRE(outs.size() == 11);
  CHECK(outs.back().size() == 12);
  // Outputs are not degenerate: the chosen shifts leave values spread over int8.
  int nonzero = 0;
  for (int8_t v : outs[3]) nonzero += v != 0;
  CHECK(nonzero > static_cast<int>(outs[3].size()) / 4);
  std::vector<uint8_t> dram = network_dram_image(net, data, p);
  CHECK(dram.size() == net.dram_bytes);
  // Write the golden output where the store puts it and read it back.
  const LayerConfig& last = net.layers.back();
  for (int64_t c = 0; c < last.op.out_c; ++c)
    dram[net.output_base + static_cast<uint64_t>((c / 8) * 8 + c % 8)] = static_cast<uint8_t>(outs.back()[static_cast<std::size_t>(c)]);
  CHECK(read_network_output(net, p, dram) == outs.back());
}
