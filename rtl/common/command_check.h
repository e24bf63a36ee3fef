// The checks an RTL driver's command encoder makes on every instruction: the Program's ISA is the
// accelerator's, each operand fits its 32-bit argument and its field's range. A violation is a
// mapper bug, reported (BackendError) with the instruction's number and text.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>
#include <utility>

#include "models/common/error.h"
#include "models/common/program.h"
#include "rtl/common/accelerator_run.h"

namespace acv {

template <int NumArgs>
class CommandCheck {
 public:
  // `who` names the driver in errors ("gemmini RTL"); throws unless `program_isa` has `ours`'s
  // opcodes at the same numbers with the same fields.
  CommandCheck(std::string who, const IsaSpec& program_isa, const IsaSpec& ours)
      : who_(std::move(who)), names_(&program_isa) {
    if (program_isa.name != ours.name) throw BackendError(who_ + ": the Program's ISA is '" + program_isa.name + "'");
    for (size_t op = 0; op < ours.opcodes.size(); ++op) {
      if (program_isa.opcode(ours.opcodes[op].name) != static_cast<int>(op) ||
          program_isa.opcodes[op].fields != ours.opcodes[op].fields)
        throw BackendError(who_ + ": the Program's opcode '" + ours.opcodes[op].name + "' differs from the ISA");
    }
    num_opcodes_ = static_cast<int>(ours.opcodes.size());
  }

  // Starts instruction `number`: its opcode must be one of ours; returns the command with opcode
  // and operands (each in [0, 2^32)) as arguments.
  HwCommand<NumArgs> begin(const ConcreteInstruction& in, int64_t number) {
    number_ = number;
    instr_ = &in;
    if (in.opcode < 0 || in.opcode >= num_opcodes_) fail("unknown opcode");
    HwCommand<NumArgs> cmd;
    cmd.op = static_cast<uint32_t>(in.opcode);
    for (int i = 0; i < in.num_fields && i < NumArgs; ++i) {
      const int64_t v = in.f[i];
      if (v < 0 || v > 0xffffffffLL) fail("operand " + std::to_string(i) + " does not fit 32 bits");
      cmd.args[i] = static_cast<uint32_t>(v);
    }
    return cmd;
  }

  void range(const char* field, int64_t v, int64_t lo, int64_t hi) const {
    if (v < lo || v > hi)
      fail(std::string(field) + " = " + std::to_string(v) + " outside [" + std::to_string(lo) + ", " +
           std::to_string(hi) + "]");
  }

  [[noreturn]] void fail(const std::string& what) const {
    std::ostringstream s;
    s << who_ << ": instruction " << number_ << " (";
    const int op = instr_->opcode;
    s << (op >= 0 && static_cast<size_t>(op) < names_->opcodes.size() ? names_->opcodes[op].name : "?");
    for (int i = 0; i < instr_->num_fields; ++i) s << ' ' << instr_->f[i];
    s << "): " << what;
    throw BackendError(s.str());
  }

 private:
  std::string who_;
  const IsaSpec* names_ = nullptr;
  int num_opcodes_ = 0;
  int64_t number_ = 0;
  const ConcreteInstruction* instr_ = nullptr;
};

}  // namespace acv
