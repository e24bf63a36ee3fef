// Helpers of the estimator tests: tiny ISAs, descriptions from text, programs built by hand, mapped layers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "estimator/aidg.h"
#include "estimator/arch_description.h"
#include "estimator/bound_arch.h"
#include "models/common/accel_config.h"
#include "models/common/accelerator.h"
#include "models/common/program.h"

namespace acv::test {

std::shared_ptr<const IsaSpec> make_isa(const std::vector<OpcodeSpec>& opcodes);
Statement instr(int opcode, std::vector<Expr> operands);
Statement loop(const std::string& name, int64_t trips, std::vector<Statement> body);
Program program(std::shared_ptr<const IsaSpec> isa, std::vector<Statement> body);

// Parses `yaml`, binds it to `params` and evaluates `p`.
Estimate run(const std::string& yaml, const Program& p, const std::map<std::string, int64_t>& params = {},
             bool full = false);

// Two queues of capacity 2 behind a dispatcher, a slow unit (10 cycles) and a fast one (1):
// opcodes `slow` and `fast`, timing computed by hand in hand_computed_test.cpp.
extern const char* const kTwoQueues;

// ACV_SOURCE_DIR + "/" + rel.
std::string source(const std::string& rel);

// Maps `layer` on `config` and binds `desc`: the extrapolated estimate equals the full evaluation
// from no more evaluated instructions, and the roofline stays at or below it.
void check_extrapolation_and_roofline(const Accelerator& accel, std::shared_ptr<const ArchDescription> desc,
                                      const AccelConfig& config, const Layer& layer);

}  // namespace acv::test
