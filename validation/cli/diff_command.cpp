// `acv diff`: one layer on the RTL (recording each command's acceptance and end) and through the estimator's
// full evaluation (recording its schedule), aligned by instruction; reports the first divergence.
#include <boost/program_options.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "estimator/aidg.h"
#include "estimator/bound_arch.h"
#include "models/common/counters.h"
#include "models/common/input_file.h"
#include "rtl/common/rtl_driver.h"
#include "validation/backends/backend.h"
#include "validation/cli/command.h"
#include "validation/cli/output_path.h"
#include "validation/cli/target_options.h"
#include "validation/harness/divergence.h"
#include "validation/harness/golden_cache.h"

namespace po = boost::program_options;

namespace acv {

namespace {

constexpr const char* kUsage =
    "usage: acv diff --config FILE --workload FILE --layer NAME [--description FILE] [--tolerance N]\n"
    "                [--context N] [--trace FILE.fst [--window N]] [--json FILE]\n\n"
    "Runs the layer on the RTL, recording the cycle each command is accepted and ends in its unit\n"
    "(outputs checked against the golden reference), and through the estimator's full evaluation of the\n"
    "description, recording every instruction's schedule and what timed it. Aligned by instruction, it\n"
    "reports the earliest start or end that differs by more than --tolerance cycles (else the run's end), the\n"
    "--context instructions before it on both sides, and the description entries (stage, queue, unit,\n"
    "storage, step latency, memory) that timed it, following the instructions they name. With --trace,\n"
    "the RTL runs again writing an FST of --window cycles either side of it. Exit: 0 no divergence,\n"
    "1 a divergence (or outputs differ from the golden reference), 2 bad input, 3 the RTL failed.";

}  // namespace

class DiffCommand : public Command {
 public:
  std::string summary() const override { return "first divergence of the estimator's schedule from the RTL's, one layer"; }

