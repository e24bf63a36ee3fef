// report.md, cases.csv, summary.json, junit.xml and gnuplot plots of an evaluated campaign.
#include "validation/harness/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <tuple>

#include "models/common/counters.h"
#include "models/common/error.h"
#include "models/common/run_result.h"
#include "validation/harness/process_pool.h"
#include "validation/harness/report_text.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace acv {

namespace {

std::string signed_pct(double v) { return num(v, "%+.2f"); }

std::string speedup_text(double speedup) {
  if (speedup <= 0) return "-";
  return speedup >= 100 ? num(speedup, "%.0fx") : num(speedup, "%.1fx");
}

// Per-layer spread: what a reader needs to judge a speedup measured on a shared machine.
std::string speedup_spread_text(const Aggregate& a) {
  if (a.speedup_max <= 0) return "-";
  return speedup_text(a.speedup_min) + " / " + speedup_text(a.speedup_median) + " / " + speedup_text(a.speedup_max);
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += ' ';
        else out += c;
    }
  }
  return out;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string outputs_text(const Aggregate& a) {
  if (a.outputs_checked == 0) return "-";
  return std::to_string(a.outputs_matched) + "/" + std::to_string(a.outputs_checked);
}

std::string runs_text(const Aggregate& a) {
  std::string s = std::to_string(a.ok) + " ok";
  if (a.skipped) s += ", " + std::to_string(a.skipped) + " skipped";
  if (a.failed) s += ", " + std::to_string(a.failed) + " failed";
  if (a.missing) s += ", " + std::to_string(a.missing) + " missing";
  if (a.absent) s += ", absent";
  return s;
}

Table aggregate_table(const std::vector<Aggregate>& rows, const std::string& reference, bool config, bool workload) {
  std::vector<std::string> header = {"view"};
  if (config) header.push_back("config");
  if (workload) header.push_back("workload");
  for (const char* h : {"runs", "compared", "MAPE %", "max |err| %", "mean err %", "speedup",
                        "per layer min / median / max", "outputs ok"})
    header.push_back(h);
  Table t(header);
  for (const auto& a : rows) {
    std::vector<std::string> r = {a.view};
    if (config) r.push_back(a.config);
    if (workload) r.push_back(a.workload);
    r.push_back(runs_text(a));
    const bool is_ref = a.view == reference;
    r.push_back(is_ref ? "reference" : std::to_string(a.compared));
    r.push_back(a.compared ? num(a.mape_pct) : "-");
    r.push_back(a.compared ? num(a.max_abs_error_pct) : "-");
    r.push_back(a.compared ? signed_pct(a.mean_error_pct) : "-");
    r.push_back(is_ref ? "1x" : speedup_text(a.speedup));
    r.push_back(is_ref ? "-" : speedup_spread_text(a));
    r.push_back(outputs_text(a));
    t.add(r);
  }
  return t;
}

json aggregate_json(const Aggregate& a) {
  json j = {{"view", a.view},
            {"cases", a.cases},
            {"ok", a.ok},
            {"skipped", a.skipped},
            {"failed", a.failed},
            {"absent", a.absent},
            {"missing", a.missing},
            {"compared", a.compared},
            {"cycles", a.cycles},
            {"ref_cycles", a.ref_cycles},
            {"wall_seconds", a.wall_seconds},
            {"ref_wall_seconds", a.ref_wall_seconds},
            {"outputs_checked", a.outputs_checked},
            {"outputs_matched", a.outputs_matched}};
  if (!a.config.empty()) j["config"] = a.config;
  if (!a.workload.empty()) j["workload"] = a.workload;
  j["mape_pct"] = a.compared ? json(a.mape_pct) : json(nullptr);
  j["mean_error_pct"] = a.compared ? json(a.mean_error_pct) : json(nullptr);
  j["max_abs_error_pct"] = a.compared ? json(a.max_abs_error_pct) : json(nullptr);
  j["max_error_layer"] = a.compared ? json(a.max_error_layer) : json(nullptr);
  j["speedup"] = a.speedup > 0 ? json(a.speedup) : json(nullptr);
  if (a.parts_compared > 0) {  // whole-network runs: the errors of their layers
    j["layers_compared"] = a.parts_compared;
    j["layer_mape_pct"] = a.parts_mape_pct;
    j["layer_max_abs_error_pct"] = a.parts_max_abs_error_pct;
    j["layer_max_error_layer"] = a.parts_max_error_layer;
  }
  const bool spread = a.speedup_max > 0;
  j["speedup_layer_min"] = spread ? json(a.speedup_min) : json(nullptr);
  j["speedup_layer_median"] = spread ? json(a.speedup_median) : json(nullptr);
  j["speedup_layer_max"] = spread ? json(a.speedup_max) : json(nullptr);
  return j;
}

