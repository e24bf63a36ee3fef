// `acv run`: one backend over the layers of a workload on one accelerator config; table and RunResult JSON.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "validation/backends/backend.h"
#include "validation/cli/command.h"
#include "validation/cli/output_path.h"
#include "validation/cli/target_options.h"
#include "validation/harness/golden_cache.h"
#include "validation/harness/result_cache.h"  // find_repo_root

namespace po = boost::program_options;

namespace acv {

namespace {

std::string fmt_int(int64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > (v < 0 ? 1 : 0); i -= 3)
    s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

void print_header(std::ostream& out) {
  out << std::left << std::setw(20) << "layer" << std::setw(8) << "kind" << std::right << std::setw(15)
      << "cycles" << std::setw(16) << "MACs" << std::setw(8) << "util%" << std::setw(10) << "outputs"
      << std::setw(10) << "wall s"
      << "\n";
}

void print_row(std::ostream& out, const LayerResult& r) {
  std::string outputs = r.outputs_checked ? (r.outputs_match ? "match" : "MISMATCH") : "-";
  if (r.status != "ok") outputs = r.status;
  std::ostringstream util, wall;
  util << std::fixed << std::setprecision(1) << 100.0 * r.utilization;
  wall << std::fixed << std::setprecision(3) << r.wall_seconds;
  out << std::left << std::setw(20) << r.layer << std::setw(8) << r.kind << std::right << std::setw(15)
      << (r.status == "ok" ? fmt_int(r.cycles) : "-") << std::setw(16) << fmt_int(r.macs) << std::setw(8)
      << (r.status == "ok" ? util.str() : "-") << std::setw(10) << outputs << std::setw(10) << wall.str();
  if (!r.note.empty()) out << "  " << r.note;
  out << "\n" << std::flush;
}

// --explain: what the estimate evaluated, its bottleneck, each unit's busy cycles and each
// extrapolated loop kernel, under the layer's (or network's) row.
void print_explain(std::ostream& out, const LayerResult& r) {
  const auto count = [&](const char* k) { const auto it = r.counters.find(k); return it == r.counters.end() ? 0 : it->second; };
  if (!r.counters.count("evaluated_instructions")) return;
  out << "    evaluated " << fmt_int(count("evaluated_instructions")) << " of "
      << fmt_int(count("represented_instructions")) << " instructions (" << fmt_int(count("evaluated_iterations"))
      << " of " << fmt_int(count("represented_iterations")) << " loop iterations)";
  if (r.info.count("bottleneck")) out << ", bottleneck " << r.info.at("bottleneck");
  if (r.info.count("same_as")) out << "; same Program as " << r.info.at("same_as") << ", not evaluated again";
  out << "\n";
  for (const auto& [name, value] : r.counters)
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".busy") == 0) out << "    " << name << ": " << fmt_int(value) << "\n";
  for (const auto& [key, text] : r.info)
    if (key.rfind("kernel.", 0) == 0) out << "    loop " << key.substr(7) << ": " << text << "\n";
}

// Operators of the model that became no layer, per type with their first node names (all of
// them are in the RunResult's skipped_operators).
void print_skipped_operators(std::ostream& out, const Workload& w) {
  const auto by_type = skipped_by_type(w.skipped_operators);
  out << "acv run: " << w.file << ": skipped " << w.skipped_operators.size()
      << " operators without multiply-accumulate work:\n";
  for (const auto& [type, nodes] : by_type) {
    out << "  " << type << " x" << nodes.size() << ":";
    for (std::size_t i = 0; i < nodes.size() && i < 6; ++i) out << (i ? ", " : " ") << nodes[i];
    out << (nodes.size() > 6 ? ", ..." : "") << "\n";
  }
}

}  // namespace

class RunCommand : public Command {
 public:
  std::string summary() const override { return "run one backend on a workload and print per-layer cycles"; }

