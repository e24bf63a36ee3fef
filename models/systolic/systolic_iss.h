// Functional instruction-set model of the systolic array: runs a Program in program order on a
// DRAM image, with no timing. It checks the mapper against the golden reference without RTL, and
// checks the buffer-flag discipline the hardware relies on (README.md).
#pragma once

#include <cstdint>
#include <vector>

#include "models/common/accel_config.h"
#include "models/common/program.h"

namespace acv::systolic {

// Contract: executes every instruction in order on `dram`; throws BackendError naming the
// instruction when it breaks the ISA (out-of-range buffer entry or address, reading a half
// that is not full, loading a half that is still full, storing an empty output half).
void run_functional(const Program& program, const AccelConfig& config, std::vector<uint8_t>& dram);

}  // namespace acv::systolic