std::string verdict_line(const Evaluation& ev) {
  int fail = 0, pass = 0, skipped = 0, warn = 0;
  for (const auto& c : ev.checks) {
    fail += c.status == CheckStatus::Fail;
    pass += c.status == CheckStatus::Pass;
    skipped += c.status == CheckStatus::Skipped;
    warn += c.status == CheckStatus::Warn;
  }
  return std::string(ev.passed ? "PASS" : "FAIL") + " (" + std::to_string(pass) + " checks passed, " +
         std::to_string(fail) + " failed, " + std::to_string(skipped) + " skipped" +
         (warn ? ", " + std::to_string(warn) + " speed warnings" : std::string()) + ")";
}

// ---- plots -------------------------------------------------------------------------------


// Writes plots/data/*.dat and plots/plots.gp; returns the script path, or "" when nothing to plot.
std::string write_plot_files(const std::string& dir, const Manifest& manifest, const Evaluation& ev) {
  const std::string plots = dir + "/plots";
  fs::create_directories(plots + "/data");
  std::vector<std::string> views;  // non-reference views with compared cases
  for (const auto& a : ev.views)
    if (a.view != manifest.reference && a.compared > 0) views.push_back(a.view);
  if (views.empty()) return "";

  // Per view: ref_cycles cycles error_pct x-position; x-position is the layer's slot among compared layers.
  std::map<std::string, int> slot;
  std::vector<std::string> slot_labels;
  for (const auto& m : ev.cases) {
    if (!m.compared) continue;
    const std::string label = m.c->config_name + "/" + m.c->workload_name + "/" + m.c->layer;
    if (slot.emplace(label, static_cast<int>(slot_labels.size())).second) slot_labels.push_back(label);
  }
  for (std::size_t v = 0; v < views.size(); ++v) {
    std::string text = "# ref_cycles cycles error_pct slot  (" + views[v] + " vs " + manifest.reference + ")\n";
    for (const auto& m : ev.cases) {
      if (!m.compared || m.c->view.name != views[v]) continue;
      const std::string label = m.c->config_name + "/" + m.c->workload_name + "/" + m.c->layer;
      text += std::to_string(m.ref_cycles) + " " + std::to_string(m.cycles) + " " + num(m.error_pct, "%.6g") + " " +
              std::to_string(slot[label]) + "\n";
    }
    write_text(plots + "/data/" + std::to_string(v) + ".dat", text);
  }
  std::string speed = "# speedup mape_pct view config\n";
  for (const auto& a : ev.configs)
    if (a.view != manifest.reference && a.compared > 0 && a.speedup > 0)
      speed += num(a.speedup, "%.6g") + " " + num(a.mape_pct, "%.6g") + " " + gp_quote(a.view) + " " +
               gp_quote(a.config) + "\n";
  write_text(plots + "/data/speedup.dat", speed);

  std::ostringstream gp;
  gp << "# generated by acv validate from the campaign's results -- do not edit\n";
  gp << "cd " << gp_quote(plots) << "\n";
  gp << "set datafile commentschars '#'\nset key left top\nset grid\n";
  const std::vector<std::pair<std::string, std::string>> terminals = {
      {"svg size 900,650 dynamic background rgb 'white'", "svg"}, {"pngcairo size 900,650", "png"}};
  for (const auto& term : terminals) {
    gp << "set terminal " << term.first << " noenhanced\n";  // layer names hold underscores
    // Estimated vs reference cycles, log-log, with y = x.
    gp << "set output 'cycles_scatter." << term.second << "'\n";
    gp << "set title " << gp_quote("cycles per layer: backend views vs " + manifest.reference) << "\n";
    gp << "set logscale xy\nset xlabel " << gp_quote(manifest.reference + " cycles") << "\nset ylabel 'estimated cycles'\n";
    gp << "set xtics auto\nunset xtics\nset xtics\n";
    gp << "plot ";
    for (std::size_t v = 0; v < views.size(); ++v)
      gp << "'data/" << v << ".dat' using 1:2 with points pt 7 ps 0.8 title " << gp_quote(views[v]) << ", ";
    gp << "x with lines lc rgb 'black' dt 2 title 'y = x'\n";
    gp << "unset logscale\n";
    // Signed error per layer.
    gp << "set output 'error_per_layer." << term.second << "'\n";
    gp << "set title " << gp_quote("error per layer vs " + manifest.reference) << "\n";
    gp << "set xlabel 'layer'\nset ylabel 'error %'\nset key below horizontal\n";  // points fill the area
    if (slot_labels.size() <= 60) {
      gp << "set xtics rotate by -60 font ',7' (";
      for (std::size_t i = 0; i < slot_labels.size(); ++i)
        gp << (i ? ", " : "") << gp_quote(slot_labels[i]) << " " << i;
      gp << ")\n";
    }
    gp << "set xrange [-1:" << slot_labels.size() << "]\n";
    gp << "plot ";
    for (std::size_t v = 0; v < views.size(); ++v)
      gp << (v ? ", " : "") << "'data/" << v << ".dat' using 4:3 with points pt 7 ps 0.8 title " << gp_quote(views[v]);
    gp << ", 0 with lines lc rgb 'black' notitle\n";
    gp << "set xtics auto norotate font ''\nset xrange [*:*]\nset key inside left top vertical\n";
    // Speedup vs error, one point per view and config.
    gp << "set output 'speedup_vs_error." << term.second << "'\n";
    gp << "set title " << gp_quote("speedup vs " + manifest.reference + " and MAPE, per view and config") << "\n";
    gp << "set logscale x\nset yrange [0:*]\nset xlabel " << gp_quote("speedup vs " + manifest.reference + " (x)") << "\nset ylabel 'MAPE %'\n";
    // One series per view (a legend, not a label per point: the configs of a view crowd together).
    gp << "plot ";
    for (std::size_t v = 0; v < views.size(); ++v)
      gp << (v ? ", " : "") << "'data/speedup.dat' using (strcol(3) eq " << gp_quote(views[v])
         << " ? $1 : NaN):2 with points pt " << 5 + 2 * (v % 4) << " ps 1.3 title " << gp_quote(views[v]);
    gp << "\n";
    gp << "unset logscale\nset yrange [*:*]\n";
  }
  gp << "unset output\n";
  write_text(plots + "/plots.gp", gp.str());
  return plots + "/plots.gp";
}

}  // namespace

