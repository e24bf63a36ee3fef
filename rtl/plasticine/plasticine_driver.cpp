// The plasticine CGRA's Verilator driver: picks the Verilated model built for the config's grid,
// streams the Program into its command port, and serves its memory port from the DramModel.
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/common/error.h"
#include "models/plasticine/plasticine_accelerator.h"
#include "plasticine_variants.h"  // generated: the Verilated models of ACV_PLASTICINE_GRIDS
#include "rtl/common/accelerator_run.h"
#include "rtl/common/command_check.h"
#include "rtl/common/rtl_driver.h"

namespace acv {
namespace {

// What a Verilated variant was built with (rtl/plasticine/CMakeLists.txt).
struct PlasticineShape {
  int64_t rows = 0, cols = 0, lanes = 0, stages = 0, bank_depth = 0, out_depth = 0, burst_bytes = 0,
          queue_depth = 0;
  int64_t units() const { return rows * cols / 2; }
};

// op: plasticine_pkg::opcode_e == plasticine::Opcode; 9 arguments: plasticine_pkg::NumArgs.
using HwCommand = acv::HwCommand<9>;

// Turns the Program's instructions into hardware commands, checking every operand the hardware
// would silently truncate (the functional model checks the full ISA rules).
class CommandEncoder {
 public:
  CommandEncoder(const IsaSpec& isa, const PlasticineShape& shape)
      : shape_(shape), check_("plasticine RTL", isa, *plasticine::isa()) {}

  HwCommand encode(const ConcreteInstruction& in, int64_t number) {
    using namespace plasticine;
    HwCommand cmd = check_.begin(in, number);
    const auto& a = cmd.args;
    const int64_t units = shape_.units(), half = shape_.bank_depth / 2, len_max = 0xffff;
    auto range = [this](const char* field, int64_t v, int64_t lo, int64_t hi) { check_.range(field, v, lo, hi); };
    switch (in.opcode) {
      case kRoute:
        range("pcu", a[kRtPcu], 0, units - 1);
        range("pmu", a[kRtPmu], 0, units - 1);
        break;
      case kLoad: {
        range("pmu", a[kLdPmu], 0, units - 1);
        range("bcast", a[kLdBcast], 0, 1);
        range("half", a[kLdHalf], 0, 1);
        range("fill", a[kLdFill], 0, 1);
        range("row_bytes", a[kLdRowBytes], 1, len_max);
        const int64_t row_entries = (a[kLdRowBytes] + shape_.lanes - 1) / shape_.lanes;
        range("rows", a[kLdRows], 0, half);
        range("entry", a[kLdEntry], 0, half - int64_t{a[kLdRows]} * row_entries);
        break;
      }
      case kCompute:
        range("half", a[kCpHalf], 0, 1);
        range("o_half", a[kCpOHalf], 0, 1);
        range("k_chunks", a[kCpKChunks], 1, half);
        range("m_len", a[kCpMLen], 1, half);
        range("n_len", a[kCpNLen], 1, half);
        range("k_len", a[kCpKLen], 1, len_max);
        range("a_entry", a[kCpAEntry], 0, half - int64_t{a[kCpMLen]} * a[kCpKChunks]);
        range("b_entry", a[kCpBEntry], 0, half - int64_t{a[kCpNLen]} * a[kCpKChunks]);
        range("m_len * o_stride", int64_t{a[kCpMLen]} * a[kCpOStride], 1, shape_.out_depth);
        break;
      default:  // kStore
        range("pcu", a[kStPcu], 0, units - 1);
        range("half", a[kStHalf], 0, 1);
        range("release", a[kStRelease], 0, 1);
        range("cols", a[kStCols], 0, std::min<int64_t>(a[kStOStride], shape_.burst_bytes / 4));
        range("rows * o_stride", int64_t{a[kStRows]} * a[kStOStride], 0, shape_.out_depth);
        break;
    }
    return cmd;
  }

 private:
  PlasticineShape shape_;
  CommandCheck<HwCommand::kNumArgs> check_;
};

// One run of one Verilated variant: the CGRA's counters.
template <class Model>
class PlasticineRun : public AcceleratorRun<PlasticineRun<Model>, Model> {
  using Base = AcceleratorRun<PlasticineRun<Model>, Model>;

 public:
  using Shape = PlasticineShape;
  using Encoder = CommandEncoder;

  PlasticineRun(const PlasticineShape& shape, const DramConfig& dram_config, std::vector<uint8_t> dram,
                const std::string& trace_file)
      : Base("plasticine " + std::to_string(shape.rows) + "x" + std::to_string(shape.cols) + " RTL", dram_config,
             std::move(dram), trace_file),
        units_(shape.units()) {
    this->reset();
  }

  // Every burst paying the full DRAM latency; a compute's reads serialised plus the pipeline.
  static int64_t command_cycle_bound(const HwCommand& c, const PlasticineShape& shape, const DramConfig& dram) {
    const int64_t bpc = std::max<int64_t>(1, dram.bytes_per_cycle);
    const int64_t burst_cost = dram.latency + (shape.burst_bytes + bpc - 1) / bpc + 4;
    const auto& a = c.args;
    switch (c.op) {
      case plasticine::kLoad:
        return int64_t{a[5]} * ((a[6] + shape.burst_bytes - 1) / shape.burst_bytes) * burst_cost + 8;
      case plasticine::kCompute:
        return int64_t{a[4]} * a[5] * a[6] + 2 * (shape.stages + shape.lanes) + 16;
      case plasticine::kStore:
        return int64_t{a[3]} * burst_cost + 8;
      default:
        return 4;
    }
  }

