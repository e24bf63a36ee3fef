// Users' text files are read or refused cleanly: missing, a directory, not UTF-8, a BOM,
// duplicate YAML keys (models/common/input_file.h, yaml_util.h).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "models/common/accel_config.h"
#include "models/common/error.h"
#include "models/common/input_file.h"
#include "models/common/workload_reader.h"
#include "models/common/yaml_util.h"

using namespace acv;
namespace fs = std::filesystem;

namespace {

fs::path scratch_dir() {
  const fs::path dir = fs::temp_directory_path() / ("acv-input-file-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

std::string write(const std::string& name, const std::string& text) {
  const fs::path p = scratch_dir() / name;
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

const char* const kGemmCsv = "Layer,M,N,K\nfc1,8,16,32\n";

}  // namespace

TEST_CASE("a directory given as a file is named as a directory, not as an empty file", "[input]") {
  const std::string dir = scratch_dir().string();
  CHECK_THROWS_WITH(read_input_file(dir), Catch::Contains(dir) && Catch::Contains("is a directory"));
  CHECK_THROWS_WITH(load_accel_config(dir), Catch::Contains("is a directory"));
  CHECK_THROWS_WITH(read_input_file(dir + "/missing.yaml"), Catch::Contains("no such file"));
}

TEST_CASE("text that is not UTF-8 is refused at the reader with its line and byte offset", "[input]") {
  // A Latin-1 layer name on line 2: JSON results could not hold it.
  const std::string csv = write("latin1.csv", "Layer,M,N,K\nfc\xE9,8,16,32\n");
  CHECK_THROWS_WITH(load_workload(csv), Catch::Contains("latin1.csv:2") && Catch::Contains("not UTF-8") &&
                                            Catch::Contains("byte offset 14"));
  CHECK_THROWS_WITH(YamlNode::load_string("a: 1\nname: \xFF\n", "w.yaml"),
                    Catch::Contains("w.yaml:2") && Catch::Contains("byte offset 11"));
  // Overlong forms, surrogates, truncated sequences and code points above U+10FFFF are not UTF-8.
  for (const std::string bad : {"\xC0\xAF", "\xED\xA0\x80", "\xE2\x82", "\xF4\x90\x80\x80"}) {
    CAPTURE(bad);
    CHECK(utf8_error_offset("ok " + bad) == 3);
  }
  CHECK(utf8_error_offset("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") == std::string::npos);  // é € 😀
}

TEST_CASE("a UTF-8 byte-order mark is accepted in CSV and YAML files", "[input]") {
  const Workload csv = load_workload(write("bom.csv", std::string("\xEF\xBB\xBF") + kGemmCsv));
  REQUIRE(csv.layers.size() == 1);
  CHECK(csv.layers[0].name == "fc1");
  CHECK(parse_workload_csv(std::string("\xEF\xBB\xBF") + kGemmCsv, "inline.csv").layers.size() == 1);
  const Workload yaml = load_workload(
      write("bom.yaml", "\xEF\xBB\xBFworkload: w\nlayers:\n  - { name: g, type: gemm, m: 2, n: 3, k: 4 }\n"));
  CHECK(yaml.layers.size() == 1);
}

TEST_CASE("a YAML key given twice is an error naming the second one", "[input]") {
  CHECK_THROWS_WITH(YamlNode::load_string("rows: 4\ncols: 4\nrows: 8\n", "c.yaml"),
                    Catch::Contains("c.yaml:3") && Catch::Contains("rows") && Catch::Contains("duplicate key"));
  CHECK_THROWS_WITH(YamlNode::load_string("layers:\n  - { name: a, m: 1, m: 2 }\n", "w.yaml"),
                    Catch::Contains("w.yaml:2") && Catch::Contains("layers[0].m") && Catch::Contains("duplicate key"));
  CHECK_NOTHROW(YamlNode::load_string("a: { x: 1 }\nb: { x: 1 }\n", "ok.yaml"));  // same key, other maps
}
