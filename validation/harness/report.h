// Reports of a campaign: report.md, cases.csv, summary.json (docs/summary-schema.md), junit.xml, plots.
#pragma once

#include <string>

#include "validation/harness/campaign.h"
#include "validation/harness/metrics.h"

namespace acv {

struct ReportOptions {
  bool plots = true;                 // run gnuplot (SVG + PNG); skipped with a note if missing
  std::string gnuplot = "gnuplot";   // program name or path
};

// Writes every report into `dir`. Everything written depends only on the manifest and the
// outcomes (no timestamps, host names or cache state), so a merged set of shards gives
// byte-identical reports to one local run.
// Contract: throws InputError when `dir` cannot be written; a failing gnuplot only adds a note.
void write_reports(const std::string& dir, const Manifest& manifest, const Outcomes& outcomes, const Evaluation& ev,
                   const ReportOptions& options);

// The summary table printed at the end of `acv validate` / `acv merge` (Markdown, aligned).
std::string summary_table(const Manifest& manifest, const Evaluation& ev);

// The summary.json document.
std::string summary_json(const Manifest& manifest, const Evaluation& ev);

}  // namespace acv
