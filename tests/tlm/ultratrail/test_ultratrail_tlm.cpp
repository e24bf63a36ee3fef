// The ultratrail TLM model: whole networks in LT and AT equal the golden reference and the RTL's
// cycles, per network and per layer, on both shipped configs; a misconfigured layer is an error;
// the output regions alone carry a network's result back; words never written read zero.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "models/common/accelerator.h"
#include "models/common/workload_reader.h"
#include "models/ultratrail/ultratrail_accelerator.h"
#include "rtl/common/rtl_driver.h"
#include "tlm/common/child_process.h"
#include "tlm/common/tlm_mode.h"
#include "tlm/common/tlm_runner.h"

using namespace acv;

namespace {

const std::string kRoot = ACV_SOURCE_DIR;

SimulationOutput run_tlm(const Program& program, const AccelConfig& config, std::vector<uint8_t> dram, TlmMode mode) {
  return run_in_child_process(
      [&] { return TlmRunnerRegistry::create("ultratrail")->run(program, config, std::move(dram), mode); });
}

}  // namespace

TEST_CASE("ultratrail TLM equals the golden reference and the RTL's cycles per network and layer, LT and AT",
          "[tlm][ultratrail][rtl]") {
  const std::string config_name = GENERATE(as<std::string>{}, "ultratrail-8x8", "ultratrail-8x8-slowbus");
  const std::string net = GENERATE(as<std::string>{}, "tc_resnet8", "tcn_wide_k5", "tcn_k16_s4", "tcn_narrow_s8");
  CAPTURE(config_name, net);
  const AccelConfig config = load_accel_config(kRoot + "/models/ultratrail/configs/" + config_name + ".yaml");
  const Workload w = load_workload(kRoot + "/models/workloads/" + net + ".yaml");
  const auto accel = AcceleratorRegistry::create("ultratrail");
  const NetworkProgram np = accel->map_network(w, config);
  const NetworkGolden golden = accel->network_golden(w, config, 9);
  const std::vector<uint8_t>& dram = golden.dram;
  const SimulationOutput rtl = RtlDriverRegistry::create("ultratrail")->run(np.program, config, dram, RtlRunOptions{});
  for (const TlmMode mode : {TlmMode::LooselyTimed, TlmMode::ApproximatelyTimed}) {
    CAPTURE(to_string(mode));
    const SimulationOutput out = run_tlm(np.program, config, dram, mode);
    CHECK(accel->read_network_output(w, config, out.dram) == golden.expected);
    CHECK(out.cycles == rtl.cycles);
    for (std::size_t i = 0; i < np.layers.size(); ++i) {
      const std::string key = "layer." + std::to_string(i) + ".cycles";
      CAPTURE(np.layers[i]);
      CHECK(out.counters.at(key) == rtl.counters.at(key));
    }
    for (const char* c : {"mac.busy", "mac.stall.setup", "mac.stall.drain", "opu.writes"}) {
      CAPTURE(c);
      CHECK(out.counters.at(c) == rtl.counters.at(c));
    }
  }
}

TEST_CASE("a network's output regions alone bring its whole result back from the TLM child", "[tlm][ultratrail]") {
  // What the tlm backend does for networks: only the Program's output regions travel back, over
  // the image the child started from. The model writes external memory nowhere else, so the
  // image equals the one sent back whole.
  const AccelConfig config = load_accel_config(kRoot + "/models/ultratrail/configs/ultratrail-8x8.yaml");
  const Workload w = load_workload(kRoot + "/models/workloads/tc_resnet8.yaml");
  const auto accel = AcceleratorRegistry::create("ultratrail");
  const NetworkProgram np = accel->map_network(w, config);
  const NetworkGolden golden = accel->network_golden(w, config, 4);
  const SimulationOutput whole = run_tlm(np.program, config, golden.dram, TlmMode::LooselyTimed);
  std::vector<uint8_t> base = golden.dram;
  ImageReturn image;
  image.base = &base;
  for (const DramRegion& r : np.program.regions)
    if (r.is_output) image.ranges.push_back({r.base, r.bytes});
  REQUIRE(image.ranges.size() == 1);
  std::vector<uint8_t> dram = golden.dram;
  const SimulationOutput part = run_in_child_process(
      [&] {
        return TlmRunnerRegistry::create("ultratrail")->run(np.program, config, std::move(dram),
                                                            TlmMode::LooselyTimed);
      },
      image);
  CHECK(part.cycles == whole.cycles);
  CHECK(part.dram == whole.dram);
  CHECK(accel->read_network_output(w, config, part.dram) == golden.expected);
}

