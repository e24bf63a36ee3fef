// Layer sizes, its GEMM view, and the shape checks every workload reader runs on each layer.
#include "layer.h"

#include <initializer_list>

namespace acv {

const char* to_string(LayerKind kind) {
  // The same spellings as the workload YAML's `type:` (depthwise is a Conv2d with groups).
  switch (kind) {
    case LayerKind::Conv2d:
      return "conv2d";
    case LayerKind::Conv1d:
      return "conv1d";
    case LayerKind::Dense:
      return "dense";
    case LayerKind::Gemm:
      return "gemm";
    case LayerKind::MaxPool:
      return "maxpool";
    case LayerKind::AvgPool:
      return "avgpool";
  }
  return "unknown";
}

int64_t Layer::macs() const {
  if (is_gemm()) return m * n * k;
  if (is_conv()) return gemm_groups() * gemm_m() * gemm_n() * gemm_k();
  return 0;  // pools compare or add, they do not multiply
}

int64_t Layer::input_elems() const { return is_gemm() ? m * k : in_c * in_h * in_w; }

int64_t Layer::weight_elems() const {
  if (is_gemm()) return k * n;
  if (is_conv()) return out_c * (in_c / groups) * kh * kw;
  return 0;
}

int64_t Layer::output_elems() const {
  if (is_gemm()) return m * n;
  if (is_conv()) return out_c * out_h() * out_w();
  return in_c * out_h() * out_w();
}

// A pool has no GEMM form; asking for one is a mapper bug or an unsupported layer.
static void require_gemm_form(const Layer& layer) {
  if (layer.is_pool()) {
    throw MappingError(layer.loc, "layer '" + layer.name + "': " + to_string(layer.kind) + " has no GEMM form");
  }
}

int64_t Layer::gemm_m() const {
  require_gemm_form(*this);
  return is_gemm() ? m : out_h() * out_w();
}

int64_t Layer::gemm_n() const {
  require_gemm_form(*this);
  return is_gemm() ? n : out_c / groups;
}

int64_t Layer::gemm_k() const {
  require_gemm_form(*this);
  return is_gemm() ? k : (in_c / groups) * kh * kw;
}

namespace {

// Fails with "file:line: <layer field>.<field>: layer 'name': reason" (no ".<field>" when empty).
class LayerChecker {
 public:
  explicit LayerChecker(const Layer& layer) : layer_(layer) {}

  [[noreturn]] void fail(const std::string& field, const std::string& reason) const {
    SourceLoc where = layer_.loc;
    if (!field.empty()) where.field = where.field.empty() ? field : where.field + "." + field;
    throw InputError(where, "layer '" + layer_.name + "': " + reason);
  }

  // Sizes beyond this are surely typos, and keeping them small keeps every product in int64.
  static constexpr int64_t kMaxDim = int64_t{1} << 24;

  void positive(const std::string& field, int64_t v) const {
    if (v <= 0) fail(field, "must be positive, got " + std::to_string(v));
    if (v > kMaxDim) fail(field, "too large: " + std::to_string(v) + " > " + std::to_string(kMaxDim));
  }
  void non_negative(const std::string& field, int64_t v) const {
    if (v < 0) fail(field, "must not be negative, got " + std::to_string(v));
    if (v > kMaxDim) fail(field, "too large: " + std::to_string(v) + " > " + std::to_string(kMaxDim));
  }

