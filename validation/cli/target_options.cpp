#include "validation/cli/target_options.h"

#include <iostream>

#include "models/common/workload_reader.h"

namespace po = boost::program_options;

namespace acv {

void add_target_options(po::options_description& desc) {
  desc.add_options()("config", po::value<std::string>()->required(), "accelerator config file (YAML)")(
      "accel", po::value<std::string>(), "accelerator name; must match the config's (default: the config's)")(
      "workload", po::value<std::string>()->required(), "workload file (acv YAML or SCALE-Sim topology CSV)")(
      "layer", po::value<std::vector<std::string>>(),
      "run only this layer (repeatable; default: all); whole-network accelerators: the workload's name");
}

Target load_target(const po::variables_map& vm) {
  Target t;
  t.config = load_accel_config(vm["config"].as<std::string>());
  if (vm.count("accel") && vm["accel"].as<std::string>() != t.config.accelerator)
    throw InputError(SourceLoc{t.config.file, 0, "accelerator"},
                     "config is for '" + t.config.accelerator + "', but --accel " +
                         vm["accel"].as<std::string>() + " was given");
  t.accel = AcceleratorRegistry::create(t.config.accelerator);
  t.accel->check_config(t.config);
  t.workload = load_workload(vm["workload"].as<std::string>());
  if (vm.count("layer") && t.accel->runs_networks()) {
    // The whole network is one run: the only "layer" to pick is the network itself.
    for (const auto& name : vm["layer"].as<std::vector<std::string>>())
      if (name != t.workload.name)
        throw InputError("--layer " + name + ": '" + t.config.accelerator +
                         "' runs whole networks; the one run of this workload is --layer " + t.workload.name);
    for (const auto& l : t.workload.layers) t.layers.push_back(&l);
  } else if (vm.count("layer")) {
    for (const auto& name : vm["layer"].as<std::vector<std::string>>())
      t.layers.push_back(&t.workload.find(name));
  } else {
    for (const auto& l : t.workload.layers) t.layers.push_back(&l);
  }
  return t;
}

bool parse_command_line(const std::vector<std::string>& args, const std::string& usage,
                        const po::options_description& desc, po::variables_map& vm) {
  po::store(po::command_line_parser(args).options(desc).run(), vm);
  if (vm.count("help")) {
    std::cout << usage << "\n\n" << desc << "\n";
    return false;
  }
  po::notify(vm);
  return true;
}

std::vector<std::string> given_options(const boost::program_options::variables_map& vm) {
  std::vector<std::string> out;
  for (const auto& kv : vm)
    if (!kv.second.defaulted()) out.push_back(kv.first);
  return out;
}

}  // namespace acv
