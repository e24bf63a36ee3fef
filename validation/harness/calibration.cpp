// Calibration search: exhaustive over small grids, bounded coordinate search otherwise, every
// candidate estimated once per layer (memoised), then a profile per param for identifiability.
#include "validation/harness/calibration.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "estimator/aidg.h"
#include "estimator/bound_arch.h"

namespace acv {

namespace {

constexpr int64_t kNotRun = -2;
constexpr int64_t kInfeasible = -1;
constexpr std::size_t kFullScan = 512;   // a param's domain up to this size is scanned value by value
constexpr std::size_t kCoarsePoints = 64;  // larger ones: this many evenly spaced values, then refined
constexpr double kTie = 1e-9;             // MAPE differences below this are equal (percent)

// A candidate's train objective; infeasible compares worst.
struct Score {
  bool feasible = false;
  double mape = 0, max = 0;
  int64_t distance = 0;  // from the initial values, in domain steps: ties keep the description's value
};

bool better(const Score& a, const Score& b) {
  if (a.feasible != b.feasible) return a.feasible;
  if (!a.feasible) return false;
  if (a.mape < b.mape - kTie) return true;
  if (a.mape > b.mape + kTie) return false;
  if (a.max < b.max - kTie) return true;
  if (a.max > b.max + kTie) return false;
  return a.distance < b.distance;
}

std::size_t nearest_index(const std::vector<int64_t>& domain, int64_t v) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < domain.size(); ++i)
    if (std::llabs(domain[i] - v) < std::llabs(domain[best] - v)) best = i;
  return best;
}

// Indices a 1-D scan of a domain visits first: all of a small one, evenly spaced ones of a large one.
std::vector<std::size_t> scan_indices(std::size_t n) {
  std::vector<std::size_t> out;
  if (n <= kFullScan) {
    for (std::size_t i = 0; i < n; ++i) out.push_back(i);
    return out;
  }
  for (std::size_t k = 0; k < kCoarsePoints; ++k) out.push_back(k * (n - 1) / (kCoarsePoints - 1));
  return out;
}

}  // namespace

const char* to_string(Sensitivity::Status s) {
  switch (s) {
    case Sensitivity::Status::Determined: return "determined";
    case Sensitivity::Status::Range: return "range";
    case Sensitivity::Status::Undetermined: return "undetermined";
  }
  return "?";
}

std::vector<int64_t> default_domain(int64_t initial) {
  const int64_t hi = std::max<int64_t>({4 * initial, initial + 64, 1});
  std::vector<int64_t> d;
  for (int64_t v = 0; v <= hi; ++v) d.push_back(v);
  return d;
}

ErrorStats error_stats(const std::vector<CalibrationLayer>& layers, const std::vector<int64_t>& est,
                       const std::vector<std::size_t>& which) {
  ErrorStats s;
  double sum = 0;
  for (std::size_t i : which) {
    const double rtl = static_cast<double>(layers[i].rtl_cycles);
    const double e = est[i] < 0 ? 100.0 : std::fabs(static_cast<double>(est[i]) - rtl) / rtl * 100.0;
    sum += e;
    if (s.layers == 0 || e > s.max_pct) s.max_pct = e, s.max_layer = layers[i].name;
    ++s.layers;
  }
  s.mape_pct = s.layers ? sum / s.layers : 0;
  return s;
}

struct Calibration::Impl {
  std::shared_ptr<const ArchDescription> desc;
  std::map<std::string, int64_t> config;
  CalibrationOptions opt;
  const std::vector<CalibrationLayer>* layers = nullptr;
  const std::vector<FitParam>* params = nullptr;
  std::vector<std::size_t> initial_index;  // per param: domain index nearest its initial value
  // Per value vector: cycles and bottleneck per layer (kNotRun until asked for).
  struct Entry {
    std::vector<int64_t> cycles;
    std::vector<std::string> bottleneck;
  };
  std::map<std::vector<int64_t>, Entry> memo;
  double seconds = 0;
  int64_t layer_estimates = 0;

  std::vector<int64_t> values_of(const std::vector<std::size_t>& idx) const {
    std::vector<int64_t> v(idx.size());
    for (std::size_t p = 0; p < idx.size(); ++p) v[p] = (*params)[p].domain[idx[p]];
    return v;
  }