 private:
  const Layer& layer_;
};

void check_feature_map_layer(const Layer& l, const LayerChecker& c) {
  c.positive("in_channels", l.in_c);
  c.positive("out_channels", l.out_c);
  c.positive("height", l.in_h);
  c.positive("width", l.in_w);
  c.positive("kernel", l.kh);
  c.positive("kernel", l.kw);
  c.positive("stride", l.stride_h);
  c.positive("stride", l.stride_w);
  c.non_negative("padding", l.pad_h);
  c.non_negative("padding", l.pad_w);
  c.positive("groups", l.groups);
  if (l.kh > l.in_h + 2 * l.pad_h) {
    c.fail("kernel", "kernel height " + std::to_string(l.kh) + " is larger than the padded input height " +
                         std::to_string(l.in_h + 2 * l.pad_h));
  }
  if (l.kw > l.in_w + 2 * l.pad_w) {
    c.fail("kernel", "kernel width " + std::to_string(l.kw) + " is larger than the padded input width " +
                         std::to_string(l.in_w + 2 * l.pad_w));
  }
  if (l.kind == LayerKind::Conv1d && (l.in_h != 1 || l.kh != 1 || l.pad_h != 0 || l.stride_h != 1)) {
    c.fail("kernel",
           "a conv1d layer must have height, kernel height and stride height 1 and no height padding");
  }
}

void check_conv(const Layer& l, const LayerChecker& c) {
  if (l.in_c % l.groups != 0) {
    c.fail("groups", "in_channels " + std::to_string(l.in_c) + " is not divisible by groups " +
                         std::to_string(l.groups));
  }
  if (l.out_c % l.groups != 0) {
    c.fail("groups", "out_channels " + std::to_string(l.out_c) + " is not divisible by groups " +
                         std::to_string(l.groups));
  }
}

void check_pool(const Layer& l, const LayerChecker& c) {
  if (l.out_c != l.in_c) c.fail("channels", "a pool keeps its channels: out_channels must equal in_channels");
  if (l.groups != 1) c.fail("groups", "a pool has no groups");
  // As in PyTorch: with padding at most half the kernel no window lies entirely in the padding,
  // so every max pool output has a real element to take.
  if (2 * l.pad_h > l.kh || 2 * l.pad_w > l.kw) {
    c.fail("padding", "pool padding must be at most half the kernel size");
  }
}

void check_gemm(const Layer& l, const LayerChecker& c) {
  const bool dense = l.kind == LayerKind::Dense;
  c.positive(dense ? "batch" : "m", l.m);
  c.positive(dense ? "out_features" : "n", l.n);
  c.positive(dense ? "in_features" : "k", l.k);
}

// Each size is at most 2^24, but products of three or more can still overflow int64; bound them
// in floating point (exact enough for a limit) so sizes and MAC counts are always representable.
void check_totals(const Layer& l, const LayerChecker& c) {
  constexpr double kMaxElems = 1ull << 40;  // a 1 TiB int8 tensor is surely a typo
  constexpr double kMaxMacs = 1ull << 56;
  const auto product = [](std::initializer_list<int64_t> v) {
    double p = 1;
    for (const int64_t x : v) p *= static_cast<double>(x);
    return p;
  };
  double in = 0, weights = 0, out = 0, macs = 0;
  if (l.is_gemm()) {
    in = product({l.m, l.k});
    weights = product({l.k, l.n});
    out = product({l.m, l.n});
    macs = product({l.m, l.n, l.k});
  } else {
    const double pixels = product({l.out_h(), l.out_w()});
    in = product({l.in_c, l.in_h, l.in_w});
    weights = product({l.out_c, l.in_c / l.groups, l.kh, l.kw});
    out = pixels * static_cast<double>(l.out_c);
    macs = out * product({l.in_c / l.groups, l.kh, l.kw});
  }
  if (in > kMaxElems || weights > kMaxElems || out > kMaxElems)
    c.fail("", "tensors larger than 2^40 elements");
  if (macs > kMaxMacs) c.fail("", "more than 2^56 MACs");
}

}  // namespace

void validate_layer(const Layer& layer) {
  const LayerChecker c(layer);
  if (layer.name.empty()) c.fail("name", "layer name is empty");
  if (layer.is_gemm()) {
    check_gemm(layer, c);
  } else {
    check_feature_map_layer(layer, c);
    if (layer.is_conv()) {
      check_conv(layer, c);
    } else {
      check_pool(layer, c);
    }
  }
  check_totals(layer, c);
}

const Layer& Workload::find(const std::string& layer_name) const {
  for (const Layer& l : layers) {
    if (l.name == layer_name) return l;
  }
  std::string names;
  for (const Layer& l : layers) names += (names.empty() ? "" : ", ") + l.name;
  throw InputError(SourceLoc{file, 0, "layer"},
                   "workload '" + name + "' has no layer '" + layer_name + "' (layers: " + names + ")");
}

std::map<std::string, std::vector<std::string>> skipped_by_type(const std::vector<SkippedOperator>& ops) {
  std::map<std::string, std::vector<std::string>> by_type;
  for (const auto& s : ops) by_type[s.op_type].push_back(s.node);
  return by_type;
}

}  // namespace acv
