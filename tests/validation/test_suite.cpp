// Suite files: parsing and errors that name file, line and field.
#include <catch2/catch.hpp>
#include <cctype>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "models/common/accel_config.h"
#include "models/common/error.h"
#include "validation/harness/suite.h"

using namespace acv;

TEST_CASE("a suite names configs, workloads with layer selections, views with options and thresholds", "[suite]") {
  const Suite s = parse_suite(R"(suite: demo
configs: [../configs/a.yaml]
workloads:
  - ../workloads/tiny.yaml
  - { file: /abs/net.csv, layers: [Conv1, FC], max_layers: 2, max_macs: 1000000 }
backends:
  - rtl
  - name: tlm-at
    backend: tlm
    options: { tlm-mode: at }
    thresholds: { mape: 5, max_error: 15, min_speedup: 10 }
)", "/repo/models/suites/demo.yaml");
  CHECK(s.name == "demo");
  CHECK(s.configs[0] == "/repo/models/suites/../configs/a.yaml");
  CHECK(s.workloads[0].file == "/repo/models/suites/../workloads/tiny.yaml");
  CHECK(s.workloads[1].file == "/abs/net.csv");
  CHECK(s.workloads[1].layers == std::vector<std::string>{"Conv1", "FC"});
  CHECK(s.workloads[1].max_layers == 2);
  CHECK(s.views.size() == 2);
  CHECK(s.views[0].backend == "rtl");
  CHECK(s.views[1].backend == "tlm");
  CHECK(s.views[1].options_key() == "tlm-mode=at");
  CHECK(*s.views[1].thresholds.mape_pct == 5);
  CHECK(*s.views[1].thresholds.min_speedup == 10);
  CHECK(s.reference == "rtl");
  CHECK_FALSE(s.signoff);  // only suites that say so are run by scripts/validate
}

TEST_CASE("suite errors name file, line and field", "[suite]") {
  const std::string head = "configs: [a.yaml]\nworkloads: [w.yaml]\n";
  CHECK_THROWS_WITH(parse_suite(head + "backends: [rtl]\nthreshold: {}\n", "s.yaml"),
                    Catch::Contains("s.yaml:4") && Catch::Contains("threshold") && Catch::Contains("unknown key"));
  CHECK_THROWS_WITH(parse_suite(head + "backends:\n  - rtl\n  - rtl\n", "s.yaml"),
                    Catch::Contains("s.yaml:5") && Catch::Contains("duplicate"));
  CHECK_THROWS_WITH(parse_suite(head + "backends: [estimator]\n", "s.yaml"),
                    Catch::Contains("reference view 'rtl'"));
  CHECK_THROWS_WITH(parse_suite(head + "backends:\n  - rtl\n  - name: e\n    thresholds: { mape: fast }\n", "s.yaml"),
                    Catch::Contains("s.yaml:6") && Catch::Contains("mape") && Catch::Contains("number"));
  CHECK_THROWS_WITH(parse_suite(head + "backends:\n  - rtl\n  - name: e\n    options: { json: x }\n", "s.yaml"),
                    Catch::Contains("options.json"));
  CHECK_THROWS_WITH(parse_suite(head + "signoff: maybe\nbackends: [rtl]\n", "s.yaml"),
                    Catch::Contains("s.yaml:3") && Catch::Contains("signoff") && Catch::Contains("true or false"));
  CHECK_THROWS_AS(load_suite("/nonexistent/suite.yaml"), InputError);
}

TEST_CASE("case keys become safe file names", "[suite]") {
  CHECK(safe_file_name("systolic-4x4-os/tiny/conv1_a/tlm-at") == "systolic-4x4-os__tiny__conv1_a__tlm-at");
  const std::string spaced = safe_file_name("systolic-4x4-os/tiny/conv 1/tlm-at");
  CHECK_THAT(spaced, Catch::StartsWith("systolic-4x4-os__tiny__conv_1__tlm-at+"));
  for (char c : spaced) CHECK((std::isalnum(static_cast<unsigned char>(c)) || std::string("._-+").find(c) != std::string::npos));
}

TEST_CASE("distinct case keys never share a file name", "[suite]") {
  // Each group's keys all read the same once unsafe characters become '_' and '/' becomes "__".
  const std::vector<std::vector<std::string>> lookalikes = {
      {"c/w/a#1/rtl", "c/w/a_1/rtl", "c/w/a 1/rtl", "c/w/a/1/rtl"},
      {"c/w/a_/b/rtl", "c/w/a/_b/rtl", "c/w/a___b/rtl", "c/w/a/b_/rtl"},
      {"c/w/x__y/rtl", "c/w/x/y/rtl", "c/w/x_ y/rtl", "c/w/x _y/rtl"},
  };
  std::set<std::string> names;
  std::size_t keys = 0;
  for (const auto& group : lookalikes)
    for (const auto& key : group) {
      ++keys;
      names.insert(safe_file_name(key));
    }
  CHECK(names.size() == keys);
}

