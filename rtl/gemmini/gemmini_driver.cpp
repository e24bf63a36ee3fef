// The Gemmini-like accelerator's Verilator driver: picks the Verilated model built for the
// config's DIM and memories, streams the Program into its command port, and serves its memory
// port from the shared DramModel.
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gemmini_variants.h"  // generated: the Verilated models of ACV_GEMMINI_DIMS
#include "models/common/error.h"
#include "models/gemmini/gemmini_accelerator.h"
#include "rtl/common/accelerator_run.h"
#include "rtl/common/command_check.h"
#include "rtl/common/rtl_driver.h"

namespace acv {
namespace {

// What a Verilated variant was built with (rtl/gemmini/CMakeLists.txt).
struct GemminiShape {
  int64_t dim = 0, sp_rows = 0, sp_banks = 0, acc_rows = 0, acc_banks = 0;
  int64_t ld_queue = 0, ex_queue = 0, st_queue = 0;
};

// op: gemmini_pkg::opcode_e == gemmini::Opcode; 6 arguments: gemmini_pkg::NumArgs.
using HwCommand = acv::HwCommand<6>;
constexpr int kNumArgs = HwCommand::kNumArgs;

// Turns the Program's instructions into hardware commands, checking every operand the hardware
// would silently truncate (the functional model checks the full ISA rules): a violation is a
// mapper bug, reported with the instruction's number and text.
class CommandEncoder {
 public:
  CommandEncoder(const IsaSpec& isa, const GemminiShape& shape)
      : shape_(shape), check_("gemmini RTL", isa, *gemmini::isa()) {}

  HwCommand encode(const ConcreteInstruction& in, int64_t number) {
    using namespace gemmini;
    HwCommand cmd = check_.begin(in, number);
    const auto& a = cmd.args;
    const int64_t dim = shape_.dim;
    switch (in.opcode) {
      case kConfigEx:
        range("dataflow", a[0], 0, 1);
        range("activation", a[1], 0, 1);
        range("shift", a[2], 0, 31);
        break;
      case kMvin:
        range("to_acc", a[2], 0, 1);
        range("rows", a[3], 1, dim);
        // Multi-block to the scratchpad: up to 4 DIM int8 (the memory data width), block b at
        // local_addr + b rows.
        range("cols", a[4], 1, a[2] == 1 ? dim : 4 * dim);
        local("local_addr", a[1], a[2] == 1 ? a[3] : a[3] * ((a[4] + dim - 1) / dim), a[2] == 1);
        break;
      case kMvout:
        range("from_acc", a[2], 0, 1);
        range("full", a[3], 0, a[2]);
        range("rows", a[4], 1, dim);
        range("cols", a[5], 1, dim);
        local("local_addr", a[1], a[4], a[2] == 1);
        break;
      case kPreload:
        range("b_rows", a[1], 0, dim);
        range("c_rows", a[3], 0, dim);
        range("c_accumulate", a[4], 0, 1);
        local("b_addr", a[0], a[1], false);
        local("c_addr", a[2], a[3], true);
        break;
      case kComputePreloaded:
      case kComputeAccumulated:
        range("rows", a[2], 1, dim);
        local("a_addr", a[0], a[2], false);
        local("b_addr", a[1], a[2], false);
        break;
      default:
        break;
    }
    return cmd;
  }

 private:
  void range(const char* field, uint32_t v, int64_t lo, int64_t hi) const { check_.range(field, v, lo, hi); }
  void local(const char* field, uint32_t addr, uint32_t rows, bool acc) const {
    const int64_t size = acc ? shape_.acc_rows : shape_.sp_rows;
    if (rows > 0 && int64_t{addr} + rows > size)
      fail(std::string(field) + " rows " + std::to_string(addr) + ".." +
           std::to_string(int64_t{addr} + rows - 1) + " outside the " + (acc ? "accumulator" : "scratchpad") +
           " (" + std::to_string(size) + " rows)");
  }
  [[noreturn]] void fail(const std::string& what) const { check_.fail(what); }

  GemminiShape shape_;
  CommandCheck<kNumArgs> check_;
};

// One run of one Verilated variant: the Gemmini-like accelerator's counters.
template <class Model>
class GemminiRun : public AcceleratorRun<GemminiRun<Model>, Model> {
  using Base = AcceleratorRun<GemminiRun<Model>, Model>;

 public:
  using Shape = GemminiShape;
  using Encoder = CommandEncoder;

  GemminiRun(const GemminiShape& shape, const DramConfig& dram_config, std::vector<uint8_t> dram,
             const std::string& trace_file)
      : Base("gemmini " + std::to_string(shape.dim) + "x" + std::to_string(shape.dim) + " RTL", dram_config,
             std::move(dram), trace_file) {
    this->reset();
  }

  // Every row of a move paying the full DRAM latency; a compute streaming through the mesh.
  static int64_t command_cycle_bound(const HwCommand& c, const GemminiShape& shape, const DramConfig& dram) {
    const int64_t bpc = std::max<int64_t>(1, dram.bytes_per_cycle);
    const int64_t row_cost = dram.latency + (4 * shape.dim + bpc - 1) / bpc + 4;
    if (c.op == gemmini::kMvin) return c.args[3] * row_cost + 8;
    if (c.op == gemmini::kMvout) return c.args[4] * row_cost + 8;
    if (c.op == gemmini::kComputePreloaded || c.op == gemmini::kComputeAccumulated) return 8 * shape.dim + 16;
    return 2;
  }

  // retire_o: bit 0 mvin, 1 mvout, 2 computes; configs, preload and flush are done once accepted.
  static int retire_unit(const HwCommand& c) {
    switch (c.op) {
      case gemmini::kMvin: return 0;
      case gemmini::kMvout: return 1;
      case gemmini::kComputePreloaded:
      case gemmini::kComputeAccumulated: return 2;
      default: return -1;
    }
  }

