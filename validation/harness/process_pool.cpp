// posix_spawn + waitpid job runner: argv vectors only, never a shell command string.
#include "validation/harness/process_pool.h"

#include "models/common/error.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <thread>

extern char** environ;

namespace acv {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct Running {
  std::size_t index;
  pid_t pid;
  Clock::time_point start;
  double timeout;
  bool killed = false;
};

// Starts spec; returns the pid or fills result.spawn_error.
pid_t spawn(const ProcessSpec& spec, ProcessResult* result) {
  if (spec.argv.empty()) {
    result->spawn_error = "empty command";
    return -1;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  const std::string out = spec.stdout_file.empty() ? "/dev/null" : spec.stdout_file;
  const std::string err = spec.stderr_file.empty() ? "/dev/null" : spec.stderr_file;
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> argv;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const bool search_path = spec.argv[0].find('/') == std::string::npos;
  const int rc = search_path ? posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ)
                             : posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    result->spawn_error = "cannot start " + spec.argv[0] + ": " + std::strerror(rc);
    return -1;
  }
  return pid;
}

}  // namespace

std::string ProcessResult::describe() const {
  if (!spawn_error.empty()) return spawn_error;
  if (timed_out) return "timed out after " + std::to_string(static_cast<int>(wall_seconds)) + " s (killed)";
  if (signal != 0) return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  return "exit code " + std::to_string(exit_code);
}

int default_jobs() {
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

std::string self_binary() {
  std::error_code ec;
  const std::filesystem::path p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw InputError("cannot find the acv binary (/proc/self/exe); pass --acv PATH");
  return p.string();
}

ProcessPool::ProcessPool(int jobs) : jobs_(jobs > 0 ? jobs : 1) {}

void ProcessPool::run(const std::vector<ProcessSpec>& specs, const std::function<void(std::size_t)>& on_start,
                      const std::function<void(std::size_t, const ProcessResult&)>& on_finish,
                      const std::function<void()>& on_tick) {
  std::vector<Running> running;
  std::size_t next = 0;
  auto last_tick = Clock::now();
  while (next < specs.size() || !running.empty()) {
    while (next < specs.size() && static_cast<int>(running.size()) < jobs_) {
      const std::size_t i = next++;
      if (on_start) on_start(i);
      ProcessResult result;
      const pid_t pid = spawn(specs[i], &result);
      if (pid < 0) {
        if (on_finish) on_finish(i, result);
        continue;
      }
      running.push_back(Running{i, pid, Clock::now(), specs[i].timeout_seconds});
    }
    bool reaped = false;
    for (auto it = running.begin(); it != running.end();) {
      int status = 0;
      const pid_t r = waitpid(it->pid, &status, WNOHANG);
      if (r == 0) {
        if (it->timeout > 0 && !it->killed && seconds_since(it->start) > it->timeout) {
          kill(it->pid, SIGKILL);
          it->killed = true;
        }
        ++it;
        continue;
      }
      ProcessResult result;
      result.wall_seconds = seconds_since(it->start);
      if (r < 0) {
        result.spawn_error = std::string("waitpid failed: ") + std::strerror(errno);
      } else if (it->killed) {
        result.timed_out = true;
      } else if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
      } else if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
      }
      const std::size_t index = it->index;
      it = running.erase(it);
      reaped = true;
      if (on_finish) on_finish(index, result);
    }
    if (on_tick && seconds_since(last_tick) >= 0.1) {
      on_tick();
      last_tick = Clock::now();
    }
    if (!reaped && !running.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace acv
