// Calibration of an architecture description against RTL cycles: the values of chosen params that
// minimise the estimator's error, how well the data pins each one, and held-out error
// (`acv calibrate`, docs/calibration.md).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "estimator/arch_description.h"
#include "models/common/accel_config.h"
#include "models/common/program.h"

namespace acv {

// A mapped layer with its RTL cycles (outputs already checked against the golden reference).
struct CalibrationLayer {
  std::string name;      // "workload/layer"
  std::shared_ptr<const Program> program;
  int64_t rtl_cycles = 0;
  bool holdout = false;  // from the held-out workload: never fitted on
};

// A param being fitted and the values searched for it.
struct FitParam {
  std::string name;
  int param = -1;              // index into the description's params
  int64_t initial = 0;         // the description's value for this config
  std::vector<int64_t> domain; // ascending
  std::string domain_source;   // "unknowns:" / "--range" / "default"
};

// Where the default search range of a param without `unknowns:` or --range comes from:
// [0, max(4 * v, v + 64)] around its value v for the config (docs/calibration.md).
std::vector<int64_t> default_domain(int64_t initial);

struct ErrorStats {
  int layers = 0;
  double mape_pct = 0, max_pct = 0;
  std::string max_layer;
};

// How the error moves around the optimum along one param (others at their fitted values).
struct Sensitivity {
  enum class Status { Determined, Range, Undetermined };
  Status status = Status::Determined;
  int64_t lo = 0, hi = 0;                  // values whose train MAPE equals the optimum's
  std::optional<double> mape_below, mape_above;  // train MAPE at the neighbouring domain values
  int64_t searched_lo = 0, searched_hi = 0;
  int profile_points = 0;                  // values of the domain the profile evaluated
  std::string reason;                      // why undetermined (the layers' bottlenecks)
};
const char* to_string(Sensitivity::Status s);

struct FoldResult {
  std::vector<int64_t> values;       // fitted on the other folds
  std::vector<std::size_t> layers;   // evaluated (indices into the problem's layers)
};

struct CalibrationResult {
  std::vector<int64_t> fitted;                  // per FitParam
  std::vector<Sensitivity> sensitivity;         // per FitParam
  std::string search;                           // "exhaustive" or "coordinate"
  int64_t grid_points = 0;                      // product of the domain sizes
  std::vector<int64_t> before_cycles, after_cycles;  // per layer (-1: the description cannot bind it)
  ErrorStats train_before, train_after, holdout_before, holdout_after;
  // k-fold over the train layers when no held-out workload is given.
  int folds = 0;
  std::vector<FoldResult> fold_results;
  ErrorStats kfold;                             // each layer estimated with the fold that left it out
  std::vector<std::string> bottleneck;          // per layer, at the fitted values
  int64_t evaluations = 0;                      // distinct value vectors estimated (some on a few layers only)
  int64_t layer_estimates = 0;                  // estimator runs (value vector x layer)
  double estimator_seconds = 0;
};

struct CalibrationOptions {
  int64_t exhaustive_limit = 4096;  // grid points up to which the search is exhaustive
  int max_rounds = 20;              // coordinate search: rounds over the params at most
  int folds = 5;                    // k-fold: at most this many folds
  int threads = 1;                  // layers estimated in parallel
};

// Contract: `layers` non-empty with at least one train layer; params non-empty with non-empty
// domains. Values of a param the description cannot bind (a zero capacity) count as infeasible
// and are skipped; InputError when no value vector binds at all.
class Calibration {
 public:
  Calibration(std::shared_ptr<const ArchDescription> desc, std::map<std::string, int64_t> config_values,
              std::vector<CalibrationLayer> layers, std::vector<FitParam> params, CalibrationOptions options);
  ~Calibration();
  CalibrationResult run();
  const std::vector<CalibrationLayer>& layers() const { return layers_; }
  const std::vector<FitParam>& params() const { return params_; }

 private:
  struct Impl;
  std::vector<CalibrationLayer> layers_;
  std::vector<FitParam> params_;
  std::unique_ptr<Impl> impl_;
};

// Error of estimates against the RTL over the given layers (est < 0: the layer counts as 100 % off).
ErrorStats error_stats(const std::vector<CalibrationLayer>& layers, const std::vector<int64_t>& est,
                       const std::vector<std::size_t>& which);

// The description text with each param's line set to its value (`NAME: value  # calibrated (was: ...)`).
// Contract: InputError naming the line when an entry is not on a line of its own (flow style).
std::string rewrite_params(const std::string& text, const ArchDescription& desc,
                           const std::vector<std::pair<int, int64_t>>& values);

// A unified diff of two texts that differ only in replaced lines (as rewrite_params makes them).
std::string line_diff(const std::string& before, const std::string& after, const std::string& before_name,
                      const std::string& after_name);

}  // namespace acv
