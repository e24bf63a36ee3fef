// `acv calibrate`: fits chosen params of an architecture description to RTL cycles (runs through the
// result cache), says which the data cannot determine, and reports train and held-out error.
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>

#include "estimator/aidg.h"
#include "estimator/bound_arch.h"
#include "models/common/accelerator.h"
#include "models/common/input_file.h"
#include "models/common/workload_reader.h"
#include "validation/backends/backend.h"
#include "validation/cli/command.h"
#include "validation/cli/output_path.h"
#include "validation/cli/target_options.h"
#include "validation/harness/calibration_report.h"
#include "validation/harness/campaign.h"
#include "validation/harness/process_pool.h"
#include "validation/harness/progress.h"
#include "validation/harness/result_cache.h"
#include "validation/harness/suite.h"

namespace po = boost::program_options;

namespace acv {

namespace {

constexpr const char* kUsage =
    "usage: acv calibrate --config FILE --workload FILE [--layer NAME]... --fit NAME[,NAME...] --out DIR\n"
    "                     [--description FILE] [--holdout FILE] [--range NAME=LO:HI]... [-j N]\n"
    "       acv calibrate --suite FILE --fit NAME[,NAME...] --out DIR [--holdout FILE] ...\n\n"
    "Runs the RTL on the workload (through the result cache), then searches the values of the named\n"
    "`params:` of the architecture description that minimise the estimator's MAPE against it: every\n"
    "combination when there are at most --exhaustive-limit, else a bounded coordinate search. Domains:\n"
    "--range, else the description's `unknowns:` entry, else [0, max(4v, v + 64)] around the value v.\n"
    "Writes DIR/calibrated.yaml (+ calibrated.diff), DIR/calibration.json and DIR/report.md with a\n"
    "before/after plot; a param the data does not determine is named as such and keeps its value.\n"
    "Held-out error: on --holdout, else k-fold over the train layers. The suite form calibrates every\n"
    "config of the suite on its workloads, into DIR/<config>/. Workflow: docs/calibration.md.";

std::vector<std::string> split_names(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const auto& a : args) {
    std::stringstream in(a);
    for (std::string n; std::getline(in, n, ',');)
      if (!n.empty()) out.push_back(n);
  }
  return out;
}

// NAME=LO:HI -> the values LO..HI.
std::map<std::string, std::vector<int64_t>> parse_ranges(const std::vector<std::string>& args) {
  std::map<std::string, std::vector<int64_t>> out;
  for (const auto& a : args) {
    const auto eq = a.find('='), colon = a.find(':', eq == std::string::npos ? 0 : eq);
    int64_t lo = 0, hi = 0;
    bool ok = eq != std::string::npos && eq > 0 && colon != std::string::npos;
    if (ok) {
      try {
        std::size_t u1 = 0, u2 = 0;
        lo = std::stoll(a.substr(eq + 1, colon - eq - 1), &u1);
        hi = std::stoll(a.substr(colon + 1), &u2);
        ok = u1 == colon - eq - 1 && u2 == a.size() - colon - 1;
      } catch (const std::logic_error&) {
        ok = false;
      }
    }
    if (!ok) throw InputError("--range: expected NAME=LO:HI (e.g. MEM_LATENCY=1:200), got '" + a + "'");
    if (lo > hi) throw InputError("--range " + a + ": LO is above HI");
    if (hi - lo > 1000000) throw InputError("--range " + a + ": more than a million values");
    std::vector<int64_t> d;
    for (int64_t v = lo; v <= hi; ++v) d.push_back(v);
    out[a.substr(0, eq)] = d;
  }
  return out;
}

struct Setup {
  std::vector<std::string> fit;
  std::map<std::string, std::vector<int64_t>> ranges;
  std::string description;  // empty: the config's
  std::vector<WorkloadSelection> train, holdout;
  CampaignOptions campaign;
  CalibrationOptions calibration;
  bool plots = true;
};

// Calibrates one config; returns the record written to `dir`.
CalibrationRecord calibrate_config(const std::string& config_file, const Setup& s, const std::string& dir) {
  const auto t0 = std::chrono::steady_clock::now();
  const AccelConfig config = load_accel_config(config_file);
  const std::unique_ptr<Accelerator> accel = AcceleratorRegistry::create(config.accelerator);
  accel->check_config(config);
  CalibrationRecord rec;
  rec.config_name = config.name;
  rec.description_file = s.description.empty() ? config.description : s.description;
  if (rec.description_file.empty())
    throw InputError(SourceLoc{config.file, 0, "description"}, "the config names no description; pass --description");
  rec.description_text = read_input_file(rec.description_file);
  const auto desc = parse_arch_description(rec.description_text, rec.description_file);

  // The RTL cycles, as `acv validate` gets them: one `acv run` per layer, cached.
  Suite suite;
  suite.name = "calibrate-" + config.name;
  suite.file = config.file;
  suite.configs = {config.file};
  suite.workloads = s.train;
  suite.workloads.insert(suite.workloads.end(), s.holdout.begin(), s.holdout.end());
  View rtl;
  rtl.name = rtl.backend = "rtl";
  suite.views = {rtl};
  std::vector<Case> cases = expand_cases(suite);
  mark_unsupported_layers(cases);
  const Manifest manifest = make_manifest(suite, cases);
  CampaignOptions co = s.campaign;
  co.out_dir = dir + "/rtl";
  CampaignStats stats;
  std::size_t skipped = 0;
  for (const auto& c : cases) skipped += c.skip_reason.empty() ? 0 : 1;
  std::cerr << "acv calibrate: " << config.name << ": RTL on " << cases.size() - skipped << " layers"
            << (skipped ? " (" + std::to_string(skipped) + " skipped: no hardware for them)" : "") << "\n";
  const Outcomes outcomes = run_campaign(manifest, co, &stats);
  rec.rtl_seconds = stats.seconds;
  rec.rtl_ran = static_cast<int>(stats.ran);
  rec.rtl_cached = static_cast<int>(stats.cached);

  std::set<std::string> holdout_files, train_names, holdout_names;
  for (const auto& h : s.holdout) holdout_files.insert(h.file);
  std::map<std::string, Workload> workloads;
  for (std::size_t i = 0; i < manifest.cases.size(); ++i) {
    const Case& c = manifest.cases[i];
    const CaseOutcome& o = *outcomes[i];
    if (o.status == CaseStatus::Skipped || !c.skip_reason.empty()) continue;
    if (o.status != CaseStatus::Ok)
      throw BackendError("RTL run of " + c.key + " " + to_string(o.status) + ": " + o.message + " (log: " + dir +
                         "/rtl/logs/" + c.file_stem() + ".stderr)");
    if (!o.layer.outputs_checked || !o.layer.outputs_match)
      throw BackendError("RTL run of " + c.key + ": outputs differ from the golden reference; its cycles do not count");
    if (!workloads.count(c.workload_file)) workloads.emplace(c.workload_file, load_workload(c.workload_file));
    CalibrationLayer l;
    l.name = c.workload_name + "/" + c.layer;
    const Workload& w = workloads.at(c.workload_file);
    // A whole-network accelerator (UltraTrail) ran the workload as one Program, its case named for the workload.
    l.program = std::make_shared<const Program>(accel->runs_networks() ? accel->map_network(w, config).program
                                                                        : accel->map(w.find(c.layer), config));
    l.rtl_cycles = o.layer.cycles;
    l.holdout = holdout_files.count(c.workload_file) > 0;
    (l.holdout ? holdout_names : train_names).insert(c.workload_name);
    if (l.rtl_cycles <= 0) throw BackendError("RTL run of " + c.key + " reports no cycles");
    rec.layers.push_back(std::move(l));
  }
  rec.train_workloads.assign(train_names.begin(), train_names.end());
  rec.holdout_workloads.assign(holdout_names.begin(), holdout_names.end());
  if (rec.layers.empty()) throw InputError(SourceLoc{config.file, 0, "accelerator"}, "no layer of the workload runs on it");

  // The params to fit: their values for this config and the values searched.
  const std::map<std::string, int64_t> values = config_values(config);
  const BoundArch bound = bind_arch(desc, values, *rec.layers.front().program);
  std::set<std::string> seen;
  for (const auto& name : s.fit) {
    FitParam fp;
    fp.name = name;
    fp.param = desc->find_param(name);
    if (fp.param < 0) {
      std::string list;
      for (const auto& p : desc->params) list += (list.empty() ? "" : ", ") + p.name;
      throw InputError(SourceLoc{rec.description_file, 0, "params"},
                       "--fit " + name + ": no params entry of that name (params: " + list + ")");
    }
    if (!seen.insert(name).second) throw InputError("--fit: " + name + " named twice");
    fp.initial = bound.params[static_cast<std::size_t>(fp.param)];
    if (s.ranges.count(name)) {
      fp.domain = s.ranges.at(name);
      fp.domain_source = "--range";
    } else if (const UnknownSpec* u = desc->find_unknown(name)) {
      if (!u->values.empty()) {
        fp.domain = u->values;
      } else {
        if (u->max - u->min > 1000000) throw InputError(u->loc, "more than a million values to search");
        for (int64_t v = u->min; v <= u->max; ++v) fp.domain.push_back(v);
      }
      fp.domain_source = "unknowns:";
    } else {
      fp.domain = default_domain(fp.initial);
      fp.domain_source = "default";
    }
    rec.params.push_back(std::move(fp));
  }
  for (const auto& kv : s.ranges)
    if (!seen.count(kv.first)) throw InputError("--range " + kv.first + ": not one of the --fit params");

  std::cerr << "acv calibrate: " << config.name << ": fitting " << s.fit.size() << " params on "
            << rec.layers.size() << " layers\n";
  Calibration cal(desc, values, rec.layers, rec.params, s.calibration);
  rec.result = cal.run();

  std::vector<std::pair<int, int64_t>> changes;
  // A value the data confirms keeps its expression (it may serve other configs); only changes are written.
  for (std::size_t p = 0; p < rec.params.size(); ++p)
    if (rec.result.sensitivity[p].status != Sensitivity::Status::Undetermined &&
        rec.result.fitted[p] != rec.params[p].initial)
      changes.emplace_back(rec.params[p].param, rec.result.fitted[p]);
  rec.calibrated_text = rewrite_params(rec.description_text, *desc, changes);
  // The written file is what counts: it must give the cycles the search reported.
  const auto calibrated = parse_arch_description(rec.calibrated_text, dir + "/calibrated.yaml");
  for (std::size_t i = 0; i < rec.layers.size(); ++i) {
    const Program& prog = *rec.layers[i].program;
    const int64_t c = estimate(bind_arch(calibrated, values, prog), prog, EstimateOptions{}).cycles;
    if (c != rec.result.after_cycles[i])
      throw std::logic_error("calibrated.yaml gives " + std::to_string(c) + " cycles on " + rec.layers[i].name +
                             ", the search " + std::to_string(rec.result.after_cycles[i]));
  }
  rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  write_calibration(dir, rec, s.plots);
  return rec;
}

void print_summary(const CalibrationRecord& r, const std::string& dir) {
  const CalibrationResult& c = r.result;
  std::cout << r.config_name << ": " << c.search << " search, " << c.evaluations << " value sets, " << c.layer_estimates
            << " layer estimates, "
            << std::fixed << std::setprecision(1) << r.seconds << " s (RTL " << r.rtl_seconds << " s, " << r.rtl_ran
            << " ran, " << r.rtl_cached << " cached)\n";
  for (std::size_t p = 0; p < r.params.size(); ++p) {
    const std::string und = undetermined_line(r, p);
    const Sensitivity& s = c.sensitivity[p];
    if (!und.empty())
      std::cout << "  " << und << "\n";
    else
      std::cout << "  " << r.params[p].name << ": " << r.params[p].initial << " -> " << c.fitted[p] << " ("
                << to_string(s.status) << (s.lo != s.hi ? ", any of [" + std::to_string(s.lo) + ", " + std::to_string(s.hi) + "]" : "")
                << ")\n";
  }
  std::cout << std::setprecision(2) << "  train MAPE " << c.train_before.mape_pct << " % -> " << c.train_after.mape_pct
            << " %, max " << c.train_before.max_pct << " % -> " << c.train_after.max_pct << " %\n";
  if (!r.holdout_workloads.empty())
    std::cout << "  held-out MAPE " << c.holdout_before.mape_pct << " % -> " << c.holdout_after.mape_pct << " %, max "
              << c.holdout_before.max_pct << " % -> " << c.holdout_after.max_pct << " %\n";
  else if (c.folds > 0)
    std::cout << "  " << c.folds << "-fold MAPE " << c.kfold.mape_pct << " %, max " << c.kfold.max_pct << " %\n";
  std::cout << "  report: " << dir << "/report.md\n";
}

WorkloadSelection selection(const std::string& file, std::vector<std::string> layers) {
  WorkloadSelection w;
  w.file = file;
  w.layers = std::move(layers);
  w.loc = SourceLoc{file, 0, "--workload"};
  return w;
}

}  // namespace

