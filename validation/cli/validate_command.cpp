// `acv validate`: runs a suite (every case its own `acv run`, cached, in parallel), writes the
// reports and exits 1 when a sign-off check fails.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "validation/backends/backend.h"
#include "validation/cli/command.h"
#include "validation/cli/output_path.h"
#include "validation/harness/campaign.h"
#include "validation/harness/metrics.h"
#include "validation/harness/process_pool.h"
#include "validation/harness/progress.h"
#include "validation/harness/report.h"
#include "validation/harness/result_cache.h"
#include "validation/harness/suite.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace acv {

namespace {

constexpr const char* kUsage =
    "usage: acv validate --suite FILE [--out DIR] [-j N] [--cache DIR | --no-cache] [--shard K/N]\n"
    "       acv validate --suite FILE --emit-jobs FILE [--out DIR] [--shard K/N]\n\n"
    "Runs every case of the suite (accelerator config x workload layer x backend view) as its own\n"
    "`acv run` process, reuses cached RunResults, compares every view with the reference (RTL) and\n"
    "writes report.md, cases.csv, summary.json, junit.xml and plots/ into the output folder.\n"
    "Exit code: 0 all sign-off checks pass, 1 a check failed (named on stderr), 2 bad input.\n"
    "Suite format and cluster recipes: docs/validation.md.";

void parse_shard(const std::string& text, int* index, int* count) {
  const auto slash = text.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    std::size_t used = 0;
    *index = std::stoi(text.substr(0, slash), &used);
    if (used != slash) throw std::invalid_argument("trailing");
    *count = std::stoi(text.substr(slash + 1), &used);
    if (used != text.size() - slash - 1) throw std::invalid_argument("trailing");
  } catch (const std::logic_error&) {
    throw InputError("--shard: expected K/N (e.g. 2/8), got '" + text + "'");
  }
  if (*count < 1 || *index < 1 || *index > *count)
    throw InputError("--shard: need 1 <= K <= N, got '" + text + "'");
}

// The backends built into the binary that runs the cases: this one's registry, or what
// `ACV list backends` prints for another binary (--acv), whose missing ones are reported absent.
std::set<std::string> backends_of(const std::string& acv_binary, bool other_binary) {
  std::set<std::string> out;
  if (!other_binary) {
    for (const auto& name : BackendRegistry::names()) out.insert(name);
    return out;
  }
  const fs::path listing =
      fs::temp_directory_path() / ("acv-backends-" + std::to_string(::getpid()) + ".txt");
  ProcessSpec spec;
  spec.argv = {acv_binary, "list", "backends"};
  spec.stdout_file = listing.string();
  spec.timeout_seconds = 60;
  ProcessResult result;
  ProcessPool(1).run(
      {spec}, [](std::size_t) {}, [&](std::size_t, const ProcessResult& r) { result = r; });
  std::ifstream in(listing);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.insert(line);
  std::error_code ec;
  fs::remove(listing, ec);
  if (!result.ok())
    throw InputError(SourceLoc{acv_binary, 0, "--acv"},
                     "`acv list backends` failed (" +
                         (result.spawn_error.empty() ? result.describe() : result.spawn_error) + ")");
  return out;
}

}  // namespace

class ValidateCommand : public Command {
 public:
  std::string summary() const override { return "run a validation suite against RTL: reports and sign-off"; }