  int run(const std::vector<std::string>& args) override {
    po::options_description desc("options");
    desc.add_options()("help,h", "show this help")("backend", po::value<std::string>()->required(),
                                                   "rtl | tlm | estimator | roofline | regression");
    add_target_options(desc);
    desc.add_options()("json", po::value<std::string>(),
                       "write the RunResult to this file (schema: docs/run-result.md)")(
        "trace", po::value<std::string>(), "rtl: write an FST waveform (one layer only)")(
        "tlm-mode", po::value<std::string>()->default_value("lt"),
        "tlm: lt (loosely timed) | at (approximately timed)")(
        "full", po::bool_switch(),
        "estimator: evaluate every instruction instead of extrapolating loop kernels")(
        "explain", po::bool_switch(),
        "estimator: per-kernel breakdown (evaluated iterations, delta, bottleneck)")(
        "regression-model", po::value<std::string>(), "regression: fitted model file")(
        "seed", po::value<uint64_t>()->default_value(1), "seed of the operand data")(
        "golden-cache", po::value<std::string>(),
        "rtl, tlm: folder of operands and golden outputs per layer and seed (default: <cache>/golden, "
        "<cache> as for acv validate)")("no-golden-cache", po::bool_switch(),
                                        "rtl, tlm: compute operands and golden outputs, store nothing")(
        "max-cycles", po::value<int64_t>()->default_value(0),
        "simulators: fail after this many cycles (0: automatic)")("quiet,q", po::bool_switch(),
                                                                  "no table on stdout");
    po::variables_map vm;
    if (!parse_command_line(
            args, "usage: acv run --backend B --config FILE --workload FILE [--layer NAME]... [--json FILE]",
            desc, vm))
      return kExitOk;

    const std::string backend_name = vm["backend"].as<std::string>();
    std::unique_ptr<Backend> backend = BackendRegistry::create(backend_name);
    // Refused before anything runs: an option only another backend reads, an unwritable output.
    check_options_read(backend_name, *backend, given_options(vm));
    for (const char* out : {"json", "trace"})
      if (vm.count(out)) check_writable_output(vm[out].as<std::string>(), std::string("--") + out);
    Target target = load_target(vm);

    BackendOptions options;
    options.seed = vm["seed"].as<uint64_t>();
    options.tlm_mode = vm["tlm-mode"].as<std::string>();
    options.full = vm["full"].as<bool>();
    options.explain = vm["explain"].as<bool>();
    options.max_cycles = vm["max-cycles"].as<int64_t>();
    if (options.max_cycles < 0) throw InputError("--max-cycles must not be negative");
    if (vm.count("regression-model")) options.regression_model = vm["regression-model"].as<std::string>();
    if (vm.count("trace")) {
      if (!target.accel->runs_networks() && target.layers.size() != 1)
        throw InputError("--trace needs exactly one --layer (one waveform per run)");
      options.trace_file = vm["trace"].as<std::string>();
    }
    const bool quiet = vm["quiet"].as<bool>();
    if (vm.count("golden-cache") && !vm["no-golden-cache"].as<bool>())
      options.golden = std::make_shared<const GoldenCache>(vm["golden-cache"].as<std::string>(),
                                                           golden_sources_key(find_repo_root(target.config.file)),
                                                           find_repo_root(target.config.file));
    else if (!vm["no-golden-cache"].as<bool>())
      options.golden = default_golden_cache(target.config.file);
    backend->check(target.config, options);

    RunResult result;
    result.backend = backend_name;
    result.options = backend->options_key(options);
    result.accelerator = target.config.accelerator;
    result.config_name = target.config.name;
    result.config_file = target.config.file;
    result.workload = target.workload.name;
    result.workload_file = target.workload.file;
    result.pes = target.accel->processing_elements(target.config);
    result.skipped_operators = target.workload.skipped_operators;
    if (!result.skipped_operators.empty()) print_skipped_operators(std::cerr, target.workload);

    if (target.accel->runs_networks()) return run_network(*backend, target, options, quiet, vm, result);

    // Map every layer before running any, so bad input fails fast with one line and no table.
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::unique_ptr<Program>> programs;
    for (const Layer* layer : target.layers) {
      try {
        programs.push_back(std::make_unique<Program>(target.accel->map(*layer, target.config)));
      } catch (const UnsupportedLayer&) {
        if (vm.count("layer")) throw;  // asked for by name: an error, not a skip
        programs.push_back(nullptr);
      }
    }
    if (!quiet) {
      std::cout << backend_name << (result.options.empty() ? "" : " (" + result.options + ")") << " | "
                << target.config.name << " | " << target.workload.name << " (" << target.layers.size()
                << " layers)\n";
      print_header(std::cout);
    }
    backend->begin_run();
    for (std::size_t i = 0; i < target.layers.size(); ++i) {
      const Layer& layer = *target.layers[i];
      LayerResult r;
      if (programs[i]) {
        r = backend->run_layer(*target.accel, target.config, layer, *programs[i], options);
      } else {
        r.layer = layer.name;
        r.kind = to_string(layer.kind);
        r.macs = layer.macs();
        r.status = "skipped";
        r.note = "no " + std::string(to_string(layer.kind)) + " unit on " + target.config.accelerator;
      }
      if (!quiet) print_row(std::cout, r);
      if (!quiet && options.explain) print_explain(std::cout, r);
      result.layers.push_back(std::move(r));
    }
    result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!quiet) {
      std::cout << "total: " << fmt_int(result.total_cycles()) << " cycles, " << std::fixed
                << std::setprecision(3) << result.wall_seconds << " s wall\n";
    }

    return finish(result, vm);
  }

 private:
  static int finish(const RunResult& result, const po::variables_map& vm) {
    if (vm.count("json")) {
      const std::string path = vm["json"].as<std::string>();
      std::ofstream out(path);
      if (!out) throw InputError(SourceLoc{path, 0, "--json"}, "cannot write file");
      out << to_json(result);
    }
    return result.all_outputs_match() ? kExitOk : kExitCheckFailed;
  }

  // A whole-network accelerator: one Program, one run; the table shows each layer's cycles and
  // the network's.
  static int run_network(Backend& backend, const Target& target, const BackendOptions& options, bool quiet,
                         const po::variables_map& vm, RunResult& result) {
    const auto start = std::chrono::steady_clock::now();
    const NetworkProgram network = target.accel->map_network(target.workload, target.config);
    // One run: the table follows it, so a backend that refuses the network leaves one error line.
    LayerResult r = backend.run_network(*target.accel, target.config, target.workload, network, options);
    if (!quiet) {
      std::cout << result.backend << (result.options.empty() ? "" : " (" + result.options + ")") << " | "
                << target.config.name << " | " << target.workload.name << " (whole network, "
                << network.layers.size() << " layers)\n";
      print_header(std::cout);
      for (const auto& part : r.layer_cycles)
        std::cout << "  " << std::left << std::setw(18) << part.layer << std::setw(8) << "" << std::right
                  << std::setw(15) << fmt_int(part.cycles) << "\n";
      print_row(std::cout, r);
      if (options.explain) print_explain(std::cout, r);
    }
    result.layers.push_back(std::move(r));
    result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!quiet)
      std::cout << "total: " << fmt_int(result.total_cycles()) << " cycles, " << std::fixed << std::setprecision(3)
                << result.wall_seconds << " s wall\n";
    return finish(result, vm);
  }
};

ACV_REGISTER_COMMAND(RunCommand, "run")

}  // namespace acv
