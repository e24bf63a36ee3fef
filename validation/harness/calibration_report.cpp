// calibrated.yaml, calibrated.diff, calibration.json, report.md and the before/after plot of a calibration.
#include "validation/harness/calibration_report.h"

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "models/common/error.h"
#include "validation/harness/report_text.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace acv {

namespace {

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

json stats_json(const ErrorStats& s) {
  return json{{"mape", s.mape_pct}, {"max", s.max_pct}, {"max_layer", s.max_layer}, {"layers", s.layers}};
}

std::string pct(double v) { return num(v, "%.2f") + " %"; }

std::string error_cell(int64_t est, int64_t rtl) {
  if (est < 0) return "-";
  return num((static_cast<double>(est) - static_cast<double>(rtl)) / static_cast<double>(rtl) * 100.0, "%+.2f");
}

// plots/data.dat (rtl, before, after per layer) and plots/calibration.gp; returns the script.
std::string write_plot(const std::string& dir, const CalibrationRecord& r) {
  const std::string plots = dir + "/plots";
  fs::create_directories(plots);
  std::ostringstream data;
  data << "# rtl_cycles before after train(1)/holdout(0)\n";
  for (std::size_t i = 0; i < r.layers.size(); ++i)
    data << r.layers[i].rtl_cycles << " " << r.result.before_cycles[i] << " " << r.result.after_cycles[i] << " "
         << (r.layers[i].holdout ? 0 : 1) << "\n";
  write_text(plots + "/data.dat", data.str());
  std::ostringstream gp;
  gp << "cd " << gp_quote(plots) << "\nset grid\nset key left top\nset logscale xy\n";
  gp << "set xlabel 'RTL cycles'\nset ylabel 'estimated cycles'\n";
  for (const auto& term : std::vector<std::pair<std::string, std::string>>{
           {"svg size 900,650 dynamic background rgb 'white'", "svg"}, {"pngcairo size 900,650", "png"}}) {
    gp << "set terminal " << term.first << " noenhanced\n";
    gp << "set output 'calibration." << term.second << "'\n";
    gp << "set title " << gp_quote("estimator vs RTL per layer, " + r.config_name + ": before and after calibration")
       << "\n";
    gp << "plot 'data.dat' using 1:($2 > 0 ? $2 : NaN) with points pt 6 ps 1.2 title 'before', "
          "'data.dat' using 1:($3 > 0 && $4 == 1 ? $3 : NaN) with points pt 7 ps 0.8 title 'after (train)', "
          "'data.dat' using 1:($3 > 0 && $4 == 0 ? $3 : NaN) with points pt 5 ps 0.8 title 'after (held out)', "
          "x with lines lc rgb 'black' dt 2 title 'y = x'\n";
  }
  gp << "unset output\n";
  write_text(plots + "/calibration.gp", gp.str());
  return plots + "/calibration.gp";
}

}  // namespace

std::string undetermined_line(const CalibrationRecord& r, std::size_t p) {
  const Sensitivity& s = r.result.sensitivity[p];
  if (s.status != Sensitivity::Status::Undetermined) return "";
  return r.params[p].name + ": not determined by " + join(r.train_workloads, " + ") + ": " + s.reason;
}

