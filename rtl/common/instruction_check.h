// Operand checks of an RTL driver's command encoder: a violation is a mapper bug, reported with the
// instruction's number and text.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>

#include "models/common/error.h"
#include "models/common/program.h"

namespace acv {

class InstructionCheck {
 public:
  // `who` starts every message ("ultratrail RTL"); `isa` names the opcodes.
  InstructionCheck(std::string who, const IsaSpec& isa) : who_(std::move(who)), isa_(&isa) {}

  // Contract: BackendError unless the Program's ISA has `ours`'s opcodes, numbered and with fields
  // as `ours` (the encoder reads fields by position).
  static void require_isa(const std::string& who, const IsaSpec& program_isa, const IsaSpec& ours) {
    if (program_isa.name != ours.name) throw BackendError(who + ": the Program's ISA is '" + program_isa.name + "'");
    for (std::size_t op = 0; op < ours.opcodes.size(); ++op)
      if (program_isa.opcode(ours.opcodes[op].name) != static_cast<int>(op) ||
          program_isa.opcodes[op].fields != ours.opcodes[op].fields)
        throw BackendError(who + ": the Program's opcode '" + ours.opcodes[op].name + "' differs from the ISA");
  }

  // The instruction the next checks are about.
  void at(const ConcreteInstruction& in, int64_t number) {
    instr_ = &in;
    number_ = number;
  }
  void range(const char* field, int64_t v, int64_t lo, int64_t hi) const {
    if (v < lo || v > hi)
      fail(std::string(field) + " = " + std::to_string(v) + " outside [" + std::to_string(lo) + ", " +
           std::to_string(hi) + "]");
  }
  [[noreturn]] void fail(const std::string& what) const {
    std::ostringstream s;
    s << who_ << ": instruction " << number_ << " (";
    const int op = instr_ ? instr_->opcode : -1;
    s << (op >= 0 && static_cast<std::size_t>(op) < isa_->opcodes.size() ? isa_->opcodes[static_cast<std::size_t>(op)].name : "?");
    for (int i = 0; instr_ && i < instr_->num_fields; ++i) s << ' ' << instr_->f[i];
    s << "): " << what;
    throw BackendError(s.str());
  }

 private:
  std::string who_;
  const IsaSpec* isa_;
  const ConcreteInstruction* instr_ = nullptr;
  int64_t number_ = 0;
};

}  // namespace acv
