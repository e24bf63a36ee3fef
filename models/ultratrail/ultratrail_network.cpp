// The UltraTrail-like accelerator's network mapper, its Program and its functional model.
#include <algorithm>
#include <cstring>
#include <map>

#include "models/common/golden.h"
#include "ultratrail_accelerator.h"

namespace acv {
namespace ultratrail {

namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

constexpr int64_t kMaxSumTerms = int64_t{1} << 16;  // products per accumulator: in_c * kernel

int ceil_log2(int64_t v) {
  int b = 0;
  while ((int64_t{1} << b) < v) ++b;
  return b;
}

// Requantization shift: random int8 x int8 products have a standard deviation of about 2^12.4,
// a sum of n of them sqrt(n) times that; shifting by 7 + log2(n)/2 leaves outputs of a
// standard deviation of about 2^5, well inside int8.
int choose_shift(int64_t in_c, int64_t kernel) { return 7 + (ceil_log2(in_c * kernel) + 1) / 2; }

[[noreturn]] void fail(const Layer& l, const std::string& reason) {
  throw MappingError(l.loc, "layer '" + l.name + "': " + reason);
}

std::string limit(const std::string& what, int64_t value, const std::string& key, int64_t max,
                  const std::string& config_file) {
  return what + " " + std::to_string(value) + " exceeds the limit " + key + "=" + std::to_string(max) +
         " of config " + config_file;
}

// An average pool over time folds into the output processing of the layer it reads.
void fold_pool(const Layer& l, int src, NetworkMap& net, const Params& p, const std::string& config_file) {
  if (src < 0 || src != static_cast<int>(net.layers.size()) - 1)
    fail(l, "an average pool runs in the output processing of the layer just before it, which it must read");
  LayerConfig& c = net.layers.back();
  if (!c.pool_layer.empty()) fail(l, "the layer before it already pools ('" + c.pool_layer + "')");
  if (l.in_h != 1 || l.kh != 1 || l.stride_h != 1 || l.pad_h != 0)
    fail(l, "the accelerator pools over time only: height, kernel height and stride height must be 1");
  if (l.stride_w != l.kw || l.pad_w != 0)
    fail(l, "the output processing pools windows that neither overlap nor pad: stride must equal kernel, padding 0");
  if (l.in_c != c.op.out_c || l.in_w != c.op.out_len())
    fail(l, "input " + std::to_string(l.in_c) + " x " + std::to_string(l.in_w) + " does not match layer '" + c.name +
                "' output " + std::to_string(c.op.out_c) + " x " + std::to_string(c.op.out_len()));
  if (!l.residual_from.empty() || l.relu)
    fail(l, "a pool has no residual or ReLU of its own (give them to layer '" + c.name + "')");
  if (l.kw > p.max_length) fail(l, limit("pool window", l.kw, "max_length", p.max_length, config_file));
  c.op.pool = l.kw;
  c.pool_layer = l.name;
}

// FMEM round robin: each output goes to a feature memory that is neither read by the layer nor
// holds a tensor a later layer still reads.
void assign_fmems(NetworkMap& net, const std::map<std::string, const Layer*>& by_name) {
  const int n = static_cast<int>(net.layers.size());
  std::vector<int> last_use(static_cast<std::size_t>(n) + 1, -1);  // index t + 1: tensor t (-1 = the input)
  for (int i = 0; i < n; ++i) {
    last_use[static_cast<std::size_t>(net.layers[i].input_layer + 1)] = i;
    if (net.layers[i].residual_layer >= 0) last_use[static_cast<std::size_t>(net.layers[i].residual_layer + 1)] = i;
  }
  last_use[static_cast<std::size_t>(n)] = n;  // the network output is stored after the last layer
  std::vector<int> fmem_of(static_cast<std::size_t>(n) + 1, -1);
  int holding[kNumFmems] = {-1, -2, -2};  // tensor held (-2: none); the input starts in FMEM0
  fmem_of[0] = kFmem0;
  for (int i = 0; i < n; ++i) {
    LayerConfig& c = net.layers[i];
    c.src = fmem_of[static_cast<std::size_t>(c.input_layer + 1)];
    c.res = c.residual_layer >= 0 ? fmem_of[static_cast<std::size_t>(c.residual_layer + 1)] : kNoResidual;
    int dst = -1;
    for (int f = 0; f < kNumFmems && dst < 0; ++f) {
      if (f == c.src || f == c.res) continue;
      if (holding[f] == -2 || last_use[static_cast<std::size_t>(holding[f] + 1)] <= i) dst = f;
    }
    if (dst < 0) {
      const Layer* l = by_name.at(c.name);
      fail(*l, "its output needs a fourth feature memory: FMEM0..2 hold tensors still read by later layers");
    }
    c.dst = dst;
    holding[dst] = i;
    fmem_of[static_cast<std::size_t>(i + 1)] = dst;
  }
}

}  // namespace

NetworkMap map_network(const std::string& name, const std::vector<Layer>& layers, const Params& p,
                       const std::string& config_file) {
  NetworkMap net;
  net.name = name;
  std::map<std::string, int> mapped;  // workload layer -> mapped layer holding its output
  std::map<std::string, const Layer*> by_name;
  int prev = -1;
  int64_t w_words = 0, b_words = 0;
  for (const Layer& l : layers) {
    by_name[l.name] = &l;
    int src = prev;
    if (!l.input_from.empty()) {
      const auto it = mapped.find(l.input_from);
      if (it == mapped.end()) fail(l, "input '" + l.input_from + "' is not an earlier layer");
      src = it->second;
    }
    if (l.kind == LayerKind::AvgPool) {
      fold_pool(l, src, net, p, config_file);
      mapped[l.name] = src;
      prev = src;
      continue;
    }
    LayerConfig c;
    c.name = l.name;
    c.input_layer = src;
    QuantizedConv1d& op = c.op;
    if (l.kind == LayerKind::Conv1d) {
      if (l.groups != 1) fail(l, "grouped convolutions are not supported (groups " + std::to_string(l.groups) + ")");
      op.in_c = l.in_c;
      op.out_c = l.out_c;
      op.in_len = l.in_w;
      op.kernel = l.kw;
      op.stride = l.stride_w;
      op.pad = l.pad_w;
    } else if (l.kind == LayerKind::Dense) {
      if (l.m != 1) fail(l, "a dense layer runs as a length-1 convolution: batch must be 1, got " + std::to_string(l.m));
      op.in_c = l.k;
      op.out_c = l.n;
      op.in_len = 1;
    } else {
      fail(l, std::string(to_string(l.kind)) +
                  " is not a layer of a 1-D convolutional network (conv1d, dense, avgpool over time)");
    }
    if (op.kernel > p.max_kernel) fail(l, limit("kernel", op.kernel, "max_kernel", p.max_kernel, config_file));
    if (op.stride > p.max_stride) fail(l, limit("stride", op.stride, "max_stride", p.max_stride, config_file));
    if (op.in_len > p.max_length) fail(l, limit("input length", op.in_len, "max_length", p.max_length, config_file));
    // |acc| <= in_c * kernel * 2^14 must stay below 2^31 for the int32 accumulators to be exact.
    if (op.in_c * op.kernel > kMaxSumTerms)
      fail(l, "in_channels x kernel = " + std::to_string(op.in_c * op.kernel) + " exceeds " +
                  std::to_string(kMaxSumTerms) + " (the int32 accumulators could overflow)");
    if (src >= 0) {
      const QuantizedConv1d& s = net.layers[static_cast<std::size_t>(src)].op;
      const std::string& s_name = net.layers[static_cast<std::size_t>(src)].name;
      const bool ok = l.kind == LayerKind::Dense ? (s.out_len() == 1 && s.out_c == op.in_c)
                                                 : (s.out_c == op.in_c && s.out_len() == op.in_len);
      if (!ok)
        fail(l, "input " + std::to_string(op.in_c) + " x " + std::to_string(op.in_len) + " does not match layer '" +
                    s_name + "' output " + std::to_string(s.out_c) + " x " + std::to_string(s.out_len()) +
                    " (name its source with 'input:')");
    } else if (!net.layers.empty()) {
      fail(l, "only the first layer reads the network input");
    }
    if (!l.residual_from.empty()) {
      const auto it = mapped.find(l.residual_from);
      if (it == mapped.end()) fail(l, "residual '" + l.residual_from + "' is not an earlier layer");
      const LayerConfig& r = net.layers[static_cast<std::size_t>(it->second)];
      if (r.op.out_c != op.out_c || r.op.out_len() != op.conv_len())
        fail(l, "residual '" + l.residual_from + "' is " + std::to_string(r.op.out_c) + " x " +
                    std::to_string(r.op.out_len()) + ", the convolution's output " + std::to_string(op.out_c) +
                    " x " + std::to_string(op.conv_len()));
      if (it->second == src)
        fail(l, "residual and input are the same tensor, but a feature memory has one read port");
      c.residual_layer = it->second;
      op.residual = true;
    }
    op.relu = l.relu;
    op.shift = choose_shift(op.in_c, op.kernel);
    c.in_blocks = ceil_div(op.in_c, p.size);
    c.out_blocks = ceil_div(op.out_c, p.size);
    if (c.in_blocks * op.in_len > p.fmem_words)
      fail(l, "input needs " + std::to_string(c.in_blocks * op.in_len) + " FMEM words; config " + config_file +
                  " has fmem_words=" + std::to_string(p.fmem_words));
    if (c.out_blocks * op.conv_len() > p.fmem_words)
      fail(l, "output needs " + std::to_string(c.out_blocks * op.conv_len()) + " FMEM words; config " + config_file +
                  " has fmem_words=" + std::to_string(p.fmem_words));
    c.w_base = w_words;
    c.b_base = b_words;
    w_words += c.out_blocks * c.in_blocks * op.kernel;
    b_words += c.out_blocks;
    if (w_words > p.wmem_words)
      fail(l, "the weights up to this layer need " + std::to_string(w_words) + " WMEM words; config " + config_file +
                  " has wmem_words=" + std::to_string(p.wmem_words));
    if (b_words > p.bmem_words)
      fail(l, "the biases up to this layer need " + std::to_string(b_words) + " BMEM words; config " + config_file +
                  " has bmem_words=" + std::to_string(p.bmem_words));
    if (static_cast<int64_t>(net.layers.size()) + 1 > p.max_layers)
      fail(l, "layer " + std::to_string(net.layers.size() + 1) + " exceeds the limit max_layers=" +
                  std::to_string(p.max_layers) + " of config " + config_file);
    net.layers.push_back(c);
    prev = static_cast<int>(net.layers.size()) - 1;
    mapped[l.name] = prev;
  }
  const SourceLoc file{layers.empty() ? std::string() : layers.front().loc.file, 0, ""};
  if (net.layers.empty()) throw MappingError(file, "network '" + name + "': no conv1d or dense layer");
  for (const LayerConfig& c : net.layers)
    if (c.op.out_len() < 1) fail(*by_name.at(c.pool_layer), "the pool window is longer than its input");
  assign_fmems(net, by_name);

  const LayerConfig& first = net.layers.front();
  const LayerConfig& last = net.layers.back();
  net.input_words = first.in_blocks * first.op.in_len;
  net.weight_words = w_words;
  net.bias_words = b_words;
  net.output_words = last.out_blocks * last.op.out_len();
  auto align = [](uint64_t a) { return (a + 63) / 64 * 64; };
  net.input_base = 0;
  net.weight_base = align(net.input_base + static_cast<uint64_t>(net.input_words * p.fmem_word_bytes()));
  net.bias_base = align(net.weight_base + static_cast<uint64_t>(net.weight_words * p.wmem_word_bytes()));
  net.output_base = align(net.bias_base + static_cast<uint64_t>(net.bias_words * p.bmem_word_bytes()));
  net.dram_bytes = align(net.output_base + static_cast<uint64_t>(net.output_words * p.fmem_word_bytes()));
  if (net.dram_bytes > static_cast<uint64_t>(p.dram_bytes))
    throw MappingError(file, "network '" + name + "' needs " + std::to_string(net.dram_bytes) +
                       " bytes of external memory; config " + config_file + " has dram_bytes=" +
                       std::to_string(p.dram_bytes));
  return net;
}

Program network_program(const NetworkMap& net, const Params& /*p*/) {
  Program prog;
  prog.isa = isa();
  prog.layer_name = net.name;
  prog.top.name = "network";
  prog.top.trips = 1;
  auto& body = prog.top.body;
  body.push_back(make_instruction(kLoad, {kFmem0, 0, static_cast<int64_t>(net.input_base), net.input_words}));
  body.push_back(make_instruction(kLoad, {kWmem, 0, static_cast<int64_t>(net.weight_base), net.weight_words}));
  body.push_back(make_instruction(kLoad, {kBmem, 0, static_cast<int64_t>(net.bias_base), net.bias_words}));
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const LayerConfig& c = net.layers[i];
    const auto n = static_cast<int64_t>(i);
    body.push_back(make_instruction(
        kCfgShape, {n, c.op.in_c, c.op.out_c, c.op.in_len, c.op.kernel, c.op.stride, c.op.pad, c.op.pool}));
    body.push_back(make_instruction(kCfgRoute, {n, c.src, c.dst, c.res, c.w_base, c.b_base, c.op.relu ? 1 : 0,
                                                c.op.shift}));
  }
  body.push_back(make_instruction(kStart, {static_cast<int64_t>(net.layers.size())}));
  // The controller's steps per layer. Depths: 1 layer, 2 output block, 3 output position,
  // 4 position in the pool window (a layer without a pool has no such loop: its one trip would
  // only cost the estimator a loop entry per output). One `mac` is one conv position's
  // accumulation: the array's in_blocks x kernel steps (ib, k) from step_first to step_last, which
  // the controller runs back to back into the same sums before the OPU takes them.
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const LayerConfig& c = net.layers[i];
    const auto n = static_cast<int64_t>(i);
    const bool pooled = c.op.pool > 1;
    const Expr ob = idx(2), o = idx(3), pw = pooled ? idx(4) : Expr(0);
    const Expr pos = o * c.op.pool + pw;  // conv output position
    const Statement mac = make_instruction(
        kMac, {n, pos * c.op.stride - Expr(c.op.pad), Expr(c.w_base) + ob * (c.in_blocks * c.op.kernel),
               Expr(c.in_blocks * c.op.kernel)});
    const Statement opu = make_instruction(
        kOpu, {n, ob * c.op.out_len() + o, c.op.residual ? ob * c.op.conv_len() + pos : Expr(0),
               pooled ? clamp(pw - Expr(c.op.pool - 2), 0, 1) : Expr(1)});
    body.push_back(make_loop(
        c.name, 1,
        {make_instruction(kSetup, {n}),
         make_loop("ob", c.out_blocks,
                   {make_loop("o", c.op.out_len(),
                              pooled ? std::vector<Statement>{make_loop("p", c.op.pool, {mac, opu})}
                                     : std::vector<Statement>{mac, opu})})}));
  }
  const LayerConfig& last = net.layers.back();
  body.push_back(make_instruction(kStore, {last.dst, 0, static_cast<int64_t>(net.output_base), net.output_words}));
  prog.regions = {
      {"input", net.input_base, static_cast<uint64_t>(net.weight_base - net.input_base), false,
       "FMEM words [in_block][t][size] int8"},
      {"weights", net.weight_base, net.bias_base - net.weight_base, false,
       "WMEM words [layer][out_block][in_block][tap][out size][in size] int8"},
      {"bias", net.bias_base, net.output_base - net.bias_base, false, "BMEM words [layer][out_block][size] int32"},
      {"output", net.output_base, net.dram_bytes - net.output_base, true, "FMEM words [out_block][t][size] int8"}};
  prog.dram_bytes = net.dram_bytes;
  return prog;
}

