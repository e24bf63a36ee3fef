// Errors against the reference, aggregates per network / config / view, and sign-off checks.
#include "validation/harness/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

namespace acv {

namespace {

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

void add(Aggregate& a, const CaseMetrics& m) {
  ++a.cases;
  switch (m.outcome->status) {
    case CaseStatus::Ok: ++a.ok; break;
    case CaseStatus::Skipped: ++a.skipped; break;
    case CaseStatus::Failed: ++a.failed; break;
    case CaseStatus::Absent: ++a.absent; break;
    case CaseStatus::Missing: ++a.missing; break;
  }
  if (m.outcome->status == CaseStatus::Ok && m.outcome->layer.outputs_checked) {
    ++a.outputs_checked;
    if (m.outcome->layer.outputs_match) ++a.outputs_matched;
  }
  if (!m.compared) return;
  ++a.compared;
  const double abs_err = std::fabs(m.error_pct);
  a.mape_pct += abs_err;  // divided by `compared` in finish()
  a.mean_error_pct += m.error_pct;
  if (a.compared == 1 || abs_err > a.max_abs_error_pct) {
    a.max_abs_error_pct = abs_err;
    a.max_error_layer = m.c->config_name + "/" + m.c->workload_name + "/" + m.c->layer;
  }
  a.cycles += m.cycles;
  a.ref_cycles += m.ref_cycles;
  a.wall_seconds += m.wall_seconds;
  a.ref_wall_seconds += m.ref_wall_seconds;
  if (m.wall_seconds > 0 && m.ref_wall_seconds > 0) a.layer_speedups.push_back(m.ref_wall_seconds / m.wall_seconds);
  for (const PartMetrics& p : m.parts) {
    if (!p.compared) continue;
    const double abs_part = std::fabs(p.error_pct);
    if (a.parts_compared++ == 0 || abs_part > a.parts_max_abs_error_pct) {
      a.parts_max_abs_error_pct = abs_part;
      a.parts_max_error_layer = m.c->config_name + "/" + m.c->workload_name + "/" + p.layer;
    }
    a.parts_mape_pct += abs_part;  // divided by `parts_compared` in finish()
  }
}

void finish(Aggregate& a) {
  if (a.compared > 0) {
    a.mape_pct /= a.compared;
    a.mean_error_pct /= a.compared;
  }
  if (a.parts_compared > 0) a.parts_mape_pct /= a.parts_compared;
  a.speedup = a.wall_seconds > 0 ? a.ref_wall_seconds / a.wall_seconds : 0;
  auto& v = a.layer_speedups;
  if (!v.empty()) {
    std::sort(v.begin(), v.end());
    a.speedup_min = v.front();
    a.speedup_max = v.back();
    const std::size_t mid = v.size() / 2;
    a.speedup_median = v.size() % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }
  v.clear();
  v.shrink_to_fit();
}

}  // namespace

const char* to_string(CheckStatus status) {
  switch (status) {
    case CheckStatus::Pass: return "pass";
    case CheckStatus::Fail: return "fail";
    case CheckStatus::Skipped: return "skipped";
    case CheckStatus::Warn: return "warn";
  }
  return "fail";
}

namespace {
std::vector<std::string> checks_with(const std::vector<ThresholdCheck>& checks, CheckStatus status) {
  std::vector<std::string> out;
  for (const auto& c : checks)
    if (c.status == status) out.push_back(c.name + (c.detail.empty() ? "" : " (" + c.detail + ")"));
  return out;
}
}  // namespace

std::vector<std::string> Evaluation::failed_checks() const { return checks_with(checks, CheckStatus::Fail); }
std::vector<std::string> Evaluation::warnings() const { return checks_with(checks, CheckStatus::Warn); }

int signoff_exit_code(const Evaluation& ev) { return ev.passed ? 0 : 1; }

Evaluation evaluate(const Manifest& manifest, const Outcomes& outcomes) {
  Evaluation ev;
  // Reference outcome per (config, workload, layer).
  std::map<std::tuple<std::string, std::string, std::string>, const CaseOutcome*> reference;
  for (const auto& c : manifest.cases)
    if (c.view.name == manifest.reference && outcomes[c.index])
      reference[{c.config_name, c.workload_name, c.layer}] = &*outcomes[c.index];

  for (const auto& c : manifest.cases) {
    if (!outcomes[c.index]) continue;
    CaseMetrics m;
    m.c = &c;
    m.outcome = &*outcomes[c.index];
    m.is_reference = c.view.name == manifest.reference;
    if (m.outcome->status == CaseStatus::Ok) {
      m.cycles = m.outcome->layer.cycles;
      m.wall_seconds = m.outcome->wall_seconds;
    }
    const auto it = reference.find({c.config_name, c.workload_name, c.layer});
    if (it != reference.end() && it->second->status == CaseStatus::Ok) {
      m.ref_cycles = it->second->layer.cycles;
      m.ref_wall_seconds = it->second->wall_seconds;
      if (!m.is_reference && m.outcome->status == CaseStatus::Ok && m.ref_cycles > 0) {
        m.compared = true;
        m.error_pct = 100.0 * static_cast<double>(m.cycles - m.ref_cycles) / static_cast<double>(m.ref_cycles);
      }
    }
    if (m.outcome->status == CaseStatus::Ok) {
      const std::vector<LayerCycles>* ref_parts =
          it != reference.end() && it->second->status == CaseStatus::Ok ? &it->second->layer.layer_cycles : nullptr;
      for (const LayerCycles& lc : m.outcome->layer.layer_cycles) {
        PartMetrics p;
        p.layer = lc.layer;
        p.cycles = lc.cycles;
        if (ref_parts) {
          const auto rp = std::find_if(ref_parts->begin(), ref_parts->end(),
                                       [&](const LayerCycles& r) { return r.layer == lc.layer; });
          if (rp != ref_parts->end()) {
            p.ref_cycles = rp->cycles;
            p.compared = m.compared && p.ref_cycles > 0;
            if (p.compared)
              p.error_pct = 100.0 * static_cast<double>(p.cycles - p.ref_cycles) / static_cast<double>(p.ref_cycles);
          }
        }
        m.parts.push_back(p);
      }
    }
    ev.cases.push_back(m);
  }

  // Aggregates, kept in suite order (views, then configs, then workloads as first seen).
  auto group = [&](std::vector<Aggregate>& out, bool by_config, bool by_workload) {
    std::map<std::tuple<std::string, std::string, std::string>, std::size_t> index;
    for (const auto& view : manifest.views) {
      for (const auto& m : ev.cases) {
        if (m.c->view.name != view.name) continue;
        const std::tuple<std::string, std::string, std::string> key{
            view.name, by_config ? m.c->config_name : "", by_workload ? m.c->workload_name : ""};
        auto found = index.find(key);
        if (found == index.end()) {
          found = index.emplace(key, out.size()).first;
          Aggregate a;
          std::tie(a.view, a.config, a.workload) = key;
          out.push_back(a);
        }
        add(out[found->second], m);
      }
    }
    for (auto& a : out) finish(a);
  };
  group(ev.networks, true, true);
  group(ev.configs, true, false);
  group(ev.views, false, false);

  // Sign-off checks.
  auto find_view_aggregate = [&](const std::string& view) -> const Aggregate* {
    for (const auto& a : ev.views)
      if (a.view == view) return &a;
    return nullptr;
  };
  const Aggregate* ref_all = find_view_aggregate(manifest.reference);
  const bool reference_absent = ref_all && ref_all->absent > 0 && ref_all->absent + ref_all->skipped == ref_all->cases;
  for (const auto& view : manifest.views) {
    const Aggregate* all = find_view_aggregate(view.name);
    if (!all) continue;
    const bool absent = all->absent > 0 && all->absent + all->skipped == all->cases;  // nothing of it ran
    {
      ThresholdCheck runs;
      runs.name = view.name + ": all runs completed";
      runs.view = view.name;
      runs.metric = "runs";
      runs.value = all->failed + all->missing;
      if (absent) {
        runs.status = CheckStatus::Skipped;
        runs.detail = "backend '" + view.backend + "' not built";
      } else if (all->failed + all->missing > 0) {
        runs.status = CheckStatus::Fail;
        runs.detail = std::to_string(all->failed) + " failed, " + std::to_string(all->missing) + " missing";
      }
      ev.checks.push_back(runs);
    }
    if (all->outputs_checked > 0) {
      ThresholdCheck outputs;
      outputs.name = view.name + ": outputs match golden";
      outputs.view = view.name;
      outputs.metric = "outputs";
      outputs.value = all->outputs_checked - all->outputs_matched;
      if (all->outputs_matched != all->outputs_checked) {
        outputs.status = CheckStatus::Fail;
        outputs.detail = std::to_string(all->outputs_checked - all->outputs_matched) + " of " +
                         std::to_string(all->outputs_checked) + " layers differ";
      }
      ev.checks.push_back(outputs);
    }
    if (view.name == manifest.reference || !view.thresholds.any()) continue;
    for (const auto& a : ev.configs) {
      if (a.view != view.name) continue;
      auto check = [&](const std::string& metric, const std::string& label, double limit, double value, bool at_most) {
        ThresholdCheck t;
        t.name = view.name + " / " + a.config + ": " + label + (at_most ? " <= " : " >= ") + fmt(limit) +
                 (metric == "min_speedup" ? "x (warning only)" : " %");
        t.view = view.name;
        t.config = a.config;
        t.metric = metric;
        t.limit = limit;
        if (absent || reference_absent) {
          t.status = CheckStatus::Skipped;
          t.detail = absent ? "backend '" + view.backend + "' not built" : "reference '" + manifest.reference + "' not built";
        } else if (a.compared == 0) {
          t.status = CheckStatus::Fail;
          t.detail = "no layer could be compared with the reference";
        } else if (metric == "min_speedup" && a.wall_seconds <= 0) {
          t.status = CheckStatus::Skipped;
          t.detail = "backend reported no wall time";
        } else {
          t.value = value;
          const bool ok = at_most ? value <= limit : value >= limit;
          // Speed only warns: the same models measure 15x or 40x depending on the machine's load.
          t.status = ok ? CheckStatus::Pass : metric == "min_speedup" ? CheckStatus::Warn : CheckStatus::Fail;
          char buf[96];
          std::snprintf(buf, sizeof buf, "measured %.3g%s", value, metric == "min_speedup" ? "x" : " %");
          t.detail = buf;
        }
        ev.checks.push_back(t);
      };
      if (view.thresholds.mape_pct) check("mape", "MAPE", *view.thresholds.mape_pct, a.mape_pct, true);
      if (view.thresholds.max_error_pct)
        check("max_error", "max |error|", *view.thresholds.max_error_pct, a.max_abs_error_pct, true);
      // Whole-network runs: the same limits per layer within the networks.
      if (view.thresholds.mape_pct && a.parts_compared > 0)
        check("mape", "per-layer MAPE", *view.thresholds.mape_pct, a.parts_mape_pct, true);
      if (view.thresholds.max_error_pct && a.parts_compared > 0)
        check("max_error", "per-layer max |error|", *view.thresholds.max_error_pct, a.parts_max_abs_error_pct, true);
      if (view.thresholds.min_speedup) check("min_speedup", "speedup", *view.thresholds.min_speedup, a.speedup, false);
    }
  }
  for (const auto& c : ev.checks) ev.passed = ev.passed && c.status != CheckStatus::Fail;
  return ev;
}

}  // namespace acv
