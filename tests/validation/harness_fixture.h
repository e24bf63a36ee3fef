// Hand-made suites, RunResults and result folders for the harness tests; no RTL or backends needed.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "models/common/run_result.h"
#include "validation/harness/campaign.h"
#include "validation/harness/suite.h"

namespace acv::test {

// A fresh folder under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

void write_file(const std::string& path, const std::string& text);
std::string read_file(const std::string& path);

// The shipped architecture description of `accel` (models/<accel>/arch.yaml), as text.
std::string shipped_description(const std::string& accel);
// `text` with its params entry NAME (a line "  NAME: ...") set to `value`, every other line as it
// was: a description broken on purpose survives edits to its other lines. Throws when NAME is absent.
std::string with_param(const std::string& text, const std::string& name, const std::string& value);

// RunResult of one layer as `acv run --layer L --json` writes it.
RunResult make_run(const std::string& backend, const std::string& layer, int64_t cycles, double wall_seconds,
                   bool outputs_checked = true, bool outputs_match = true);

Case make_case(std::size_t index, const std::string& config, const std::string& workload, const std::string& layer,
               const View& view);

View make_view(const std::string& name, Thresholds thresholds = {}, const std::string& backend = "");

// Views "rtl" (reference) and "est" x configs "c4", "c8" x workload "net" layers L1..L3.
// est cycles: +10 %, -10 %, 0 % against rtl on c4; +20 %, -5 %, +3 % on c8. RTL wall 1, 2, 3 s; est 0.01 s.
struct HandMadeSuite {
  Manifest manifest;
  std::map<std::string, RunResult> runs;  // by case key
  HandMadeSuite(Thresholds est_thresholds, const std::string& config_file = "c.yaml");
  // Writes every run as <dir>/<case file stem>.json.
  void write_runs(const std::string& dir) const;
  // Campaign options whose command copies the hand-made run instead of running acv.
  CampaignOptions options(const std::string& runs_dir, const std::string& out_dir) const;
};

}  // namespace acv::test