NetworkData make_network_data(const NetworkMap& net, uint64_t seed) {
  constexpr uint64_t kBiasStream = 0x6269617300000000ull;  // "bias"
  NetworkData d;
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const QuantizedConv1d& op = net.layers[i].op;
    Layer eq = op.as_conv1d();  // for its operands
    eq.name = net.layers[i].name;
    const uint64_t layer_seed = seed + 0x100000001b3ull * i;  // layers of one shape still differ
    LayerData ld = make_layer_data(eq, layer_seed);
    if (i == 0) d.input = std::move(ld.input);
    d.weights.push_back(std::move(ld.weights));
    // Biases of up to 16 output steps either way (the output's scale is 2^shift).
    const std::vector<int8_t> b8 = make_int8_data(op.out_c, layer_seed ^ kBiasStream);
    std::vector<int32_t> bias(b8.size());
    for (std::size_t j = 0; j < b8.size(); ++j) bias[j] = int32_t{b8[j]} * (int32_t{1} << (op.shift - 3));
    d.bias.push_back(std::move(bias));
  }
  return d;
}

std::vector<std::vector<int8_t>> golden_network(const NetworkMap& net, const NetworkData& data) {
  std::vector<std::vector<int8_t>> out;
  static const std::vector<int8_t> kNone;
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const LayerConfig& c = net.layers[i];
    const std::vector<int8_t>& in = c.input_layer < 0 ? data.input : out[static_cast<std::size_t>(c.input_layer)];
    const std::vector<int8_t>& res = c.residual_layer < 0 ? kNone : out[static_cast<std::size_t>(c.residual_layer)];
    out.push_back(golden_quantized_conv1d(c.op, in, data.weights[i], data.bias[i], res));
  }
  return out;
}

