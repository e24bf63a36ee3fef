#include "child_process.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "models/common/error.h"

namespace acv {
namespace {

enum class Outcome : uint8_t { Ok = 0, InputError = 1, MappingError = 2, BackendError = 3, OtherError = 4 };

class Writer {
 public:
  void u8(uint8_t v) { buf_.push_back(v); }
  void i64(int64_t v) {
    for (int b = 0; b < 8; ++b) buf_.push_back(static_cast<uint8_t>(static_cast<uint64_t>(v) >> (8 * b)));
  }
  void bytes(const void* p, std::size_t n) {
    i64(static_cast<int64_t>(n));
    const auto* c = static_cast<const uint8_t*>(p);
    buf_.insert(buf_.end(), c, c + n);
  }
  void str(const std::string& s) { bytes(s.data(), s.size()); }
  bool flush(int fd) const {
    std::size_t done = 0;
    while (done < buf_.size()) {
      const ssize_t n = ::write(fd, buf_.data() + done, buf_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

 private:
  std::vector<uint8_t> buf_;
};

class Reader {
 public:
  explicit Reader(const std::vector<uint8_t>& buf) : buf_(buf) {}
  bool u8(uint8_t& v) {
    if (pos_ + 1 > buf_.size()) return false;
    v = buf_[pos_++];
    return true;
  }
  bool i64(int64_t& v) {
    if (pos_ + 8 > buf_.size()) return false;
    uint64_t u = 0;
    for (int b = 0; b < 8; ++b) u |= static_cast<uint64_t>(buf_[pos_ + b]) << (8 * b);
    pos_ += 8;
    v = static_cast<int64_t>(u);
    return true;
  }
  template <class Container>
  bool bytes(Container& out) {
    int64_t n = 0;
    if (!i64(n) || n < 0 || pos_ + static_cast<uint64_t>(n) > buf_.size()) return false;
    out.assign(buf_.begin() + static_cast<std::ptrdiff_t>(pos_), buf_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += static_cast<std::size_t>(n);
    return true;
  }

 private:
  const std::vector<uint8_t>& buf_;
  std::size_t pos_ = 0;
};

[[noreturn]] void child_main(int fd, const std::function<SimulationOutput()>& simulate) {
  ::dup2(STDERR_FILENO, STDOUT_FILENO);  // SystemC reports go to stdout; keep the parent's stdout clean
  Writer w;
  try {
    const SimulationOutput out = simulate();
    w.u8(static_cast<uint8_t>(Outcome::Ok));
    w.i64(out.cycles);
    w.i64(static_cast<int64_t>(out.counters.size()));
    for (const auto& kv : out.counters) {
      w.str(kv.first);
      w.i64(kv.second);
    }
    w.bytes(out.dram.data(), out.dram.size());
  } catch (const InputError& e) {
    w.u8(static_cast<uint8_t>(Outcome::InputError));
    w.str(e.what());
  } catch (const MappingError& e) {
    w.u8(static_cast<uint8_t>(Outcome::MappingError));
    w.str(e.what());
  } catch (const BackendError& e) {
    w.u8(static_cast<uint8_t>(Outcome::BackendError));
    w.str(e.what());
  } catch (const std::exception& e) {
    w.u8(static_cast<uint8_t>(Outcome::OtherError));
    w.str(e.what());
  } catch (...) {
    w.u8(static_cast<uint8_t>(Outcome::OtherError));
    w.str("unknown exception");
  }
  std::fflush(stderr);
  const bool sent = w.flush(fd);
  ::close(fd);
  ::_exit(sent ? 0 : 3);  // no atexit handlers or static destructors: they belong to the parent
}

std::string describe(int status) {
  if (WIFSIGNALED(status)) return std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
                                  strsignal(WTERMSIG(status)) + ")";
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  return "wait status " + std::to_string(status);
}

}  // namespace

SimulationOutput run_in_child_process(const std::function<SimulationOutput()>& simulate) {
  int fds[2];
  if (::pipe(fds) != 0) throw BackendError(std::string("pipe: ") + std::strerror(errno));
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw BackendError(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::close(fds[0]);
    child_main(fds[1], simulate);
  }
  ::close(fds[1]);
  std::vector<uint8_t> buf;
  uint8_t chunk[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fds[0], chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    buf.insert(buf.end(), chunk, chunk + n);
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }

  Reader r(buf);
  uint8_t outcome = 0;
  if (!r.u8(outcome)) throw BackendError("TLM simulation process died without a result: " + describe(status));
  if (outcome != static_cast<uint8_t>(Outcome::Ok)) {
    std::string message;
    if (!r.bytes(message)) message = "(message lost)";
    switch (static_cast<Outcome>(outcome)) {
      case Outcome::InputError: throw InputError(message);
      case Outcome::MappingError: throw MappingError(message);
      default: throw BackendError(message);
    }
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
  ok = ok && r.bytes(out.dram);
  if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw BackendError("TLM simulation process sent an incomplete result: " + describe(status));
  return out;
}

}  // namespace acv
