// Accepted memory requests as runs of arithmetic progressions (see request_log.h).
#include "estimator/request_log.h"

#include <algorithm>
#include <limits>

namespace acv {

namespace {
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
}  // namespace

int64_t RequestLog::prev_pd() const { return begin_ >= runs_.size() ? kMin : runs_.back().pd; }
int64_t RequestLog::prev_pf() const { return begin_ >= runs_.size() ? kMin : runs_.back().pf; }

RequestLog::Pos RequestLog::first_not_free(int64_t t) const {
  const auto from = runs_.begin() + static_cast<std::ptrdiff_t>(begin_);
  const auto it = std::partition_point(from, runs_.end(), [t](const Run& r) { return r.pf <= t; });
  if (it == runs_.end()) return end();
  const Run& r = *it;
  // Every request before this run is free by t; here the prefix maximum exceeds t at the first
  // request whose free does (a run's frees are monotone).
  int64_t off = 0;
  if (r.f <= t && r.df > 0) off = (t - r.f) / r.df + 1;
  return clamp(Pos{static_cast<std::size_t>(it - runs_.begin()), off});
}

RequestLog::Pos RequestLog::first_accepted_from(int64_t t) const {
  const auto from = runs_.begin() + static_cast<std::ptrdiff_t>(begin_);
  const auto it = std::partition_point(from, runs_.end(), [t](const Run& r) { return r.a + (r.n - 1) * r.da < t; });
  if (it == runs_.end()) return end();
  const Run& r = *it;
  int64_t off = 0;
  if (r.a < t && r.da > 0) off = (t - r.a + r.da - 1) / r.da;
  return clamp(Pos{static_cast<std::size_t>(it - runs_.begin()), off});
}

RequestLog::Pos RequestLog::first_relevant(int64_t t) const {
  const Pos a = first_not_free(t), b = first_accepted_from(t);
  return (b.run < a.run || (b.run == a.run && b.off < a.off)) ? b : a;
}

int64_t RequestLog::done_before(Pos p) const {
  p = clamp(p);
  int64_t pd = p.run > begin_ ? runs_[p.run - 1].pd : kMin;
  const int64_t first = first_in(p.run);
  if (p.run < runs_.size() && p.off > first) {
    const Run& r = runs_[p.run];
    pd = std::max({pd, r.d + first * r.dd, r.d + (p.off - 1) * r.dd});
  }
  return pd;
}

void RequestLog::materialize(Pos p, std::vector<MemRequest>* out) const {
  out->clear();
  p = clamp(p);
  if (p.run >= runs_.size()) return;
  int64_t pd = p.run > begin_ ? runs_[p.run - 1].pd : kMin;
  int64_t pf = p.run > begin_ ? runs_[p.run - 1].pf : kMin;
  const int64_t first = first_in(p.run);
  if (p.off > first) {
    const Run& r = runs_[p.run];
    pd = std::max({pd, r.d + first * r.dd, r.d + (p.off - 1) * r.dd});
    pf = std::max({pf, r.f + first * r.df, r.f + (p.off - 1) * r.df});
  }
  std::size_t count = 0;
  for (std::size_t i = p.run; i < runs_.size(); ++i) count += static_cast<std::size_t>(runs_[i].n);
  out->resize(count - static_cast<std::size_t>(p.off));
  MemRequest* w = out->data();
  for (std::size_t i = p.run; i < runs_.size(); ++i) {
    const Run& r = runs_[i];
    const int64_t from = i == p.run ? p.off : 0;
    int64_t a = r.a + from * r.da, d = r.d + from * r.dd, f = r.f + from * r.df;
    for (int64_t j = from; j < r.n; ++j, ++w, a += r.da, d += r.dd, f += r.df) {
      pd = std::max(pd, d);
      pf = std::max(pf, f);
      w->accept = a, w->done = d, w->free = f, w->prefix_done = pd, w->prefix_free = pf;
    }
  }
}

void RequestLog::keep(std::size_t i) {
  const std::size_t to = std::min(touched_, mark_size_);
  if (i < to) saved_.insert(saved_.begin(), runs_.begin() + static_cast<std::ptrdiff_t>(i), runs_.begin() + static_cast<std::ptrdiff_t>(to));
  touched_ = i;
}

void RequestLog::keep2(std::size_t i) {
  const std::size_t to = std::min(touched2_, mark2_size_);
  if (i < to) saved2_.insert(saved2_.begin(), runs_.begin() + static_cast<std::ptrdiff_t>(i), runs_.begin() + static_cast<std::ptrdiff_t>(to));
  touched2_ = i;
}

void RequestLog::since_mark(std::vector<int64_t>* out) const {
  // Coded as if pruned requests were erased (runs counted from begin_, the first one trimmed): a
  // prune since mark() changes every run then.
  const std::size_t size = runs_.size() - std::min(begin_, runs_.size());
  const std::size_t from = pruned_ ? 0 : std::min(touched_ - std::min(touched_, begin_), size);
  out->push_back(static_cast<int64_t>(from));
  out->push_back(static_cast<int64_t>(size));
  for (std::size_t i = begin_ + from; i < runs_.size(); ++i) {
    const Run& r = runs_[i];
    const int64_t o = first_in(i);
    out->insert(out->end(), {r.a + o * r.da, r.d + o * r.dd, r.f + o * r.df, r.n - o, r.da, r.dd, r.df, r.pd, r.pf});
  }
}

void RequestLog::rewind2() {
  runs_.resize(touched2_);
  runs_.insert(runs_.end(), saved2_.begin(), saved2_.end());
  begin_ = mark2_begin_, begin_off_ = mark2_begin_off_;
  marked2_ = false, saved2_.clear();
}

void RequestLog::rewind() {
  runs_.resize(touched_);
  runs_.insert(runs_.end(), saved_.begin(), saved_.end());
  begin_ = mark_begin_, begin_off_ = mark_begin_off_;
  mark();
}

void RequestLog::trim_first_if_last() {
  if (begin_off_ == 0 || begin_ + 1 != runs_.size()) return;
  touch(begin_);
  Run& r = runs_[begin_];
  r.a += begin_off_ * r.da, r.d += begin_off_ * r.dd, r.f += begin_off_ * r.df;
  r.n -= begin_off_;
  begin_off_ = 0;
}

void RequestLog::compact() {
  if (begin_ == 0) return;
  touch(0);  // while marked: every run is kept as at the mark, whose indices rewind() restores
  runs_.erase(runs_.begin(), runs_.begin() + static_cast<std::ptrdiff_t>(std::min(begin_, runs_.size())));
  begin_ = 0;
}

void RequestLog::truncate(Pos p) {
  p = clamp(p);
  if (p.run >= runs_.size()) return;
  touch(p.run);
  const int64_t first = first_in(p.run);
  if (p.off == first) {
    runs_.resize(p.run);
    if (p.run == begin_) begin_off_ = 0;
    return;
  }
  runs_.resize(p.run + 1);
  Run& r = runs_.back();
  r.n = p.off;
  const int64_t before_pd = p.run > begin_ ? runs_[p.run - 1].pd : kMin;
  const int64_t before_pf = p.run > begin_ ? runs_[p.run - 1].pf : kMin;
  r.pd = std::max({before_pd, r.d + first * r.dd, r.d + (r.n - 1) * r.dd});
  r.pf = std::max({before_pf, r.f + first * r.df, r.f + (r.n - 1) * r.df});
}

void RequestLog::push(int64_t a, int64_t d, int64_t f) {
  if (begin_ < runs_.size()) {
    // Its differences change when it holds one request: drop the pruned ones before it first.
    if (begin_off_ != 0 && runs_.back().n - first_in(runs_.size() - 1) == 1) trim_first_if_last();
    Run& r = runs_.back();
    if (r.n == 1) {  // any two requests are a progression
      touch(runs_.size() - 1);
      r.da = a - r.a, r.dd = d - r.d, r.df = f - r.f, r.n = 2;
      r.pd = std::max(r.pd, d), r.pf = std::max(r.pf, f);
      return;
    }
    if (a == r.a + r.n * r.da && d == r.d + r.n * r.dd && f == r.f + r.n * r.df) {
      touch(runs_.size() - 1);
      ++r.n;
      r.pd = std::max(r.pd, d), r.pf = std::max(r.pf, f);
      return;
    }
  }
  runs_.push_back(Run{a, d, f, 1, 0, 0, 0, std::max(prev_pd(), d), std::max(prev_pf(), f)});
}

void RequestLog::push_run(const Run& x) {
  if (x.n == 1) {
    push(x.a, x.d, x.f);
    return;
  }
  if (begin_ < runs_.size()) {
    Run& r = runs_.back();
    const bool one = r.n - (begin_off_ != 0 ? first_in(runs_.size() - 1) : 0) == 1;
    const bool continues = x.a - (r.a + (r.n - 1) * r.da) == x.da &&
                           x.d - (r.d + (r.n - 1) * r.dd) == x.dd && x.f - (r.f + (r.n - 1) * r.df) == x.df;
    if (continues && (one || (r.da == x.da && r.dd == x.dd && r.df == x.df))) {
      if (one) trim_first_if_last();  // its differences change
      touch(runs_.size() - 1);
      r.da = x.da, r.dd = x.dd, r.df = x.df, r.n += x.n;
      r.pd = std::max({r.pd, x.d, x.d + (x.n - 1) * x.dd});
      r.pf = std::max({r.pf, x.f, x.f + (x.n - 1) * x.df});
      return;
    }
  }
  Run y = x;
  y.pd = std::max({prev_pd(), x.d, x.d + (x.n - 1) * x.dd});
  y.pf = std::max({prev_pf(), x.f, x.f + (x.n - 1) * x.df});
  runs_.push_back(y);
}

void RequestLog::append(const MemRequest* r, std::size_t n) {
  std::size_t i = 0;
  while (i < n) {
    push(r[i].accept, r[i].done, r[i].free);
    ++i;
    // While the requests continue the last run, extend it in one go.
    Run& last = runs_.back();
    if (last.n < 2) continue;
    int64_t na = last.a + last.n * last.da, nd = last.d + last.n * last.dd, nf = last.f + last.n * last.df;
    const std::size_t from = i;
    while (i < n && r[i].accept == na && r[i].done == nd && r[i].free == nf) {
      na += last.da, nd += last.dd, nf += last.df;
      ++i;
    }
    if (i > from) {
      const int64_t o = first_in(runs_.size() - 1);
      last.n += static_cast<int64_t>(i - from);
      last.pd = std::max(last.pd, std::max(last.d + o * last.dd, last.d + (last.n - 1) * last.dd));
      last.pf = std::max(last.pf, std::max(last.f + o * last.df, last.f + (last.n - 1) * last.df));
    }
  }
}

void RequestLog::append_repeated(const MemRequest* window, std::size_t w, int64_t delta, int64_t count) {
  if (count <= 0 || w == 0) return;
  // The window as runs once (append's run building), then each repetition as those runs shifted.
  thread_local RequestLog window_log;  // scratch: logs are copied with the evaluator's state
  window_log.runs_.clear();
  window_log.append(window, w);
  const std::vector<Run>& shape = window_log.runs_;
  int64_t left = count;
  for (int64_t rep = 1; left > 0; ++rep) {
    const int64_t shift = rep * delta;
    for (const Run& s : shape) {
      if (left <= 0) break;
      Run x = s;
      x.a += shift, x.d += shift, x.f += shift;
      x.n = std::min(x.n, left);
      left -= x.n;
      push_run(x);
    }
  }
}

void RequestLog::append_range(const RequestLog& other, Pos from, Pos to, int64_t shift) {
  from = other.clamp(from);
  bool first = true;
  for (std::size_t i = from.run; i < other.runs_.size() && i <= to.run; ++i) {
    const Run& r = other.runs_[i];
    const int64_t lo = i == from.run ? from.off : 0, hi = i == to.run ? to.off : r.n;
    if (hi <= lo) continue;
    Run x = r;
    x.a += shift + lo * r.da, x.d += shift + lo * r.dd, x.f += shift + lo * r.df;
    x.n = hi - lo;
    if (first || x.n == 1) {
      push_run(x);  // may continue the last run
      first = false;
      continue;
    }
    // The runs of `other` are already as long as they get: copy them (runs need not be maximal).
    const Run& before = runs_.back();  // push_run above left one
    const int64_t ld = x.d + (x.n - 1) * x.dd, lf = x.f + (x.n - 1) * x.df;
    x.pd = std::max(before.pd, x.dd >= 0 ? ld : x.d);
    x.pf = std::max(before.pf, x.df >= 0 ? lf : x.f);
    runs_.push_back(x);
  }
}

void RequestLog::append_fresh(const RequestLog& other, int64_t shift) {
  const std::size_t n = other.runs_.size();
  if (n == 0) return;
  Run x = other.runs_[0];
  x.a += shift, x.d += shift, x.f += shift;
  push_run(x);  // may continue the last run
  // Room for them at once, doubling (reserving just enough would move the log on every append).
  if (runs_.capacity() < runs_.size() + n - 1) runs_.reserve(std::max(2 * runs_.capacity(), runs_.size() + n - 1));
  for (std::size_t i = 1; i < n;) {
    // Runs of two or more requests are copied as they are, a stretch at once, then moved. Every
    // request of other's runs before one is in this log by then, so its maxima are at least other's
    // before it: max(the last run's before the stretch, its own moved), other's being prefix maxima.
    std::size_t j = i;
    while (j < n && other.runs_[j].n != 1) ++j;
    if (j > i) {
      const int64_t pd = runs_.back().pd, pf = runs_.back().pf;
      const std::size_t at = runs_.size();
      runs_.insert(runs_.end(), other.runs_.begin() + static_cast<std::ptrdiff_t>(i),
                   other.runs_.begin() + static_cast<std::ptrdiff_t>(j));
      for (Run *r = runs_.data() + at, *e = runs_.data() + runs_.size(); r != e; ++r) {
        r->a += shift, r->d += shift, r->f += shift;
        r->pd = std::max(pd, r->pd + shift), r->pf = std::max(pf, r->pf + shift);
      }
    }
    if (j < n) {
      x = other.runs_[j];
      x.a += shift, x.d += shift, x.f += shift;
      push_run(x);  // may continue the last run, as append_range's
      ++j;
    }
    i = j;
  }
}

void RequestLog::merge_in(Pos at, const RequestLog& other, int64_t shift, Merge* keep) {
  at = clamp(at);
  if (at.run >= runs_.size()) {
    append_log(other, shift);
    return;
  }
  if (keep) keep->kept = false, keep->pieces.clear();
  std::vector<Run> placed(runs_.begin() + static_cast<std::ptrdiff_t>(at.run), runs_.end());
  truncate(at);
  int64_t po = at.off, oo = 0;  // requests of placed[pi] / other.runs_[oi] already taken
  std::size_t pi = 0, oi = 0;
  const std::size_t on = other.runs_.size();
  auto take = [this, keep, shift](const Run& r, int64_t from, int64_t count, int64_t by) {
    Run x = r;
    x.a += by + from * r.da, x.d += by + from * r.dd, x.f += by + from * r.df;
    x.n = count;
    push_run(x);
    if (keep) {
      x.a -= shift, x.d -= shift, x.f -= shift;
      keep->pieces.push_back(x);
    }
  };
  while (pi < placed.size() || oi < on) {
    if (oi == on || pi == placed.size()) {
      const bool p_left = oi == on;
      const Run& r = p_left ? placed[pi] : other.runs_[oi];
      int64_t& off = p_left ? po : oo;
      take(r, off, r.n - off, p_left ? 0 : shift);
      off = 0;
      ++(p_left ? pi : oi);
      continue;
    }
    const Run& P = placed[pi];
    const Run& O = other.runs_[oi];
    const int64_t pa = P.a + po * P.da, oa = O.a + shift + oo * O.da;
    if (pa <= oa) {  // placed requests accepted by oa go first
      const int64_t count = P.da == 0 ? P.n - po : std::min(P.n - po, (oa - pa) / P.da + 1);
      take(P, po, count, 0);
      po += count;
      if (po == P.n) po = 0, ++pi;
    } else {  // then the other's requests accepted before pa
      const int64_t count = O.da == 0 ? O.n - oo : std::min(O.n - oo, (pa - oa - 1) / O.da + 1);
      take(O, oo, count, shift);
      oo += count;
      if (oo == O.n) oo = 0, ++oi;
    }
  }
  if (keep) {
    RequestLog alone;
    keep->starts.clear();
    for (const Run& x : keep->pieces) {
      const std::size_t size = alone.runs_.size();
      alone.push_run(x);
      keep->starts.push_back(alone.runs_.size() > size ? static_cast<int64_t>(size) : -1);
    }
    keep->runs = std::move(alone.runs_);
    keep->kept = true;
  }
}

void RequestLog::replay(Pos at, const Merge& m, int64_t shift) {
  // After a piece that starts a run here as on the empty log, the pushes go alike (a push_run
  // reads only the last run), so the runs are the empty log's; their prefix maxima are those
  // before them or the empty log's moved (which count only pieces already before them here).
  // Runs pushed past the end need no touch(): touched_ never exceeds the size.
  truncate(clamp(at));
  for (std::size_t j = 0; j < m.pieces.size(); ++j) {
    Run x = m.pieces[j];
    x.a += shift, x.d += shift, x.f += shift;
    const std::size_t size = runs_.size();
    push_run(x);
    if (m.starts[j] < 0 || runs_.size() == size) continue;
    runs_.pop_back();
    const int64_t pd = prev_pd(), pf = prev_pf();
    const auto k = static_cast<std::size_t>(m.starts[j]);
    runs_.resize(size + m.runs.size() - k);
    Run* w = runs_.data() + size;
    for (const Run* r = m.runs.data() + k; r != m.runs.data() + m.runs.size(); ++r, ++w) {
      *w = *r;
      w->a += shift, w->d += shift, w->f += shift;
      w->pd = std::max(pd, r->pd + shift), w->pf = std::max(pf, r->pf + shift);
    }
    return;
  }
}

void RequestLog::window_key(Pos at, int64_t origin, std::vector<int64_t>* key) const {
  at = clamp(at);
  for (std::size_t i = at.run; i < runs_.size(); ++i) {
    const Run& r = runs_[i];
    const int64_t off = i == at.run ? at.off : 0;
    key->insert(key->end(), {r.a + off * r.da - origin, r.d + off * r.dd - origin, r.f + off * r.df - origin,
                             r.n - off, r.da, r.dd, r.df});
  }
}

int64_t RequestLog::last_accept() const {
  if (begin_ >= runs_.size()) return std::numeric_limits<int64_t>::min();
  const Run& r = runs_.back();
  return r.a + (r.n - 1) * r.da;
}

void RequestLog::prune(int64_t t) {
  const Pos p = first_relevant(t);
  pruned_ = true;
  if (p.run >= runs_.size()) {
    begin_ = runs_.size(), begin_off_ = 0;
  } else {
    begin_ = p.run, begin_off_ = p.off;
  }
  // Erased once they are half the log (each erase then moves no more runs than were pruned) or when
  // few runs are left. Not while marked unless very many: rewind() would need a copy of every run
  // (the look-ahead's marks are short; the next prune after them erases).
  const std::size_t left = runs_.size() - begin_;
  if (marked_ ? (begin_ >= 65536 && begin_ >= left) : (begin_ > 0 && (left <= 64 || begin_ >= left))) compact();
}

void RequestLog::shift(int64_t by) {
  // The pruned runs are never read again (rewind() brings back only runs as at the mark).
  touch(begin_);
  for (auto r_it = runs_.begin() + static_cast<std::ptrdiff_t>(begin_); r_it != runs_.end(); ++r_it) {
    Run& r = *r_it;
    r.a += by, r.d += by, r.f += by;
    if (r.pd != kMin) r.pd += by;
    if (r.pf != kMin) r.pf += by;
  }
}

void RequestLog::encode(int64_t fl, int64_t mfl, int64_t ref, std::vector<int64_t>* key) const {
  // RunEncoder's code (the tests' reference), written through a pointer into room sized up front
  // with the encoder's state in locals: the key holds every run still in flight or ahead, hundreds
  // on small arrays, and push_back plus the members' reloads (a key store may alias them) cost
  // several times the arithmetic.
  const Pos q = first_not_free(mfl);
  const Pos cut = first_accepted_from(mfl);  // not before q: accepted from mfl on = free after it
  // Words at most: the count, the first request, two (length, differences) per piece; a clamped
  // run is cut into up to five pieces.
  std::size_t pieces = 0;
  if (q.run < runs_.size()) {
    const std::size_t last_clamped = std::min(cut.run, runs_.size() - 1);
    pieces = 5 * (last_clamped - q.run + 1) + (runs_.size() - cut.run);
  }
  // Written into scratch that only grows (resizing the key would zero-fill the bound first), then
  // appended in one copy.
  thread_local std::vector<int64_t> scratch;
  if (scratch.size() < 4 + 8 * pieces) scratch.resize(2 * (4 + 8 * pieces));
  int64_t* const count = scratch.data();
  int64_t* w = count + 1;
  int64_t kept = 0, pa = 0, pd = 0, pf = 0, da = 0, dd = 0, df = 0, run = 0;
  auto bulk = [&](int64_t n, int64_t xa, int64_t xd, int64_t xf) {
    if (n <= 0) return;
    if (!(run > 0 && xa == da && xd == dd && xf == df)) {
      if (run > 0) w[0] = run, w[1] = da, w[2] = dd, w[3] = df, w += 4;
      da = xa, dd = xd, df = xf, run = 0;
    }
    run += n;
    pa += n * xa, pd += n * xd, pf += n * xf, kept += n;
  };
  auto one = [&](int64_t a, int64_t d, int64_t f) {
    if (kept == 0) {
      w[0] = a, w[1] = d, w[2] = f, w += 3;
      pa = a, pd = d, pf = f, kept = 1;
      return;
    }
    bulk(1, a - pa, d - pd, f - pf);
  };
  // Before the cut (in flight at mfl): a run's requests clamped, in pieces where each of the three
  // cycles is either clamped throughout or a progression (what one() per request would code).
  for (std::size_t i = q.run; i < runs_.size() && i <= cut.run; ++i) {
    const Run& r = runs_[i];
    const int64_t from = i == q.run ? q.off : 0;
    const int64_t to = i == cut.run ? cut.off : r.n;
    if (from >= to) continue;
    // Where `v0 + j * dv > c` changes within [from, to) (a progression changes it once at most).
    auto turn = [from, to](int64_t v0, int64_t dv, int64_t c) {
      const int64_t v = v0 + from * dv;
      if (dv == 0) return to;
      if (dv > 0) return v > c ? from : std::min(to, (c - v0) / dv + 1);
      return v <= c ? from : std::min(to, (v0 - c - dv - 1) / -dv);
    };
    int64_t cuts[6] = {from, to, turn(r.a, r.da, fl - 1), turn(r.d, r.dd, fl), turn(r.f, r.df, fl), turn(r.f, r.df, mfl)};
    for (int k = 1; k < 6; ++k)  // insertion sort: std::sort of six calls memmove per insertion
      for (int j = k; j > 0 && cuts[j] < cuts[j - 1]; --j) std::swap(cuts[j], cuts[j - 1]);
    for (int k = 0; k + 1 < 6; ++k) {
      const int64_t j = cuts[k], n = cuts[k + 1] - j;
      if (n <= 0 || j < from || j >= to) continue;
      const int64_t a = r.a + j * r.da, d = r.d + j * r.dd, f = r.f + j * r.df;
      if (f <= mfl) continue;  // accepted before mfl and free: as good as pruned
      one(std::max(a, fl - 1) - ref, std::max(d, fl) - ref, std::max(f, fl) - ref);
      bulk(n - 1, a > fl - 1 ? r.da : 0, d > fl ? r.dd : 0, f > fl ? r.df : 0);
    }
  }
  // From the cut on: nothing is clamped, whole runs at once.
  for (std::size_t i = cut.run; i < runs_.size(); ++i) {
    const Run& r = runs_[i];
    const int64_t from = i == cut.run ? cut.off : 0;
    if (from >= r.n) continue;
    one(r.a + from * r.da - ref, r.d + from * r.dd - ref, r.f + from * r.df - ref);
    bulk(r.n - 1 - from, r.da, r.dd, r.df);
  }
  if (run > 0) w[0] = run, w[1] = da, w[2] = dd, w[3] = df, w += 4;
  *count = kept;
  key->insert(key->end(), count, w);
}

}  // namespace acv
