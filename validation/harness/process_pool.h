// Runs child processes (one per backend run) with a job limit, without a shell.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace acv {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is the program: a path, or a name looked up in PATH
  std::string stdout_file;        // empty: /dev/null
  std::string stderr_file;        // empty: /dev/null
  double timeout_seconds = 0;     // 0: none; on expiry the child gets SIGKILL
};

struct ProcessResult {
  int exit_code = -1;      // valid when the child exited
  int signal = 0;          // killing signal, 0 if it exited
  bool timed_out = false;
  std::string spawn_error;  // non-empty when the program could not be started
  double wall_seconds = 0;
  bool ok() const { return spawn_error.empty() && !timed_out && signal == 0 && exit_code == 0; }
  std::string describe() const;  // "exit code 2", "killed by signal 11 (Segmentation fault)", ...
};

// Spawns with posix_spawn and reaps with waitpid; callbacks run on the calling thread.
class ProcessPool {
 public:
  explicit ProcessPool(int jobs);
  // Contract: runs every spec, at most `jobs` at a time, in order of `specs`; a failing child
  // never stops the others. on_start(i) before spawning spec i, on_finish(i, result) after
  // reaping it, on_tick() about every 100 ms while children run (for progress displays).
  void run(const std::vector<ProcessSpec>& specs, const std::function<void(std::size_t)>& on_start,
           const std::function<void(std::size_t, const ProcessResult&)>& on_finish,
           const std::function<void()>& on_tick = {});

 private:
  int jobs_;
};

// Default job count: the number of online cores (at least 1).
int default_jobs();

// The running executable's path (/proc/self/exe), to start more runs of it.
// Contract: InputError when it cannot be found (then pass the binary explicitly, e.g. --acv PATH).
std::string self_binary();

}  // namespace acv
