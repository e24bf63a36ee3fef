// `acv list`: what this acv binary was built with (accelerators, backends, commands).
#include <iostream>

#include "validation/backends/backend.h"
#include "validation/cli/command.h"

namespace acv {

class ListCommand : public Command {
 public:
  std::string summary() const override {
    return "list built accelerators and backends (acv list [backends|accelerators])";
  }

  int run(const std::vector<std::string>& args) override {
    if (args.size() > 1 || (args.size() == 1 && args[0] != "backends" && args[0] != "accelerators")) {
      if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
        std::cout << "usage: acv list [backends|accelerators]\n";
        return kExitOk;
      }
      throw InputError("acv list: expected 'backends' or 'accelerators'");
    }
    const bool all = args.empty();
    if (all || args[0] == "accelerators") print(all ? "accelerators:" : "", AcceleratorRegistry::names());
    if (all || args[0] == "backends") print(all ? "backends:" : "", BackendRegistry::names());
    return kExitOk;
  }

 private:
  static void print(const std::string& heading, const std::vector<std::string>& names) {
    if (!heading.empty()) std::cout << heading << "\n";
    for (const auto& n : names) std::cout << (heading.empty() ? "" : "  ") << n << "\n";
  }
};

ACV_REGISTER_COMMAND(ListCommand, "list")

}  // namespace acv
