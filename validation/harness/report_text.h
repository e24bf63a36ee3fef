// Text helpers shared by the report writers (acv validate, acv calibrate): files, numbers,
// Markdown tables, gnuplot quoting and running.
#pragma once

#include <string>
#include <vector>

namespace acv {

// Contract: InputError naming the path when it cannot be written.
void write_text(const std::string& path, const std::string& text);

std::string num(double v, const char* format = "%.2f");

// Markdown table with padded columns, readable as plain text too.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : rows_{std::move(header)} {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.size() == 1; }
  std::string str() const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

std::string md_escape(const std::string& s);

// A gnuplot string literal.
std::string gp_quote(const std::string& s);

// Runs `gnuplot script` with its stderr in log_file; "" when it succeeded, else a note for the report.
// `log_name`: how the note names the log (relative to the report).
std::string run_gnuplot(const std::string& gnuplot, const std::string& script, const std::string& log_file,
                        const std::string& log_name);

}  // namespace acv
