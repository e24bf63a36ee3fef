// Running cases as processes: crashes are reported, not fatal; shards merge into the same report.
#include <catch2/catch.hpp>

#include "tests/validation/harness_fixture.h"
#include "validation/harness/metrics.h"
#include "validation/harness/process_pool.h"
#include "validation/harness/report.h"

using namespace acv;
using namespace acv::test;

TEST_CASE("process pool reports exit codes, signals, spawn errors and timeouts", "[campaign]") {
  std::vector<ProcessSpec> specs(5);
  specs[0].argv = {"/bin/true"};
  specs[1].argv = {"/bin/false"};
  specs[2].argv = {"/bin/sh", "-c", "kill -SEGV $$"};
  specs[3].argv = {"/nonexistent/acv"};
  specs[4].argv = {"/bin/sleep", "5"};
  specs[4].timeout_seconds = 0.2;
  std::vector<ProcessResult> results(specs.size());
  int started = 0;
  ProcessPool(3).run(specs, [&](std::size_t) { ++started; }, [&](std::size_t i, const ProcessResult& r) { results[i] = r; });
  CHECK(started == 5);
  CHECK(results[0].ok());
  CHECK(results[1].describe() == "exit code 1");
  CHECK(results[2].signal == 11);
  CHECK_THAT(results[2].describe(), Catch::Contains("signal 11"));
  CHECK_THAT(results[3].describe(), Catch::Contains("cannot start /nonexistent/acv"));
  CHECK(results[4].timed_out);
  CHECK(results[4].wall_seconds < 4);
}

TEST_CASE("a crashed backend run is reported with its stderr and the campaign goes on", "[campaign]") {
  TempDir tmp("crash");
  const HandMadeSuite s({});
  s.write_runs(tmp / "handmade");
  CampaignOptions o = s.options(tmp / "handmade", tmp / "out");
  const auto copy = o.command;
  o.command = [copy](const Case& c, const std::string& json) {
    if (c.key == "c4/net/L2/rtl") return std::vector<std::string>{"/bin/sh", "-c", "echo 'verilator: assertion failed' >&2; kill -SEGV $$"};
    if (c.key == "c8/net/L3/est") return std::vector<std::string>{"/bin/false"};
    return copy(c, json);
  };
  CampaignStats stats;
  const Outcomes out = run_campaign(s.manifest, o, &stats);
  CHECK(stats.ran == 12);
  CHECK(stats.failed == 2);
  const CaseOutcome& crashed = *out[2];
  CHECK(crashed.status == CaseStatus::Failed);
  CHECK_THAT(crashed.message, Catch::Contains("signal 11") && Catch::Contains("verilator: assertion failed"));
  CHECK(out[11]->status == CaseStatus::Failed);
  CHECK_THAT(out[11]->message, Catch::Contains("exit code 1"));
  CHECK(out[0]->status == CaseStatus::Ok);
  CHECK(out[0]->layer.cycles == 1000);

  const Evaluation ev = evaluate(s.manifest, out);
  CHECK_FALSE(ev.passed);
  ReportOptions r;
  r.plots = false;
  write_reports(tmp / "out", s.manifest, out, ev, r);
  const std::string md = read_file(tmp / "out/report.md");
  CHECK_THAT(md, Catch::Contains("## Failed runs") && Catch::Contains("c4/net/L2/rtl") &&
                     Catch::Contains("verilator: assertion failed"));
}

TEST_CASE("absent backends and unsupported layers are not run", "[campaign]") {
  TempDir tmp("absent");
  HandMadeSuite s({});
  s.write_runs(tmp / "handmade");
  s.manifest.cases[0].skip_reason = "pooling is not supported";
  CampaignOptions o = s.options(tmp / "handmade", tmp / "out");
  o.available_backends = {"rtl"};
  CampaignStats stats;
  const Outcomes out = run_campaign(s.manifest, o, &stats);
  CHECK(stats.ran == 5);
  CHECK(stats.absent == 6);
  CHECK(out[0]->status == CaseStatus::Skipped);
  CHECK(out[1]->status == CaseStatus::Absent);
  CHECK_THAT(out[1]->message, Catch::Contains("'est' is not built"));
  CHECK(evaluate(s.manifest, out).passed);
}

