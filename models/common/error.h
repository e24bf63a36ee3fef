// Errors that name where bad input came from; library code throws them, only main() maps them to exit codes.
#pragma once

#include <stdexcept>
#include <string>

namespace acv {

// Where a value came from: a file, a 1-based line (0 = unknown) and the field it sits in.
struct SourceLoc {
  std::string file;
  int line = 0;
  std::string field;
};

// Bad user input (file, shape, config): the message is one line, "file:line: field: reason".
class InputError : public std::runtime_error {
 public:
  InputError(const SourceLoc& where, const std::string& reason);
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

// A layer that cannot be mapped onto an accelerator (does not fit, unsupported kind).
class MappingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  // "file:line: field: reason" for a layer read from a file (Layer::loc), the reason alone for one
  // built in code: the user edits the workload line, not the mapper.
  MappingError(const SourceLoc& where, const std::string& reason);
};

// A backend that ran but failed (simulation timeout, output mismatch is not an error but a result).
class BackendError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string format_location(const SourceLoc& where);

}  // namespace acv