  int run(const std::vector<std::string>& args) override {
    po::options_description desc("options");
    desc.add_options()("help,h", "show this help")("suite", po::value<std::string>(),
                                                   "suite file (YAML), e.g. models/suites/quick.yaml")(
        "out", po::value<std::string>(), "result folder (default: results/<suite name>)")(
        "jobs,j", po::value<int>()->default_value(default_jobs()),
        "runs in parallel (default: number of cores)")(
        "cache", po::value<std::string>(),
        "result cache folder (default: $XDG_CACHE_HOME/acv, else <repo>/build/cache)")(
        "no-cache", po::bool_switch(), "run everything; neither read nor write the cache")(
        "repo", po::value<std::string>(),
        "repository root whose sources key the cache (default: found above the suite file)")(
        "shard", po::value<std::string>(),
        "run only shard K of N (K/N); combine shard folders with acv merge")(
        "emit-jobs", po::value<std::string>(),
        "write one `acv run` command line per run to FILE ('-': stdout) "
        "instead of running; then `acv merge` the --out folder")(
        "timeout", po::value<double>()->default_value(0), "kill a run after this many seconds (0: never)")(
        "no-plots", po::bool_switch(), "skip gnuplot")("list", po::bool_switch(),
                                                       "print the suite's cases and exit")(
        "acv", po::value<std::string>(), "acv binary to run cases with (default: this one)");
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    if (vm.count("help")) {
      std::cout << kUsage << "\n\n" << desc << "\n";
      return kExitOk;
    }
    po::notify(vm);
    if (!vm.count("suite"))
      throw InputError("acv validate: --suite FILE is required (see acv validate --help)");

    const std::string suite_file = vm["suite"].as<std::string>();
    const Suite suite = load_suite(suite_file);
    check_views(
        suite, BackendRegistry::names());  // a misspelled backend or option: exit 2, not absent / failed runs
    std::vector<Case> cases = expand_cases(suite);
    mark_unsupported_layers(cases);
    Manifest manifest = make_manifest(suite, cases);
    if (vm.count("shard"))
      parse_shard(vm["shard"].as<std::string>(), &manifest.shard_index, &manifest.shard_count);

    if (vm["list"].as<bool>()) {
      for (const auto& c : manifest.cases)
        if (manifest.in_shard(c))
          std::cout << c.key << (c.skip_reason.empty() ? "" : "  (skipped: " + c.skip_reason + ")") << "\n";
      return kExitOk;
    }

    CampaignOptions options;
    options.out_dir = vm.count("out") ? vm["out"].as<std::string>() : "results/" + suite.name;
    options.jobs = vm["jobs"].as<int>();
    if (options.jobs < 1) throw InputError("--jobs must be at least 1");
    options.acv_binary = vm.count("acv") ? vm["acv"].as<std::string>() : self_binary();
    options.repo_root = vm.count("repo") ? vm["repo"].as<std::string>() : find_repo_root(suite_file);
    if (options.repo_root.empty()) options.repo_root = find_repo_root(".");
    if (!vm["no-cache"].as<bool>()) {
      if (options.repo_root.empty())
        throw InputError("cannot find the repository root above " + suite_file +
                         " (for cache keys); pass --repo DIR or --no-cache");
      options.cache_dir =
          vm.count("cache") ? vm["cache"].as<std::string>() : default_cache_dir(options.repo_root);
    }
    options.timeout_seconds = vm["timeout"].as<double>();
    if (!(options.timeout_seconds >= 0) || !std::isfinite(options.timeout_seconds)) {
      std::ostringstream got;
      got << options.timeout_seconds;
      throw InputError("--timeout: expected seconds >= 0 (0: never), got " + got.str());
    }
    options.available_backends = backends_of(options.acv_binary, vm.count("acv") > 0);
    if (vm.count("emit-jobs") && vm["emit-jobs"].as<std::string>() != "-")
      check_writable_output(vm["emit-jobs"].as<std::string>(), "--emit-jobs");
    check_writable_output(options.out_dir, "--out", OutputKind::Folder);  // before the run, not after it
    if (!options.cache_dir.empty()) check_writable_output(options.cache_dir, "--cache", OutputKind::Folder);
    options.tty = is_terminal(2);
    options.progress = &std::cerr;

    if (vm.count("emit-jobs")) {
      const std::string file = vm["emit-jobs"].as<std::string>();
      const auto jobs = emit_jobs(manifest, options);
      std::ofstream to_file;
      if (file != "-") {
        to_file.open(file);
        if (!to_file) throw InputError(SourceLoc{file, 0, "--emit-jobs"}, "cannot write file");
      }
      std::ostream& out = file == "-" ? std::cout : to_file;
      for (const auto& argv : jobs) out << shell_join(argv) << "\n";
      std::cerr << "acv validate: " << jobs.size() << " runs written to " << file
                << "; when they are done: acv merge " << options.out_dir << "\n";
      return kExitOk;
    }

    std::cerr << "acv validate: suite " << suite.name << ", " << manifest.cases.size() << " cases";
    if (manifest.shard_count > 1)
      std::cerr << " (shard " << manifest.shard_index << "/" << manifest.shard_count << ")";
    std::cerr << ", " << options.jobs << " jobs, cache "
              << (options.cache_dir.empty() ? "off" : options.cache_dir) << "\n";
    CampaignStats stats;
    const Outcomes outcomes = run_campaign(manifest, options, &stats);
    const Evaluation ev = evaluate(manifest, outcomes);
    ReportOptions report;
    report.plots = !vm["no-plots"].as<bool>();
    write_reports(options.out_dir, manifest, outcomes, ev, report);

    std::cout << summary_table(manifest, ev);
    std::cerr << "acv validate: " << stats.cases << " cases: " << stats.ran << " ran, " << stats.cached
              << " from cache"
              << (stats.cache_rejected ? " (" + std::to_string(stats.cache_rejected) +
                                             " rejected by their checksum, run again)"
                                       : "")
              << ", " << stats.failed << " failed, " << stats.absent << " absent; "
              << format_duration(stats.seconds) << ". Report: " << options.out_dir << "/report.md\n";
    for (const auto& w : ev.warnings()) std::cerr << "acv validate: warning: " << w << "\n";
    if (!ev.passed) {
      for (const auto& f : ev.failed_checks()) std::cerr << "acv validate: sign-off failed: " << f << "\n";
    }
    return signoff_exit_code(ev);
  }
};

ACV_REGISTER_COMMAND(ValidateCommand, "validate")

}  // namespace acv
