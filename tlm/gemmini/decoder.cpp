#include "decoder.h"

#include <algorithm>
#include <string>

#include "models/common/error.h"

namespace acv::gemmini {

Decoder::Decoder(sc_core::sc_module_name name, SharedState& state, CommandTarget& command)
    : sc_core::sc_module(name),
      state_(state),
      command_(command),
      to_unit_(state.clock.cycles(state.timing.queue_to_unit)),
      decode_(state.clock.cycles(state.timing.decode)),
      stall_(state, "cmd.stall.queue_full") {
  if (state_.mode == TlmMode::LooselyTimed) {
    command_.on_push([this] { drain(); });
    state_.dispatch = [this] { drain(); };
    // The host only feeds commands; it refills the queue once it has run empty, each push at its
    // slot's stamped free time, so the decoder takes every command at the same time as with a
    // host woken at every pop (one thread switch per refill instead of per command).
    command_.set_lazy_host_wakeup(true);
  } else {
    SC_THREAD(run);
  }
}

namespace {

// The error paths of Decoder::check, out of line: the checks themselves stay small and inlined
// (they run for every command).
[[noreturn]] __attribute__((noinline, cold)) void fail_command(const ConcreteInstruction& in, int64_t number,
                                                               const std::string& what) {
  throw BackendError("gemmini TLM: instruction " + std::to_string(number) + " (opcode " + std::to_string(in.opcode) +
                     "): " + what);
}

[[noreturn]] __attribute__((noinline, cold)) void fail_range(const ConcreteInstruction& in, int64_t number,
                                                             const char* field, int64_t v, int64_t lo, int64_t hi) {
  fail_command(in, number,
               std::string(field) + " = " + std::to_string(v) + " outside [" + std::to_string(lo) + ", " +
                   std::to_string(hi) + "]");
}

[[noreturn]] __attribute__((noinline, cold)) void fail_local(const ConcreteInstruction& in, int64_t number,
                                                             const char* field, int64_t addr, int64_t rows, bool acc,
                                                             int64_t size) {
  fail_command(in, number,
               std::string(field) + " rows " + std::to_string(addr) + ".." + std::to_string(addr + rows - 1) +
                   " outside the " + (acc ? "accumulator" : "scratchpad") + " (" + std::to_string(size) + " rows)");
}

}  // namespace

void Decoder::check(const ConcreteInstruction& in, int64_t number) const {
  const Params& p = state_.params;
  auto fail = [&](const std::string& what) { fail_command(in, number, what); };
  auto range = [&](const char* field, int64_t v, int64_t lo, int64_t hi) {
    if (v < lo || v > hi) fail_range(in, number, field, v, lo, hi);
  };
  auto local = [&](const char* field, int64_t addr, int64_t rows, bool acc) {
    const int64_t size = acc ? p.acc_rows() : p.sp_rows();
    if (rows > 0 && (addr < 0 || addr + rows > size)) fail_local(in, number, field, addr, rows, acc, size);
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
      range("cols", f[kInCols], 1, gemmini::mvin_max_cols(p, f[kInToAcc] == 1));
      local("local_addr", f[kInLocalAddr], gemmini::mvin_local_rows(p, f[kInToAcc] == 1, f[kInRows], f[kInCols]),
            f[kInToAcc] == 1);
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

Decoder::Kind Decoder::decode(const ConcreteInstruction& in, UnitCommand& cmd) {
  const auto& f = in.f;
  static const UnitCommand kDefault{};  // copied, not zero-filled: the fields' defaults in one place
  cmd = kDefault;
  cmd.opcode = in.opcode;
  for (int i = 0; i < 6; ++i) cmd.f[i] = f[i];
  Ranges r;
  switch (in.opcode) {
    case kConfigEx:
      ws_ = f[kExDataflow] == kWs;
      relu_ = f[kExActivation] == 1;
      shift_ = f[kExShift];
      return Kind::Register;
    case kConfigLd: ld_stride_ = f[kCfgStride]; return Kind::Register;
    case kConfigSt: st_stride_ = f[kCfgStride]; return Kind::Register;
    case kPreload:
      for (int i = 0; i < 5; ++i) pre_[i] = f[i];
      return Kind::Register;
    case kFlush: return Kind::Flush;
    case kMvin:
      cmd.stride = ld_stride_;
      (f[kInToAcc] ? r.acc_wr : r.sp_wr) =
          RowRange{f[kInLocalAddr], gemmini::mvin_local_rows(state_.params, f[kInToAcc] == 1, f[kInRows], f[kInCols])};
      cmd.seq = state_.tracker.add(Unit::Load, r);
      return Kind::Load;
    case kMvout:
      cmd.stride = st_stride_;
      cmd.relu = relu_;
      cmd.shift = shift_;
      (f[kOutFromAcc] ? r.acc_rd : r.sp_rd0) = RowRange{f[kOutLocalAddr], f[kOutRows]};
      cmd.seq = state_.tracker.add(Unit::Store, r);
      return Kind::Store;
    default:  // computes, merged with the preload before them
      cmd.ws = ws_;
      cmd.pre = pre_;
      r.sp_rd0 = RowRange{f[kCpAAddr], f[kCpRows]};
      if (!ws_) r.sp_rd1 = RowRange{f[kCpBAddr], f[kCpRows]};
      else if (in.opcode == kComputePreloaded) r.sp_rd1 = RowRange{pre_[kPreBAddr], pre_[kPreBRows]};
      r.acc_wr = RowRange{pre_[kPreCAddr], pre_[kPreCRows]};
      cmd.seq = state_.tracker.add(Unit::Execute, r);
      return Kind::Execute;
  }
}

TimedFifo<UnitCommand>* Decoder::queue_of(Kind k) {
  switch (k) {
    case Kind::Load: return &state_.load_queue;
    case Kind::Store: return &state_.store_queue;
    case Kind::Execute: return &state_.exec_queue;
    default: return nullptr;
  }
}

void Decoder::run() {
  LocalTime lt(state_.mode, state_.clock);
  for (int64_t number = 0;; ++number) {
    const ConcreteInstruction in = command_.next(lt);
    check(in, number);
    UnitCommand cmd;
    const Kind kind = decode(in, cmd);
    if (kind == Kind::Flush) {
      // Accepted once every queue is empty and every unit idle.
      const sc_core::sc_time waiting = lt.now();
      state_.tracker.wait_all(lt);
      stall_.add_cycles(waiting, lt.now());
    }
    // A full queue stalls the decoder (cmd_stall_cycle) until its unit frees a slot.
    const sc_core::sc_time waiting = lt.now();
    if (TimedFifo<UnitCommand>* q = queue_of(kind)) q->push(cmd, lt, to_unit_);
    stall_.add_cycles(waiting, lt.now());
    lt.advance(decode_);
    if (!queue_of(kind)) command_.retire(lt.now());  // configs, preloads and flush end in the decoder
  }
}

int64_t Decoder::next_push_floor(int64_t load_last_accept) const {
  int64_t floor = state_.clock.to_cycles(now_);
  const bool held_by_load = pending_ && (flush_pending_ || (pending_kind_ == Kind::Load && !state_.load_queue.has_free_slot()));
  if (held_by_load) floor = std::max(floor, load_last_accept + 1);
  return floor;
}

void Decoder::drain() {
  for (;;) {
    if (!pending_) {  // take the next command, as the thread's command_.next(lt)
      if (!command_.has_next()) return;
      if (command_.peek_next_stamp() > now_) now_ = command_.peek_next_stamp();
      const ConcreteInstruction& in = command_.peek_next();  // its slot is reused only by a later push
      check(in, number_++);
      pending_kind_ = decode(in, pending_cmd_);  // sets every field of the command
      command_.pop_next_at(now_);
      pending_ = true;
      flush_pending_ = pending_kind_ == Kind::Flush;
    }
    if (flush_pending_) {  // the thread's tracker.wait_all
      sc_core::sc_time at;
      if (!state_.tracker.all_released(at)) return;  // a release resumes it
      const sc_core::sc_time waiting = now_;
      if (at > now_) now_ = at;
      stall_.add_cycles(waiting, now_);
      flush_pending_ = false;
    }
    TimedFifo<UnitCommand>* q = queue_of(pending_kind_);
    const sc_core::sc_time waiting = now_;
    if (q != nullptr) {
      if (!q->has_free_slot()) return;  // the unit's pop resumes it, with the same now_
      now_ = q->push_at(pending_cmd_, now_, to_unit_);
    }
    if (now_ > waiting) stall_.add_cycles(waiting, now_);
    else stall_.add(0);  // the counter exists from the first command on, as in AT
    now_ += decode_;
    pending_ = false;
    if (q == nullptr) command_.retire(now_);
  }
}

}  // namespace acv::gemmini
