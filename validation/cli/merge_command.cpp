// `acv merge`: combines result folders (shards, emitted cluster jobs) into one report, the same
// as a local run of the whole suite would write.
#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>

#include "validation/cli/command.h"
#include "validation/cli/output_path.h"
#include "validation/harness/campaign.h"
#include "validation/harness/metrics.h"
#include "validation/harness/report.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace acv {

class MergeCommand : public Command {
 public:
  std::string summary() const override {
    return "merge result folders of one suite (shards, cluster jobs) into one report";
  }

  int run(const std::vector<std::string>& args) override {
    po::options_description desc("options");
    desc.add_options()("help,h", "show this help")(
        "out", po::value<std::string>(),
        "folder for the merged result and reports (default: the only input folder)")(
        "no-plots", po::bool_switch(), "skip gnuplot");
    po::options_description hidden;
    hidden.add_options()("dirs", po::value<std::vector<std::string>>(), "result folders");
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description pos;
    pos.add("dirs", -1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    if (vm.count("help")) {
      std::cout
          << "usage: acv merge DIR... [--out DIR]\n\n"
             "Reads result folders written by `acv validate --shard K/N` or by jobs of `acv validate\n"
             "--emit-jobs`, checks they come from the same suite, and writes one result folder and its\n"
             "reports. Cases no folder holds are reported missing (a failed sign-off check).\n"
             "Exit code: 0 all sign-off checks pass, 1 a check failed, 2 bad input.\n\n"
          << desc << "\n";
      return kExitOk;
    }
    po::notify(vm);
    if (!vm.count("dirs"))
      throw InputError("acv merge: give the result folders to merge (see acv merge --help)");
    const auto dirs = vm["dirs"].as<std::vector<std::string>>();
    if (!vm.count("out") && dirs.size() != 1)
      throw InputError("acv merge: --out DIR is required with several folders");
    const std::string out = vm.count("out") ? vm["out"].as<std::string>() : dirs.front();

    check_writable_output(out, "--out", OutputKind::Folder);  // before reading every folder
    const MergedResults merged = load_result_folders(dirs);
    bool out_is_input = false;
    for (const auto& d : dirs) {
      std::error_code ec;
      out_is_input = out_is_input || fs::equivalent(d, out, ec);
    }
    if (!out_is_input) write_result_folder(out, merged.manifest, merged.outcomes);
    const Evaluation ev = evaluate(merged.manifest, merged.outcomes);
    ReportOptions report;
    report.plots = !vm["no-plots"].as<bool>();
    write_reports(out, merged.manifest, merged.outcomes, ev, report);
    std::cout << summary_table(merged.manifest, ev);
    std::cerr << "acv merge: " << dirs.size() << " folders, " << merged.manifest.cases.size()
              << " cases. Report: " << out << "/report.md\n";
    for (const auto& w : ev.warnings()) std::cerr << "acv merge: warning: " << w << "\n";
    if (!ev.passed) {
      for (const auto& f : ev.failed_checks()) std::cerr << "acv merge: sign-off failed: " << f << "\n";
    }
    return signoff_exit_code(ev);
  }
};

ACV_REGISTER_COMMAND(MergeCommand, "merge")

}  // namespace acv
