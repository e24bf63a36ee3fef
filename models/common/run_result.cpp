#include "run_result.h"

#include <nlohmann/json.hpp>

#include "error.h"

namespace acv {

using nlohmann::json;

int64_t RunResult::total_cycles() const {
  int64_t sum = 0;
  for (const auto& l : layers) sum += l.cycles;
  return sum;
}

bool RunResult::all_outputs_match() const {
  for (const auto& l : layers)
    if (l.outputs_checked && !l.outputs_match) return false;
  return true;
}

std::string to_json(const RunResult& r) {
  json layers = json::array();
  for (const auto& l : r.layers) {
    json parts = json::array();
    for (const auto& p : l.layer_cycles) parts.push_back({{"layer", p.layer}, {"cycles", p.cycles}});
    layers.push_back({{"layer", l.layer},
                      {"kind", l.kind},
                      {"status", l.status},
                      {"note", l.note},
                      {"cycles", l.cycles},
                      {"macs", l.macs},
                      {"utilization", l.utilization},
                      {"stall_free_cycles", l.stall_free_cycles},
                      {"outputs_checked", l.outputs_checked},
                      {"outputs_match", l.outputs_match},
                      {"output_hash", l.output_hash},
                      {"wall_seconds", l.wall_seconds},
                      {"instructions", l.instructions},
                      {"counters", l.counters},
                      {"info", l.info},
                      {"layer_cycles", parts}});
  }
  json skipped = json::array();
  for (const auto& s : r.skipped_operators) skipped.push_back({{"node", s.node}, {"op_type", s.op_type}});
  const json j = {{"schema_version", r.schema_version},
                  {"backend", r.backend},
                  {"options", r.options},
                  {"accelerator", r.accelerator},
                  {"config_name", r.config_name},
                  {"config_file", r.config_file},
                  {"workload", r.workload},
                  {"workload_file", r.workload_file},
                  {"pes", r.pes},
                  {"wall_seconds", r.wall_seconds},
                  {"total_cycles", r.total_cycles()},
                  {"all_outputs_match", r.all_outputs_match()},
                  {"layers", layers},
                  {"skipped_operators", skipped}};
  return j.dump(2) + "\n";
}

RunResult run_result_from_json(const std::string& text, const std::string& source) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw InputError(SourceLoc{source, 0, ""}, std::string("malformed JSON: ") + e.what());
  }
  std::string field;
  try {
    RunResult r;
    auto get = [&](const json& o, const char* key) -> const json& {
      field = key;
      return o.at(key);
    };
    r.schema_version = get(j, "schema_version").get<int>();
    if (r.schema_version != 1)
      throw InputError(SourceLoc{source, 0, "schema_version"}, "unsupported version " + std::to_string(r.schema_version));
    r.backend = get(j, "backend").get<std::string>();
    r.options = get(j, "options").get<std::string>();
    r.accelerator = get(j, "accelerator").get<std::string>();
    r.config_name = get(j, "config_name").get<std::string>();
    r.config_file = get(j, "config_file").get<std::string>();
    r.workload = get(j, "workload").get<std::string>();
    r.workload_file = get(j, "workload_file").get<std::string>();
    r.pes = get(j, "pes").get<int64_t>();
    r.wall_seconds = get(j, "wall_seconds").get<double>();
    for (const auto& lj : get(j, "layers")) {
      LayerResult l;
      l.layer = get(lj, "layer").get<std::string>();
      l.kind = get(lj, "kind").get<std::string>();
      l.status = get(lj, "status").get<std::string>();
      l.note = get(lj, "note").get<std::string>();
      l.cycles = get(lj, "cycles").get<int64_t>();
      l.macs = get(lj, "macs").get<int64_t>();
      l.utilization = get(lj, "utilization").get<double>();
      // Results written before the bound existed have none (0, as for accelerators without one).
      if (lj.contains("stall_free_cycles")) l.stall_free_cycles = get(lj, "stall_free_cycles").get<int64_t>();
      l.outputs_checked = get(lj, "outputs_checked").get<bool>();
      l.outputs_match = get(lj, "outputs_match").get<bool>();
      l.output_hash = get(lj, "output_hash").get<uint64_t>();
      l.wall_seconds = get(lj, "wall_seconds").get<double>();
      l.instructions = get(lj, "instructions").get<int64_t>();
      l.counters = get(lj, "counters").get<std::map<std::string, int64_t>>();
      l.info = get(lj, "info").get<std::map<std::string, std::string>>();
      if (lj.contains("layer_cycles"))  // absent in results written before whole-network runs
        for (const auto& pj : get(lj, "layer_cycles"))
          l.layer_cycles.push_back({get(pj, "layer").get<std::string>(), get(pj, "cycles").get<int64_t>()});
      r.layers.push_back(std::move(l));
    }
    if (j.count("skipped_operators")) {  // absent in results written before ONNX workloads
      for (const auto& sj : get(j, "skipped_operators"))
        r.skipped_operators.push_back({get(sj, "node").get<std::string>(), get(sj, "op_type").get<std::string>()});
    }
    return r;
  } catch (const json::exception& e) {
    throw InputError(SourceLoc{source, 0, field}, std::string("bad or missing value: ") + e.what());
  }
}

}  // namespace acv