std::vector<uint8_t> network_dram_image(const NetworkMap& net, const NetworkData& data, const Params& p) {
  std::vector<uint8_t> dram(net.dram_bytes, 0);
  const int64_t s = p.size;
  const LayerConfig& first = net.layers.front();
  for (int64_t c = 0; c < first.op.in_c; ++c)
    for (int64_t t = 0; t < first.op.in_len; ++t)
      dram[net.input_base + static_cast<uint64_t>(((c / s) * first.op.in_len + t) * s + c % s)] =
          static_cast<uint8_t>(data.input[static_cast<std::size_t>(c * first.op.in_len + t)]);
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const LayerConfig& l = net.layers[i];
    const QuantizedConv1d& op = l.op;
    for (int64_t oc = 0; oc < op.out_c; ++oc) {
      for (int64_t ic = 0; ic < op.in_c; ++ic) {
        for (int64_t k = 0; k < op.kernel; ++k) {
          const int64_t word = l.w_base + ((oc / s) * l.in_blocks + ic / s) * op.kernel + k;
          dram[net.weight_base + static_cast<uint64_t>(word * s * s + (oc % s) * s + ic % s)] =
              static_cast<uint8_t>(data.weights[i][static_cast<std::size_t>((oc * op.in_c + ic) * op.kernel + k)]);
        }
      }
      const uint32_t b = static_cast<uint32_t>(data.bias[i][static_cast<std::size_t>(oc)]);
      const uint64_t at = net.bias_base + static_cast<uint64_t>((l.b_base + oc / s) * 4 * s + 4 * (oc % s));
      for (int byte = 0; byte < 4; ++byte) dram[at + static_cast<uint64_t>(byte)] = static_cast<uint8_t>(b >> (8 * byte));
    }
  }
  return dram;
}

std::vector<int8_t> read_network_output(const NetworkMap& net, const Params& p, const std::vector<uint8_t>& dram) {
  const LayerConfig& last = net.layers.back();
  const int64_t s = p.size, len = last.op.out_len();
  if (dram.size() < net.dram_bytes) throw BackendError("network '" + net.name + "': external memory too small");
  std::vector<int8_t> out(static_cast<std::size_t>(last.op.out_c * len));
  for (int64_t c = 0; c < last.op.out_c; ++c)
    for (int64_t t = 0; t < len; ++t)
      out[static_cast<std::size_t>(c * len + t)] =
          static_cast<int8_t>(dram[net.output_base + static_cast<uint64_t>(((c / s) * len + t) * s + c % s)]);
  return out;
}

}  // namespace ultratrail
}  // namespace acv
