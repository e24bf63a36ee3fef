// Parser and validator of architecture descriptions (format: docs/arch-description.md).
#include "arch_description.h"

#include <algorithm>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "models/common/input_file.h"
#include "models/common/yaml_util.h"

namespace acv {

int ArchDescription::find_class(const std::string& opcode) const {
  for (std::size_t i = 0; i < classes.size(); ++i)
    if (classes[i].name == opcode) return static_cast<int>(i);
  return -1;
}

int ArchDescription::find_param(const std::string& param) const {
  for (std::size_t i = 0; i < params.size(); ++i)
    if (params[i].name == param) return static_cast<int>(i);
  return -1;
}

const UnknownSpec* ArchDescription::find_unknown(const std::string& param) const {
  for (const auto& u : unknowns)
    if (u.name == param) return &u;
  return nullptr;
}

std::shared_ptr<const ArchDescription> with_param_values(const ArchDescription& desc,
                                                         const std::vector<std::pair<int, int64_t>>& values) {
  auto d = std::make_shared<ArchDescription>(desc);
  for (const auto& v : values) d->params.at(static_cast<std::size_t>(v.first)).value = Expression::constant(v.second);
  return d;
}

namespace {

class DescriptionParser {
 public:
  explicit DescriptionParser(ArchDescription* d) : d_(d) {}

  void parse(const YamlNode& root) {
    root.require_map();
    root.check_keys({"name", "params", "stages", "queues", "units", "storage", "memory", "instructions",
                     "roofline", "unknowns"});
    d_->name = root.get_string("name", "");
    if (root.has("params")) parse_params(root["params"]);
    if (root.has("unknowns")) parse_unknowns(root["unknowns"]);
    // Names first, so `from:` may point forwards.
    declare_objects(root, "stages", ObjectKind::Stage);
    declare_objects(root, "queues", ObjectKind::Queue);
    declare_objects(root, "units", ObjectKind::Unit);
    if (!root.has("units")) root.fail("a description needs at least one unit under 'units'");
    for (auto& o : pending_) parse_object(o.first, o.second);
    check_acyclic();
    if (root.has("storage")) {
      const YamlNode s = root["storage"];
      s.require_map();
      for (const auto& key : s.keys()) parse_storage(key, s[key]);
    }
    if (root.has("memory")) {
      const YamlNode m = root["memory"];
      m.require_map();
      for (const auto& key : m.keys()) parse_memory(key, m[key]);
    }
    const YamlNode instr = root["instructions"];
    instr.require_map();
    if (instr.size() == 0) instr.fail("no instruction classes");
    for (const auto& key : instr.keys()) parse_class(key, instr[key]);
    for (const auto& c : d_->classes)
      for (const auto& cf : c.carried)
        if (d_->find_class(cf.source) < 0)
          throw InputError(cf.loc, "carried field '" + cf.name + "': unknown instruction class '" + cf.source + "'");
    if (root.has("roofline")) {
      const YamlNode r = root["roofline"];
      r.check_keys({"macs_per_cycle"});
      d_->peak_macs_per_cycle = param_expr(r["macs_per_cycle"]);
      require_positive_if_constant(d_->peak_macs_per_cycle, r["macs_per_cycle"]);
    }
  }

 private:
  // --- expressions -------------------------------------------------------------------------
  std::string scalar_text(const YamlNode& n) const {
    if (!n.is_scalar()) n.fail("expected an expression");
    return n.as_string();
  }
  bool find_param(const std::string& name, VarRef* out) const {
    for (std::size_t i = 0; i < d_->params.size(); ++i)
      if (d_->params[i].name == name) {
        *out = VarRef{VarKind::Param, static_cast<int>(i)};
        return true;
      }
    return false;
  }
  Expression param_expr(const YamlNode& n) const {
    return Expression::compile(scalar_text(n), n.loc(),
                               [this](const std::string& name, VarRef* out) { return find_param(name, out); });
  }
  Expression param_expr_or(const YamlNode& parent, const std::string& key, int64_t fallback) const {
    return parent.has(key) ? param_expr(parent[key]) : Expression::constant(fallback);
  }
  Expression field_expr(const YamlNode& n, const std::vector<std::string>& fields, bool allow_mem_done) const {
    return field_expr_text(scalar_text(n), n.loc(), fields, allow_mem_done);
  }
  Expression field_expr_text(const std::string& text, const SourceLoc& loc, const std::vector<std::string>& fields,
                             bool allow_mem_done) const {
    return Expression::compile(text, loc, [&](const std::string& name, VarRef* out) {
      for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i] == name) {
          *out = VarRef{VarKind::Field, static_cast<int>(i)};
          return true;
        }
      if (allow_mem_done && name == "mem_done") {
        *out = VarRef{VarKind::Special, kMemDone};
        return true;
      }
      if (allow_mem_done && name == "mem_issued") {
        *out = VarRef{VarKind::Special, kMemIssued};
        return true;
      }
      return find_param(name, out);
    });
  }
  static void require_positive_if_constant(const Expression& e, const YamlNode& n) {
    if (e.is_constant() && e.eval(EvalContext{}) <= 0) n.fail("must be positive");
  }

