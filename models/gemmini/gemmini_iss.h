// Functional instruction-set model of the Gemmini-like accelerator: runs a Program in program
// order on a DRAM image, with no timing. Tests use it to check the mapper against the golden
// reference without RTL; it also enforces the ISA's rules (README.md), so an illegal Program
// fails here before it reaches the RTL.
#pragma once

#include <cstdint>
#include <vector>

#include "models/common/accel_config.h"
#include "models/common/program.h"

namespace acv::gemmini {

// Contract: executes every instruction in order on `dram`; throws BackendError naming the
// instruction's index and opcode when it breaks the ISA (rows / cols / addresses out of range,
// a compute without its preload, a compute before config_ex, OS bias preload, ...).
void run_functional(const Program& program, const AccelConfig& config, std::vector<uint8_t>& dram);

}  // namespace acv::gemmini
