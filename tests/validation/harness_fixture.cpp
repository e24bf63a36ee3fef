// Hand-made suites, RunResults and result folders for the harness tests.
#include "tests/validation/harness_fixture.h"

#include <regex>
#include <stdexcept>

#include <unistd.h>

#include <atomic>
#include <sstream>

namespace fs = std::filesystem;

namespace acv::test {

TempDir::TempDir(const std::string& tag) {
  static std::atomic<int> counter{0};
  path_ = (fs::temp_directory_path() / ("acv-test-" + tag + "-" + std::to_string(getpid()) + "-" +
                                        std::to_string(counter++)))
              .string();
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void write_file(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

RunResult make_run(const std::string& backend, const std::string& layer, int64_t cycles, double wall_seconds,
                   bool outputs_checked, bool outputs_match) {
  RunResult r;
  r.backend = backend;
  r.accelerator = "systolic";
  r.config_name = "cfg";
  r.workload = "net";
  r.pes = 16;
  LayerResult l;
  l.layer = layer;
  l.kind = "gemm";
  l.cycles = cycles;
  l.macs = 1000;
  l.outputs_checked = outputs_checked;
  l.outputs_match = outputs_match;
  l.wall_seconds = wall_seconds;
  r.layers.push_back(l);
  r.wall_seconds = wall_seconds;
  return r;
}

View make_view(const std::string& name, Thresholds thresholds, const std::string& backend) {
  View v;
  v.name = name;
  v.backend = backend.empty() ? name : backend;
  v.thresholds = thresholds;
  return v;
}

Case make_case(std::size_t index, const std::string& config, const std::string& workload, const std::string& layer,
               const View& view) {
  Case c;
  c.index = index;
  c.accelerator = "systolic";
  c.config_name = config;
  c.config_file = config + ".yaml";
  c.workload_name = workload;
  c.workload_file = workload + ".yaml";
  c.layer = layer;
  c.layer_kind = "gemm";
  c.layer_shape = "gemm " + layer;
  c.macs = 1000;
  c.view = view;
  c.key = config + "/" + workload + "/" + layer + "/" + view.name;
  return c;
}

HandMadeSuite::HandMadeSuite(Thresholds est_thresholds, const std::string& config_file) {
  manifest.suite_name = "handmade";
  manifest.suite_file = "handmade.yaml";
  manifest.reference = "rtl";
  manifest.views = {make_view("rtl"), make_view("est", est_thresholds)};
  const std::map<std::string, std::vector<double>> est_error = {{"c4", {10, -10, 0}}, {"c8", {20, -5, 3}}};
  const int64_t rtl_cycles[] = {1000, 2000, 4000};
  const double rtl_wall[] = {1, 2, 3};
  for (const std::string config : {"c4", "c8"}) {
    for (int l = 0; l < 3; ++l) {
      const std::string layer = "L" + std::to_string(l + 1);
      for (const auto& view : manifest.views) {
        Case c = make_case(manifest.cases.size(), config, "net", layer, view);
        c.config_file = config_file;
        const int64_t ref = rtl_cycles[l];
        const int64_t est = static_cast<int64_t>(ref * (1.0 + est_error.at(config)[static_cast<std::size_t>(l)] / 100.0) + 0.5);
        runs[c.key] = view.name == "rtl" ? make_run("rtl", layer, ref, rtl_wall[l]) : make_run("est", layer, est, 0.01, false, false);
        manifest.cases.push_back(c);
      }
    }
  }
}

void HandMadeSuite::write_runs(const std::string& dir) const {
  for (const auto& c : manifest.cases) write_file(dir + "/" + c.file_stem() + ".json", to_json(runs.at(c.key)));
}

CampaignOptions HandMadeSuite::options(const std::string& runs_dir, const std::string& out_dir) const {
  CampaignOptions o;
  o.out_dir = out_dir;
  o.jobs = 2;
  o.available_backends = {"rtl", "est"};
  o.command = [runs_dir](const Case& c, const std::string& json_path) {
    return std::vector<std::string>{"/bin/cp", runs_dir + "/" + c.file_stem() + ".json", json_path};
  };
  return o;
}

std::string shipped_description(const std::string& accel) {
  return read_file(std::string(ACV_SOURCE_DIR) + "/models/" + accel + "/arch.yaml");
}

std::string with_param(const std::string& text, const std::string& name, const std::string& value) {
  const std::regex line("(^|\n)  " + name + ":[^\n]*");
  if (!std::regex_search(text, line)) throw std::runtime_error("the description has no params entry " + name);
  return std::regex_replace(text, line, "$1  " + name + ": " + value, std::regex_constants::format_first_only);
}

}  // namespace acv::test