  void parse_params(const YamlNode& p) {
    p.require_map();
    for (const auto& key : p.keys()) {
      const YamlNode n = p[key];
      for (const auto& prev : d_->params)
        if (prev.name == key) n.fail("parameter defined twice");
      const std::string text = scalar_text(n);
      Expression e = Expression::compile(text, n.loc(), [&](const std::string& name, VarRef* out) {
        if (find_param(name, out)) return true;
        for (std::size_t i = 0; i < d_->config_refs.size(); ++i)
          if (d_->config_refs[i] == name) {
            *out = VarRef{VarKind::Config, static_cast<int>(i)};
            return true;
          }
        d_->config_refs.push_back(name);
        d_->config_ref_locs.push_back(n.loc());
        *out = VarRef{VarKind::Config, static_cast<int>(d_->config_refs.size() - 1)};
        return true;
      });
      d_->params.push_back(ParamSpec{key, std::move(e), n.loc()});
    }
  }

  // `unknowns: {NAME: {min, max} | {values: [...]}}`, each NAME a params entry.
  void parse_unknowns(const YamlNode& u) {
    u.require_map();
    for (const auto& key : u.keys()) {
      const YamlNode n = u[key];
      n.require_map();
      n.check_keys({"min", "max", "values"});
      UnknownSpec x;
      x.name = key;
      x.loc = n.loc();
      x.param = d_->find_param(key);
      if (x.param < 0) n.fail("no params entry named '" + key + "' (an unknown gives the search domain of a param)");
      if (d_->find_unknown(key)) n.fail("unknown given twice");
      if (n.has("values")) {
        if (n.has("min") || n.has("max")) n.fail("give either min and max or values, not both");
        const YamlNode v = n["values"];
        v.require_sequence();
        if (v.size() == 0) v.fail("needs at least one value");
        std::set<int64_t> set;
        for (std::size_t i = 0; i < v.size(); ++i) set.insert(v.at(i).as_int());
        x.values.assign(set.begin(), set.end());
      } else {
        if (!n.has("min") || !n.has("max")) n.fail("needs min and max (or values)");
        x.min = n["min"].as_int();
        x.max = n["max"].as_int();
        if (x.min > x.max) n["max"].fail("is below min (" + std::to_string(x.min) + ")");
      }
      d_->unknowns.push_back(std::move(x));
    }
  }

