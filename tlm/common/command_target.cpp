#include "command_target.h"

#include <algorithm>
#include <cstring>

namespace acv {

CommandTarget::CommandTarget(sc_core::sc_module_name name, std::size_t queue_depth, TlmMode mode,
                             const Clock& clock, int64_t access_cycles)
    : sc_core::sc_module(name),
      socket("socket"),
      queue_(queue_depth),
      mode_(mode),
      clock_(clock),
      access_cycles_(access_cycles) {
  socket.register_b_transport(this, &CommandTarget::b_transport);
  socket.register_transport_dbg(this, &CommandTarget::transport_dbg);
}

void CommandTarget::retire(const sc_core::sc_time& at) {
  ++retired_;
  done_at_ = std::max(done_at_, at);
  if (done()) done_event_.notify(sc_core::SC_ZERO_TIME);
}

void CommandTarget::end_activity(const sc_core::sc_time& at) {
  --pending_;
  done_at_ = std::max(done_at_, at);
  if (done()) done_event_.notify(sc_core::SC_ZERO_TIME);
}

uint64_t CommandTarget::read_register(uint64_t offset, const sc_core::sc_time& at) const {
  switch (offset) {
    case cmdreg::kId: return cmdreg::kIdValue;
    case cmdreg::kStatus: {
      uint64_t s = static_cast<uint64_t>(queue_.free_slots()) << cmdreg::kStatusFreeShift;
      if (done()) s |= cmdreg::kStatusDone;
      else if (pushed_ > retired_ || pending_ > 0 || !queue_.empty()) s |= cmdreg::kStatusBusy;
      if (error_) s |= cmdreg::kStatusError;
      return s;
    }
    case cmdreg::kCycles: return static_cast<uint64_t>(clock_.to_cycles(done() ? done_at_ : at));
    case cmdreg::kPushed: return static_cast<uint64_t>(pushed_);
    case cmdreg::kRetired: return static_cast<uint64_t>(retired_);
    default:
      if (offset >= cmdreg::kField0 && offset < cmdreg::kField0 + 8 * cmdreg::kNumFields)
        return static_cast<uint64_t>(staged_[(offset - cmdreg::kField0) / 8]);
      return 0;
  }
}

void CommandTarget::push(uint64_t value, LocalTime& lt) {
  const int num_fields = static_cast<int>(value >> 32);
  if (num_fields < 0 || num_fields > kMaxFields || end_) {
    error_ = true;
    SC_REPORT_WARNING("acv/command_target", "push after END or with a bad field count ignored");
    return;
  }
  ++pushed_;
  queue_.push_with(  // written into its queue slot: no intermediate instruction to zero and copy
      [&](ConcreteInstruction& instr) {
        instr.opcode = static_cast<int>(value & 0xffffffffu);
        instr.num_fields = num_fields;
        for (int i = 0; i < kMaxFields; ++i) instr.f[i] = i < num_fields ? staged_[i] : 0;
      },
      lt);
  if (on_push_) on_push_();
}

void CommandTarget::write_register(uint64_t offset, uint64_t value, LocalTime& lt) {
  if (offset >= cmdreg::kField0 && offset < cmdreg::kField0 + 8 * cmdreg::kNumFields) {
    staged_[(offset - cmdreg::kField0) / 8] = static_cast<int64_t>(value);
  } else if (offset == cmdreg::kPush) {
    push(value, lt);
  } else if (offset == cmdreg::kControl) {
    if (value & cmdreg::kControlEnd) {
      end_ = true;
      done_at_ = std::max(done_at_, lt.now());
      if (done()) done_event_.notify(sc_core::SC_ZERO_TIME);
    }
  } else {
    error_ = true;
    SC_REPORT_WARNING("acv/command_target", "write to a read-only or unmapped register ignored");
  }
}

void CommandTarget::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const uint64_t addr = gp.get_address();
  const unsigned len = gp.get_data_length();
  if (addr % 8 != 0 || len % 8 != 0 || addr + len > cmdreg::kSize || gp.get_byte_enable_ptr() != nullptr) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  // The access happens at the initiator's local time; a blocking push may move it on.
  LocalTime lt(mode_, clock_);
  lt.advance(delay);
  uint8_t* data = gp.get_data_ptr();
  if (gp.is_write() && addr == cmdreg::kField0 && len == 8 * (cmdreg::kNumFields + 1)) {
    // The usual access, one whole instruction (fields, then PUSH): the same as the loop below,
    // without decoding each offset.
    for (std::size_t f = 0; f < cmdreg::kNumFields; ++f) staged_[f] = static_cast<int64_t>(cmdreg::load_le64(data + 8 * f));
    push(cmdreg::load_le64(data + 8 * cmdreg::kNumFields), lt);
    lt.advance_cycles(access_cycles_);
    delay = lt.offset();  // lt.now() - the kernel time
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  for (unsigned i = 0; i < len; i += 8) {
    uint64_t value = 0;
    if (gp.is_read()) {
      value = read_register(addr + i, lt.now());
      cmdreg::store_le64(data + i, value);
    } else if (gp.is_write()) {
      value = cmdreg::load_le64(data + i);
      write_register(addr + i, value, lt);
    }
  }
  lt.advance_cycles(access_cycles_);
  delay = lt.now() - sc_core::sc_time_stamp();
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int CommandTarget::transport_dbg(tlm::tlm_generic_payload& gp) {
  // Debug reads only (no side effects); writes would push instructions.
  if (!gp.is_read()) return 0;
  const uint64_t addr = gp.get_address();
  const unsigned len = gp.get_data_length();
  if (addr % 8 != 0 || len % 8 != 0 || addr + len > cmdreg::kSize) return 0;
  for (unsigned i = 0; i < len; i += 8) {
    const uint64_t value = read_register(addr + i, sc_core::sc_time_stamp());
    for (int b = 0; b < 8; ++b) gp.get_data_ptr()[i + b] = static_cast<uint8_t>(value >> (8 * b));
  }
  return len;
}

}  // namespace acv
