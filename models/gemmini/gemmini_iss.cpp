// The gemmini functional model: executes a Program in order and enforces the ISA (README.md).
#include "gemmini_iss.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "models/common/error.h"
#include "models/gemmini/gemmini_accelerator.h"

namespace acv::gemmini {

namespace {

int32_t wrap32(int64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v))); }

// Requantisation of mvout from the accumulator with full = 0 (README.md).
int8_t requantise(int32_t v, bool relu, int64_t shift) {
  int64_t x = relu ? std::max<int64_t>(v, 0) : v;
  if (shift > 0) x = (x + (int64_t{1} << (shift - 1))) >> shift;
  return static_cast<int8_t>(std::min<int64_t>(127, std::max<int64_t>(-128, x)));
}

class Machine {
 public:
  Machine(const Params& p, std::vector<uint8_t>& dram)
      : p_(p),
        dram_(dram),
        sp_(p.sp_rows() * p.dim, 0),
        acc_(p.acc_rows() * p.dim, 0),
        pe_(p.dim * p.dim, 0) {}

  void execute(const ConcreteInstruction& c, int64_t n) {
    n_ = n;
    op_ = c.opcode;
    const int64_t* f = c.f.data();
    const int64_t dim = p_.dim;
    switch (c.opcode) {
      case kConfigEx:
        if (f[kExDataflow] != kOs && f[kExDataflow] != kWs) fail("dataflow must be 0 (OS) or 1 (WS)");
        if (f[kExActivation] != 0 && f[kExActivation] != 1) fail("activation must be 0 (none) or 1 (relu)");
        if (f[kExShift] < 0 || f[kExShift] > 31) fail("shift must be in 0..31");
        dataflow_ = static_cast<int>(f[kExDataflow]);
        relu_ = f[kExActivation] == 1;
        shift_ = f[kExShift];
        weights_valid_ = chain_open_ = false;
        break;
      case kConfigLd:
      case kConfigSt:
        if (f[kCfgStride] < 0) fail("stride must not be negative");
        (c.opcode == kConfigLd ? ld_stride_ : st_stride_) = f[kCfgStride];
        break;
      case kMvin: {
        const bool to_acc = flag(f[kInToAcc], "to_acc");
        check_rows_cols(f[kInRows], f[kInCols], mvin_max_cols(p_, to_acc));
        const int64_t rows = f[kInRows], cols = f[kInCols];
        check_local(f[kInLocalAddr], mvin_local_rows(p_, to_acc, rows, cols), to_acc);
        const int64_t elem = to_acc ? 4 : 1;
        for (int64_t r = 0; r < rows; ++r) {
          const uint64_t addr = dram_range(f[kInDramAddr] + r * ld_stride_, cols * elem);
          // Block b (columns b DIM ..) into row local_addr + b rows + r, zero past cols.
          for (int64_t b = 0; b * dim < cols; ++b) {
            const int64_t row = (f[kInLocalAddr] + b * rows + r) * dim;
            for (int64_t e = 0; e < dim; ++e) {
              const int64_t col = b * dim + e;
              int32_t v = 0;
              if (col < cols) {
                if (to_acc)
                  std::memcpy(&v, &dram_[addr + 4 * col], 4);
                else
                  v = static_cast<int8_t>(dram_[addr + col]);
              }
              (to_acc ? acc_ : sp_)[row + e] = v;
            }
          }
        }
        break;
      }
      case kMvout: {
        const bool from_acc = flag(f[kOutFromAcc], "from_acc");
        const bool full = flag(f[kOutFull], "full");
        if (full && !from_acc) fail("full = 1 needs from_acc = 1");
        check_rows_cols(f[kOutRows], f[kOutCols]);
        check_local(f[kOutLocalAddr], f[kOutRows], from_acc);
        const int64_t elem = full ? 4 : 1;
        for (int64_t r = 0; r < f[kOutRows]; ++r) {
          const uint64_t addr = dram_range(f[kOutDramAddr] + r * st_stride_, f[kOutCols] * elem);
          const int64_t row = (f[kOutLocalAddr] + r) * dim;
          for (int64_t e = 0; e < f[kOutCols]; ++e) {
            if (!from_acc)
              dram_[addr + e] = static_cast<uint8_t>(sp_[row + e]);
            else if (full)
              std::memcpy(&dram_[addr + 4 * e], &acc_[row + e], 4);
            else
              dram_[addr + e] = static_cast<uint8_t>(requantise(acc_[row + e], relu_, shift_));
          }
        }
        break;
      }
      case kPreload:
        if (preload_pending_) fail("preload follows a preload without a compute between them");
        if (f[kPreBRows] < 0 || f[kPreBRows] > dim) fail("b_rows must be in 0..DIM");
        if (f[kPreCRows] < 0 || f[kPreCRows] > dim) fail("c_rows must be in 0..DIM");
        flag(f[kPreCAccumulate], "c_accumulate");
        if (f[kPreBRows] > 0) check_local(f[kPreBAddr], f[kPreBRows], false);
        if (f[kPreCRows] > 0) check_local(f[kPreCAddr], f[kPreCRows], true);
        for (int i = 0; i < 5; ++i) preload_[i] = f[i];
        preload_pending_ = true;
        break;
      case kComputePreloaded:
      case kComputeAccumulated:
        compute(f, c.opcode == kComputePreloaded);
        break;
      case kFlush:
        break;
      default:
        fail("unknown opcode " + std::to_string(c.opcode));
    }
  }

