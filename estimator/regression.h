// The regression baseline: cycles as a least-squares linear function of layer features (MACs,
// external bytes and requests, instructions per class), fitted on RTL-measured layers.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "estimator/bound_arch.h"

namespace acv {

using FeatureVector = std::map<std::string, double>;

// "macs", "bytes.<memory>", "requests.<memory>", "count.<class>" of the Program under the description.
FeatureVector layer_features(const BoundArch& arch, const Program& program);

struct RegressionSample {
  FeatureVector features;
  double cycles = 0;
  std::string layer;
};

struct RegressionModel {
  std::string description;  // name of the description whose features it uses
  std::vector<std::string> features;
  std::vector<double> coefficients;  // intercept first, then one per feature
  int64_t samples = 0;

  double predict(const FeatureVector& f) const;
};

// Least squares (with a tiny ridge term so collinear features still fit). Throws InputError when
// there are no samples.
RegressionModel fit_regression(const std::vector<RegressionSample>& samples, const std::string& description);

std::string regression_to_json(const RegressionModel& model);
// Contract: throws InputError naming `source` on malformed content.
RegressionModel regression_from_json(const std::string& text, const std::string& source);
void save_regression(const RegressionModel& model, const std::string& path);
RegressionModel load_regression(const std::string& path);

// Samples from RunResult JSON files (RTL runs): each layer is mapped again with the run's config
// and workload files so its features come from the same Program the run used.
std::vector<RegressionSample> samples_from_run_results(const std::vector<std::string>& run_result_files);

}  // namespace acv