  // --- pipeline objects ---------------------------------------------------------------------
  int find_object(const std::string& name) const {
    for (std::size_t i = 0; i < d_->objects.size(); ++i)
      if (d_->objects[i].name == name) return static_cast<int>(i);
    return -1;
  }
  void declare_objects(const YamlNode& root, const std::string& section, ObjectKind kind) {
    if (!root.has(section)) return;
    const YamlNode s = root[section];
    s.require_map();
    for (const auto& key : s.keys()) {
      const YamlNode n = s[key];
      if (find_object(key) >= 0) n.fail("name '" + key + "' used twice (stages, queues and units share names)");
      PipelineObjectSpec o;
      o.name = key;
      o.kind = kind;
      o.loc = n.loc();
      d_->objects.push_back(std::move(o));
      pending_.emplace_back(static_cast<int>(d_->objects.size()) - 1, n);
    }
  }
  void parse_object(int index, const YamlNode& n) {
    PipelineObjectSpec& o = d_->objects[static_cast<std::size_t>(index)];
    if (!n.is_map()) {
      if (n.is_scalar() && n.as_string().empty()) return;
      n.require_map();
    }
    if (o.kind == ObjectKind::Stage) n.check_keys({"from", "latency", "ii"});
    if (o.kind == ObjectKind::Queue) n.check_keys({"from", "capacity", "latency", "release", "release_delay"});
    if (o.kind == ObjectKind::Unit) n.check_keys({"from", "latency", "ii", "instances", "in_order", "pipelined"});
    if (n.has("from")) {
      const std::string from = n["from"].as_string();
      o.from = find_object(from);
      if (o.from < 0) n["from"].fail("unknown stage, queue or unit '" + from + "'");
      if (o.from == index) n["from"].fail("an object cannot feed itself (cyclic pipeline)");
    }
    o.latency = param_expr_or(n, "latency", o.kind == ObjectKind::Queue ? 0 : 1);
    if (o.kind == ObjectKind::Queue) {
      o.capacity = n.has("capacity") ? param_expr(n["capacity"]) : Expression();
      if (o.capacity.empty()) n.fail("a queue needs 'capacity'");
      require_positive_if_constant(o.capacity, n["capacity"]);
      if (o.from < 0) n.fail("a queue needs 'from' (the stage or unit that pushes into it)");
    }
    if (n.has("release")) {
      const std::string r = n["release"].as_string();
      if (r != "start" && r != "end") n["release"].fail("expected 'start' or 'end'");
      o.release_at_end = r == "end";
    }
    o.release_delay = param_expr_or(n, "release_delay", 0);
    if (n.has("ii")) o.ii = param_expr(n["ii"]);
    else if (o.kind == ObjectKind::Stage) o.ii = Expression::constant(1);
    if (n.has("pipelined") && n["pipelined"].as_bool() && o.ii.empty()) o.ii = Expression::constant(1);
    if (!o.ii.empty() && n.has("ii")) require_positive_if_constant(o.ii, n["ii"]);
    o.instances = param_expr_or(n, "instances", 1);
    if (n.has("instances")) require_positive_if_constant(o.instances, n["instances"]);
    o.in_order = n.has("in_order") ? n["in_order"].as_bool() : true;
  }
  void check_acyclic() const {
    for (std::size_t i = 0; i < d_->objects.size(); ++i) {
      std::set<int> seen;
      std::string chain = d_->objects[i].name;
      for (int x = static_cast<int>(i); x >= 0; x = d_->objects[static_cast<std::size_t>(x)].from) {
        if (!seen.insert(x).second)
          throw InputError(d_->objects[i].loc, "cyclic pipeline: " + chain);
        if (x != static_cast<int>(i)) chain += " <- " + d_->objects[static_cast<std::size_t>(x)].name;
      }
    }
  }

