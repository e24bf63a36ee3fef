// The systolic array's Verilator driver: picks the Verilated model built for the config's size,
// streams the Program into its command port, and serves its memory port from a DramModel.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/common/error.h"
#include "models/systolic/systolic_accelerator.h"
#include "models/systolic/systolic_operands.h"
#include "rtl/common/accelerator_run.h"
#include "rtl/common/command_check.h"
#include "rtl/common/rtl_driver.h"
#include "systolic_variants.h"  // generated: the Verilated models of ACV_SYSTOLIC_SIZES

namespace acv {
namespace {

// The hardware's geometry: the config's (systolic::read_params) or what a Verilated variant was
// built with; dma_burst is a run-time input, not a build parameter.
using SystolicShape = systolic::Params;

// op: systolic_pkg::opcode_e == systolic::Opcode; 11 arguments: systolic_pkg::NumArgs.
using HwCommand = acv::HwCommand<11>;

// Turns the Program's instructions into hardware commands, checking every operand against the
// ISA contract (models/systolic/README.md; systolic::operand_error, shared with the TLM model and
// the functional model) on the config's geometry: a violation is a mapper bug, reported with the
// instruction's number and text.
class CommandEncoder {
 public:
  CommandEncoder(const IsaSpec& isa, const SystolicShape& shape)
      : geometry_(shape), check_("systolic RTL", isa, *systolic::isa()) {}

  HwCommand encode(const ConcreteInstruction& in, int64_t number) {
    HwCommand cmd = check_.begin(in, number);
    const std::string error = systolic::operand_error(geometry_, in);
    if (!error.empty()) check_.fail(error);
    return cmd;
  }

 private:
  systolic::Params geometry_;
  CommandCheck<HwCommand::kNumArgs> check_;
};

// One run of one Verilated variant: the systolic array's configuration input and counters.
template <class Model>
class SystolicRun : public AcceleratorRun<SystolicRun<Model>, Model> {
  using Base = AcceleratorRun<SystolicRun<Model>, Model>;

 public:
  using Shape = SystolicShape;
  using Encoder = CommandEncoder;

  SystolicRun(const SystolicShape& shape, const DramConfig& dram_config, std::vector<uint8_t> dram,
              const std::string& trace_file)
      : Base("systolic " + std::to_string(shape.rows) + "x" + std::to_string(shape.cols) + " RTL",
             dram_config, std::move(dram), trace_file) {
    this->model().cfg_ws_i = shape.weight_stationary ? 1 : 0;
    int log2 = 0;
    while ((int64_t{1} << log2) < shape.dma_burst) ++log2;
    this->model().cfg_burst_log2_i = static_cast<uint8_t>(log2);
    burst_ = static_cast<uint32_t>(shape.dma_burst);
    // The data ports hold kMaxDmaBurst beats, each as wide as the wider of an IBUF and an OBUF entry.
    const int64_t beat = std::max(shape.rows, 4 * shape.cols);
    if (static_cast<int64_t>(sizeof(this->model().mem_rsp_rdata_i)) != systolic::kMaxDmaBurst * beat)
      throw BackendError("systolic RTL: memory data port of " + std::to_string(sizeof(this->model().mem_rsp_rdata_i)) +
                         " bytes, expected " + std::to_string(systolic::kMaxDmaBurst) + " beats of " +
                         std::to_string(beat) + " (systolic_pkg MaxBurst and kMaxDmaBurst differ?)");
    pitch_ = static_cast<size_t>(beat);
    this->reset();
  }

  // A request is a burst: beats of `bytes` each, stride apart, placed at the port's beat pitch.
  void extend_request(DramRequest& r) {
    const Model& m = this->model();
    r.beats = m.mem_req_beats_o;
    r.stride = m.mem_req_stride_o;
    r.burst = burst_;
    if (r.write) {
      staging_.resize(static_cast<size_t>(r.beats) * r.bytes);
      for (uint32_t i = 0; i < r.beats; ++i) std::memcpy(staging_.data() + i * r.bytes, r.data + i * pitch_, r.bytes);
      r.data = staging_.data();
    }
  }
  void present_response(const DramResponse& r) {
    if (r.write) return;
    auto& port = this->model().mem_rsp_rdata_i;
    uint8_t* out = reinterpret_cast<uint8_t*>(port.data());
    std::memset(out, 0, sizeof(port));
    for (uint32_t i = 0; i < r.beats; ++i) std::memcpy(out + i * pitch_, r.data + i * r.bytes, r.bytes);
  }

  // Every request of the command paying the full DRAM latency, the array filled and drained.
  static int64_t command_cycle_bound(const HwCommand& c, const SystolicShape& shape, const DramConfig& dram) {
    const int64_t bpc = std::max<int64_t>(1, dram.bytes_per_cycle);
    const auto& a = c.args;
    switch (c.op) {
      case systolic::kDmaLoad:
        return static_cast<int64_t>(a[systolic::kLdRows]) * a[systolic::kLdReps] *
                   (dram.latency + (a[systolic::kLdBytes] + bpc - 1) / bpc + 2) + 8;
      case systolic::kCompute:
        return a[3] + a[4] + 2 * (shape.rows + shape.cols) + 8;
      default:
        return static_cast<int64_t>(a[2]) * (dram.latency + (4 * a[3] + bpc - 1) / bpc + 2) + 8;
    }
  }

  // retire_o: bit 0 load, 1 compute, 2 store, the opcodes' order.
  static int retire_unit(const HwCommand& c) { return static_cast<int>(c.op); }

