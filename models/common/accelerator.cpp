// What the simulating backends share about an accelerator's outputs.
#include "accelerator.h"

namespace acv {

std::string output_mismatch(const std::vector<int32_t>& actual, const std::vector<int32_t>& expected) {
  if (actual == expected) return "";
  std::size_t first = 0;
  while (first < actual.size() && first < expected.size() && actual[first] == expected[first]) ++first;
  std::string note = "element " + std::to_string(first) + " of " + std::to_string(expected.size());
  if (first < actual.size() && first < expected.size())
    note += ": got " + std::to_string(actual[first]) + ", expected " + std::to_string(expected[first]);
  return note;
}

}  // namespace acv
