// Metrics and sign-off checks on hand-made RunResults.
#include <catch2/catch.hpp>

#include "tests/validation/harness_fixture.h"
#include "validation/harness/metrics.h"

using namespace acv;
using namespace acv::test;

namespace {

Outcomes outcomes_of(const HandMadeSuite& s) {
  Outcomes out(s.manifest.cases.size());
  for (const auto& c : s.manifest.cases) out[c.index] = outcome_from_run(c, to_json(s.runs.at(c.key)), c.key);
  return out;
}

const Aggregate& find(const std::vector<Aggregate>& rows, const std::string& view, const std::string& config) {
  for (const auto& a : rows)
    if (a.view == view && a.config == config) return a;
  FAIL("no aggregate for " << view << " " << config);
  return rows.front();
}

}  // namespace

TEST_CASE("error is signed and relative to the reference; MAPE, max and mean per config", "[metrics]") {
  const HandMadeSuite s({});
  const Evaluation ev = evaluate(s.manifest, outcomes_of(s));
  REQUIRE(ev.cases.size() == 12);
  const CaseMetrics& first_est = ev.cases[1];
  CHECK(first_est.c->view.name == "est");
  CHECK(first_est.compared);
  CHECK(first_est.error_pct == Approx(10.0));
  CHECK_FALSE(ev.cases[0].compared);  // the reference is not compared with itself

  const Aggregate& c4 = find(ev.configs, "est", "c4");
  CHECK(c4.compared == 3);
  CHECK(c4.mape_pct == Approx(20.0 / 3));
  CHECK(c4.max_abs_error_pct == Approx(10.0));
  CHECK(c4.mean_error_pct == Approx(0.0).margin(1e-9));
  CHECK(c4.speedup == Approx(6.0 / 0.03));  // sum of RTL wall / sum of est wall

  const Aggregate& c8 = find(ev.configs, "est", "c8");
  CHECK(c8.mape_pct == Approx((20.0 + 5 + 3) / 3));
  CHECK(c8.max_abs_error_pct == Approx(20.0));
  CHECK(c8.max_error_layer == "c8/net/L1");

  const Aggregate& all = find(ev.views, "est", "");
  CHECK(all.compared == 6);
  CHECK(all.max_abs_error_pct == Approx(20.0));
  const Aggregate& rtl = find(ev.views, "rtl", "");
  CHECK(rtl.outputs_checked == 6);
  CHECK(rtl.outputs_matched == 6);
  CHECK(ev.networks.size() == 4);  // 2 views x 2 configs x 1 workload
  CHECK(ev.passed);
}

TEST_CASE("thresholds pass and fail per accelerator config, naming the check", "[metrics][signoff]") {
  Thresholds t;
  t.mape_pct = 8;         // c4: 6.7 passes, c8: 9.3 fails
  t.max_error_pct = 25;   // both pass
  const HandMadeSuite s(t);
  const Evaluation ev = evaluate(s.manifest, outcomes_of(s));
  CHECK_FALSE(ev.passed);
  CHECK(signoff_exit_code(ev) == 1);
  const auto failed = ev.failed_checks();
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].find("est / c8: MAPE <= 8 %") == 0);
}

TEST_CASE("a speedup below its limit warns and never fails sign-off", "[metrics][signoff]") {
  Thresholds t;
  t.min_speedup = 1000;  // both configs measure 200x: a busy machine's figure, not a model error
  const HandMadeSuite s(t);
  const Evaluation ev = evaluate(s.manifest, outcomes_of(s));
  CHECK(ev.passed);
  CHECK(signoff_exit_code(ev) == 0);
  CHECK(ev.failed_checks().empty());
  const auto warned = ev.warnings();
  REQUIRE(warned.size() == 2);
  CHECK(warned[0].find("est / c4: speedup >= 1000x (warning only)") == 0);
  CHECK(warned[1].find("est / c8: speedup >= 1000x (warning only)") == 0);
  for (const auto& c : ev.checks)
    if (c.metric == "min_speedup") CHECK(c.status == CheckStatus::Warn);
}

TEST_CASE("speedups are reported with their spread over the layers", "[metrics]") {
  const HandMadeSuite s({});
  const Evaluation ev = evaluate(s.manifest, outcomes_of(s));
  const Aggregate& c4 = find(ev.configs, "est", "c4");
  // RTL 1, 2 and 3 s per layer against 0.01 s each: 100x, 200x, 300x; 200x in sum.
  CHECK(c4.speedup == Approx(200));
  CHECK(c4.speedup_min == Approx(100));
  CHECK(c4.speedup_median == Approx(200));
  CHECK(c4.speedup_max == Approx(300));
  const Aggregate& rtl = find(ev.views, "rtl", "");
  CHECK(rtl.speedup_max == 0);  // the reference is compared with nothing
}

TEST_CASE("an output mismatch and a failed run fail sign-off", "[metrics][signoff]") {
  HandMadeSuite s({});
  Outcomes out = outcomes_of(s);
  out[0]->layer.outputs_match = false;
  out[2]->status = CaseStatus::Failed;
  out[2]->message = "exit code 3";
  const Evaluation ev = evaluate(s.manifest, out);
  CHECK_FALSE(ev.passed);
  const auto failed = ev.failed_checks();
  REQUIRE(failed.size() == 2);
  CHECK(failed[0].find("rtl: all runs completed") == 0);
  CHECK(failed[1].find("rtl: outputs match golden (1 of 5 layers differ)") == 0);
  // The est case of a failed reference is not compared.
  CHECK_FALSE(ev.cases[3].compared);
}

TEST_CASE("an absent view is reported but does not fail sign-off", "[metrics][signoff]") {
  Thresholds t;
  t.mape_pct = 1;
  HandMadeSuite s({});
  s.manifest.views.push_back(make_view("tlm-at", t, "tlm"));
  const std::size_t n = s.manifest.cases.size();
  s.manifest.cases.push_back(make_case(n, "c4", "net", "L1", s.manifest.views.back()));
  Outcomes out = outcomes_of(HandMadeSuite({}));
  CaseOutcome absent;
  absent.status = CaseStatus::Absent;
  absent.message = "backend 'tlm' is not built";
  out.push_back(absent);
  const Evaluation ev = evaluate(s.manifest, out);
  CHECK(ev.passed);
  int skipped = 0;
  for (const auto& c : ev.checks) skipped += c.status == CheckStatus::Skipped;
  CHECK(skipped == 2);  // runs + MAPE of tlm-at on c4
}
