// Regression baseline: features, least-squares fit, model file.
#include "regression.h"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "estimator/program_totals.h"
#include "models/common/accelerator.h"
#include "models/common/input_file.h"
#include "models/common/run_result.h"
#include "models/common/workload_reader.h"

namespace acv {

FeatureVector layer_features(const BoundArch& arch, const Program& program) {
  const ProgramTotals t = program_totals(arch, program);
  FeatureVector f;
  f["macs"] = static_cast<double>(t.macs);
  for (std::size_t m = 0; m < arch.memories.size(); ++m) {
    f["bytes." + arch.desc->memories[m].name] = static_cast<double>(t.memory_bytes[m]);
    f["requests." + arch.desc->memories[m].name] = static_cast<double>(t.memory_requests[m]);
  }
  for (std::size_t c = 0; c < arch.desc->classes.size(); ++c)
    f["count." + arch.desc->classes[c].name] = static_cast<double>(t.class_count[c]);
  return f;
}

double RegressionModel::predict(const FeatureVector& f) const {
  double y = coefficients.empty() ? 0.0 : coefficients[0];
  for (std::size_t i = 0; i < features.size(); ++i) {
    const auto it = f.find(features[i]);
    if (it != f.end()) y += coefficients[i + 1] * it->second;
  }
  return y;
}

RegressionModel fit_regression(const std::vector<RegressionSample>& samples, const std::string& description) {
  if (samples.empty()) throw InputError("regression fit: no samples");
  RegressionModel model;
  model.description = description;
  model.samples = static_cast<int64_t>(samples.size());
  std::set<std::string> names;
  for (const auto& s : samples)
    for (const auto& kv : s.features) names.insert(kv.first);
  model.features.assign(names.begin(), names.end());
  const std::size_t k = model.features.size() + 1;
  // Column scales keep the normal equations well conditioned.
  std::vector<double> scale(k, 1.0);
  auto x = [&](const RegressionSample& s, std::size_t j) {
    if (j == 0) return 1.0;
    const auto it = s.features.find(model.features[j - 1]);
    return it == s.features.end() ? 0.0 : it->second;
  };
  for (std::size_t j = 1; j < k; ++j) {
    double m = 0;
    for (const auto& s : samples) m = std::max(m, std::fabs(x(s, j)));
    scale[j] = m > 0 ? m : 1.0;
  }
  std::vector<std::vector<double>> a(k, std::vector<double>(k + 1, 0.0));
  for (const auto& s : samples)
    for (std::size_t i = 0; i < k; ++i) {
      const double xi = x(s, i) / scale[i];
      for (std::size_t j = 0; j < k; ++j) a[i][j] += xi * x(s, j) / scale[j];
      a[i][k] += xi * s.cycles;
    }
  for (std::size_t i = 0; i < k; ++i) a[i][i] += 1e-9 * (1.0 + a[i][i]);
  for (std::size_t c = 0; c < k; ++c) {  // Gaussian elimination with partial pivoting
    std::size_t p = c;
    for (std::size_t r = c + 1; r < k; ++r)
      if (std::fabs(a[r][c]) > std::fabs(a[p][c])) p = r;
    std::swap(a[c], a[p]);
    if (std::fabs(a[c][c]) < 1e-300) continue;
    for (std::size_t r = 0; r < k; ++r) {
      if (r == c) continue;
      const double f = a[r][c] / a[c][c];
      for (std::size_t j = c; j <= k; ++j) a[r][j] -= f * a[c][j];
    }
  }
  model.coefficients.resize(k);
  for (std::size_t i = 0; i < k; ++i)
    model.coefficients[i] = std::fabs(a[i][i]) < 1e-300 ? 0.0 : a[i][k] / a[i][i] / scale[i];
  return model;
}

std::string regression_to_json(const RegressionModel& model) {
  nlohmann::json j;
  j["kind"] = "acv-regression-model";
  j["description"] = model.description;
  j["samples"] = model.samples;
  j["intercept"] = model.coefficients.empty() ? 0.0 : model.coefficients[0];
  nlohmann::json coeffs = nlohmann::json::object();
  for (std::size_t i = 0; i < model.features.size(); ++i) coeffs[model.features[i]] = model.coefficients[i + 1];
  j["coefficients"] = coeffs;
  return j.dump(2) + "\n";
}

RegressionModel regression_from_json(const std::string& text, const std::string& source) {
  try {
    const auto j = nlohmann::json::parse(text);
    if (!j.is_object() || j.value("kind", "") != "acv-regression-model")
      throw InputError(SourceLoc{source, 0, "kind"}, "not an acv regression model (kind: acv-regression-model)");
    RegressionModel m;
    m.description = j.value("description", "");
    m.samples = j.value("samples", int64_t{0});
    m.coefficients.push_back(j.at("intercept").get<double>());
    for (const auto& kv : j.at("coefficients").items()) {
      m.features.push_back(kv.key());
      m.coefficients.push_back(kv.value().get<double>());
    }
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(SourceLoc{source, 0, ""}, std::string("malformed regression model: ") + e.what());
  }
}

void save_regression(const RegressionModel& model, const std::string& path) {
  std::ofstream out(path);
  if (!out) throw InputError(SourceLoc{path, 0, ""}, "cannot write regression model");
  out << regression_to_json(model);
}

RegressionModel load_regression(const std::string& path) { return regression_from_json(read_input_file(path), path); }

std::vector<RegressionSample> samples_from_run_results(const std::vector<std::string>& run_result_files) {
  std::vector<RegressionSample> out;
  for (const auto& file : run_result_files) {
    const RunResult run = run_result_from_json(read_input_file(file), file);
    const AccelConfig config = load_accel_config(run.config_file);
    if (config.description.empty())
      throw InputError(SourceLoc{run.config_file, 0, "description"}, "config names no architecture description");
    const auto desc = cached_arch_description(config.description);
    const Workload workload = load_workload(run.workload_file);
    const auto accel = AcceleratorRegistry::create(config.accelerator);
    for (const auto& lr : run.layers) {
      if (lr.status != "ok" || lr.cycles <= 0) continue;
      const Program program = accel->map(workload.find(lr.layer), config);
      const BoundArch arch = bind_arch(desc, config_values(config), program);
      out.push_back(RegressionSample{layer_features(arch, program), static_cast<double>(lr.cycles), lr.layer});
    }
  }
  return out;
}

}  // namespace acv
