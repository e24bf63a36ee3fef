// Extrapolated == full evaluation on every layer the sign-off suites run, on every config of theirs.
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>

#include "models/common/accelerator.h"
#include "models/common/workload_reader.h"
#include "test_helpers.h"

using namespace acv;
using acv::test::source;

namespace {

std::string dir_of(const std::string& path) { return path.substr(0, path.rfind('/') + 1); }

// Every layer of a suite file (its workloads: the listed layers or all) on every config of its
// accelerator (models/<accel>/configs/, the suite's and the others).
void check_suite(const std::string& suite_file) {
  const YAML::Node suite = YAML::LoadFile(suite_file);
  const std::string dir = dir_of(suite_file);
  std::vector<Layer> layers;
  for (const auto& w : suite["workloads"]) {
    const Workload workload = load_workload(dir + w["file"].as<std::string>());
    std::vector<std::string> only;
    if (w["layers"])
      for (const auto& l : w["layers"]) only.push_back(l.as<std::string>());
    for (const auto& l : workload.layers)
      if (only.empty() || std::find(only.begin(), only.end(), l.name) != only.end()) layers.push_back(l);
  }
  const std::string first = dir + suite["configs"][0].as<std::string>();
  std::vector<std::string> configs;
  for (const auto& f : std::filesystem::directory_iterator(dir_of(first)))
    if (f.path().extension() == ".yaml") configs.push_back(f.path().string());
  std::sort(configs.begin(), configs.end());
  for (const auto& file : configs) {
    const AccelConfig config = load_accel_config(file);
    const std::unique_ptr<Accelerator> accel = AcceleratorRegistry::create(config.accelerator);
    const auto desc = load_arch_description(config.description);
    for (const auto& layer : layers) {
      Program p;
      try {
        p = accel->map(layer, config);
      } catch (const UnsupportedLayer&) {
        continue;  // pooling on an accelerator without a pooling unit: no view runs it
      }
      const BoundArch arch = bind_arch(desc, config_values(config), p);
      EstimateOptions full;
      full.full = true;
      const Estimate a = estimate(arch, p, full);
      const Estimate b = estimate(arch, p, EstimateOptions{});
      INFO(config.name << " " << layer.name);
      CHECK(a.cycles == b.cycles);
      CHECK(a.busy == b.busy);
      CHECK(b.evaluated_instructions <= a.evaluated_instructions);
    }
  }
}

// A ResNet-18 layer on one config, estimated in full and with `options` (an extrapolated estimate).
struct LayerEstimates {
  Estimate full, fast;
};
LayerEstimates estimate_resnet18_layer(const std::string& config_file, const std::string& name,
                                       const EstimateOptions& options = {}) {
  const AccelConfig config = load_accel_config(source(config_file));
  const std::unique_ptr<Accelerator> accel = AcceleratorRegistry::create(config.accelerator);
  const Workload workload = load_workload(source("models/workloads/Resnet18.csv"));
  const auto layer = std::find_if(workload.layers.begin(), workload.layers.end(), [&](const Layer& l) { return l.name == name; });
  REQUIRE(layer != workload.layers.end());
  const Program p = accel->map(*layer, config);
  const BoundArch arch = bind_arch(load_arch_description(config.description), config_values(config), p);
  EstimateOptions full;
  full.full = true;
  return {estimate(arch, p, full), estimate(arch, p, options)};
}

// A ResNet-18 layer on one config: extrapolated equals full, evaluating fewer than `bound` instructions.
void check_exact_under(const std::string& config_file, const std::string& name, int64_t bound) {
  const auto [a, b] = estimate_resnet18_layer(config_file, name);
  CHECK(a.cycles == b.cycles);
  CHECK(a.busy == b.busy);
  INFO(name << ": " << b.evaluated_instructions << " of " << b.represented_instructions << " instructions evaluated");
  CHECK(b.evaluated_instructions < bound);
}

}  // namespace

TEST_CASE("extrapolation equals full evaluation on every layer of the systolic sign-off suite, every config") {
  check_suite(source("models/suites/systolic.yaml"));
}

TEST_CASE("extrapolation equals full evaluation on every layer of the gemmini sign-off suite, every config") {
  check_suite(source("models/suites/gemmini.yaml"));
}