  // --- storage and memory -------------------------------------------------------------------
  int find_storage(const std::string& name) const {
    for (std::size_t i = 0; i < d_->storages.size(); ++i)
      if (d_->storages[i].name == name) return static_cast<int>(i);
    return -1;
  }
  int find_memory(const std::string& name) const {
    for (std::size_t i = 0; i < d_->memories.size(); ++i)
      if (d_->memories[i].name == name) return static_cast<int>(i);
    return -1;
  }
  void parse_storage(const std::string& key, const YamlNode& n) {
    n.check_keys({"locations", "latency", "banks", "read_ports", "write_ports", "width", "hazards"});
    if (find_storage(key) >= 0) n.fail("storage defined twice");
    StorageSpec s;
    s.name = key;
    s.loc = n.loc();
    s.locations = param_expr_or(n, "locations", 1);
    s.latency = param_expr_or(n, "latency", 0);
    s.banks = param_expr_or(n, "banks", 1);
    if (n.has("banks")) require_positive_if_constant(s.banks, n["banks"]);
    s.read_ports = param_expr_or(n, "read_ports", 1);
    s.write_ports = param_expr_or(n, "write_ports", 1);
    if (n.has("read_ports")) require_positive_if_constant(s.read_ports, n["read_ports"]);
    if (n.has("write_ports")) require_positive_if_constant(s.write_ports, n["write_ports"]);
    s.width = param_expr_or(n, "width", 1);
    if (n.has("hazards")) {
      const YamlNode h = n["hazards"];
      h.require_sequence();
      s.raw = s.war = s.waw = false;
      for (std::size_t i = 0; i < h.size(); ++i) {
        const std::string k = h.at(i).as_string();
        if (k == "raw") s.raw = true;
        else if (k == "war") s.war = true;
        else if (k == "waw") s.waw = true;
        else h.at(i).fail("unknown hazard '" + k + "' (expected raw, war, waw)");
      }
    }
    d_->storages.push_back(std::move(s));
  }
  void parse_memory(const std::string& key, const YamlNode& n) {
    n.check_keys({"latency", "bytes_per_cycle", "max_outstanding", "request_interval", "ports", "release_delay", "lookahead",
                  "priority"});
    if (find_memory(key) >= 0) n.fail("memory defined twice");
    MemorySpec m;
    m.name = key;
    m.loc = n.loc();
    m.latency = param_expr(n["latency"]);
    m.bytes_per_cycle = param_expr(n["bytes_per_cycle"]);
    if (m.bytes_per_cycle.is_constant() && m.bytes_per_cycle.eval(EvalContext{}) <= 0)
      n["bytes_per_cycle"].fail("zero or negative bandwidth");
    m.max_outstanding = param_expr_or(n, "max_outstanding", 1);
    if (n.has("max_outstanding")) require_positive_if_constant(m.max_outstanding, n["max_outstanding"]);
    m.request_interval = param_expr_or(n, "request_interval", 1);
    m.ports = param_expr_or(n, "ports", 1);
    if (n.has("ports")) require_positive_if_constant(m.ports, n["ports"]);
    m.release_delay = param_expr_or(n, "release_delay", 0);
    m.lookahead = param_expr_or(n, "lookahead", 0);
    if (n.has("priority")) {
      const YamlNode p = n["priority"];
      p.require_sequence();
      for (std::size_t i = 0; i < p.size(); ++i) {
        const std::string u = p.at(i).as_string();
        const int o = find_object(u);
        if (o < 0 || d_->objects[static_cast<std::size_t>(o)].kind != ObjectKind::Unit)
          p.at(i).fail("'" + u + "' is not a unit");
        if (std::find(m.priority.begin(), m.priority.end(), o) != m.priority.end())
          p.at(i).fail("unit '" + u + "' listed twice");
        m.priority.push_back(o);
      }
    }
    d_->memories.push_back(std::move(m));
  }