  std::map<std::string, int64_t> counters(int64_t instructions) {
    const Model& m = this->model();
    return {
        {"cmd.stall.queue_full", static_cast<int64_t>(m.cnt_cmd_stall_o)},
        {"load.busy", static_cast<int64_t>(m.cnt_load_active_o)},
        {"load.stall.dma", static_cast<int64_t>(m.cnt_load_dma_wait_o)},
        {"load.stall.dependency", static_cast<int64_t>(m.cnt_load_dep_wait_o)},
        {"store.busy", static_cast<int64_t>(m.cnt_store_active_o)},
        {"store.stall.dma", static_cast<int64_t>(m.cnt_store_dma_wait_o)},
        {"store.stall.dependency", static_cast<int64_t>(m.cnt_store_dep_wait_o)},
        {"exe.busy", static_cast<int64_t>(m.cnt_exe_active_o)},
        {"exe.stall.dependency", static_cast<int64_t>(m.cnt_exe_dep_wait_o)},
        {"exe.stall.preload_hazard", static_cast<int64_t>(m.cnt_exe_preload_haz_o)},
        {"exe.stall.overlap_hazard", static_cast<int64_t>(m.cnt_exe_overlap_haz_o)},
        {"mesh.rows", static_cast<int64_t>(m.cnt_mesh_rows_o)},
        {"spad.stall.bank_conflict", static_cast<int64_t>(m.cnt_spad_bank_conflict_o)},
        {"acc.stall.bank_conflict", static_cast<int64_t>(m.cnt_acc_bank_conflict_o)},
        {"dram.reads", static_cast<int64_t>(m.cnt_mem_reads_o)},
        {"dram.writes", static_cast<int64_t>(m.cnt_mem_writes_o)},
        {"dram.bytes_read", this->dram().bytes_read()},
        {"dram.bytes_written", this->dram().bytes_written()},
        {"instructions", instructions},
    };
  }
};

using Variant = RtlVariant<GemminiShape>;

// The DRAM model serves the memory port as the DMA sees it: its in-flight limit and bus width in
// series with the DRAM's own (gemmini::memory_port).
template <class Run>
SimulationOutput run_gemmini(const GemminiShape& shape, const Program& program, const AccelConfig& config,
                             std::vector<uint8_t> dram, const RtlRunOptions& options) {
  AccelConfig port = config;
  port.dram = gemmini::memory_port(gemmini::read_params(config), config.dram);
  return run_variant<Run>(shape, program, port, std::move(dram), options);
}

const std::vector<Variant>& built_variants() {
  static const std::vector<Variant> variants = [] {
    std::vector<Variant> v;
#define ACV_GEMMINI_ADD_VARIANT(dim, sp_rows, sp_banks, acc_rows, acc_banks, ld_q, ex_q, st_q, Model) \
  v.push_back(Variant{GemminiShape{dim, sp_rows, sp_banks, acc_rows, acc_banks, ld_q, ex_q, st_q},    \
                      &run_gemmini<GemminiRun<Model>>});
    ACV_GEMMINI_VARIANTS(ACV_GEMMINI_ADD_VARIANT)
#undef ACV_GEMMINI_ADD_VARIANT
    return v;
  }();
  return variants;
}

std::string describe(const GemminiShape& s) {
  return "dim " + std::to_string(s.dim) + ": sp_capacity_kib " + std::to_string(s.sp_rows * s.dim / 1024) +
         ", sp_banks " + std::to_string(s.sp_banks) + ", acc_capacity_kib " +
         std::to_string(s.acc_rows * 4 * s.dim / 1024) + ", acc_banks " + std::to_string(s.acc_banks) +
         ", queue depths ld " + std::to_string(s.ld_queue) + " ex " + std::to_string(s.ex_queue) + " st " +
         std::to_string(s.st_queue);
}

std::string describe_built() {
  std::string list;
  for (const auto& v : built_variants()) list += (list.empty() ? "" : "; ") + describe(v.shape);
  return "built: " + (list.empty() ? std::string("none") : list) + "; other DIMs need -DACV_GEMMINI_DIMS=...";
}

// The built variant matching the config; InputError naming the parameter and the built ones.
const Variant& find_variant(const AccelConfig& config) {
  const gemmini::Params p = gemmini::read_params(config);
  const Variant* match = nullptr;
  for (const auto& v : built_variants())
    if (v.shape.dim == p.dim) match = &v;
  if (match == nullptr)
    config.fail("dim",
                "no gemmini RTL model for dim " + std::to_string(p.dim) + " (" + describe_built() + ")");
  const GemminiShape& s = match->shape;
  const std::pair<const char*, bool> checks[] = {
      {"sp_capacity_kib", p.sp_rows() == s.sp_rows},      {"sp_banks", p.sp_banks == s.sp_banks},
      {"acc_capacity_kib", p.acc_rows() == s.acc_rows},   {"acc_banks", p.acc_banks == s.acc_banks},
      {"ld_queue_depth", p.ld_queue_depth == s.ld_queue}, {"ex_queue_depth", p.ex_queue_depth == s.ex_queue},
      {"st_queue_depth", p.st_queue_depth == s.st_queue},
  };
  for (const auto& c : checks)
    if (!c.second)
      config.fail(c.first, std::string("differs from the gemmini RTL model built for ") + describe(s));
  return *match;
}

class GemminiDriver : public VariantDriver<GemminiShape> {
 public:
  GemminiDriver() : VariantDriver(&find_variant) {}
};

}  // namespace

ACV_REGISTER_RTL_DRIVER(GemminiDriver, "gemmini")

}  // namespace acv
