// report.md: the per-layer breakdown of the reference's cycle counters next to the fast views'
// bottlenecks, on hand-made results.
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
      l.counters = {{"load_active_cycle", l.cycles / 2},  // 50 %
                    {"exe_active_cycle", l.cycles / 4},   // 25 %
                    {"compute_busy", l.cycles / 10},      // 10 %: busy marks a cycle counter too
                    {"exe_preload_haz_cycle", 1},         // < 1 % everywhere: listed, not a column
                    {"dram_reads", 900},                  // events: never a column
                    {"dram_bytes_read", 123456},
                    {"instructions", 77}};
    } else {
      l.info["bottleneck"] = "load";
      l.counters = {{"busy.load", l.cycles * 9 / 10}, {"evaluated_iterations", 5}};
    }
  }
  TempDir tmp("report-counters");
  const std::string md = report_of(s, tmp);
  CHECK_THAT(md, Catch::Contains("## Where the cycles go: rtl counters and bottlenecks per layer"));
  CHECK_THAT(md, Catch::Contains("### c4"));
  CHECK_THAT(md, Catch::Contains("### c8"));
  // Header: counters (alphabetical, "_cycle" dropped), then per view naming a bottleneck its bottleneck and error.
  CHECK_THAT(md, Catch::Contains("| workload | layer | rtl cycles | compute_busy % | exe_active % | load_active % | "
                                 "est bottleneck   | est err % |"));
  // c4 L1: rtl 1000 cycles, est +10 %.
  CHECK_THAT(md, Catch::Contains("| net      | L1    | 1000       | 10.0           | 25.0         | 50.0          | "
                                 "load (busy 90 %) | +10.00    |"));
  CHECK_THAT(md, Catch::Contains("Below 1 % on every layer: `exe_preload_haz_cycle`."));
  CHECK_THAT(md, !Catch::Contains("dram_reads %") && !Catch::Contains("instructions %") &&
                     !Catch::Contains("dram_bytes_read"));
}

TEST_CASE("report.md has no counter breakdown when the reference reports no cycle counters", "[report]") {
  HandMadeSuite s({});
  for (auto& kv : s.runs)
    if (kv.second.backend == "rtl") kv.second.layers.at(0).counters = {{"dram_reads", 10}, {"instructions", 3}};
  TempDir tmp("report-plain");
  const std::string md = report_of(s, tmp);
  CHECK_THAT(md, Catch::Contains("## Largest errors"));
  CHECK_THAT(md, !Catch::Contains("Where the cycles go"));
}

TEST_CASE("a layer for which a view names no bottleneck shows a dash in its column", "[report]") {
  HandMadeSuite s({});
  for (auto& kv : s.runs) {
    LayerResult& l = kv.second.layers.at(0);
    if (kv.second.backend == "rtl") l.counters = {{"store_dma_wait_cycle", l.cycles / 5}};
    else if (l.layer == "L2") l.info["bottleneck"] = "dram";  // only L2 names one, and no busy counter
  }
  TempDir tmp("report-partial");
  const std::string md = report_of(s, tmp);
  CHECK_THAT(md, Catch::Contains("| workload | layer | rtl cycles | store_dma_wait % | est bottleneck | est err % |"));
  CHECK_THAT(md, Catch::Contains("| net      | L2    | 2000       | 20.0             | dram           | -10.00    |"));
  CHECK_THAT(md, Catch::Contains("| net      | L1    | 1000       | 20.0             | -              | +10.00    |"));
}
