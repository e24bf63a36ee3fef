#include "accel_config.h"

#include <cstdlib>

#include "yaml_util.h"

namespace acv {

namespace {

std::string file_stem(const std::string& path) {
  const auto slash = path.find_last_of('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  const auto dot = base.find_last_of('.');
  return dot == std::string::npos ? base : base.substr(0, dot);
}

bool parse_int(const std::string& s, int64_t* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 0);
  if (*end != '\0') return false;
  *out = v;
  return true;
}

}  // namespace

[[noreturn]] void AccelConfig::fail(const std::string& key, const std::string& reason) const {
  const auto it = params.find(key);
  if (it != params.end()) throw InputError(it->second.loc, reason);
  throw InputError(SourceLoc{file, 0, "params." + key}, reason);
}

int64_t AccelConfig::get_int(const std::string& key) const {
  const auto it = params.find(key);
  if (it == params.end()) fail(key, "missing required parameter");
  int64_t v = 0;
  if (!parse_int(it->second.text, &v)) fail(key, "expected an integer, got '" + it->second.text + "'");
  return v;
}

int64_t AccelConfig::get_positive_int(const std::string& key) const {
  const int64_t v = get_int(key);
  if (v <= 0) fail(key, "must be positive, got " + std::to_string(v));
  return v;
}

int64_t AccelConfig::get_int_in(const std::string& key, int64_t lo, int64_t hi, const std::string& why) const {
  const int64_t v = get_int(key);
  if (v < lo || v > hi)
    fail(key, "must be " + std::to_string(lo) + ".." + std::to_string(hi) + " (" + why + "), got " + std::to_string(v));
  return v;
}

std::string AccelConfig::get_choice(const std::string& key, const std::vector<std::string>& allowed) const {
  const auto it = params.find(key);
  if (it == params.end()) fail(key, "missing required parameter");
  std::string list;
  for (const auto& a : allowed) {
    if (a == it->second.text) return a;
    list += (list.empty() ? "" : ", ") + a;
  }
  fail(key, "'" + it->second.text + "' is not one of: " + list);
}

void AccelConfig::check_keys(const std::vector<std::string>& allowed) const {
  for (const auto& kv : params) {
    bool known = false;
    for (const auto& a : allowed) known = known || a == kv.first;
    if (!known) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      throw InputError(kv.second.loc, "unknown parameter for " + accelerator + " (expected one of: " + list + ")");
    }
  }
}

std::map<std::string, double> AccelConfig::numeric_params() const {
  std::map<std::string, double> out;
  for (const auto& kv : params) {
    int64_t v = 0;
    if (parse_int(kv.second.text, &v)) out[kv.first] = static_cast<double>(v);
  }
  out["dram_latency"] = static_cast<double>(dram.latency);
  out["dram_bytes_per_cycle"] = static_cast<double>(dram.bytes_per_cycle);
  out["dram_max_outstanding"] = static_cast<double>(dram.max_outstanding);
  return out;
}

std::map<std::string, ParamValue> AccelConfig::param_values() const {
  std::map<std::string, ParamValue> out;
  for (const auto& kv : params) {
    ParamValue& v = out[kv.first];
    v.text = kv.second.text;
    v.is_integer = parse_int(v.text, &v.integer);
  }
  for (const auto& [key, value] : {std::pair<const char*, int64_t>{"dram_latency", dram.latency},
                                   {"dram_bytes_per_cycle", dram.bytes_per_cycle},
                                   {"dram_max_outstanding", dram.max_outstanding}}) {
    out[key] = ParamValue{true, value, std::to_string(value)};
  }
  return out;
}

AccelConfig load_accel_config(const std::string& path) {
  const YamlNode root = YamlNode::load_file(path);
  root.require_map();
  root.check_keys({"accelerator", "name", "params", "dram", "description", "regression_model"});
  AccelConfig cfg;
  cfg.file = path;
  cfg.accelerator = root["accelerator"].as_string();
  cfg.name = root.get_string("name", file_stem(path));
  const auto slash = path.find_last_of('/');
  auto relative_to_config = [&](const std::string& p) {
    return (p.empty() || p[0] == '/' || slash == std::string::npos) ? p : path.substr(0, slash + 1) + p;
  };
  if (root.has("description")) cfg.description = relative_to_config(root["description"].as_string());
  if (root.has("regression_model")) cfg.regression_model = relative_to_config(root["regression_model"].as_string());
  if (root.has("params")) {
    const YamlNode params = root["params"];
    params.require_map();
    for (const auto& key : params.keys()) {
      const YamlNode v = params[key];
      cfg.params[key] = ConfigValue{v.as_string(), v.loc()};
    }
  }
  if (root.has("dram")) {
    const YamlNode d = root["dram"];
    d.check_keys({"latency", "bytes_per_cycle", "max_outstanding"});
    cfg.dram.latency = d.has("latency") ? d["latency"].as_int() : cfg.dram.latency;
    if (cfg.dram.latency < 1) d["latency"].fail("must be at least 1 cycle");
    if (d.has("bytes_per_cycle")) cfg.dram.bytes_per_cycle = d["bytes_per_cycle"].as_positive_int();
    if (d.has("max_outstanding")) cfg.dram.max_outstanding = d["max_outstanding"].as_positive_int();
  }
  return cfg;
}

}  // namespace acv