std::string summary_json(const Manifest& manifest, const Evaluation& ev) {
  json views = json::array();
  for (const auto& v : manifest.views) {
    json t = json::object();
    if (v.thresholds.mape_pct) t["mape"] = *v.thresholds.mape_pct;
    if (v.thresholds.max_error_pct) t["max_error"] = *v.thresholds.max_error_pct;
    if (v.thresholds.min_speedup) t["min_speedup"] = *v.thresholds.min_speedup;
    views.push_back({{"name", v.name}, {"backend", v.backend}, {"options", v.options_key()}, {"thresholds", t}});
  }
  json cases = json::array();
  std::map<std::string, int> counts = {{"ok", 0}, {"skipped", 0}, {"failed", 0}, {"absent", 0}, {"missing", 0}};
  for (const auto& m : ev.cases) {
    const CaseOutcome& o = *m.outcome;
    ++counts[to_string(o.status)];
    json c = {{"key", m.c->key},
              {"config", m.c->config_name},
              {"workload", m.c->workload_name},
              {"layer", m.c->layer},
              {"kind", m.c->layer_kind},
              {"macs", m.c->macs},
              {"view", m.c->view.name},
              {"backend", m.c->view.backend},
              {"status", to_string(o.status)},
              {"message", o.message}};
    c["cycles"] = o.status == CaseStatus::Ok ? json(m.cycles) : json(nullptr);
    c["ref_cycles"] = m.ref_cycles > 0 ? json(m.ref_cycles) : json(nullptr);
    c["error_pct"] = m.compared ? json(m.error_pct) : json(nullptr);
    c["wall_seconds"] = o.status == CaseStatus::Ok ? json(m.wall_seconds) : json(nullptr);
    c["ref_wall_seconds"] = m.ref_cycles > 0 ? json(m.ref_wall_seconds) : json(nullptr);
    c["outputs_checked"] = o.status == CaseStatus::Ok && o.layer.outputs_checked;
    c["outputs_match"] = o.status == CaseStatus::Ok && o.layer.outputs_checked ? json(o.layer.outputs_match) : json(nullptr);
    cases.push_back(c);
  }
  json networks = json::array(), configs = json::array(), overall = json::array(), checks = json::array();
  for (const auto& a : ev.networks) networks.push_back(aggregate_json(a));
  for (const auto& a : ev.configs) configs.push_back(aggregate_json(a));
  for (const auto& a : ev.views) overall.push_back(aggregate_json(a));
  for (const auto& c : ev.checks) {
    json j = {{"name", c.name}, {"view", c.view}, {"metric", c.metric}, {"status", to_string(c.status)}, {"detail", c.detail}};
    j["config"] = c.config.empty() ? json(nullptr) : json(c.config);
    j["limit"] = c.limit ? json(*c.limit) : json(nullptr);
    j["value"] = c.value ? json(*c.value) : json(nullptr);
    checks.push_back(j);
  }
  const json doc = {{"schema_version", 1},
                    {"suite", manifest.suite_name},
                    {"suite_file", manifest.suite_file},
                    {"reference", manifest.reference},
                    {"shard", {{"index", manifest.shard_index}, {"count", manifest.shard_count}}},
                    {"passed", ev.passed},
                    {"counts", counts},
                    {"views", views},
                    {"overall", overall},
                    {"configs", configs},
                    {"networks", networks},
                    {"checks", checks},
                    {"cases", cases}};
  return doc.dump(2) + "\n";
}

std::string summary_table(const Manifest& manifest, const Evaluation& ev) {
  std::string out = aggregate_table(ev.configs, manifest.reference, true, false).str();
  out += "\nsign-off: " + verdict_line(ev) + "\n";
  for (const auto& f : ev.failed_checks()) out += "  FAILED: " + f + "\n";
  return out;
}

