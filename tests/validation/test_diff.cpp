// `acv diff` end to end on the real RTL: no divergence on the shipped descriptions, and a description
// broken on purpose (one named entry edited at test time) is caught where the broken entry is used.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/validation/harness_fixture.h"
#include "models/common/accel_config.h"
#include "models/common/accelerator.h"
#include "models/common/workload_reader.h"

using nlohmann::json;

namespace acv::test {

namespace {

const std::string kSrc = ACV_SOURCE_DIR;

// The 1-based line of the first line of `text` that starts with `prefix`.
int line_of(const std::string& text, const std::string& prefix) {
  int n = 1;
  for (std::size_t at = 0; at < text.size(); ++n) {
    if (text.compare(at, prefix.size(), prefix) == 0) return n;
    const auto nl = text.find('\n', at);
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  FAIL("no line starts with " << prefix);
  return 0;
}

struct Diffed {
  int exit_code = -1;
  json result;
  std::string output, description;
};

const std::string kTiny = kSrc + "/models/workloads/tiny.yaml";

Diffed diff(const TempDir& tmp, const std::string& description, const std::string& accel, const std::string& config,
            const std::string& layer, const std::string& extra = "", const std::string& workload = kTiny) {
  Diffed d;
  d.description = tmp / "description.yaml";
  write_file(d.description, description);
  const std::string cmd = std::string(ACV_BINARY) + " diff --config " + kSrc + "/models/" + accel + "/configs/" + config +
                          ".yaml --workload " + workload + " --layer " + layer +
                          " --description " + d.description + " --json " + (tmp / "diff.json") + " " + extra + " > " +
                          (tmp / "out") + " 2>&1";
  const int status = std::system(cmd.c_str());
  d.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  d.output = read_file(tmp / "out");
  if (d.exit_code == 0 || d.exit_code == 1) d.result = json::parse(read_file(tmp / "diff.json"));
  return d;
}

// The program-order number of the layer's first instruction `opcode` (the mapper in-process).
int64_t first_use(const std::string& accel, const std::string& config, const std::string& workload,
                  const std::string& layer, const std::string& opcode) {
  const AccelConfig c = load_accel_config(kSrc + "/models/" + accel + "/configs/" + config + ".yaml");
  const auto a = AcceleratorRegistry::create(c.accelerator);
  const Workload w = load_workload(workload);
  const Program p = a->runs_networks() ? a->map_network(w, c).program : a->map(w.find(layer), c);
  const int op = p.isa->opcode(opcode);
  REQUIRE(op >= 0);
  int64_t n = 0, first = -1;
  p.for_each([&](const ConcreteInstruction& in) {
    if (first < 0 && in.opcode == op) first = n;
    ++n;
  });
  return first;
}

bool has_entry(const json& r, const std::string& entry) {
  for (const auto& e : r["entries"])
    if (e.get<std::string>().rfind(entry, 0) == 0) return true;
  return false;
}

}  // namespace

// A small layer of every shipped accelerator (UltraTrail runs whole 1-D networks).
struct Small {
  std::string accel, config, workload, layer;
};
const std::vector<Small> kSmall = {
    {"systolic", "systolic-4x4-ws", kTiny, "conv_pointwise"},
    {"gemmini", "gemmini-4x4-ws", kTiny, "conv_pointwise"},
    {"ultratrail", "ultratrail-8x8", kSrc + "/models/workloads/tcn_narrow_s8.yaml", "tcn_narrow_s8"},  // one network
    {"plasticine", "plasticine-2x2", kTiny, "gemm_ragged"},
};

TEST_CASE("diff finds every command accepted and ended when the shipped descriptions say", "[diff]") {
  for (const auto& [accel, config] : std::vector<std::pair<std::string, std::string>>{
           {"systolic", "systolic-4x4-ws"}, {"systolic", "systolic-4x4-os"}, {"gemmini", "gemmini-4x4-ws"},
           {"gemmini", "gemmini-4x4-os"}}) {
    for (const std::string layer : {"gemm_ragged", "conv_pointwise"}) {
      TempDir tmp("diff-clean");
      const Diffed d = diff(tmp, shipped_description(accel), accel, config, layer);
      INFO(config << " " << layer << ": " << d.output);
      CHECK(d.exit_code == 0);
      CHECK(d.result["diverged"] == false);
      CHECK(d.result["rtl_cycles"] == d.result["estimator_cycles"]);
    }
  }
  for (const Small& c : kSmall) {
    TempDir tmp("diff-clean");
    const Diffed d = diff(tmp, shipped_description(c.accel), c.accel, c.config, c.layer, "", c.workload);
    INFO(c.config << " " << c.layer << ": " << d.output);
    CHECK(d.exit_code == 0);
    CHECK(d.result["diverged"] == false);
    // The event recorder costs no cycle: `acv run` (recorder off) gives the cycles diff's run had.
    const std::string cmd = std::string(ACV_BINARY) + " run --backend rtl --config " + kSrc + "/models/" + c.accel +
                            "/configs/" + c.config + ".yaml --workload " + c.workload + " --layer " + c.layer +
                            " --json " + (tmp / "run.json") + " > /dev/null 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    CHECK(json::parse(read_file(tmp / "run.json"))["layers"][0]["cycles"] == d.result["rtl_cycles"]);
  }
}

TEST_CASE("diff finds a wrong latency expression at its first use, through that instruction's end", "[diff]") {
  struct Break {
    Small layer;
    std::string param, value;      // with_param when not empty, else `shipped` -> `broken`
    std::string shipped, broken, opcode, entry;
  };
  const std::vector<Break> breaks = {
      // The WS step of a non-last fold: the layer's first compute is one.
      {kSmall[0], "", "", "latency: \"max(max(m_len, R - 1), max(C - 2, 1)) + 1\"\n",
       "latency: \"max(max(m_len, R - 1), max(C - 2, 1)) + 5\"\n", "compute",
       "latency `max(max(m_len, R - 1), max(C - 2, 1)) + 5`"},
      {kSmall[1], "", "", "latency: rows + OUT_LATENCY\n", "latency: rows + 1 + OUT_LATENCY\n", "compute_preloaded",
       "latency `rows + 1 + OUT_LATENCY`"},
      {kSmall[2], "", "", "latency: \"words == 0 ? 1 : mem_done + 1\"\n\n  cfg_shape",
       "latency: \"words == 0 ? 1 : mem_done + 2\"\n\n  cfg_shape", "load", "latency `words == 0 ? 1 : mem_done + 2`"},
      {kSmall[3], "PIPE", "stages + log2_ceil(lanes) + 5", "", "", "compute", "latency `m_len * n_len * k_chunks + PIPE`"},
  };
  for (const Break& b : breaks) {
    TempDir tmp("diff-end");
    std::string text = shipped_description(b.layer.accel);
    if (!b.param.empty()) {
      text = with_param(text, b.param, b.value);
    } else {
      REQUIRE(text.find(b.shipped) != std::string::npos);  // the entry the test breaks must still exist
      text.replace(text.find(b.shipped), b.shipped.size(), b.broken);
    }
    const Diffed d = diff(tmp, text, b.layer.accel, b.layer.config, b.layer.layer, "", b.layer.workload);
    INFO(b.layer.config << ": " << d.output);
    REQUIRE(d.exit_code == 1);
    CHECK(d.result["event"] == "end");
    CHECK(d.result["opcode"] == b.opcode);
    CHECK(d.result["instruction"] ==
          first_use(b.layer.accel, b.layer.config, b.layer.workload, b.layer.layer, b.opcode));
    CHECK(d.result["estimator"].get<int64_t>() > d.result["rtl"].get<int64_t>());  // a longer latency: late
    CHECK(has_entry(d.result, b.entry));
  }
}

TEST_CASE("diff points at a wrong queue capacity where it first holds a command back", "[diff]") {
  struct Break {
    std::string accel, config, param, value, queue;
    int64_t first;  // the first command a queue that small holds back
  };
  for (const Break& b : std::vector<Break>{{"systolic", "systolic-4x4-ws", "QD", "1", "load_q", 1},    // 2nd load
                                           {"gemmini", "gemmini-4x4-ws", "LDQ", "2", "ld_q", 5}}) {  // 3rd mvin
    TempDir tmp("diff-queue");
    const std::string text = with_param(shipped_description(b.accel), b.param, b.value);
    const Diffed d = diff(tmp, text, b.accel, b.config, "gemm_ragged");
    INFO(d.output);
    REQUIRE(d.exit_code == 1);
    CHECK(d.result["instruction"] == b.first);
    CHECK(d.result["timed_by"].get<std::string>().find("(capacity " + b.value + ")") != std::string::npos);
    CHECK(d.result["entries"][0] ==
          "queue '" + b.queue + "' (" + d.description + ":" + std::to_string(line_of(text, "  " + b.queue + ":")) + ")");
  }
}

TEST_CASE("diff points at a wrong memory latency through the first load that used it", "[diff]") {
  for (const auto& [accel, config] : std::vector<std::pair<std::string, std::string>>{
           {"systolic", "systolic-4x4-ws"}, {"gemmini", "gemmini-4x4-ws"}}) {
    TempDir tmp("diff-mem");
    const Diffed d = diff(tmp, with_param(shipped_description(accel), "MEM_LATENCY", "10"), accel, config, "gemm_ragged");
    INFO(d.output);
    REQUIRE(d.exit_code == 1);
    CHECK(d.result["estimator"].get<int64_t>() < d.result["rtl"].get<int64_t>());  // too short a latency: early
    CHECK(has_entry(d.result, "memory 'dram'"));
    bool through_memory = false;
    for (const auto& h : d.result["path"])
      through_memory |= h["ended_by"].get<std::string>().find("memory 'dram'") != std::string::npos;
    CHECK(through_memory);
  }
}

TEST_CASE("diff points at a wrong latency expression", "[diff]") {
  struct Break {
    std::string config, layer, shipped, broken, why;
  };
  for (const Break& b : std::vector<Break>{
           {"systolic-4x4-os", "gemm_ragged", "latency: \"max(k_len, 1) + (last ? C : 0)\"",
            "latency: \"max(k_len, 1) + (last ? C + 3 : 0)\"", "OS feed step: through the run's end"},
           {"systolic-4x4-ws", "conv_pointwise", "latency: m_len + R + C + 1\n", "latency: m_len + R + C + 5\n",
            "WS compute: through the stores sharing the memory port with a late load"}}) {
    TempDir tmp("diff-expr");
    std::string text = shipped_description("systolic");
    REQUIRE(text.find(b.shipped) != std::string::npos);  // the entry the test breaks must still exist
    text.replace(text.find(b.shipped), b.shipped.size(), b.broken);
    const Diffed d = diff(tmp, text, "systolic", b.config, b.layer);
    INFO(b.why << ": " << d.output);
    REQUIRE(d.exit_code == 1);
    std::string expr = b.broken.substr(b.broken.find(": ") + 2);
    expr.erase(std::remove(expr.begin(), expr.end(), '"'), expr.end());
    expr.erase(std::remove(expr.begin(), expr.end(), '\n'), expr.end());
    CHECK(has_entry(d.result, "latency `" + expr + "`"));
  }
  SECTION("gemmini OS record latency (the first OS records step's OUT_LATENCY)") {
    TempDir tmp("diff-out");
    const std::string text = with_param(shipped_description("gemmini"), "OUT_LATENCY", "2 * dim + 3");
    const Diffed d = diff(tmp, text, "gemmini", "gemmini-4x4-os", "gemm_ragged");
    INFO(d.output);
    REQUIRE(d.exit_code == 1);
    CHECK(has_entry(d.result, "latency `OUT_LATENCY` (" + d.description + ":" +
                                  std::to_string(line_of(text, "        latency: OUT_LATENCY\n")) + ")"));
  }
}

TEST_CASE("diff writes an FST window around the divergence", "[diff]") {
  TempDir tmp("diff-trace");
  const Diffed d = diff(tmp, with_param(shipped_description("systolic"), "QD", "1"), "systolic", "systolic-4x4-ws", "gemm_ragged",
                        "--trace " + (tmp / "w.fst") + " --window 20");
  INFO(d.output);
  REQUIRE(d.exit_code == 1);
  CHECK(std::filesystem::file_size(tmp / "w.fst") > 0);
  CHECK(d.output.find("cycles 0..21 from the first accepted command") != std::string::npos);
}

}  // namespace acv::test