  int run(const std::vector<std::string>& args) override {
    po::options_description desc("options");
    desc.add_options()("help,h", "show this help");
    add_target_options(desc);
    desc.add_options()("description", po::value<std::string>(), "architecture description (default: the config's)")(
        "tolerance", po::value<int64_t>()->default_value(0), "cycles an event may differ by")(
        "context", po::value<int>()->default_value(5), "instructions shown before the divergence")(
        "trace", po::value<std::string>(), "write an FST waveform of the RTL around the divergence")(
        "window", po::value<int64_t>()->default_value(200), "with --trace: cycles either side")(
        "history", po::value<int64_t>()->default_value(5000),
        "instructions before the divergence recorded in detail (the critical path stops there)")(
        "json", po::value<std::string>(), "write the divergence as JSON")(
        "seed", po::value<uint64_t>()->default_value(1), "seed of the operand data");
    po::variables_map vm;
    if (!parse_command_line(args, kUsage, desc, vm)) return kExitOk;
    for (const char* out : {"json", "trace"})
      if (vm.count(out)) check_writable_output(vm[out].as<std::string>(), std::string("--") + out);
    Target target = load_target(vm);
    // A whole-network accelerator (UltraTrail) runs the workload as one Program: --layer names the workload.
    const bool network = target.accel->runs_networks();
    if (!network && target.layers.size() != 1) throw InputError("acv diff: give exactly one --layer");
    const int64_t tolerance = vm["tolerance"].as<int64_t>();
    const int context = vm["context"].as<int>();
    const int64_t window = vm["window"].as<int64_t>();
    const int64_t history = vm["history"].as<int64_t>();
    if (tolerance < 0 || context < 0 || window < 0 || history < 0)
      throw InputError("--tolerance, --context, --window and --history must not be negative");
    NetworkProgram net;
    if (network) net = target.accel->map_network(target.workload, target.config);
    const std::string layer_name = network ? target.workload.name : target.layers.front()->name;
    const Program program = network ? net.program : target.accel->map(*target.layers.front(), target.config);
    const std::string desc_file = vm.count("description") ? vm["description"].as<std::string>() : target.config.description;
    if (desc_file.empty())
      throw InputError(SourceLoc{target.config.file, 0, "description"}, "the config names no description; pass --description");
    const auto description = load_arch_description(desc_file);
    const BoundArch arch = bind_arch(description, config_values(target.config), program);

    // The RTL with the event recorder on.
    const std::unique_ptr<RtlDriver> driver = RtlDriverRegistry::create(target.config.accelerator);
    driver->check_config(target.config);
    BackendOptions bo;
    bo.seed = vm["seed"].as<uint64_t>();
    bo.golden = default_golden_cache(target.config.file);
    RtlRunOptions ro;
    ro.record_events = true;
    RtlEvents rtl;
    auto simulate = [&](std::vector<uint8_t> dram) {
      SimulationOutput out = driver->run(program, target.config, std::move(dram), ro);
      rtl.accepted = out.accepted;
      rtl.ended = out.ended;
      return out;
    };
    const LayerResult r =
        network ? run_simulated_network(*target.accel, target.config, target.workload, net, bo, simulate)
                : run_simulated_layer(*target.accel, target.config, *target.layers.front(), program, bo, simulate);
    rtl.cycles = r.cycles;
    if (!r.outputs_match) {
      std::cerr << "acv diff: the RTL's outputs differ from the golden reference (" << r.note
                << "); its timing is not compared\n";
      return kExitCheckFailed;
    }

    // After the simulation: the estimator's issue cycles (full evaluation), the alignment, then a second
    // full evaluation that records the `--history` instructions up to the divergence in detail.
    const auto t0 = std::chrono::steady_clock::now();
    EstimatorSchedule est;
    EstimateOptions eo;
    eo.full = true;
    eo.issues = &est.issues;
    eo.ends = &est.ends;
    const Estimate whole = estimate(arch, program, eo);
    est.cycles = whole.cycles;
    est.ends = command_ends(rtl, std::move(est.ends));
    Divergence d = first_divergence(rtl, est, tolerance);
    if (d.found) {
      const int64_t n = static_cast<int64_t>(est.issues.size());
      EstimateOptions detail;
      detail.full = true;
      detail.schedule = &est.detail;
      detail.schedule_to = d.at_end ? -1 : d.instruction;  // an end: the instruction's spans are recorded whole
      detail.schedule_from = std::max<int64_t>(0, (d.at_end ? n - 1 : d.instruction) - history);
      estimate(arch, program, detail);
      explain_divergence(est, &d);
    }
    const double after_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << target.config.name << " | " << layer_name << " | " << desc_file << "\n"
              << divergence_report(rtl, est, d, tolerance, context);
    // Whole-run context: each unit's busy cycles as the RTL's counters and the estimator count them
    // (the definitions differ slightly: a guide to which unit's timing is off, not a check).
    nlohmann::json busy = nlohmann::json::object();
    std::string busy_text;
    for (const auto& kv : whole.busy) {
      const auto it = r.counters.find(counters::busy(kv.first));
      if (it == r.counters.end()) continue;
      busy[kv.first] = {{"rtl", it->second}, {"estimator", kv.second}};
      busy_text += "  " + kv.first + ": RTL " + std::to_string(it->second) + ", estimator " + std::to_string(kv.second) +
                   " (" + (kv.second >= it->second ? "+" : "") + std::to_string(kv.second - it->second) + ")\n";
    }
    if (!busy_text.empty())
      std::cout << "\nbusy cycles per unit over the whole layer (RTL counter <unit>.busy, estimator occupancy):\n"
                << busy_text;
    std::cout << "\ntimes: RTL " << r.wall_seconds << " s; after it (estimator schedule, alignment, explanation) "
              << after_s << " s\n";

    if (vm.count("trace") && d.found) {
      ro.trace_file = vm["trace"].as<std::string>();
      const int64_t at = d.rtl;
      ro.trace_from = at > window ? at - window : 0;
      ro.trace_to = at + window;
      auto retrace = [&](std::vector<uint8_t> dram) { return driver->run(program, target.config, std::move(dram), ro); };
      if (network) run_simulated_network(*target.accel, target.config, target.workload, net, bo, retrace);
      else run_simulated_layer(*target.accel, target.config, *target.layers.front(), program, bo, retrace);
      std::cout << "FST: " << ro.trace_file << " (cycles " << ro.trace_from << ".." << ro.trace_to
                << " from the first accepted command)\n";
    }
    if (vm.count("json")) {
      nlohmann::json j{{"config", target.config.name}, {"layer", layer_name}, {"description", desc_file},
                       {"diverged", d.found}, {"at_end", d.at_end},
                       {"event", !d.found ? "" : d.at_end ? "run_end" : d.ended ? "end" : "start"},
                       {"instruction", d.instruction},
                       {"opcode", d.found && est.find(d.instruction) ? est.find(d.instruction)->opcode : ""},
                       {"rtl", d.rtl}, {"estimator", d.est}, {"timed_by", d.path.empty() ? "" : d.path.front().reason}, {"entries", d.entries},
                       {"rtl_cycles", rtl.cycles}, {"estimator_cycles", est.cycles},
                       {"seconds", {{"rtl", r.wall_seconds}, {"after_rtl", after_s}}}};
      nlohmann::json path = nlohmann::json::array();
      for (const auto& h : d.path)
        path.push_back({{"instruction", h.instruction}, {"opcode", h.opcode}, {"object", h.object},
                        {"reason", h.reason}, {"ended_by", h.ended_by}});
      j["path"] = path;
      j["busy"] = busy;
      std::ofstream out(vm["json"].as<std::string>());
      out << j.dump(2) << "\n";
    }
    return d.found ? kExitCheckFailed : kExitOk;
  }
};

ACV_REGISTER_COMMAND(DiffCommand, "diff")

}  // namespace acv
