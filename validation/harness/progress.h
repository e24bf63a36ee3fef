// Progress of a campaign: a redrawn bar (done/total, ETA, current case) on a terminal, plain lines otherwise.
#pragma once

#include <chrono>
#include <cstddef>
#include <ostream>
#include <set>
#include <string>

namespace acv {

class ProgressDisplay {
 public:
  // `total`: runs to execute (cache hits excluded); `tty`: redraw one line instead of printing lines.
  ProgressDisplay(std::ostream& out, std::size_t total, bool tty);
  void started(const std::string& label);
  void finished(const std::string& label, const std::string& outcome, double seconds);
  void tick();   // redraws the bar (ETA, elapsed) on a terminal; nothing otherwise
  void close();  // ends the bar's line

 private:
  void draw();
  std::string eta_text() const;
  std::ostream& out_;
  std::size_t total_;
  std::size_t done_ = 0;
  bool tty_;
  std::set<std::string> running_;
  std::chrono::steady_clock::time_point start_;
};

// True when file descriptor `fd` is a terminal and TERM is not "dumb".
bool is_terminal(int fd);

std::string format_duration(double seconds);  // "42 s", "3 min 05 s", "1 h 02 min"

}  // namespace acv
