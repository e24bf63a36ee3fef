// The simulating backends' whole-network path (validation/backends/backend.cpp) and the golden
// cache's network entries: operands and golden output built once per run or read from the cache,
// the run's output checked against them.
#include <catch2/catch.hpp>

#include "models/common/accel_config.h"
#include "models/common/workload_reader.h"
#include "tests/validation/harness_fixture.h"
#include "validation/backends/backend.h"
#include "validation/harness/golden_cache.h"

using namespace acv;
using namespace acv::test;

namespace {

const std::string kSource = ACV_SOURCE_DIR;

// A network accelerator whose "run" doubles the four input bytes into the four output bytes;
// counts how often it builds operands and golden output.
class DoublingAccel : public Accelerator {
 public:
  mutable int golden_builds = 0;
  void check_config(const AccelConfig&) const override {}
  int64_t processing_elements(const AccelConfig&) const override { return 1; }
  Program map(const Layer&, const AccelConfig&) const override { return {}; }
  std::vector<uint8_t> dram_image(const Layer&, const LayerData&, const Program&) const override { return {}; }
  std::vector<int32_t> read_output(const Layer&, const Program&, const std::vector<uint8_t>&) const override {
    return {};
  }
  bool runs_networks() const override { return true; }
  NetworkGolden network_golden(const Workload&, const AccelConfig&, uint64_t seed) const override {
    ++golden_builds;
    const auto b = static_cast<uint8_t>(seed);
    return {{b, 2, 3, 4, 0, 0, 0, 0}, {2 * b, 4, 6, 8}};
  }
  std::vector<int32_t> read_network_output(const Workload&, const AccelConfig&,
                                           const std::vector<uint8_t>& dram) const override {
    return {dram.begin() + 4, dram.end()};
  }
};

SimulationOutput doubled(std::vector<uint8_t> dram, int wrong_element) {
  for (int i = 0; i < 4; ++i) dram[4 + i] = static_cast<uint8_t>(2 * dram[i] + (i == wrong_element ? 1 : 0));
  SimulationOutput out;
  out.cycles = 10;
  out.counters = {{"layer.0.cycles", 4}, {"layer.1.cycles", 6}};
  out.dram = std::move(dram);
  return out;
}

struct FakeNetwork {
  DoublingAccel accel;
  AccelConfig config;
  Workload workload;
  NetworkProgram network;
  FakeNetwork() {
    config.accelerator = "doubling";
    workload.name = "net";
    workload.layers.resize(2);
    workload.layers[0].name = "L1";
    workload.layers[1].name = "L2";
    network.layers = {"L1", "L2"};
    network.program.dram_bytes = 8;
  }
  LayerResult run(const BackendOptions& options, int wrong_element) {
    return run_simulated_network(accel, config, workload, network, options,
                                 [&](std::vector<uint8_t> dram) { return doubled(std::move(dram), wrong_element); });
  }
};

}  // namespace

TEST_CASE("a whole-network run builds operands and golden output once and still catches a wrong output",
          "[backend][network]") {
  FakeNetwork f;
  BackendOptions options;
  options.seed = 5;
  const LayerResult ok = f.run(options, -1);
  CHECK(f.accel.golden_builds == 1);
  CHECK(ok.outputs_checked);
  CHECK(ok.outputs_match);
  CHECK(ok.note.empty());
  CHECK(ok.cycles == 10);
  REQUIRE(ok.layer_cycles.size() == 2);
  CHECK(ok.layer_cycles[1].layer == "L2");
  CHECK(ok.layer_cycles[1].cycles == 6);
  const LayerResult wrong = f.run(options, 2);
  CHECK(f.accel.golden_builds == 2);
  CHECK(wrong.outputs_checked);
  CHECK_FALSE(wrong.outputs_match);
  CHECK(wrong.note == "output of layer 'L2' differs at element 2 of 4: got 7, expected 6");
}

