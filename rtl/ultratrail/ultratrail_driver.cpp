// The UltraTrail-like accelerator's Verilator driver: picks the Verilated model built for the
// config, sends the Program's host commands (load, cfg_shape, cfg_route, start, store; the
// controller performs setup, mac and opu itself) and serves the memory port from a DramModel.
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/common/error.h"
#include "models/ultratrail/ultratrail_accelerator.h"
#include "rtl/common/accelerator_run.h"
#include "rtl/common/command_check.h"
#include "rtl/common/rtl_driver.h"
#include "ultratrail_variants.h"  // generated: the Verilated models of ACV_ULTRATRAIL_SIZES

namespace acv {
namespace {

// What a Verilated variant was built with.
struct UltraTrailShape {
  int64_t size = 0, fmem_words = 0, wmem_words = 0, bmem_words = 0, max_layers = 0;
};

using HwCommand = acv::HwCommand<8>;

// Turns the Program's instructions into hardware commands, checking every operand the hardware
// would truncate or that would leave a memory: a violation is a mapper bug, reported with the
// instruction's number and text.
class CommandEncoder {
 public:
  CommandEncoder(const IsaSpec& isa, const UltraTrailShape& shape)
      : shape_(shape), check_("ultratrail RTL", isa, *ultratrail::isa()) {}

  HwCommand encode(const ConcreteInstruction& in, int64_t number) {
    using namespace ultratrail;
    if (is_internal(in.opcode)) {  // the controller's own steps: never sent, operands may be negative
      HwCommand cmd;
      cmd.op = static_cast<uint32_t>(in.opcode);
      cmd.sent = false;
      // A mac's array steps, for the cycle bound (command_cycle_bound).
      if (in.opcode == kMac)
        cmd.args[kMacSteps] = static_cast<uint32_t>(std::clamp<int64_t>(in.f[kMacSteps], 0, UINT32_MAX));
      return cmd;
    }
    HwCommand cmd = check_.begin(in, number);  // known opcode, 32-bit operands
    const auto& a = cmd.args;
    auto range = [&](const char* field, uint32_t v, int64_t lo, int64_t hi) { check_.range(field, v, lo, hi); };
    switch (in.opcode) {
      case kLoad:
      case kStore: {
        range("mem", a[kLdMem], 0, in.opcode == kLoad ? kBmem : kFmem2);
        const int64_t words = a[kLdMem] == kWmem ? shape_.wmem_words
                              : a[kLdMem] == kBmem ? shape_.bmem_words
                                                   : shape_.fmem_words;
        range("words", a[kLdWords], 0, 65535);
        if (int64_t{a[kLdAddr]} + a[kLdWords] > words)
          check_.fail("words " + std::to_string(a[kLdAddr]) + ".." + std::to_string(int64_t{a[kLdAddr]} + a[kLdWords] - 1) +
                      " outside the memory's " + std::to_string(words));
        break;
      }
      case kCfgShape:
        range("layer", a[kShLayer], 0, shape_.max_layers - 1);
        for (int f : {kShInC, kShOutC, kShInLen, kShPool}) range("size field", a[f], 1, 65535);
        range("kernel", a[kShKernel], 1, 255);
        range("stride", a[kShStride], 1, 255);
        range("pad", a[kShPad], 0, 255);
        break;
      case kCfgRoute:
        range("layer", a[kRtLayer], 0, shape_.max_layers - 1);
        range("src", a[kRtSrc], 0, kFmem2);
        range("dst", a[kRtDst], 0, kFmem2);
        range("res", a[kRtRes], 0, kNoResidual);
        range("w_base", a[kRtWBase], 0, shape_.wmem_words - 1);
        range("b_base", a[kRtBBase], 0, shape_.bmem_words - 1);
        range("relu", a[kRtRelu], 0, 1);
        range("shift", a[kRtShift], 1, 24);
        break;
      default:  // start
        range("layers", a[kStLayers], 1, shape_.max_layers);
        break;
    }
    return cmd;
  }

 private:
  UltraTrailShape shape_;
  CommandCheck<HwCommand::kNumArgs> check_;
};

// One run of one Verilated variant: its counters, per-layer cycles among them.
template <class Model>
class UltraTrailRun : public AcceleratorRun<UltraTrailRun<Model>, Model> {
  using Base = AcceleratorRun<UltraTrailRun<Model>, Model>;

 public:
  using Shape = UltraTrailShape;
  using Encoder = CommandEncoder;

  UltraTrailRun(const UltraTrailShape& shape, const DramConfig& dram_config, std::vector<uint8_t> dram,
                const std::string& trace_file)
      : Base("ultratrail " + std::to_string(shape.size) + "x" + std::to_string(shape.size) + " RTL", dram_config,
             std::move(dram), trace_file),
        max_layers_(shape.max_layers) {
    this->reset();
  }

