#include "systolic_operands.h"

#include <algorithm>
#include <cstdint>

namespace acv::systolic {

std::string operand_error(const Params& p, const ConcreteInstruction& in) {
  const int64_t* f = in.f.data();
  std::string error;
  auto range = [&](const char* field, int64_t v, int64_t lo, int64_t hi) {
    if (error.empty() && (v < lo || v > hi))
      error = std::string(field) + " = " + std::to_string(v) + " outside [" + std::to_string(lo) + ", " +
              std::to_string(hi) + "]";
  };
  switch (in.opcode) {
    case kDmaLoad: {
      range("buf", f[kLdBuf], 0, 1);
      range("half", f[kLdHalf], 0, 1);
      const bool wbuf = f[kLdBuf] == kWbuf;
      const int64_t depth = wbuf ? p.wbuf_depth : p.ibuf_depth;
      range("rows", f[kLdRows], 0, depth);
      range("bytes", f[kLdBytes], 1, wbuf ? p.cols : p.rows);
      // reps x rows entries fill the half from entry 0 (a row count of 0 moves nothing).
      range("reps", f[kLdReps], 1, f[kLdRows] <= 0 ? depth : depth / f[kLdRows]);
      break;
    }
    case kCompute: {
      const char* const flags[] = {"a_half", "b_half", "o_half", "first", "last", "release_a", "release_b"};
      const int fields[] = {kCpAHalf, kCpBHalf, kCpOHalf, kCpFirst, kCpLast, kCpReleaseA, kCpReleaseB};
      for (int i = 0; i < 7; ++i) range(flags[i], f[fields[i]], 0, 1);
      if (p.weight_stationary) {
        range("k_len", f[kCpKLen], 1, std::min(p.rows, p.wbuf_depth));
        range("m_len", f[kCpMLen], 1, std::min(p.ibuf_depth, p.obuf_depth));
      } else {
        range("k_len", f[kCpKLen], 1, std::min(p.ibuf_depth, p.wbuf_depth));
      }
      // The weights read, entries b_off .. b_off + k_len - 1, lie in the half.
      range("b_off", f[kCpBOff], 0, p.wbuf_depth - f[kCpKLen]);
      // WS streams IBUF entries a_off .. a_off + m_len - 1 of the half; OS always feeds from entry 0.
      range("a_off", f[kCpAOff], 0, p.weight_stationary ? p.ibuf_depth - f[kCpMLen] : 0);
      break;
    }
    case kDmaStore:
      range("half", f[kStHalf], 0, 1);
      range("rows", f[kStRows], 0, p.obuf_depth);
      range("elems", f[kStElems], 1, p.cols);
      break;
    default:
      error = "unknown opcode " + std::to_string(in.opcode);
  }
  return error;
}

}  // namespace acv::systolic
