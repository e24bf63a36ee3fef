// The evaluator's state, its layout and its extrapolation key (see eval_state.h).
#include "estimator/eval_state.h"

#include <algorithm>
#include <limits>

#include "estimator/address_frame.h"

namespace acv {

void shift_times(State* s, int64_t by) {
  for (auto& v : s->t) v += by;
  for (auto& l : s->fixed) {
    l.write_ready += by;
    l.write_end += by;
    l.read_end += by;
  }
  for (auto& open : s->open)
    for (auto& x : open) {
      x.l.write_ready += by;
      x.l.write_end += by;
      x.l.read_end += by;
    }
  for (auto& log : s->requests) log.shift(by);
  s->max_end += by;
}

StateLayout::StateLayout(const BoundArch& arch) : a_(arch) {
  int slots = 0, rings = 0;
  for (const auto& o : a_.objects) {
    obj_base_.push_back(slots);
    obj_ring_.push_back(o.kind == ObjectKind::Queue ? rings++ : -1);
    if (o.kind == ObjectKind::Stage) slots += 1;
    else if (o.kind == ObjectKind::Queue) slots += static_cast<int>(o.capacity);
    else slots += static_cast<int>(o.instances) + 1;  // instance free times, last start
    obj_slots_.push_back(slots - obj_base_.back());
  }
  for (const auto& st : a_.storages) {
    st_port_base_.push_back(slots);
    slots += static_cast<int>(st.banks * (st.read_ports + st.write_ports));
  }
  fixed_key_size_ = 1;
  for (const auto& o : a_.objects)
    fixed_key_size_ += static_cast<std::size_t>(o.kind == ObjectKind::Stage   ? 1
                                                : o.kind == ObjectKind::Queue ? o.capacity
                                                                              : o.instances + 1);
  for (const auto& st : a_.storages)
    fixed_key_size_ += static_cast<std::size_t>(3 * st.locations + st.banks * (st.read_ports + st.write_ports));
  slots_ = slots;
  rings_ = rings;
  std::size_t fixed = 0;
  for (const auto& st : a_.storages) {
    fixed_base_.push_back(fixed);
    fixed += static_cast<std::size_t>(st.locations);
  }
  // The key's slots in groups: each stage, queue ring and unit, then each bank's read and write
  // ports; neighbouring plain slots in one group.
  auto group = [&](int first, int64_t n, int ring, bool sorted) {
    if (n <= 0) return;
    sorted &= n > 1;
    if (!key_groups_.empty()) {
      KeyGroup& last = key_groups_.back();
      if (ring < 0 && !sorted && last.ring < 0 && !last.sorted && last.first + last.n == first) {
        last.n += static_cast<int>(n);
        return;
      }
    }
    key_groups_.push_back(KeyGroup{first, static_cast<int>(n), ring, sorted});
  };
  for (std::size_t o = 0; o < a_.objects.size(); ++o) {
    const BoundObject& ob = a_.objects[o];
    const int base = obj_base_[o];
    if (ob.kind == ObjectKind::Stage) {
      group(base, 1, -1, false);
    } else if (ob.kind == ObjectKind::Queue) {
      group(base, ob.capacity, obj_ring_[o], false);
    } else {
      group(base, ob.instances, -1, true);  // instances are interchangeable
      group(base + static_cast<int>(ob.instances), 1, -1, false);
    }
  }
  for (std::size_t st = 0; st < a_.storages.size(); ++st) {
    const BoundStorage& bs = a_.storages[st];
    const int64_t per_bank = bs.read_ports + bs.write_ports;
    for (int64_t b = 0; b < bs.banks; ++b)
      for (int kind = 0; kind < 2; ++kind)
        group(st_port_base_[st] + static_cast<int>(b * per_bank + (kind ? bs.read_ports : 0)),
              kind ? bs.write_ports : bs.read_ports, -1, true);
  }
  // Objects a new instruction can enter first: their availability bounds every future start. A
  // step is never an instruction's first when an earlier step always runs with it (no `when`, or
  // the same `when`): it starts after that one.
  std::vector<char> entry(a_.objects.size(), 0);
  for (const auto& bo : a_.opcodes) {
    if (!bo.cls) continue;
    const auto& steps = bo.cls->steps;
    for (std::size_t j = 0; j < steps.size(); ++j) {
      const auto& step = steps[j];
      bool first = true;
      for (std::size_t i = 0; i < j && first; ++i)
        first = !steps[i].when.empty() && steps[i].when.text() != step.when.text();
      if (!first) continue;
      int x = step.unit;
      while (a_.objects[static_cast<std::size_t>(x)].from >= 0) x = a_.objects[static_cast<std::size_t>(x)].from;
      entry[static_cast<std::size_t>(x)] = 1;
    }
  }
  for (std::size_t o = 0; o < entry.size(); ++o)
    if (entry[o]) entries_.push_back(static_cast<int>(o));
  // Units whose steps make requests to each memory interface.
  mem_units_.resize(a_.memories.size());
  for (const auto& bo : a_.opcodes) {
    if (!bo.cls) continue;
    for (const auto& step : bo.cls->steps) {
      if (!step.has_memory) continue;
      auto& u = mem_units_[static_cast<std::size_t>(step.memory.memory)];
      if (std::find(u.begin(), u.end(), step.unit) == u.end()) u.push_back(step.unit);
    }
  }
}

State StateLayout::initial_state() const {
  State s;
  s.t.assign(static_cast<std::size_t>(slots_), kNever);
  s.head.assign(static_cast<std::size_t>(rings_), 0);
  s.fixed.resize(fixed_base_.empty() ? 0 : fixed_base_.back() + static_cast<std::size_t>(a_.storages.back().locations));
  s.open.resize(a_.storages.size());
  s.requests.resize(a_.memories.size());
  s.busy.assign(a_.desc->objects.size() + a_.desc->memories.size(), 0);
  return s;
}

// A lower bound of every start time still to come; times below it can no longer matter.
int64_t StateLayout::floor_time(const State& s) const {
  int64_t f = std::numeric_limits<int64_t>::max();
  for (int o : entries_) {
    const BoundObject& ob = a_.objects[static_cast<std::size_t>(o)];
    const int base = obj_base_[static_cast<std::size_t>(o)];
    int64_t v;
    if (ob.kind == ObjectKind::Stage) {
      v = s.t[static_cast<std::size_t>(base)];
    } else {
      v = std::numeric_limits<int64_t>::max();
      for (int64_t k = 0; k < ob.instances; ++k) v = std::min(v, s.t[static_cast<std::size_t>(base + k)]);
      if (ob.in_order) v = std::max(v, s.t[static_cast<std::size_t>(base + ob.instances)]);
    }
    f = std::min(f, v);
  }
  return f == std::numeric_limits<int64_t>::max() ? 0 : f;
}

// A lower bound of the acceptance cycle of every request to memory `m` still to come: such a
// request belongs to a step on one of the units in mem_units_[m], which starts no earlier than
// that unit's earliest free instance (instance free times only grow).
int64_t StateLayout::memory_floor(const State& s, std::size_t m, int64_t fl) const {
  const auto& units = mem_units_[m];
  if (units.empty()) return fl;
  int64_t f = std::numeric_limits<int64_t>::max();
  for (int o : units) {
    const BoundObject& ob = a_.objects[static_cast<std::size_t>(o)];
    const int base = obj_base_[static_cast<std::size_t>(o)];
    for (int64_t k = 0; k < ob.instances; ++k) f = std::min(f, s.t[static_cast<std::size_t>(base + k)]);
  }
  return std::max(f, fl);
}

void StateLayout::shift_quiet(State* s, const Quiet& q, int64_t by, bool open) const {
  quiet_parts(
      q, [&](int first, int64_t n) { for (int64_t k = 0; k < n; ++k) s->t[static_cast<std::size_t>(first + k)] += by; },
      [&](std::size_t first, int64_t n) {
        for (int64_t k = 0; k < n; ++k) {
          Location& l = s->fixed[first + static_cast<std::size_t>(k)];
          l.write_ready += by, l.write_end += by, l.read_end += by;
        }
      });
  if (open)
    for_each_bit(q.st, [&](std::size_t st) {
      if (a_.storages[st].locations == 0)
        for (auto& x : s->open[st]) x.l.write_ready += by, x.l.write_end += by, x.l.read_end += by;
    });
  for_each_bit(q.mem, [&](std::size_t m) { s->requests[m].shift(by); });
}

bool StateLayout::make_key(State* sp, int64_t phase, AddressFrame* frame, int64_t i, std::vector<int64_t>* key,
                           const Quiet* quiet, uint64_t read_only) {
  if (quiet && !quiet->any()) quiet = nullptr;
State& s_ = *sp;
  // The objects' and fixed storages' part has the same length every time: written in place. A key
  // moved into a history leaves none behind: room for one as long as the last one from the start.
  if (key->capacity() < last_key_size_) key->reserve(last_key_size_);
  key->resize(fixed_key_size_);
  int64_t* out = key->data();
  *out++ = phase;
  const int64_t fl = floor_time(s_);
  const int64_t ref = s_.max_end;
  auto put = [&](int64_t v) { *out++ = std::max(v, fl) - ref; };
  // Interchangeable times (instances, ports) in order: sorted as written (put() keeps the order).
  auto put_sorted = [&](const int64_t* v, int64_t n) {
    int64_t* from = out;
    for (int64_t k = 0; k < n; ++k) put(v[k]);
    if (n == 2) {
      if (from[1] < from[0]) std::swap(from[0], from[1]);
    } else if (n > 2) {
      std::sort(from, out);
    }
  };
  for (const KeyGroup& g : key_groups_) {
    const int64_t* v = &s_.t[static_cast<std::size_t>(g.first)];
    if (g.ring >= 0) {
      const int64_t h = s_.head[static_cast<std::size_t>(g.ring)];
      for (int64_t k = 0; k < g.n; ++k) put(v[(h + k) % g.n]);
    } else if (g.sorted) {
      put_sorted(v, g.n);
    } else {
      for (int k = 0; k < g.n; ++k) put(v[k]);
    }
  }
  for (const Location& l : s_.fixed) {
    put(l.write_ready);
    put(l.write_end);
    put(l.read_end);
  }
  if (quiet) {
    int64_t* k = key->data() + 1;  // slot x at 1 + x, then the fixed storages' locations
    quiet_parts(
        *quiet, [&](int first, int64_t n) { std::fill_n(k + first, n, kQuiet); },
        [&](std::size_t first, int64_t n) { std::fill_n(k + slots_ + 3 * first, 3 * n, kQuiet); });
  }
  // Locations as maximal runs of consecutive ones with the same clamped times: equal keys for equal
  // locations however their ranges are cut. (index, n, times), or (stride, offset, n, times) moving.
  auto times = [&](int64_t* w, const Location& l) {
    w[0] = std::max(l.write_ready, fl) - ref;
    w[1] = std::max(l.write_end, fl) - ref;
    w[2] = std::max(l.read_end, fl) - ref;
  };
  auto same_times = [](const int64_t* x, const int64_t* y) { return x[0] == y[0] && x[1] == y[1] && x[2] == y[2]; };
  extra_words_ = 0;
  for (std::size_t st = 0; st < a_.storages.size(); ++st) {
    const BoundStorage& bs = a_.storages[st];
    if (bs.locations == 0 && quiet && has_bit(quiet->st, st) && !frame) {
      key->push_back(kQuiet);
    } else if (bs.locations == 0) {
      auto& open = s_.open[st];
      auto& live = key_live_;
      // Locations as good as never touched are dropped.
      open.erase_if([&](const Location& l) { return l.write_ready <= fl && l.write_end <= fl && l.read_end <= fl; });
      if (frame && has_bit(read_only, st)) {
        if (frame->settled(st, open, fl)) {
          if (!frame->same_banks(bs, st)) return false;
          key->push_back(kReadOnly);
          continue;
        }
        // Loads still land where it reads: it rarely repeats before they have, and keys cost.
        return false;
      }
      live.assign(open.begin(), open.end());
      if (frame && !frame->relative_key(bs, st, i, &live)) return false;
      static const std::vector<AddressFrame::MovingRange> none;
      const auto& moving = frame ? frame->moving() : none;
      // Sized for the most runs and written in place: keys are long and made often.
      const std::size_t at = key->size();
      key->resize(at + 1 + 5 * live.size() + (frame ? 1 + 6 * moving.size() : 0));
      int64_t* w = key->data() + at;
      int64_t* count = w++;
      int64_t rows = 0, runs = 0, end = 0;
      for (const auto& x : live) {
        rows += x.n;
        times(w + 2, x.l);
        if (runs > 0 && end == x.lo && same_times(w - 3, w + 2)) {
          w[-4] += x.n;
        } else {
          w[0] = x.lo, w[1] = x.n;
          w += 5, ++runs;
        }
        end = x.end();
      }
      *count = runs;
      extra_words_ += 4 * rows - 5 * runs;
      if (frame) {
        count = w++;
        rows = runs = 0;
        for (const auto& x : moving) {
          rows += x.n;
          times(w + 3, x.l);
          if (runs > 0 && w[-6] == x.c && end == x.offset && same_times(w - 3, w + 3)) {
            w[-4] += x.n;
          } else {
            w[0] = x.c, w[1] = x.offset, w[2] = x.n;
            w += 6, ++runs;
          }
          end = x.offset + x.n;
        }
        *count = runs;
        extra_words_ += 5 * rows - 6 * runs;
      }
      key->resize(static_cast<std::size_t>(w - key->data()));
    }
  }
  if (frame) frame->append_streams(key);
  for (std::size_t m = 0; m < a_.memories.size(); ++m) {
    // The requests that can still matter (see RequestLog::encode), dropping the others for good.
    const int64_t mfl = memory_floor(s_, m, fl);
    s_.requests[m].prune(mfl);
    if (quiet && has_bit(quiet->mem, m)) key->push_back(kQuiet);
    else s_.requests[m].encode(fl, mfl, ref, key);
  }
  last_key_size_ = key->size();
  return true;
}

}  // namespace acv