std::string calibration_json(const CalibrationRecord& r) {
  const CalibrationResult& c = r.result;
  json j;
  j["config"] = r.config_name;
  j["description"] = r.description_file;
  j["train_workloads"] = r.train_workloads;
  j["fitted"] = json::object();
  j["sensitivity"] = json::object();
  for (std::size_t p = 0; p < r.params.size(); ++p) {
    const FitParam& fp = r.params[p];
    const Sensitivity& s = c.sensitivity[p];
    const bool undetermined = s.status == Sensitivity::Status::Undetermined;
    j["fitted"][fp.name] = undetermined ? json(nullptr) : json(c.fitted[p]);
    json sj{{"status", to_string(s.status)},
            {"initial", fp.initial},
            {"range", {s.lo, s.hi}},
            {"searched", {s.searched_lo, s.searched_hi}},
            {"domain_values", fp.domain.size()},
            {"domain_from", fp.domain_source},
            {"profile_points", s.profile_points},
            {"mape_below", s.mape_below ? json(*s.mape_below) : json(nullptr)},
            {"mape_above", s.mape_above ? json(*s.mape_above) : json(nullptr)}};
    if (undetermined) sj["reason"] = undetermined_line(r, p);
    j["sensitivity"][fp.name] = sj;
  }
  j["train"] = stats_json(c.train_after);
  j["train"]["before"] = stats_json(c.train_before);
  if (!r.holdout_workloads.empty()) {
    j["holdout"] = stats_json(c.holdout_after);
    j["holdout"]["kind"] = "workload";
    j["holdout"]["workloads"] = r.holdout_workloads;
    j["holdout"]["before"] = stats_json(c.holdout_before);
  } else if (c.folds > 0) {
    j["holdout"] = stats_json(c.kfold);
    j["holdout"]["kind"] = "k-fold";
    j["holdout"]["folds"] = c.folds;
    json fits = json::array();
    for (const auto& f : c.fold_results) fits.push_back(f.values);
    j["holdout"]["fold_fits"] = fits;
  } else {
    j["holdout"] = nullptr;
  }
  j["search"] = {{"method", c.search}, {"grid_points", c.grid_points}, {"evaluations", c.evaluations}, {"layer_estimates", c.layer_estimates},
                 {"estimator_seconds", c.estimator_seconds}};
  j["rtl"] = {{"seconds", r.rtl_seconds}, {"ran", r.rtl_ran}, {"cached", r.rtl_cached}};
  j["seconds"] = r.seconds;
  json layers = json::array();
  for (std::size_t i = 0; i < r.layers.size(); ++i)
    layers.push_back({{"layer", r.layers[i].name},
                      {"set", r.layers[i].holdout ? "holdout" : "train"},
                      {"rtl", r.layers[i].rtl_cycles},
                      {"before", c.before_cycles[i]},
                      {"after", c.after_cycles[i]},
                      {"bottleneck", c.bottleneck[i]}});
  j["layers"] = layers;
  return j.dump(2) + "\n";
}

