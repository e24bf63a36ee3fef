// `acv map`: shows the Program a layer becomes, so a person can read what the accelerator will do.
#include <iostream>

#include "validation/cli/command.h"
#include "validation/cli/target_options.h"

namespace po = boost::program_options;

namespace acv {

class MapCommand : public Command {
 public:
  std::string summary() const override { return "map layers to Programs and print their loop nests"; }

  int run(const std::vector<std::string>& args) override {
    po::options_description desc("options");
    desc.add_options()("help,h", "show this help");
    add_target_options(desc);
    desc.add_options()("print", po::bool_switch(),
                       "print the loop nest (default: one summary line per layer)");
    po::variables_map vm;
    if (!parse_command_line(args, "usage: acv map --config FILE --workload FILE [--layer NAME]... [--print]",
                            desc, vm))
      return kExitOk;
    const Target target = load_target(vm);
    if (target.accel->runs_networks()) {  // the whole network is one Program
      const NetworkProgram network = target.accel->map_network(target.workload, target.config);
      if (vm["print"].as<bool>()) {
        std::cout << network.program.to_text() << "\n";
      } else {
        std::cout << target.workload.name << ": " << network.layers.size() << " layers, "
                  << network.program.instruction_count() << " instructions, loop depth " << network.program.max_depth()
                  << ", " << network.program.dram_bytes << " bytes of external memory\n";
      }
      return kExitOk;
    }
    for (const Layer* layer : target.layers) {
      try {
        const Program program = target.accel->map(*layer, target.config);
        if (vm["print"].as<bool>()) {
          std::cout << program.to_text() << "\n";
        } else {
          std::cout << layer->name << ": " << program.instruction_count() << " instructions, loop depth "
                    << program.max_depth() << ", " << program.dram_bytes << " bytes of external memory\n";
        }
      } catch (const UnsupportedLayer& e) {
        if (vm.count("layer")) throw;
        std::cout << layer->name << ": skipped: " << e.what() << "\n";
      }
    }
    return kExitOk;
  }
};

ACV_REGISTER_COMMAND(MapCommand, "map")

}  // namespace acv
