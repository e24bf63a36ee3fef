// Terminal progress bar and plain progress lines for campaigns.
#include "validation/harness/progress.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace acv {

namespace {
double elapsed(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}
}  // namespace

bool is_terminal(int fd) {
  const char* term = std::getenv("TERM");
  return isatty(fd) && !(term && std::strcmp(term, "dumb") == 0);
}

std::string format_duration(double seconds) {
  char buf[64];
  const long s = static_cast<long>(seconds + 0.5);
  if (seconds < 60)
    std::snprintf(buf, sizeof buf, "%.1f s", seconds);
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%ld min %02ld s", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld h %02ld min", s / 3600, (s % 3600) / 60);
  return buf;
}

void WorkTally::Class::finish(int64_t macs, double seconds) {
  const double m = static_cast<double>(macs > 0 ? macs : 0);
  runs_left -= 1, macs_left -= m;
  n += 1, sum_m += m, sum_s += seconds, sum_mm += m * m, sum_ms += m * seconds;
}

bool WorkTally::Class::fit(double* fixed, double* rate) const {
  if (n <= 0) return false;
  const double den = n * sum_mm - sum_m * sum_m;
  if (den > 1e-9 * n * sum_mm) {  // two or more distinct MAC counts
    *rate = (n * sum_ms - sum_m * sum_s) / den;
    *fixed = (sum_s - *rate * sum_m) / n;
    if (*fixed >= 0 && *rate >= 0) return true;
  }
  // Through the origin (all runs of one size, or a negative fixed part), or a constant.
  *fixed = 0;
  *rate = sum_mm > 0 ? sum_ms / sum_mm : 0;
  if (*rate <= 0) *fixed = sum_s / n, *rate = 0;
  return true;
}

double estimate_seconds_left(const WorkTally& t, double elapsed) {
  constexpr double kFastViewShare = 1.0 / 20;
  const double done_seconds = t.ref.sum_s + t.other.sum_s;
  double ref_fixed = 0, ref_rate = 0, other_fixed = 0, other_rate = 0;
  const bool ref = t.ref.fit(&ref_fixed, &ref_rate), other = t.other.fit(&other_fixed, &other_rate);
  if ((!ref && !other) || done_seconds <= 0) return -1;
  if (!ref) ref_fixed = other_fixed / kFastViewShare, ref_rate = other_rate / kFastViewShare;
  if (!other) other_fixed = ref_fixed * kFastViewShare, other_rate = ref_rate * kFastViewShare;
  const double seconds_left = t.ref.runs_left * ref_fixed + t.ref.macs_left * ref_rate +
                              t.other.runs_left * other_fixed + t.other.macs_left * other_rate;
  return seconds_left * elapsed / done_seconds;
}

ProgressDisplay::ProgressDisplay(std::ostream& out, std::size_t total, bool tty,
                                 std::vector<std::pair<int64_t, bool>> work)
    : out_(out), total_(total), tty_(tty), work_(std::move(work)), start_(std::chrono::steady_clock::now()) {
  if (work_.size() != total_) work_.assign(total_, {0, true});
  for (const auto& [macs, reference] : work_) (reference ? tally_.ref : tally_.other).add(macs);
}

std::string ProgressDisplay::eta_text() const {
  const double left = estimate_seconds_left(tally_, elapsed(start_));
  if (left < 0) return "ETA ?";
  return "ETA " + format_duration(left);
}

void ProgressDisplay::started(const std::string& label) {
  running_.insert(label);
  if (tty_) draw();
}

void ProgressDisplay::finished(std::size_t run, const std::string& label, const std::string& outcome,
                               double seconds) {
  running_.erase(label);
  ++done_;
  if (run < work_.size()) (work_[run].second ? tally_.ref : tally_.other).finish(work_[run].first, seconds);
  if (tty_) {
    if (outcome != "ok") {  // keep failures visible above the bar
      out_ << "\r\033[K" << outcome << "  " << label << "\n";
    }
    draw();
  } else {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f s", seconds);
    out_ << "[" << done_ << "/" << total_ << "] " << outcome << "  " << label << "  (" << buf << ", "
         << eta_text() << ")\n";
    out_.flush();
  }
}

void ProgressDisplay::tick() {
  if (tty_) draw();
}

void ProgressDisplay::draw() {
  constexpr int kWidth = 30;
  const int filled = total_ == 0 ? kWidth : static_cast<int>(kWidth * done_ / total_);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, '.');
  std::string current = running_.empty() ? "" : *running_.begin();
  if (running_.size() > 1) current += " (+" + std::to_string(running_.size() - 1) + ")";
  if (current.size() > 60) current = "..." + current.substr(current.size() - 57);
  out_ << "\r\033[K[" << bar << "] " << done_ << "/" << total_ << "  " << format_duration(elapsed(start_)) << "  "
       << eta_text() << "  " << current << std::flush;
}

void ProgressDisplay::close() {
  if (tty_) out_ << "\r\033[K" << std::flush;
}

}  // namespace acv
