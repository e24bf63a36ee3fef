// ONNX workloads end to end: the ResNet-18-shaped model of tests/models/onnx/make_models.py runs
// through every view (acv run, the real binary) with the same results as its hand-written YAML.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "models/common/run_result.h"

namespace acv {
namespace {

namespace fs = std::filesystem;

struct View {
  const char* name;
  std::vector<std::string> args;
};

// `acv run` of one view; the RunResult it wrote.
RunResult run_view(const std::string& config, const View& view, const std::string& workload,
                   const std::string& tag) {
  const fs::path out = fs::path(ACV_TEST_OUT_DIR) / "onnx-end-to-end";
  fs::create_directories(out);
  const std::string json = (out / (tag + ".json")).string();
  std::string cmd = std::string("'") + ACV_BINARY + "' run --config '" + config + "' --workload '" +
                    workload + "' --json '" + json + "' --quiet";
  for (const auto& a : view.args) cmd += " " + a;
  cmd += " 2>'" + (out / (tag + ".stderr")).string() + "'";
  INFO(cmd);
  REQUIRE(std::system(cmd.c_str()) == 0);  // exit 0: every checked output equals the golden reference
  std::ifstream in(json);
  std::stringstream text;
  text << in.rdbuf();
  return run_result_from_json(text.str(), json);
}

// The views an ONNX workload runs through, as `acv run` options.
std::vector<View> every_view() {
  return {{"rtl", {"--backend rtl"}},
          {"tlm-lt", {"--backend tlm", "--tlm-mode lt"}},
          {"tlm-at", {"--backend tlm", "--tlm-mode at"}},
          {"estimator", {"--backend estimator"}}};
}

TEST_CASE("a ResNet-18-shaped ONNX model runs through every view with the cycles of its YAML equivalent",
          "[onnx][end-to-end]") {
  const std::string onnx = std::string(ACV_ONNX_MODELS_DIR) + "/resnet18_small.onnx";
  const std::string yaml = std::string(ACV_SOURCE_DIR) + "/tests/models/onnx/resnet18_small.yaml";
  const std::vector<View> views = every_view();
  for (const char* config :
       {"systolic/configs/systolic-4x4-os.yaml", "gemmini/configs/gemmini-4x4-ws.yaml"}) {
    const std::string cfg = std::string(ACV_SOURCE_DIR) + "/models/" + config;
    for (const auto& view : views) {
      CAPTURE(config, view.name);
      const std::string tag = fs::path(config).stem().string() + "-" + view.name;
      const RunResult from_onnx = run_view(cfg, view, onnx, tag + "-onnx");
      const RunResult from_yaml = run_view(cfg, view, yaml, tag + "-yaml");
      CHECK(from_onnx.skipped_operators.size() == 34);  // BatchNormalization, Relu, Add, Flatten
      CHECK(from_yaml.skipped_operators.empty());
      REQUIRE(from_onnx.layers.size() == 23);
      REQUIRE(from_onnx.layers.size() == from_yaml.layers.size());
      int ran = 0;
      for (std::size_t i = 0; i < from_onnx.layers.size(); ++i) {
        const LayerResult& a = from_onnx.layers[i];
        const LayerResult& b = from_yaml.layers[i];
        CAPTURE(b.layer);
        CHECK(a.layer == b.layer);
        CHECK(a.kind == b.kind);
        CHECK(a.status == b.status);
        CHECK(a.macs == b.macs);
        CHECK(a.cycles == b.cycles);
        CHECK(a.outputs_checked == b.outputs_checked);
        CHECK(a.output_hash == b.output_hash);
        if (a.status == "ok") {
          ++ran;
          CHECK(a.cycles > 0);
        }
        // The simulators check outputs; the estimator computes none.
        if (view.name != std::string("estimator") && a.status == "ok") CHECK(a.outputs_checked);
      }
      CHECK(ran == 21);  // every conv and the classifier; neither accelerator has a pooling unit
    }
  }
}

TEST_CASE(
    "a TC-ResNet8-shaped ONNX model runs whole on ultratrail through every view with the cycles of "
    "tc_resnet8.yaml",
    "[onnx][end-to-end]") {
  // The network runs from the ONNX graph's dataflow (inputs, residual adds, ReLUs): a layer wired
  // differently would compute other outputs (the golden check) and other cycles.
  const std::string onnx = std::string(ACV_ONNX_MODELS_DIR) + "/tc_resnet8.onnx";
  const std::string yaml = std::string(ACV_SOURCE_DIR) + "/models/workloads/tc_resnet8.yaml";
  const std::string cfg = std::string(ACV_SOURCE_DIR) + "/models/ultratrail/configs/ultratrail-8x8.yaml";
  const std::vector<View> views = every_view();
  for (const auto& view : views) {
    CAPTURE(view.name);
    const std::string tag = std::string("ultratrail-tc_resnet8-") + view.name;
    const RunResult from_onnx = run_view(cfg, view, onnx, tag + "-onnx");
    const RunResult from_yaml = run_view(cfg, view, yaml, tag + "-yaml");
    CHECK(from_onnx.skipped_operators.size() == 13);  // per block 3 Relu and an Add; the Flatten
    // One network result: its cycles, its output check, and each layer's cycles within it.
    REQUIRE(from_onnx.layers.size() == 1);
    REQUIRE(from_yaml.layers.size() == 1);
    const LayerResult& a = from_onnx.layers[0];
    const LayerResult& b = from_yaml.layers[0];
    CHECK(a.kind == "network");
    CHECK(a.status == b.status);
    CHECK(a.macs == b.macs);
    CHECK(a.cycles == b.cycles);
    CHECK(a.cycles > 0);
    CHECK(a.outputs_checked == b.outputs_checked);
    CHECK(a.output_hash == b.output_hash);
    if (view.name != std::string("estimator")) CHECK((a.outputs_checked && a.outputs_match));
    REQUIRE(a.layer_cycles.size() == 11);  // the pool runs in block3_conv2's output processing
    REQUIRE(a.layer_cycles.size() == b.layer_cycles.size());
    for (std::size_t i = 0; i < a.layer_cycles.size(); ++i) {
      CAPTURE(b.layer_cycles[i].layer);
      CHECK(a.layer_cycles[i].layer == b.layer_cycles[i].layer);
      CHECK(a.layer_cycles[i].cycles == b.layer_cycles[i].cycles);
    }
    CHECK(from_onnx.total_cycles() == from_yaml.total_cycles());
  }
}

}  // namespace
}  // namespace acv
