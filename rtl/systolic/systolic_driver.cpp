// The systolic array's Verilator driver: picks the Verilated model built for the config's size,
// streams the Program into its command port, and serves its memory port from a DramModel.
#include <algorithm>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "models/common/error.h"
#include "models/systolic/systolic_accelerator.h"
#include "rtl/common/accelerator_run.h"
#include "rtl/common/rtl_driver.h"
#include "systolic_variants.h"  // generated: the Verilated models of ACV_SYSTOLIC_SIZES

namespace acv {
namespace {

// The hardware's geometry, from the config (and what a Verilated variant was built with).
struct SystolicShape {
  int64_t rows = 0, cols = 0;
  int64_t ibuf_depth = 0, wbuf_depth = 0, obuf_depth = 0, queue_depth = 0;
  bool ws = false;
};

enum HwOpcode : uint32_t { kOpDmaLoad = 0, kOpCompute = 1, kOpDmaStore = 2 };

// One instruction in the command port's encoding (systolic_pkg.sv).
using HwCommand = acv::HwCommand<10>;

// Turns the Program's instructions into hardware commands, checking every operand against the
// ISA contract (models/systolic/README.md) and the hardware's geometry: a violation is a mapper
// bug, reported with the instruction's number and text.
class CommandEncoder {
 public:
  CommandEncoder(const IsaSpec& isa, const SystolicShape& shape) : isa_(isa), shape_(shape) {
    bind("dma_load", kOpDmaLoad, {"buf", "half", "dram_addr", "rows", "bytes", "stride"});
    bind("compute", kOpCompute,
         {"a_half", "b_half", "o_half", "k_len", "m_len", "first", "last", "release_a", "release_b", "b_off"});
    bind("dma_store", kOpDmaStore, {"half", "dram_addr", "rows", "elems", "stride"});
  }

  HwCommand encode(const ConcreteInstruction& in, int64_t number) {
    number_ = number;
    instr_ = &in;
    if (in.opcode < 0 || static_cast<size_t>(in.opcode) >= ops_.size() || !ops_[in.opcode].bound) {
      fail("opcode " + std::to_string(in.opcode) + " is not an instruction of the systolic array");
    }
    const Binding& b = ops_[in.opcode];
    HwCommand cmd;
    cmd.op = b.hw_op;
    for (size_t i = 0; i < b.fields.size(); ++i) {
      const int64_t v = in.f[b.fields[i]];
      if (v < 0 || v > 0xffffffffLL) fail(b.names[i] + " = " + std::to_string(v) + " does not fit 32 bits");
      cmd.args[i] = static_cast<uint32_t>(v);
    }
    check(cmd);
    return cmd;
  }

 private:
  struct Binding {
    bool bound = false;
    uint32_t hw_op = 0;
    std::vector<int> fields;  // Program field index of each hardware argument
    std::vector<std::string> names;
  };

  void bind(const std::string& name, uint32_t hw_op, const std::vector<std::string>& fields) {
    const int op = isa_.opcode(name);
    if (op < 0)
      throw BackendError("systolic RTL: the Program's ISA '" + isa_.name + "' has no opcode '" + name + "'");
    if (static_cast<size_t>(op) >= ops_.size()) ops_.resize(op + 1);
    Binding& b = ops_[op];
    b.bound = true;
    b.hw_op = hw_op;
    b.names = fields;
    for (const auto& f : fields) {
      const int idx = isa_.field(op, f);
      if (idx < 0)
        throw BackendError("systolic RTL: opcode '" + name + "' of ISA '" + isa_.name + "' has no field '" +
                           f + "'");
      b.fields.push_back(idx);
    }
  }

  void in_range(const char* field, uint32_t v, int64_t lo, int64_t hi) {
    if (static_cast<int64_t>(v) < lo || static_cast<int64_t>(v) > hi) {
      fail(std::string(field) + " = " + std::to_string(v) + " outside [" + std::to_string(lo) + ", " +
           std::to_string(hi) + "]");
    }
  }