  // Every word of a transfer paying the full DRAM latency; a layer's setup and drain per start
  // (its steps count one cycle each as the controller's own instructions).
  static int64_t command_cycle_bound(const HwCommand& c, const UltraTrailShape& shape, const DramConfig& dram) {
    using namespace ultratrail;
    const int64_t bpc = std::max<int64_t>(1, dram.bytes_per_cycle);
    if (c.op == kLoad || c.op == kStore)
      return int64_t{c.args[kLdWords]} * (dram.latency + (shape.size * shape.size + bpc - 1) / bpc + 3) + 8;
    if (c.op == kStart) return 8 * int64_t{c.args[kStLayers]} + 8;
    // The controller's own steps: a mac holds the array for its steps (one per cycle), a layer's
    // setup waits for the layer before it to write its output, the OPU is pipelined behind the array.
    if (c.op == kMac) return int64_t{c.args[kMacSteps]} + 4;
    if (c.op == kSetup) return 16;
    return 4;
  }

  // retire_o: one controller runs every command, one at a time.
  static int retire_unit(const HwCommand& /*command*/) { return 0; }

  std::map<std::string, int64_t> counters(int64_t instructions) {
    const Model& m = this->model();
    std::map<std::string, int64_t> c = {
        {"load.busy", static_cast<int64_t>(m.cnt_load_busy_o)},
        {"store.busy", static_cast<int64_t>(m.cnt_store_busy_o)},
        {"mac.busy", static_cast<int64_t>(m.cnt_mac_busy_o)},
        {"mac.stall.setup", static_cast<int64_t>(m.cnt_mac_setup_o)},
        {"mac.stall.drain", static_cast<int64_t>(m.cnt_mac_drain_o)},
        {"opu.writes", static_cast<int64_t>(m.cnt_opu_writes_o)},
        {"dram.reads", static_cast<int64_t>(m.cnt_mem_reads_o)},
        {"dram.writes", static_cast<int64_t>(m.cnt_mem_writes_o)},
        {"dram.bytes_read", this->dram().bytes_read()},
        {"dram.bytes_written", this->dram().bytes_written()},
        {"instructions", instructions},
    };
    // Per-layer cycles of the configuration registers that ran (layer.<index>.cycles).
    for (int64_t l = 0; l < max_layers_; ++l) {
      const int64_t cycles = static_cast<int64_t>(m.cnt_layer_cycles_o[static_cast<size_t>(l)]);
      if (cycles > 0) c["layer." + std::to_string(l) + ".cycles"] = cycles;
    }
    return c;
  }

 private:
  int64_t max_layers_ = 0;
};

using Variant = RtlVariant<UltraTrailShape>;

const std::vector<Variant>& built_variants() {
  static const std::vector<Variant> variants = [] {
    std::vector<Variant> v;
#define ACV_ULTRATRAIL_ADD_VARIANT(size, fmem, wmem, bmem, layers, Model) \
  v.push_back(Variant{UltraTrailShape{size, fmem, wmem, bmem, layers}, &run_variant<UltraTrailRun<Model>>});
    ACV_ULTRATRAIL_VARIANTS(ACV_ULTRATRAIL_ADD_VARIANT)
#undef ACV_ULTRATRAIL_ADD_VARIANT
    return v;
  }();
  return variants;
}

std::string describe(const UltraTrailShape& s) {
  return "size " + std::to_string(s.size) + ": fmem_words " + std::to_string(s.fmem_words) + ", wmem_words " +
         std::to_string(s.wmem_words) + ", bmem_words " + std::to_string(s.bmem_words) + ", max_layers " +
         std::to_string(s.max_layers);
}

// The built variant matching the config; InputError naming the parameter and the built ones.
const Variant& find_variant(const AccelConfig& config) {
  const ultratrail::Params p = ultratrail::read_params(config);
  const Variant* match = nullptr;
  std::string built;
  for (const auto& v : built_variants()) {
    built += (built.empty() ? "" : "; ") + describe(v.shape);
    if (v.shape.size == p.size) match = &v;
  }
  if (match == nullptr)
    config.fail("size", "no ultratrail RTL model for size " + std::to_string(p.size) + " (built: " +
                            (built.empty() ? "none" : built) + "; other sizes need -DACV_ULTRATRAIL_SIZES=...)");
  const UltraTrailShape& s = match->shape;
  const std::pair<const char*, bool> checks[] = {
      {"fmem_words", p.fmem_words == s.fmem_words},
      {"wmem_words", p.wmem_words == s.wmem_words},
      {"bmem_words", p.bmem_words == s.bmem_words},
      {"max_layers", p.max_layers == s.max_layers},
  };
  for (const auto& c : checks)
    if (!c.second) config.fail(c.first, std::string("differs from the ultratrail RTL model built for ") + describe(s));
  return *match;
}

class UltraTrailDriver : public VariantDriver<UltraTrailShape> {
 public:
  UltraTrailDriver() : VariantDriver(&find_variant) {}
};

}  // namespace

ACV_REGISTER_RTL_DRIVER(UltraTrailDriver, "ultratrail")

}  // namespace acv
