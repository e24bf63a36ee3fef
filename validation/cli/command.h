// An `acv` subcommand (run, map, validate, merge, bench...); each registers itself by name.
#pragma once

#include <string>
#include <vector>

#include "models/common/registry.h"

namespace acv {

class Command {
 public:
  static constexpr const char* kRegistryNoun = "command";
  virtual ~Command() = default;
  virtual std::string summary() const = 0;  // one line for `acv --help`
  // Contract: `args` excludes "acv" and the command name. Returns the exit code; bad input is
  // thrown as InputError / MappingError (main prints one line and exits 2).
  virtual int run(const std::vector<std::string>& args) = 0;
};

#define ACV_REGISTER_COMMAND(Class, name_literal) ACV_REGISTER(::acv::Command, Class, name_literal)

// Exit codes of acv: 0 ok, 1 a check failed (outputs mismatch, sign-off threshold), 2 bad input.
constexpr int kExitOk = 0;
constexpr int kExitCheckFailed = 1;
constexpr int kExitBadInput = 2;

}  // namespace acv
