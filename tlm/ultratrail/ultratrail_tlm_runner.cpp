// TlmRunner "ultratrail": elaborates UltraTrailTop with a ProgramFeeder as host and runs one Program.
// The host sends what the RTL's host sends: the Program without the controller's own steps.
#include <optional>
#include <utility>
#include <vector>

#include "tlm/common/run_top.h"
#include "tlm/common/tlm_runner.h"
#include "ultratrail_top.h"

namespace acv::ultratrail {
namespace {

// The Program's top-level instructions that are host commands (the layers' loops hold only the
// controller's setup, mac and opu), copied alone.
Program host_commands(const Program& program) {
  Program p;
  p.isa = program.isa;
  p.layer_name = program.layer_name;
  p.top.name = program.top.name;
  p.top.trips = program.top.trips;
  p.dram_bytes = program.dram_bytes;
  for (const Statement& s : program.top.body)
    if (!s.loop && !is_internal(s.instr.opcode)) p.top.body.push_back(s);
  return p;
}

class UltraTrailTlmRunner : public TlmRunner {
 public:
  void prepare(const Program& program, const AccelConfig& config) override {
    m_prepared = Prepared{&program, &config, host_commands(program), read_params(config)};
  }
  SimulationOutput run(const Program& program, const AccelConfig& config, std::vector<uint8_t> dram, TlmMode mode,
                       const CommandHost& host) override {
    if (!m_prepared || m_prepared->program != &program || m_prepared->config != &config) prepare(program, config);
    return run_top<UltraTrailTop>("ultratrail", m_prepared->host, m_prepared->params, config, std::move(dram), mode,
                                  "", host);
  }

 private:
  struct Prepared {
    const Program* program;
    const AccelConfig* config;
    Program host;  // host_commands(*program)
    Params params;
  };
  std::optional<Prepared> m_prepared;
};

}  // namespace
}  // namespace acv::ultratrail

namespace acv {
using ultratrail::UltraTrailTlmRunner;
ACV_REGISTER_TLM_RUNNER(UltraTrailTlmRunner, "ultratrail")
}  // namespace acv