  // Cycles of the given layers at these values (kInfeasible where the description cannot bind them).
  const Entry& estimate_layers(const std::vector<int64_t>& values, const std::vector<std::size_t>& which) {
    Entry& e = memo[values];
    if (e.cycles.empty()) e.cycles.assign(layers->size(), kNotRun), e.bottleneck.resize(layers->size());
    std::vector<std::size_t> todo;
    for (std::size_t i : which)
      if (e.cycles[i] == kNotRun) todo.push_back(i);
    if (todo.empty()) return e;
    layer_estimates += static_cast<int64_t>(todo.size());
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::pair<int, int64_t>> set;
    for (std::size_t p = 0; p < values.size(); ++p) set.emplace_back((*params)[p].param, values[p]);
    const auto d = with_param_values(*desc, set);
    auto one = [&](std::size_t i) {
      try {
        const Program& prog = *(*layers)[i].program;
        const BoundArch arch = bind_arch(d, config, prog);
        const Estimate est = estimate(arch, prog, EstimateOptions{});
        e.cycles[i] = est.cycles;
        e.bottleneck[i] = est.bottleneck;
      } catch (const InputError&) {
        e.cycles[i] = kInfeasible;  // e.g. a zero queue capacity: not a candidate
      }
    };
    const int threads = std::max(1, std::min<int>(opt.threads, static_cast<int>(todo.size())));
    if (threads == 1) {
      for (std::size_t i : todo) one(i);
    } else {
      std::vector<std::thread> pool;
      for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
          for (std::size_t k = static_cast<std::size_t>(t); k < todo.size(); k += static_cast<std::size_t>(threads))
            one(todo[k]);
        });
      for (auto& th : pool) th.join();
    }
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return e;
  }

  // With `bound` (a sum of per-layer |error| %), the layers are estimated a few at a time and the
  // candidate is given up once its partial sum exceeds the bound: errors only add up, so it cannot
  // beat a candidate within the bound (its MAPE is then a lower bound). Exact, and most candidates of
  // a scan cost one or two layers instead of all.
  Score score(const std::vector<std::size_t>& idx, const std::vector<std::size_t>& which,
              double bound = std::numeric_limits<double>::infinity()) {
    const std::vector<int64_t> values = values_of(idx);
    Score s;
    double sum = 0;
    const std::size_t chunk = static_cast<std::size_t>(std::max(1, opt.threads));
    for (std::size_t k = 0; k < which.size(); k += chunk) {
      const std::vector<std::size_t> part(which.begin() + static_cast<std::ptrdiff_t>(k),
                                          which.begin() + static_cast<std::ptrdiff_t>(std::min(which.size(), k + chunk)));
      const Entry& e = estimate_layers(values, part);
      for (std::size_t i : part) {
        if (e.cycles[i] < 0) return s;
        const double rtl = static_cast<double>((*layers)[i].rtl_cycles);
        sum += std::fabs(static_cast<double>(e.cycles[i]) - rtl) / rtl * 100.0;
      }
      if (sum > bound && k + chunk < which.size()) {
        s.feasible = true;
        s.mape = sum / static_cast<double>(which.size());
        s.max = std::numeric_limits<double>::infinity();
        return s;
      }
    }
    const ErrorStats st = error_stats(*layers, memo[values].cycles, which);
    s.feasible = true;
    s.mape = st.mape_pct;
    s.max = st.max_pct;
    for (std::size_t p = 0; p < idx.size(); ++p)
      s.distance += static_cast<int64_t>(idx[p] > initial_index[p] ? idx[p] - initial_index[p] : initial_index[p] - idx[p]);
    return s;
  }

  // The best value of param p with the others at cur: a scan, refined around the best of a coarse one.
  void best_along(std::size_t p, std::vector<std::size_t>* cur, Score* cur_score, const std::vector<std::size_t>& which) {
    const std::size_t n = (*params)[p].domain.size();
    auto visit = [&](std::size_t i) {
      std::vector<std::size_t> cand = *cur;
      cand[p] = i;
      const Score s = score(cand, which, bound_of(*cur_score, which));
      if (better(s, *cur_score)) *cur = cand, *cur_score = s;
    };
    for (std::size_t i : scan_indices(n)) visit(i);
    if (n > kFullScan) {
      for (std::size_t step = (n - 1) / (kCoarsePoints - 1); step > 0; step /= 2) {
        const std::size_t c = (*cur)[p];
        if (c >= step) visit(c - step);
        if (c + step < n) visit(c + step);
      }
    }
  }

  // Candidates within this bound may tie or beat `s` (see score()).
  static double bound_of(const Score& s, const std::vector<std::size_t>& which) {
    if (!s.feasible) return std::numeric_limits<double>::infinity();
    return (s.mape + kTie) * static_cast<double>(which.size());
  }

  std::vector<std::size_t> fit(const std::vector<std::size_t>& which, const std::string& search) {
    const std::size_t np = params->size();
    std::vector<std::size_t> best = initial_index;
    Score best_score = score(best, which);
    if (search == "exhaustive") {
      // Every combination; a coarse pass first (every stride-th value of each param) finds a good
      // bound early, so the full pass prunes most candidates after a layer or two.
      for (const bool coarse : {true, false}) {
        std::vector<std::size_t> stride(np, 1), idx(np, 0);
        if (coarse)
          for (std::size_t p = 0; p < np; ++p) stride[p] = std::max<std::size_t>(1, (*params)[p].domain.size() / 8);
        for (;;) {
          const Score s = score(idx, which, bound_of(best_score, which));
          if (better(s, best_score)) best = idx, best_score = s;
          std::size_t p = 0;
          while (p < np && (idx[p] += stride[p]) >= (*params)[p].domain.size()) idx[p++] = 0;
          if (p == np) break;
        }
      }
    } else {
      // From the description's values and from the best point of a coarse grid (every n/8-th value
      // of each param, when that grid is within the exhaustive limit): coupled params (a slow memory
      // compensating a short queue) can hold one start in a local optimum that the other avoids.
      std::vector<std::vector<std::size_t>> starts = {best};
      int64_t coarse_points = 1;
      std::vector<std::size_t> stride(np);
      for (std::size_t p = 0; p < np; ++p) {
        stride[p] = std::max<std::size_t>(1, (*params)[p].domain.size() / 8);
        coarse_points *= static_cast<int64_t>(((*params)[p].domain.size() + stride[p] - 1) / stride[p]);
        if (coarse_points > opt.exhaustive_limit) break;
      }
      if (coarse_points <= opt.exhaustive_limit) {
        std::vector<std::size_t> idx(np, 0), coarse_best = best;
        Score coarse_score = best_score;
        for (;;) {
          const Score s = score(idx, which, bound_of(coarse_score, which));
          if (better(s, coarse_score)) coarse_best = idx, coarse_score = s;
          std::size_t p = 0;
          while (p < np && (idx[p] += stride[p]) >= (*params)[p].domain.size()) idx[p++] = 0;
          if (p == np) break;
        }
        if (coarse_best != best) starts.push_back(coarse_best);
      }
      for (const auto& start : starts) {
        std::vector<std::size_t> cur = start;
        Score cur_score = score(cur, which);
        for (int round = 0; round < opt.max_rounds; ++round) {
          const std::vector<std::size_t> before = cur;
          for (std::size_t p = 0; p < np; ++p) best_along(p, &cur, &cur_score, which);
          if (cur == before) break;
        }
        if (better(cur_score, best_score)) best = cur, best_score = cur_score;
      }
    }
    if (!best_score.feasible)
      throw InputError(SourceLoc{desc->file, 0, "params"},
                       "no searched value of the fitted params gives an estimate for every layer");
    return best;
  }

  Sensitivity profile(std::size_t p, const std::vector<std::size_t>& at, const std::vector<std::size_t>& which) {
    const FitParam& fp = (*params)[p];
    const std::size_t n = fp.domain.size();
    Sensitivity s;
    s.searched_lo = fp.domain.front();
    s.searched_hi = fp.domain.back();
    const Score opt_score = score(at, which);
    // bounded: a value whose error is certainly above the optimum's is given up early.
    auto mape_at = [&](std::size_t i, bool bounded) -> std::optional<double> {
      std::vector<std::size_t> cand = at;
      cand[p] = i;
      const Score sc = score(cand, which, bounded ? bound_of(opt_score, which) : std::numeric_limits<double>::infinity());
      if (!sc.feasible) return std::nullopt;
      return sc.mape;
    };
    std::vector<std::size_t> pts = scan_indices(n);
    const std::size_t c = at[p];
    for (std::size_t k = 1; k <= 2; ++k) {  // the neighbours of the optimum, always
      if (c >= k) pts.push_back(c - k);
      if (c + k < n) pts.push_back(c + k);
    }
    pts.push_back(c);
    std::sort(pts.begin(), pts.end());
    pts.erase(std::unique(pts.begin(), pts.end()), pts.end());
    bool all_flat = true;
    s.lo = s.hi = fp.domain[c];
    int feasible = 0;
    for (std::size_t i : pts) {
      const auto m = mape_at(i, true);
      if (!m) continue;
      ++feasible;
      if (std::fabs(*m - opt_score.mape) <= kTie) {
        s.lo = std::min(s.lo, fp.domain[i]);
        s.hi = std::max(s.hi, fp.domain[i]);
      } else {
        all_flat = false;
      }
    }
    s.profile_points = static_cast<int>(pts.size());
    if (c > 0) s.mape_below = mape_at(c - 1, false);
    if (c + 1 < n) s.mape_above = mape_at(c + 1, false);
    if (all_flat && feasible > 1) {
      s.status = Sensitivity::Status::Undetermined;
      std::map<std::string, int> bound;
      const Entry& e = estimate_layers(values_of(at), which);
      for (std::size_t i : which) ++bound[e.bottleneck[i]];
      std::ostringstream why;
      if (bound.size() == 1)
        why << "every layer is bound by '" << bound.begin()->first << "'";
      else {
        why << "the layers are bound by ";
        bool first = true;
        for (const auto& kv : bound) why << (first ? "" : ", ") << "'" << kv.first << "' (" << kv.second << ")", first = false;
      }
      why << "; no estimate changes for " << fp.name << " in [" << s.lo << ", " << s.hi << "]";
      s.reason = why.str();
    } else if (s.lo != s.hi) {
      s.status = Sensitivity::Status::Range;
    }
    return s;
  }
};