#ifdef ACV_SOURCE_DIR
namespace {

std::set<std::string> layer_names(const std::vector<Case>& cases) {
  std::set<std::string> out;
  for (const auto& c : cases) out.insert(c.workload_name + "/" + c.layer);
  return out;
}

}  // namespace

TEST_CASE("the shipped suites parse and expand, and each accelerator has a sign-off suite named after it", "[suite]") {
  std::set<std::string> signoff;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(ACV_SOURCE_DIR) + "/models/suites")) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path());
    const Suite s = load_suite(entry.path().string());
    CHECK(s.name == entry.path().stem().string());  // scripts/validate writes results/<name>
    CHECK(s.reference == "rtl");
    const std::vector<Case> cases = expand_cases(s);
    CHECK_FALSE(cases.empty());
    if (s.signoff) signoff.insert(s.name);
  }
  CHECK(signoff.count("systolic"));
  CHECK(signoff.count("gemmini"));
  CHECK_FALSE(signoff.count("quick"));
}

TEST_CASE("the gemmini suite: issue 6's layers and issue 14's 3x3 bodies on DIM 8 and 16, WS and OS, the auto-mapped configs, its thresholds, fitted regressions", "[suite]") {
  const std::string root = ACV_SOURCE_DIR;
  const Suite s = load_suite(root + "/models/suites/gemmini.yaml");
  const std::vector<Case> cases = expand_cases(s);
  std::set<std::string> configs;
  for (const auto& c : cases) {
    CHECK(c.accelerator == "gemmini");
    configs.insert(c.config_name);
  }
  CHECK(configs == std::set<std::string>{"gemmini-8x8-ws", "gemmini-8x8-os", "gemmini-16x16-ws", "gemmini-16x16-os",
                                         "gemmini-16x16-ws-auto", "gemmini-16x16-os-auto"});
  CHECK(layer_names(cases) == std::set<std::string>{"Resnet18/Conv1", "Resnet18/Conv2_1a", "Resnet18/Conv3_s",
                                                    "Resnet18/Conv5_s", "Resnet18/FC", "Resnet18/Conv3_1b",
                                                    "Resnet18/Conv4_1b", "Resnet18/Conv5_1b", "mobilenet/Conv1",
                                                    "mobilenet/Conv4", "mobilenet/Conv26", "alexnet/Conv3",
                                                    "yolo_tiny/Conv1", "yolo_tiny/Conv9", "NCF/2", "NCF/10",
                                                    "NCF/12", "gpt2/QKT"});
  CHECK(cases.size() == 6 * 18 * 6);
  // Sign-off targets of issue 6.
  const View* est = s.find_view("estimator");
  REQUIRE(est);
  CHECK(*est->thresholds.mape_pct == 2);
  CHECK(*est->thresholds.max_error_pct == 5);
  const View* at = s.find_view("tlm-at");
  REQUIRE(at);
  CHECK(*at->thresholds.mape_pct == 3);
  REQUIRE(s.find_view("tlm-lt"));
  CHECK(*s.find_view("tlm-lt")->thresholds.mape_pct == 5);
  REQUIRE(s.find_view("roofline"));
  CHECK_FALSE(s.find_view("roofline")->thresholds.any());
  REQUIRE(s.find_view("regression"));
  CHECK_FALSE(s.find_view("regression")->thresholds.any());

  // Every config names its fitted regression model, and the training layers
  // (models/workloads/calibration.yaml) are none of the suite's layers (compared by shape).
  Suite training;
  training.configs = s.configs;
  WorkloadSelection cal;
  cal.file = root + "/models/workloads/calibration.yaml";
  training.workloads = {cal};
  training.views = {s.views.front()};
  std::set<std::string> training_shapes;
  for (const auto& c : expand_cases(training)) training_shapes.insert(c.layer_shape);
  CHECK(training_shapes.size() > 20);
  for (const auto& c : cases) {
    INFO(c.key);
    CHECK_FALSE(training_shapes.count(c.layer_shape));
  }
  for (const auto& path : s.configs) {
    const AccelConfig cfg = load_accel_config(path);
    INFO(path);
    const std::filesystem::path model = std::filesystem::path(cfg.regression_model).lexically_normal();
    CHECK(model.filename() == cfg.name + ".json");
    CHECK(model.parent_path().filename() == "regression");
    CHECK(std::filesystem::exists(model));
  }
}
#endif
