// Accuracy and speed of each view against the reference (RTL), and the sign-off checks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "validation/harness/campaign.h"

namespace acv {

// A layer of a whole-network case next to the reference's cycles of that layer.
struct PartMetrics {
  std::string layer;
  int64_t cycles = 0, ref_cycles = 0;
  bool compared = false;
  double error_pct = 0;
};

// One case next to its reference case (same config, workload and layer on the reference view).
struct CaseMetrics {
  const Case* c = nullptr;
  const CaseOutcome* outcome = nullptr;
  bool is_reference = false;
  bool compared = false;       // this view and the reference both Ok (and not the reference itself)
  int64_t cycles = 0;
  int64_t ref_cycles = 0;
  double error_pct = 0;        // signed: (cycles - ref_cycles) / ref_cycles * 100
  double wall_seconds = 0;
  double ref_wall_seconds = 0;
  std::vector<PartMetrics> parts;  // whole-network cases: each layer's cycles, in network order
};

// Metrics over a group of cases of one view; config / workload empty when the group spans them.
struct Aggregate {
  std::string view, config, workload;
  int cases = 0, ok = 0, skipped = 0, failed = 0, absent = 0, missing = 0;
  int compared = 0;
  double mape_pct = 0;           // mean |error| over compared cases
  double mean_error_pct = 0;     // signed mean: > 0 overestimates
  double max_abs_error_pct = 0;  // largest |error|
  std::string max_error_layer;   // where the largest |error| is
  int64_t cycles = 0, ref_cycles = 0;  // sums over compared cases
  double wall_seconds = 0, ref_wall_seconds = 0;  // sums over compared cases
  double speedup = 0;            // ref_wall_seconds / wall_seconds; 0 when not measurable
  // Spread of the per-layer speedups (wall time is noisy on a shared machine); 0 when none.
  double speedup_min = 0, speedup_median = 0, speedup_max = 0;
  std::vector<double> layer_speedups;  // filled by add(), summarised and cleared by finish()
  int outputs_checked = 0, outputs_matched = 0;  // over Ok cases
  // Layers of compared whole-network cases: the same error figures per layer.
  int parts_compared = 0;
  double parts_mape_pct = 0, parts_max_abs_error_pct = 0;
  std::string parts_max_error_layer;
};

// Warn: a speed check below its limit. Wall time depends on the machine's load, so speed is
// reported but never decides a sign-off (design.md: a busy machine must not flip it).
enum class CheckStatus { Pass, Fail, Skipped, Warn };
const char* to_string(CheckStatus status);

// A sign-off check: a threshold of a view on one accelerator config, or the completeness and
// correctness of a view's runs.
struct ThresholdCheck {
  std::string name;    // "estimator / systolic-8x8-os: MAPE <= 10 %"
  std::string view, config;
  std::string metric;  // mape | max_error | min_speedup | runs | outputs
  std::optional<double> limit, value;
  CheckStatus status = CheckStatus::Pass;
  std::string detail;  // why it failed or was skipped
};

struct Evaluation {
  std::vector<CaseMetrics> cases;      // cases of the folder (in-shard), in suite order
  std::vector<Aggregate> networks;     // per view x config x workload
  std::vector<Aggregate> configs;      // per view x config
  std::vector<Aggregate> views;        // per view
  std::vector<ThresholdCheck> checks;
  bool passed = true;                  // no check failed
  std::vector<std::string> failed_checks() const;
  std::vector<std::string> warnings() const;  // Warn checks, as failed_checks() words them
};

// Contract: `outcomes` has one entry per manifest case (nullopt = not in this folder).
Evaluation evaluate(const Manifest& manifest, const Outcomes& outcomes);

// Exit code of acv validate / merge: 0 when every check passed, 1 (kExitCheckFailed) otherwise.
int signoff_exit_code(const Evaluation& ev);

}  // namespace acv
