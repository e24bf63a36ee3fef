#include "validation/harness/machine.h"

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "models/common/error.h"

namespace acv {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) break;
    const auto first = line.find_first_not_of(" \t", colon + 1);
    return first == std::string::npos ? "" : line.substr(first);
  }
  return "";
}

double resident_mb() {
  std::ifstream in("/proc/self/statm");
  long size = 0, resident = 0;
  if (!(in >> size >> resident)) return 0.0;
  return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / (1 << 20);
}

// kPages fresh anonymous pages, faulted in one by one as the heap's small pages are (no huge page).
constexpr std::size_t kPages = 512;
struct FreshPages {
  std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)), bytes = kPages * page;
  char* at;
  FreshPages() {
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw BackendError(std::string("machine probe: mmap: ") + std::strerror(errno));
#ifdef MADV_NOHUGEPAGE
    ::madvise(p, bytes, MADV_NOHUGEPAGE);
#endif
    at = static_cast<char*>(p);
  }
  ~FreshPages() { ::munmap(at, bytes); }
  FreshPages(const FreshPages&) = delete;
  FreshPages& operator=(const FreshPages&) = delete;
};

double first_write_us() {
  FreshPages m;
  volatile char* bytes_at = m.at;
  const auto t0 = Clock::now();
  for (std::size_t i = 0; i < m.bytes; i += m.page) bytes_at[i] = 1;
  return since(t0) * 1e6 / kPages;
}

// A forked child reads each page of a region its parent wrote, once: a TLM child reads its memory
// image, Program and code so (on some hypervisors a trip to the host per page, copied or not).
double child_read_us() {
  FreshPages m;
  std::memset(m.at, 1, m.bytes);
  int fds[2];
  if (::pipe(fds) != 0) throw BackendError(std::string("machine probe: pipe: ") + std::strerror(errno));
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]), ::close(fds[1]);
    throw BackendError(std::string("machine probe: fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    const volatile char* at = m.at;
    int sum = 0;
    const auto t0 = Clock::now();
    for (std::size_t i = 0; i < m.bytes; i += m.page) sum += at[i];
    const double us = since(t0) * 1e6 / kPages;
    const bool read_back = sum == static_cast<int>(kPages);  // every page as the parent wrote it
    const ssize_t n = read_back ? ::write(fds[1], &us, sizeof us) : 0;
    ::_exit(n == static_cast<ssize_t>(sizeof us) ? 0 : 1);
  }
  ::close(fds[1]);
  double us = 0.0;
  ssize_t got = 0;
  while ((got = ::read(fds[0], &us, sizeof us)) < 0 && errno == EINTR) {
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (got != static_cast<ssize_t>(sizeof us)) throw BackendError("machine probe: the child sent no timing");
  return us;
}

double fork_exit_ms() {
  std::fflush(nullptr);
  const auto t0 = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) throw BackendError(std::string("machine probe: fork: ") + std::strerror(errno));
  if (pid == 0) ::_exit(0);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return since(t0) * 1e3;
}

}  // namespace

MachineFacts probe_machine() {
  MachineFacts m;
  m.cpu = cpu_model();
  m.cores = std::thread::hardware_concurrency();
  if (::getloadavg(m.load, 3) != 3) std::fill(m.load, m.load + 3, -1.0);
  m.page_us = first_write_us();
  m.child_read_us = child_read_us();
  m.resident_mb = resident_mb();
  std::vector<double> forks;
  for (int i = 0; i < 3; ++i) forks.push_back(fork_exit_ms());
  std::sort(forks.begin(), forks.end());
  m.fork_ms = forks[1];
  return m;
}

std::string machine_line(const MachineFacts& m) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(2);
  out << "machine: " << (m.cpu.empty() ? "cpu unknown" : m.cpu) << ", " << m.cores
      << (m.cores == 1 ? " core" : " cores") << ", load ";
  if (m.load[0] < 0)
    out << "unknown";
  else
    out << m.load[0] << " " << m.load[1] << " " << m.load[2];
  out.precision(1);
  out << "; first write to a page " << m.page_us << " us, a forked child's first read of one "
      << m.child_read_us << " us, fork + exit " << m.fork_ms << " ms ("
      << static_cast<long>(m.resident_mb + 0.5) << " MB resident)";
  return out.str();
}

}  // namespace acv
