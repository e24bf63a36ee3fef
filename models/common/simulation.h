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
};

}  // namespace acv
