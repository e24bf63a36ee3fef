// Progress of a campaign: a redrawn bar (done/total, ETA, current case) on a terminal, plain lines otherwise.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace acv {

// What a campaign's ETA is estimated from, per class of run (the reference view's, the others'): a
// run's seconds as a fixed part (process start, elaboration) plus seconds per MAC, fitted (least
// squares) to the finished runs of its class. Campaigns run the longest cases first, so seconds per
// finished run would overstate the rest many times over.
struct WorkTally {
  struct Class {
    double n = 0, sum_m = 0, sum_s = 0, sum_mm = 0, sum_ms = 0;  // finished runs: MACs m, seconds s
    double runs_left = 0, macs_left = 0;
    void add(int64_t macs) { runs_left += 1, macs_left += static_cast<double>(macs > 0 ? macs : 0); }
    void finish(int64_t macs, double seconds);
    // seconds = fixed + rate x MACs over the finished runs (both >= 0); false when none finished.
    bool fit(double* fixed, double* rate) const;
  };
  Class ref, other;
};

// Wall seconds left: each class's runs left at its fit (a class with none finished yet: the fast views
// at 1/20 of the reference's fixed part and rate, the speedup the suites ask for, and vice versa),
// scaled by the concurrency seen so far (`elapsed` wall seconds for the finished runs' seconds).
// Negative when nothing has finished (unknown).
double estimate_seconds_left(const WorkTally& t, double elapsed);

class ProgressDisplay {
 public:
  // `total`: runs to execute (cache hits excluded); `tty`: redraw one line instead of printing lines.
  // `work`: per run, in order, its MACs and whether it is a reference-view run (for the ETA; empty:
  // every run a reference run without MACs).
  ProgressDisplay(std::ostream& out, std::size_t total, bool tty,
                  std::vector<std::pair<int64_t, bool>> work = {});
  void started(const std::string& label);
  void finished(std::size_t run, const std::string& label, const std::string& outcome, double seconds);
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
  std::vector<std::pair<int64_t, bool>> work_;
  WorkTally tally_;
  std::chrono::steady_clock::time_point start_;
};

// True when file descriptor `fd` is a terminal and TERM is not "dumb".
bool is_terminal(int fd);

std::string format_duration(double seconds);  // "42 s", "3 min 05 s", "1 h 02 min"

}  // namespace acv
