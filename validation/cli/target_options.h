// Options that name what to run (config, accelerator, workload, layers), shared by run and map.
#pragma once

#include <boost/program_options.hpp>
#include <memory>
#include <string>
#include <vector>

#include "models/common/accelerator.h"

namespace acv {

struct Target {
  AccelConfig config;
  std::unique_ptr<Accelerator> accel;
  Workload workload;
  std::vector<const Layer*> layers;  // the selected layers, in workload order
};

void add_target_options(boost::program_options::options_description& desc);
// Contract: loads and validates everything the options name; InputError on any bad input.
Target load_target(const boost::program_options::variables_map& vm);

// Parses args against desc; prints help and returns false when --help was given.
bool parse_command_line(const std::vector<std::string>& args, const std::string& usage,
                        const boost::program_options::options_description& desc,
                        boost::program_options::variables_map& vm);

// Names (without "--") of the options given on the command line, not defaulted.
std::vector<std::string> given_options(const boost::program_options::variables_map& vm);

}  // namespace acv