  // retire_o: bit 0 load, 1 route and compute (the compute queue's), 2 store.
  static int retire_unit(const HwCommand& c) {
    switch (c.op) {
      case plasticine::kLoad: return 0;
      case plasticine::kStore: return 2;
      default: return 1;
    }
  }

  std::map<std::string, int64_t> counters(int64_t instructions) {
    const Model& m = this->model();
    return {
        {"dispatch.stall.queue_full", static_cast<int64_t>(m.cnt_dispatch_stall_o)},
        {"load.busy", static_cast<int64_t>(m.cnt_load_busy_o)},
        {"load.stall.compute", static_cast<int64_t>(m.cnt_load_stall_o)},
        {"load.stall.port_conflict", static_cast<int64_t>(m.cnt_mem_conflict_o)},
        {"compute.busy", static_cast<int64_t>(m.cnt_compute_busy_o)},
        {"compute.stall.load", static_cast<int64_t>(m.cnt_compute_stall_load_o)},
        {"compute.stall.store", static_cast<int64_t>(m.cnt_compute_stall_store_o)},
        {"compute.stall.interconnect", static_cast<int64_t>(m.cnt_compute_stall_credit_o)},
        {"pcu.busy", static_cast<int64_t>(m.cnt_pcu_busy_o)},
        {"pcu.units", units_},
        {"pmu.busy", static_cast<int64_t>(m.cnt_pmu_busy_o)},
        {"store.busy", static_cast<int64_t>(m.cnt_store_busy_o)},
        {"store.stall.compute", static_cast<int64_t>(m.cnt_store_stall_o)},
        {"dram.reads", static_cast<int64_t>(m.cnt_mem_reads_o)},
        {"dram.writes", static_cast<int64_t>(m.cnt_mem_writes_o)},
        {"dram.bytes_read", this->dram().bytes_read()},
        {"dram.bytes_written", this->dram().bytes_written()},
        {"instructions", instructions},
    };
  }

 private:
  int64_t units_;
};

using Variant = RtlVariant<PlasticineShape>;

const std::vector<Variant>& built_variants() {
  static const std::vector<Variant> variants = [] {
    std::vector<Variant> v;
#define ACV_PLASTICINE_ADD_VARIANT(r, c, lanes, stages, bank_depth, out_depth, burst, queue, Model)          \
  v.push_back(Variant{PlasticineShape{r, c, lanes, stages, bank_depth, out_depth, burst, queue}, \
                      &run_variant<PlasticineRun<Model>>});
    ACV_PLASTICINE_VARIANTS(ACV_PLASTICINE_ADD_VARIANT)
#undef ACV_PLASTICINE_ADD_VARIANT
    return v;
  }();
  return variants;
}

std::string describe(const PlasticineShape& s) {
  return std::to_string(s.rows) + "x" + std::to_string(s.cols) + ": lanes " + std::to_string(s.lanes) +
         ", stages " + std::to_string(s.stages) + ", bank_depth " + std::to_string(s.bank_depth) + ", out_depth " +
         std::to_string(s.out_depth) + ", burst_bytes " + std::to_string(s.burst_bytes) + ", queue_depth " +
         std::to_string(s.queue_depth);
}

std::string describe_built() {
  std::string list;
  for (const auto& v : built_variants()) list += (list.empty() ? "" : "; ") + describe(v.shape);
  return "built: " + (list.empty() ? std::string("none") : list) + "; other grids need -DACV_PLASTICINE_GRIDS=...";
}

// The built variant matching the config; InputError naming the parameter and the built ones.
const Variant& find_variant(const AccelConfig& config) {
  const plasticine::Params p = plasticine::read_params(config);
  const Variant* match = nullptr;
  for (const auto& v : built_variants())
    if (v.shape.rows == p.rows && v.shape.cols == p.cols) match = &v;
  if (match == nullptr)
    config.fail("rows", "no plasticine RTL model for a " + std::to_string(p.rows) + "x" + std::to_string(p.cols) +
                            " grid (" + describe_built() + ")");
  const PlasticineShape& s = match->shape;
  const std::pair<const char*, bool> checks[] = {
      {"lanes", p.lanes == s.lanes},
      {"stages", p.stages == s.stages},
      {"bank_depth", p.bank_depth == s.bank_depth},
      {"out_depth", p.out_depth == s.out_depth},
      {"burst_bytes", p.burst_bytes == s.burst_bytes},
      {"queue_depth", p.queue_depth == s.queue_depth},
  };
  for (const auto& c : checks)
    if (!c.second) config.fail(c.first, std::string("differs from the plasticine RTL model built for ") + describe(s));
  return *match;
}

class PlasticineDriver : public VariantDriver<PlasticineShape> {
 public:
  PlasticineDriver() : VariantDriver(&find_variant) {}
};

}  // namespace

ACV_REGISTER_RTL_DRIVER(PlasticineDriver, "plasticine")

}  // namespace acv
