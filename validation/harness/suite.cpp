// Parsing suite files and expanding them into cases.
#include "validation/harness/suite.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "models/common/accel_config.h"
#include "models/common/accelerator.h"
#include "models/common/input_file.h"
#include "models/common/layer.h"
#include "models/common/workload_reader.h"
#include "models/common/yaml_util.h"
#include "validation/backends/backend.h"
#include "validation/harness/content_hash.h"

namespace acv {

namespace {

std::string resolve(const std::string& base_file, const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  const auto slash = base_file.find_last_of('/');
  return slash == std::string::npos ? path : base_file.substr(0, slash + 1) + path;
}

std::string stem(const std::string& path) {
  const auto slash = path.find_last_of('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  const auto dot = base.find_last_of('.');
  return dot == std::string::npos ? base : base.substr(0, dot);
}

double read_limit(const YamlNode& node, const std::string& key, double minimum) {
  const YamlNode v = node[key];
  const double x = v.as_double();
  if (!(x >= minimum)) v.fail("must be at least " + std::to_string(minimum));
  return x;
}

Thresholds parse_thresholds(const YamlNode& node) {
  node.require_map();
  node.check_keys({"mape", "max_error", "min_speedup"});
  Thresholds t;
  if (node.has("mape")) t.mape_pct = read_limit(node, "mape", 0.0);
  if (node.has("max_error")) t.max_error_pct = read_limit(node, "max_error", 0.0);
  if (node.has("min_speedup")) t.min_speedup = read_limit(node, "min_speedup", 0.0);
  return t;
}

View parse_view(const YamlNode& node) {
  View v;
  v.loc = node.loc();
  if (node.is_scalar()) {  // "- estimator" is short for "- name: estimator"
    v.name = v.backend = node.as_string();
    v.backend_loc = node.loc();
    return v;
  }
  node.require_map();
  node.check_keys({"name", "backend", "options", "thresholds"});
  v.name = node["name"].as_string();
  v.backend = node.get_string("backend", v.name);
  v.backend_loc = node.has("backend") ? node.loc_of("backend") : node.loc_of("name");
  if (node.has("options")) {
    const YamlNode opts = node["options"];
    opts.require_map();
    for (const auto& key : opts.keys()) {
      if (key == "json" || key == "layer" || key == "config" || key == "workload" || key == "backend" ||
          key == "accel")
        throw InputError(opts.loc_of(key), "set by the harness for every case, not an option");
      v.options[key] = opts[key].as_string();
      v.option_locs[key] = opts.loc_of(key);
    }
  }
  if (node.has("thresholds")) v.thresholds = parse_thresholds(node["thresholds"]);
  return v;
}

WorkloadSelection parse_workload(const YamlNode& node, const std::string& suite_file) {
  WorkloadSelection w;
  w.loc = node.loc();
  if (node.is_scalar()) {
    w.file = resolve(suite_file, node.as_string());
    return w;
  }
  node.require_map();
  node.check_keys({"file", "layers", "max_layers", "max_macs", "budget"});
  w.file = resolve(suite_file, node["file"].as_string());
  if (node.has("layers")) {
    const YamlNode layers = node["layers"];
    layers.require_sequence();
    for (std::size_t i = 0; i < layers.size(); ++i) w.layers.push_back(layers.at(i).as_string());
  }
  if (node.has("max_layers")) w.max_layers = node["max_layers"].as_positive_int();
  if (node.has("max_macs")) w.max_macs = node["max_macs"].as_positive_int();
  if (node.has("budget")) {
    const YamlNode b = node["budget"];
    b.require_map();
    b.check_keys({"cycles", "note"});
    w.budget = Budget{b["cycles"].as_positive_int(), b.has("note") ? b["note"].as_string() : ""};
  }
  return w;
}

}  // namespace

std::string shape_text(const Layer& l) {
  std::ostringstream s;
  s << to_string(l.kind) << " in=" << l.in_c << "x" << l.in_h << "x" << l.in_w << " out_c=" << l.out_c
    << " k=" << l.kh << "x" << l.kw << " stride=" << l.stride_h << "x" << l.stride_w << " pad=" << l.pad_h << "x"
    << l.pad_w << " groups=" << l.groups << " mnk=" << l.m << "x" << l.n << "x" << l.k;
  return s.str();
}

std::string View::options_key() const {
  std::string out;
  for (const auto& kv : options) out += (out.empty() ? "" : ",") + kv.first + "=" + kv.second;
  return out;
}

const View* Suite::find_view(const std::string& view_name) const {
  for (const auto& v : views)
    if (v.name == view_name) return &v;
  return nullptr;
}

Suite parse_suite(const std::string& text, const std::string& file) {
  const YamlNode root = YamlNode::load_string(text, file);
  root.require_map();
  root.check_keys({"suite", "description", "signoff", "reference", "configs", "workloads", "backends"});
  Suite s;
  s.file = file;
  s.name = root.get_string("suite", stem(file));
  if (root.has("signoff")) s.signoff = root["signoff"].as_bool();
  s.reference = root.get_string("reference", "rtl");

  const YamlNode configs = root["configs"];
  configs.require_sequence();
  if (configs.size() == 0) configs.fail("lists no accelerator configs");
  for (std::size_t i = 0; i < configs.size(); ++i) s.configs.push_back(resolve(file, configs.at(i).as_string()));

  const YamlNode workloads = root["workloads"];
  workloads.require_sequence();
  if (workloads.size() == 0) workloads.fail("lists no workloads");
  for (std::size_t i = 0; i < workloads.size(); ++i) s.workloads.push_back(parse_workload(workloads.at(i), file));

  const YamlNode backends = root["backends"];
  backends.require_sequence();
  std::set<std::string> names;
  for (std::size_t i = 0; i < backends.size(); ++i) {
    View v = parse_view(backends.at(i));
    if (!names.insert(v.name).second) backends.at(i).fail("duplicate backend view name '" + v.name + "'");
    s.views.push_back(std::move(v));
  }
  if (!s.find_view(s.reference)) {
    const YamlNode where = root.has("reference") ? root["reference"] : backends;
    where.fail("reference view '" + s.reference + "' is not among the suite's backends");
  }
  if (s.find_view(s.reference)->thresholds.any())
    throw InputError(s.find_view(s.reference)->loc, "the reference view cannot have thresholds");
  return s;
}

Suite load_suite(const std::string& path) { return parse_suite(read_input_file(path), path); }

void check_views(const Suite& suite, const std::vector<std::string>& known_backends) {
  std::string known;
  for (const auto& n : known_backends) known += (known.empty() ? "" : ", ") + n;
  for (const auto& v : suite.views) {
    if (std::find(known_backends.begin(), known_backends.end(), v.backend) == known_backends.end()) {
      SourceLoc at = v.backend_loc;
      at.field = "backend";
      throw InputError(at, "unknown backend '" + v.backend + "' (known: " + known + ")");
    }
    const std::unique_ptr<Backend> backend = BackendRegistry::create(v.backend);
    for (const auto& kv : v.options) {
      const auto loc_it = v.option_locs.find(kv.first);
      SourceLoc at = loc_it == v.option_locs.end() ? v.loc : loc_it->second;
      at.field = "options." + kv.first;
      const auto& specific = backend_specific_options();
      if (kv.first != "seed" && std::find(specific.begin(), specific.end(), kv.first) == specific.end()) {
        std::string list = "seed";
        for (const auto& o : specific) list += ", " + o;
        throw InputError(at, "not an option of acv run (known: " + list + ")");
      }
      try {
        check_options_read(v.backend, *backend, {kv.first});
      } catch (const InputError& e) {
        const std::string why = e.what();  // "--option: the ... backend ignores this option (...)"
        throw InputError(at, why.substr(why.find(": ") + 2));
      }
      const std::string& value = kv.second;
      if (kv.first == "full" || kv.first == "explain") {
        if (value != "true")
          throw InputError(at, "a flag: write 'true' or leave the option out, got '" + value + "'");
      } else if (kv.first == "seed" || kv.first == "max-cycles") {
        if (value.empty() || value.size() > 18 || value.find_first_not_of("0123456789") != std::string::npos)
          throw InputError(at, "expected a non-negative integer, got '" + value + "'");
      } else if (kv.first == "tlm-mode") {
        if (value != "lt" && value != "at") throw InputError(at, "expected lt or at, got '" + value + "'");
      } else if (value.empty() || value == "true") {
        throw InputError(at, "expected a value");
      }
    }
  }
}

std::string safe_file_name(const std::string& key) {
  const auto allowed = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_'; };
  std::string out;
  bool lossless = true;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    if (c == '/') {
      out += "__";
    } else if (allowed(c)) {
      out += c;
      // An '_' beside another '_' or a '/' makes runs of '_' that no longer decode one way.
      const auto joins = [&](std::size_t j) { return j < key.size() && (key[j] == '_' || key[j] == '/'); };
      if (c == '_' && (joins(i + 1) || (i > 0 && joins(i - 1)))) lossless = false;
    } else {
      out += '_';
      lossless = false;
    }
  }
  // Lossy names carry a hash of the key after a '+', which lossless names never contain.
  if (!lossless) out += "+" + sha256_hex(key).substr(0, 12);
  return out;
}

void mark_unsupported_layers(std::vector<Case>& cases) {
  std::map<std::string, AccelConfig> configs;
  std::map<std::string, Workload> workloads;
  std::map<std::string, std::string> reason;  // config file + workload file + layer -> skip reason
  for (auto& c : cases) {
    if (c.layer_kind == kNetworkKind) continue;  // a whole network runs or reports its mapping error
    const std::string id = c.config_file + "\n" + c.workload_file + "\n" + c.layer;
    auto it = reason.find(id);
    if (it == reason.end()) {
      if (!configs.count(c.config_file)) configs.emplace(c.config_file, load_accel_config(c.config_file));
      if (!workloads.count(c.workload_file)) workloads.emplace(c.workload_file, load_workload(c.workload_file));
      const AccelConfig& cfg = configs.at(c.config_file);
      const std::unique_ptr<Accelerator> accel = AcceleratorRegistry::create(cfg.accelerator);
      std::string why;
      try {
        accel->check_config(cfg);
        accel->map(workloads.at(c.workload_file).find(c.layer), cfg);
      } catch (const UnsupportedLayer& e) {
        why = e.what();
      } catch (const MappingError&) {
        // a layer that does not fit: its runs report the mapping error as a failure
      }
      it = reason.emplace(id, why).first;
    }
    c.skip_reason = it->second;
  }
}

std::string Case::file_stem() const { return safe_file_name(key); }

namespace {

// A whole-network accelerator: one case per view for the workload, named after it; its shape text
// holds every layer's shape and dataflow (the cache key of the run).
void add_network_cases(const Suite& suite, const AccelConfig& cfg, const WorkloadSelection& sel, const Workload& w,
                       std::set<std::string>* keys, std::vector<Case>* cases) {
  if (!sel.layers.empty() || sel.max_layers > 0)
    throw InputError(sel.loc, "accelerator '" + cfg.accelerator + "' (config " + cfg.name +
                                  ") runs whole networks: 'layers' and 'max_layers' cannot pick layers");
  std::ostringstream shape;
  int64_t macs = 0;
  for (const Layer& l : w.layers) {
    shape << l.name << ": " << shape_text(l) << " input=" << l.input_from << " residual=" << l.residual_from
          << " relu=" << l.relu << "\n";
    macs += l.macs();
  }
  if (sel.max_macs > 0 && macs > sel.max_macs) return;
  for (const auto& view : suite.views) {
    Case c;
    c.index = cases->size();
    c.accelerator = cfg.accelerator;
    c.config_name = cfg.name;
    c.config_file = cfg.file;
    c.workload_name = w.name;
    c.workload_file = w.file;
    c.layer = w.name;
    c.layer_kind = kNetworkKind;
    c.layer_shape = shape.str();
    c.macs = macs;
    c.view = view;
    c.key = cfg.name + "/" + w.name + "/" + w.name + "/" + view.name;
    if (!keys->insert(c.key).second)
      throw InputError(sel.loc, "case '" + c.key + "' appears twice (same config or workload listed twice?)");
    cases->push_back(std::move(c));
  }
}

}  // namespace

std::vector<Case> expand_cases(const Suite& suite) {
  std::vector<Case> cases;
  std::set<std::string> keys;
  std::vector<AccelConfig> configs;
  for (const auto& path : suite.configs) configs.push_back(load_accel_config(path));
  std::vector<Workload> workloads;
  for (const auto& sel : suite.workloads) {
    Workload w = load_workload(sel.file);
    for (const auto& name : sel.layers) w.find(name);  // throws naming the workload's layers
    workloads.push_back(std::move(w));
  }
  for (const auto& cfg : configs) {
    const bool networks = AcceleratorRegistry::create(cfg.accelerator)->runs_networks();
    for (std::size_t wi = 0; wi < workloads.size(); ++wi) {
      const auto& sel = suite.workloads[wi];
      const auto& w = workloads[wi];
      if (networks) {
        add_network_cases(suite, cfg, sel, w, &keys, &cases);
        continue;
      }
      std::vector<const Layer*> layers;
      if (!sel.layers.empty()) {
        for (const auto& name : sel.layers) layers.push_back(&w.find(name));
      } else {
        for (const auto& l : w.layers) layers.push_back(&l);
      }
      std::vector<const Layer*> picked;
      for (const Layer* l : layers) {
        if (sel.max_macs > 0 && l->macs() > sel.max_macs) continue;
        if (sel.max_layers > 0 && static_cast<int64_t>(picked.size()) >= sel.max_layers) break;
        picked.push_back(l);
      }
      for (const Layer* l : picked) {
        for (const auto& view : suite.views) {
          Case c;
          c.index = cases.size();
          c.accelerator = cfg.accelerator;
          c.config_name = cfg.name;
          c.config_file = cfg.file;
          c.workload_name = w.name;
          c.workload_file = w.file;
          c.layer = l->name;
          c.layer_kind = to_string(l->kind);
          c.layer_shape = shape_text(*l);
          c.macs = l->macs();
          c.view = view;
          c.key = cfg.name + "/" + w.name + "/" + l->name + "/" + view.name;
          if (!keys.insert(c.key).second)
            throw InputError(sel.loc, "case '" + c.key + "' appears twice (same config or workload listed twice?)");
          cases.push_back(std::move(c));
        }
      }
    }
  }
  return cases;
}

}  // namespace acv
