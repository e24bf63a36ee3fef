// Helpers of the estimator tests.
#include "test_helpers.h"

#include <catch2/catch.hpp>

#include "estimator/roofline.h"

namespace acv::test {

std::shared_ptr<const IsaSpec> make_isa(const std::vector<OpcodeSpec>& opcodes) {
  auto isa = std::make_shared<IsaSpec>();
  isa->name = "test";
  isa->opcodes = opcodes;
  return isa;
}

Statement instr(int opcode, std::vector<Expr> operands) { return make_instruction(opcode, std::move(operands)); }

Statement loop(const std::string& name, int64_t trips, std::vector<Statement> body) {
  return make_loop(name, trips, std::move(body));
}

Program program(std::shared_ptr<const IsaSpec> isa, std::vector<Statement> body) {
  Program p;
  p.isa = std::move(isa);
  p.layer_name = "test";
  p.top.trips = 1;
  p.top.body = std::move(body);
  return p;
}

Estimate run(const std::string& yaml, const Program& p, const std::map<std::string, int64_t>& params, bool full) {
  const auto desc = parse_arch_description(yaml, "test.yaml");
  const BoundArch arch = bind_arch(desc, params, p);
  EstimateOptions o;
  o.full = full;
  return estimate(arch, p, o);
}

std::string source(const std::string& rel) { return std::string(ACV_SOURCE_DIR) + "/" + rel; }

void check_extrapolation_and_roofline(const Accelerator& accel, std::shared_ptr<const ArchDescription> desc,
                                      const AccelConfig& config, const Layer& layer) {
  const Program p = accel.map(layer, config);
  const BoundArch arch = bind_arch(std::move(desc), config_values(config), p);
  EstimateOptions full;
  full.full = true;
  const Estimate a = estimate(arch, p, full);
  const Estimate b = estimate(arch, p, EstimateOptions{});
  CHECK(a.cycles == b.cycles);
  CHECK(a.cycles > 0);
  CHECK(b.evaluated_instructions <= a.evaluated_instructions);
  const RooflineEstimate r = roofline(arch, p);
  CHECK(r.cycles > 0);
  CHECK(r.cycles <= a.cycles);  // the roofline ignores fill, drain, latency and dependencies
}

const char* const kTwoQueues = R"(
stages:
  dispatch: {latency: 1, ii: 1}
queues:
  slow_q: {from: dispatch, capacity: 2}
  fast_q: {from: dispatch, capacity: 2}
units:
  slow_unit: {from: slow_q, latency: 10}
  fast_unit: {from: fast_q, latency: 1}
instructions:
  slow: {unit: slow_unit}
  fast: {unit: fast_unit}
)";

}  // namespace acv::test