// A whole-network accelerator: each network is one Program; its per-layer attribution too.
TEST_CASE("extrapolation equals full evaluation on every network of the ultratrail sign-off suite, every config") {
  const std::string suite_file = source("models/suites/ultratrail.yaml");
  const YAML::Node suite = YAML::LoadFile(suite_file);
  const std::string dir = dir_of(suite_file);
  for (const auto& c : suite["configs"]) {
    const AccelConfig config = load_accel_config(dir + c.as<std::string>());
    const std::unique_ptr<Accelerator> accel = AcceleratorRegistry::create(config.accelerator);
    const auto desc = load_arch_description(config.description);
    for (const auto& w : suite["workloads"]) {
      const Workload workload = load_workload(dir + w["file"].as<std::string>());
      const NetworkProgram np = accel->map_network(workload, config);
      const BoundArch arch = bind_arch(desc, config_values(config), np.program);
      EstimateOptions full;
      full.full = true;
      const Estimate a = estimate(arch, np.program, full);
      const Estimate b = estimate(arch, np.program, EstimateOptions{});
      INFO(config.name << " " << workload.name);
      CHECK(a.cycles == b.cycles);
      CHECK(a.busy == b.busy);
      CHECK(a.top_loops == b.top_loops);
      CHECK(b.top_loops.size() == np.layers.size());
      // A mac per conv position (all its array steps): small nets hold a few hundred instructions.
      CHECK(b.evaluated_instructions * 4 < a.evaluated_instructions);
    }
  }
}

// The ultratrail Program has one `mac` per conv position (its in_blocks x kernel array steps): a
// layer evaluates its setup and two output blocks of two positions each (9 instructions). With one
// `mac` per array step it evaluated the first blocks' (ib, k) loops too: 574 instructions for
// TC-ResNet8.
TEST_CASE("a TC-ResNet8 estimate evaluates a few accumulations per layer") {
  const AccelConfig config = load_accel_config(source("models/ultratrail/configs/ultratrail-8x8.yaml"));
  const std::unique_ptr<Accelerator> accel = AcceleratorRegistry::create(config.accelerator);
  const NetworkProgram np = accel->map_network(load_workload(source("models/workloads/tc_resnet8.yaml")), config);
  const BoundArch arch = bind_arch(load_arch_description(config.description), config_values(config), np.program);
  const Estimate e = estimate(arch, np.program, EstimateOptions{});
  REQUIRE(np.layers.size() == 11);
  INFO(e.evaluated_instructions << " of " << e.represented_instructions << " instructions evaluated");
  CHECK(e.evaluated_instructions <= 12 * 11 + 27);  // at most 12 per layer, and the 27 host commands
}

TEST_CASE("extrapolation equals full evaluation on every layer of the plasticine sign-off suite, every config") {
  check_suite(source("models/suites/plasticine.yaml"));
}

// An OS row's compute chain (`kc`, 34 trips) runs while the next chain's mvins are in flight: their
// responses hold the latest end for the first iterations, and keys made then (relative to it) could
// never repeat and used up the segment's keys before the state did.
TEST_CASE("a loop that runs while earlier loads hold the latest end is extrapolated once it holds it") {
  EstimateOptions explain;
  explain.explain = true;
  const auto [a, b] = estimate_resnet18_layer("models/gemmini/configs/gemmini-16x16-os-auto.yaml", "Conv2_1a", explain);
  CHECK(a.cycles == b.cycles);
  CHECK(a.busy == b.busy);
  const auto kc = std::find_if(b.kernels.begin(), b.kernels.end(), [](const KernelInfo& k) { return k.loop == "kc" && k.depth == 7; });
  REQUIRE(kc != b.kernels.end());
  CHECK(kc->times > 10);
}

// A WS compute loop (`kc`, 48 trips, inside `jc`): its first entry after a tile's mvins settles only
// once they are done (iteration 10), the later entries from their first iterations. Keying every
// entry only from where the last repeat began evaluated each of them 12 iterations: 5,452
// instructions for the layer.
TEST_CASE("a loop whose later entries settle at once is keyed from their first iterations") {
  check_exact_under("models/gemmini/configs/gemmini-8x8-ws.yaml", "Conv3_1b", 4800);
}

// The tile bodies of a WS conv (`k` x `j` per row block, their mvin and compute loops) are entered
// again at other scratchpad rows: the next tile, the other half of the double buffer. Keyed with
// absolute rows and addresses they missed the loop memo (4,172 instructions for the layer); keyed
// relative to an anchor address per storage, the same state shifted comes from the memo, moved.
TEST_CASE("a loop entered again at shifted scratchpad addresses comes from the memo") {
  for (const char* name : {"Conv3_1b", "Conv4_1a"}) {
    const auto [a, b] = estimate_resnet18_layer("models/gemmini/configs/gemmini-8x8-ws.yaml", name);
    INFO(name << ": " << b.evaluated_instructions << " of " << b.represented_instructions << " instructions evaluated");
    CHECK(a.cycles == b.cycles);
    CHECK(a.busy == b.busy);
    // Before: Conv3_1b 4,172, Conv4_1a 3,785.
    CHECK(b.evaluated_instructions < (std::string(name) == "Conv3_1b" ? 3600 : 3300));
  }
}