std::string calibration_report_md(const CalibrationRecord& r, const std::string& plot_note) {
  const CalibrationResult& c = r.result;
  std::ostringstream md;
  md << "# Calibration of " << r.description_file << " on " << r.config_name << "\n\n";
  md << "Train: " << join(r.train_workloads, ", ") << " (" << c.train_after.layers << " layers). Held out: "
     << (r.holdout_workloads.empty()
             ? (c.folds > 0 ? std::to_string(c.folds) + "-fold cross-validation over the train layers"
                            : std::string("nothing (one layer: no cross-validation)"))
             : join(r.holdout_workloads, ", ") + " (" + std::to_string(c.holdout_after.layers) + " layers)")
     << ".\n";
  md << "Search: " << c.search << " over " << c.grid_points << " value combinations, " << c.evaluations
     << " estimated with " << c.layer_estimates << " layer estimates (" << num(c.estimator_seconds, "%.2f")
     << " s of estimator time; a candidate is dropped once its partial error exceeds the best); RTL: " << r.rtl_ran
     << " runs, " << r.rtl_cached << " from the cache (" << num(r.rtl_seconds, "%.1f") << " s); total "
     << num(r.seconds, "%.1f") << " s.\n\n";

  md << "## Fitted parameters\n\n";
  Table params({"param", "description value", "fitted", "status", "values with the optimum's error", "searched",
                "train MAPE at value - 1 step / + 1 step"});
  for (std::size_t p = 0; p < r.params.size(); ++p) {
    const FitParam& fp = r.params[p];
    const Sensitivity& s = c.sensitivity[p];
    const bool und = s.status == Sensitivity::Status::Undetermined;
    params.add({fp.name, std::to_string(fp.initial), und ? "not determined" : std::to_string(c.fitted[p]),
                to_string(s.status), "[" + std::to_string(s.lo) + ", " + std::to_string(s.hi) + "]",
                "[" + std::to_string(s.searched_lo) + ", " + std::to_string(s.searched_hi) + "] (" + fp.domain_source + ")",
                (s.mape_below ? pct(*s.mape_below) : "-") + " / " + (s.mape_above ? pct(*s.mape_above) : "-")});
  }
  md << params.str() << "\n";
  for (std::size_t p = 0; p < r.params.size(); ++p) {
    const std::string line = undetermined_line(r, p);
    if (!line.empty()) md << "- **" << line << "** (the description keeps its value)\n";
    if (c.sensitivity[p].status == Sensitivity::Status::Range)
      md << "- " << r.params[p].name << ": only bounded: every value in [" << c.sensitivity[p].lo << ", "
         << c.sensitivity[p].hi << "] fits equally; the one nearest the description's value is kept\n";
  }
  md << "\n## Error against RTL\n\n";
  Table err({"layers", "MAPE before", "max before", "MAPE after", "max after (layer)"});
  err.add({"train", pct(c.train_before.mape_pct), pct(c.train_before.max_pct), pct(c.train_after.mape_pct),
           pct(c.train_after.max_pct) + " (" + md_escape(c.train_after.max_layer) + ")"});
  if (!r.holdout_workloads.empty())
    err.add({"held out", pct(c.holdout_before.mape_pct), pct(c.holdout_before.max_pct), pct(c.holdout_after.mape_pct),
             pct(c.holdout_after.max_pct) + " (" + md_escape(c.holdout_after.max_layer) + ")"});
  else if (c.folds > 0)
    err.add({std::to_string(c.folds) + "-fold (each layer fitted without it)", "-", "-", pct(c.kfold.mape_pct),
             pct(c.kfold.max_pct) + " (" + md_escape(c.kfold.max_layer) + ")"});
  md << err.str() << "\n";
  if (c.folds > 0) {
    md << "Values fitted per fold:";
    for (const auto& f : c.fold_results) {
      md << " (";
      for (std::size_t p = 0; p < f.values.size(); ++p) md << (p ? ", " : "") << f.values[p];
      md << ")";
    }
    md << "\n\n";
  }
  if (plot_note.empty())
    md << "![estimator vs RTL, before and after](plots/calibration.svg)\n\n";
  else
    md << plot_note << "\n\n";
  md << "## Per layer\n\n";
  Table layers({"layer", "set", "RTL cycles", "before", "error %", "after", "error %", "bound by (after)"});
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    const auto& l = r.layers[i];
    layers.add({md_escape(l.name), l.holdout ? "held out" : "train", std::to_string(l.rtl_cycles),
                std::to_string(c.before_cycles[i]), error_cell(c.before_cycles[i], l.rtl_cycles),
                std::to_string(c.after_cycles[i]), error_cell(c.after_cycles[i], l.rtl_cycles), c.bottleneck[i]});
  }
  md << layers.str() << "\nThe calibrated description: calibrated.yaml (changes: calibrated.diff).\n";
  return md.str();
}

void write_calibration(const std::string& dir, const CalibrationRecord& r, bool plots) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InputError(SourceLoc{dir, 0, "--out"}, "cannot create folder: " + ec.message());
  write_text(dir + "/calibrated.yaml", r.calibrated_text);
  write_text(dir + "/calibrated.diff",
             line_diff(r.description_text, r.calibrated_text, r.description_file, dir + "/calibrated.yaml"));
  write_text(dir + "/calibration.json", calibration_json(r));
  std::string note = "Plots were not requested (--no-plots).";
  if (plots) {
    const std::string script = write_plot(dir, r);
    note = run_gnuplot("gnuplot", script, dir + "/plots/gnuplot.log", "plots/gnuplot.log");
  }
  write_text(dir + "/report.md", calibration_report_md(r, note));
}

}  // namespace acv
