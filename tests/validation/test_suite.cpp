// Suite files: parsing and errors that name file, line and field.
#include <catch2/catch.hpp>

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
  CHECK_THROWS_AS(load_suite("/nonexistent/suite.yaml"), InputError);
}

TEST_CASE("case keys become safe file names", "[suite]") {
  CHECK(safe_file_name("systolic-4x4-os/tiny/conv 1/tlm-at") == "systolic-4x4-os__tiny__conv_1__tlm-at");
}
