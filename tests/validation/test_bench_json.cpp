// `acv bench --json`: the figures of the table and of every repeat, the machine, and the
// estimator's counts, as a file a tracking job can read.
#include <sys/wait.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/validation/harness_fixture.h"

using nlohmann::json;

namespace acv::test {

TEST_CASE("bench --json holds every repeat's times, their medians, the ratios and the machine", "[bench]") {
  const TempDir tmp("bench-json");
  const std::string src = ACV_SOURCE_DIR;
  const std::string cmd =
      std::string(ACV_BINARY) + " bench --backends rtl,estimator --config " + src +
      "/models/systolic/configs/systolic-4x4-os.yaml --workload " + src +
      "/models/workloads/tiny.yaml --layer gemm_ragged --layer conv_pointwise --repeat 3 --json " +
      (tmp / "bench.json") + " > " + (tmp / "out") + " 2>&1";
  const int status = std::system(cmd.c_str());
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  const json j = json::parse(read_file(tmp / "bench.json"));
  CHECK(j.at("config_name") == "systolic-4x4-os");
  CHECK(j.at("layers") == 2);
  CHECK(j.at("repeat") == 3);
  CHECK(j.at("reference") == "rtl");
  CHECK(j.at("outputs_match") == true);
  CHECK(j.at("machine").at("cores").get<int>() >= 1);
  CHECK(j.at("machine").at("page_first_write_us").get<double>() > 0.0);
  const json& views = j.at("views");
  REQUIRE(views.size() == 2);
  CHECK(views[0].at("view") == "rtl");
  CHECK(views[0].at("speedup").get<double>() == Approx(1.0));
  CHECK(views[1].at("view") == "estimator");
  for (const json& v : views) {
    CHECK(v.at("layer_cycles").size() == 2);
    CHECK(v.at("cycles_equal_reference") == (v.at("layer_cycles") == views[0].at("layer_cycles")));
    for (const char* times : {"layers_seconds", "whole_seconds"}) {
      const json& t = v.at(times);
      REQUIRE(t.at("runs").size() == 3);
      std::vector<double> runs = t.at("runs").get<std::vector<double>>();
      std::sort(runs.begin(), runs.end());
      CHECK(t.at("median").get<double>() == runs[1]);
      CHECK(t.at("min").get<double>() == runs[0]);
      CHECK(t.at("max").get<double>() == runs[2]);
    }
  }
  // The speedup is the reference's median over the view's, as in the table.
  CHECK(views[1].at("speedup").get<double>() ==
        Approx(views[0].at("layers_seconds").at("median").get<double>() /
               views[1].at("layers_seconds").at("median").get<double>()));
  const json& evaluated = j.at("evaluated");
  REQUIRE(evaluated.size() == 1);
  CHECK(evaluated[0].at("view") == "estimator");
  REQUIRE(evaluated[0].at("layers").size() == 2);
  CHECK(evaluated[0].at("layers")[0].at("layer") == "gemm_ragged");
  CHECK(evaluated[0].at("layers")[0].at("evaluated_instructions").get<int64_t>() > 0);
}

}  // namespace acv::test
