// What acv's processes send each other (a TLM child its result, acv bench's helper its views' runs):
// bytes written and read whole over file descriptors, little-endian integers and length-prefixed
// strings, and the error a process caught, rethrown on the other side as the same kind.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "models/common/error.h"
#include "models/common/prefault.h"

namespace acv {

// `size` bytes from `p` on through `transfer(p + done, left)` (::read or ::write), which may move
// fewer at a time or be interrupted; false when it ends or fails first.
template <class Byte, class Transfer>
bool transfer_all(Byte* p, std::size_t size, Transfer transfer) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = transfer(p + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

inline bool write_all(int fd, const void* data, std::size_t size) {
  return transfer_all(static_cast<const uint8_t*>(data), size,
                      [fd](const uint8_t* p, std::size_t n) { return ::write(fd, p, n); });
}

// False at end of file or on an error before `size` bytes.
inline bool read_all(int fd, void* data, std::size_t size) {
  return transfer_all(static_cast<uint8_t*>(data), size, [fd](uint8_t* p, std::size_t n) { return ::read(fd, p, n); });
}

class Writer {
 public:
  void u8(uint8_t v) { buf_.push_back(v); }
  void i64(int64_t v) {
    for (int b = 0; b < 8; ++b) buf_.push_back(static_cast<uint8_t>(static_cast<uint64_t>(v) >> (8 * b)));
  }
  void f64(double v) {
    int64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    i64(bits);
  }
  void bytes(const void* p, std::size_t n) {
    i64(static_cast<int64_t>(n));
    const auto* c = static_cast<const uint8_t*>(p);
    buf_.insert(buf_.end(), c, c + n);
  }
  void str(const std::string& s) { bytes(s.data(), s.size()); }
  bool flush(int fd) const { return write_all(fd, buf_.data(), buf_.size()); }
  // As one message: its length, then it (read_message()).
  bool send(int fd) const {
    Writer length;
    length.i64(static_cast<int64_t>(buf_.size()));
    return length.flush(fd) && flush(fd);
  }

 private:
  std::vector<uint8_t> buf_;
};

// A message that Writer::send() wrote to `fd`, into `buf`; false when the writer's end closed first.
inline bool read_message(int fd, std::vector<uint8_t>* buf) {
  uint8_t length[8];
  if (!read_all(fd, length, sizeof length)) return false;
  uint64_t n = 0;
  for (int b = 0; b < 8; ++b) n |= static_cast<uint64_t>(length[b]) << (8 * b);
  buf->resize(static_cast<std::size_t>(n));
  return read_all(fd, buf->data(), buf->size());
}

class Reader {
 public:
  Reader(const uint8_t* buf, std::size_t size) : buf_(buf), size_(size) {}
  bool u8(uint8_t& v) {
    if (pos_ + 1 > size_) return false;
    v = buf_[pos_++];
    return true;
  }
  bool i64(int64_t& v) {
    if (pos_ + 8 > size_) return false;
    uint64_t u = 0;
    for (int b = 0; b < 8; ++b) u |= static_cast<uint64_t>(buf_[pos_ + b]) << (8 * b);
    pos_ += 8;
    v = static_cast<int64_t>(u);
    return true;
  }
  bool f64(double& v) {
    int64_t bits = 0;
    if (!i64(bits)) return false;
    std::memcpy(&v, &bits, sizeof v);
    return true;
  }
  bool bytes(std::string& out) {
    const uint8_t* p = nullptr;
    std::size_t n = 0;
    if (!span(&p, &n)) return false;
    out.assign(p, p + n);
    return true;
  }
  // `n` bytes without a length prefix: where they are.
  bool raw(std::size_t n, const uint8_t** p) {
    if (n > size_ - pos_) return false;
    *p = buf_ + pos_;
    pos_ += n;
    return true;
  }
  bool bytes(std::vector<uint8_t>& out) {  // a memory image: megabytes
    const uint8_t* p = nullptr;
    std::size_t n = 0;
    if (!span(&p, &n)) return false;
    out = prefaulted_copy(p, n);
    return true;
  }

 private:
  // A length-prefixed byte string: where it is and how long.
  bool span(const uint8_t** p, std::size_t* n) {
    int64_t len = 0;
    if (!i64(len) || len < 0 || static_cast<uint64_t>(len) > size_ - pos_) return false;
    *p = buf_ + pos_, *n = static_cast<std::size_t>(len);
    pos_ += *n;
    return true;
  }
  const uint8_t* buf_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// How a process's work ended: Ok, or the kind of error it caught (so that the exit code stays).
enum class Outcome : uint8_t { Ok = 0, InputError = 1, MappingError = 2, BackendError = 3, OtherError = 4 };

// Contract: called in a catch block; writes the caught error's Outcome and message.
inline void put_current_error(Writer* w) {
  Outcome kind = Outcome::OtherError;
  std::string message = "unknown exception";
  try {
    throw;
  } catch (const InputError& e) {
    kind = Outcome::InputError, message = e.what();
  } catch (const MappingError& e) {
    kind = Outcome::MappingError, message = e.what();
  } catch (const BackendError& e) {
    kind = Outcome::BackendError, message = e.what();
  } catch (const std::exception& e) {
    message = e.what();
  } catch (...) {
  }
  w->u8(static_cast<uint8_t>(kind));
  w->str(message);
}

// The error put_current_error() wrote (its Outcome already read from `r`, its message next),
// thrown as the same kind; other errors as BackendError.
[[noreturn]] inline void throw_error(uint8_t outcome, Reader* r) {
  std::string message;
  if (!r->bytes(message)) message = "(message lost)";
  switch (static_cast<Outcome>(outcome)) {
    case Outcome::InputError: throw InputError(message);
    case Outcome::MappingError: throw MappingError(message);
    default: throw BackendError(message);
  }
}

}  // namespace acv
