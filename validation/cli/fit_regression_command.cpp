// `acv fit-regression`: fits the regression baseline on RTL RunResults (a training set) and saves it.
#include <algorithm>
#include <cmath>
#include <iostream>

#include "estimator/regression.h"
#include "validation/cli/command.h"
#include "validation/cli/target_options.h"

namespace po = boost::program_options;

namespace acv {

class FitRegressionCommand : public Command {
 public:
  std::string summary() const override {
    return "fit the regression baseline on RTL RunResults (training layers)";
  }

  int run(const std::vector<std::string>& args) override {
    po::options_description desc("options");
    desc.add_options()("help,h", "show this help")(
        "runs", po::value<std::vector<std::string>>()->multitoken()->required(),
        "RunResult JSON files of rtl runs (acv run --backend rtl --json); their layers are the training set")(
        "out", po::value<std::string>()->required(), "model file to write (JSON)");
    po::variables_map vm;
    if (!parse_command_line(args, "usage: acv fit-regression --runs RTL.json... --out MODEL.json", desc, vm))
      return kExitOk;
    const auto files = vm["runs"].as<std::vector<std::string>>();
    std::string description;
    for (const auto& f : files) description += (description.empty() ? "" : ",") + f;
    const std::vector<RegressionSample> samples = samples_from_run_results(files);
    const RegressionModel model = fit_regression(samples, description);
    save_regression(model, vm["out"].as<std::string>());
    double abs_pct = 0.0;
    for (const auto& s : samples) abs_pct += std::abs(model.predict(s.features) - s.cycles) / s.cycles;
    std::cout << "fitted on " << samples.size() << " layers, " << model.features.size()
              << " features; training MAPE " << 100.0 * abs_pct / std::max<std::size_t>(1, samples.size())
              << "% -> " << vm["out"].as<std::string>() << "\n";
    return kExitOk;
  }
};

ACV_REGISTER_COMMAND(FitRegressionCommand, "fit-regression")

}  // namespace acv