  void finish() const {
    if (preload_pending_) fail("the Program ends with a preload that no compute consumed");
  }

 private:
  void compute(const int64_t* f, bool preloaded) {
    const int64_t dim = p_.dim;
    if (dataflow_ < 0) fail("compute before config_ex set the dataflow");
    if (!preload_pending_) fail("compute without a preload before it");
    preload_pending_ = false;
    const int64_t rows = f[kCpRows];
    if (rows < 1 || rows > dim) fail("rows must be in 1..DIM");
    check_local(f[kCpAAddr], rows, false);
    const int64_t c_addr = preload_[kPreCAddr], c_rows = preload_[kPreCRows];
    const bool c_accumulate = preload_[kPreCAccumulate] == 1;
    auto write_c = [&](int64_t i, int64_t j, int64_t v) {
      int32_t& dst = acc_[(c_addr + i) * dim + j];
      dst = wrap32(c_accumulate ? int64_t{dst} + v : v);
    };
    if (dataflow_ == kWs) {
      if (preloaded) {
        // Weights: mesh row k holds B row k; rows from b_rows on are zero.
        for (int64_t k = 0; k < dim; ++k)
          for (int64_t j = 0; j < dim; ++j)
            pe_[k * dim + j] = k < preload_[kPreBRows] ? sp_[(preload_[kPreBAddr] + k) * dim + j] : 0;
        weights_valid_ = true;
      } else if (!weights_valid_) {
        fail("WS compute_accumulated without weights from an earlier compute_preloaded");
      }
      if (c_rows > rows) fail("c_rows exceeds the rows streamed");
      for (int64_t m = 0; m < c_rows; ++m)
        for (int64_t j = 0; j < dim; ++j) {
          int64_t sum = 0;
          for (int64_t k = 0; k < dim; ++k)
            sum += int64_t{sp_[(f[kCpAAddr] + m) * dim + k]} * pe_[k * dim + j];
          write_c(m, j, wrap32(sum));
        }
    } else {
      if (preload_[kPreBRows] != 0) fail("OS preload must have b_rows = 0 (no bias preload)");
      if (!preloaded && !chain_open_) fail("OS compute_accumulated without an earlier compute to continue");
      check_local(f[kCpBAddr], rows, false);
      if (preloaded) std::fill(pe_.begin(), pe_.end(), 0);
      for (int64_t k = 0; k < rows; ++k)
        for (int64_t i = 0; i < dim; ++i)
          for (int64_t j = 0; j < dim; ++j)
            pe_[i * dim + j] = wrap32(int64_t{pe_[i * dim + j]} + int64_t{sp_[(f[kCpAAddr] + k) * dim + i]} *
                                                                      sp_[(f[kCpBAddr] + k) * dim + j]);
      chain_open_ = true;
      for (int64_t i = 0; i < c_rows; ++i)
        for (int64_t j = 0; j < dim; ++j) write_c(i, j, pe_[i * dim + j]);
    }
  }

  bool flag(int64_t v, const char* name) const {
    if (v != 0 && v != 1) fail(std::string(name) + " must be 0 or 1");
    return v == 1;
  }
  void check_rows_cols(int64_t rows, int64_t cols, int64_t max_cols = 0) const {
    if (rows < 1 || rows > p_.dim) fail("rows must be in 1..DIM (" + std::to_string(rows) + ")");
    if (max_cols == 0) max_cols = p_.dim;
    if (cols < 1 || cols > max_cols)
      fail("cols must be in 1.." + std::to_string(max_cols) + " (" + std::to_string(cols) + ")");
  }
  void check_local(int64_t addr, int64_t rows, bool acc) const {
    const int64_t size = acc ? p_.acc_rows() : p_.sp_rows();
    if (addr < 0 || addr + rows > size)
      fail(std::string(acc ? "accumulator" : "scratchpad") + " rows " + std::to_string(addr) + ".." +
           std::to_string(addr + rows - 1) + " outside 0.." + std::to_string(size - 1));
  }
  uint64_t dram_range(int64_t addr, int64_t bytes) const {
    if (addr < 0 || static_cast<uint64_t>(addr + bytes) > dram_.size())
      fail("external memory access out of range at " + std::to_string(addr));
    return static_cast<uint64_t>(addr);
  }
  [[noreturn]] void fail(const std::string& what) const {
    const auto names = isa();
    const std::string op =
        op_ >= 0 && op_ < static_cast<int>(names->opcodes.size()) ? names->opcodes[op_].name : "?";
    throw BackendError("gemmini instruction " + std::to_string(n_) + " (" + op + "): " + what);
  }

  const Params& p_;
  std::vector<uint8_t>& dram_;
  std::vector<int32_t> sp_, acc_;  // scratchpad values are int8, widened
  std::vector<int32_t> pe_;        // WS: weights; OS: the PE accumulators
  int dataflow_ = -1;
  bool relu_ = false;
  int64_t shift_ = 0, ld_stride_ = 0, st_stride_ = 0;
  int64_t preload_[5] = {};
  bool preload_pending_ = false, weights_valid_ = false, chain_open_ = false;
  int64_t n_ = 0;
  int op_ = -1;
};

}  // namespace

void run_functional(const Program& program, const AccelConfig& config, std::vector<uint8_t>& dram) {
  const Params p = read_params(config);
  Machine machine(p, dram);
  int64_t n = 0;
  program.for_each([&](const ConcreteInstruction& c) { machine.execute(c, n++); });
  machine.finish();
}

}  // namespace acv::gemmini
