// Binding a description to a config and a Program's ISA; iteration segments of loops.
#include "bound_arch.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <limits>
#include <numeric>

namespace acv {

std::map<std::string, int64_t> config_values(const AccelConfig& config) {
  std::map<std::string, int64_t> out;
  for (const auto& [key, value] : config.param_values())
    out[key] = value.is_integer ? value.integer : string_value(value.text);
  return out;
}

namespace {

void collect_fields(const Expression& e, std::vector<char>* used) {
  for (const auto& v : e.variables())
    if (v.kind == VarKind::Field) (*used)[static_cast<std::size_t>(v.index)] = 1;
}

void mark_opcodes(const Loop& loop, std::vector<char>* used) {
  for (const auto& s : loop.body) {
    if (s.loop) mark_opcodes(*s.loop, used);
    else if (s.instr.opcode >= 0 && static_cast<std::size_t>(s.instr.opcode) < used->size())
      (*used)[static_cast<std::size_t>(s.instr.opcode)] = 1;
    else
      throw InputError("program has an instruction with opcode " + std::to_string(s.instr.opcode) +
                       " outside its ISA");
  }
}

}  // namespace

std::vector<char> used_opcodes(const Program& program) {
  if (!program.isa) throw InputError("program of layer '" + program.layer_name + "' has no ISA");
  std::vector<char> used(program.isa->opcodes.size(), 0);
  mark_opcodes(program.top, &used);
  return used;
}

namespace {

int depth_of(const Loop& loop) {
  int d = 0;
  for (const auto& s : loop.body)
    if (s.loop) d = std::max(d, 1 + depth_of(*s.loop));
  return d;
}

}  // namespace

int program_depth(const Program& program) { return depth_of(program.top); }

namespace {

// Per (opcode, Program operand): -2 used other than as an address, else a storage it indexes.
using AddressUse = std::map<std::pair<int, int>, int>;

// An address may index several unbounded storages (a row of one or the other, by a flag): each is
// keyed by its own streams.
void note_use(AddressUse* uses, std::pair<int, int> operand, int storage) {
  auto it = uses->emplace(operand, storage).first;
  if (storage < 0 || it->second < 0) it->second = -2;
}

// Marks every field `e` reads as used other than as an address.
void note_other(const Expression& e, const std::function<std::pair<int, int>(int)>& operand_of, AddressUse* uses) {
  for (const auto& v : e.variables())
    if (v.kind == VarKind::Field) {
      const auto op = operand_of(v.index);
      if (op.first >= 0) note_use(uses, op, -2);
    }
}

}  // namespace

// An operand is an address when every use of it, in its own class and in the classes that carry it,
// is the whole index of an access to a storage with unbounded locations.
void find_address_operands(const IsaSpec& isa, BoundArch* b) {
  AddressUse uses;
  std::map<std::pair<int, int>, std::vector<int>> indexed;  // the storages each operand indexes
  for (std::size_t op = 0; op < b->opcodes.size(); ++op) {
    const BoundOpcode& bo = b->opcodes[op];
    if (!bo.cls) continue;
    const std::size_t nf = bo.cls->fields.size();
    // Class field index -> (opcode, Program operand) its value comes from.
    const auto operand_of = [&](int f) -> std::pair<int, int> {
      const auto fi = static_cast<std::size_t>(f);
      if (fi < nf) return {static_cast<int>(op), bo.program_field[fi]};
      return bo.carried[fi - nf];
    };
    note_other(bo.cls->macs, operand_of, &uses);
    for (const auto& s : bo.cls->steps) {
      for (const Expression* e : {&s.when, &s.latency, &s.ii}) note_other(*e, operand_of, &uses);
      for (const auto* list : {&s.reads, &s.writes})
        for (const auto& a : *list) {
          for (const Expression* e : {&a.count, &a.when, &a.cycles}) note_other(*e, operand_of, &uses);
          const VarRef* v = a.index.single_variable();
          const bool open = b->storages[static_cast<std::size_t>(a.storage)].locations == 0;
          if (v && v->kind == VarKind::Field && open) {
            const auto o = operand_of(v->index);
            if (o.first >= 0) note_use(&uses, o, a.storage), indexed[o].push_back(a.storage);
          } else {
            note_other(a.index, operand_of, &uses);
          }
        }
      if (s.has_memory)
        for (const Expression* e : {&s.memory.requests, &s.memory.bytes, &s.memory.start, &s.memory.interval})
          note_other(*e, operand_of, &uses);
    }
  }
  for (std::size_t op = 0; op < b->opcodes.size(); ++op) {
    BoundOpcode& bo = b->opcodes[op];
    if (!bo.cls) continue;
    bo.address.assign(isa.opcodes[op].fields.size(), -1);
  }
  for (const auto& u : uses) {
    BoundOpcode& bo = b->opcodes[static_cast<std::size_t>(u.first.first)];
    if (u.second >= 0 && !bo.address.empty()) bo.address[static_cast<std::size_t>(u.first.second)] = u.second;
  }
  for (const auto& [o, sts] : indexed) {
    BoundOpcode& bo = b->opcodes[static_cast<std::size_t>(o.first)];
    const auto pf = static_cast<std::size_t>(o.second);
    if (pf >= bo.address.size() || bo.address[pf] < 0) continue;
    if (bo.address_shared.size() < bo.address.size()) bo.address_shared.assign(bo.address.size(), 0);
    uint64_t mask = 0;
    for (int st : sts) mask |= st < 64 ? uint64_t{1} << st : ~uint64_t{0};
    if (mask & (mask - 1)) bo.address_shared[pf] = mask;
  }
}

void find_address_operands(const IsaSpec& isa, BoundArch* b);

BoundArch bind_arch(std::shared_ptr<const ArchDescription> desc, const std::map<std::string, int64_t>& config,
                    const Program& program) {
  BoundArch b;
  b.desc = desc;
  const ArchDescription& d = *desc;
  std::vector<int64_t> cfg(d.config_refs.size());
  for (std::size_t i = 0; i < d.config_refs.size(); ++i) {
    const auto it = config.find(d.config_refs[i]);
    if (it == config.end()) {
      std::string list;
      for (const auto& kv : config) list += (list.empty() ? "" : ", ") + kv.first;
      throw InputError(d.config_ref_locs[i], "unknown parameter '" + d.config_refs[i] +
                                                 "' (not defined earlier in params, not in the config: " + list + ")");
    }
    cfg[i] = it->second;
  }
  b.params.resize(d.params.size());
  for (std::size_t i = 0; i < d.params.size(); ++i) {
    EvalContext c;
    c.params = b.params.data();
    c.config = cfg.data();
    b.params[i] = d.params[i].value.eval(c);
  }
  const EvalContext pc = b.context(nullptr, nullptr);
  auto positive = [&](const Expression& e, const std::string& what, int64_t min = 1) {
    const int64_t v = e.eval(pc);
    if (v < min) throw InputError(e.loc(), what + " is " + std::to_string(v) + " (must be at least " + std::to_string(min) + ")");
    return v;
  };
  for (const auto& o : d.objects) {
    BoundObject x;
    x.kind = o.kind;
    x.from = o.from;
    x.latency = positive(o.latency, "latency", 0);
    x.ii = o.ii.empty() ? -1 : positive(o.ii, "initiation interval");
    if (o.kind == ObjectKind::Queue) x.capacity = positive(o.capacity, "queue capacity");
    if (o.kind == ObjectKind::Queue && x.capacity > 4096)
      throw InputError(o.capacity.loc(), "queue capacity above 4096");
    x.instances = positive(o.instances, "instances");
    if (x.instances > 4096) throw InputError(o.instances.loc(), "more than 4096 instances");
    x.in_order = o.in_order;
    x.release_at_end = o.release_at_end;
    if (o.kind == ObjectKind::Queue) x.release_delay = positive(o.release_delay, "release_delay", 0);
    b.objects.push_back(x);
  }
  for (const auto& s : d.storages) {
    BoundStorage x;
    x.locations = positive(s.locations, "locations", 0);
    if (x.locations > (1 << 20)) throw InputError(s.locations.loc(), "more than 2^20 locations (use 0: unbounded)");
    x.latency = positive(s.latency, "storage latency", 0);
    x.banks = positive(s.banks, "banks");
    x.read_ports = positive(s.read_ports, "read ports");
    x.write_ports = positive(s.write_ports, "write ports");
    if (x.banks * (x.read_ports + x.write_ports) > 65536) throw InputError(s.loc, "too many ports");
    b.storages.push_back(x);
  }
  for (const auto& m : d.memories) {
    BoundMemory x;
    x.latency = positive(m.latency, "memory latency", 0);
    x.bytes_per_cycle = positive(m.bytes_per_cycle, "bandwidth (bytes_per_cycle)");
    x.max_outstanding = positive(m.max_outstanding, "max_outstanding");
    if (x.max_outstanding > 4096) throw InputError(m.max_outstanding.loc(), "max_outstanding above 4096");
    x.request_interval = positive(m.request_interval, "request_interval", 0);
    x.ports = positive(m.ports, "ports");
    x.release_delay = positive(m.release_delay, "release_delay", 0);
    x.lookahead = positive(m.lookahead, "lookahead", 0);
    if (x.lookahead > 256) throw InputError(m.lookahead.loc(), "lookahead above 256");
    x.rank.assign(d.objects.size(), static_cast<int>(m.priority.size()));
    for (std::size_t i = 0; i < m.priority.size(); ++i) x.rank[static_cast<std::size_t>(m.priority[i])] = static_cast<int>(i);
    b.memories.push_back(x);
  }
  if (!d.peak_macs_per_cycle.empty()) b.peak_macs_per_cycle = positive(d.peak_macs_per_cycle, "macs_per_cycle");

  const std::vector<char> used = used_opcodes(program);
  const IsaSpec& isa = *program.isa;
  b.opcodes.resize(isa.opcodes.size());
  for (std::size_t op = 0; op < isa.opcodes.size(); ++op) {
    if (!used[op]) continue;
    const int ci = d.find_class(isa.opcodes[op].name);
    if (ci < 0)
      throw InputError(SourceLoc{d.file, 0, "instructions"},
                       "no instruction class for opcode '" + isa.opcodes[op].name + "' of ISA '" + isa.name + "'");
    BoundOpcode& bo = b.opcodes[op];
    bo.cls = &d.classes[static_cast<std::size_t>(ci)];
    for (const auto& f : bo.cls->fields) {
      const int pf = isa.field(static_cast<int>(op), f);
      if (pf < 0) {
        std::string list;
        for (const auto& n : isa.opcodes[op].fields) list += (list.empty() ? "" : ", ") + n;
        throw InputError(bo.cls->loc, "field '" + f + "' of '" + bo.cls->name + "' is not in ISA '" + isa.name +
                                          "' (fields: " + list + ")");
      }
      bo.program_field.push_back(pf);
    }
    bo.field_used.assign(bo.cls->fields.size() + bo.cls->carried.size(), 0);
    collect_fields(bo.cls->macs, &bo.field_used);
    for (const auto& s : bo.cls->steps) {
      collect_fields(s.when, &bo.field_used);
      collect_fields(s.latency, &bo.field_used);
      collect_fields(s.ii, &bo.field_used);
      for (const auto* list : {&s.reads, &s.writes})
        for (const auto& a : *list) {
          collect_fields(a.index, &bo.field_used);
          collect_fields(a.count, &bo.field_used);
          collect_fields(a.when, &bo.field_used);
          collect_fields(a.cycles, &bo.field_used);
        }
      if (s.has_memory) {
        collect_fields(s.memory.requests, &bo.field_used);
        collect_fields(s.memory.bytes, &bo.field_used);
        collect_fields(s.memory.start, &bo.field_used);
        collect_fields(s.memory.interval, &bo.field_used);
      }
    }
    for (std::size_t i = 0; i < bo.cls->fields.size(); ++i)
      if (bo.field_used[i]) bo.relevant.push_back(bo.program_field[i]);
  }
  // Carried fields: the source opcode remembers the operands read later, and they decide timing.
  for (std::size_t op = 0; op < b.opcodes.size(); ++op) {
    BoundOpcode& bo = b.opcodes[op];
    if (!bo.cls) continue;
    for (std::size_t j = 0; j < bo.cls->carried.size(); ++j) {
      const CarriedFieldSpec& cf = bo.cls->carried[j];
      int src = -1;
      for (std::size_t o = 0; o < isa.opcodes.size(); ++o)
        if (isa.opcodes[o].name == cf.source) src = static_cast<int>(o);
      int pf = -1;
      if (src >= 0) {
        pf = isa.field(src, cf.field);
        if (pf < 0) {
          std::string list;
          for (const auto& n : isa.opcodes[static_cast<std::size_t>(src)].fields) list += (list.empty() ? "" : ", ") + n;
          throw InputError(cf.loc, "carried field '" + cf.name + "': '" + cf.field + "' is not a field of '" +
                                       cf.source + "' in ISA '" + isa.name + "' (fields: " + list + ")");
        }
      }
      bo.carried.emplace_back(src, pf);
      if (src < 0 || !bo.field_used[bo.cls->fields.size() + j]) continue;
      BoundOpcode& so = b.opcodes[static_cast<std::size_t>(src)];
      if (std::find(so.latch.begin(), so.latch.end(), pf) == so.latch.end()) so.latch.push_back(pf);
      if (std::find(so.relevant.begin(), so.relevant.end(), pf) == so.relevant.end()) so.relevant.push_back(pf);
    }
  }
  find_address_operands(isa, &b);
  return b;
}

// ---- iteration segments ------------------------------------------------------------------------

namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
__extension__ typedef __int128 Wide;  // affine values of huge loops must not overflow

// A relevant operand seen from one loop: value = clamp(outer + c*i + inner, lo, hi), inner in [imin, imax].
struct OperandView {
  const Expr* e;
  Wide outer, imin, imax;
  int64_t c;
  bool address;
};

void collect_operands(const BoundArch& arch, const Loop& loop, int loop_depth, int target, const int64_t* idx,
                      std::vector<int64_t>* trips, std::vector<OperandView>* out) {
  for (const auto& s : loop.body) {
    if (s.loop) {
      if (trips->size() <= static_cast<std::size_t>(loop_depth + 1)) trips->resize(static_cast<std::size_t>(loop_depth) + 2, 1);
      (*trips)[static_cast<std::size_t>(loop_depth + 1)] = s.loop->trips;
      collect_operands(arch, *s.loop, loop_depth + 1, target, idx, trips, out);
      continue;
    }
    const BoundOpcode& bo = arch.opcodes[static_cast<std::size_t>(s.instr.opcode)];
    for (int f : bo.relevant) {
      if (static_cast<std::size_t>(f) >= s.instr.operands.size()) continue;
      const Expr& e = s.instr.operands[static_cast<std::size_t>(f)];
      const bool address = static_cast<std::size_t>(f) < bo.address.size() && bo.address[static_cast<std::size_t>(f)] >= 0;
      OperandView v{&e, e.base, 0, 0, 0, address};
      for (const auto& t : e.terms) {
        if (t.first < target) v.outer += static_cast<Wide>(t.second) * idx[t.first];
        else if (t.first == target) v.c += t.second;
        else if (t.first <= loop_depth) {
          const Wide span = static_cast<Wide>(t.second) * ((*trips)[static_cast<std::size_t>(t.first)] - 1);
          if (span > 0) v.imax += span;
          else v.imin += span;
        }
      }
      if (v.c != 0) out->push_back(v);
    }
  }
}

// 0: every value clamped to lo, 2: every value clamped to hi, 1: values in between.
int clamp_class(const OperandView& v, int64_t i) {
  const Wide a = v.outer + static_cast<Wide>(v.c) * i;
  if (a + v.imax <= v.e->lo) return 0;
  if (a + v.imin >= v.e->hi) return 2;
  return 1;
}

int64_t gcd64(int64_t a, int64_t b) { return std::gcd(a, b); }

// Whether `v` moves by its stride over `trips` iterations without a clamp or a wrap of its modulo,
// its inner loops' terms included.
bool shifts_without_wrap(const OperandView& v, int64_t trips) {
  const Expr& e = *v.e;
  if (v.c == 0 || e.lo != kMin || e.hi != kMax) return false;
  if (e.mod <= 0) return true;
  const Wide span = static_cast<Wide>(v.c) * (trips - 1);
  const Wide lo = v.outer + std::min<Wide>(0, span) + v.imin, hi = v.outer + std::max<Wide>(0, span) + v.imax;
  auto floor_div = [](Wide a, Wide m) { return a >= 0 ? a / m : -((-a + m - 1) / m); };
  return floor_div(lo, e.mod) == floor_div(hi, e.mod);
}

}  // namespace

