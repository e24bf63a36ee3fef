// `acv bench`: wall time of backends on the same layers, as medians over repeats, with speed ratios.
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "validation/backends/backend.h"
#include "validation/cli/command.h"
#include "validation/cli/target_options.h"

namespace po = boost::program_options;

namespace acv {

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

class BenchCommand : public Command {
 public:
  std::string summary() const override {
    return "time backends on the same layers (median of repeats, ratios)";
  }

  int run(const std::vector<std::string>& args) override {
    po::options_description desc("options");
    desc.add_options()("help,h", "show this help")(
        "backends", po::value<std::string>()->default_value("rtl"),
        "comma-separated backends; the first is the reference for ratios (e.g. rtl,tlm,estimator)");
    add_target_options(desc);
    desc.add_options()("repeat", po::value<int>()->default_value(3),
                       "runs per backend; the median is reported")(
        "tlm-mode", po::value<std::string>()->default_value("lt"), "tlm: lt | at")(
        "regression-model", po::value<std::string>(), "regression: fitted model file");
    po::variables_map vm;
    if (!parse_command_line(
            args, "usage: acv bench --config FILE --workload FILE [--backends rtl,tlm,estimator]", desc, vm))
      return kExitOk;
    const int repeat = vm["repeat"].as<int>();
    if (repeat < 1) throw InputError("--repeat must be at least 1");
    const Target target = load_target(vm);
    BackendOptions options;
    options.tlm_mode = vm["tlm-mode"].as<std::string>();
    if (vm.count("regression-model")) options.regression_model = vm["regression-model"].as<std::string>();

    std::vector<Program> programs;
    std::vector<const Layer*> layers;
    for (const Layer* l : target.layers) {
      try {
        programs.push_back(target.accel->map(*l, target.config));
        layers.push_back(l);
      } catch (const UnsupportedLayer&) {
      }
    }
    std::cout << "bench | " << target.config.name << " | " << target.workload.name << " (" << layers.size()
              << " layers) | median of " << repeat << "\n";
    std::cout << std::left << std::setw(14) << "backend" << std::right << std::setw(16) << "cycles"
              << std::setw(12) << "wall s" << std::setw(16) << "cycles/s" << std::setw(14) << "speedup"
              << "\n";
    double reference_wall = 0.0;
    bool all_match = true;
    // Per layer, of the views that report them: instructions represented and evaluated.
    std::vector<std::pair<std::string, std::vector<LayerResult>>> evaluated;
    for (const auto& name : split(vm["backends"].as<std::string>())) {
      std::unique_ptr<Backend> backend = BackendRegistry::create(name);
      std::vector<double> walls;
      int64_t cycles = 0;
      for (int r = 0; r < repeat; ++r) {
        double wall = 0.0;
        cycles = 0;
        std::vector<LayerResult> results;
        for (std::size_t i = 0; i < layers.size(); ++i) {
          LayerResult res = backend->run_layer(*target.accel, target.config, *layers[i], programs[i], options);
          wall += res.wall_seconds;
          cycles += res.cycles;
          all_match = all_match && (!res.outputs_checked || res.outputs_match);
          if (r == 0 && res.counters.count("evaluated_instructions")) results.push_back(std::move(res));
        }
        if (!results.empty()) evaluated.emplace_back(name, std::move(results));
        walls.push_back(wall);
        std::cerr << "  " << name << " run " << r + 1 << "/" << repeat << ": " << wall << " s\n";
      }
      const double wall = median(walls);
      if (reference_wall == 0.0) reference_wall = wall;
      std::cout << std::left << std::setw(14) << name << std::right << std::setw(16) << cycles
                << std::setw(12) << std::setprecision(4) << wall << std::setw(16) << std::setprecision(4)
                << (wall > 0 ? cycles / wall : 0.0) << std::setw(13) << std::setprecision(4)
                << (wall > 0 ? reference_wall / wall : 0.0) << "x\n";
    }
    for (const auto& [name, results] : evaluated) {
      std::cout << "\n" << name << ": instructions represented / evaluated per layer\n"
                << std::left << std::setw(14) << "layer" << std::right << std::setw(14) << "represented"
                << std::setw(12) << "evaluated" << std::setw(10) << "ratio" << std::setw(22) << "iterations evaluated"
                << "\n";
      int64_t total_rep = 0, total_eval = 0;
      for (const LayerResult& r : results) {
        const int64_t rep = r.counters.at("represented_instructions"), ev = r.counters.at("evaluated_instructions");
        total_rep += rep;
        total_eval += ev;
        const auto it = r.counters.find("evaluated_iterations");
        std::cout << std::left << std::setw(14) << r.layer << std::right << std::setw(14) << rep << std::setw(12) << ev
                  << std::setw(9) << std::setprecision(4) << (ev > 0 ? static_cast<double>(rep) / ev : 0.0) << "x"
                  << std::setw(22) << (it != r.counters.end() ? it->second : 0) << "\n";
      }
      std::cout << std::left << std::setw(14) << "total" << std::right << std::setw(14) << total_rep << std::setw(12)
                << total_eval << std::setw(9) << std::setprecision(4)
                << (total_eval > 0 ? static_cast<double>(total_rep) / total_eval : 0.0) << "x\n";
    }
    return all_match ? kExitOk : kExitCheckFailed;
  }
};

ACV_REGISTER_COMMAND(BenchCommand, "bench")

}  // namespace acv
