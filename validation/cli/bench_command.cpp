// `acv bench`: wall time of backends on the same layers, as medians over repeats, with speed ratios.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/common/wire.h"
#include "validation/backends/backend.h"
#include "validation/cli/command.h"
#include "validation/cli/output_path.h"
#include "validation/cli/target_options.h"
#include "validation/harness/golden_cache.h"
#include "validation/harness/machine.h"

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

// A view: a backend and its options. "tlm-lt" / "tlm-at" name the TLM backend in one mode.
struct View {
  std::string name, backend;
  BackendOptions options;
};

// What one repeat of a view measured: its runs' results and the wall time of them all.
struct Repeat {
  std::vector<LayerResult> results;
  double whole = 0.0;
};

// The views whose runs fork (Backend::forks) run in a process of their own, forked once before the
// first repeat: a fork write-protects every page of the forking process, and an in-process view
// timed after it paid a page fault per page it wrote (the estimator on TC-ResNet8 after TLM runs:
// 1 ms; 0.23 ms with them in a process of their own, 0.04 ms alone). Such a view's repeats still
// alternate with the others'. Back come its runs' cycles, wall times and output checks, which is all
// the bench shows of them, or the error it caught, thrown here as the same kind.
class ForkedViews {
 public:
  explicit ForkedViews(const std::function<Repeat(std::size_t)>& repeat) {
    int cmd[2], res[2];
    if (::pipe(cmd) != 0 || ::pipe(res) != 0) throw BackendError(std::string("bench: pipe: ") + std::strerror(errno));
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw BackendError(std::string("bench: fork: ") + std::strerror(errno));
    if (pid_ == 0) {
      ::close(cmd[1]);
      ::close(res[0]);
      serve(cmd[0], res[1], repeat);
    }
    ::close(cmd[0]);
    ::close(res[1]);
    to_ = cmd[1], from_ = res[0];
  }
  ForkedViews(const ForkedViews&) = delete;
  ForkedViews& operator=(const ForkedViews&) = delete;
  ~ForkedViews() {
    ::close(to_);  // the server's read ends: it exits
    ::close(from_);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }

  Repeat run(std::size_t view) {
    Writer command;
    command.i64(static_cast<int64_t>(view));
    std::vector<uint8_t> buf;
    if (!command.send(to_) || !read_message(from_, &buf))
      throw BackendError("bench: the process running the forking views ended unexpectedly");
    Reader r(buf.data(), buf.size());
    uint8_t outcome = 0;
    int64_t n = 0;
    Repeat rep;
    bool ok = r.u8(outcome);
    if (ok && outcome != static_cast<uint8_t>(Outcome::Ok)) throw_error(outcome, &r);
    ok = ok && r.f64(rep.whole) && r.i64(n) && n >= 0;
    rep.results.resize(ok ? static_cast<std::size_t>(n) : 0);
    for (LayerResult& res : rep.results) {
      uint8_t checked = 0, match = 0;
      ok = ok && r.f64(res.wall_seconds) && r.i64(res.cycles) && r.u8(checked) && r.u8(match);
      res.outputs_checked = checked, res.outputs_match = match;
    }
    if (!ok) throw BackendError("bench: a malformed message from the process running the forking views");
    return rep;
  }

 private:
  [[noreturn]] static void serve(int in, int out, const std::function<Repeat(std::size_t)>& repeat) {
    std::vector<uint8_t> buf;
    while (read_message(in, &buf)) {
      Reader command(buf.data(), buf.size());
      int64_t view = 0;
      command.i64(view);
      Writer w;
      try {
        const Repeat rep = repeat(static_cast<std::size_t>(view));
        w.u8(static_cast<uint8_t>(Outcome::Ok));
        w.f64(rep.whole);
        w.i64(static_cast<int64_t>(rep.results.size()));
        for (const LayerResult& r : rep.results) {
          w.f64(r.wall_seconds);
          w.i64(r.cycles);
          w.u8(r.outputs_checked);
          w.u8(r.outputs_match);
        }
      } catch (...) {
        w = Writer();
        put_current_error(&w);
      }
      if (!w.send(out)) break;
    }
    std::fflush(nullptr);
    ::_exit(0);  // not the parent's exit handlers and destructors
  }

