// TlmRunner "plasticine": elaborates PlasticineTop with a ProgramFeeder as host and runs one Program.
#include <utility>
#include <vector>

#include "plasticine_top.h"
#include "tlm/common/run_top.h"
#include "tlm/common/tlm_runner.h"

namespace acv::plasticine {
namespace {

class PlasticineTlmRunner : public TlmRunner {
 public:
  SimulationOutput run(const Program& program, const AccelConfig& config, std::vector<uint8_t> dram, TlmMode mode,
                       const CommandHost& host) override {
    return run_top<PlasticineTop>("plasticine", program, read_params(config), config, std::move(dram), mode,
                                  " (a unit waits on a half's flag that no queued instruction will change)", host);
  }
};

}  // namespace
}  // namespace acv::plasticine

namespace acv {
using plasticine::PlasticineTlmRunner;
ACV_REGISTER_TLM_RUNNER(PlasticineTlmRunner, "plasticine")
}  // namespace acv