  std::map<std::string, int64_t> counters(int64_t instructions) {
    const Model& m = this->model();
    return {
        {"dispatch.stall.queue_full", m.cnt_dispatch_stall_o},
        {"load.busy", m.cnt_load_busy_o},
        {"load.stall.compute", m.cnt_load_stall_o},
        {"compute.busy", m.cnt_compute_busy_o},
        {"compute.stall.load", m.cnt_compute_stall_load_o},
        {"compute.stall.store", m.cnt_compute_stall_store_o},
        {"store.busy", m.cnt_store_busy_o},
        {"store.stall.compute", m.cnt_store_stall_o},
        {"dram.reads", m.cnt_mem_reads_o},
        {"dram.writes", m.cnt_mem_writes_o},
        {"dram.bytes_read", this->dram().bytes_read()},
        {"dram.bytes_written", this->dram().bytes_written()},
        {"load.stall.port_conflict", m.cnt_mem_conflict_o},
        {"instructions", instructions},
    };
  }

 private:
  uint32_t burst_ = 1;
  size_t pitch_ = 0;
  std::vector<uint8_t> staging_;  // a write burst's beats, packed
};

// The config's geometry: the encoder holds the Program to the config's depths and dataflow, not
// to the (possibly deeper) built variant's.
SystolicShape config_shape(const AccelConfig& config) { return systolic::read_params(config); }

// Runs the Program on variant Model with the config's geometry.
template <class Model>
SimulationOutput run_config(const SystolicShape& /*built*/, const Program& program, const AccelConfig& config,
                            std::vector<uint8_t> dram, const RtlRunOptions& options) {
  return run_variant<SystolicRun<Model>>(config_shape(config), program, config, std::move(dram), options);
}

using Variant = RtlVariant<SystolicShape>;

SystolicShape built_shape(int64_t n, int64_t ibuf_depth, int64_t wbuf_depth, int64_t obuf_depth, int64_t queue_depth) {
  SystolicShape s;
  s.rows = s.cols = n;
  s.ibuf_depth = ibuf_depth;
  s.wbuf_depth = wbuf_depth;
  s.obuf_depth = obuf_depth;
  s.queue_depth = queue_depth;
  return s;
}

const std::vector<Variant>& built_variants() {
  static const std::vector<Variant> variants = [] {
    std::vector<Variant> v;
#define ACV_SYSTOLIC_ADD_VARIANT(n, ibuf_depth, wbuf_depth, obuf_depth, queue_depth, Model)        \
  v.push_back(Variant{built_shape(n, ibuf_depth, wbuf_depth, obuf_depth, queue_depth), &run_config<Model>});
    ACV_SYSTOLIC_VARIANTS(ACV_SYSTOLIC_ADD_VARIANT)
#undef ACV_SYSTOLIC_ADD_VARIANT
    return v;
  }();
  return variants;
}

std::string describe_built() {
  std::string sizes;
  for (const auto& v : built_variants()) {
    sizes += (sizes.empty() ? "" : ", ") + std::to_string(v.shape.rows) + "x" + std::to_string(v.shape.cols);
  }
  std::string depths;
  if (!built_variants().empty()) {
    const SystolicShape& s = built_variants().front().shape;  // every size is built with the same depths
    depths = " with ibuf_depth " + std::to_string(s.ibuf_depth) + ", wbuf_depth " +
             std::to_string(s.wbuf_depth) + ", obuf_depth " + std::to_string(s.obuf_depth) +
             ", queue_depth " + std::to_string(s.queue_depth);
  }
  return "built: " + (sizes.empty() ? std::string("none") : sizes) + depths +
         "; other sizes need -DACV_SYSTOLIC_SIZES=...";
}

// The built variant for the config's geometry; InputError naming the parameter when none.
const Variant& find_variant(const AccelConfig& config) {
  const SystolicShape want = config_shape(config);
  const Variant* size_match = nullptr;
  for (const auto& v : built_variants()) {
    if (v.shape.rows == want.rows && v.shape.cols == want.cols) size_match = &v;
  }
  if (size_match == nullptr) {
    config.fail("rows", "no systolic RTL model for rows " + std::to_string(want.rows) + ", cols " +
                            std::to_string(want.cols) + " (" + describe_built() + ")");
  }
  // Buffer depth is capacity only (the encoder holds the Program to the config's depths), so a
  // model with deeper buffers runs the config cycle for cycle; the queue depth sets timing.
  const std::pair<const char*, int64_t SystolicShape::*> depths[] = {
      {"ibuf_depth", &SystolicShape::ibuf_depth},
      {"wbuf_depth", &SystolicShape::wbuf_depth},
      {"obuf_depth", &SystolicShape::obuf_depth},
  };
  for (const auto& d : depths) {
    if (want.*(d.second) > size_match->shape.*(d.second)) {
      config.fail(d.first, std::string("no systolic RTL model with ") + d.first + " " +
                               std::to_string(want.*(d.second)) + " (" + describe_built() + ")");
    }
  }
  if (want.queue_depth != size_match->shape.queue_depth) {
    config.fail("queue_depth", "no systolic RTL model with queue_depth " + std::to_string(want.queue_depth) +
                                   " (" + describe_built() + ")");
  }
  return *size_match;
}

class SystolicDriver : public VariantDriver<SystolicShape> {
 public:
  SystolicDriver() : VariantDriver(&find_variant) {}
};

}  // namespace

ACV_REGISTER_RTL_DRIVER(SystolicDriver, "systolic")

}  // namespace acv
