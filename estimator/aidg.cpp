// AIDG evaluation in program order with loop-kernel extrapolation (see method.md, sections 2 and 3).
#include "aidg.h"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <limits>
#include <unordered_map>

#include "estimator/request_log.h"

namespace acv {

namespace {

constexpr int64_t kNever = 0;  // "no constraint yet": nothing starts before cycle 0

struct Location {
  int64_t write_ready = kNever, write_end = kNever, read_end = kNever;
};

struct KeyHash {
  std::size_t operator()(const std::vector<int64_t>& k) const {
    // FNV-style over four interleaved lanes: no serial multiply chain over the whole (long) key.
    constexpr uint64_t kPrime = 1099511628211ull;
    uint64_t h0 = 1469598103934665603ull, h1 = h0 ^ 1, h2 = h0 ^ 2, h3 = h0 ^ 3;
    const std::size_t n = k.size();
    const int64_t* p = k.data();
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
      h0 = (h0 ^ static_cast<uint64_t>(p[i])) * kPrime;
      h1 = (h1 ^ static_cast<uint64_t>(p[i + 1])) * kPrime;
      h2 = (h2 ^ static_cast<uint64_t>(p[i + 2])) * kPrime;
      h3 = (h3 ^ static_cast<uint64_t>(p[i + 3])) * kPrime;
    }
    for (; i < n; ++i) h0 = (h0 ^ static_cast<uint64_t>(p[i])) * kPrime;
    uint64_t h = ((h0 * kPrime ^ h1) * kPrime ^ h2) * kPrime ^ h3;
    h = (h ^ n) * kPrime;
    return static_cast<std::size_t>(h ^ (h >> 29));
  }
};

// The evaluator's whole state: availability times of every object, location and interface.
struct State {
  std::vector<int64_t> t;      // fixed slots (see Evaluator's layout)
  std::vector<int64_t> head;   // ring positions of queues and memory interfaces
  std::vector<std::vector<Location>> fixed;                  // storages with a fixed location count
  std::vector<std::unordered_map<int64_t, Location>> open;  // unbounded storages by index
  std::vector<RequestLog> requests;  // per memory interface
  int64_t max_end = 0;
  std::vector<int64_t> busy;   // per object, then per memory interface
};

class Evaluator {
 public:
  Evaluator(const BoundArch& arch, const EstimateOptions& options) : a_(arch), opt_(options) { layout(); }

  Estimate run(const Program& program) {
    idx_.assign(static_cast<std::size_t>(program.max_depth()) + 1, 0);
    count_represented(program.top, 1);
    eval_loop(program.top, 0);
    est_.cycles = s_.max_end;
    const auto& d = *a_.desc;
    int64_t best = -1;
    for (std::size_t o = 0; o < d.objects.size(); ++o) {
      if (d.objects[o].kind == ObjectKind::Queue) continue;
      est_.busy[d.objects[o].name] = s_.busy[o];
      // The busiest per instance: `instances` copies share the work.
      const int64_t per = s_.busy[o] / a_.objects[o].instances;
      if (per > best) best = per, est_.bottleneck = d.objects[o].name;
    }
    for (std::size_t m = 0; m < d.memories.size(); ++m) {
      const int64_t b = s_.busy[d.objects.size() + m];
      est_.busy[d.memories[m].name] = b;
      if (b > best) best = b, est_.bottleneck = d.memories[m].name;
    }
    return est_;
  }

 private:
  // ---- state layout ------------------------------------------------------------------------
  void layout() {
    const auto& d = *a_.desc;
    int slots = 0, rings = 0;
    for (const auto& o : a_.objects) {
      obj_base_.push_back(slots);
      obj_ring_.push_back(o.kind == ObjectKind::Queue ? rings++ : -1);
      if (o.kind == ObjectKind::Stage) slots += 1;
      else if (o.kind == ObjectKind::Queue) slots += static_cast<int>(o.capacity);
      else slots += static_cast<int>(o.instances) + 1;  // instance free times, last start
    }
    for (const auto& st : a_.storages) {
      s_.fixed.emplace_back(static_cast<std::size_t>(st.locations));
      st_port_base_.push_back(slots);
      slots += static_cast<int>(st.banks * (st.read_ports + st.write_ports));
    }
    s_.requests.resize(a_.memories.size());
    fixed_key_size_ = 1;
    for (const auto& o : a_.objects)
      fixed_key_size_ += static_cast<std::size_t>(o.kind == ObjectKind::Stage   ? 1
                                                  : o.kind == ObjectKind::Queue ? o.capacity
                                                                                : o.instances + 1);
    for (const auto& st : a_.storages)
      fixed_key_size_ += static_cast<std::size_t>(3 * st.locations + st.banks * (st.read_ports + st.write_ports));
    s_.t.assign(static_cast<std::size_t>(slots), kNever);
    s_.head.assign(static_cast<std::size_t>(rings), 0);
    s_.open.resize(a_.storages.size());
    s_.busy.assign(d.objects.size() + d.memories.size(), 0);
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
    fields_.assign(64, 0);
    field_src_.assign(64, nullptr);
    field_stamp_.assign(64, 0);
    latched_.resize(a_.opcodes.size());
    latched_src_.resize(a_.opcodes.size());
    latched_stamp_.resize(a_.opcodes.size());
    addr_field_.resize(a_.opcodes.size());
    for (std::size_t op = 0; op < a_.opcodes.size(); ++op) {
      const BoundOpcode& bo = a_.opcodes[op];
      for (int pf : bo.latch)
        if (latched_[op].size() <= static_cast<std::size_t>(pf)) latched_[op].resize(static_cast<std::size_t>(pf) + 1, 0);
      latched_src_[op].assign(latched_[op].size(), nullptr);
      latched_stamp_[op].assign(latched_[op].size(), 0);
      if (!bo.cls) continue;
      // Class field (own, then carried) -> whether its value is an address operand.
      auto is_address = [&](int opcode, int pf) {
        if (opcode < 0 || pf < 0) return false;
        const auto& addr = a_.opcodes[static_cast<std::size_t>(opcode)].address;
        return static_cast<std::size_t>(pf) < addr.size() && addr[static_cast<std::size_t>(pf)] >= 0;
      };
      for (int pf : bo.program_field) addr_field_[op].push_back(is_address(static_cast<int>(op), pf));
      for (const auto& c : bo.carried) addr_field_[op].push_back(is_address(c.first, c.second));
    }
  }

  int64_t& slot(int i) { return s_.t[static_cast<std::size_t>(i)]; }

  // A lower bound of every start time still to come; times below it can no longer matter.
  int64_t floor_time() const {
    int64_t f = std::numeric_limits<int64_t>::max();
    for (int o : entries_) {
      const BoundObject& ob = a_.objects[static_cast<std::size_t>(o)];
      const int base = obj_base_[static_cast<std::size_t>(o)];
      int64_t v;
      if (ob.kind == ObjectKind::Stage) {
        v = s_.t[static_cast<std::size_t>(base)];
      } else {
        v = std::numeric_limits<int64_t>::max();
        for (int64_t k = 0; k < ob.instances; ++k) v = std::min(v, s_.t[static_cast<std::size_t>(base + k)]);
        if (ob.in_order) v = std::max(v, s_.t[static_cast<std::size_t>(base + ob.instances)]);
      }
      f = std::min(f, v);
    }
    return f == std::numeric_limits<int64_t>::max() ? 0 : f;
  }

