// A campaign: the cases of a suite run as separate `acv run` processes (or taken from the
// cache), recorded in a result folder that `acv merge` can combine with others.
//
// Result folder layout:
//   manifest.json        suite name, views, thresholds, every case of the suite, this folder's shard
//   runs/<case>.json     RunResult of a case (written by `acv run --json`, or copied from the cache)
//   cases/<case>.json    outcome of a case: status, message, cached
//   logs/<case>.stderr   stderr of the case's run
#pragma once

#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/common/run_result.h"
#include "validation/harness/suite.h"

namespace acv {

// What a result folder needs to know about its suite.
struct Manifest {
  std::string suite_name;
  std::string suite_file;
  std::string reference;
  std::vector<View> views;
  std::vector<Case> cases;  // all cases of the suite, in expansion order
  std::map<std::string, Budget> budgets;  // real-time budgets by workload name (report only)
  int shard_index = 1;      // this folder holds cases with index % shard_count == shard_index - 1
  int shard_count = 1;
  // Hash of everything but the shard, so only folders of the same suite expansion merge.
  std::string identity() const;
  bool in_shard(const Case& c) const { return static_cast<int>(c.index % shard_count) == shard_index - 1; }
};

Manifest make_manifest(const Suite& suite, const std::vector<Case>& cases);

enum class CaseStatus {
  Ok,       // ran; cycles available
  Skipped,  // the accelerator has no hardware for the layer (pooling on a GEMM array)
  Failed,   // the run crashed, timed out, exited with an error, or wrote no result
  Absent,   // the view's backend is not built into this acv binary
  Missing,  // no folder given to `acv merge` holds this case
};
const char* to_string(CaseStatus status);
CaseStatus case_status_from_string(const std::string& text);

struct CaseOutcome {
  CaseStatus status = CaseStatus::Missing;
  std::string message;  // why failed / skipped / absent; stderr tail of failed runs
  bool cached = false;
  LayerResult layer;           // valid for Ok and Skipped
  double wall_seconds = 0;     // the backend's own time for the layer (reported by the run)
  std::string run_json;        // the RunResult text (Ok and Skipped)
};

// Turns a run's exit and its --json file into an outcome (also used for cached results).
CaseOutcome outcome_from_run(const Case& c, const std::string& json_text, const std::string& source);

struct CampaignOptions {
  std::string out_dir;
  int jobs = 1;
  std::string acv_binary;            // used by the default command
  std::string cache_dir;             // empty: no cache
  std::string repo_root;             // for cache keys
  std::set<std::string> available_backends;  // views with other backends are Absent
  double timeout_seconds = 0;        // per run; 0 = none
  bool tty = false;                  // progress bar instead of lines
  std::ostream* progress = nullptr;  // progress output; nullptr = none
  // Builds the command line of a case that writes its RunResult to json_path. Default:
  // `acv_binary run --backend ... --json json_path` (see acv_run_command).
  std::function<std::vector<std::string>(const Case&, const std::string& json_path)> command;
};

struct CampaignStats {
  std::size_t cases = 0;   // in this shard
  std::size_t ran = 0;     // processes started
  std::size_t cached = 0;  // cache hits
  std::size_t cache_rejected = 0;  // entries whose checksum did not match: run again
  std::size_t failed = 0;
  std::size_t absent = 0;
  double seconds = 0;      // wall time of the campaign
};

// The `acv run` command line of a case; config and workload paths made absolute.
std::vector<std::string> acv_run_command(const std::string& acv_binary, const Case& c, const std::string& json_path);

// One entry per case of the manifest; std::nullopt for cases outside the folder's shard.
using Outcomes = std::vector<std::optional<CaseOutcome>>;

// Runs the cases of the manifest's shard and writes the result folder (not the reports).
// Contract: failed runs become Failed outcomes, never exceptions; throws only when the
// output folder cannot be written.
Outcomes run_campaign(const Manifest& manifest, const CampaignOptions& options, CampaignStats* stats);

// Writes manifest.json and, for absent views, their case records; returns the command lines
// (one per run of the shard, writing to <out_dir>/runs/) for a scheduler.
std::vector<std::vector<std::string>> emit_jobs(const Manifest& manifest, const CampaignOptions& options);

// Reads result folders of the same suite expansion (InputError otherwise). A case takes the
// first folder that holds it; cases no folder holds are Missing. The returned manifest is
// unsharded.
struct MergedResults {
  Manifest manifest;
  Outcomes outcomes;
};
MergedResults load_result_folders(const std::vector<std::string>& dirs);

// Writes a complete result folder (manifest, runs, case records) from outcomes in memory.
void write_result_folder(const std::string& dir, const Manifest& manifest, const Outcomes& outcomes);

// Shell-quotes a command line for display and job files (only quotes what needs it).
std::string shell_join(const std::vector<std::string>& argv);

}  // namespace acv