Calibration::Calibration(std::shared_ptr<const ArchDescription> desc, std::map<std::string, int64_t> config_values,
                         std::vector<CalibrationLayer> layers, std::vector<FitParam> params, CalibrationOptions options)
    : layers_(std::move(layers)), params_(std::move(params)), impl_(std::make_unique<Impl>()) {
  impl_->desc = std::move(desc);
  impl_->config = std::move(config_values);
  impl_->opt = options;
  impl_->layers = &layers_;
  impl_->params = &params_;
  for (const auto& p : params_) impl_->initial_index.push_back(nearest_index(p.domain, p.initial));
}

Calibration::~Calibration() = default;

CalibrationResult Calibration::run() {
  Impl& m = *impl_;
  CalibrationResult r;
  std::vector<std::size_t> train, holdout, all;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    (layers_[i].holdout ? holdout : train).push_back(i);
    all.push_back(i);
  }
  if (train.empty()) throw InputError("acv calibrate: no train layer (every layer is held out)");
  r.grid_points = 1;
  for (const auto& p : params_) {
    const auto n = static_cast<int64_t>(p.domain.size());
    r.grid_points = r.grid_points > (int64_t{1} << 40) / n ? (int64_t{1} << 40) : r.grid_points * n;
  }
  r.search = r.grid_points <= m.opt.exhaustive_limit ? "exhaustive" : "coordinate";

  std::vector<int64_t> initial;
  for (const auto& p : params_) initial.push_back(p.initial);
  const std::vector<std::size_t> best = m.fit(train, r.search);
  r.fitted = m.values_of(best);
  for (std::size_t p = 0; p < params_.size(); ++p) r.sensitivity.push_back(m.profile(p, best, train));
  // An undetermined param keeps the description's value: the data says nothing about it.
  std::vector<std::size_t> kept = best;
  for (std::size_t p = 0; p < params_.size(); ++p)
    if (r.sensitivity[p].status == Sensitivity::Status::Undetermined) kept[p] = m.initial_index[p];
  r.fitted = m.values_of(kept);

  // The description as written (its own expressions), then with the fitted values.
  auto cycles_at = [&](const std::vector<int64_t>& values) {
    std::vector<int64_t> c(layers_.size(), kInfeasible);
    const Impl::Entry& e = m.estimate_layers(values, all);
    for (std::size_t i : all) c[i] = e.cycles[i];
    return c;
  };
  r.before_cycles = cycles_at(initial);
  r.after_cycles = cycles_at(r.fitted);
  r.bottleneck = m.memo[r.fitted].bottleneck;
  r.train_before = error_stats(layers_, r.before_cycles, train);
  r.train_after = error_stats(layers_, r.after_cycles, train);
  if (!holdout.empty()) {
    r.holdout_before = error_stats(layers_, r.before_cycles, holdout);
    r.holdout_after = error_stats(layers_, r.after_cycles, holdout);
  } else if (train.size() >= 2) {
    r.folds = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(std::max(2, m.opt.folds)), train.size()));
    std::vector<int64_t> kfold_cycles(layers_.size(), kInfeasible);
    for (int f = 0; f < r.folds; ++f) {
      std::vector<std::size_t> fit_on, test;
      for (std::size_t k = 0; k < train.size(); ++k)
        (static_cast<int>(k % static_cast<std::size_t>(r.folds)) == f ? test : fit_on).push_back(train[k]);
      FoldResult fr;
      fr.values = m.values_of(m.fit(fit_on, r.search));
      fr.layers = test;
      const Impl::Entry& e = m.estimate_layers(fr.values, test);
      for (std::size_t i : test) kfold_cycles[i] = e.cycles[i];
      r.fold_results.push_back(std::move(fr));
    }
    r.kfold = error_stats(layers_, kfold_cycles, train);
  }
  r.evaluations = static_cast<int64_t>(m.memo.size());
  r.estimator_seconds = m.seconds;
  r.layer_estimates = m.layer_estimates;
  return r;
}

