// Whole-network accelerators in the harness: one case per config, network and view; per-layer
// cycles carried in the RunResult, compared per layer and per network, shown in the report.
#include <catch2/catch.hpp>

#include "tests/validation/harness_fixture.h"
#include "validation/harness/metrics.h"
#include "validation/harness/report.h"

using namespace acv;
using namespace acv::test;

namespace {

const std::string kSource = ACV_SOURCE_DIR;

RunResult network_run(const std::string& backend, const std::vector<int64_t>& layer_cycles, int64_t total) {
  RunResult r = make_run(backend, "net", total, backend == "rtl" ? 1.0 : 0.001);
  r.layers[0].kind = "network";
  for (std::size_t i = 0; i < layer_cycles.size(); ++i)
    r.layers[0].layer_cycles.push_back({"L" + std::to_string(i + 1), layer_cycles[i]});
  return r;
}

struct NetworkSuite {
  Manifest manifest;
  Outcomes outcomes;
  explicit NetworkSuite(Thresholds t) {
    manifest.suite_name = "nets";
    manifest.reference = "rtl";
    manifest.views = {make_view("rtl"), make_view("est", t)};
    for (std::size_t v = 0; v < 2; ++v) {
      Case c = make_case(v, "c", "net", "net", manifest.views[v]);
      c.layer_kind = kNetworkKind;
      manifest.cases.push_back(c);
    }
    // est: L1 +10 %, L2 -2 %, L3 exact; the network +1 %.
    const RunResult rtl = network_run("rtl", {100, 1000, 50}, 2000);
    const RunResult est = network_run("estimator", {110, 980, 50}, 2020);
    outcomes.push_back(outcome_from_run(manifest.cases[0], to_json(rtl), "rtl.json"));
    outcomes.push_back(outcome_from_run(manifest.cases[1], to_json(est), "est.json"));
  }
};

}  // namespace

TEST_CASE("a whole-network accelerator's suite has one case per config, network and view", "[suite][network]") {
  const Suite s = parse_suite(
      "suite: nets\nconfigs: [" + kSource + "/models/ultratrail/configs/ultratrail-8x8.yaml]\n"
      "workloads:\n  - file: " + kSource + "/models/workloads/tc_resnet8.yaml\n"
      "  - file: " + kSource + "/models/workloads/tcn_narrow_s8.yaml\n"
      "    budget: {cycles: 5000, note: real time}\n"
      "backends: [rtl, estimator]\n",
      "nets.yaml");
  REQUIRE(s.workloads[1].budget);
  CHECK(s.workloads[1].budget->cycles == 5000);
  CHECK_FALSE(s.workloads[0].budget);
  const std::vector<Case> cases = expand_cases(s);
  CHECK(make_manifest(s, cases).budgets.at("tcn_narrow_s8").note == "real time");
  REQUIRE(cases.size() == 4);
  CHECK(cases[0].layer == "tc_resnet8");
  CHECK(cases[0].layer_kind == kNetworkKind);
  CHECK(cases[0].macs == 1533504);
  CHECK(cases[0].key == "ultratrail-8x8/tc_resnet8/tc_resnet8/rtl");
  CHECK(cases[3].layer == "tcn_narrow_s8");
  CHECK(cases[0].layer_shape != cases[2].layer_shape);  // the cache key holds every layer

  const Suite picked = parse_suite(
      "suite: nets\nconfigs: [" + kSource + "/models/ultratrail/configs/ultratrail-8x8.yaml]\n"
      "workloads:\n  - file: " + kSource + "/models/workloads/tc_resnet8.yaml\n    layers: [conv1]\n"
      "backends: [rtl]\n",
      "picked.yaml");
  CHECK_THROWS_WITH(expand_cases(picked), Catch::Contains("picked.yaml:4") && Catch::Contains("runs whole networks"));
}

TEST_CASE("per-layer cycles survive the RunResult's JSON", "[network]") {
  const RunResult r = network_run("rtl", {100, 1000, 50}, 2000);
  const RunResult back = run_result_from_json(to_json(r), "r.json");
  REQUIRE(back.layers[0].layer_cycles.size() == 3);
  CHECK(back.layers[0].layer_cycles[1].layer == "L2");
  CHECK(back.layers[0].layer_cycles[1].cycles == 1000);
}

TEST_CASE("whole-network runs are compared per layer and per network, and both meet the thresholds",
          "[metrics][network]") {
  Thresholds t;
  t.mape_pct = 5;
  t.max_error_pct = 8;
  const NetworkSuite s(t);
  const Evaluation ev = evaluate(s.manifest, s.outcomes);
  const CaseMetrics& est = ev.cases[1];
  REQUIRE(est.parts.size() == 3);
  CHECK(est.parts[0].error_pct == Approx(10.0));
  CHECK(est.parts[1].error_pct == Approx(-2.0));
  CHECK(est.error_pct == Approx(1.0));  // the network
  const Aggregate& a = ev.configs[1];
  CHECK(a.view == "est");
  CHECK(a.mape_pct == Approx(1.0));
  CHECK(a.parts_compared == 3);
  CHECK(a.parts_mape_pct == Approx(4.0));
  CHECK(a.parts_max_abs_error_pct == Approx(10.0));
  CHECK(a.parts_max_error_layer == "c/net/L1");
  bool layer_max_failed = false, network_max_passed = false;
  for (const auto& c : ev.checks) {
    if (c.name == "est / c: per-layer max |error| <= 8 %") layer_max_failed = c.status == CheckStatus::Fail;
    if (c.name == "est / c: max |error| <= 8 %") network_max_passed = c.status == CheckStatus::Pass;
  }
  CHECK(layer_max_failed);  // L1 is 10 % off although the network is 1 % off
  CHECK(network_max_passed);
  CHECK_FALSE(ev.passed);
}

TEST_CASE("report.md shows each layer's cycles on every view, the network total and the budget", "[report][network]") {
  NetworkSuite s({});
  s.manifest.budgets["net"] = Budget{2500, "real time"};
  const Evaluation ev = evaluate(s.manifest, s.outcomes);
  TempDir dir("network-report");
  ReportOptions no_plots;
  no_plots.plots = false;
  write_reports(dir.path(), s.manifest, s.outcomes, ev, no_plots);
  const std::string md = read_file(dir / "report.md");
  CHECK_THAT(md, Catch::Contains("## Per layer within whole-network runs"));
  CHECK_THAT(md, Catch::Contains("| L1                      | 100        | 110        | +10.00    |"));
  CHECK_THAT(md, Catch::Contains("| **network (whole run)** | **2000**"));
  CHECK_THAT(read_file(dir / "summary.json"), Catch::Contains("\"layer_mape_pct\""));
  // The layers' 1150 cycles (the whole run: 2000) beside the budget of 2500.
  const std::size_t at = md.find("## Real-time budgets");
  REQUIRE(at != std::string::npos);
  const std::string budgets = md.substr(at, md.find("\n## ", at + 1) - at);
  CHECK_THAT(budgets, Catch::Matches("(.|\\n)*\\| c +\\| net +\\| 1150 +\\| 2000 +\\| 2500 +\\| 46\\.0 % +\\| real time +\\|(.|\\n)*"));
}
