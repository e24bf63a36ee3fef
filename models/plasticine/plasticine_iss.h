// Functional instruction-set model of the plasticine CGRA: runs a Program in program order on a
// DRAM image, with no timing. It checks the mapper against the golden reference without RTL, and
// the full-flag discipline and operand ranges the hardware relies on (README.md).
#pragma once

#include <cstdint>
#include <vector>

#include "models/common/accel_config.h"
#include "models/common/program.h"

namespace acv::plasticine {

// Contract: executes every instruction in order on `dram`; throws BackendError naming the
// instruction when it breaks the ISA (unit or entry out of range, loading a full half,
// computing on a half that is not full or into a full output half, storing an empty one).
void run_functional(const Program& program, const AccelConfig& config, std::vector<uint8_t>& dram);

}  // namespace acv::plasticine
