// Mutated descriptions (deleted / duplicated lines, random bytes) give InputError, never a crash.
#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <sstream>

#include "estimator/aidg.h"
#include "estimator/arch_description.h"
#include "models/common/accelerator.h"

using namespace acv;

namespace {

// Mutates models/<accel>/arch.yaml 1500 times (lines deleted, duplicated, bytes changed, tokens
// inserted) and estimates a small GEMM mapped on `config` with each description that parses.
void fuzz_description(const std::string& accel_name, const std::string& config_name, uint64_t seed) {
  std::ifstream in(std::string(ACV_SOURCE_DIR) + "/models/" + accel_name + "/arch.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string original = ss.str();
  std::vector<std::string> lines;
  std::stringstream split(original);
  for (std::string l; std::getline(split, l);) lines.push_back(l);
  const auto accel = AcceleratorRegistry::create(accel_name);
  const AccelConfig config =
      load_accel_config(std::string(ACV_SOURCE_DIR) + "/models/" + accel_name + "/configs/" + config_name + ".yaml");
  Layer layer;
  layer.name = "g";
  layer.kind = LayerKind::Gemm;
  layer.m = 9;
  layer.n = 7;
  layer.k = 20;
  const Program program = accel->map(layer, config);
  std::mt19937_64 rng(seed);
  int parsed = 0, rejected = 0;
  for (int trial = 0; trial < 1500; ++trial) {
    std::vector<std::string> l = lines;
    const int edits = std::uniform_int_distribution<int>(1, 3)(rng);
    for (int e = 0; e < edits && !l.empty(); ++e) {
      const std::size_t at = std::uniform_int_distribution<std::size_t>(0, l.size() - 1)(rng);
      switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
        case 0: l.erase(l.begin() + static_cast<long>(at)); break;
        case 1: l.insert(l.begin() + static_cast<long>(at), l[at]); break;
        case 2:
          if (!l[at].empty()) {
            const std::size_t c = std::uniform_int_distribution<std::size_t>(0, l[at].size() - 1)(rng);
            l[at][c] = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
          }
          break;
        default: {
          const std::size_t c = std::uniform_int_distribution<std::size_t>(0, l[at].size())(rng);
          const char* tokens[] = {"0", "-1", "[", "}", ":", "(", "/ 0", "?", "999999999999", "\"", "{unit: x}"};
          l[at].insert(c, tokens[std::uniform_int_distribution<int>(0, 10)(rng)]);
        }
      }
    }
    std::string text;
    for (const auto& x : l) text += x + "\n";
    try {
      const auto d = parse_arch_description(text, "fuzz.yaml");
      const BoundArch arch = bind_arch(d, config_values(config), program);
      (void)estimate(arch, program, EstimateOptions{});
      ++parsed;
    } catch (const InputError&) {
      ++rejected;
    }
  }
  CHECK(parsed + rejected == 1500);
  CHECK(parsed > 0);
  CHECK(rejected > 0);
}

}  // namespace

TEST_CASE("mutated descriptions never crash the parser or the evaluator") {
  fuzz_description("systolic", "systolic-4x4-os", 7);
  // Gemmini's: carried fields, a look-ahead port with priorities, held records.
  fuzz_description("gemmini", "gemmini-4x4-ws", 8);
}