std::vector<IterationSegment> iteration_segments(const BoundArch& arch, const Loop& loop, int depth,
                                                 const int64_t* idx, bool shifting,
                                                 std::vector<ShiftingOperand>* shifters) {
  const int64_t n = loop.trips;
  // Scratch kept between calls: the estimator asks for every loop it enters.
  thread_local std::vector<OperandView> ops;
  thread_local std::vector<int64_t> trips, cuts;
  thread_local std::vector<const OperandView*> clamped;
  ops.clear();
  clamped.clear();
  trips.assign(static_cast<std::size_t>(depth) + 2, 1);
  trips[static_cast<std::size_t>(depth)] = n;
  collect_operands(arch, loop, depth, depth, idx, &trips, &ops);

  int64_t period = 1;
  bool aperiodic = false;
  cuts.assign({0, n});
  bool shifts = false;
  if (shifters) shifters->clear();
  for (const auto& v : ops) {
    // An address moving by a constant stride: the evaluator keys its storage relative to it.
    if (shifting && v.address && shifts_without_wrap(v, n)) {
      shifts = true;
      if (shifters) shifters->push_back(ShiftingOperand{v.e, v.c});
      continue;
    }
    if (v.e->mod > 0) {
      const int64_t c = std::llabs(v.c % v.e->mod);
      const int64_t q = c == 0 ? 1 : v.e->mod / gcd64(c, v.e->mod);
      const int64_t l = period / gcd64(period, q);
      if (l > (int64_t{1} << 40) / std::max<int64_t>(q, 1)) aperiodic = true;
      else period = l * q;
      continue;
    }
    if (v.e->lo == kMin && v.e->hi == kMax) {
      aperiodic = true;
      continue;
    }
    clamped.push_back(&v);
    // The class is monotone in i: find where it changes by binary search.
    for (int boundary = 1; boundary <= 2; ++boundary) {
      auto reached = [&](int64_t i) {
        const int cls = clamp_class(v, i);
        return v.c > 0 ? cls >= boundary : cls <= 2 - boundary;
      };
      int64_t lo = 0, hi = n;  // first i in [0, n] with reached(i), n if none
      while (lo < hi) {
        const int64_t mid = lo + (hi - lo) / 2;
        if (reached(mid)) hi = mid;
        else lo = mid + 1;
      }
      if (lo > 0 && lo < n) cuts.push_back(lo);
    }
  }
  if (shifters)
    std::sort(shifters->begin(), shifters->end(), [](const ShiftingOperand& x, const ShiftingOperand& y) {
      return std::less<const Expr*>()(x.e, y.e);
    });
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<IterationSegment> out;
  for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
    IterationSegment s{cuts[k], cuts[k + 1], aperiodic ? 0 : period, shifts};
    for (const auto* v : clamped)
      if (clamp_class(*v, s.begin) == 1) s.period = 0;
    if (s.period > 0 && s.period >= s.end - s.begin) s.period = 0;
    // Merge with the previous segment when neither can be extrapolated.
    if (!out.empty() && out.back().period == 0 && s.period == 0) out.back().end = s.end;
    else out.push_back(s);
  }
  return out;
}

}  // namespace acv
