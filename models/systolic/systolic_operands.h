// The operand ranges of the systolic ISA (README.md, Instructions) that every view holds an
// instruction to: the RTL driver before it encodes a command, the TLM units, the functional model.
#pragma once

#include <string>

#include "models/common/program.h"
#include "models/systolic/systolic_accelerator.h"

namespace acv::systolic {

// The first operand of `in` outside its range on the config `p`, as "field = v outside [lo, hi]";
// empty when all fit. Buffer halves, flags, entry counts and offsets against the config's
// geometry; DRAM addresses and strides are left to the memory each view models.
std::string operand_error(const Params& p, const ConcreteInstruction& in);

}  // namespace acv::systolic