  // --- instruction classes ------------------------------------------------------------------
  // "name", "name[index]", "name[index, count]", each optionally followed by "if condition".
  AccessSpec parse_access(const YamlNode& n, const std::vector<std::string>& fields) const {
    AccessSpec a;
    a.loc = n.loc();
    if (n.is_map()) {
      n.check_keys({"storage", "index", "count", "when", "cycles", "at"});
      const std::string name = n["storage"].as_string();
      a.storage = find_storage(name);
      if (a.storage < 0) n["storage"].fail("unknown storage '" + name + "'");
      a.index = n.has("index") ? field_expr(n["index"], fields, false) : Expression::constant(0);
      a.count = n.has("count") ? field_expr(n["count"], fields, false) : Expression::constant(1);
      if (n.has("when")) a.when = field_expr(n["when"], fields, false);
      a.cycles = n.has("cycles") ? field_expr(n["cycles"], fields, false) : Expression::constant(0);
      if (n.has("at")) {
        const std::string at = n["at"].as_string();
        if (at != "end" && at != "free") n["at"].fail("expected 'end' or 'free'");
        a.at_free = at == "free";
      }
      return a;
    }
    const std::string text = n.as_string();
    std::size_t p = 0;
    while (p < text.size() && (std::isalnum(static_cast<unsigned char>(text[p])) || text[p] == '_')) ++p;
    const std::string name = text.substr(0, p);
    if (name.empty()) n.fail("expected 'storage', 'storage[index]' or 'storage[index, count]'");
    a.storage = find_storage(name);
    if (a.storage < 0) n.fail("unknown storage '" + name + "'");
    while (p < text.size() && text[p] == ' ') ++p;
    a.index = Expression::constant(0);
    a.count = Expression::constant(1);
    a.cycles = Expression::constant(0);
    if (p < text.size() && text[p] == '[') {
      int depth = 0;
      std::size_t comma = std::string::npos, close = std::string::npos;
      for (std::size_t i = p; i < text.size(); ++i) {
        if (text[i] == '[' || text[i] == '(') ++depth;
        if (text[i] == ']' || text[i] == ')') --depth;
        if (depth == 1 && text[i] == ',' && comma == std::string::npos) comma = i;
        if (depth == 0) {
          close = i;
          break;
        }
      }
      if (close == std::string::npos) n.fail("missing ']'");
      const std::size_t idx_end = comma == std::string::npos ? close : comma;
      a.index = field_expr_text(text.substr(p + 1, idx_end - p - 1), a.loc, fields, false);
      if (comma != std::string::npos) a.count = field_expr_text(text.substr(comma + 1, close - comma - 1), a.loc, fields, false);
      p = close + 1;
    }
    while (p < text.size() && text[p] == ' ') ++p;
    if (p < text.size()) {
      if (text.compare(p, 3, "if ") != 0) n.fail("expected 'if condition' after the storage");
      a.when = field_expr_text(text.substr(p + 3), a.loc, fields, false);
    }
    return a;
  }
  std::vector<AccessSpec> parse_accesses(const YamlNode& n, const std::vector<std::string>& fields) const {
    std::vector<AccessSpec> out;
    if (n.is_scalar()) {
      out.push_back(parse_access(n, fields));
      return out;
    }
    n.require_sequence();
    for (std::size_t i = 0; i < n.size(); ++i) out.push_back(parse_access(n.at(i), fields));
    return out;
  }
  // `fields`: the class's fields then its carried fields; `own`: the class's fields only (what totals
  // over a Program, which do not follow program order, may read: memory traffic and its step's `when`).
  StepSpec parse_step(const YamlNode& n, const std::vector<std::string>& fields, const std::vector<std::string>& own,
                      int prev_unit) const {
    StepSpec s;
    s.loc = n.loc();
    if (!n.has("unit")) n.fail("instruction step with no unit");
    const std::string unit = n["unit"].as_string();
    s.unit = find_object(unit);
    if (s.unit < 0) n["unit"].fail("unknown unit '" + unit + "'");
    if (d_->objects[static_cast<std::size_t>(s.unit)].kind != ObjectKind::Unit)
      n["unit"].fail("'" + unit + "' is a stage or queue, not a unit");
    if (s.unit != prev_unit)
      for (int x = d_->objects[static_cast<std::size_t>(s.unit)].from; x >= 0 && x != prev_unit;
           x = d_->objects[static_cast<std::size_t>(x)].from)
        s.path.insert(s.path.begin(), x);
    if (n.has("memory")) {
      const YamlNode m = n["memory"];
      m.check_keys({"interface", "requests", "bytes", "start", "interval"});
      s.has_memory = true;
      s.memory.loc = m.loc();
      if (d_->memories.empty()) m.fail("no 'memory' interface is described");
      if (m.has("interface")) {
        const std::string name = m["interface"].as_string();
        s.memory.memory = find_memory(name);
        if (s.memory.memory < 0) m["interface"].fail("unknown memory interface '" + name + "'");
      } else {
        if (d_->memories.size() != 1) m.fail("several memory interfaces: name one with 'interface'");
        s.memory.memory = 0;
      }
      s.memory.requests = m.has("requests") ? field_expr(m["requests"], own, false) : Expression::constant(1);
      s.memory.bytes = field_expr(m["bytes"], own, false);
      s.memory.start = m.has("start") ? field_expr(m["start"], fields, false) : Expression::constant(0);
      if (m.has("interval")) s.memory.interval = field_expr(m["interval"], fields, false);
    }
    if (n.has("hold")) {
      const std::string held = n["hold"].as_string();
      s.hold = find_object(held);
      if (s.hold < 0) n["hold"].fail("unknown unit '" + held + "'");
      if (d_->objects[static_cast<std::size_t>(s.hold)].kind != ObjectKind::Unit)
        n["hold"].fail("'" + held + "' is a stage or queue, not a unit");
      if (s.hold == s.unit) n["hold"].fail("a step cannot hold its own unit '" + held + "'");
    }
    if (n.has("when")) s.when = field_expr(n["when"], s.has_memory ? own : fields, false);
    if (n.has("latency")) s.latency = field_expr(n["latency"], fields, s.has_memory);
    if (n.has("ii")) s.ii = field_expr(n["ii"], fields, s.has_memory);
    if (n.has("reads")) s.reads = parse_accesses(n["reads"], fields);
    for (const auto& r : s.reads)
      if (r.at_free) throw InputError(r.loc, "at: only writes can take effect when the unit became free");
    if (n.has("writes")) s.writes = parse_accesses(n["writes"], fields);
    return s;
  }
  void parse_class(const std::string& key, const YamlNode& n) {
    if (d_->find_class(key) >= 0) n.fail("instruction class defined twice");
    if (!n.is_map()) n.fail("instruction class '" + key + "' with no unit");
    InstructionClassSpec c;
    c.name = key;
    c.loc = n.loc();
    if (n.has("fields")) {
      const YamlNode f = n["fields"];
      f.require_sequence();
      for (std::size_t i = 0; i < f.size(); ++i) {
        const std::string name = f.at(i).as_string();
        for (const auto& prev : c.fields)
          if (prev == name) f.at(i).fail("field '" + name + "' listed twice");
        c.fields.push_back(name);
      }
    }
    // carried: {name: "class.field", ...} — decoder registers set by an earlier instruction.
    std::vector<std::string> names = c.fields;
    if (n.has("carried")) {
      const YamlNode cf = n["carried"];
      cf.require_map();
      for (const auto& name : cf.keys()) {
        const YamlNode v = cf[name];
        for (const auto& prev : names)
          if (prev == name) v.fail("carried field '" + name + "' has the name of a field or carried field");
        const std::string text = v.as_string();
        const std::size_t dot = text.find('.');
        if (dot == std::string::npos || dot == 0 || dot + 1 == text.size() || text.find('.', dot + 1) != std::string::npos)
          v.fail("expected 'class.field' (the instruction class and the field whose latest value is carried)");
        c.carried.push_back(CarriedFieldSpec{name, text.substr(0, dot), text.substr(dot + 1), v.loc()});
        names.push_back(name);
      }
    }
    const std::vector<std::string> step_keys = {"unit", "when", "latency", "ii", "hold", "reads", "writes", "memory"};
    if (n.has("steps")) {
      std::vector<std::string> allowed = {"fields", "carried", "steps", "macs"};
      n.check_keys(allowed);
      const YamlNode steps = n["steps"];
      steps.require_sequence();
      if (steps.size() == 0) steps.fail("instruction with no steps");
      int prev = -1;
      for (std::size_t i = 0; i < steps.size(); ++i) {
        steps.at(i).require_map();
        steps.at(i).check_keys(step_keys);
        c.steps.push_back(parse_step(steps.at(i), names, c.fields, prev));
        prev = c.steps.back().unit;
      }
    } else {
      std::vector<std::string> allowed = step_keys;
      allowed.push_back("fields");
      allowed.push_back("carried");
      allowed.push_back("macs");
      n.check_keys(allowed);
      if (!n.has("unit")) n.fail("instruction '" + key + "' with no unit (give 'unit' or 'steps')");
      c.steps.push_back(parse_step(n, names, c.fields, -1));
    }
    c.macs = n.has("macs") ? field_expr(n["macs"], c.fields, false) : Expression::constant(0);
    d_->classes.push_back(std::move(c));
  }

  ArchDescription* d_;
  std::vector<std::pair<int, YamlNode>> pending_;
};

}  // namespace

std::shared_ptr<const ArchDescription> parse_arch_description(const std::string& text, const std::string& file) {
  auto d = std::make_shared<ArchDescription>();
  d->file = file;
  try {
    const YamlNode root = YamlNode::load_string(text, file);
    DescriptionParser(d.get()).parse(root);
  } catch (const YAML::Exception& e) {  // conversions inside yaml-cpp on odd input
    throw InputError(SourceLoc{file, e.mark.line + 1, ""}, "YAML error: " + e.msg);
  }
  return d;
}

std::shared_ptr<const ArchDescription> load_arch_description(const std::string& file) {
  return parse_arch_description(read_input_file(file), file);
}

std::shared_ptr<const ArchDescription> cached_arch_description(const std::string& file) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const ArchDescription>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(file);
  if (it != cache.end()) return it->second;
  auto d = load_arch_description(file);
  cache[file] = d;
  return d;
}

}  // namespace acv