std::string rewrite_params(const std::string& text, const ArchDescription& desc,
                           const std::vector<std::pair<int, int64_t>>& values) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  for (const auto& v : values) {
    const ParamSpec& p = desc.params.at(static_cast<std::size_t>(v.first));
    const int line = p.loc.line;
    if (line < 1 || line > static_cast<int>(lines.size()))
      throw InputError(SourceLoc{desc.file, line, "params." + p.name}, "cannot find the entry's line");
    std::string& l = lines[static_cast<std::size_t>(line - 1)];
    const std::size_t indent = l.find_first_not_of(' ');
    if (indent == std::string::npos || l.compare(indent, p.name.size() + 1, p.name + ":") != 0)
      throw InputError(SourceLoc{desc.file, line, "params." + p.name},
                       "the entry must be on a line of its own (`" + p.name + ": value`) to be rewritten");
    const std::size_t value_at = indent + p.name.size() + 1;
    const std::size_t hash = l.find(" #", value_at);
    std::string old = l.substr(value_at, hash == std::string::npos ? std::string::npos : hash - value_at);
    old.erase(0, old.find_first_not_of(' '));
    old.erase(old.find_last_not_of(' ') + 1);
    const std::string comment = hash == std::string::npos ? "" : l.substr(hash);
    l = l.substr(0, value_at) + " " + std::to_string(v.second) + "  # calibrated (was: " + old + ")" +
        (comment.empty() ? "" : " " + comment.substr(1));
  }
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