namespace {

// ---- utilization beside the accelerator's stall-free bound ----

// Per config whose reference results carry a stall-free bound (Accelerator::stall_free_cycles):
// per layer the reference's cycles and utilization next to the bound's, and how far above the
// bound the layer runs. Empty when no reference result has one.
std::string utilization_md(const Manifest& manifest, const Evaluation& ev) {
  std::vector<std::string> configs;  // suite order
  std::map<std::string, std::vector<const CaseMetrics*>> rows;
  for (const auto& m : ev.cases) {
    if (!m.is_reference || m.outcome->status != CaseStatus::Ok || m.cycles <= 0) continue;
    if (m.outcome->layer.stall_free_cycles <= 0) continue;
    if (!rows.count(m.c->config_name)) configs.push_back(m.c->config_name);
    rows[m.c->config_name].push_back(&m);
  }
  if (configs.empty()) return "";
  std::ostringstream md;
  md << "\n## Utilization beside the stall-free bound\n\n"
     << "Per layer the " << manifest.reference
     << " utilization (MACs / (cycles x PEs)) beside the accelerator's stall-free bound: the cycles the layer "
        "would take with its folds back to back and no wait for memory or commands (the formula: the "
        "accelerator's README). `cycles / bound` above 1 is time spent waiting.\n";
  for (const auto& config : configs) {
    Table t({"workload", "layer", manifest.reference + " cycles", "utilization %", "stall-free bound",
             "bound utilization %", "cycles / bound"});
    for (const CaseMetrics* m : rows[config]) {
      const LayerResult& l = m->outcome->layer;
      const double bound = static_cast<double>(l.stall_free_cycles);
      const double bound_util = l.utilization * static_cast<double>(m->cycles) / bound;
      t.add({m->c->workload_name, md_escape(m->c->layer), std::to_string(m->cycles), num(100.0 * l.utilization, "%.1f"),
             std::to_string(l.stall_free_cycles), num(100.0 * bound_util, "%.1f"),
             num(static_cast<double>(m->cycles) / bound, "%.2f")});
    }
    md << "\n### " << config << "\n\n" << t.str();
  }
  return md.str();
}

// ---- where the cycles go: the reference's counters next to the fast views' bottlenecks ----

// Busy and stall counters count cycles (a share of the layer's cycles); the rest count events
// or bytes (models/common/counters.h).
bool is_cycle_counter(const std::string& name) { return counters::parse(name).kind != counters::Kind::Event; }

// Per accelerator config whose reference results carry cycle counters: one row per layer with
// the reference's cycles, each main counter (>= 1 % of the cycles on some layer of the config)
// as % of the cycles, and per fast view that names a bottleneck (info "bottleneck") that
// bottleneck, its busy share when the view reports one ("<unit>.busy"), the reference's busy share
// of that unit, and the view's error.
// Empty when no reference result has cycle counters.
std::string cycle_breakdown_md(const Manifest& manifest, const Evaluation& ev) {
  constexpr double kMainCounterPct = 1.0;
  std::vector<std::string> configs;  // suite order
  std::map<std::string, std::vector<const CaseMetrics*>> ref_rows;
  // Fast views' cases by (config, workload, layer), in view order.
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<const CaseMetrics*>> others;
  for (const auto& m : ev.cases) {
    if (m.outcome->status != CaseStatus::Ok) continue;
    if (!m.is_reference) {
      others[{m.c->config_name, m.c->workload_name, m.c->layer}].push_back(&m);
      continue;
    }
    if (m.cycles <= 0) continue;
    bool has_cycle_counter = false;
    for (const auto& kv : m.outcome->layer.counters) has_cycle_counter = has_cycle_counter || is_cycle_counter(kv.first);
    if (!has_cycle_counter) continue;
    if (!ref_rows.count(m.c->config_name)) configs.push_back(m.c->config_name);
    ref_rows[m.c->config_name].push_back(&m);
  }
  if (configs.empty()) return "";

  std::ostringstream md;
  md << "\n## Where the cycles go: " << manifest.reference << " counters and bottlenecks per layer\n\n"
     << "Each counter of the " << manifest.reference
     << " run that counts cycles (a unit busy, or stalled by a cause), as % of the layer's cycles (units "
        "work in parallel, so a row does not add up to 100 %; what each counter counts: the accelerator's RTL "
        "README). Shown: counters reaching " << num(kMainCounterPct, "%.0f") << " % on some layer of the config. "
        "Next to them, the bottleneck each fast view names for the layer, with that unit's busy share in the "
        "view and in the " << manifest.reference << " where they report one, and the view's error.\n";
  for (const auto& config : configs) {
    const auto& rows = ref_rows[config];
    std::map<std::string, double> max_pct;  // every cycle counter of the config -> largest share
    for (const CaseMetrics* m : rows)
      for (const auto& kv : m->outcome->layer.counters)
        if (is_cycle_counter(kv.first))
          max_pct[kv.first] = std::max(max_pct[kv.first], 100.0 * static_cast<double>(kv.second) / static_cast<double>(m->cycles));
    std::vector<std::string> shown, omitted;
    for (const auto& kv : max_pct) (kv.second >= kMainCounterPct ? shown : omitted).push_back(kv.first);
    std::vector<std::string> bottleneck_views;  // views (suite order) naming a bottleneck on this config
    for (const auto& view : manifest.views)
      for (const CaseMetrics* m : rows) {
        const auto it = others.find({config, m->c->workload_name, m->c->layer});
        if (it == others.end()) continue;
        bool found = false;
        for (const CaseMetrics* o : it->second)
          found = found || (o->c->view.name == view.name && o->outcome->layer.info.count("bottleneck"));
        if (found) {
          bottleneck_views.push_back(view.name);
          break;
        }
      }
    std::vector<std::string> header = {"workload", "layer", manifest.reference + " cycles"};
    for (const auto& c : shown) header.push_back(counters::label(c) + " %");
    for (const auto& v : bottleneck_views) {
      header.push_back(v + " bottleneck");
      header.push_back(v + " err %");
    }
    Table t(header);
    for (const CaseMetrics* m : rows) {
      std::vector<std::string> r = {m->c->workload_name, md_escape(m->c->layer), std::to_string(m->cycles)};
      const auto& counters = m->outcome->layer.counters;
      for (const auto& c : shown) {
        const auto it = counters.find(c);
        r.push_back(it == counters.end() ? "-" : num(100.0 * static_cast<double>(it->second) / static_cast<double>(m->cycles), "%.1f"));
      }
      const auto found = others.find({config, m->c->workload_name, m->c->layer});
      for (const auto& v : bottleneck_views) {
        const CaseMetrics* o = nullptr;
        if (found != others.end())
          for (const CaseMetrics* x : found->second)
            if (x->c->view.name == v) o = x;
        if (!o || !o->outcome->layer.info.count("bottleneck")) {
          r.push_back("-");
          r.push_back(o && o->compared ? signed_pct(o->error_pct) : "-");
          continue;
        }
        const std::string& unit = o->outcome->layer.info.at("bottleneck");
        std::string text = md_escape(unit);
        // The same unit's busy share in the view and in the reference: one taxonomy names both.
        auto share = [&unit](const LayerResult& l, int64_t cycles) -> std::string {
          const auto busy = l.counters.find(counters::busy(unit));
          if (busy == l.counters.end() || cycles <= 0) return "";
          return num(100.0 * static_cast<double>(busy->second) / static_cast<double>(cycles), "%.0f") + " %";
        };
        const std::string view_busy = share(o->outcome->layer, o->cycles);
        const std::string ref_busy = share(m->outcome->layer, m->cycles);
        if (!view_busy.empty() || !ref_busy.empty()) {
          text += " (";
          if (!view_busy.empty()) text += "busy " + view_busy;
          if (!ref_busy.empty()) text += (view_busy.empty() ? "" : ", ") + manifest.reference + " " + ref_busy;
          text += ")";
        }
        r.push_back(text);
        r.push_back(o->compared ? signed_pct(o->error_pct) : "-");
      }
      t.add(r);
    }
    md << "\n### " << config << "\n\n" << t.str();
    if (!omitted.empty()) {
      md << "\nBelow " << num(kMainCounterPct, "%.0f") << " % on every layer:";
      for (std::size_t i = 0; i < omitted.size(); ++i) md << (i ? ", " : " ") << "`" << omitted[i] << "`";
      md << ".\n";
    }
  }
  return md.str();
}

// Whole-network runs: per (config, network) the cycles of each layer and of the network on every
// view, with each fast view's error against the reference; empty when the suite has none.
std::string network_layers_md(const Manifest& manifest, const Evaluation& ev) {
  std::ostringstream md;
  for (const CaseMetrics& ref : ev.cases) {
    if (!ref.is_reference || ref.c->layer_kind != kNetworkKind || ref.parts.empty()) continue;
    std::vector<const CaseMetrics*> views;  // the other views of this config and network, in suite order
    for (const CaseMetrics& m : ev.cases)
      if (!m.is_reference && m.c->config_name == ref.c->config_name && m.c->workload_name == ref.c->workload_name &&
          m.c->layer == ref.c->layer && !m.parts.empty())
        views.push_back(&m);
    std::vector<std::string> header = {"layer", manifest.reference + " cycles"};
    for (const CaseMetrics* v : views) {
      header.push_back(v->c->view.name + " cycles");
      header.push_back(v->c->view.name + " err %");
    }
    Table t(header);
    for (std::size_t i = 0; i < ref.parts.size(); ++i) {
      std::vector<std::string> row = {md_escape(ref.parts[i].layer), std::to_string(ref.parts[i].ref_cycles > 0 ? ref.parts[i].ref_cycles : ref.parts[i].cycles)};
      for (const CaseMetrics* v : views) {
        const PartMetrics* p = i < v->parts.size() && v->parts[i].layer == ref.parts[i].layer ? &v->parts[i] : nullptr;
        row.push_back(p ? std::to_string(p->cycles) : "-");
        row.push_back(p && p->compared ? signed_pct(p->error_pct) : "-");
      }
      t.add(row);
    }
    std::vector<std::string> total = {"**network (whole run)**", "**" + std::to_string(ref.cycles) + "**"};
    for (const CaseMetrics* v : views) {
      total.push_back("**" + std::to_string(v->cycles) + "**");
      total.push_back(v->compared ? "**" + signed_pct(v->error_pct) + "**" : "-");
    }
    t.add(total);
    md << "\n### " << md_escape(ref.c->config_name) << " / " << md_escape(ref.c->workload_name) << "\n\n" << t.str();
  }
  if (md.str().empty()) return "";
  return "\n## Per layer within whole-network runs\n\nThe accelerator runs each network from one start: one run "
         "per view, its layers' cycles from the " + manifest.reference +
         " counters and the views' own attribution; the whole run adds the loads and the store.\n" + md.str();
}

// Real-time budgets: per config and budgeted workload, the reference's cycles per inference beside
// the budget. A whole-network run's inference is its layers (start to done); the whole run adds the
// transfers before and after.
std::string budgets_md(const Manifest& manifest, const Evaluation& ev) {
  if (manifest.budgets.empty()) return "";
  Table t({"config", "workload", manifest.reference + " cycles: layers", "whole run", "budget", "layers / budget",
           "budget from"});
  struct Sum {
    int64_t layers = 0, whole = 0;
    bool complete = true;
  };
  std::map<std::pair<std::string, std::string>, Sum> sums;
  std::vector<std::pair<std::string, std::string>> order;
  for (const CaseMetrics& m : ev.cases) {
    if (!m.is_reference || !manifest.budgets.count(m.c->workload_name)) continue;
    const auto key = std::make_pair(m.c->config_name, m.c->workload_name);
    if (!sums.count(key)) order.push_back(key);
    Sum& sum = sums[key];
    if (m.outcome->status != CaseStatus::Ok) {
      sum.complete = false;
      continue;
    }
    sum.whole += m.cycles;
    if (m.parts.empty()) {
      sum.layers += m.cycles;
    } else {
      for (const PartMetrics& p : m.parts) sum.layers += p.cycles;
    }
  }
  for (const auto& key : order) {
    const Sum& sum = sums.at(key);
    const Budget& b = manifest.budgets.at(key.second);
    const bool ok = sum.complete && sum.layers > 0;
    t.add({md_escape(key.first), md_escape(key.second), ok ? std::to_string(sum.layers) : "-",
           ok ? std::to_string(sum.whole) : "-", std::to_string(b.cycles),
           ok ? num(100.0 * static_cast<double>(sum.layers) / static_cast<double>(b.cycles), "%.1f %%") : "-",
           md_escape(b.note)});
  }
  return "\n## Real-time budgets\n\nCycles per inference on the " + manifest.reference +
         " beside each budgeted workload's budget (suite `budget:`): the layers, and the whole run with the "
         "transfers before and after them.\n\n" + t.str();
}

// Per workload (ONNX), the operators that became no layer, counted by type: read from one run of
// the workload (every run of a workload file lists the same ones).
std::string skipped_operators_md(const Evaluation& ev) {
  std::map<std::string, std::vector<SkippedOperator>> by_workload;
  std::vector<std::string> order;
  for (const CaseMetrics& m : ev.cases) {
    const std::string& w = m.c->workload_name;
    if (by_workload.count(w) || m.outcome->run_json.empty()) continue;
    try {
      by_workload[w] = run_result_from_json(m.outcome->run_json, m.c->key).skipped_operators;
      order.push_back(w);
    } catch (const InputError&) {
      // an unreadable run is reported as a failed case; another run of the workload may serve
    }
  }
  Table t({"workload", "skipped", "by operator type"});
  for (const auto& w : order) {
    const auto& ops = by_workload.at(w);
    if (ops.empty()) continue;
    std::string types;
    for (const auto& [type, nodes] : skipped_by_type(ops))
      types += (types.empty() ? "" : ", ") + type + " " + std::to_string(nodes.size());
    t.add({md_escape(w), std::to_string(ops.size()), md_escape(types)});
  }
  if (t.empty()) return "";
  return "\n## Skipped operators\n\nOperators of the workload files (ONNX) without multiply-accumulate work, "
         "which became no layer and ran in no view (each node: the runs' `skipped_operators`).\n\n" +
         t.str();
}

std::string report_md(const Manifest& manifest, const Evaluation& ev, const std::string& plot_note) {
  std::ostringstream md;
  md << "# Validation report: " << manifest.suite_name << "\n\n";
  md << "Suite `" << manifest.suite_file << "`, reference view `" << manifest.reference << "`";
  if (manifest.shard_count > 1) md << ", shard " << manifest.shard_index << "/" << manifest.shard_count;
  md << ".\n\n**Sign-off: " << verdict_line(ev) << "**\n\n";
  md << "Error = (view cycles - " << manifest.reference << " cycles) / " << manifest.reference
     << " cycles; MAPE = mean |error| over the layers both ran; speedup = sum of " << manifest.reference
     << " wall time / sum of the view's wall time over the same layers.\n\n";

  md << "## Sign-off checks\n\n";
  Table checks({"check", "status", "detail"});
  for (const auto& c : ev.checks)
    checks.add({md_escape(c.name),
                c.status == CheckStatus::Fail   ? "**FAIL**"
                : c.status == CheckStatus::Warn ? "warn (speed: reported, not signed off)"
                                                : to_string(c.status),
                md_escape(c.detail)});
  md << (checks.empty() ? std::string("No checks.\n") : checks.str()) << "\n";

  md << "## Per view (all configs and workloads)\n\n" << aggregate_table(ev.views, manifest.reference, false, false).str();
  md << "\n## Per accelerator config\n\n" << aggregate_table(ev.configs, manifest.reference, true, false).str();
  md << "\n## Per network\n\n" << aggregate_table(ev.networks, manifest.reference, true, true).str();
  md << budgets_md(manifest, ev);
  md << network_layers_md(manifest, ev);
  md << skipped_operators_md(ev);

  // Largest errors first: what a person investigates.
  std::vector<const CaseMetrics*> worst;
  for (const auto& m : ev.cases)
    if (m.compared) worst.push_back(&m);
  std::stable_sort(worst.begin(), worst.end(), [](const CaseMetrics* a, const CaseMetrics* b) {
    return std::fabs(a->error_pct) > std::fabs(b->error_pct);
  });
  if (!worst.empty()) {
    md << "\n## Largest errors\n\n";
    Table t({"view", "config", "workload", "layer", manifest.reference + " cycles", "view cycles", "error %"});
    for (std::size_t i = 0; i < worst.size() && i < 15; ++i) {
      const auto& m = *worst[i];
      t.add({m.c->view.name, m.c->config_name, m.c->workload_name, md_escape(m.c->layer), std::to_string(m.ref_cycles),
             std::to_string(m.cycles), signed_pct(m.error_pct)});
    }
    md << t.str();
  }

  md << cycle_breakdown_md(manifest, ev);
  md << utilization_md(manifest, ev);

  std::ostringstream failed, mismatched, absent;
  std::map<std::string, std::string> absent_views;
  for (const auto& m : ev.cases) {
    const CaseOutcome& o = *m.outcome;
    if (o.status == CaseStatus::Failed || o.status == CaseStatus::Missing)
      failed << "### " << m.c->key << " (" << to_string(o.status) << ")\n\n```\n" << o.message << "\n```\n\n";
    if (o.status == CaseStatus::Ok && o.layer.outputs_checked && !o.layer.outputs_match)
      mismatched << "- " << m.c->key << "\n";
    if (o.status == CaseStatus::Absent) absent_views[m.c->view.name] = o.message;
  }
  if (!failed.str().empty()) md << "\n## Failed runs\n\n" << failed.str();
  if (!mismatched.str().empty()) md << "\n## Outputs differing from the golden reference\n\n" << mismatched.str();
  if (!absent_views.empty()) {
    md << "\n## Absent views (not failed)\n\n";
    for (const auto& kv : absent_views) md << "- `" << kv.first << "`: " << kv.second << "\n";
  }
  md << "\n## Plots\n\n";
  if (!plot_note.empty()) {
    md << plot_note << "\n";
  } else {
    md << "![cycles](plots/cycles_scatter.svg)\n\n![error per layer](plots/error_per_layer.svg)\n\n"
       << "![speedup vs error](plots/speedup_vs_error.svg)\n\nPNG versions are next to them in `plots/`.\n";
  }
  md << "\nEvery case with its cycles, error and wall time: `cases.csv`; machine-readable: `summary.json` "
        "(docs/summary-schema.md); CI: `junit.xml`.\n";
  return md.str();
}

std::string cases_csv(const Evaluation& ev) {
  std::string out =
      "key,config,workload,layer,kind,macs,view,backend,options,status,cycles,ref_cycles,error_pct,wall_seconds,"
      "ref_wall_seconds,outputs_checked,outputs_match,message\n";
  for (const auto& m : ev.cases) {
    const CaseOutcome& o = *m.outcome;
    const bool ok = o.status == CaseStatus::Ok;
    std::vector<std::string> f = {m.c->key,
                                  m.c->config_name,
                                  m.c->workload_name,
                                  m.c->layer,
                                  m.c->layer_kind,
                                  std::to_string(m.c->macs),
                                  m.c->view.name,
                                  m.c->view.backend,
                                  m.c->view.options_key(),
                                  to_string(o.status),
                                  ok ? std::to_string(m.cycles) : "",
                                  m.ref_cycles > 0 ? std::to_string(m.ref_cycles) : "",
                                  m.compared ? num(m.error_pct, "%.4f") : "",
                                  ok ? num(m.wall_seconds, "%.6f") : "",
                                  m.ref_cycles > 0 ? num(m.ref_wall_seconds, "%.6f") : "",
                                  ok && o.layer.outputs_checked ? "true" : "false",
                                  ok && o.layer.outputs_checked ? (o.layer.outputs_match ? "true" : "false") : "",
                                  first_line(o.message)};
    for (std::size_t i = 0; i < f.size(); ++i) out += (i ? "," : "") + csv_field(f[i]);
    out += "\n";
  }
  return out;
}

std::string junit_xml(const Manifest& manifest, const Evaluation& ev) {
  std::ostringstream cases, checks;
  int case_failures = 0, case_skipped = 0, check_failures = 0, check_skipped = 0;
  for (const auto& m : ev.cases) {
    const CaseOutcome& o = *m.outcome;
    cases << "    <testcase classname=\"" << xml_escape(manifest.suite_name + "." + m.c->config_name + "." + m.c->workload_name)
          << "\" name=\"" << xml_escape(m.c->layer + " [" + m.c->view.name + "]") << "\" time=\""
          << num(o.status == CaseStatus::Ok ? m.wall_seconds : 0.0, "%.6f") << "\"";
    if (o.status == CaseStatus::Failed || o.status == CaseStatus::Missing) {
      ++case_failures;
      cases << ">\n      <failure message=\"" << xml_escape(first_line(o.message)) << "\">" << xml_escape(o.message)
            << "</failure>\n    </testcase>\n";
    } else if (o.status == CaseStatus::Ok && o.layer.outputs_checked && !o.layer.outputs_match) {
      ++case_failures;
      cases << ">\n      <failure message=\"outputs differ from the golden reference\"/>\n    </testcase>\n";
    } else if (o.status == CaseStatus::Absent || o.status == CaseStatus::Skipped) {
      ++case_skipped;
      cases << ">\n      <skipped message=\"" << xml_escape(first_line(o.message)) << "\"/>\n    </testcase>\n";
    } else {
      cases << "/>\n";
    }
  }
  for (const auto& c : ev.checks) {
    checks << "    <testcase classname=\"" << xml_escape(manifest.suite_name + ".signoff." + c.view) << "\" name=\""
           << xml_escape(c.name) << "\" time=\"0\"";
    if (c.status == CheckStatus::Fail) {
      ++check_failures;
      checks << ">\n      <failure message=\"" << xml_escape(c.detail) << "\"/>\n    </testcase>\n";
    } else if (c.status == CheckStatus::Skipped) {
      ++check_skipped;
      checks << ">\n      <skipped message=\"" << xml_escape(c.detail) << "\"/>\n    </testcase>\n";
    } else if (c.status == CheckStatus::Warn) {  // JUnit has no warning: a pass that says so
      checks << ">\n      <system-out>warning: " << xml_escape(c.detail) << "</system-out>\n    </testcase>\n";
    } else {
      checks << "/>\n";
    }
  }
  std::ostringstream x;
  const std::size_t tests = ev.cases.size() + ev.checks.size();
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x << "<testsuites name=\"acv validate " << xml_escape(manifest.suite_name) << "\" tests=\"" << tests
    << "\" failures=\"" << case_failures + check_failures << "\" skipped=\"" << case_skipped + check_skipped << "\">\n";
  x << "  <testsuite name=\"" << xml_escape(manifest.suite_name) << ".cases\" tests=\"" << ev.cases.size()
    << "\" failures=\"" << case_failures << "\" errors=\"0\" skipped=\"" << case_skipped << "\">\n"
    << cases.str() << "  </testsuite>\n";
  x << "  <testsuite name=\"" << xml_escape(manifest.suite_name) << ".signoff\" tests=\"" << ev.checks.size()
    << "\" failures=\"" << check_failures << "\" errors=\"0\" skipped=\"" << check_skipped << "\">\n"
    << checks.str() << "  </testsuite>\n</testsuites>\n";
  return x.str();
}

}  // namespace

void write_reports(const std::string& dir, const Manifest& manifest, const Outcomes& outcomes, const Evaluation& ev,
                   const ReportOptions& options) {
  (void)outcomes;
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::string plot_note;
  if (options.plots) {
    fs::remove_all(dir + "/plots", ec);
    const std::string script = write_plot_files(dir, manifest, ev);
    if (script.empty()) {
      plot_note = "No plots: no layer could be compared with the reference.";
    } else {
      plot_note = run_gnuplot(options.gnuplot, script, dir + "/plots/gnuplot.log", "plots/gnuplot.log");
    }
  } else {
    plot_note = "Plots were not requested (--no-plots).";
  }
  write_text(dir + "/report.md", report_md(manifest, ev, plot_note));
  write_text(dir + "/cases.csv", cases_csv(ev));
  write_text(dir + "/summary.json", summary_json(manifest, ev));
  write_text(dir + "/junit.xml", junit_xml(manifest, ev));
}

}  // namespace acv