// The stem of ResNet-18 on a 4x4 WS array: A's rows are 147 bytes apart, so a `k` entry's loads
// realign every 8 iterations and its state repeats with period 8, mostly from iteration 8 on, entry
// after entry. Keyed every iteration from the first, each entry made ~17 keys (of ~600 words: the
// requests in flight) before its repeat: 1,480 keys for the layer, 5,354 instructions evaluated.
// Keyed where the last two repeats began and one period later: 276 keys, 5,504 evaluated (an entry
// whose repeat begins elsewhere is keyed every iteration after the predicted two).
TEST_CASE("a loop whose repeats had a longer period than its segment's is keyed where that period predicts") {
  const auto [a, b] = estimate_resnet18_layer("models/systolic/configs/systolic-4x4-ws.yaml", "Conv1");
  CHECK(a.cycles == b.cycles);
  CHECK(a.busy == b.busy);
  INFO(b.keys << " keys, " << b.evaluated_instructions << " of " << b.represented_instructions << " instructions evaluated");
  CHECK(b.keys < 400);
  CHECK(b.evaluated_instructions < 5800);
}

// Conv5_1b on a 4x4 OS array: the `k` loop's entries are dear (loads of 16 requests and more), and
// the memo starts to hit only after many of them have missed. A loop that gave up after 8 misses with
// under one hit in five evaluated 2,170 instructions; kept trying while its missed entries evaluated
// more than their keys cost, 1,000.
TEST_CASE("a loop whose entries cost more than their keys keeps trying the loop memo") {
  check_exact_under("models/systolic/configs/systolic-4x4-os.yaml", "Conv5_1b", 1400);
}

// Plans that served many instructions evaluate their expressions with the binding's parameters and
// the plan's `when` values put in (Evaluator::fold_plan); the schedule (acv diff) evaluates the
// description's expressions as written. Every instruction's issue and end, and the cycles, agree on
// configs whose parameters fold selects away (DMA bursts of 1 and of 8, gemmini's OS and WS).
TEST_CASE("instructions are timed alike by the folded plans and by the description's expressions as written") {
  const Workload tiny = load_workload(source("models/workloads/tiny.yaml"));
  const Workload resnet = load_workload(source("models/workloads/Resnet18.csv"));
  for (const char* config_file :
       {"models/systolic/configs/systolic-4x4-os.yaml", "models/systolic/configs/systolic-16x16-ws-64k-b8.yaml",
        "models/gemmini/configs/gemmini-8x8-os.yaml", "models/gemmini/configs/gemmini-4x4-ws.yaml"}) {
    const AccelConfig config = load_accel_config(source(config_file));
    const std::unique_ptr<Accelerator> accel = AcceleratorRegistry::create(config.accelerator);
    const auto desc = load_arch_description(config.description);
    // Systolic's FC has thousands of instructions (gemmini's: seconds of schedule text).
    const bool systolic = config.accelerator == "systolic";
    std::size_t checked = 0;  // instructions: far more than a plan serves before it folds (8)
    for (const char* name : {"gemm_ragged", "conv_pointwise", "FC"}) {
      if (!systolic && std::string(name) == "FC") continue;
      const Workload& w = std::string(name) == "FC" ? resnet : tiny;
      const auto layer = std::find_if(w.layers.begin(), w.layers.end(), [&](const Layer& l) { return l.name == name; });
      REQUIRE(layer != w.layers.end());
      const Program p = accel->map(*layer, config);
      const BoundArch arch = bind_arch(desc, config_values(config), p);
      EstimateOptions plain;
      plain.full = true;
      std::vector<int64_t> issues, ends, traced_issues, traced_ends;
      plain.issues = &issues, plain.ends = &ends;
      const int64_t cycles = estimate(arch, p, plain).cycles;
      std::vector<ScheduledInstruction> schedule;
      EstimateOptions traced = plain;
      traced.issues = &traced_issues, traced.ends = &traced_ends, traced.schedule = &schedule;
      INFO(config_file << " " << name << ": " << issues.size() << " instructions");
      CHECK(estimate(arch, p, traced).cycles == cycles);
      CHECK(traced_issues == issues);
      CHECK(traced_ends == ends);
      checked += issues.size();
    }
    CHECK(checked > 80);
  }
}
