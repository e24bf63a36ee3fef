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

ProgressDisplay::ProgressDisplay(std::ostream& out, std::size_t total, bool tty)
    : out_(out), total_(total), tty_(tty), start_(std::chrono::steady_clock::now()) {}

std::string ProgressDisplay::eta_text() const {
  if (done_ == 0) return "ETA ?";
  const double per = elapsed(start_) / static_cast<double>(done_);
  return "ETA " + format_duration(per * static_cast<double>(total_ - done_));
}

void ProgressDisplay::started(const std::string& label) {
  running_.insert(label);
  if (tty_) draw();
}

void ProgressDisplay::finished(const std::string& label, const std::string& outcome, double seconds) {
  running_.erase(label);
  ++done_;
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
