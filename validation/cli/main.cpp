// The acv command line: dispatches to registered subcommands and maps errors to exit codes.
#include <boost/program_options/errors.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "models/common/input_file.h"
#include "validation/cli/command.h"

namespace {

void print_usage() {
  std::cout << "acv: co-validation of DNN accelerator performance models (RTL, SystemC TLM, estimator)\n\n"
               "usage: acv <command> [options]     acv <command> --help\n\ncommands:\n";
  for (const auto& name : acv::Registry<acv::Command>::names()) {
    const auto cmd = acv::Registry<acv::Command>::create(name);
    std::cout << "  " << name << std::string(name.size() < 10 ? 10 - name.size() : 1, ' ') << cmd->summary()
              << "\n";
  }
  std::cout << "\nexit codes: 0 ok, 1 a check failed (output mismatch, sign-off threshold), 2 bad input,\n"
               "            3 a backend failed (simulation timeout, crash)\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" ||
      std::string(argv[1]) == "help") {
    print_usage();
    return argc < 2 ? acv::kExitBadInput : acv::kExitOk;
  }
  const std::vector<std::string> args(argv + 2, argv + argc);
  try {
    // Names and paths end up in JSON results, which hold only UTF-8 text.
    for (const auto& a : args) {
      const std::size_t bad = acv::utf8_error_offset(a);
      if (bad != std::string::npos)
        throw acv::InputError("command line: argument is not UTF-8 text (byte offset " + std::to_string(bad) + ")");
    }
    const auto cmd = acv::Registry<acv::Command>::create(argv[1]);
    return cmd->run(args);
  } catch (const acv::InputError& e) {
    std::cerr << "acv: error: " << e.what() << "\n";
  } catch (const acv::MappingError& e) {
    std::cerr << "acv: error: " << e.what() << "\n";
  } catch (const boost::program_options::error& e) {
    std::cerr << "acv: error: " << e.what() << " (see acv " << argv[1] << " --help)\n";
  } catch (const acv::BackendError& e) {
    std::cerr << "acv: backend failed: " << e.what() << "\n";
    return 3;
  }
  return acv::kExitBadInput;
}
