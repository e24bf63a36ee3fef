// Tests of the RunResult JSON (models/common/run_result.*): what a run writes reads back.
#include <catch2/catch.hpp>
#include <string>

#include "models/common/error.h"
#include "models/common/run_result.h"

namespace acv {
namespace {

RunResult sample() {
  RunResult r;
  r.backend = "rtl";
  r.accelerator = "systolic";
  r.config_name = "systolic-4x4-os";
  r.workload = "net";
  r.workload_file = "net.onnx";
  LayerResult l;
  l.layer = "conv1";
  l.kind = "conv2d";
  l.cycles = 1234;
  r.layers.push_back(l);
  r.skipped_operators = {{"relu1", "Relu"}, {"add1", "Add"}};
  return r;
}

TEST_CASE("RunResult JSON keeps the skipped operators in order", "[run_result]") {
  const RunResult back = run_result_from_json(to_json(sample()), "r.json");
  REQUIRE(back.skipped_operators.size() == 2);
  CHECK(back.skipped_operators[0].node == "relu1");
  CHECK(back.skipped_operators[0].op_type == "Relu");
  CHECK(back.skipped_operators[1].node == "add1");
  CHECK(back.skipped_operators[1].op_type == "Add");
  CHECK(to_json(back) == to_json(sample()));
}

TEST_CASE("RunResult JSON written before skipped operators existed reads as none", "[run_result]") {
  std::string text = to_json(sample());
  const std::size_t from = text.find(",\n  \"skipped_operators\"");
  const std::size_t to = text.find(']', from);
  REQUIRE(from != std::string::npos);
  text.erase(from, to + 1 - from);
  CHECK(text.find("skipped") == std::string::npos);
  CHECK(run_result_from_json(text, "old.json").skipped_operators.empty());
}

TEST_CASE("RunResult JSON with a malformed skipped operator names the field", "[run_result]") {
  std::string text = to_json(sample());
  const std::size_t at = text.find("\"op_type\": \"Relu\"");
  REQUIRE(at != std::string::npos);
  text.replace(at, 17, "\"op_type\": 7");
  CHECK_THROWS_WITH(run_result_from_json(text, "bad.json"), Catch::Contains("bad.json: op_type"));
}

}  // namespace
}  // namespace acv
