// What a simulated run of one Program returns (RTL and TLM views alike).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace acv {

struct SimulationOutput {
  int64_t cycles = 0;
  std::vector<uint8_t> dram;  // external memory after the run
  std::map<std::string, int64_t> counters;  // busy / stall counters where the view has them
  // With event recording (RTL: RtlRunOptions::record_events): per instruction in program order, the
  // cycle its command was accepted and the cycle it ended (the cycle after its unit retired it;
  // after acceptance for a command no unit runs), counted like `cycles` from the first accepted
  // command; -1 for an instruction the accelerator's controller performs without a command.
  std::vector<int64_t> accepted, ended;
};

}  // namespace acv