  // A lower bound of the acceptance cycle of every request to memory `m` still to come: such a
  // request belongs to a step on one of the units in mem_units_[m], which starts no earlier than
  // that unit's earliest free instance (instance free times only grow).
  int64_t memory_floor(std::size_t m, int64_t fl) const {
    const auto& units = mem_units_[m];
    if (units.empty()) return fl;
    int64_t f = std::numeric_limits<int64_t>::max();
    for (int o : units) {
      const BoundObject& ob = a_.objects[static_cast<std::size_t>(o)];
      const int base = obj_base_[static_cast<std::size_t>(o)];
      for (int64_t k = 0; k < ob.instances; ++k) f = std::min(f, s_.t[static_cast<std::size_t>(base + k)]);
    }
    return std::max(f, fl);
  }

  // The state relative to its latest end, with times that can no longer matter clamped away.
  // False when the state cannot be keyed address-relative (see relative_key()).
  bool make_key(int64_t phase, std::vector<int64_t>* key) {
    // The objects' and fixed storages' part has the same length every time: written in place.
    key->resize(fixed_key_size_);
    int64_t* out = key->data();
    *out++ = phase;
    const int64_t fl = floor_time();
    const int64_t ref = s_.max_end;
    auto put = [&](int64_t v) { *out++ = std::max(v, fl) - ref; };
    std::vector<int64_t>& tmp = key_tmp_;
    for (std::size_t o = 0; o < a_.objects.size(); ++o) {
      const BoundObject& ob = a_.objects[o];
      const int base = obj_base_[o];
      if (ob.kind == ObjectKind::Stage) {
        put(slot(base));
      } else if (ob.kind == ObjectKind::Queue) {
        const int64_t h = s_.head[static_cast<std::size_t>(obj_ring_[o])];
        for (int64_t k = 0; k < ob.capacity; ++k) put(slot(base + static_cast<int>((h + k) % ob.capacity)));
      } else {
        tmp.clear();
        for (int64_t k = 0; k < ob.instances; ++k) tmp.push_back(std::max(slot(base + static_cast<int>(k)), fl));
        std::sort(tmp.begin(), tmp.end());  // instances are interchangeable
        for (int64_t v : tmp) put(v);
        put(slot(base + static_cast<int>(ob.instances)));
      }
    }
    for (std::size_t st = 0; st < a_.storages.size(); ++st) {
      const BoundStorage& bs = a_.storages[st];
      for (const Location& l : s_.fixed[st]) {
        put(l.write_ready);
        put(l.write_end);
        put(l.read_end);
      }
      const int64_t per_bank = bs.read_ports + bs.write_ports;
      for (int64_t b = 0; b < bs.banks; ++b)
        for (int kind = 0; kind < 2; ++kind) {
          tmp.clear();
          const int64_t first = b * per_bank + (kind ? bs.read_ports : 0);
          const int64_t n = kind ? bs.write_ports : bs.read_ports;
          for (int64_t p = 0; p < n; ++p) tmp.push_back(std::max(slot(st_port_base_[st] + static_cast<int>(first + p)), fl));
          std::sort(tmp.begin(), tmp.end());
          for (int64_t v : tmp) put(v);
        }
    }
    auto add = [&](int64_t v) { key->push_back(std::max(v, fl) - ref); };
    for (std::size_t st = 0; st < a_.storages.size(); ++st) {
      const BoundStorage& bs = a_.storages[st];
      if (bs.locations == 0) {
        auto& open = s_.open[st];
        auto& live = key_live_;
        live.clear();
        for (auto it = open.begin(); it != open.end();) {
          const Location& l = it->second;
          if (l.write_ready <= fl && l.write_end <= fl && l.read_end <= fl) {
            it = open.erase(it);  // as good as never touched
          } else {
            live.emplace_back(it->first, l);
            ++it;
          }
        }
        if (rel_ && !relative_key(st, &live)) return false;
        std::sort(live.begin(), live.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
        key->push_back(static_cast<int64_t>(live.size()));
        for (const auto& l : live) {
          key->push_back(l.first);
          add(l.second.write_ready);
          add(l.second.write_end);
          add(l.second.read_end);
        }
        if (rel_) {
          key->push_back(static_cast<int64_t>(key_moving_.size()));
          for (const auto& l : key_moving_) {
            key->insert(key->end(), {l.c, l.offset});
            add(l.l.write_ready);
            add(l.l.write_end);
            add(l.l.read_end);
          }
        }
      }
    }
    if (rel_) {
      // The streams (their bands decide which locations move) and the carried addresses.
      for (const Stream& x : rel_->streams) key->insert(key->end(), {x.storage, x.c, x.lo, x.hi});
      const int64_t i = idx_[static_cast<std::size_t>(rel_->depth)];
      for (std::size_t op = 0; op < a_.opcodes.size(); ++op)
        for (int pf : a_.opcodes[op].latch) {
          const auto f = static_cast<std::size_t>(pf);
          if (latched_stamp_[op][f] <= rel_->start_stamp || a_.opcodes[op].address[f] < 0) continue;
          key->push_back(latched_[op][f] - latched_stride(op, f) * i);
        }
    }
    for (std::size_t m = 0; m < a_.memories.size(); ++m) {
      // The requests that can still matter (see RequestLog::encode), dropping the others for good.
      const int64_t mfl = memory_floor(m, fl);
      s_.requests[m].prune(mfl);
      s_.requests[m].encode(fl, mfl, ref, key);
    }
    return true;
  }

  // ---- address-relative keys ---------------------------------------------------------------
  // In a segment of an innermost loop whose address operands move by constant strides, two
  // iterations are alike up to a shift of addresses. Each address operand's accesses form a stream
  // with the stride c of its operand (0 for one that stays or repeats), observed as offsets
  // `address - c * i` relative to the iteration i, which repeat with the loop's period; over the
  // segment a stream covers its band. When the bands of different strides do not overlap, moving
  // every location in a band of stride c by c per iteration (the others stay) maps the state and the
  // accesses of one iteration onto the next: the key holds such locations relative to c * i, and
  // extrapolating n iterations moves them by n * c (shift_addresses()).
  struct Stream {
    const Expr* e;
    bool owned;   // a carried value latched before the segment stays: stride 0
    int64_t storage, c, lo, hi;  // offsets lo..hi relative to c * i
    int64_t band_lo() const { return c == 0 ? lo : lo + std::min(c * begin_, c * (end_ - 1)); }
    int64_t band_hi() const { return c == 0 ? hi : hi + std::max(c * begin_, c * (end_ - 1)); }
    int64_t begin_, end_;
  };
  struct Relative {
    int depth;
    int64_t begin, end, period, trips;
    uint64_t start_stamp;
    std::vector<Stream> streams;
  };

  int64_t latched_stride(std::size_t op, std::size_t pf) const {
    const Expr* e = latched_src_[op][pf];
    const int d = rel_->depth;
    return e && shifts_without_wrap(*e, d, rel_->trips, idx_.data()) ? stride_of(*e, d) : 0;
  }

  void observe(int storage, const Expr* e, bool owned, int64_t index, int64_t count) {
    if (count <= 0 || !e) return;
    Stream* x = nullptr;
    for (Stream& y : rel_->streams)
      if (y.e == e && y.owned == owned && y.storage == storage) x = &y;
    if (!x) {
      const int d = rel_->depth;
      const int64_t c = owned && shifts_without_wrap(*e, d, rel_->trips, idx_.data()) ? stride_of(*e, d) : 0;
      rel_->streams.push_back(Stream{e, owned, storage, c, std::numeric_limits<int64_t>::max(),
                                     std::numeric_limits<int64_t>::min(), rel_->begin, rel_->end});
      x = &rel_->streams.back();
    }
    const int64_t off = index - x->c * idx_[static_cast<std::size_t>(rel_->depth)];
    x->lo = std::min(x->lo, off);
    x->hi = std::max(x->hi, off + count - 1);
  }

  // The stride of the band holding `address` of `storage`; false when bands of different strides
  // overlap there.
  bool band_stride(int64_t storage, int64_t address, int64_t* c, bool* in_band = nullptr) const {
    bool found = false;
    for (const Stream& x : rel_->streams) {
      if (x.storage != storage || address < x.band_lo() || address > x.band_hi()) continue;
      if (found && x.c != *c) return false;
      *c = x.c;
      found = true;
    }
    if (!found) *c = 0;
    if (in_band) *in_band = found;
    return true;
  }

  // Rewrites the live locations of `storage` for the key: those in a band of stride c != 0 at
  // `address - c * i` (tagged by a second, out-of-range coordinate). False when the bands of different
  // strides overlap or a shift would move a location to another bank.
  bool relative_key(std::size_t storage, std::vector<std::pair<int64_t, Location>>* live) {
    const auto st = static_cast<int64_t>(storage);
    const int64_t banks = a_.storages[storage].banks;
    for (const Stream& x : rel_->streams) {
      if (x.storage != st) continue;
      if ((x.c * rel_->period) % banks != 0) return false;
      for (const Stream& y : rel_->streams)
        if (y.storage == st && y.c != x.c && !(x.band_hi() < y.band_lo() || y.band_hi() < x.band_lo())) return false;
    }
    const int64_t i = idx_[static_cast<std::size_t>(rel_->depth)];
    auto& moving = key_moving_;
    moving.clear();
    std::size_t kept = 0;
    for (auto& l : *live) {
      int64_t c = 0;
      bool in_band = false;
      if (!band_stride(st, l.first, &c, &in_band)) return false;
      // A location in no band is never accessed in the segment: it cannot change its timing, and it
      // keeps its times through the extrapolation (move_addresses()).
      if (!in_band) continue;
      if (c != 0) moving.push_back(MovingLocation{c, l.first - c * i, l.second});
      else (*live)[kept++] = l;
    }
    live->resize(kept);
    std::sort(moving.begin(), moving.end(), [](const MovingLocation& x, const MovingLocation& y) {
      return x.c != y.c ? x.c < y.c : x.offset < y.offset;
    });
    return true;
  }
  struct MovingLocation {
    int64_t c, offset;
    Location l;
  };
  std::vector<MovingLocation> key_moving_;  // scratch of make_key(): relative_key()'s locations

  // Whether every location in a band of stride c stays in such a band when moved by k * c.
  bool can_move_addresses(int64_t k) const {
    for (std::size_t st = 0; st < s_.open.size(); ++st) {
      if (a_.storages[st].locations != 0) continue;
      for (const auto& kv : s_.open[st]) {
        int64_t c = 0, c2 = 0;
        bool in_band = false, still = false;
        if (!band_stride(static_cast<int64_t>(st), kv.first, &c, &in_band)) return false;
        if (c != 0 && (!band_stride(static_cast<int64_t>(st), kv.first + k * c, &c2, &still) || !still || c2 != c))
          return false;
      }
    }
    return true;
  }

  // After extrapolating `k` iterations and shifting the state's times by `by`: every location in a
  // band of stride c moves by k * c, carried addresses latched in the segment likewise, and the
  // locations in no band keep their times (the segment never touched them).
  void move_addresses(int64_t k, int64_t by) {
    for (std::size_t st = 0; st < s_.open.size(); ++st) {
      if (a_.storages[st].locations != 0) continue;
      auto& open = s_.open[st];
      std::unordered_map<int64_t, Location> moved;
      moved.reserve(open.size());
      for (const auto& kv : open) {
        int64_t c = 0;
        bool in_band = false;
        band_stride(static_cast<int64_t>(st), kv.first, &c, &in_band);
        Location l = kv.second;
        if (!in_band) l.write_ready -= by, l.write_end -= by, l.read_end -= by;
        moved.emplace(kv.first + k * c, l);
      }
      open.swap(moved);
    }
    for (std::size_t op = 0; op < a_.opcodes.size(); ++op)
      for (int pf : a_.opcodes[op].latch) {
        const auto f = static_cast<std::size_t>(pf);
        if (latched_stamp_[op][f] <= rel_->start_stamp || a_.opcodes[op].address[f] < 0) continue;
        latched_[op][f] += k * latched_stride(op, f);
      }
  }

  void shift(int64_t by) { shift_state(&s_, by); }

  static void shift_state(State* st, int64_t by) {
    State& s_ = *st;
    for (auto& v : s_.t) v += by;
    for (auto& fixed : s_.fixed)
      for (auto& l : fixed) {
        l.write_ready += by;
        l.write_end += by;
        l.read_end += by;
      }
    for (auto& open : s_.open)
      for (auto& kv : open) {
        kv.second.write_ready += by;
        kv.second.write_end += by;
        kv.second.read_end += by;
      }
    for (auto& log : s_.requests) log.shift(by);
    s_.max_end += by;
  }

  // ---- one instruction ---------------------------------------------------------------------
  struct Access {
    const AccessSpec* spec;
    int64_t index, count, cycles;
    int port;
  };

  [[noreturn]] void bad(const SourceLoc& loc, const std::string& why) const {
    throw InputError(loc, why + " (layer instruction " + std::to_string(est_.evaluated_instructions) + ")");
  }

  Location* location(int st, int64_t i, const AccessSpec& spec) {
    const BoundStorage& bs = a_.storages[static_cast<std::size_t>(st)];
    if (bs.locations == 0) return &s_.open[static_cast<std::size_t>(st)][i];
    if (i < 0 || i >= bs.locations)
      bad(spec.loc, "location " + std::to_string(i) + " outside storage '" +
                        a_.desc->storages[static_cast<std::size_t>(st)].name + "' (0.." +
                        std::to_string(bs.locations - 1) + ")");
    return &s_.fixed[static_cast<std::size_t>(st)][static_cast<std::size_t>(i)];
  }

  void collect(const std::vector<AccessSpec>& specs, const EvalContext& ctx, bool write, std::vector<Access>* out) {
    for (const auto& sp : specs) {
      if (!sp.when.empty() && sp.when.eval(ctx) == 0) continue;
      Access x{&sp, sp.index.eval(ctx), sp.count.eval(ctx), sp.cycles.eval(ctx), -1};
      if (x.count < 0 || x.count > (1 << 20)) bad(sp.loc, "access count " + std::to_string(x.count) + " out of range");
      if (x.cycles < 0) bad(sp.loc, "negative port cycles");
      if (x.cycles > 0) {
        const BoundStorage& bs = a_.storages[static_cast<std::size_t>(sp.storage)];
        const int64_t bank = ((x.index % bs.banks) + bs.banks) % bs.banks;
        const int64_t first = bank * (bs.read_ports + bs.write_ports) + (write ? bs.read_ports : 0);
        const int64_t n = write ? bs.write_ports : bs.read_ports;
        int best = st_port_base_[static_cast<std::size_t>(sp.storage)] + static_cast<int>(first);
        for (int64_t p = 1; p < n; ++p) {
          const int cand = st_port_base_[static_cast<std::size_t>(sp.storage)] + static_cast<int>(first + p);
          if (slot(cand) < slot(best)) best = cand;
        }
        x.port = best;
      }
      out->push_back(x);
    }
  }

  void run_instruction(const Instruction& ins) {
    const BoundOpcode& bo = a_.opcodes[static_cast<std::size_t>(ins.opcode)];
    const InstructionClassSpec& cls = *bo.cls;
    const std::size_t nf = cls.fields.size();
    if (fields_.size() < nf + cls.carried.size()) fields_.resize(nf + cls.carried.size());
    if (field_src_.size() < fields_.size()) field_src_.resize(fields_.size()), field_stamp_.resize(fields_.size());
    ++stamp_;
    cur_op_ = static_cast<std::size_t>(ins.opcode);
    for (std::size_t f = 0; f < nf; ++f) {
      if (!bo.field_used[f]) continue;
      const auto pf = static_cast<std::size_t>(bo.program_field[f]);
      fields_[f] = pf < ins.operands.size() ? operand_value(ins.operands[pf], idx_.data()) : 0;
      if (rel_) field_src_[f] = pf < ins.operands.size() ? &ins.operands[pf] : nullptr, field_stamp_[f] = stamp_;
    }
    // Carried fields (decoder registers): the latest earlier instruction's values, then this one's
    // own for later instructions. Not part of the extrapolation key: they are relevant operands of
    // their source, so they repeat with the loop's period like every other relevant operand.
    for (std::size_t j = 0; j < bo.carried.size(); ++j) {
      const auto& c = bo.carried[j];
      const bool from = c.first >= 0 && bo.field_used[nf + j];
      const auto so = static_cast<std::size_t>(c.first), spf = static_cast<std::size_t>(c.second);
      fields_[nf + j] = from ? latched_[so][spf] : 0;
      if (rel_) field_src_[nf + j] = from ? latched_src_[so][spf] : nullptr, field_stamp_[nf + j] = from ? latched_stamp_[so][spf] : 0;
    }
    for (int pf : bo.latch) {
      const auto f = static_cast<std::size_t>(pf);
      const bool has = f < ins.operands.size();
      latched_[cur_op_][f] = has ? operand_value(ins.operands[f], idx_.data()) : 0;
      latched_src_[cur_op_][f] = has ? &ins.operands[f] : nullptr;
      latched_stamp_[cur_op_][f] = stamp_;
    }
    int64_t special[kNumSpecials] = {0};
    const EvalContext ctx = a_.context(fields_.data(), special);
    ++est_.evaluated_instructions;

    int64_t ready = 0;
    int holder = -1;     // slot released when the next object accepts the instruction
    int pending_q = -1;  // queue the instruction waits in
    int prev_unit = -1;
    passed_.clear();
    for (const auto& step : cls.steps) {
      if (!step.when.empty() && step.when.eval(ctx) == 0) continue;
      // The path from the previous step: the objects feeding this step's unit that the instruction
      // has not passed yet (a step on the unit it already occupies passes nothing again).
      path_.clear();
      if (step.unit != prev_unit) {
        for (int x = a_.objects[static_cast<std::size_t>(step.unit)].from;
             x >= 0 && std::find(passed_.begin(), passed_.end(), x) == passed_.end();
             x = a_.objects[static_cast<std::size_t>(x)].from)
          path_.push_back(x);
      }
      std::reverse(path_.begin(), path_.end());
      passed_.insert(passed_.end(), path_.begin(), path_.end());
      passed_.push_back(step.unit);
      for (int o : path_) {
        const BoundObject& ob = a_.objects[static_cast<std::size_t>(o)];
        const int base = obj_base_[static_cast<std::size_t>(o)];
        if (ob.kind == ObjectKind::Stage) {
          const int64_t s = std::max(ready, slot(base));
          if (holder >= 0) slot(holder) = std::max(slot(holder), s);
          slot(base) = s + ob.ii;
          s_.busy[static_cast<std::size_t>(o)] += ob.ii;
          ready = s + ob.latency;
          holder = base;
        } else if (ob.kind == ObjectKind::Queue) {
          const int64_t h = s_.head[static_cast<std::size_t>(obj_ring_[static_cast<std::size_t>(o)])];
          const int64_t e = std::max(ready, slot(base + static_cast<int>(h)));
          if (holder >= 0) slot(holder) = std::max(slot(holder), e);
          holder = -1;
          ready = e + ob.latency;
          pending_q = o;
        } else {
          ready = occupy(o, nullptr, ctx, special, ready, &holder, &pending_q);
        }
      }
      ready = occupy(step.unit, &step, ctx, special, ready, &holder, &pending_q);
      prev_unit = step.unit;
    }
    // A queue that holds its entry until the instruction is done frees it after the last step.
    if (deferred_q_ >= 0) release_queue(deferred_q_, ready);
    deferred_q_ = -1;
  }

  // The instruction on unit `o` from `ready` on; returns its end.
  int64_t occupy(int o, const StepSpec* step, const EvalContext& ctx, int64_t* special, int64_t ready, int* holder,
                 int* pending_q) {
    const BoundObject& ob = a_.objects[static_cast<std::size_t>(o)];
    const int base = obj_base_[static_cast<std::size_t>(o)];
    int inst = base;
    for (int64_t k = 1; k < ob.instances; ++k)
      if (slot(base + static_cast<int>(k)) < slot(inst)) inst = base + static_cast<int>(k);
    int64_t s = std::max(ready, slot(inst));
    const int last_start = base + static_cast<int>(ob.instances);
    if (ob.in_order) s = std::max(s, slot(last_start));
    reads_.clear();
    writes_.clear();
    if (step) {
      collect(step->reads, ctx, false, &reads_);
      collect(step->writes, ctx, true, &writes_);
      if (rel_) {
        const auto& addr = addr_field_[cur_op_];
        for (const auto* list : {&reads_, &writes_})
          for (const auto& x : *list) {
            const VarRef* v = x.spec->index.single_variable();
            if (!v || v->kind != VarKind::Field || !addr[static_cast<std::size_t>(v->index)]) continue;
            const auto f = static_cast<std::size_t>(v->index);
            observe(x.spec->storage, field_src_[f], field_stamp_[f] > rel_->start_stamp, x.index, x.count);
          }
      }
      for (const auto& r : reads_) {
        const StorageSpec& sp = a_.desc->storages[static_cast<std::size_t>(r.spec->storage)];
        if (sp.raw)
          for (int64_t i = 0; i < r.count; ++i) s = std::max(s, location(r.spec->storage, r.index + i, *r.spec)->write_ready);
        if (r.port >= 0) s = std::max(s, slot(r.port));
      }
      for (const auto& w : writes_) {
        const StorageSpec& sp = a_.desc->storages[static_cast<std::size_t>(w.spec->storage)];
        if (sp.war || sp.waw)
          for (int64_t i = 0; i < w.count; ++i) {
            const Location* l = location(w.spec->storage, w.index + i, *w.spec);
            if (sp.war) s = std::max(s, l->read_end);
            if (sp.waw) s = std::max(s, l->write_end);
          }
        if (w.port >= 0) s = std::max(s, slot(w.port));
      }
    }
    if (*holder >= 0) slot(*holder) = std::max(slot(*holder), s);
    const int pending = *pending_q;
    *pending_q = -1;
    if (pending >= 0 && !a_.objects[static_cast<std::size_t>(pending)].release_at_end) release_queue(pending, s);
    special[kMemDone] = special[kMemIssued] = 0;
    if (step && step->has_memory) memory(*step, ctx, s, special);
    const int64_t lat = (step && !step->latency.empty()) ? step->latency.eval(ctx) : ob.latency;
    const int64_t occ = (step && !step->ii.empty()) ? step->ii.eval(ctx) : (ob.ii >= 0 ? ob.ii : lat);
    if (lat < 0 || occ < 0 || lat > (int64_t{1} << 40) || occ > (int64_t{1} << 40))
      bad(step ? step->loc : a_.desc->objects[static_cast<std::size_t>(o)].loc,
          "latency " + std::to_string(lat) + " / occupancy " + std::to_string(occ) + " out of range");
    const int64_t end = s + lat;
    if (pending >= 0 && a_.objects[static_cast<std::size_t>(pending)].release_at_end) deferred_q_ = pending;
    const int64_t was_free = slot(inst);  // writes `at: free` take effect here
    slot(inst) = s + occ;
    slot(last_start) = s;
    s_.busy[static_cast<std::size_t>(o)] += occ;
    for (const auto& r : reads_) {
      for (int64_t i = 0; i < r.count; ++i) {
        Location* l = location(r.spec->storage, r.index + i, *r.spec);
        l->read_end = std::max(l->read_end, end);
      }
      if (r.port >= 0) slot(r.port) = s + r.cycles;
    }
    for (const auto& w : writes_) {
      const int64_t lat_w = a_.storages[static_cast<std::size_t>(w.spec->storage)].latency;
      const int64_t at = w.spec->at_free ? was_free : end;
      for (int64_t i = 0; i < w.count; ++i) {
        Location* l = location(w.spec->storage, w.index + i, *w.spec);
        l->write_end = std::max(l->write_end, at);
        l->write_ready = std::max(l->write_ready, at + lat_w);
      }
      if (w.port >= 0) slot(w.port) = s + w.cycles;
    }
    s_.max_end = std::max(s_.max_end, end);
    *holder = inst;
    return end;
  }

  void release_queue(int q, int64_t at) {
    const BoundObject& ob = a_.objects[static_cast<std::size_t>(q)];
    int64_t& h = s_.head[static_cast<std::size_t>(obj_ring_[static_cast<std::size_t>(q)])];
    slot(obj_base_[static_cast<std::size_t>(q)] + static_cast<int>(h)) = at + ob.release_delay;
    h = (h + 1) % ob.capacity;
  }

  // Requests of a step to external memory from `step_start`: sets mem_done / mem_issued, the cycles
  // until the last request completes / was issued.
  void memory(const StepSpec& step, const EvalContext& ctx, int64_t step_start, int64_t* special) {
    const int64_t start = step_start + step.memory.start.eval(ctx);
    const auto m = static_cast<std::size_t>(step.memory.memory);
    const BoundMemory& bm = a_.memories[m];
    const int64_t n = step.memory.requests.eval(ctx);
    const int64_t bytes = step.memory.bytes.eval(ctx);
    if (n < 0 || n > (int64_t{1} << 24) || bytes < 0 || bytes > (int64_t{1} << 40))
      bad(step.memory.loc, "memory access of " + std::to_string(n) + " requests of " + std::to_string(bytes) +
                               " bytes out of range");
    if (n == 0 || step.memory.start.eval(ctx) < 0) return;
    const int64_t xfer = (bytes + bm.bytes_per_cycle - 1) / bm.bytes_per_cycle;
    // One sweep in time over the placed requests (sorted by accept) and this step's new ones:
    // acceptance cycles only grow within a step, so every count below is a pointer that only
    // moves forward. The new requests are merged into the log at the end, each after the placed
    // requests accepted by its cycle (as if inserted one by one).
    // The placed requests that can still matter from `start` on (every one before them was accepted
    // before start and is free by then) come out of the log as a flat window: count those freed by
    // `start` (they stay freed), collect the later free cycles, and take the state at t = start
    // (accepted by / before start, their latest response).
    RequestLog& log = s_.requests[m];
    // Requests that can no longer matter cost only a binary search here; make_key drops them, and
    // so does this when the log grows long (full evaluation makes no keys).
    if (log.runs() > 512) log.prune(memory_floor(m, floor_time()));
    const RequestLog::Pos window_at = log.first_relevant(start);
    const int64_t done_before_window = log.done_before(window_at);
    const int64_t interval = step.memory.interval.empty() ? bm.request_interval : step.memory.interval.eval(ctx);
    if (interval < 0) bad(step.memory.loc, "negative request interval " + std::to_string(interval));
    const auto window = static_cast<std::size_t>(bm.max_outstanding);
    // The new requests depend only on the step's parameters and the placed window, relative to
    // start (an earlier response at or before start + latency never decides one): steps in a
    // steady state repeat that, so their requests are looked up instead of computed.
    memo_key_.assign({static_cast<int64_t>(m), n, xfer, interval, start - step_start,
                      std::max(done_before_window, start + bm.latency) - start});
    log.window_key(window_at, start, &memo_key_);
    if (memo_.size() > kMaxMemo) memo_.clear();
    auto [entry, fresh] = memo_.try_emplace(memo_key_);
    MemoEntry& e = entry->second;
    if (fresh) {
      log.materialize(window_at, &window_);
      new_.resize(static_cast<std::size_t>(n));
      const Generated g = generate_requests(bm, window_.data(), window_.size(), new_.data(), n, start, step_start,
                                            interval, xfer, done_before_window);
      e.requests = RequestLog();
      e.requests.append(new_.data(), g.k);
      if (g.repeat_count > 0)
        e.requests.append_repeated(new_.data() + g.k - window, window, g.repeat_delta, g.repeat_count);
      e.requests.shift(-start);
      e.first_accept = new_[0].accept - start;
      e.issue = g.issue - start;
      e.done = g.done - start;
    }
    const int64_t issue = start + e.issue, done = start + e.done;
    if (log.last_accept() <= start + e.first_accept) {
      log.append_log(e.requests, start);
    } else {
      // Placed requests fall among the new ones: merge them in (placed first among equals).
      log.merge_in(window_at, e.requests, start);
    }
    s_.busy[a_.objects.size() + m] += n * xfer;
    // Requests still in flight (writes) keep the run going until their slot is free again.
    s_.max_end = std::max(s_.max_end, done + bm.release_delay);
    special[kMemDone] = done - step_start;
    special[kMemIssued] = issue - step_start;
  }

  // A step's new requests (see memory()): the first `k` in nq, then `repeat_count` copies of the
  // last window of max_outstanding shifted by multiples of `repeat_delta`; `issue` / `done` are the
  // last acceptance and the latest response.
  struct Generated {
    std::size_t k;
    int64_t issue, done, repeat_count, repeat_delta;
  };

  Generated generate_requests(const BoundMemory& bm, const MemRequest* rq, std::size_t old_n, MemRequest* nq,
                              int64_t n, int64_t start, int64_t step_start, int64_t interval, int64_t xfer,
                              int64_t done_before_window) {
    const auto by_accept = [](const MemRequest& r, int64_t v) { return r.accept < v; };
    const auto accept_after = [](int64_t v, const MemRequest& r) { return v < r.accept; };
    const MemRequest* const old_end = rq + old_n;
    const auto window = static_cast<std::size_t>(bm.max_outstanding);
    std::size_t ilt = static_cast<std::size_t>(std::lower_bound(rq, old_end, start, by_accept) - rq);
    std::size_t ia = static_cast<std::size_t>(std::upper_bound(rq + ilt, old_end, start, accept_after) - rq);
    int64_t prefix_done = ia > 0 ? rq[ia - 1].prefix_done : done_before_window;
    // Requests before `q` are all free by start.
    const std::size_t q = static_cast<std::size_t>(
        std::partition_point(rq, old_end, [start](const MemRequest& r) { return r.prefix_free <= start; }) - rq);
    frees_.resize(old_n - q);
    int64_t* const fr = frees_.data();
    std::size_t nf = 0;
    for (std::size_t i = q; i < old_n; ++i) {
      fr[nf] = rq[i].free;
      nf += rq[i].free > start ? 1 : 0;
    }
    const int64_t freed_base = static_cast<int64_t>(old_n - nf);
    // Free cycles mostly grow with acceptance: sort only when they do not.
    if (!std::is_sorted(fr, fr + nf)) std::sort(fr, fr + nf);
    std::size_t k = 0, jf = 0, kn = 0;  // new requests, frees <= t, new frees <= t
    int64_t new_same = 0, last_new_accept = std::numeric_limits<int64_t>::min();
    int64_t done = step_start, issue = start - interval;
    const int64_t lat = bm.latency, rd = bm.release_delay;
    int64_t j = 0;
    for (; j < n; ++j) {
      // Every placed request accepted before t and free by then (at j == 0 the pointers stand at
      // start itself, where a request accepted at start still takes a port): see below.
      if (ia == old_n && jf == nf && interval >= 1 && (j > 0 || ilt == old_n)) break;
      // No placed request in flight at the last acceptance (every one accepted by then is freed):
      // until the next placed one is accepted only this step's requests count, as in the loop below.
      if (j > 0 && interval >= 1 && static_cast<int64_t>(ia) == freed_base + static_cast<int64_t>(jf)) {
        const int64_t next_placed = ia < old_n ? rq[ia].accept : std::numeric_limits<int64_t>::max();
        for (; j < n; ++j) {
          int64_t t = issue + interval;
          if (k >= window) t = std::max(t, nq[k - window].free);
          if (t >= next_placed) break;
          issue = t;
          const int64_t d = std::max(issue + lat, prefix_done) + xfer;
          nq[k++] = MemRequest{issue, d, d + rd};
          prefix_done = d;
          done = std::max(done, d);
        }
        if (j == n) break;
        last_new_accept = issue;
        new_same = 1;
      }
      // The first cycle from issue + interval on in which the interface accepts a request (see
      // the rule below memory()).
      int64_t t = issue + interval;
      for (;;) {
        while (ia < old_n && rq[ia].accept <= t) prefix_done = std::max(prefix_done, rq[ia++].done);
        while (ilt < old_n && rq[ilt].accept < t) ++ilt;
        while (jf < nf && fr[jf] <= t) ++jf;
        while (kn < k && nq[kn].free <= t) ++kn;
        const int64_t same = static_cast<int64_t>(ia - ilt) + (last_new_accept == t ? new_same : 0);
        const int64_t in_flight = static_cast<int64_t>(ia + k) -
                                  (freed_base + static_cast<int64_t>(jf) + static_cast<int64_t>(kn));
        if (in_flight >= bm.max_outstanding) {
          // Nothing frees before the earliest free after t.
          int64_t next_free = std::numeric_limits<int64_t>::max();
          if (jf < nf) next_free = fr[jf];
          if (kn < k) next_free = std::min(next_free, nq[kn].free);
          t = std::max(t + 1, next_free);
        } else if (same >= bm.ports) {
          ++t;
        } else {
          break;
        }
      }
      issue = t;
      // Responses leave in acceptance order: after every response of a request accepted earlier.
      const int64_t d = std::max(issue + lat, prefix_done) + xfer;
      nq[k++] = MemRequest{issue, d, d + rd};
      if (issue == last_new_accept) {
        ++new_same;
      } else {
        last_new_accept = issue;
        new_same = 1;
      }
      prefix_done = std::max(prefix_done, d);
      done = std::max(done, d);
    }
    // Every placed request is accepted before issue + interval and free by then: only this step's
    // requests matter. The port is free after the last acceptance (interval >= 1), and as free
    // cycles grow with acceptance, fewer than max_outstanding are in flight at t exactly when the
    // request max_outstanding places back is free by t.
    // The recurrence below depends only on the last request and the free cycles of the last window,
    // and is shift-invariant: once a window of its requests equals the window before plus one delta,
    // every later request is the one a window back plus that delta (checked once per window).
    const std::size_t tail_start = k;
    int64_t repeat_count = 0, repeat_delta = 0;  // requests left as copies of the last window
    std::size_t check_at = std::max(2 * window, tail_start + window + 1);
    for (; j < n; ++j) {
      if (k == check_at) {
        const int64_t delta = nq[k - 1].accept - nq[k - 1 - window].accept;
        bool periodic = true;
        for (std::size_t i = k - window; i < k && periodic; ++i)
          periodic = nq[i].accept == nq[i - window].accept + delta && nq[i].done == nq[i - window].done + delta &&
                     nq[i].free == nq[i - window].free + delta;
        if (periodic) {
          // The rest goes into the log as shifted copies of the last window (a few runs).
          repeat_count = n - j;
          repeat_delta = delta;
          const MemRequest& last = nq[k - window + static_cast<std::size_t>((repeat_count - 1) % bm.max_outstanding)];
          const int64_t last_shift = ((repeat_count - 1) / bm.max_outstanding + 1) * delta;
          issue = last.accept + last_shift;
          done = std::max(done, last.done + last_shift);
          break;
        }
        check_at += window;
      }
      int64_t t = issue + interval;
      if (k >= window) t = std::max(t, nq[k - window].free);
      issue = t;
      const int64_t d = std::max(issue + lat, prefix_done) + xfer;
      nq[k++] = MemRequest{issue, d, d + rd};
      prefix_done = d;  // d > every response so far (xfer >= 0 on top of their maximum)
      done = std::max(done, d);
    }
    return Generated{k, issue, done, repeat_count, repeat_delta};
  }

  // The rule memory() applies for each request, from `t` on: the first cycle in which the
  // interface accepts a request — its port takes `ports` requests per cycle and fewer than
  // max_outstanding requests are in flight (accepted by t and not yet free at t). Requests already
  // placed (by instructions earlier in program order) keep their cycles: a later instruction's
  // requests fill the cycles and slots they leave free, in time order. A request with free <= t
  // was accepted before t, so the requests in flight at t are those accepted by t less those freed
  // by t.

  // ---- loops -------------------------------------------------------------------------------
  void count_represented(const Loop& loop, int64_t times) {
    est_.represented_iterations += times * loop.trips;
    for (const auto& s : loop.body) {
      if (s.loop) count_represented(*s.loop, times * loop.trips);
      else est_.represented_instructions += times * loop.trips;
    }
  }

  void eval_iteration(const Loop& loop, int depth, int64_t i) {
    idx_[static_cast<std::size_t>(depth)] = i;
    ++est_.evaluated_iterations;
    for (const auto& s : loop.body) {
      if (s.loop) eval_loop(*s.loop, depth + 1);
      else run_instruction(s.instr);
    }
  }

  struct Seen {
    int64_t iteration, ref;
    std::size_t busy_at;  // its busy counters in seen_busy_
  };

  // Timing-relevant operands of a loop's instructions (nested ones included) as seen from its
  // entry: what the outer indices contribute, reduced to what decides the values inside the loop
  // (the residue of modulo operands, the bound of clamped ones that stay clamped).
  void loop_signature(const Loop& loop, int target, int loop_depth, std::vector<int64_t>* trips,
                      std::vector<int64_t>* key) const {
    __extension__ typedef __int128 Wide;
    for (const auto& st : loop.body) {
      if (st.loop) {
        if (trips->size() <= static_cast<std::size_t>(loop_depth + 1)) trips->resize(static_cast<std::size_t>(loop_depth) + 2, 1);
        (*trips)[static_cast<std::size_t>(loop_depth + 1)] = st.loop->trips;
        loop_signature(*st.loop, target, loop_depth + 1, trips, key);
        continue;
      }
      const BoundOpcode& bo = a_.opcodes[static_cast<std::size_t>(st.instr.opcode)];
      for (int f : bo.relevant) {
        if (static_cast<std::size_t>(f) >= st.instr.operands.size()) continue;
        const Expr& e = st.instr.operands[static_cast<std::size_t>(f)];
        Wide outer = e.base, imin = 0, imax = 0;
        for (const auto& t : e.terms) {
          if (t.first < target) {
            outer += static_cast<Wide>(t.second) * idx_[static_cast<std::size_t>(t.first)];
          } else {
            const Wide span = static_cast<Wide>(t.second) * ((*trips)[static_cast<std::size_t>(t.first)] - 1);
            if (span > 0) imax += span;
            else imin += span;
          }
        }
        if (e.mod > 0) {
          const bool narrow = outer >= std::numeric_limits<int64_t>::min() && outer <= std::numeric_limits<int64_t>::max();
          const int64_t o = static_cast<int64_t>(outer);  // 128-bit division only where it must be
          key->push_back(narrow ? ((o % e.mod) + e.mod) % e.mod : static_cast<int64_t>(((outer % e.mod) + e.mod) % e.mod));
        } else if (outer + imax <= e.lo) {
          key->push_back(-1);  // clamped to lo throughout
        } else if (outer + imin >= e.hi) {
          key->push_back(-2);  // clamped to hi throughout
        } else {
          key->push_back(0);
          key->push_back(static_cast<int64_t>(outer));
        }
      }
    }
  }

  // A loop entered again with the same relative state, the same relevant operands and the same
  // carried fields ends in the same relative state: memoized, its evaluation is a copy.
  struct LoopExit {
    State state;  // relative to the entry's latest end
    std::vector<int64_t> busy;  // added during the loop
    std::vector<std::vector<int64_t>> latched;
  };
  static constexpr std::size_t kMaxLoopMemo = 2048;
  static constexpr int64_t kRelativeKeys = 12;  // keys an address-relative segment makes before giving up
  struct LoopMemoStats {
    int64_t hits = 0, misses = 0;
  };

  void eval_loop(const Loop& loop, int depth) {
    // A loop entered once per layer (all enclosing loops have one trip) is never met again.
    if (opt_.full || depth == 0 || entries_at_[static_cast<std::size_t>(depth)] <= 1) {
      eval_loop_body(loop, depth);
      return;
    }
    LoopMemoStats& stats = loop_memo_stats_[&loop];
    std::size_t open_locations = 0;
    for (const auto& open : s_.open) open_locations += open.size();
    // Memoized while it pays: at least one entry in five hit, and the state is cheap to copy.
    if ((stats.misses >= 8 && 4 * stats.hits < stats.misses) || open_locations > 256) {
      eval_loop_body(loop, depth);
      return;
    }
    std::vector<int64_t>& key = loop_key_;
    make_key(0, &key);
    key.push_back(reinterpret_cast<intptr_t>(&loop));
    key.push_back(depth);
    std::vector<int64_t>& trips = loop_trips_;
    trips.assign(static_cast<std::size_t>(depth) + 2, 1);
    trips[static_cast<std::size_t>(depth)] = loop.trips;
    loop_signature(loop, depth, depth, &trips, &key);
    for (const auto& l : latched_) key.insert(key.end(), l.begin(), l.end());
    const int64_t ref = s_.max_end;
    const auto hit = loop_memo_.find(key);
    ++(hit != loop_memo_.end() ? stats.hits : stats.misses);
    if (hit != loop_memo_.end()) {
      const LoopExit& x = hit->second;
      loop_busy_ = s_.busy;
      s_ = x.state;  // reuses s_'s buffers
      shift(ref);
      for (std::size_t b = 0; b < loop_busy_.size(); ++b) s_.busy[b] = loop_busy_[b] + x.busy[b];
      latched_ = x.latched;
      return;
    }
    const std::vector<int64_t> busy_before = s_.busy;
    std::vector<int64_t> own_key = key;  // loop_key_ is reused by the loops inside
    eval_loop_body(loop, depth);
    if (loop_memo_.size() >= kMaxLoopMemo) loop_memo_.clear();
    LoopExit& x = loop_memo_[std::move(own_key)];
    x.state = s_;
    shift_state(&x.state, -ref);
    x.busy = s_.busy;
    for (std::size_t b = 0; b < x.busy.size(); ++b) x.busy[b] -= busy_before[b];
    x.latched = latched_;
  }

  void eval_loop_body(const Loop& loop, int depth) {
    // How often the loops one level down are entered.
    if (entries_at_.size() < static_cast<std::size_t>(depth) + 2) entries_at_.resize(static_cast<std::size_t>(depth) + 2, 1);
    entries_at_[static_cast<std::size_t>(depth) + 1] = entries_at_[static_cast<std::size_t>(depth)] * loop.trips;
    if (opt_.full || loop.trips < 3) {
      for (int64_t i = 0; i < loop.trips; ++i) eval_iteration(loop, depth, i);
      return;
    }
    // Innermost loops may stride through storage: their segments are keyed address-relative.
    bool innermost = true;
    for (const auto& st : loop.body) innermost &= !st.loop;
    const auto segments = iteration_segments(a_, loop, depth, idx_.data(), innermost);
    std::vector<int64_t> key;
    for (const auto& seg : segments) {
      if (seg.period == 0) {
        for (int64_t i = seg.begin; i < seg.end; ++i) eval_iteration(loop, depth, i);
        continue;
      }
      Relative relative{depth, seg.begin, seg.end, seg.period, loop.trips, stamp_, {}};
      rel_ = seg.shifting ? &relative : nullptr;
      // Keyed while it pays: a loop whose address-relative segments keep missing is evaluated.
      LoopMemoStats* rel_stats = rel_ ? &relative_stats_[&loop] : nullptr;
      bool keyed = !rel_stats || rel_stats->misses < 4 * (rel_stats->hits + 1);
      std::unordered_map<std::vector<int64_t>, Seen, KeyHash> history;
      bool done = false;
      for (int64_t i = seg.begin; i < seg.end; ++i) {
        eval_iteration(loop, depth, i);
        // Repeats are whole periods apart and pay only when one more period is left after the later
        // one: a key is made only where it can be either end of such a pair.
        const int64_t last = seg.end - 1, p = seg.period;
        if (done || !(i <= last - 2 * p || (i <= last - p && i - p >= seg.begin))) continue;
        // An address-relative key holds the rows in flight: one that has not repeated after a few
        // periods (a stream waiting on loads that run at another rate) rarely will; stop paying for it.
        if (rel_ && (!keyed || history.size() >= static_cast<std::size_t>(kRelativeKeys + 2 * p))) {
          if (keyed) ++rel_stats->misses, keyed = false;
          continue;
        }
        if (!make_key((i - seg.begin) % seg.period, &key)) continue;
        // Moves the key into the history only when inserted (try_emplace leaves it alone otherwise).
        const auto [it, inserted] = history.try_emplace(std::move(key), Seen{i, s_.max_end, seen_busy_.size()});
        if (inserted) {
          seen_busy_.insert(seen_busy_.end(), s_.busy.begin(), s_.busy.end());
          continue;
        }
        const int64_t period = i - it->second.iteration;
        const int64_t delta = s_.max_end - it->second.ref;
        const int64_t n = (seg.end - 1 - i) / period;
        if (n > 0) {
          if (rel_ && !can_move_addresses(n * period)) continue;
          if (rel_stats) ++rel_stats->hits, rel_stats = nullptr;
          shift(n * delta);
          if (rel_) move_addresses(n * period, n * delta);
          const int64_t* then = seen_busy_.data() + it->second.busy_at;
          for (std::size_t b = 0; b < s_.busy.size(); ++b) s_.busy[b] += n * (s_.busy[b] - then[b]);
          if (opt_.explain) note_kernel(loop, depth, i + 1 - seg.begin, period, delta);
          i += n * period;
        }
        done = true;
        history.clear();
      }
      rel_ = nullptr;
    }
  }

  void note_kernel(const Loop& loop, int depth, int64_t evaluated, int64_t p, int64_t delta) {
    for (auto& k : est_.kernels)
      if (k.loop == loop.name && k.depth == depth) {
        ++k.times;
        return;
      }
    est_.kernels.push_back(KernelInfo{loop.name, depth, loop.trips, evaluated, p, delta, 1});
  }

  const BoundArch& a_;
  EstimateOptions opt_;
  State s_;
  Estimate est_;
  std::vector<int> obj_base_, obj_ring_, st_port_base_, entries_;
  std::size_t fixed_key_size_ = 0;  // phase, objects and fixed storages: the first part of every key
  std::vector<std::vector<int>> mem_units_;  // per memory interface: units with steps requesting it
  std::vector<int64_t> idx_, fields_;
  std::vector<std::vector<int64_t>> latched_;  // per opcode: operands carried by later instructions
  std::vector<std::vector<const Expr*>> latched_src_;  // ... the operands they came from
  std::vector<std::vector<uint64_t>> latched_stamp_;   // ... and when (stamp_)
  std::vector<std::vector<char>> addr_field_;  // per opcode: class field (own, then carried) is an address
  std::vector<const Expr*> field_src_;         // per class field of the running instruction: its operand
  std::vector<uint64_t> field_stamp_;          // ... and when it was evaluated
  uint64_t stamp_ = 0;                         // instructions run
  std::size_t cur_op_ = 0;                     // opcode of the running instruction
  Relative* rel_ = nullptr;                    // the address-relative segment being evaluated
  std::unordered_map<std::vector<int64_t>, LoopExit, KeyHash> loop_memo_;
  std::unordered_map<const Loop*, LoopMemoStats> loop_memo_stats_;
  std::unordered_map<const Loop*, LoopMemoStats> relative_stats_;  // address-relative keying per loop
  std::vector<int64_t> entries_at_ = {1};  // per depth: product of the enclosing loops' trips
  std::vector<int64_t> loop_key_, loop_trips_, loop_busy_;  // scratch of eval_loop()
  std::vector<int64_t> seen_busy_;  // busy counters of the iterations in the histories
  std::vector<int> path_, passed_;
  int deferred_q_ = -1;
  std::vector<Access> reads_, writes_;
  std::vector<int64_t> frees_;  // scratch of memory(): free cycles of placed requests, sorted
  std::vector<MemRequest> window_, new_;  // scratch of memory(): placed window, new requests
  std::vector<int64_t> key_tmp_;                        // scratch of make_key()
  std::vector<std::pair<int64_t, Location>> key_live_;  // scratch of make_key()
  // memory()'s steps already computed: their new requests relative to start, by step and window.
  struct MemoEntry {
    RequestLog requests;
    int64_t first_accept = 0, issue = 0, done = 0;
  };
  static constexpr std::size_t kMaxMemo = 4096;
  std::unordered_map<std::vector<int64_t>, MemoEntry, KeyHash> memo_;
  std::vector<int64_t> memo_key_;
};

}  // namespace

Estimate estimate(const BoundArch& arch, const Program& program, const EstimateOptions& options) {
  return Evaluator(arch, options).run(program);
}

}  // namespace acv
