// The systolic array's Verilator driver: picks the Verilated model built for the config's size,
// streams the Program into its command port, and serves its memory port from a DramModel.
#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "models/common/error.h"
#include "rtl/common/dram_model.h"
#include "rtl/common/rtl_driver.h"
#include "rtl/common/verilated_driver.h"
#include "systolic_variants.h"  // generated: the Verilated models of ACV_SYSTOLIC_SIZES

namespace acv {
namespace {

// The hardware's geometry, from the config (and what a Verilated variant was built with).
struct SystolicShape {
  int64_t rows = 0, cols = 0;
  int64_t ibuf_depth = 0, wbuf_depth = 0, obuf_depth = 0, queue_depth = 0;
  bool ws = false;
};

constexpr int kNumArgs = 9;
enum HwOpcode : uint32_t { kOpDmaLoad = 0, kOpCompute = 1, kOpDmaStore = 2 };
enum MemTag : uint32_t { kTagLoad = 0, kTagStore = 1 };

// One instruction in the command port's encoding (systolic_pkg.sv).
struct HwCommand {
  uint32_t op = 0;
  std::array<uint32_t, kNumArgs> args{};
};

// Turns the Program's instructions into hardware commands, checking every operand against the
// ISA contract (models/systolic/README.md) and the hardware's geometry: a violation is a mapper
// bug, reported with the instruction's number and text.
class CommandEncoder {
 public:
  CommandEncoder(const IsaSpec& isa, const SystolicShape& shape) : isa_(isa), shape_(shape) {
    bind("dma_load", kOpDmaLoad, {"buf", "half", "dram_addr", "rows", "bytes", "stride"});
    bind("compute", kOpCompute,
         {"a_half", "b_half", "o_half", "k_len", "m_len", "first", "last", "release_a", "release_b"});
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
    if (op < 0) throw BackendError("systolic RTL: the Program's ISA '" + isa_.name + "' has no opcode '" + name + "'");
    if (static_cast<size_t>(op) >= ops_.size()) ops_.resize(op + 1);
    Binding& b = ops_[op];
    b.bound = true;
    b.hw_op = hw_op;
    b.names = fields;
    for (const auto& f : fields) {
      const int idx = isa_.field(op, f);
      if (idx < 0) throw BackendError("systolic RTL: opcode '" + name + "' of ISA '" + isa_.name + "' has no field '" + f + "'");
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

// A generous cycle bound for a Program: every instruction serialised, every DRAM request paying
// the full latency, twice over. Only a deadlocked Program reaches it.
int64_t default_cycle_limit(const Program& program, CommandEncoder& encoder, const SystolicShape& shape,
                            const DramConfig& dram) {
  int64_t bound = 0, number = 0;
  const int64_t bpc = std::max<int64_t>(1, dram.bytes_per_cycle);
  program.for_each([&](const ConcreteInstruction& in) {
    const HwCommand c = encoder.encode(in, number++);
    const auto& a = c.args;
    switch (c.op) {
      case kOpDmaLoad:
        bound += static_cast<int64_t>(a[3]) * (dram.latency + (a[4] + bpc - 1) / bpc + 2) + 8;
        break;
      case kOpCompute:
        bound += a[3] + a[4] + 2 * (shape.rows + shape.cols) + 8;
        break;
      default:
        bound += static_cast<int64_t>(a[2]) * (dram.latency + (4 * a[3] + bpc - 1) / bpc + 2) + 8;
        break;
    }
  });
  return 2 * bound + 10000;
}

// One run of one Verilated variant.
template <class Model>
class SystolicRun : public VerilatedDriver<SystolicRun<Model>, Model> {
  using Base = VerilatedDriver<SystolicRun<Model>, Model>;
  friend Base;

 public:
  SystolicRun(const SystolicShape& shape, const DramConfig& dram_config, std::vector<uint8_t> dram,
              const std::string& trace_file)
      : Base("systolic " + std::to_string(shape.rows) + "x" + std::to_string(shape.cols) + " RTL", trace_file),
        dram_(dram_config, std::move(dram)) {
    Model& m = this->model();
    m.cfg_ws_i = shape.ws ? 1 : 0;
    m.cmd_valid_i = 0;
    m.mem_req_ready_i = 0;
    m.mem_rsp_valid_i = 0;
    this->reset();
  }

  SimulationOutput run(const Program& program, CommandEncoder& encoder, int64_t cycle_limit) {
    this->set_cycle_limit(cycle_limit);
    int64_t number = 0;
    program.for_each([&](const ConcreteInstruction& in) {
      const HwCommand cmd = encoder.encode(in, number++);
      Model& m = this->model();
      m.cmd_op_i = cmd.op;
      for (int i = 0; i < kNumArgs; ++i) m.cmd_args_i[i] = cmd.args[i];
      pending_ = true;
      this->run_until([this] { return !pending_; });
    });
    this->run_until([this] { return this->model().idle_o && dram_.idle(); });

    SimulationOutput out;
    out.cycles = first_accept_ < 0 ? 0 : this->cycle() - first_accept_;
    const Model& m = this->model();
    out.counters = {
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
        {"dram.bytes_read", dram_.bytes_read()},
        {"dram.bytes_written", dram_.bytes_written()},
        {"load.stall.port_conflict", m.cnt_mem_conflict_o},
        {"instructions", number},
    };
    out.dram = dram_.take_memory();
    return out;
  }

 private:
  // VerilatedDriver hooks, once per cycle.
  void drive_inputs() {
    Model& m = this->model();
    m.cmd_valid_i = pending_ ? 1 : 0;
    m.mem_req_ready_i = dram_.can_accept() ? 1 : 0;
    response_ = dram_.response();
    m.mem_rsp_valid_i = response_ != nullptr ? 1 : 0;
    if (response_ != nullptr) {
      m.mem_rsp_tag_i = static_cast<uint32_t>(response_->tag);
      if (!response_->write) Base::write_bytes(m.mem_rsp_rdata_i, response_->data, response_->bytes);
    }
  }

  void sample_outputs() {
    Model& m = this->model();
    if (pending_ && m.cmd_ready_o) {
      pending_ = false;
      if (first_accept_ < 0) first_accept_ = this->cycle();
    }
    if (m.mem_req_valid_o && m.mem_req_ready_i) {
      DramRequest req;
      req.write = m.mem_req_write_o != 0;
      req.address = m.mem_req_addr_o;
      req.bytes = m.mem_req_bytes_o;
      req.tag = m.mem_req_tag_o;
      req.data = req.write ? Base::bytes_of(m.mem_req_wdata_o) : nullptr;
      dram_.request(req);
    }
    if (response_ != nullptr) dram_.pop_response();
  }

  void after_edge() { dram_.step(); }

  DramModel dram_;
  const DramResponse* response_ = nullptr;
  bool pending_ = false;
  int64_t first_accept_ = -1;
};

// A Verilated variant: its geometry and how to run it.
struct Variant {
  SystolicShape shape;
  std::function<SimulationOutput(const SystolicShape&, const Program&, const AccelConfig&, std::vector<uint8_t>,
                                 const RtlRunOptions&)>
      run;
};

template <class Model>
SimulationOutput run_variant(const SystolicShape& shape, const Program& program, const AccelConfig& config,
                             std::vector<uint8_t> dram, const RtlRunOptions& options) {
  if (!program.isa) throw BackendError("systolic RTL: Program '" + program.layer_name + "' has no ISA");
  CommandEncoder encoder(*program.isa, shape);
  const int64_t limit =
      options.max_cycles > 0 ? options.max_cycles : default_cycle_limit(program, encoder, shape, config.dram);
  SystolicRun<Model> sim(shape, config.dram, std::move(dram), options.trace_file);
  return sim.run(program, encoder, limit);
}

const std::vector<Variant>& built_variants() {
  static const std::vector<Variant> variants = [] {
    std::vector<Variant> v;
#define ACV_SYSTOLIC_ADD_VARIANT(n, Model)                                                             \
  v.push_back(Variant{SystolicShape{n, n, ACV_SYSTOLIC_IBUF_DEPTH, ACV_SYSTOLIC_WBUF_DEPTH, ACV_SYSTOLIC_OBUF_DEPTH, \
                                    ACV_SYSTOLIC_QUEUE_DEPTH, false},                                  \
                      &run_variant<Model>});
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
  return "built: " + (sizes.empty() ? std::string("none") : sizes) + " with ibuf_depth " +
         std::to_string(ACV_SYSTOLIC_IBUF_DEPTH) + ", wbuf_depth " + std::to_string(ACV_SYSTOLIC_WBUF_DEPTH) +
         ", obuf_depth " + std::to_string(ACV_SYSTOLIC_OBUF_DEPTH) + ", queue_depth " +
         std::to_string(ACV_SYSTOLIC_QUEUE_DEPTH) + "; other sizes need -DACV_SYSTOLIC_SIZES=...";
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
    SystolicShape want;
    want.rows = config.get_positive_int("rows");
    want.cols = config.get_positive_int("cols");
    want.ws = config.get_choice("dataflow", {"os", "ws"}) == "ws";
    want.ibuf_depth = config.get_positive_int("ibuf_depth");
    want.wbuf_depth = config.get_positive_int("wbuf_depth");
    want.obuf_depth = config.get_positive_int("obuf_depth");
    want.queue_depth = config.get_positive_int("queue_depth");

    const Variant* size_match = nullptr;
    for (const auto& v : built_variants()) {
      if (v.shape.rows == want.rows && v.shape.cols == want.cols) size_match = &v;
    }
    if (size_match == nullptr) {
      config.fail("rows", "no systolic RTL model for rows " + std::to_string(want.rows) + ", cols " +
                              std::to_string(want.cols) + " (" + describe_built() + ")");
    }
    const std::pair<const char*, int64_t SystolicShape::*> depths[] = {
        {"ibuf_depth", &SystolicShape::ibuf_depth},
        {"wbuf_depth", &SystolicShape::wbuf_depth},
        {"obuf_depth", &SystolicShape::obuf_depth},
        {"queue_depth", &SystolicShape::queue_depth},
    };
    for (const auto& d : depths) {
      if (want.*(d.second) != size_match->shape.*(d.second)) {
        config.fail(d.first, std::string("no systolic RTL model with ") + d.first + " " +
                                 std::to_string(want.*(d.second)) + " (" + describe_built() + ")");
      }
    }
    return {size_match, want};
  }
};

}  // namespace

ACV_REGISTER_RTL_DRIVER(SystolicDriver, "systolic")

}  // namespace acv
