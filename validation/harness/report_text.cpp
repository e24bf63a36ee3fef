#include "validation/harness/report_text.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "models/common/error.h"
#include "validation/harness/process_pool.h"

namespace acv {

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw InputError(SourceLoc{path, 0, ""}, "cannot write file");
  out << text;
}

std::string num(double v, const char* format) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string Table::str() const {
  std::vector<std::size_t> width(rows_[0].size(), 3);
  for (const auto& r : rows_)
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  std::string out;
  auto line = [&](const std::vector<std::string>& r) {
    out += "|";
    for (std::size_t i = 0; i < r.size(); ++i) out += " " + r[i] + std::string(width[i] - r[i].size(), ' ') + " |";
    out += "\n";
  };
  line(rows_[0]);
  out += "|";
  for (auto w : width) out += std::string(w + 2, '-') + "|";
  out += "\n";
  for (std::size_t i = 1; i < rows_.size(); ++i) line(rows_[i]);
  return out;
}

std::string md_escape(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string gp_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return out + "\"";
}

std::string run_gnuplot(const std::string& gnuplot, const std::string& script, const std::string& log_file,
                        const std::string& log_name) {
  ProcessSpec spec;
  spec.argv = {gnuplot, script};
  spec.stderr_file = log_file;
  spec.timeout_seconds = 120;
  ProcessResult result;
  ProcessPool(1).run({spec}, {}, [&](std::size_t, const ProcessResult& r) { result = r; });
  if (result.ok()) return "";
  return "Plots failed (" + result.describe() + "; see " + log_name + "). Is gnuplot installed (scripts/setup)?";
}

}  // namespace acv