TEST_CASE("a layer that reads and writes one FMEM is a BackendError on the TLM model", "[tlm][ultratrail]") {
  const AccelConfig config = load_accel_config(kRoot + "/models/ultratrail/configs/ultratrail-8x8.yaml");
  const ultratrail::Params p = ultratrail::read_params(config);
  const Workload w = parse_workload_yaml(
      "layers:\n  - {name: a, type: conv1d, in_channels: 8, length: 20, out_channels: 8, kernel: 3}\n", "one.yaml");
  ultratrail::NetworkMap net = ultratrail::map_network("net", w.layers, p, config.file);
  net.layers[0].dst = net.layers[0].src;
  const auto dram = ultratrail::network_dram_image(net, ultratrail::make_network_data(net, 1), p);
  CHECK_THROWS_WITH(run_tlm(ultratrail::network_program(net, p), config, dram, TlmMode::LooselyTimed),
                    Catch::Contains("layer 0 is misconfigured"));
}

namespace {

// The Program without its top-level command `opcode` on memory `mem`; how many were removed.
int remove_commands(Program& program, int opcode, int64_t mem) {
  auto& body = program.top.body;
  const auto before = body.size();
  body.erase(std::remove_if(body.begin(), body.end(),
                            [&](const Statement& s) {
                              return !s.loop && s.instr.opcode == opcode &&
                                     s.instr.operands[ultratrail::kLdMem].base == mem;
                            }),
             body.end());
  return static_cast<int>(before - body.size());
}

}  // namespace

TEST_CASE("weight words never loaded read zero on the TLM model", "[tlm][ultratrail][rtl]") {
  // The model allocates its memories as they are used; a word nothing wrote still reads zero, as
  // when they were zero-filled (the RTL leaves its SRAMs uninitialized: --x-initial fast). The
  // network without its weight load computes with zero weights; cycles stay the RTL's.
  const AccelConfig config = load_accel_config(kRoot + "/models/ultratrail/configs/ultratrail-8x8.yaml");
  const ultratrail::Params p = ultratrail::read_params(config);
  const Workload w = load_workload(kRoot + "/models/workloads/tcn_narrow_s8.yaml");
  const ultratrail::NetworkMap net = ultratrail::map_network(w.name, w.layers, p, config.file);
  Program program = ultratrail::network_program(net, p);
  REQUIRE(remove_commands(program, ultratrail::kLoad, ultratrail::kWmem) == 1);
  const ultratrail::NetworkData data = ultratrail::make_network_data(net, 3);
  ultratrail::NetworkData zero_weights = data;
  for (auto& layer : zero_weights.weights) std::fill(layer.begin(), layer.end(), int8_t{0});
  const std::vector<int8_t> expected = ultratrail::golden_network(net, zero_weights).back();
  REQUIRE(expected != ultratrail::golden_network(net, data).back());  // the weights matter
  const std::vector<uint8_t> dram = ultratrail::network_dram_image(net, data, p);
  const SimulationOutput rtl = RtlDriverRegistry::create("ultratrail")->run(program, config, dram, RtlRunOptions{});
  for (const TlmMode mode : {TlmMode::LooselyTimed, TlmMode::ApproximatelyTimed}) {
    CAPTURE(to_string(mode));
    const SimulationOutput out = run_tlm(program, config, dram, mode);
    CHECK(ultratrail::read_network_output(net, p, out.dram) == expected);
    CHECK(out.cycles == rtl.cycles);
  }
}

