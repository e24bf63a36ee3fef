// The files `acv calibrate` writes: calibrated.yaml, calibrated.diff, calibration.json, report.md
// and a before/after plot (docs/calibration.md).
#pragma once

#include <string>
#include <vector>

#include "validation/harness/calibration.h"

namespace acv {

struct CalibrationRecord {
  std::string config_name;
  std::string description_file;      // as given
  std::string description_text;      // as read
  std::string calibrated_text;       // with the fitted values
  std::vector<std::string> train_workloads, holdout_workloads;
  std::vector<CalibrationLayer> layers;
  std::vector<FitParam> params;
  CalibrationResult result;
  double rtl_seconds = 0;            // the RTL campaign (cache hits are nearly free)
  int rtl_ran = 0, rtl_cached = 0;
  double seconds = 0;                // the whole calibration of this config
};

// "NAME: not determined by W: reason" (or "" when the param is determined or bounded).
std::string undetermined_line(const CalibrationRecord& r, std::size_t param);

std::string calibration_json(const CalibrationRecord& r);
std::string calibration_report_md(const CalibrationRecord& r, const std::string& plot_note);

// Writes every file into `dir` (created). Contract: InputError when it cannot be written; a failing
// gnuplot only adds a note to report.md.
void write_calibration(const std::string& dir, const CalibrationRecord& r, bool plots);

}  // namespace acv