  pid_t pid_ = -1;
  int to_ = -1, from_ = -1;
};

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
        "comma-separated views; the first is the reference for ratios (e.g. rtl,tlm-lt,tlm-at,estimator; "
        "tlm-lt / tlm-at: the TLM backend in that mode, tlm: in --tlm-mode). Each repeat runs every view "
        "in turn (interleaved), so machine load hits them alike; views that fork (tlm) run from a process "
        "of their own, so that their forks do not slow the views timed in this one");
    add_target_options(desc);
    desc.add_options()("repeat", po::value<int>()->default_value(3),
                       "runs per backend; the median is reported")(
        "tlm-mode", po::value<std::string>()->default_value("lt"), "tlm: lt | at")(
        "regression-model", po::value<std::string>(), "regression: fitted model file")(
        "json", po::value<std::string>(),
        "also write the figures to this file: the machine, per view its cycles, every repeat's times, "
        "medians and ratios, and the estimator's evaluated instructions per layer (docs/validation.md)");
    po::variables_map vm;
    if (!parse_command_line(
            args, "usage: acv bench --config FILE --workload FILE [--backends rtl,tlm,estimator]", desc, vm))
      return kExitOk;
    const int repeat = vm["repeat"].as<int>();
    if (repeat < 1) throw InputError("--repeat must be at least 1");
    if (vm.count("json")) check_writable_output(vm["json"].as<std::string>(), "--json");
    const Target target = load_target(vm);
    BackendOptions options;
    options.tlm_mode = vm["tlm-mode"].as<std::string>();
    if (vm.count("regression-model")) options.regression_model = vm["regression-model"].as<std::string>();

    // What one repeat of a view runs: each mapped layer, or the whole network as one run on an
    // accelerator that runs networks.
    using Run = std::function<LayerResult(Backend&, const BackendOptions&)>;
    std::vector<Run> runs;
    std::vector<Program> programs;  // per-layer runs: their Programs (the runs refer to them)
    std::vector<const Layer*> layers;
    std::unique_ptr<NetworkProgram> network;
    if (target.accel->runs_networks()) {
      network = std::make_unique<NetworkProgram>(target.accel->map_network(target.workload, target.config));
      runs.push_back([&](Backend& b, const BackendOptions& o) {
        return b.run_network(*target.accel, target.config, target.workload, *network, o);
      });
    } else {
      for (const Layer* l : target.layers) {
        try {
          programs.push_back(target.accel->map(*l, target.config));
          layers.push_back(l);
        } catch (const UnsupportedLayer&) {
        }
      }
      for (std::size_t i = 0; i < layers.size(); ++i)
        runs.push_back([&, i](Backend& b, const BackendOptions& o) {
          return b.run_layer(*target.accel, target.config, *layers[i], programs[i], o);
        });
    }
    std::vector<View> views;
    for (const auto& name : split(vm["backends"].as<std::string>())) {
      View v{name, name, options};
      if (name == "tlm-lt" || name == "tlm-at") {
        v.backend = "tlm";
        v.options.tlm_mode = name.substr(4);
      }
      views.push_back(std::move(v));
    }
    if (views.empty()) throw InputError("--backends: no view named");
    std::vector<std::unique_ptr<Backend>> backends;
    for (View& v : views) {
      backends.push_back(BackendRegistry::create(v.backend));
      backends.back()->check(target.config, v.options);
      v.options.golden = default_golden_cache(target.config.file);
    }
    std::cout << "bench | " << target.config.name << " | " << target.workload.name << " ("
              << (network ? "whole network, " + std::to_string(network->layers.size()) + " layers"
                          : std::to_string(layers.size()) + " layers")
              << ") | median of " << repeat << ", views interleaved\n";
    bool all_match = true;
    // Per layer, of the views that report them: instructions represented and evaluated.
    std::vector<std::pair<std::string, std::vector<LayerResult>>> evaluated;
    // Per view and repeat: the sum of the layers' backend wall times and the whole run's wall time
    // (operands, golden reference, memory image, output check included).
    std::vector<std::vector<double>> layer_walls(views.size()), whole_walls(views.size());
    std::vector<int64_t> cycles(views.size(), 0);
    std::vector<std::vector<int64_t>> layer_cycles(views.size());
    const auto repeat_of = [&](std::size_t v) {
      Repeat rep;
      backends[v]->begin_run();
      const auto start = std::chrono::steady_clock::now();
      for (const Run& run : runs) rep.results.push_back(run(*backends[v], views[v].options));
      rep.whole = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      return rep;
    };
    std::unique_ptr<ForkedViews> forked;
    const auto forks = [](const std::unique_ptr<Backend>& b) { return b->forks(); };
    if (std::any_of(backends.begin(), backends.end(), forks) && !std::all_of(backends.begin(), backends.end(), forks))
      forked = std::make_unique<ForkedViews>(repeat_of);
    for (int r = 0; r < repeat; ++r) {
      for (std::size_t v = 0; v < views.size(); ++v) {
        double wall = 0.0;
        cycles[v] = 0;
        layer_cycles[v].clear();
        std::vector<LayerResult> results;
        Repeat rep = forked && backends[v]->forks() ? forked->run(v) : repeat_of(v);
        for (LayerResult& res : rep.results) {
          wall += res.wall_seconds;
          cycles[v] += res.cycles;
          layer_cycles[v].push_back(res.cycles);
          all_match = all_match && (!res.outputs_checked || res.outputs_match);
          if (r == 0 && res.counters.count("evaluated_instructions")) results.push_back(std::move(res));
        }
        const double whole = rep.whole;
        if (!results.empty()) evaluated.emplace_back(views[v].name, std::move(results));
        layer_walls[v].push_back(wall);
        whole_walls[v].push_back(whole);
        std::cerr << "  " << views[v].name << " run " << r + 1 << "/" << repeat << ": " << wall << " s in layers, "
                  << whole << " s whole\n";
      }
    }
    // After the repeats: the probe forks this process, and a fork makes every page written after it
    // fault once more (an in-process view's first repeat measured 1.2-1.5 ms instead of 0.4-0.7).
    const MachineFacts machine = probe_machine();
    std::cout << machine_line(machine) << "\n";
    std::cout << std::left << std::setw(10) << "view" << std::right << std::setw(16) << "cycles" << std::setw(10)
              << "cyc=ref" << std::setw(12) << "layers s" << std::setw(12) << "whole s" << std::setw(12)
              << "whole/lay" << std::setw(14) << "cycles/s" << std::setw(12) << "speedup" << std::setw(14)
              << "end-to-end" << "\n";
    const double reference_wall = median(layer_walls[0]), reference_whole = median(whole_walls[0]);
    nlohmann::json view_rows = nlohmann::json::array();
    for (std::size_t v = 0; v < views.size(); ++v) {
      const double wall = median(layer_walls[v]), whole = median(whole_walls[v]);
      // Per-layer equality with the reference (a fast view that is only right in sum is not cycle-exact).
      const bool same = layer_cycles[v] == layer_cycles[0];
      const double speedup = wall > 0 ? reference_wall / wall : 0.0;
      const double end_to_end = whole > 0 ? reference_whole / whole : 0.0;
      const double whole_over_layers = wall > 0 ? whole / wall : 0.0;
      view_rows.push_back({{"view", views[v].name},
                           {"backend", views[v].backend},
                           {"options", backends[v]->options_key(views[v].options)},
                           {"cycles", cycles[v]},
                           {"layer_cycles", layer_cycles[v]},
                           {"cycles_equal_reference", same},
                           {"layers_seconds", times_json(layer_walls[v])},
                           {"whole_seconds", times_json(whole_walls[v])},
                           {"whole_over_layers", whole_over_layers},
                           {"speedup", speedup},
                           {"end_to_end", end_to_end}});
      std::ostringstream speed, e2e;
      speed << std::setprecision(4) << speedup << "x";
      e2e << std::setprecision(4) << end_to_end << "x";
      std::cout << std::left << std::setw(10) << views[v].name << std::right << std::setw(16) << cycles[v]
                << std::setw(10) << (same ? "yes" : "no") << std::setw(12) << std::setprecision(4) << wall
                << std::setw(12) << std::setprecision(4) << whole << std::setw(12) << std::setprecision(3)
                << whole_over_layers << std::setw(14) << std::setprecision(4) << (wall > 0 ? cycles[v] / wall : 0.0)
                << std::setw(12) << speed.str() << std::setw(14) << e2e.str() << "\n";
    }
    nlohmann::json evaluated_rows = nlohmann::json::array();
    for (const auto& [name, results] : evaluated) {
      nlohmann::json per_layer = nlohmann::json::array();
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
        const int64_t iterations = it != r.counters.end() ? it->second : 0;
        std::cout << std::left << std::setw(14) << r.layer << std::right << std::setw(14) << rep << std::setw(12) << ev
                  << std::setw(9) << std::setprecision(4) << (ev > 0 ? static_cast<double>(rep) / ev : 0.0) << "x"
                  << std::setw(22) << iterations << "\n";
        per_layer.push_back({{"layer", r.layer},
                             {"represented_instructions", rep},
                             {"evaluated_instructions", ev},
                             {"evaluated_iterations", iterations}});
      }
      evaluated_rows.push_back({{"view", name}, {"layers", per_layer}});
      std::cout << std::left << std::setw(14) << "total" << std::right << std::setw(14) << total_rep << std::setw(12)
                << total_eval << std::setw(9) << std::setprecision(4)
                << (total_eval > 0 ? static_cast<double>(total_rep) / total_eval : 0.0) << "x\n";
    }
    if (vm.count("json")) {
      const std::string path = vm["json"].as<std::string>();
      const nlohmann::json j = {{"schema_version", 1},
                                {"config_name", target.config.name},
                                {"config_file", target.config.file},
                                {"workload", target.workload.name},
                                {"workload_file", target.workload.file},
                                {"whole_network", network != nullptr},
                                {"layers", network ? network->layers.size() : layers.size()},
                                {"repeat", repeat},
                                {"machine",
                                 {{"cpu", machine.cpu},
                                  {"cores", machine.cores},
                                  {"load", {machine.load[0], machine.load[1], machine.load[2]}},
                                  {"page_first_write_us", machine.page_us},
                                  {"child_first_read_us", machine.child_read_us},
                                  {"fork_exit_ms", machine.fork_ms},
                                  {"resident_mb", machine.resident_mb}}},
                                {"reference", views[0].name},
                                {"outputs_match", all_match},
                                {"views", view_rows},
                                {"evaluated", evaluated_rows}};
      std::ofstream out(path);
      if (!(out << j.dump(2) << "\n")) throw InputError(SourceLoc{path, 0, "--json"}, "cannot write file");
    }
    return all_match ? kExitOk : kExitCheckFailed;
  }

 private:
  // A view's times over the repeats: each in order (the first is the coldest), median, least, most.
  static nlohmann::json times_json(const std::vector<double>& runs) {
    return {{"runs", runs},
            {"median", median(runs)},
            {"min", *std::min_element(runs.begin(), runs.end())},
            {"max", *std::max_element(runs.begin(), runs.end())}};
  }
};

ACV_REGISTER_COMMAND(BenchCommand, "bench")

}  // namespace acv