TEST_CASE("a store of feature words never written sends zeros on the TLM model", "[tlm][ultratrail][rtl]") {
  const AccelConfig config = load_accel_config(kRoot + "/models/ultratrail/configs/ultratrail-8x8.yaml");
  const ultratrail::Params p = ultratrail::read_params(config);
  const Workload w = parse_workload_yaml(
      "layers:\n  - {name: a, type: conv1d, in_channels: 8, length: 20, out_channels: 8, kernel: 3}\n", "one.yaml");
  const ultratrail::NetworkMap net = ultratrail::map_network("net", w.layers, p, config.file);
  REQUIRE(net.layers.size() == 1);
  const int unused = 3 - net.layers[0].src - net.layers[0].dst;  // the FMEM neither read nor written
  Program program = ultratrail::network_program(net, p);
  int64_t dram_addr = -1, bytes = 0;
  for (Statement& s : program.top.body)
    if (!s.loop && s.instr.opcode == ultratrail::kStore) {
      s.instr.operands[ultratrail::kLdMem] = Expr(unused);
      dram_addr = s.instr.operands[ultratrail::kLdDramAddr].base;
      bytes = s.instr.operands[ultratrail::kLdWords].base * p.fmem_word_bytes();
    }
  REQUIRE(dram_addr >= 0);
  REQUIRE(bytes > 0);
  std::vector<uint8_t> dram = ultratrail::network_dram_image(net, ultratrail::make_network_data(net, 1), p);
  const auto first = static_cast<std::ptrdiff_t>(dram_addr);
  std::fill(dram.begin() + first, dram.begin() + first + bytes, uint8_t{0xA5});
  const SimulationOutput rtl = RtlDriverRegistry::create("ultratrail")->run(program, config, dram, RtlRunOptions{});
  for (const TlmMode mode : {TlmMode::LooselyTimed, TlmMode::ApproximatelyTimed}) {
    CAPTURE(to_string(mode));
    const SimulationOutput out = run_tlm(program, config, dram, mode);
    CHECK(std::all_of(out.dram.begin() + first, out.dram.begin() + first + bytes, [](uint8_t b) { return b == 0; }));
    CHECK(out.cycles == rtl.cycles);
  }
}

TEST_CASE("a runner prepared before the fork runs the Program and config it is given", "[tlm][ultratrail]") {
  // The tlm backend prepares the runner in its own process; run() in the child must still run
  // its own arguments when they are not the prepared ones.
  const AccelConfig config = load_accel_config(kRoot + "/models/ultratrail/configs/ultratrail-8x8.yaml");
  const auto accel = AcceleratorRegistry::create("ultratrail");
  const Workload a = load_workload(kRoot + "/models/workloads/tcn_narrow_s8.yaml");
  const Workload b = load_workload(kRoot + "/models/workloads/tcn_k16_s4.yaml");
  const NetworkProgram pa = accel->map_network(a, config), pb = accel->map_network(b, config);
  const NetworkGolden ga = accel->network_golden(a, config, 2), gb = accel->network_golden(b, config, 2);
  const SimulationOutput alone_b = run_tlm(pb.program, config, gb.dram, TlmMode::LooselyTimed);
  const auto runner = TlmRunnerRegistry::create("ultratrail");
  runner->prepare(pa.program, config);
  auto in_child = [&](const Program& program, const std::vector<uint8_t>& dram) {
    return run_in_child_process([&] { return runner->run(program, config, dram, TlmMode::LooselyTimed); });
  };
  const SimulationOutput prepared_a = in_child(pa.program, ga.dram);
  CHECK(accel->read_network_output(a, config, prepared_a.dram) == ga.expected);
  const SimulationOutput other_b = in_child(pb.program, gb.dram);  // prepared for a
  CHECK(other_b.cycles == alone_b.cycles);
  CHECK(other_b.dram == alone_b.dram);
  CHECK(accel->read_network_output(b, config, other_b.dram) == gb.expected);
}

TEST_CASE("a load past WMEM is a BackendError on the TLM model though its storage is allocated as used",
          "[tlm][ultratrail]") {
  const AccelConfig config = load_accel_config(kRoot + "/models/ultratrail/configs/ultratrail-8x8.yaml");
  const ultratrail::Params p = ultratrail::read_params(config);
  const Workload w = load_workload(kRoot + "/models/workloads/tcn_narrow_s8.yaml");
  const ultratrail::NetworkMap net = ultratrail::map_network(w.name, w.layers, p, config.file);
  Program program = ultratrail::network_program(net, p);
  int loads = 0;
  for (Statement& s : program.top.body)
    if (!s.loop && s.instr.opcode == ultratrail::kLoad &&
        s.instr.operands[ultratrail::kLdMem].base == ultratrail::kWmem) {
      s.instr.operands[ultratrail::kLdAddr] = Expr(p.wmem_words - s.instr.operands[ultratrail::kLdWords].base + 1);
      ++loads;
    }
  REQUIRE(loads == 1);
  const auto dram = ultratrail::network_dram_image(net, ultratrail::make_network_data(net, 1), p);
  for (const TlmMode mode : {TlmMode::LooselyTimed, TlmMode::ApproximatelyTimed}) {
    CAPTURE(to_string(mode));
    CHECK_THROWS_WITH(run_tlm(program, config, dram, mode),
                      Catch::Contains("load of words") && Catch::Contains("in memory 3"));
  }
}
