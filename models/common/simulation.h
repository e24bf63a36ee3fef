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
  // cycle its command was accepted, counted like `cycles` from the first accepted command.
  std::vector<int64_t> accepted;
};

}  // namespace acv
