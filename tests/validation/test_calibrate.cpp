// `acv calibrate` end to end on the real RTL: a shipped description broken on purpose (one named
// entry edited at test time) is calibrated back from RTL runs of small layers.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>

#include "models/common/accel_config.h"
#include "tests/validation/harness_fixture.h"
#include "validation/harness/calibration.h"

using nlohmann::json;

namespace acv::test {

namespace {

const std::string kSrc = ACV_SOURCE_DIR;
const std::string kTiny = kSrc + "/models/workloads/tiny.yaml";

std::string config_path(const std::string& accel, const std::string& name) {
  return kSrc + "/models/" + accel + "/configs/" + name + ".yaml";
}

struct Calibrated {
  int exit_code = -1;
  json result;
  std::string calibrated, diff, report, output;
};

Calibrated calibrate(const TempDir& tmp, const std::string& description, const std::string& config,
                     const std::string& fit, const std::string& extra = "", const std::string& workload = kTiny) {
  write_file(tmp / "broken.yaml", description);
  const std::string out = tmp / "out";
  const std::string cmd = std::string(ACV_BINARY) + " calibrate --config " + config + " --description " +
                          (tmp / "broken.yaml") + " --workload " + workload + " --fit " + fit + " --out " + out +
                          " --no-plots -j 2 " + extra + " > " + (tmp / "stdout") + " 2> " + (tmp / "stderr");
  Calibrated c;
  const int status = std::system(cmd.c_str());
  c.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  c.output = read_file(tmp / "stdout") + read_file(tmp / "stderr");
  if (c.exit_code != 0) return c;
  c.result = json::parse(read_file(out + "/calibration.json"));
  c.calibrated = read_file(out + "/calibrated.yaml");
  c.diff = read_file(out + "/calibrated.diff");
  c.report = read_file(out + "/report.md");
  return c;
}

int64_t config_int(const std::string& config, const std::string& key) { return load_accel_config(config).get_int(key); }

// The tiny workload leaves some gemmini params flat around their optimum; the calibration layers
// (models/workloads/calibration.yaml: shapes of no suite network, 29 layers) pin them.
const std::string kCalibrationLayers = kSrc + "/models/workloads/calibration.yaml";

// Fitted exactly and reported as determined.
void recovered(const json& result, const std::string& name, int64_t truth) {
  INFO(name << ": " << result["sensitivity"][name].dump());
  CHECK(result["sensitivity"][name]["status"] == "determined");
  CHECK(result["fitted"][name] == truth);
}

}  // namespace

TEST_CASE("calibrate recovers a wrong memory latency from RTL runs (systolic and gemmini)", "[calibrate]") {
  for (const auto& [accel, cfg] : std::vector<std::pair<std::string, std::string>>{
           {"systolic", "systolic-4x4-ws"}, {"gemmini", "gemmini-4x4-os"}}) {
    TempDir tmp("calibrate-mem");
    const std::string config = config_path(accel, cfg);
    const Calibrated c = calibrate(tmp, with_param(shipped_description(accel), "MEM_LATENCY", "10"), config, "MEM_LATENCY");
    INFO(cfg << ": " << c.output);
    REQUIRE(c.exit_code == 0);
    const int64_t truth = load_accel_config(config).dram.latency;
    CHECK(c.result["fitted"]["MEM_LATENCY"] == truth);
    CHECK(c.result["sensitivity"]["MEM_LATENCY"]["status"] == "determined");
    CHECK(c.result["train"]["before"]["mape"].get<double>() > 10.0);
    CHECK(c.result["train"]["mape"].get<double>() < 1.0);
    // The calibrated file carries the value on the broken entry's line, and the diff shows it.
    CHECK(c.calibrated.find("  MEM_LATENCY: " + std::to_string(truth) + "  # calibrated (was: 10)") != std::string::npos);
    CHECK(c.diff.find("\n-  MEM_LATENCY: 10\n+  MEM_LATENCY: " + std::to_string(truth)) != std::string::npos);
    CHECK(c.result["holdout"]["kind"] == "k-fold");
    // Each layer estimated with the value fitted without it meets the systolic sign-off bounds
    // (estimator MAPE 1 %, no layer over 3 %), stricter than gemmini's (2 %, 5 %).
    CHECK(c.result["holdout"]["mape"].get<double>() < 1.0);
    CHECK(c.result["holdout"]["max"].get<double>() < 3.0);
    for (const auto& fold : c.result["holdout"]["fold_fits"]) CHECK(fold[0] == truth);
  }
}

TEST_CASE("calibrate recovers a wrong latency expression (systolic WS fill, gemmini output latency)", "[calibrate]") {
  {
    TempDir tmp("calibrate-fill");
    // The WS compute step's fill: `m_len + R + C + 1` made `... + FILL` with FILL a wrong param.
    std::string text = shipped_description("systolic");
    const std::string expr = "latency: m_len + R + C + 1\n";
    REQUIRE(text.find(expr) != std::string::npos);
    text.replace(text.find(expr), expr.size(), "latency: m_len + R + C + FILL\n");
    text = with_param(text, "QD", "queue_depth\n  FILL: 5");
    const Calibrated c = calibrate(tmp, text, config_path("systolic", "systolic-4x4-ws"), "FILL");
    INFO(c.output);
    REQUIRE(c.exit_code == 0);
    CHECK(c.result["fitted"]["FILL"] == 1);
    CHECK(c.result["sensitivity"]["FILL"]["status"] == "determined");
  }
  {
    TempDir tmp("calibrate-out");
    // WS: a compute's record (its C rows, for the mvout) retires OUT_LATENCY - 1 after its last row.
    // (On the OS config the drained stores hide it: any value up to 10 fits there.)
    const std::string config = config_path("gemmini", "gemmini-4x4-ws");
    const Calibrated c = calibrate(tmp, with_param(shipped_description("gemmini"), "OUT_LATENCY", "2 * dim + 3"), config,
                                   "OUT_LATENCY", "", kCalibrationLayers);
    INFO(c.output);
    REQUIRE(c.exit_code == 0);
    recovered(c.result, "OUT_LATENCY", 2 * config_int(config, "dim"));
  }
}

TEST_CASE("calibrate recovers a wrong queue capacity, searching the description's unknowns", "[calibrate]") {
  const std::string config = config_path("gemmini", "gemmini-4x4-os");
  for (const std::string q : {"LDQ", "EXQ"}) {
    TempDir tmp("calibrate-queue");
    // The domain comes from a new `unknowns:` entry: a discrete set of depths.
    const std::string text =
        with_param(shipped_description("gemmini"), q, "2") + "\nunknowns:\n  " + q + ": {values: [1, 2, 4, 8, 16]}\n";
    const Calibrated c = calibrate(tmp, text, config, q, "", kCalibrationLayers);
    INFO(q << ": " << c.output);
    REQUIRE(c.exit_code == 0);
    recovered(c.result, q, config_int(config, q == "LDQ" ? "ld_queue_depth" : "ex_queue_depth"));
    CHECK(c.result["sensitivity"][q]["domain_from"] == "unknowns:");
  }
  SECTION("systolic: loads in flight tell depths below the config's apart, every depth from it on is alike; the range says so") {
    TempDir tmp("calibrate-qd");
    const std::string sys = config_path("systolic", "systolic-4x4-os");
    const Calibrated c = calibrate(tmp, with_param(shipped_description("systolic"), "QD", "1"), sys, "QD");
    INFO(c.output);
    REQUIRE(c.exit_code == 0);
    const auto& s = c.result["sensitivity"]["QD"];
    CHECK(s["status"] == "range");
    // The load queue holds the dma_loads in flight (rtl/systolic/README.md, "Load unit"), so a
    // shallower queue keeps fewer in flight; from the config's depth on the double buffers bind.
    CHECK(s["range"][0] == config_int(sys, "queue_depth"));
    CHECK(s["range"][1].get<int64_t>() >= config_int(sys, "queue_depth"));
    CHECK(c.result["train"]["mape"].get<double>() < c.result["train"]["before"]["mape"].get<double>());
  }
}

TEST_CASE("coordinate search recovers two coupled params (a short queue hides a slow memory)", "[calibrate]") {
  TempDir tmp("calibrate-coordinate");
  const std::string config = config_path("gemmini", "gemmini-4x4-ws");
  const std::string text = with_param(with_param(shipped_description("gemmini"), "LDQ", "2"), "MEM_LATENCY", "10");
  // 75 x 67 combinations: above the limit, so the coordinate search runs (from the description's
  // values alone it stops at MEM_LATENCY 38, LDQ 2; the coarse-grid start reaches the truth).
  const Calibrated c = calibrate(tmp, text, config, "MEM_LATENCY,LDQ", "--exhaustive-limit 100");
  INFO(c.output);
  REQUIRE(c.exit_code == 0);
  CHECK(c.result["search"]["method"] == "coordinate");
  CHECK(c.result["fitted"]["MEM_LATENCY"] == load_accel_config(config).dram.latency);
  CHECK(c.result["fitted"]["LDQ"] == config_int(config, "ld_queue_depth"));
  CHECK(c.result["train"]["mape"].get<double>() < 0.5);
}

TEST_CASE("calibrate recovers each single-parameter break on ultratrail and plasticine", "[calibrate]") {
  struct Break {
    std::string what, accel, config, fit;
    std::function<std::string(std::string)> broken;  // the shipped description -> the broken one
    int64_t truth;
    std::string extra;
  };
  const std::string ut = config_path("ultratrail", "ultratrail-8x8");
  const std::string pl = config_path("plasticine", "plasticine-2x2");
  // The OPU's latency `2` made a param, OPU, set wrong.
  auto opu = [](std::string text) {
    const std::string shipped = "unit: opu\n    latency: 2\n";
    REQUIRE(text.find(shipped) != std::string::npos);
    text.replace(text.find(shipped), shipped.size(), "unit: opu\n    latency: OPU\n");
    return with_param(text, "MEM_OUTSTANDING", "dram_max_outstanding\n  OPU: 6");
  };
  const int64_t pipe = config_int(pl, "stages") + 4 + 3;  // stages + log2_ceil(16 lanes) + 3
  const std::vector<Break> breaks = {
      {"memory latency", "ultratrail", ut, "MEM_LATENCY", [](std::string t) { return with_param(t, "MEM_LATENCY", "30"); },
       load_accel_config(ut).dram.latency, ""},
      {"OPU latency expression", "ultratrail", ut, "OPU", opu, 2, "--range OPU=0:16"},
      {"memory latency", "plasticine", pl, "MEM_LATENCY", [](std::string t) { return with_param(t, "MEM_LATENCY", "10"); },
       load_accel_config(pl).dram.latency, ""},
      {"pipeline depth expression", "plasticine", pl, "PIPE",
       [](std::string t) { return with_param(t, "PIPE", "stages + log2_ceil(lanes) + 5"); }, pipe, ""},
      {"queue capacity", "plasticine", pl, "QD",
       // Like systolic's, the tiny layers' buffers bound how far loads run ahead: only a range is pinned.
       [](std::string t) { return with_param(t, "QD", "1") + "\nunknowns:\n  QD: {values: [1, 2, 4, 8, 16]}\n"; },
       config_int(pl, "queue_depth"), ""},
  };
  for (const Break& b : breaks) {
    TempDir tmp("calibrate-" + b.accel);
    std::string workload = kTiny;
    std::string extra = b.extra;
    if (b.accel == "ultratrail") {  // whole networks: one train network, one held out
      workload = kSrc + "/models/workloads/tcn_narrow_s8.yaml";
      extra += " --holdout " + kSrc + "/models/workloads/tcn_k16_s4.yaml";
    }
    const Calibrated c = calibrate(tmp, b.broken(shipped_description(b.accel)), b.config, b.fit, extra, workload);
    INFO(b.accel << " " << b.what << ": " << c.output);
    REQUIRE(c.exit_code == 0);
    const auto& sens = c.result["sensitivity"][b.fit];
    if (b.fit == "QD") {
      CHECK(sens["status"] == "range");
      CHECK(sens["range"][0].get<int64_t>() > 1);  // the broken depth is ruled out
      CHECK(sens["range"][1].get<int64_t>() >= b.truth);
    } else {
      CHECK(c.result["fitted"][b.fit] == b.truth);
      CHECK(sens["status"] == "determined");
    }
    CHECK(c.result["train"]["mape"].get<double>() < c.result["train"]["before"]["mape"].get<double>());
  }
  // UltraTrail has no command queues (one controller runs each command to its end before it accepts
  // the next): it has no queue capacity to break.
  CHECK(shipped_description("ultratrail").find("\nqueues:") == std::string::npos);
}

TEST_CASE("calibrate names a param the workload cannot determine and keeps its value", "[calibrate]") {
  TempDir tmp("calibrate-undetermined");
  // Gemmini's WS weight banks are not used by OS computes: an OS config's layers cannot tell when
  // a bank frees.
  const std::string text = with_param(shipped_description("gemmini"), "WBANK_FREE", "50");
  const Calibrated c = calibrate(tmp, text, config_path("gemmini", "gemmini-4x4-os"), "WBANK_FREE,MEM_LATENCY");
  INFO(c.output);
  REQUIRE(c.exit_code == 0);
  CHECK(c.result["fitted"]["WBANK_FREE"].is_null());
  CHECK(c.result["sensitivity"]["WBANK_FREE"]["status"] == "undetermined");
  CHECK(c.result["sensitivity"]["WBANK_FREE"]["reason"].get<std::string>().rfind("WBANK_FREE: not determined by tiny: ", 0) == 0);
  CHECK(c.output.find("WBANK_FREE: not determined by tiny") != std::string::npos);
  CHECK(c.report.find("WBANK_FREE: not determined by tiny") != std::string::npos);
  CHECK(c.calibrated.find("\n  WBANK_FREE: 50\n") != std::string::npos);  // unchanged
  CHECK(c.result["sensitivity"]["MEM_LATENCY"]["status"] == "determined");
}

TEST_CASE("calibrate reports held-out error on a workload it did not fit on", "[calibrate]") {
  TempDir tmp("calibrate-holdout");
  const std::string config = config_path("systolic", "systolic-4x4-ws");
  const Calibrated c = calibrate(tmp, with_param(shipped_description("systolic"), "MEM_LATENCY", "100"), config, "MEM_LATENCY",
                                 "--holdout " + kSrc + "/models/workloads/calibration.yaml");
  INFO(c.output);
  REQUIRE(c.exit_code == 0);
  CHECK(c.result["fitted"]["MEM_LATENCY"] == load_accel_config(config).dram.latency);
  CHECK(c.result["holdout"]["kind"] == "workload");
  CHECK(c.result["holdout"]["layers"] == 29);
  // The systolic suite's sign-off bounds for the estimator: MAPE 1 %, no layer over 3 %.
  CHECK(c.result["holdout"]["mape"].get<double>() < 1.0);
  CHECK(c.result["holdout"]["max"].get<double>() < 3.0);
  CHECK(c.result["holdout"]["before"]["mape"].get<double>() > 10.0);
}

TEST_CASE("calibrate refuses a param the description lacks, naming its params", "[calibrate]") {
  TempDir tmp("calibrate-bad");
  const Calibrated c = calibrate(tmp, shipped_description("systolic"), config_path("systolic", "systolic-4x4-ws"), "NO_SUCH");
  CHECK(c.exit_code == 2);
  CHECK(c.output.find("--fit NO_SUCH: no params entry of that name (params: R, C,") != std::string::npos);
}

TEST_CASE("rewrite_params keeps the entry's comment and refuses a flow-style entry", "[calibrate]") {
  const std::string text = "params:\n  A: 3   # why\n  B: a + 1\n";
  auto d = parse_arch_description(text + "units:\n  u: {}\ninstructions:\n  op: {unit: u}\n", "d.yaml");
  CHECK(rewrite_params(text, *d, {{0, 7}, {1, 9}}) ==
        "params:\n  A: 7  # calibrated (was: 3) # why\n  B: 9  # calibrated (was: a + 1)\n");
  auto flow = parse_arch_description("params: {A: 3}\nunits:\n  u: {}\ninstructions:\n  op: {unit: u}\n", "f.yaml");
  CHECK_THROWS_WITH(rewrite_params("params: {A: 3}\n", *flow, {{0, 1}}), Catch::Contains("f.yaml:1: params.A"));
  CHECK(line_diff("a\nb\n", "a\nc\n", "x", "y") == "--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n");
}

}  // namespace acv::test
