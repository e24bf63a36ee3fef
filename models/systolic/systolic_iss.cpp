#include "systolic_iss.h"

#include <cstring>
#include <string>

#include "models/common/error.h"
#include "models/systolic/systolic_accelerator.h"
#include "models/systolic/systolic_operands.h"

namespace acv::systolic {

namespace {

struct Half {
  bool full = false;
  std::vector<int32_t> data;  // entries x width, int8 values widened (int32 for the OBUF)
};

[[noreturn]] void fail(int64_t n, const std::string& what) {
  throw BackendError("instruction " + std::to_string(n) + ": " + what);
}

}  // namespace

void run_functional(const Program& program, const AccelConfig& config, std::vector<uint8_t>& dram) {
  const Params p = read_params(config);
  Half ibuf[2], wbuf[2], obuf[2];
  for (int h = 0; h < 2; ++h) {
    ibuf[h].data.assign(p.ibuf_depth * p.rows, 0);
    wbuf[h].data.assign(p.wbuf_depth * p.cols, 0);
    obuf[h].data.assign(p.obuf_depth * p.cols, 0);
  }
  std::vector<int64_t> acc(p.rows * p.cols, 0);  // OS: the PE accumulators
  int64_t n = 0;
  auto check_range = [&](uint64_t addr, uint64_t bytes) {
    if (addr + bytes > dram.size()) fail(n, "external memory access out of range at " + std::to_string(addr));
  };

  program.for_each([&](const ConcreteInstruction& c) {
    const int64_t* f = c.f.data();
    const std::string error = operand_error(p, c);
    if (!error.empty()) {
      const auto& ops = isa()->opcodes;
      fail(n, (c.opcode >= 0 && c.opcode < static_cast<int>(ops.size()) ? ops[c.opcode].name + ": " : "") + error);
    }
    if (c.opcode == kDmaLoad) {
      const bool is_w = f[kLdBuf] == kWbuf;
      Half& h = (is_w ? wbuf : ibuf)[f[kLdHalf] & 1];
      const int64_t width = is_w ? p.cols : p.rows;
      if (h.full) fail(n, "dma_load into a full half");
      const int64_t rows = f[kLdRows], reps = f[kLdReps];
      // Entry r * rows + i from dram_addr + r * rep_stride + i * stride.
      for (int64_t r = 0; r < reps; ++r)
        for (int64_t i = 0; i < rows; ++i) {
          const uint64_t addr = static_cast<uint64_t>(f[kLdDramAddr] + r * f[kLdRepStride] + i * f[kLdStride]);
          check_range(addr, static_cast<uint64_t>(f[kLdBytes]));
          for (int64_t b = 0; b < width; ++b)
            h.data[(r * rows + i) * width + b] = b < f[kLdBytes] ? static_cast<int8_t>(dram[addr + b]) : 0;
        }
      h.full = true;
    } else if (c.opcode == kCompute) {
      Half& a = ibuf[f[kCpAHalf] & 1];
      Half& w = wbuf[f[kCpBHalf] & 1];
      Half& o = obuf[f[kCpOHalf] & 1];
      if (!a.full || !w.full) fail(n, "compute reads a buffer half that is not full");
      const int64_t k_len = f[kCpKLen], b_off = f[kCpBOff], a_off = f[kCpAOff];
      if (!p.weight_stationary) {
        if (f[kCpFirst]) std::fill(acc.begin(), acc.end(), 0);
        for (int64_t k = 0; k < k_len; ++k)
          for (int64_t i = 0; i < p.rows; ++i)
            for (int64_t j = 0; j < p.cols; ++j)
              acc[i * p.cols + j] += a.data[k * p.rows + i] * w.data[(b_off + k) * p.cols + j];
        if (f[kCpLast]) {
          if (o.full) fail(n, "compute drains into a full output half");
          for (int64_t i = 0; i < p.rows * p.cols; ++i) o.data[i] = static_cast<int32_t>(acc[i]);
          o.full = true;
        }
      } else {
        const int64_t m_len = f[kCpMLen];
        if (o.full) fail(n, "compute writes a full output half");
        for (int64_t m = 0; m < m_len; ++m)
          for (int64_t j = 0; j < p.cols; ++j) {
            int32_t sum = 0;
            for (int64_t k = 0; k < k_len; ++k) sum += a.data[(a_off + m) * p.rows + k] * w.data[(b_off + k) * p.cols + j];
            int32_t& out = o.data[m * p.cols + j];
            out = f[kCpFirst] ? sum : out + sum;
          }
        if (f[kCpLast]) o.full = true;
      }
      if (f[kCpReleaseA]) a.full = false;
      if (f[kCpReleaseB]) w.full = false;
    } else if (c.opcode == kDmaStore) {
      Half& o = obuf[f[kStHalf] & 1];
      if (!o.full) fail(n, "dma_store of an output half that is not full");
      for (int64_t r = 0; r < f[kStRows]; ++r) {
        const uint64_t addr = static_cast<uint64_t>(f[kStDramAddr] + r * f[kStStride]);
        check_range(addr, static_cast<uint64_t>(4 * f[kStElems]));
        std::memcpy(&dram[addr], &o.data[r * p.cols], static_cast<std::size_t>(4 * f[kStElems]));
      }
      o.full = false;
    }
    ++n;
  });
}

}  // namespace acv::systolic
