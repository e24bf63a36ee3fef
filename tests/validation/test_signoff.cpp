// Sign-off as CI sees it: junit.xml cases and the exit code of `acv merge` / `acv validate`.
#include <catch2/catch.hpp>

#include "tests/validation/harness_fixture.h"
#include "validation/harness/metrics.h"
#include "validation/harness/process_pool.h"
#include "validation/harness/report.h"

using namespace acv;
using namespace acv::test;

namespace {

std::string run_folder(const TempDir& tmp, const Thresholds& t) {
  const HandMadeSuite s(t);
  s.write_runs(tmp / "handmade");
  const Outcomes out = run_campaign(s.manifest, s.options(tmp / "handmade", tmp / "out"), nullptr);
  ReportOptions r;
  r.plots = false;
  write_reports(tmp / "out", s.manifest, out, evaluate(s.manifest, out), r);
  return tmp / "out";
}

}  // namespace

TEST_CASE("a threshold failure is a failing junit testcase; cases pass", "[signoff]") {
  TempDir tmp("junit");
  Thresholds t;
  t.max_error_pct = 15;  // c8 L1 is +20 %
  const std::string dir = run_folder(tmp, t);
  const std::string junit = read_file(dir + "/junit.xml");
  CHECK_THAT(junit, Catch::Contains("<testsuite name=\"handmade.cases\" tests=\"12\" failures=\"0\""));
  CHECK_THAT(junit, Catch::Contains("name=\"est / c8: max |error| &lt;= 15 %\" time=\"0\">\n      <failure message=\"measured 20 %\"/>"));
  CHECK_THAT(junit, Catch::Contains("name=\"est / c4: max |error| &lt;= 15 %\" time=\"0\"/>"));
  const std::string md = read_file(dir + "/report.md");
  CHECK_THAT(md, Catch::Contains("**Sign-off: FAIL"));
  const std::string csv = read_file(dir + "/cases.csv");
  CHECK_THAT(csv, Catch::Contains("c8/net/L1/est,c8,net,L1,gemm,1000,est,est,,ok,1200,1000,20.0000,"));
}

#ifdef ACV_BINARY
TEST_CASE("acv merge exits 1 naming the failed threshold, 0 when all pass, 2 on bad input", "[signoff][cli]") {
  auto run_acv = [](const std::vector<std::string>& args, const std::string& err_file) {
    ProcessSpec spec;
    spec.argv = {ACV_BINARY};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.stderr_file = err_file;
    ProcessResult result;
    ProcessPool(1).run({spec}, {}, [&](std::size_t, const ProcessResult& r) { result = r; });
    return result.exit_code;
  };
  {
    TempDir tmp("exit1");
    Thresholds t;
    t.mape_pct = 8;
    const std::string dir = run_folder(tmp, t);
    CHECK(run_acv({"merge", dir, "--out", tmp / "merged", "--no-plots"}, tmp / "err") == 1);
    CHECK_THAT(read_file(tmp / "err"), Catch::Contains("sign-off failed: est / c8: MAPE <= 8 %"));
    CHECK_THAT(read_file(tmp / "merged/junit.xml"), Catch::Contains("<failure message=\"measured 9.33 %\"/>"));
  }
  {
    TempDir tmp("exit0");
    Thresholds t;
    t.mape_pct = 10;
    const std::string dir = run_folder(tmp, t);
    CHECK(run_acv({"merge", dir, "--no-plots"}, tmp / "err") == 0);
  }
  {
    TempDir tmp("exit2");
    CHECK(run_acv({"merge", tmp / "nothing-here"}, tmp / "err") == 2);
    CHECK_THAT(read_file(tmp / "err"), Catch::Contains("manifest.json"));
    write_file(tmp / "bad.yaml", "configs: [a.yaml]\nworkloads: [w.yaml]\nbackends: [rtl]\nthresholds: 3\n");
    CHECK(run_acv({"validate", "--suite", tmp / "bad.yaml"}, tmp / "err") == 2);
    CHECK_THAT(read_file(tmp / "err"), Catch::Contains("bad.yaml:4"));
  }
}
#endif