std::string line_diff(const std::string& before, const std::string& after, const std::string& before_name,
                      const std::string& after_name) {
  auto split = [](const std::string& t) {
    std::vector<std::string> v;
    std::istringstream in(t);
    for (std::string l; std::getline(in, l);) v.push_back(l);
    return v;
  };
  const auto a = split(before), b = split(after);
  if (a.size() != b.size()) throw std::logic_error("line_diff: only replaced lines are supported");
  constexpr std::size_t kContext = 3;
  std::ostringstream out;
  out << "--- " << before_name << "\n+++ " << after_name << "\n";
  std::size_t i = 0;
  const std::size_t n = a.size();
  while (i < n) {
    if (a[i] == b[i]) {
      ++i;
      continue;
    }
    // A hunk: from kContext before this change to kContext after the last change within reach.
    const std::size_t start = i > kContext ? i - kContext : 0;
    std::size_t end = i;
    for (std::size_t j = i; j < n && j <= end + 2 * kContext; ++j)
      if (a[j] != b[j]) end = j;
    const std::size_t stop = std::min(n, end + kContext + 1);
    out << "@@ -" << start + 1 << "," << stop - start << " +" << start + 1 << "," << stop - start << " @@\n";
    for (std::size_t j = start; j < stop; ++j) {
      if (a[j] == b[j])
        out << " " << a[j] << "\n";
      else
        out << "-" << a[j] << "\n";
      if (a[j] != b[j]) out << "+" << b[j] << "\n";
    }
    i = stop;
  }
  return out.str();
}

}  // namespace acv
