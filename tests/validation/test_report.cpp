// report.md: the per-layer breakdown of the reference's cycle counters next to the fast views'
// bottlenecks, on hand-made results.
#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/validation/harness_fixture.h"
#include "validation/harness/metrics.h"
#include "validation/harness/report.h"

using namespace acv;
using namespace acv::test;

namespace {

std::string report_of(const HandMadeSuite& s, const TempDir& tmp) {
  Outcomes out(s.manifest.cases.size());
  for (const auto& c : s.manifest.cases) out[c.index] = outcome_from_run(c, to_json(s.runs.at(c.key)), c.key);
  ReportOptions r;
  r.plots = false;
  write_reports(tmp / "out", s.manifest, out, evaluate(s.manifest, out), r);
  return read_file(tmp / "out/report.md");
}

}  // namespace

TEST_CASE("report.md shows the reference's cycle counters as % of cycles next to the views' bottlenecks", "[report]") {
  HandMadeSuite s({});
  for (auto& kv : s.runs) {
    LayerResult& l = kv.second.layers.at(0);
    if (kv.second.backend == "rtl") {
      // rtl cycles of L1..L3 are 1000, 2000, 4000
      l.counters = {{"load.busy", l.cycles / 2},                   // 50 %
                    {"exe.busy", l.cycles / 4},                    // 25 %
                    {"exe.stall.dependency", l.cycles / 10},       // 10 %: stalls count cycles too
                    {"exe.stall.preload_hazard", 1},               // < 1 % everywhere: listed, not a column
                    {"dram.reads", 900},                           // events: never a column
                    {"dram.bytes_read", 123456},
                    {"dram.busy_looking", 5},                      // not busy: an event
                    {"instructions", 77}};
    } else {
      l.info["bottleneck"] = "load";
      l.counters = {{"load.busy", l.cycles * 9 / 10}, {"evaluated_iterations", 5}};
    }
  }
  TempDir tmp("report-counters");
  const std::string md = report_of(s, tmp);
  CHECK_THAT(md, Catch::Contains("## Where the cycles go: rtl counters and bottlenecks per layer"));
  CHECK_THAT(md, Catch::Contains("### c4"));
  CHECK_THAT(md, Catch::Contains("### c8"));
  // Header: counters by name (units together), then per view naming a bottleneck its bottleneck and error.
  CHECK_THAT(md, Catch::Contains("| workload | layer | rtl cycles | exe busy % | exe stall: dependency % | load busy % | "
                                 "est bottleneck             | est err % |"));
  // c4 L1: rtl 1000 cycles, est +10 %; the bottleneck unit's busy share in the view and in the RTL.
  CHECK_THAT(md, Catch::Contains("| net      | L1    | 1000       | 25.0       | 10.0                    | 50.0        | "
                                 "load (busy 90 %, rtl 50 %) | +10.00    |"));
  CHECK_THAT(md, Catch::Contains("Below 1 % on every layer: `exe.stall.preload_hazard`."));
  CHECK_THAT(md, !Catch::Contains("dram.reads") && !Catch::Contains("instructions %") &&
                     !Catch::Contains("dram.bytes_read") && !Catch::Contains("busy_looking"));
}

TEST_CASE("report.md has no counter breakdown when the reference reports no cycle counters", "[report]") {
  HandMadeSuite s({});
  for (auto& kv : s.runs)
    if (kv.second.backend == "rtl") kv.second.layers.at(0).counters = {{"dram.reads", 10}, {"instructions", 3}};
  TempDir tmp("report-plain");
  const std::string md = report_of(s, tmp);
  CHECK_THAT(md, Catch::Contains("## Largest errors"));
  CHECK_THAT(md, !Catch::Contains("Where the cycles go"));
}

TEST_CASE("a layer for which a view names no bottleneck shows a dash in its column", "[report]") {
  HandMadeSuite s({});
  for (auto& kv : s.runs) {
    LayerResult& l = kv.second.layers.at(0);
    if (kv.second.backend == "rtl") l.counters = {{"store.stall.dma", l.cycles / 5}};
    else if (l.layer == "L2") l.info["bottleneck"] = "dram";  // only L2 names one, and no busy counter
  }
  TempDir tmp("report-partial");
  const std::string md = report_of(s, tmp);
  CHECK_THAT(md, Catch::Contains("| workload | layer | rtl cycles | store stall: dma % | est bottleneck | est err % |"));
  CHECK_THAT(md, Catch::Contains("| net      | L2    | 2000       | 20.0               | dram           | -10.00    |"));
  CHECK_THAT(md, Catch::Contains("| net      | L1    | 1000       | 20.0               | -              | +10.00    |"));
}

TEST_CASE("report.md puts the reference's utilization beside the accelerator's stall-free bound", "[report]") {
  HandMadeSuite s({});
  for (auto& kv : s.runs) {
    LayerResult& l = kv.second.layers.at(0);
    if (kv.second.backend != "rtl") continue;
    l.utilization = 0.5;
    l.stall_free_cycles = l.cycles * 4 / 5;  // the layer runs 1.25x its bound: 62.5 % at the bound
  }
  TempDir tmp("report-bound");
  const std::string md = report_of(s, tmp);
  CHECK_THAT(md, Catch::Contains("## Utilization beside the stall-free bound"));
  CHECK_THAT(md, Catch::Contains("| workload | layer | rtl cycles | utilization % | stall-free bound | "
                                 "bound utilization % | cycles / bound |"));
  // c4 L1: rtl 1000 cycles, bound 800 (read back from the run's JSON).
  CHECK_THAT(md, Catch::Contains("| net      | L1    | 1000       | 50.0          | 800              | "
                                 "62.5                | 1.25           |"));
}

TEST_CASE("report.md has no utilization table when the accelerator defines no stall-free bound", "[report]") {
  HandMadeSuite s({});
  TempDir tmp("report-no-bound");
  CHECK_THAT(report_of(s, tmp), !Catch::Contains("stall-free bound"));
}

TEST_CASE("report.md counts each workload's skipped ONNX operators by type", "[report]") {
  HandMadeSuite s({});
  TempDir tmp("report-skipped-ops");
  CHECK_THAT(report_of(s, tmp), !Catch::Contains("## Skipped operators"));  // none: no section
  for (auto& kv : s.runs)
    kv.second.skipped_operators = {{"relu1", "Relu"}, {"bn1", "BatchNormalization"}, {"relu2", "Relu"},
                                   {"add", "Add"}, {"relu3", "Relu"}};
  const std::string md = report_of(s, tmp);
  const auto at = md.find("| net ", md.find("## Skipped operators"));
  REQUIRE(at != std::string::npos);
  std::string row = md.substr(at, md.find('\n', at) - at);
  row.erase(std::remove(row.begin(), row.end(), ' '), row.end());  // columns are padded
  CHECK(row == "|net|5|Add1,BatchNormalization1,Relu3|");
}
