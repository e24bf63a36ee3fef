#include "decoder.h"

#include <string>

#include "models/common/error.h"

namespace acv::gemmini {

Decoder::Decoder(sc_core::sc_module_name name, SharedState& state, CommandTarget& command)
    : sc_core::sc_module(name), state_(state), command_(command) {
  SC_THREAD(run);
}

void Decoder::check(const ConcreteInstruction& in, int64_t number) const {
  const Params& p = state_.params;
  auto fail = [&](const std::string& what) {
    throw BackendError("gemmini TLM: instruction " + std::to_string(number) + " (opcode " +
                       std::to_string(in.opcode) + "): " + what);
  };
  auto range = [&](const char* field, int64_t v, int64_t lo, int64_t hi) {
    if (v < lo || v > hi)
      fail(std::string(field) + " = " + std::to_string(v) + " outside [" + std::to_string(lo) + ", " +
           std::to_string(hi) + "]");
  };
  auto local = [&](const char* field, int64_t addr, int64_t rows, bool acc) {
    const int64_t size = acc ? p.acc_rows() : p.sp_rows();
    if (rows > 0 && (addr < 0 || addr + rows > size))
      fail(std::string(field) + " rows " + std::to_string(addr) + ".." + std::to_string(addr + rows - 1) +
           " outside the " + (acc ? "accumulator" : "scratchpad") + " (" + std::to_string(size) + " rows)");
  };
  const auto& f = in.f;
  for (int i = 0; i < in.num_fields; ++i)
    if (f[i] < 0 || f[i] > 0xffffffffLL) fail("operand " + std::to_string(i) + " does not fit 32 bits");
  switch (in.opcode) {
    case kConfigEx:
      range("dataflow", f[kExDataflow], 0, 1);
      range("activation", f[kExActivation], 0, 1);
      range("shift", f[kExShift], 0, 31);
      break;
    case kConfigLd:
    case kConfigSt:
    case kFlush:
      break;
    case kMvin:
      range("to_acc", f[kInToAcc], 0, 1);
      range("rows", f[kInRows], 1, p.dim);
      range("cols", f[kInCols], 1, p.dim);
      local("local_addr", f[kInLocalAddr], f[kInRows], f[kInToAcc] == 1);
      break;
    case kMvout:
      range("from_acc", f[kOutFromAcc], 0, 1);
      range("full", f[kOutFull], 0, f[kOutFromAcc]);
      range("rows", f[kOutRows], 1, p.dim);
      range("cols", f[kOutCols], 1, p.dim);
      local("local_addr", f[kOutLocalAddr], f[kOutRows], f[kOutFromAcc] == 1);
      break;
    case kPreload:
      range("b_rows", f[kPreBRows], 0, p.dim);
      range("c_rows", f[kPreCRows], 0, p.dim);
      range("c_accumulate", f[kPreCAccumulate], 0, 1);
      local("b_addr", f[kPreBAddr], f[kPreBRows], false);
      local("c_addr", f[kPreCAddr], f[kPreCRows], true);
      break;
    case kComputePreloaded:
    case kComputeAccumulated:
      range("rows", f[kCpRows], 1, p.dim);
      local("a_addr", f[kCpAAddr], f[kCpRows], false);
      local("b_addr", f[kCpBAddr], f[kCpRows], false);
      break;
    default:
      fail("unknown opcode");
  }
}

void Decoder::run() {
  LocalTime lt(state_.mode, state_.clock);
  const Timing& t = state_.timing;
  const sc_core::sc_time to_unit = state_.clock.cycles(t.queue_to_unit);
  // Decoder registers (gemmini_top.sv), reset values.
  int64_t ld_stride = 0, st_stride = 0, shift = 0;
  bool relu = false, ws = true;
  std::array<int64_t, 5> pre{};
  for (int64_t number = 0;; ++number) {
    const ConcreteInstruction in = command_.next(lt);
    check(in, number);
    const auto& f = in.f;
    UnitCommand cmd;
    cmd.opcode = in.opcode;
    for (int i = 0; i < 6; ++i) cmd.f[i] = f[i];
    Ranges r;
    switch (in.opcode) {
      case kConfigEx:
        ws = f[kExDataflow] == kWs;
        relu = f[kExActivation] == 1;
        shift = f[kExShift];
        break;
      case kConfigLd: ld_stride = f[kCfgStride]; break;
      case kConfigSt: st_stride = f[kCfgStride]; break;
      case kPreload:
        for (int i = 0; i < 5; ++i) pre[i] = f[i];
        break;
      case kFlush: {
        // Accepted once every queue is empty and every unit idle.
        const sc_core::sc_time waiting = lt.now();
        state_.tracker.wait_all(lt);
        state_.add_cycles("cmd_stall_cycle", waiting, lt.now());
        break;
      }
      case kMvin:
        cmd.stride = ld_stride;
        (f[kInToAcc] ? r.acc_wr : r.sp_wr) = RowRange{f[kInLocalAddr], f[kInRows]};
        cmd.seq = state_.tracker.add(Unit::Load, r);
        break;
      case kMvout:
        cmd.stride = st_stride;
        cmd.relu = relu;
        cmd.shift = shift;
        (f[kOutFromAcc] ? r.acc_rd : r.sp_rd0) = RowRange{f[kOutLocalAddr], f[kOutRows]};
        cmd.seq = state_.tracker.add(Unit::Store, r);
        break;
      default:  // computes, merged with the preload before them
        cmd.ws = ws;
        cmd.pre = pre;
        r.sp_rd0 = RowRange{f[kCpAAddr], f[kCpRows]};
        if (!ws) r.sp_rd1 = RowRange{f[kCpBAddr], f[kCpRows]};
        else if (in.opcode == kComputePreloaded) r.sp_rd1 = RowRange{pre[kPreBAddr], pre[kPreBRows]};
        r.acc_wr = RowRange{pre[kPreCAddr], pre[kPreCRows]};
        cmd.seq = state_.tracker.add(Unit::Execute, r);
        break;
    }
    // A full queue stalls the decoder (cmd_stall_cycle) until its unit frees a slot.
    const sc_core::sc_time waiting = lt.now();
    if (in.opcode == kMvin) state_.load_queue.push(cmd, lt, to_unit);
    else if (in.opcode == kMvout) state_.store_queue.push(cmd, lt, to_unit);
    else if (in.opcode == kComputePreloaded || in.opcode == kComputeAccumulated)
      state_.exec_queue.push(cmd, lt, to_unit);
    state_.add_cycles("cmd_stall_cycle", waiting, lt.now());
    lt.advance_cycles(t.decode);
    if (in.opcode != kMvin && in.opcode != kMvout && in.opcode != kComputePreloaded &&
        in.opcode != kComputeAccumulated)
      command_.retire(lt.now());  // configs, preloads and flush end in the decoder
  }
}

}  // namespace acv::gemmini