  void check(const HwCommand& c) {
    const auto& a = c.args;
    switch (c.op) {
      case kOpDmaLoad: {
        in_range("buf", a[0], 0, 1);
        in_range("half", a[1], 0, 1);
        const bool wbuf = a[0] == 1;
        in_range("rows", a[3], 0, wbuf ? shape_.wbuf_depth : shape_.ibuf_depth);
        in_range("bytes", a[4], 1, wbuf ? shape_.cols : shape_.rows);
        break;
      }
      case kOpCompute: {
        for (int i : {0, 1, 2, 5, 6, 7, 8}) in_range("half/flag operand", a[i], 0, 1);
        if (shape_.ws) {
          in_range("k_len", a[3], 1, std::min(shape_.rows, shape_.wbuf_depth));
          in_range("m_len", a[4], 1, std::min(shape_.ibuf_depth, shape_.obuf_depth));
        } else {
          in_range("k_len", a[3], 1, std::min(shape_.ibuf_depth, shape_.wbuf_depth));
        }
        // The weights read, entries b_off .. b_off + (WS: min(k_len, R); OS: k_len) - 1, lie in the half.
        in_range("b_off", a[9], 0, shape_.wbuf_depth - a[3]);
        break;
      }
      default: {
        in_range("half", a[0], 0, 1);
        in_range("rows", a[2], 0, shape_.obuf_depth);
        in_range("elems", a[3], 1, shape_.cols);
        break;
      }
    }
  }

  [[noreturn]] void fail(const std::string& what) const {
    std::ostringstream s;
    s << "systolic RTL: instruction " << number_ << " (";
    const int op = instr_->opcode;
    s << (op >= 0 && static_cast<size_t>(op) < isa_.opcodes.size() ? isa_.opcodes[op].name : "?");
    for (int i = 0; i < instr_->num_fields; ++i) s << ' ' << instr_->f[i];
    s << "): " << what;
    throw BackendError(s.str());
  }

  const IsaSpec& isa_;
  SystolicShape shape_;
  std::vector<Binding> ops_;
  int64_t number_ = 0;
  const ConcreteInstruction* instr_ = nullptr;
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
    this->model().cfg_ws_i = shape.ws ? 1 : 0;
    this->reset();
  }

  // Every request of the command paying the full DRAM latency, the array filled and drained.
  static int64_t command_cycle_bound(const HwCommand& c, const SystolicShape& shape, const DramConfig& dram) {
    const int64_t bpc = std::max<int64_t>(1, dram.bytes_per_cycle);
    const auto& a = c.args;
    switch (c.op) {
      case kOpDmaLoad:
        return static_cast<int64_t>(a[3]) * (dram.latency + (a[4] + bpc - 1) / bpc + 2) + 8;
      case kOpCompute:
        return a[3] + a[4] + 2 * (shape.rows + shape.cols) + 8;
      default:
        return static_cast<int64_t>(a[2]) * (dram.latency + (4 * a[3] + bpc - 1) / bpc + 2) + 8;
    }
  }

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
};

using Variant = RtlVariant<SystolicShape>;

const std::vector<Variant>& built_variants() {
  static const std::vector<Variant> variants = [] {
    std::vector<Variant> v;
#define ACV_SYSTOLIC_ADD_VARIANT(n, ibuf_depth, wbuf_depth, obuf_depth, queue_depth, Model)        \
  v.push_back(Variant{SystolicShape{n, n, ibuf_depth, wbuf_depth, obuf_depth, queue_depth, false}, \
                      &run_variant<SystolicRun<Model>>});
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

class SystolicDriver : public RtlDriver {
 public:
  void check_config(const AccelConfig& config) const override { select(config); }

  SimulationOutput run(const Program& program, const AccelConfig& config, std::vector<uint8_t> dram,
                       const RtlRunOptions& options) override {
    const auto [variant, want] = select(config);
    return variant->run(want, program, config, std::move(dram), options);
  }

 private:
  // The built variant for the config's geometry; InputError naming the parameter when none.
  static std::pair<const Variant*, SystolicShape> select(const AccelConfig& config) {
    const systolic::Params p = systolic::read_params(config);
    SystolicShape want;
    want.rows = p.rows;
    want.cols = p.cols;
    want.ws = p.weight_stationary;
    want.ibuf_depth = p.ibuf_depth;
    want.wbuf_depth = p.wbuf_depth;
    want.obuf_depth = p.obuf_depth;
    want.queue_depth = p.queue_depth;

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
    return {size_match, want};
  }
};

}  // namespace

ACV_REGISTER_RTL_DRIVER(SystolicDriver, "systolic")

}  // namespace acv
