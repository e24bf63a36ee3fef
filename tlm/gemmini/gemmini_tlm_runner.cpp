// TlmRunner "gemmini": elaborates GemminiTop with a ProgramFeeder as host and runs one Program.
#include <utility>
#include <vector>

#include "gemmini_top.h"
#include "models/common/error.h"
#include "tlm/common/run_top.h"
#include "tlm/common/tlm_runner.h"

namespace acv::gemmini {
namespace {

class GemminiTlmRunner : public TlmRunner {
 public:
  SimulationOutput run(const Program& program, const AccelConfig& config, std::vector<uint8_t> dram,
                       TlmMode mode, const CommandHost& host) override {
    if (!program.isa || program.isa->name != isa()->name)
      throw BackendError("gemmini TLM: Program '" + program.layer_name + "' is not for the gemmini ISA");
    return run_top<GemminiTop>("gemmini", program, read_params(config), config, std::move(dram), mode, "", host);
  }
};

}  // namespace
}  // namespace acv::gemmini

namespace acv {
using gemmini::GemminiTlmRunner;
ACV_REGISTER_TLM_RUNNER(GemminiTlmRunner, "gemmini")
}  // namespace acv
