#include "plasticine_iss.h"

#include <cstring>
#include <string>

#include "models/common/error.h"
#include "models/plasticine/plasticine_accelerator.h"

namespace acv::plasticine {

namespace {

[[noreturn]] void fail(int64_t n, const std::string& what) {
  throw BackendError("plasticine instruction " + std::to_string(n) + ": " + what);
}

}  // namespace

void run_functional(const Program& program, const AccelConfig& config, std::vector<uint8_t>& dram) {
  const Params p = read_params(config);
  const int64_t units = p.pcus(), lanes = p.lanes, half_entries = p.half_entries();
  // pmu[u][half][entry * lanes + lane]; out[u][half][entry]
  std::vector<std::vector<int8_t>> pmu(static_cast<size_t>(units * 2),
                                       std::vector<int8_t>(static_cast<size_t>(half_entries * lanes), 0));
  std::vector<std::vector<int32_t>> out(static_cast<size_t>(units * 2),
                                        std::vector<int32_t>(static_cast<size_t>(p.out_depth), 0));
  std::vector<int64_t> route(static_cast<size_t>(units), -1);
  bool full[2] = {false, false}, out_full[2] = {false, false};
  int64_t n = 0;
  auto range = [&](const char* what, int64_t v, int64_t lo, int64_t hi) {
    if (v < lo || v > hi)
      fail(n, std::string(what) + " = " + std::to_string(v) + " outside [" + std::to_string(lo) + ", " +
                  std::to_string(hi) + "]");
  };
  auto dram_range = [&](int64_t addr, int64_t bytes) {
    if (addr < 0 || static_cast<uint64_t>(addr + bytes) > dram.size())
      fail(n, "external memory access out of range at " + std::to_string(addr));
  };

  program.for_each([&](const ConcreteInstruction& c) {
    const int64_t* f = c.f.data();
    switch (c.opcode) {
      case kRoute:
        range("pcu", f[kRtPcu], 0, units - 1);
        range("pmu", f[kRtPmu], 0, units - 1);
        route[f[kRtPcu]] = f[kRtPmu];
        break;
      case kLoad: {
        range("half", f[kLdHalf], 0, 1);
        range("bcast", f[kLdBcast], 0, 1);
        range("pmu", f[kLdPmu], 0, units - 1);
        range("row_bytes", f[kLdRowBytes], 1, half_entries * lanes);
        const int64_t row_entries = (f[kLdRowBytes] + lanes - 1) / lanes;
        range("rows", f[kLdRows], 0, half_entries);
        range("entry", f[kLdEntry], 0, half_entries - f[kLdRows] * row_entries);
        if (full[f[kLdHalf]]) fail(n, "load into a full half");
        for (int64_t u = 0; u < units; ++u) {
          if (!f[kLdBcast] && u != f[kLdPmu]) continue;
          auto& mem = pmu[static_cast<size_t>(u * 2 + f[kLdHalf])];
          for (int64_t r = 0; r < f[kLdRows]; ++r) {
            const int64_t addr = f[kLdDramAddr] + r * f[kLdStride];
            dram_range(addr, f[kLdRowBytes]);
            std::memcpy(&mem[static_cast<size_t>((f[kLdEntry] + r * row_entries) * lanes)], &dram[addr],
                        static_cast<size_t>(f[kLdRowBytes]));
          }
        }
        if (f[kLdFill]) full[f[kLdHalf]] = true;
        break;
      }
      case kCompute: {
        range("half", f[kCpHalf], 0, 1);
        range("o_half", f[kCpOHalf], 0, 1);
        const int64_t kc = f[kCpKChunks];
        range("k_chunks", kc, 1, half_entries);
        range("k_len", f[kCpKLen], (kc - 1) * lanes + 1, kc * lanes);
        range("m_len", f[kCpMLen], 1, half_entries);
        range("n_len", f[kCpNLen], 1, half_entries);
        range("a_entry", f[kCpAEntry], 0, half_entries - f[kCpMLen] * kc);
        range("b_entry", f[kCpBEntry], 0, half_entries - f[kCpNLen] * kc);
        range("o_stride", f[kCpOStride], f[kCpNLen], p.out_depth);
        range("m_len * o_stride", f[kCpMLen] * f[kCpOStride], 1, p.out_depth);
        if (!full[f[kCpHalf]]) fail(n, "compute on a half that is not full");
        if (out_full[f[kCpOHalf]]) fail(n, "compute into a full output half");
        for (int64_t u = 0; u < units; ++u) {
          if (route[u] < 0) fail(n, "compute before PCU " + std::to_string(u) + " was routed");
          const auto& mem = pmu[static_cast<size_t>(route[u] * 2 + f[kCpHalf])];
          auto& o = out[static_cast<size_t>(u * 2 + f[kCpOHalf])];
          for (int64_t m = 0; m < f[kCpMLen]; ++m)
            for (int64_t j = 0; j < f[kCpNLen]; ++j) {
              const int8_t* a = &mem[static_cast<size_t>((f[kCpAEntry] + m * kc) * lanes)];
              const int8_t* b = &mem[static_cast<size_t>((f[kCpBEntry] + j * kc) * lanes)];
              uint32_t sum = 0;  // int32 wrap-around, as the hardware's adders
              for (int64_t k = 0; k < f[kCpKLen]; ++k) sum += static_cast<uint32_t>(int32_t{a[k]} * int32_t{b[k]});
              o[static_cast<size_t>(m * f[kCpOStride] + j)] = static_cast<int32_t>(sum);
            }
        }
        full[f[kCpHalf]] = false;
        out_full[f[kCpOHalf]] = true;
        break;
      }
      case kStore: {
        range("pcu", f[kStPcu], 0, units - 1);
        range("half", f[kStHalf], 0, 1);
        range("cols", f[kStCols], 0, f[kStOStride]);
        range("rows * o_stride", f[kStRows] * f[kStOStride], 0, p.out_depth);
        if (!out_full[f[kStHalf]]) fail(n, "store of an output half that is not full");
        const auto& o = out[static_cast<size_t>(f[kStPcu] * 2 + f[kStHalf])];
        for (int64_t r = 0; r < f[kStRows]; ++r) {
          const int64_t addr = f[kStDramAddr] + r * f[kStStride];
          dram_range(addr, 4 * f[kStCols]);
          std::memcpy(&dram[addr], &o[static_cast<size_t>(r * f[kStOStride])], static_cast<size_t>(4 * f[kStCols]));
        }
        if (f[kStRelease]) out_full[f[kStHalf]] = false;
        break;
      }
      default:
        fail(n, "unknown opcode " + std::to_string(c.opcode));
    }
    ++n;
  });
}

}  // namespace acv::plasticine
