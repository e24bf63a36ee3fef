#include "child_process.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <vector>

#include "models/common/error.h"
#include "models/common/prefault.h"
#include "models/common/wire.h"

namespace acv {
namespace {

// The result travels in an anonymous shared-memory file (memfd; a temporary file where there is
// none) rather than through the pipe: a layer's memory image is megabytes, and a pipe moves it
// 64 KiB per wake-up of the parent, which on a busy machine cost as much as the simulation. The
// pipe only says "result complete" (one byte) or, closed without it, that the child died.
int result_file() {
  const int fd = ::memfd_create("acv-tlm-result", MFD_CLOEXEC);
  if (fd >= 0) return fd;
  std::FILE* f = std::tmpfile();
  if (f == nullptr) throw BackendError(std::string("result file: ") + std::strerror(errno));
  const int dup = ::dup(::fileno(f));
  std::fclose(f);
  if (dup < 0) throw BackendError(std::string("result file: ") + std::strerror(errno));
  return dup;
}

// Whether `ranges` lie inside an image of `size` bytes.
bool inside(const std::vector<ImageRange>& ranges, std::size_t size) {
  for (const ImageRange& r : ranges)
    if (r.offset > size || r.bytes > size - r.offset) return false;
  return true;
}

[[noreturn]] void child_main(int result_fd, int ready_fd, const std::function<SimulationOutput()>& simulate,
                             const ImageReturn& image) {
  ::dup2(STDERR_FILENO, STDOUT_FILENO);  // SystemC reports go to stdout; keep the parent's stdout clean
  Writer w;  // everything but the memory image, which is written from where it is
  SimulationOutput out;
  bool result = false;  // an Ok outcome: its memory image follows
  try {
    out = simulate();
    if (image.base && !inside(image.ranges, out.dram.size()))
      throw BackendError("the memory image (" + std::to_string(out.dram.size()) +
                         " bytes) does not hold the ranges to return");
    w.u8(static_cast<uint8_t>(Outcome::Ok));
    w.i64(out.cycles);
    w.i64(static_cast<int64_t>(out.counters.size()));
    for (const auto& kv : out.counters) {
      w.str(kv.first);
      w.i64(kv.second);
    }
    w.i64(static_cast<int64_t>(out.dram.size()));
    result = true;
  } catch (...) {
    w = Writer();
    put_current_error(&w);
  }
  std::fflush(stderr);
  bool sent = w.flush(result_fd);
  if (result && !image.base) {
    sent = sent && write_all(result_fd, out.dram.data(), out.dram.size());
  } else if (result) {
    for (const ImageRange& r : image.ranges) sent = sent && write_all(result_fd, out.dram.data() + r.offset, r.bytes);
  }
  const uint8_t ready = 1;
  sent = sent && write_all(ready_fd, &ready, 1);
  ::_exit(sent ? 0 : 3);  // no atexit handlers or static destructors: they belong to the parent
}

std::string describe(int status) {
  if (WIFSIGNALED(status)) return std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
                                  strsignal(WTERMSIG(status)) + ")";
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  return "wait status " + std::to_string(status);
}

// Children whose whole result has arrived but that may still be tearing down their address space
// (0.3-0.6 ms for a TC-ResNet run: as long as a fifth of it): the caller does not wait for that.
// They are reaped without blocking at the next call, or become the system's to reap at exit.
std::mutex exiting_mutex;
std::vector<pid_t> exiting;

void reap_exited_children() {
  const std::lock_guard<std::mutex> lock(exiting_mutex);
  exiting.erase(std::remove_if(exiting.begin(), exiting.end(),
                               [](pid_t p) {
                                 int status = 0;
                                 pid_t r = 0;
                                 while ((r = ::waitpid(p, &status, WNOHANG)) < 0 && errno == EINTR) {
                                 }
                                 return r != 0;  // exited (or no longer ours)
                               }),
                exiting.end());
}

}  // namespace

std::size_t exiting_child_processes() {
  reap_exited_children();
  const std::lock_guard<std::mutex> lock(exiting_mutex);
  return exiting.size();
}

SimulationOutput run_in_child_process(const std::function<SimulationOutput()>& simulate, const ImageReturn& image) {
  if (image.base && !inside(image.ranges, image.base->size()))
    throw BackendError("run_in_child_process: a range to return lies outside the memory image");
  reap_exited_children();
  const int result_fd = result_file();
  int fds[2];
  if (::pipe(fds) != 0) {
    ::close(result_fd);
    throw BackendError(std::string("pipe: ") + std::strerror(errno));
  }
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    ::close(result_fd);
    throw BackendError(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::close(fds[0]);
    child_main(result_fd, fds[1], simulate, image);
  }
  ::close(fds[1]);
  uint8_t ready = 0;
  ssize_t got = 0;
  while ((got = ::read(fds[0], &ready, 1)) < 0 && errno == EINTR) {
  }
  ::close(fds[0]);
  // The result is read while the child still tears down its address space.
  const uint8_t* buf = nullptr;
  std::size_t size = 0;
  struct stat st {};
  if (got == 1 && ::fstat(result_fd, &st) == 0 && st.st_size > 0) {
    // Populated at once: one system call instead of a page fault per page of the memory image.
    void* map =
        ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_SHARED | MAP_POPULATE, result_fd, 0);
    if (map != MAP_FAILED) {
      buf = static_cast<const uint8_t*>(map);
      size = static_cast<std::size_t>(st.st_size);
    }
  }
  ::close(result_fd);
  struct Unmap {
    const uint8_t* p;
    std::size_t n;
    ~Unmap() {
      if (p) ::munmap(const_cast<uint8_t*>(p), n);
    }
  } unmap{buf, size};
  int status = 0;
  auto reap = [&] {
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  };

  Reader r(buf, size);
  uint8_t outcome = 0;
  if (!r.u8(outcome)) {
    reap();
    throw BackendError("TLM simulation process died without a result: " + describe(status));
  }
  if (outcome != static_cast<uint8_t>(Outcome::Ok)) {
    reap();
    throw_error(outcome, &r);
  }
  SimulationOutput out;
  int64_t counters = 0;
  bool ok = r.i64(out.cycles) && r.i64(counters);
  for (int64_t i = 0; ok && i < counters; ++i) {
    std::string name;
    int64_t value = 0;
    ok = r.bytes(name) && r.i64(value);
    out.counters[name] = value;
  }
  if (!image.base) {
    ok = ok && r.bytes(out.dram);
  } else {
    // The child's image is the parent's with the ranges it returned written over it.
    int64_t image_bytes = 0;
    ok = ok && r.i64(image_bytes) && static_cast<uint64_t>(image_bytes) == image.base->size();
    for (std::size_t i = 0; ok && i < image.ranges.size(); ++i) {
      const uint8_t* p = nullptr;
      ok = r.raw(image.ranges[i].bytes, &p);
      if (ok && image.ranges[i].bytes > 0)
        std::memcpy(image.base->data() + image.ranges[i].offset, p, image.ranges[i].bytes);
    }
    if (ok) out.dram = std::move(*image.base);
  }
  if (ok) {
    // Complete: the child wrote its result before the ready byte and exits 0 right after it.
    pid_t r = 0;
    while ((r = ::waitpid(pid, &status, WNOHANG)) < 0 && errno == EINTR) {
    }
    if (r == 0) {
      const std::lock_guard<std::mutex> lock(exiting_mutex);
      exiting.push_back(pid);
      return out;
    }
  } else {
    reap();
  }
  if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw BackendError("TLM simulation process sent an incomplete result: " + describe(status));
  return out;
}

}  // namespace acv