TEST_CASE("shards merged give the same reports as one unsharded run", "[campaign][merge]") {
  TempDir tmp("shard");
  Thresholds t;
  t.mape_pct = 8;  // fails on c8: the merged verdict must fail too
  const HandMadeSuite s(t);
  s.write_runs(tmp / "handmade");
  ReportOptions r;
  r.plots = false;

  const Outcomes full = run_campaign(s.manifest, s.options(tmp / "handmade", tmp / "full"), nullptr);
  const Evaluation full_ev = evaluate(s.manifest, full);
  write_reports(tmp / "full", s.manifest, full, full_ev, r);

  std::vector<std::string> shard_dirs;
  for (int k = 1; k <= 3; ++k) {
    Manifest m = s.manifest;
    m.shard_index = k;
    m.shard_count = 3;
    const std::string dir = tmp / ("shard" + std::to_string(k));
    CampaignStats stats;
    const Outcomes part = run_campaign(m, s.options(tmp / "handmade", dir), &stats);
    CHECK(stats.cases == 4);
    write_reports(dir, m, part, evaluate(m, part), r);
    shard_dirs.push_back(dir);
  }
  const MergedResults merged = load_result_folders(shard_dirs);
  const Evaluation merged_ev = evaluate(merged.manifest, merged.outcomes);
  write_reports(tmp / "merged", merged.manifest, merged.outcomes, merged_ev, r);

  CHECK_FALSE(merged_ev.passed);
  CHECK(summary_json(merged.manifest, merged_ev) == summary_json(s.manifest, full_ev));
  for (const char* f : {"summary.json", "report.md", "cases.csv", "junit.xml"})
    CHECK(read_file(tmp / ("merged/" + std::string(f))) == read_file(tmp / ("full/" + std::string(f))));

  SECTION("a missing shard makes its cases missing and fails sign-off") {
    const MergedResults partial = load_result_folders({shard_dirs[0], shard_dirs[1]});
    int missing = 0;
    for (const auto& o : partial.outcomes) missing += o->status == CaseStatus::Missing;
    CHECK(missing == 4);
    CHECK_THAT(evaluate(partial.manifest, partial.outcomes).failed_checks()[0], Catch::Contains("missing"));
  }
  SECTION("folders of different suites do not merge") {
    HandMadeSuite other(t);
    other.manifest.suite_name = "other";
    run_campaign(other.manifest, other.options(tmp / "handmade", tmp / "other"), nullptr);
    CHECK_THROWS_WITH(load_result_folders({shard_dirs[0], tmp / "other"}), Catch::Contains("different suite"));
  }
}

TEST_CASE("emitted jobs are plain acv run command lines whose results merge", "[campaign][merge]") {
  TempDir tmp("emit");
  const HandMadeSuite s({});
  CampaignOptions o = s.options(tmp / "handmade", tmp / "out");
  o.command = nullptr;
  o.acv_binary = "/opt/acv/bin/acv";
  const auto jobs = emit_jobs(s.manifest, o);
  REQUIRE(jobs.size() == 12);
  const std::string line = shell_join(jobs[1]);
  CHECK_THAT(line, Catch::StartsWith("/opt/acv/bin/acv run --backend est --accel systolic --config /") &&
                       Catch::Contains("--layer L1 --json /") && Catch::EndsWith("/out/runs/c4__net__L1__est.json"));
  // Jobs ran elsewhere and wrote their --json files:
  s.write_runs(tmp / "out/runs");
  const MergedResults merged = load_result_folders({tmp / "out"});
  for (const auto& out : merged.outcomes) CHECK(out->status == CaseStatus::Ok);
}

TEST_CASE("shell_join quotes only what needs it", "[campaign]") {
  CHECK(shell_join({"acv", "run", "--layer", "conv 1", "it's"}) == "acv run --layer 'conv 1' 'it'\\''s'");
}
