// TlmRunner "systolic": elaborates SystolicTop with a ProgramFeeder as host and runs one Program.
#include <utility>
#include <vector>

#include "systolic_top.h"
#include "tlm/common/run_top.h"
#include "tlm/common/tlm_runner.h"

namespace acv::systolic {
namespace {

class SystolicTlmRunner : public TlmRunner {
 public:
  SimulationOutput run(const Program& program, const AccelConfig& config, std::vector<uint8_t> dram,
                       TlmMode mode, const CommandHost& host) override {
    return run_top<SystolicTop>("systolic", program, read_params(config), config, std::move(dram), mode,
                                " (a unit waits on a buffer flag that no queued instruction will change)", host);
  }
};

}  // namespace
}  // namespace acv::systolic

namespace acv {
using systolic::SystolicTlmRunner;
ACV_REGISTER_TLM_RUNNER(SystolicTlmRunner, "systolic")
}  // namespace acv