class CalibrateCommand : public Command {
 public:
  std::string summary() const override { return "fit description params to RTL cycles; identifiability, held-out error"; }

  int run(const std::vector<std::string>& args) override {
    po::options_description desc("options");
    desc.add_options()("help,h", "show this help")("config", po::value<std::string>(), "accelerator config file")(
        "suite", po::value<std::string>(), "suite file: calibrate each of its configs on its workloads")(
        "description", po::value<std::string>(), "architecture description to calibrate (default: the config's)")(
        "fit", po::value<std::vector<std::string>>(), "params to fit, comma-separated or repeated (required)")(
        "workload", po::value<std::string>(), "workload to fit on (with --config)")(
        "layer", po::value<std::vector<std::string>>(), "only these layers of --workload (repeatable)")(
        "holdout", po::value<std::string>(), "held-out workload: measured, never fitted on (default: k-fold)")(
        "range", po::value<std::vector<std::string>>(), "NAME=LO:HI: the values searched for NAME (repeatable)")(
        "out", po::value<std::string>(), "output folder (required)")(
        "jobs,j", po::value<int>()->default_value(default_jobs()), "RTL runs and estimator threads in parallel")(
        "cache", po::value<std::string>(), "result cache folder (default as for acv validate)")(
        "no-cache", po::bool_switch(), "run the RTL again; neither read nor write the cache")(
        "exhaustive-limit", po::value<int64_t>()->default_value(4096),
        "search every combination up to this many, else coordinate search")(
        "folds", po::value<int>()->default_value(5), "k-fold cross-validation: at most this many folds")(
        "timeout", po::value<double>()->default_value(0), "kill an RTL run after this many seconds (0: never)")(
        "no-plots", po::bool_switch(), "skip gnuplot")("acv", po::value<std::string>(),
                                                      "acv binary for the RTL runs (default: this one)");
    po::variables_map vm;
    if (!parse_command_line(args, kUsage, desc, vm)) return kExitOk;
    if (vm.count("config") == vm.count("suite")) throw InputError("acv calibrate: give --config or --suite (see --help)");
    if (!vm.count("fit")) throw InputError("acv calibrate: --fit NAME[,NAME...] is required");
    if (!vm.count("out")) throw InputError("acv calibrate: --out DIR is required");
    if (vm.count("config") && !vm.count("workload")) throw InputError("acv calibrate: --config needs --workload");
    if (vm.count("suite") && (vm.count("workload") || vm.count("layer")))
      throw InputError("acv calibrate: --suite takes its workloads from the suite (no --workload / --layer)");

    Setup s;
    s.fit = split_names(vm["fit"].as<std::vector<std::string>>());
    if (s.fit.empty()) throw InputError("--fit: no param named");
    if (vm.count("range")) s.ranges = parse_ranges(vm["range"].as<std::vector<std::string>>());
    if (vm.count("description")) s.description = vm["description"].as<std::string>();
    s.plots = !vm["no-plots"].as<bool>();
    s.calibration.exhaustive_limit = vm["exhaustive-limit"].as<int64_t>();
    s.calibration.folds = vm["folds"].as<int>();
    if (s.calibration.folds < 2) throw InputError("--folds must be at least 2");
    const int jobs = vm["jobs"].as<int>();
    if (jobs < 1) throw InputError("--jobs must be at least 1");
    s.calibration.threads = jobs;
    const std::string out = vm["out"].as<std::string>();
    check_writable_output(out, "--out", OutputKind::Folder);

    std::vector<std::string> configs;
    std::string anchor;  // a path inside the repository, for the cache keys
    if (vm.count("suite")) {
      const Suite suite = load_suite(vm["suite"].as<std::string>());
      configs = suite.configs;
      s.train = suite.workloads;
      anchor = suite.file;
    } else {
      configs = {vm["config"].as<std::string>()};
      s.train = {selection(vm["workload"].as<std::string>(),
                           vm.count("layer") ? vm["layer"].as<std::vector<std::string>>() : std::vector<std::string>{})};
      anchor = configs.front();
    }
    if (vm.count("holdout")) s.holdout = {selection(vm["holdout"].as<std::string>(), {})};

    CampaignOptions& co = s.campaign;
    co.jobs = jobs;
    co.acv_binary = vm.count("acv") ? vm["acv"].as<std::string>() : self_binary();
    co.repo_root = find_repo_root(anchor);
    if (co.repo_root.empty()) co.repo_root = find_repo_root(".");
    if (!vm["no-cache"].as<bool>()) {
      if (co.repo_root.empty()) throw InputError("cannot find the repository root (for cache keys); pass --no-cache");
      co.cache_dir = vm.count("cache") ? vm["cache"].as<std::string>() : default_cache_dir(co.repo_root);
      check_writable_output(co.cache_dir, "--cache", OutputKind::Folder);
    }
    co.timeout_seconds = vm["timeout"].as<double>();
    if (!(co.timeout_seconds >= 0) || !std::isfinite(co.timeout_seconds))
      throw InputError("--timeout: expected seconds >= 0");
    for (const auto& name : BackendRegistry::names()) co.available_backends.insert(name);
    co.tty = is_terminal(2);
    co.progress = &std::cerr;

    for (const auto& cfg : configs) {
      const std::string dir = configs.size() == 1 && !vm.count("suite") ? out : out + "/" + load_accel_config(cfg).name;
      print_summary(calibrate_config(cfg, s, dir), dir);
    }
    return kExitOk;
  }
};

ACV_REGISTER_COMMAND(CalibrateCommand, "calibrate")

}  // namespace acv