TEST_CASE("golden cache: a network's operands and golden output are built once and read back",
          "[cache][golden][network]") {
  TempDir dir{"golden-net"};
  FakeNetwork f;
  BackendOptions options;
  options.seed = 5;
  options.golden = std::make_shared<const GoldenCache>(dir.path(), "sources-v1");
  CHECK(f.run(options, -1).outputs_match);
  CHECK(f.run(options, -1).outputs_match);
  CHECK(f.accel.golden_builds == 1);  // the second run read the cache
  // A wrong output is still caught against the cached golden output.
  const LayerResult wrong = f.run(options, 0);
  CHECK(f.accel.golden_builds == 1);
  CHECK_FALSE(wrong.outputs_match);
  CHECK(wrong.note == "output of layer 'L2' differs at element 0 of 4: got 11, expected 10");
  // Another seed is another entry; a stored image of another size than the Program's is rebuilt.
  options.seed = 6;
  CHECK(f.run(options, -1).outputs_match);
  CHECK(f.accel.golden_builds == 2);
  f.network.program.dram_bytes = 9;
  (void)options.golden->get_network(f.accel, f.config, f.workload, f.network, 6);
  CHECK(f.accel.golden_builds == 3);
}

TEST_CASE("golden cache: a network entry equals the accelerator's own and its key follows what decides it",
          "[cache][golden][network]") {
  TempDir dir{"golden-ut"};
  const GoldenCache cache(dir.path(), "sources-v1", kSource);
  const AccelConfig config = load_accel_config(kSource + "/models/ultratrail/configs/ultratrail-8x8.yaml");
  const Workload w = load_workload(kSource + "/models/workloads/tc_resnet8.yaml");
  const auto accel = AcceleratorRegistry::create("ultratrail");
  const NetworkProgram np = accel->map_network(w, config);
  const NetworkGolden fresh = accel->network_golden(w, config, 3);
  CHECK(fresh.dram.size() == np.program.dram_bytes);
  const NetworkGolden first = cache.get_network(*accel, config, w, np, 3);  // built and stored
  const NetworkGolden hit = GoldenCache(dir.path(), "sources-v1", kSource).get_network(*accel, config, w, np, 3);
  CHECK(first.dram == fresh.dram);
  CHECK(first.expected == fresh.expected);
  CHECK(hit.dram == fresh.dram);
  CHECK(hit.expected == fresh.expected);
  const std::string key = cache.network_key(config, w, 3);
  CHECK(cache.network_key(config, w, 4) != key);
  CHECK(GoldenCache(dir.path(), "sources-v2", kSource).network_key(config, w, 3) != key);
  CHECK(GoldenCache(dir.path(), "sources-v1", "").network_key(config, w, 3) != key);  // no accelerator sources
  Workload relu = w;
  relu.layers.back().relu = !relu.layers.back().relu;
  CHECK(cache.network_key(config, relu, 3) != key);
  Workload residual = w;
  residual.layers[2].residual_from = residual.layers[0].name;
  CHECK(cache.network_key(config, residual, 3) != key);
  Workload renamed = w;
  renamed.layers[1].name = "other";
  CHECK(cache.network_key(config, renamed, 3) != key);  // names route the dataflow
  // The same parameters on a slower bus: the same operands and golden output.
  const AccelConfig slow = load_accel_config(kSource + "/models/ultratrail/configs/ultratrail-8x8-slowbus.yaml");
  CHECK(cache.network_key(slow, w, 3) == key);
  AccelConfig bigger = config;
  bigger.params["fmem_words"].text = "2048";
  CHECK(cache.network_key(bigger, w, 3) != key);
  // A damaged file is rebuilt, not trusted.
  const std::string path = dir.path() + "/" + key.substr(0, 2) + "/" + key + ".bin";
  std::string stored = read_file(path);
  for (std::size_t i = 24; i < stored.size(); ++i) stored[i] = static_cast<char>(~stored[i]);
  write_file(path, stored.substr(0, stored.size() - 1));
  CHECK(cache.get_network(*accel, config, w, np, 3).expected == fresh.expected);
  write_file(path, stored + "tail");
  CHECK(cache.get_network(*accel, config, w, np, 3).dram == fresh.dram);
}
