// The AIDG evaluator: instructions in program order through stages, queues, units and storage, loops
// with kernel extrapolation (method.md 2-3); state, memory port and loop memo in their own files.
#include "aidg.h"

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "estimator/address_frame.h"
#include "estimator/eval_state.h"
#include "estimator/loop_memo.h"
#include "estimator/memory_port.h"
#include "estimator/request_log.h"

namespace acv {

namespace {

class Evaluator {
 public:
  Evaluator(const BoundArch& arch, const EstimateOptions& options)
      : a_(arch), opt_(options), layout_(arch), s_(layout_.initial_state()),
        loop_memo_(options.loops && !options.full ? *options.loops : own_loops_) {
    if (!loop_memo_.serves(&arch, options))
      throw std::logic_error("estimate: a loop memo is shared only by estimates of one binding and options");
    layout();
    // The plans an earlier estimate of the binding made (LoopMemo::plans), back to it at the end.
    if (const auto kept = std::static_pointer_cast<Plans>(loop_memo_.plans); kept && kept->size() == plans_.size())
      plans_.swap(*kept);
    if (const auto kept = std::static_pointer_cast<MemoryPort>(loop_memo_.port)) std::swap(port_, *kept);
    port_.memoize_among(!opt_.plain_look_ahead);
    if (opt_.schedule || opt_.issues || opt_.ends) {
      if (!opt_.full) throw std::logic_error("estimate: a schedule needs the full evaluation");
      light_ = true;
    }
    if (opt_.schedule) why_.assign(s_.t.size(), opt_.schedule_from > 0 ? "(set before the recorded instructions)" : "nothing before it");
  }

  // Hands the plans and the port to the next estimate of the binding (LoopMemo::plans, port).
  ~Evaluator() {
    try {
      loop_memo_.plans = std::make_shared<Plans>(std::move(plans_));
      loop_memo_.port = std::make_shared<MemoryPort>(std::move(port_));
    } catch (const std::bad_alloc&) {  // the next estimate makes its own
    }
  }
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  Estimate run(const Program& program) {
    idx_.assign(static_cast<std::size_t>(program.max_depth()) + 1, 0);
    frames_.assign(idx_.size(), Frame{});
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
  // Stage object `x`'s bit in the masks of window_competes() (-1 past 64 stages: its bound then
  // does not grow there, which only makes the scan longer).
  int stage_bit(int x) {
    const auto it = std::find(stage_obj_.begin(), stage_obj_.end(), x);
    if (it != stage_obj_.end()) return static_cast<int>(it - stage_obj_.begin());
    if (stage_obj_.size() >= 64) return -1;
    stage_obj_.push_back(x);
    stage_ii_.push_back(std::max<int64_t>(a_.objects[static_cast<std::size_t>(x)].ii, 0));
    stage_lat_.push_back(a_.objects[static_cast<std::size_t>(x)].latency);
    return static_cast<int>(stage_obj_.size()) - 1;
  }

  // Per opcode: which fields are addresses, and the carried values with where they came from.
  void layout() {
    shares_memory_.assign(a_.opcodes.size(), 0);
    for (std::size_t op = 0; op < a_.opcodes.size(); ++op) {
      if (!a_.opcodes[op].cls) continue;
      for (const auto& step : a_.opcodes[op].cls->steps) {
        if (!step.has_memory) continue;
        int64_t instances = 0;
        for (int o : layout_.mem_units(static_cast<std::size_t>(step.memory.memory)))
          instances += a_.objects[static_cast<std::size_t>(o)].instances;
        const int64_t window = a_.memories[static_cast<std::size_t>(step.memory.memory)].lookahead;
        if (instances > 1 && window > 0) {
          shares_memory_[op] = 1;
          look_n_ = std::max<int64_t>(look_n_, window);
        }
      }
    }
    // Per interface: where a later step requesting it could start at the earliest (may_compete()).
    mem_bounds_.assign(a_.memories.size(), {});
    for (std::size_t m = 0; m < a_.memories.size(); ++m)
      for (int u : layout_.mem_units(m)) {
        const BoundObject& ob = a_.objects[static_cast<std::size_t>(u)];
        UnitBound b{u, layout_.obj_base(static_cast<std::size_t>(u)), static_cast<int>(ob.instances), ob.in_order, {}, {}};
        for (int x = ob.from; x >= 0; x = a_.objects[static_cast<std::size_t>(x)].from)
          if (a_.objects[static_cast<std::size_t>(x)].kind == ObjectKind::Stage) {
            b.stages.emplace_back(layout_.obj_base(static_cast<std::size_t>(x)), a_.objects[static_cast<std::size_t>(x)].latency);
            b.stage_index.push_back(stage_bit(x));
          }
        mem_bounds_[m].push_back(std::move(b));
      }
    // Per opcode, per step: the stages in front of its unit, and the queues right behind them
    // (window_competes()).
    step_stages_.assign(a_.opcodes.size(), {});
    step_holds_.assign(a_.opcodes.size(), {});
    for (std::size_t op = 0; op < a_.opcodes.size(); ++op) {
      if (!a_.opcodes[op].cls) continue;
      for (const auto& step : a_.opcodes[op].cls->steps) {
        uint64_t mask = 0;
        std::vector<std::pair<int, int>> holds;
        for (int y = step.unit, x = a_.objects[static_cast<std::size_t>(y)].from; x >= 0;
             y = x, x = a_.objects[static_cast<std::size_t>(x)].from) {
          if (a_.objects[static_cast<std::size_t>(x)].kind != ObjectKind::Stage || stage_bit(x) < 0) continue;
          mask |= uint64_t{1} << stage_bit(x);
          if (a_.objects[static_cast<std::size_t>(y)].kind == ObjectKind::Queue) holds.emplace_back(stage_bit(x), y);
        }
        step_stages_[op].push_back(mask);
        step_holds_[op].push_back(std::move(holds));
      }
    }
    // Per opcode: the class fields (own, then carried) its steps' `when`s read, and those its
    // storage accesses read where the scan uses them (RAW reads, writes the scan notes).
    // A `when` reading an earlier step's outcome (mem_done...) is not known before the instruction
    // runs: the scan gives up there. An access reading one is not used by the scan.
    when_fields_.assign(a_.opcodes.size(), {});
    access_fields_.assign(a_.opcodes.size(), {});
    when_special_.assign(a_.opcodes.size(), 0);
    scan_accesses_.assign(a_.opcodes.size(), {});
    const auto note = [](std::vector<int>* fields, const Expression& e) {
      bool special = false;
      for (const auto& v : e.variables()) {
        special |= v.kind == VarKind::Special;
        if (v.kind == VarKind::Field && std::find(fields->begin(), fields->end(), v.index) == fields->end())
          fields->push_back(v.index);
      }
      return special;
    };
    const auto note_fields = [&](std::size_t op, const Expression& e) {
      note(&access_fields_[op], e);
      return note(&when_fields_[op], e);
    };
    for (std::size_t op = 0; op < a_.opcodes.size(); ++op) {
      if (!a_.opcodes[op].cls) continue;
      for (const auto& step : a_.opcodes[op].cls->steps) {
        if (note_fields(op, step.when)) when_special_[op] = 1;
        std::vector<ScanAccess> used;
        for (int write = 0; write < 2; ++write)
          for (const auto& acc : write ? step.writes : step.reads) {
            const StorageSpec& sp = a_.desc->storages[static_cast<std::size_t>(acc.storage)];
            // Only RAW waits are bounded from below by what the scan knows (write_ready only grows).
            if (!sp.raw || (write && acc.at_free)) continue;
            bool special = false;
            for (const Expression* e : {&acc.index, &acc.count, &acc.when})
              for (const auto& v : e->variables()) special |= v.kind == VarKind::Special;
            if (special) continue;
            for (const Expression* e : {&acc.index, &acc.count, &acc.when}) note(&access_fields_[op], *e);
            used.push_back(ScanAccess{&acc, write != 0});
          }
        scan_accesses_[op].push_back(std::move(used));
      }
    }
    scan_steps_.assign(a_.opcodes.size(), {});
    for (auto& kept : scan_steps_) kept.reserve(kScanStepsKept);  // rec_ points into them
    when_src_.assign(a_.opcodes.size(), {});
    for (std::size_t op = 0; op < a_.opcodes.size(); ++op) {
      const BoundOpcode& bo = a_.opcodes[op];
      if (!bo.cls) continue;
      const std::size_t nf = bo.cls->fields.size();
      for (int fi : when_fields_[op]) {
        const auto f = static_cast<std::size_t>(fi);
        when_src_[op].push_back(f < nf ? WhenSource{false, -1, bo.program_field[f]}
                                       : WhenSource{true, bo.carried[f - nf].first, bo.carried[f - nf].second});
      }
    }
    plans_.assign(a_.opcodes.size(), {});
    for (int bounded = 0; bounded < 2; ++bounded) {
      auto& latch = scan_latch_[bounded];
      latch.assign(a_.opcodes.size(), {});
      for (std::size_t op = 0; op < a_.opcodes.size(); ++op)
        for (int pf : a_.opcodes[op].latch) {
          bool read = false;
          for (std::size_t o2 = 0; o2 < a_.opcodes.size() && !read; ++o2) {
            const BoundOpcode& b2 = a_.opcodes[o2];
            if (!b2.cls) continue;
            const std::size_t nf2 = b2.cls->fields.size();
            for (int fi : bounded ? access_fields_[o2] : when_fields_[o2]) {
              const auto f = static_cast<std::size_t>(fi);
              read |= f >= nf2 && b2.carried[f - nf2].first == static_cast<int>(op) && b2.carried[f - nf2].second == pf;
            }
          }
          if (read) latch[op].push_back(pf);
        }
      scan_uses_idx_[bounded].assign(a_.opcodes.size(), 0);
      for (std::size_t op = 0; op < a_.opcodes.size(); ++op) {
        if (!a_.opcodes[op].cls) continue;
        const std::size_t nf = a_.opcodes[op].cls->fields.size();
        char& need = scan_uses_idx_[bounded][op];
        need = !latch[op].empty();
        for (int fi : bounded ? access_fields_[op] : when_fields_[op]) need |= static_cast<std::size_t>(fi) < nf;
      }
    }
    fields_.assign(64, 0);
    field_src_.assign(64, nullptr);
    field_stamp_.assign(64, 0);
    ro_static_.resize(a_.storages.size());
    for (std::size_t st = 0; st < a_.storages.size(); ++st)
      if (a_.storages[st].locations == 0) unbounded_ |= bit(st);
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

  void shift(int64_t by) { shift_times(&s_, by); }

  // The state's key (StateLayout::make_key) and, address-relative to `frame`, the carried addresses.
  bool make_key(AddressFrame* frame, int64_t phase, std::vector<int64_t>* key, const Quiet* quiet = nullptr,
                uint64_t read_only = 0) {
    const int64_t i = frame ? idx_[static_cast<std::size_t>(frame->depth())] : 0;
    if (!layout_.make_key(&s_, phase, frame, i, key, quiet, read_only)) return false;
    if (frame)
      for (std::size_t op = 0; op < a_.opcodes.size(); ++op)
        for (int pf : a_.opcodes[op].latch) {
          const auto f = static_cast<std::size_t>(pf);
          if (latched_stamp_[op][f] <= frame->start_stamp() || a_.opcodes[op].address[f] < 0) continue;
          key->push_back(latched_[op][f] - latched_stride(*frame, op, f) * i);
        }
    return true;
  }

  // The stride per iteration of `frame` of the address carried from operand latched_src_[op][pf].
  int64_t latched_stride(const AddressFrame& frame, std::size_t op, std::size_t pf) const {
    const Expr* e = latched_src_[op][pf];
    return e ? frame.stride(e) : 0;
  }

  // Moves the state by `k` iterations of the address-relative segment `frame` whose times moved by `by`.
  void move_addresses(const AddressFrame& frame, int64_t k, int64_t by, uint64_t keep = 0) {
    frame.move(a_, &s_, k, by, keep);
    for (std::size_t op = 0; op < a_.opcodes.size(); ++op)
      for (int pf : a_.opcodes[op].latch) {
        const auto f = static_cast<std::size_t>(pf);
        if (latched_stamp_[op][f] <= frame.start_stamp() || a_.opcodes[op].address[f] < 0) continue;
        latched_[op][f] += k * latched_stride(frame, op, f);
      }
  }

  // ---- one instruction ---------------------------------------------------------------------
  struct Access {
    const AccessSpec* spec;
    int64_t index, count, cycles;
    int port;
    uint8_t skip;  // kSkipCheck / kSkipUpdate (plan_skips()), kSeen (plan_observes())
    int observe;   // PlanAccess::observe
  };
  // An expression as a plan evaluates it: a constant, one name, a negated name (`!to_acc`), a name
  // and a constant (`c_rows > 0`, `rows - 1`, `mem_done + 1`, `elems * 4`) or the sum or product of
  // two names (`rows + OUT_LATENCY`, `reps * rows`) read in place; others as before.
  struct FastExpr {
    enum Kind : uint8_t { Const, Var, Not, Add, Sub, Mul, Lt, Le, Gt, Ge, Eq, Ne, AddVar, MulVar, Other } kind = Other;
    using Src = const int64_t* const EvalContext::*;
    Src src = &EvalContext::fields, src2 = &EvalContext::fields;  // the names' arrays and indices
    int index = 0, index2 = 0;
    int64_t value = 0;
    const Expression* e = nullptr;
    static FastExpr of(const Expression& x) {
      using Op = Expression::Op;
      FastExpr f;
      f.e = &x;
      const Expression::Node* r = x.root_node();
      auto name = [](const VarRef& v, Src* src, int* index) {
        *index = v.index;
        *src = v.kind == VarKind::Param     ? &EvalContext::params
               : v.kind == VarKind::Field   ? &EvalContext::fields
               : v.kind == VarKind::Special ? &EvalContext::special
                                            : &EvalContext::config;
      };
      if (!r || x.is_constant()) {
        try {
          f.value = x.eval(EvalContext{}), f.kind = Const;
        } catch (const InputError&) {  // reported where it is evaluated, as before
        }
      } else if (r->op == Op::Var) {
        f.kind = Var, name(r->var, &f.src, &f.index);
      } else if (r->op == Op::Not && x.node(r->args[0]).op == Op::Var) {
        f.kind = Not, name(x.node(r->args[0]).var, &f.src, &f.index);
      } else if (r->args.size() == 2 && x.node(r->args[0]).op == Op::Var && x.node(r->args[1]).op == Op::Const) {
        const Op ops[] = {Op::Add, Op::Sub, Op::Mul, Op::Lt, Op::Le, Op::Gt, Op::Ge, Op::Eq, Op::Ne};
        const Kind kinds[] = {Add, Sub, Mul, Lt, Le, Gt, Ge, Eq, Ne};
        for (int k = 0; k < 9; ++k)
          if (r->op == ops[k]) {
            f.kind = kinds[k], f.value = x.node(r->args[1]).value;
            name(x.node(r->args[0]).var, &f.src, &f.index);
          }
      } else if ((r->op == Op::Add || r->op == Op::Mul) && x.node(r->args[0]).op == Op::Var &&
                 x.node(r->args[1]).op == Op::Var) {
        f.kind = r->op == Op::Add ? AddVar : MulVar;
        name(x.node(r->args[0]).var, &f.src, &f.index), name(x.node(r->args[1]).var, &f.src2, &f.index2);
      }
      return f;
    }
    [[gnu::always_inline]] int64_t eval(const EvalContext& ctx) const {
      if (kind == Var) return (ctx.*src)[index];
      if (kind == Const) return value;
      if (kind == Other) return e->eval(ctx);
      const int64_t v = (ctx.*src)[index];
      int64_t r = 0;
      switch (kind) {
        case Not: return v == 0;
        case Add: return __builtin_add_overflow(v, value, &r) ? e->eval(ctx) : r;  // (throws)
        case Sub: return __builtin_sub_overflow(v, value, &r) ? e->eval(ctx) : r;
        case Mul: return __builtin_mul_overflow(v, value, &r) ? e->eval(ctx) : r;
        case Lt: return v < value;
        case Le: return v <= value;
        case Gt: return v > value;
        case Ge: return v >= value;
        case Eq: return v == value;
        case Ne: return v != value;
        case AddVar: return __builtin_add_overflow(v, (ctx.*src2)[index2], &r) ? e->eval(ctx) : r;
        case MulVar: return __builtin_mul_overflow(v, (ctx.*src2)[index2], &r) ? e->eval(ctx) : r;
        default: return e->eval(ctx);
      }
    }
  };
  // A read or write spec of a plan's step, made once per plan (collect_plan()).
  struct PlanAccess {
    const AccessSpec* spec;
    FastExpr when, index, count, cycles;
    uint8_t skip;  // plan_skips()
    int observe;   // the address field its index is (the frames observe it), or -1
  };
  struct PlanStep {
    const StepSpec* step;
    std::vector<int> path;  // objects in front of its unit passed first
    std::vector<PlanAccess> reads, writes;
    FastExpr latency, ii, requests, bytes, start, interval;  // of the step and its memory access
    bool observes;  // whether an access may be new to the frames (plan_observes())
  };
  struct StepPlan {
    std::vector<int64_t> values;  // of when_fields_
    std::vector<PlanStep> steps;
    uint64_t objs = 0;  // the objects its steps pass and run on (Touched)
    int64_t uses = 0;   // instructions it served
    // Once it served kFoldAfter instructions: its steps' expressions with the binding's parameters
    // and `values` put in (fold_plan(); held through pointers, so that they stay where they are when
    // a plan moves or is copied).
    std::vector<std::shared_ptr<const Expression>> folded;
  };
  // Folding costs a few allocations per expression: paid by plans that serve many instructions.
  static constexpr int64_t kFoldAfter = 8;

  [[noreturn]] void bad(const SourceLoc& loc, const std::string& why) const {
    throw InputError(loc, why + " (layer instruction " + std::to_string(est_.evaluated_instructions) + ")");
  }

  // A location's times for a hazard check: one never touched is not inserted.
  const Location& peek(int st, int64_t i, const AccessSpec& spec) {
    static const Location untouched;
    const auto u = static_cast<std::size_t>(st);
    if (a_.storages[u].locations != 0) return s_.fixed[layout_.fixed_base(u) + inside(st, i, spec)];
    const Location* l = s_.open[static_cast<std::size_t>(st)].find(i);
    return l ? *l : untouched;
  }

  // The latest `field` over locations i .. i + n - 1 (n > 0) of storage `st`, for a hazard check:
  // nothing is inserted.
  // Inlined: out of line it cost systolic's fixed storages a call per check.
  [[gnu::always_inline]] int64_t latest(int st, int64_t i, int64_t n, int64_t Location::*field, const AccessSpec& spec) {
    const auto u = static_cast<std::size_t>(st);
    if (a_.storages[u].locations == 0) return s_.open[u].latest(i, n, field);
    int64_t t = kNever;
    for (int64_t k = 0; k < n; ++k) t = std::max(t, s_.fixed[layout_.fixed_base(u) + inside(st, i + k, spec)].*field);
    return t;
  }
  // Calls f(Location&) on locations i .. i + n - 1 of storage `st`, noted in the journal: per range of
  // an unbounded storage, per location of a fixed one.
  template <class F>
  void update(int st, int64_t i, int64_t n, const AccessSpec& spec, F f) {
    if (n <= 0) return;
    const auto u = static_cast<std::size_t>(st);
    if (a_.storages[u].locations == 0) return journal_.apply(&s_, u, i, n, f);
    for (int64_t k = 0; k < n; ++k) f(journal_.fixed_at(&s_, layout_.fixed_base(u) + inside(st, i + k, spec)));
  }
  // `i` as a location of storage `st` with a fixed location count; bad input outside it.
  std::size_t inside(int st, int64_t i, const AccessSpec& spec) const {
    if (i < 0 || i >= a_.storages[static_cast<std::size_t>(st)].locations) outside(st, i, spec);
    return static_cast<std::size_t>(i);
  }
  [[noreturn]] [[gnu::noinline]] void outside(int st, int64_t i, const AccessSpec& spec) const {
    bad(spec.loc, "location " + std::to_string(i) + " outside storage '" +
                      a_.desc->storages[static_cast<std::size_t>(st)].name + "' (0.." +
                      std::to_string(a_.storages[static_cast<std::size_t>(st)].locations - 1) + ")");
  }

  void collect(const std::vector<AccessSpec>& specs, const EvalContext& ctx, bool write, std::vector<Access>* out) {
    for (const auto& sp : specs) {
      if (!sp.when.empty() && sp.when.eval(ctx) == 0) continue;
      Access x{&sp, sp.index.eval(ctx), sp.count.eval(ctx), sp.cycles.eval(ctx), -1, 0, observed_field(sp)};
      checked(&x, write);
      out->push_back(x);
    }
  }
  // collect() for a plan's step: the same accesses, in the same order, errors too.
  [[gnu::always_inline]] void collect_plan(const std::vector<PlanAccess>& specs, const EvalContext& ctx, bool write,
                                           std::vector<Access>* out) {
    for (const PlanAccess& pa : specs) {
      if (pa.spec->when.empty() ? false : pa.when.eval(ctx) == 0) continue;
      Access x{pa.spec, pa.index.eval(ctx), pa.count.eval(ctx), pa.cycles.eval(ctx), -1, pa.skip, pa.observe};
      checked(&x, write);
      out->push_back(x);
    }
  }
  // The address field (own or carried) that is the whole index of `sp` for the running opcode, or -1.
  int observed_field(const AccessSpec& sp) const {
    const VarRef* v = sp.index.single_variable();
    if (!v || v->kind != VarKind::Field || !addr_field_[cur_op_][static_cast<std::size_t>(v->index)]) return -1;
    return v->index;
  }
  // Bad input in an access's values; its port.
  [[gnu::always_inline]] void checked(Access* x, bool write) {
    if (x->count < 0 || x->count > (1 << 20) || x->cycles != 0) checked_port(x, write);
  }
  [[gnu::noinline]] void checked_port(Access* x, bool write) {
    const AccessSpec& sp = *x->spec;
    if (x->count < 0 || x->count > (1 << 20)) bad(sp.loc, "access count " + std::to_string(x->count) + " out of range");
    if (x->cycles < 0) bad(sp.loc, "negative port cycles");
    if (x->cycles > 0) {
      const BoundStorage& bs = a_.storages[static_cast<std::size_t>(sp.storage)];
      const int64_t bank = ((x->index % bs.banks) + bs.banks) % bs.banks;
      const int64_t first = bank * (bs.read_ports + bs.write_ports) + (write ? bs.read_ports : 0);
      const int64_t n = write ? bs.write_ports : bs.read_ports;
      int best = layout_.st_port_base(static_cast<std::size_t>(sp.storage)) + static_cast<int>(first);
      for (int64_t p = 1; p < n; ++p) {
        const int cand = layout_.st_port_base(static_cast<std::size_t>(sp.storage)) + static_cast<int>(first + p);
        if (slot(cand) < slot(best)) best = cand;
      }
      x->port = best;
    }
  }

  // ---- later instructions' requests that run earlier in time ---------------------------------
  // An instruction whose requests share an interface with other units is evaluated, then the
  // instructions after it (up to the interface's `lookahead`) on a copy of the state: the steps among them that
  // start requesting that interface by the cycle its last request was accepted (that cycle too: a
  // request of higher priority presented then takes it) run while it does, so
  // it is evaluated again with its requests placed among theirs in time order (MemoryPort::
  // place_among). Their own requests are placed when they come in program order.
  // Rounds until the later streams stay: a mvout among many one-request mvins took up to 9 (held-out
  // GEMMs with K = 1 or 2), the suites up to 6; 4 stopped such placements before they settled.
  static constexpr int kRounds = 16;
  // A look-ahead scans the rest of its window (look_ahead()) only after this many instructions: a
  // scan costs about as much as evaluating a few, and most look-aheads end sooner by themselves
  // (systolic's after 2-4). From the first, systolic-16x16-os-64k cost +0.4 %; 16x16-os-auto was
  // cheapest with 6 (3, 4, 5, 7, 8, 12: +1.7, +1.2, +0.4, +0.3, +1.0, +3.0 %).
  static constexpr int64_t kRescanFrom = 6;
  struct LaterStream {
    std::size_t m;
    MemoryPort::Stream s;
  };
  struct Placement {
    std::size_t m;
    int64_t issue, done;  // its last acceptance, its latest response
    bool operator==(const Placement& o) const { return m == o.m && issue == o.issue && done == o.done; }
  };
  struct Snapshot {
    State s;  // times, queue heads and busy counters only
    uint64_t stamp = 0;
    std::size_t reads = 0;  // reads_rec_'s size
    int64_t evaluated = 0;
    std::size_t issues = 0, schedule = 0, ends = 0;
    std::vector<std::string> why;
    std::map<std::pair<int, int64_t>, int64_t> writers, readers;
  };
  // Storage locations, request logs and carried operands are not copied: their changes are undone
  // (journal_, RequestLog::mark, latch_undo_).
  void save(Snapshot* x) {
    x->s.t = s_.t, x->s.head = s_.head;
    x->s.max_end = s_.max_end, x->s.busy = s_.busy;
    journal_.start();
    for (auto& log : s_.requests) log.mark();
    latch_undo_.clear(), latch_journal_ = true;
    x->stamp = stamp_;
    x->reads = reads_rec_.size();
    x->evaluated = est_.evaluated_instructions;
    x->issues = opt_.issues ? opt_.issues->size() : 0;
    x->schedule = opt_.schedule ? opt_.schedule->size() : 0;
    x->ends = opt_.ends ? opt_.ends->size() : 0;
    if (opt_.schedule) x->why = why_, x->writers = writers_, x->readers = readers_;
  }
  void restore(const Snapshot& x) {
    s_.t = x.s.t, s_.head = x.s.head;
    s_.max_end = x.s.max_end, s_.busy = x.s.busy;
    journal_.rewind(&s_);
    for (auto& log : s_.requests) log.rewind();
    unlatch_to(0);
    stamp_ = x.stamp;
    if (reads_rec_.size() > x.reads) reads_rec_.resize(x.reads);
    est_.evaluated_instructions = x.evaluated;
    if (opt_.issues) opt_.issues->resize(x.issues);
    if (opt_.ends) opt_.ends->resize(x.ends);
    if (opt_.schedule) opt_.schedule->resize(x.schedule), why_ = x.why, writers_ = x.writers, readers_ = x.readers;
  }

  // The state after the instruction, before its look-ahead (on top of snapshot_): times copied,
  // storage locations, request logs and carried operands rewound to where their journals were.
  // Also its memory placements and the requests they left (same_as_mid()).
  struct Mid {
    std::vector<int64_t> t, head, busy;
    int64_t max_end = 0, evaluated = 0;
    uint64_t stamp = 0;
    std::size_t journal = 0, latch = 0;
    std::vector<Placement> placed;
    std::vector<int64_t> logs;
  };
  void mark_mid() {
    mid_.t = s_.t, mid_.head = s_.head, mid_.busy = s_.busy;
    mid_.max_end = s_.max_end, mid_.evaluated = est_.evaluated_instructions, mid_.stamp = stamp_;
    mid_.journal = journal_.size(), mid_.latch = latch_undo_.size();
    for (auto& log : s_.requests) log.mark2();
    if (opt_.plain_look_ahead) return;
    mid_.placed = placed_;
    mid_.logs.clear();
    for (const auto& log : s_.requests) log.since_mark(&mid_.logs);
  }
  // Whether the instruction, evaluated again from snapshot_ among the later streams, placed every
  // memory step as it did at mark_mid() (the same last acceptance and response, the same requests in
  // the logs). The later streams only change its memory steps' placement, so it then left the
  // state mark_mid() saw, and the look-ahead from there would collect the same streams again.
  bool same_as_mid() {
    if (placed_.size() != mid_.placed.size() || !std::equal(placed_.begin(), placed_.end(), mid_.placed.begin())) return false;
    logs_code_.clear();
    for (const auto& log : s_.requests) log.since_mark(&logs_code_);
    return logs_code_ == mid_.logs;
  }
  void rewind_mid() {
    s_.t = mid_.t, s_.head = mid_.head, s_.busy = mid_.busy;
    s_.max_end = mid_.max_end, est_.evaluated_instructions = mid_.evaluated, stamp_ = mid_.stamp;
    journal_.rewind_to(&s_, mid_.journal);
    for (auto& log : s_.requests) log.rewind2();
    unlatch_to(mid_.latch);
  }
  // Undoes the carried operands latched since latch_undo_ held `mark` entries, latest first.
  void unlatch_to(std::size_t mark) {
    while (latch_undo_.size() > mark) {
      const LatchUndo& u = latch_undo_.back();
      latched_[u.op][u.f] = u.value, latched_src_[u.op][u.f] = u.src, latched_stamp_[u.op][u.f] = u.stamp;
      latch_undo_.pop_back();
    }
  }

  // A position in the Program: the loop per depth, its statement and iteration, where its
  // segment ends.
  struct Walk {
    const Loop* loop;
    std::size_t pos;
    int64_t i, seg_end;
  };

  // Whether a later step could start requesting an interface this instruction placed requests on
  // by its last acceptance: only such a step competes with it.
  bool may_compete() const {
    for (const Placement& p : placed_)
      if (earliest_request(p.m) <= p.issue) return true;
    return false;
  }

  // A lower bound on when a later instruction's step requesting interface `m` starts (its requests
  // start no earlier): the step's unit is next free then; and every later instruction reaching the
  // unit passes the stages in front of it, each free no earlier than now (their times only grow),
  // and the instruction's ready time only grows along its path. Stopping the look-ahead on it
  // misses no competing step, so the outcome is the same as running the whole window.
  int64_t earliest_request(std::size_t m) const {
    int64_t best = std::numeric_limits<int64_t>::max();
    for (const UnitBound& b : mem_bounds_[m])
      best = std::min(best, opt_.plain_look_ahead ? instance_free(b.base, b.instances) : unit_bound(b));
    return best;
  }

  void run_instruction(const Instruction& ins) {
    placed_.clear();
    if (speculating_ || !shares_memory_[static_cast<std::size_t>(ins.opcode)]) {
      run_one(ins);
      return;
    }
    save(&snapshot_);
    run_placed(ins);
    journal_.stop();
    for (auto& log : s_.requests) log.unmark();
    latch_journal_ = false, latch_undo_.clear();
  }

  // The instruction, then again with its requests among the later ones' (from snapshot_, journal_ on).
  void run_placed(const Instruction& ins) {
    run_one(ins);
    // The later steps' starts depend on where this one's requests went: evaluated again until
    // they stay (kRounds at most).
    std::vector<LaterStream> later, before;
    for (int round = 0; round < kRounds; ++round) {
      if (placed_.empty() || !may_compete()) return;
      // Where the look-ahead scans the rest of its window first (look_ahead()): after the first
      // instruction that may compete, in later rounds after where the last round's last stream was.
      int64_t candidate = last_stream_at_;
      if (round == 0 && !opt_.plain_look_ahead && (candidate = window_competes(nullptr, 0, true)) == 0) return;
      mark_mid();
      look_ahead(candidate);
      // Evaluating it again would give the state the look-ahead started from: with no later
      // streams in the first round (as placed in program order), or the same ones as last round.
      if (!opt_.plain_look_ahead && (round == 0 ? later_streams_.empty() : same_streams(later_streams_, before))) {
        rewind_mid();
        return;
      }
      restore(snapshot_);
      later.swap(later_streams_);
      const bool settled = round > 0 && same_streams(later, before);
      placed_.clear();
      later_ = later.empty() ? nullptr : &later;
      run_one(ins);
      later_ = nullptr;
      if (later.empty() || settled) return;
      // Placed as before the look-ahead: another one would collect these streams again, and the
      // round after it would end here (settled) on this state.
      if (!opt_.plain_look_ahead && same_as_mid()) return;
      before.swap(later);
    }
  }

  // Whether an instruction of the look-ahead's window could place a request by the running one's
  // last acceptance, decided without evaluating it: only an executed memory step on a unit whose
  // bound (earliest_request) is at or below that acceptance can, and the bounds only grow, each
  // stage's by at least its ii per instruction passing it. When none can before every bound has
  // passed every acceptance, look_ahead() would collect nothing and is not run: the window it
  // could have reached is noted (walked_, crossed_*) as if it had run (as far or further).
  // The scan starts at `from` (null: the running instruction), `before` instructions into the
  // window; returns the offset from there of the first instruction that may compete, 0 if none
  // (`bounded`: the offset the bounded scan gives). Inlined: a call cost 0.2-0.4 % on every config.
  [[gnu::always_inline]] inline int64_t window_competes(const std::vector<Walk>* from, int64_t before, bool bounded) {
    competing_.clear();
    below_.clear();
    for (const Placement& p : placed_)
      for (const UnitBound& b : mem_bounds_[p.m])
        if (unit_bound(b) <= p.issue) {
          competing_.emplace_back(p.m, b.unit);
          below_.push_back(Below{&b, p.issue, own_bound(b.unit)});
        }
    if (competing_.empty()) return 0;
    // The cheap scan first; where it finds a step that may compete, the one with the steps' lower
    // bounds (only then: it costs more per instruction).
    const int64_t at = scan_window(false, from, before);
    return at > 0 && bounded ? scan_window(true, from, before) : at;
  }

  // window_competes()'s scan of the window; `bounded`: a step on a competing unit competes only if
  // its lower bound (scan_competes()) is below an acceptance.
  int64_t scan_window(bool bounded, const std::vector<Walk>* from, int64_t before) {
    std::vector<Walk>& w = scan_;
    w.clear();
    if (from) {
      w = *from;
    } else {
      w.resize(static_cast<std::size_t>(cur_depth_) + 1);
      for (std::size_t d = 0; d < w.size(); ++d) {
        const Frame& f = frames_[d];
        w[d] = Walk{f.loop, f.pos, idx_[d], f.seg_end};
      }
    }
    passes_.resize(stage_ii_.size());
    for (std::size_t x = 0; x < stage_ii_.size(); ++x) passes_[x] = s_.t[static_cast<std::size_t>(layout_.obj_base(static_cast<std::size_t>(stage_obj_[x])))];
    entered_.assign(a_.objects.size(), 0);
    unit_lb_.resize(a_.objects.size());
    if (bounded) {
      unit_lb_.assign(a_.objects.size(), std::numeric_limits<int64_t>::min());
      for (std::size_t o = 0; o < a_.objects.size(); ++o)
        if (a_.objects[o].kind == ObjectKind::Unit) unit_lb_[o] = own_bound(static_cast<int>(o));
    } else {
      // Only bound_below_issue() reads them there, for the units below an acceptance.
      for (const Below& u : below_) unit_lb_[static_cast<std::size_t>(u.bound->unit)] = u.unit;
    }
    scan_writes_.clear();
    rec_loop_ = nullptr;  // what competes differs from scan to scan
    bool idx_set = false;  // idx_ saved in scan_idx_ and changed
    const std::size_t latch_mark = latch_undo_.size();
    const int seg = crossed_seg_, end = crossed_end_;
    bool found = false;
    int64_t k = 0;
    try {
      while (k < look_n_ - before) {
        ++w.back().pos;
        if (!settle(&w)) break;
        const Instruction& ins = w.back().loop->body[w.back().pos].instr;
        const auto op = static_cast<std::size_t>(ins.opcode);
        if (scan_uses_idx_[bounded][op]) {  // an own field or a latched operand is evaluated
          if (!idx_set) scan_idx_ = idx_, idx_set = true;
          for (std::size_t d = 0; d < w.size(); ++d) idx_[d] = w[d].i;
        }
        ++k;
        uint64_t passed = 0;
        scan_holds_.clear();
        const std::vector<std::pair<int, int>>* holds = nullptr;
        if (scan_competes(ins, bounded, &passed, &holds)) {
          found = true;
          break;
        }
        scan_pass(passed, *holds);
        if (!bound_below_issue()) break;
        // A loop whose statements' `when`s read none of their own operands repeats: once each was
        // scanned in it (the steps selected, as scan_competes() would select them again), the rest
        // of its iterations are stepped without the walk or the look-up (scan_replay()).
        if (!bounded) {
          Walk& f = w.back();
          if (f.loop != rec_loop_) {
            rec_loop_ = f.loop, rec_n_ = 0;
            rec_.assign(f.loop->body.size(), ScanRec{0, nullptr});
          }
          ScanRec& r = rec_[f.pos];
          if (!r.holds && !scan_uses_idx_[0][op] && holds != &scan_made_.holds) r = ScanRec{passed, holds}, ++rec_n_;
          if (rec_n_ == rec_.size()) {
            bool stop = false;
            const int64_t i = f.i;
            k += scan_replay(&f, look_n_ - before - k, &stop);
            if (f.i >= f.seg_end && f.i > i) crossed_seg_ = std::min(crossed_seg_, static_cast<int>(w.size()) - 1);
            if (stop) break;
          }
        }
      }
    } catch (const InputError&) {
      found = true;  // reported when evaluated in program order
    }
    if (idx_set) idx_ = scan_idx_;
    unlatch_to(latch_mark);
    if (found) {
      crossed_seg_ = seg, crossed_end_ = end;
      return k;
    }
    walked_ = std::max(walked_, before + k);
    return 0;
  }

  // An instruction enters a queue once: the first stage in front of it that it passes is held.
  static void add_hold(std::vector<std::pair<int, int>>* holds, std::pair<int, int> h) {
    for (const auto& g : *holds)
      if (g.second == h.second) return;
    holds->push_back(h);
  }

  // A stage passed is next free ii later at least, and no earlier than the queue behind it takes
  // the instruction: the entry `capacity` entrants back frees it, known for the next `capacity`
  // entrants (each releases its entry in its own evaluation).
  void scan_pass(uint64_t passed, const std::vector<std::pair<int, int>>& holds) {
    for_each_bit(passed, [&](std::size_t x) { passes_[x] += stage_ii_[x]; });
    for (const auto& [x, q] : holds) {  // one per queue
      const BoundObject& ob = a_.objects[static_cast<std::size_t>(q)];
      int64_t& j = entered_[static_cast<std::size_t>(q)];
      if (j < ob.capacity) {
        const int64_t at = (s_.head[static_cast<std::size_t>(layout_.obj_ring(static_cast<std::size_t>(q)))] + j) % ob.capacity;
        passes_[static_cast<std::size_t>(x)] = std::max(passes_[static_cast<std::size_t>(x)], s_.t[static_cast<std::size_t>(layout_.obj_base(static_cast<std::size_t>(q)) + at)]);
      }
      ++j;
    }
  }

  // Steps the scan through the rest of the innermost loop, all of whose statements were scanned
  // in it (rec_): each passes the stages and queues it did, without the walk or the look-up.
  // Returns the instructions stepped (`stop`: the last of them ends the scan).
  int64_t scan_replay(Walk* f, int64_t most, bool* stop) {
    const auto n_body = static_cast<int64_t>(f->loop->body.size());
    const int64_t pos = static_cast<int64_t>(f->pos), left = std::min(most, n_body - 1 - pos + n_body * (f->loop->trips - 1 - f->i));
    // Every iteration enters each of their queues: after this many instructions none of their
    // entries is known any more (scan_pass()).
    int64_t known = 0;
    for (const ScanRec& r : rec_)
      for (const auto& h : *r.holds)
        known = std::max(known, a_.objects[static_cast<std::size_t>(h.second)].capacity - entered_[static_cast<std::size_t>(h.second)]);
    known *= n_body;
    int64_t n = 0;
    bool linear = false;
    for (int64_t q = pos; n < left;) {
      if (++q == n_body) q = 0;
      const ScanRec& r = rec_[static_cast<std::size_t>(q)];
      scan_pass(r.passed, *r.holds);
      ++n;
      if (!bound_below_issue()) {
        *stop = true;
        break;
      }
      if (q == n_body - 1 && !linear && n >= known && left - n >= 2 * n_body) n += n_body * scan_iterations((left - n) / n_body), linear = true;
    }
    const int64_t at = f->i * n_body + pos + n;
    f->i = at / n_body, f->pos = static_cast<std::size_t>(at % n_body);
    return n;
  }

  // Then every stage grows by the same amount per iteration: up to `most` iterations, as many as
  // leave some bound below its acceptance (as bound_below_issue(): each is so up to some
  // iteration, then no more) are passed at once. Returns how many.
  int64_t scan_iterations(int64_t most) {
    uint64_t passed = 0;
    for (const ScanRec& r : rec_) passed |= r.passed;
    int64_t grow[64];
    for_each_bit(passed, [&](std::size_t x) {
      grow[x] = 0;
      for (const ScanRec& r : rec_) grow[x] += (r.passed >> x) & 1 ? stage_ii_[x] : 0;
    });
    int64_t m = -1;
    for (const Below& u : below_) {
      const UnitBound& b = *u.bound;
      int64_t fixed = std::max(u.unit, unit_lb_[static_cast<std::size_t>(b.unit)]);
      int64_t s = std::numeric_limits<int64_t>::max();
      for (std::size_t j = 0; j < b.stages.size(); ++j) {
        const int x = b.stage_index[j];
        const int64_t t = (x >= 0 ? passes_[static_cast<std::size_t>(x)] : s_.t[static_cast<std::size_t>(b.stages[j].first)]) + b.stages[j].second;
        if (x >= 0 && ((passed >> x) & 1) && grow[x] > 0)
          s = t > u.issue ? -1 : std::min(s, (u.issue - t) / grow[x]);
        else
          fixed = std::max(fixed, t);
      }
      if (fixed > u.issue) s = -1;
      m = std::max(m, s);
    }
    m = std::min(std::max<int64_t>(m, 0), most);
    for_each_bit(passed, [&](std::size_t x) { passes_[x] += grow[x] * m; });
    return m;
  }

  // Whether `ins` (at idx_, carried operands as latched by the instructions scanned before it) runs
  // a memory step on a competing unit, or may; `passed` gets the stages it passes.
  bool scan_competes(const Instruction& ins, bool bounded, uint64_t* passed, const std::vector<std::pair<int, int>>** holds) {
    const auto op = static_cast<std::size_t>(ins.opcode);
    if (when_special_[op]) return true;
    if (!bounded) {
      // The common case: the values of the fields the `when`s read, then the steps kept for them.
      const auto& src = when_src_[op];
      if (src.size() <= kWhenValues) {
        int64_t v[kWhenValues];
        for (std::size_t k = 0; k < src.size(); ++k) {
          const WhenSource& x = src[k];
          v[k] = x.carried ? (x.op >= 0 ? latched_[static_cast<std::size_t>(x.op)][static_cast<std::size_t>(x.pf)] : 0)
                           : (static_cast<std::size_t>(x.pf) < ins.operands.size()
                                  ? operand_value(ins.operands[static_cast<std::size_t>(x.pf)], idx_.data())
                                  : 0);
        }
        for (const ScanSteps& x : scan_steps_[op])
          if (std::equal(v, v + src.size(), x.values.begin())) {
            if (!scan_latch_[0][op].empty()) break;  // latched below, as a new opcode's values are
            for (const auto& mu : x.mem)
              if (std::find(competing_.begin(), competing_.end(), mu) != competing_.end()) return true;
            *holds = &x.holds;
            *passed |= x.passed;
            return false;
          }
      }
    }
    const BoundOpcode& bo = a_.opcodes[op];
    const InstructionClassSpec& cls = *bo.cls;
    const std::size_t nf = cls.fields.size();
    if (scan_fields_.size() < nf + cls.carried.size()) scan_fields_.resize(nf + cls.carried.size());
    const auto& fields = bounded ? access_fields_[op] : when_fields_[op];
    for (int fi : fields) {  // as run_one() sets them
      const auto f = static_cast<std::size_t>(fi);
      if (f < nf) {
        const auto pf = static_cast<std::size_t>(bo.program_field[f]);
        scan_fields_[f] = pf < ins.operands.size() ? operand_value(ins.operands[pf], idx_.data()) : 0;
      } else {
        const auto& c = bo.carried[f - nf];
        scan_fields_[f] = c.first >= 0 ? latched_[static_cast<std::size_t>(c.first)][static_cast<std::size_t>(c.second)] : 0;
      }
    }
    // Only the carried operands the scan reads (scan_latch_) are latched.
    for (int pf : scan_latch_[bounded][op]) {
      const auto f = static_cast<std::size_t>(pf);
      latch_undo_.push_back(LatchUndo{op, f, latched_[op][f], latched_src_[op][f], latched_stamp_[op][f]});
      latched_[op][f] = f < ins.operands.size() ? operand_value(ins.operands[f], idx_.data()) : 0;
    }
    int64_t special[kNumSpecials] = {0};
    if (!bounded) {
      // The steps the `when`s select depend only on the fields they read: what they pass and hold,
      // and the memory steps among them, are worked out once per opcode and values.
      const ScanSteps* sel = nullptr;
      for (const ScanSteps& x : scan_steps_[op])
        if (std::equal(fields.begin(), fields.end(), x.values.begin(),
                       [&](int fi, int64_t v) { return scan_fields_[static_cast<std::size_t>(fi)] == v; })) {
          sel = &x;
          break;
        }
      if (!sel) {
        const EvalContext ctx = a_.context(scan_fields_.data(), special);
        ScanSteps& made = scan_made_;
        made = ScanSteps{};
        for (int fi : fields) made.values.push_back(scan_fields_[static_cast<std::size_t>(fi)]);
        for (std::size_t i = 0; i < cls.steps.size(); ++i) {
          const StepSpec& step = cls.steps[i];
          if (!step.when.empty() && step.when.eval(ctx) == 0) continue;
          for (const auto& h : step_holds_[op][i])
            if (!((made.passed >> h.first) & 1)) add_hold(&made.holds, h);
          made.passed |= step_stages_[op][i];
          if (step.has_memory) made.mem.emplace_back(static_cast<std::size_t>(step.memory.memory), step.unit);
        }
        if (scan_steps_[op].size() < kScanStepsKept) scan_steps_[op].push_back(made);
        sel = &made;
      }
      for (const auto& mu : sel->mem)
        if (std::find(competing_.begin(), competing_.end(), mu) != competing_.end()) return true;
      *holds = &sel->holds;
      *passed |= sel->passed;
      return false;
    }
    *holds = &scan_holds_;
    const EvalContext ctx = a_.context(scan_fields_.data(), special);
    const auto& masks = step_stages_[op];
    // A lower bound of each step's start: no earlier than the previous step's, each stage in front
    // of its unit passed (its bound + latency), its unit's bound, and the writes its RAW reads wait
    // for (the state's write_ready, which only grows, and the scanned instructions' writes, each at
    // its step's bound or later).
    int64_t lb = std::numeric_limits<int64_t>::min();
    for (std::size_t i = 0; i < cls.steps.size(); ++i) {
      const StepSpec& step = cls.steps[i];
      if (!step.when.empty() && step.when.eval(ctx) == 0) continue;
      // A stage is held by the queue behind it on the path of the first step passing it only.
      for (const auto& h : step_holds_[op][i])
        if (!((*passed >> h.first) & 1)) add_hold(&scan_holds_, h);
      const uint64_t in_front = masks[i];
      *passed |= masks[i];
      const bool may = step.has_memory && std::find(competing_.begin(), competing_.end(),
                                                    std::make_pair(static_cast<std::size_t>(step.memory.memory), step.unit)) !=
                                              competing_.end();
      if (!bounded) {
        if (may) return true;
        continue;
      }
      for (std::size_t x = 0; x < stage_lat_.size(); ++x)
        if ((in_front >> x) & 1) lb = std::max(lb, passes_[x] + stage_lat_[x]);
      const auto u = static_cast<std::size_t>(step.unit);
      lb = std::max(lb, unit_lb_[u]);
      const auto& accesses = scan_accesses_[op][i];
      for (const ScanAccess& x : accesses) {
        if (x.write || (!x.spec->when.empty() && x.spec->when.eval(ctx) == 0)) continue;
        const int64_t index = x.spec->index.eval(ctx), count = x.spec->count.eval(ctx);
        if (count > kScanRows) continue;  // a weaker bound: the scan stays cheap
        if (count > 0) lb = std::max(lb, latest(x.spec->storage, index, count, &Location::write_ready, *x.spec));
        for (const ScanWrite& w : scan_writes_)
          if (w.storage == x.spec->storage && w.index < index + count && index < w.index + w.count) lb = std::max(lb, w.ready);
      }
      if (may)
        for (const Placement& p : placed_)
          if (p.m == static_cast<std::size_t>(step.memory.memory) && lb <= p.issue) return true;
      // Its unit starts no later instruction before it: in order, or one instance held from then on.
      const BoundObject& ob = a_.objects[u];
      if (ob.in_order || ob.instances == 1) unit_lb_[u] = std::max(unit_lb_[u], lb);
      for (const ScanAccess& x : accesses) {
        if (!x.write || (!x.spec->when.empty() && x.spec->when.eval(ctx) == 0)) continue;
        const auto st = static_cast<std::size_t>(x.spec->storage);
        scan_writes_.push_back(ScanWrite{x.spec->storage, x.spec->index.eval(ctx), x.spec->count.eval(ctx),
                                         lb + a_.storages[st].latency});
      }
    }
    return false;
  }

  // may_compete() on the bounds as they at least are after the scanned instructions passed their stages.
  bool bound_below_issue() const {
    for (const Below& u : below_) {
      const UnitBound& b = *u.bound;
      int64_t t = std::max(u.unit, unit_lb_[static_cast<std::size_t>(b.unit)]);
      for (std::size_t j = 0; j < b.stages.size(); ++j) {
        const int x = b.stage_index[j];
        t = std::max(t, (x >= 0 ? passes_[static_cast<std::size_t>(x)] : s_.t[static_cast<std::size_t>(b.stages[j].first)]) + b.stages[j].second);
      }
      if (t <= u.issue) return true;
    }
    return false;
  }

  static bool same_streams(const std::vector<LaterStream>& x, const std::vector<LaterStream>& y) {
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (x[i].m != y[i].m || x[i].s.start != y[i].s.start || x[i].s.n != y[i].s.n || x[i].s.xfer != y[i].s.xfer ||
          x[i].s.interval != y[i].s.interval)
        return false;
    return true;
  }

  // Evaluates the instructions after the current one (on the state it left) and collects in
  // later_streams_ the memory steps that start by the current one's last acceptance.
  // Once `candidate` instructions have run (and kRescanFrom), the rest of the window is scanned from
  // the state the look-ahead reached: where nothing more may compete, the instructions left would
  // collect nothing; the scan notes them as walked instead (window_competes()). Else it is scanned
  // again after the next instruction that may compete.
  void look_ahead(int64_t candidate) {
    later_streams_.clear();
    std::size_t streams = 0;
    std::vector<Walk> w;
    for (int d = 0; d <= cur_depth_; ++d) {
      const Frame& f = frames_[static_cast<std::size_t>(d)];
      w.push_back(Walk{f.loop, f.pos, idx_[static_cast<std::size_t>(d)], f.seg_end});
    }
    const std::vector<int64_t> idx = idx_;
    AddressFrame* const rel = rel_;
    const bool light = light_, trace = trace_;
    const int objs = objs_;
    const int64_t fs = first_start_, fl = first_lat_, ss = second_start_;
    rel_ = nullptr, light_ = false, trace_ = false;
    speculating_ = true;
    try {
      last_stream_at_ = 0;
      for (int k = 0; k < look_n_; ++k) {
        ++w.back().pos;
        if (!settle(&w)) break;
        for (std::size_t d = 0; d < w.size(); ++d) idx_[d] = w[d].i;
        walked_ = std::max<int64_t>(walked_, k + 1);
        run_one(w.back().loop->body[w.back().pos].instr);
        ++est_.look_ahead_instructions;
        if (later_streams_.size() > streams) streams = later_streams_.size(), last_stream_at_ = k + 1;
        if (!may_compete()) break;
        if (!opt_.plain_look_ahead && candidate > 0 && k + 1 >= std::max(candidate, kRescanFrom)) {
          const int64_t next = window_competes(&w, k + 1, false);
          if (next == 0) break;
          candidate = k + 1 + next;
        }
      }
    } catch (const InputError&) {
      // Bad input ahead: reported when it is evaluated in program order.
    }
    speculating_ = false;
    idx_ = idx;
    rel_ = rel, light_ = light, trace_ = trace;
    objs_ = objs, first_start_ = fs, first_lat_ = fl, second_start_ = ss;
  }

  // settle() moves a Walk to the next instruction at or after it (false at the end),
  // noting the depths whose segment or loop it leaves (crossed_seg_ / crossed_end_).
  bool settle(std::vector<Walk>* w) {
    while (!w->empty()) {
      Walk& f = w->back();
      const int d = static_cast<int>(w->size()) - 1;
      if (f.pos >= f.loop->body.size()) {
        f.pos = 0;
        ++f.i;
        if (f.i >= f.seg_end) crossed_seg_ = std::min(crossed_seg_, d);
        if (f.i >= f.loop->trips) {
          crossed_end_ = std::min(crossed_end_, d);
          w->pop_back();
          if (!w->empty()) ++w->back().pos;
        }
        continue;
      }
      const Statement& st = f.loop->body[f.pos];
      if (!st.loop) return true;
      if (st.loop->trips <= 0 || st.loop->body.empty()) {
        ++f.pos;
        continue;
      }
      w->push_back(Walk{st.loop.get(), 0, 0, st.loop->trips});
    }
    return false;
  }

  void run_one(const Instruction& ins) {
    const BoundOpcode& bo = a_.opcodes[static_cast<std::size_t>(ins.opcode)];
    const InstructionClassSpec& cls = *bo.cls;
    const std::size_t nf = cls.fields.size();
    if (fields_.size() < nf + cls.carried.size()) fields_.resize(nf + cls.carried.size());
    if (field_src_.size() < fields_.size()) field_src_.resize(fields_.size()), field_stamp_.resize(fields_.size());
    ++stamp_;
    observed_.clear();
    held_.clear();
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
      if (latch_journal_) latch_undo_.push_back(LatchUndo{cur_op_, f, latched_[cur_op_][f], latched_src_[cur_op_][f], latched_stamp_[cur_op_][f]});
      latched_[cur_op_][f] = has ? operand_value(ins.operands[f], idx_.data()) : 0;
      latched_src_[cur_op_][f] = has ? &ins.operands[f] : nullptr;
      latched_stamp_[cur_op_][f] = stamp_;
    }
    int64_t special[kNumSpecials] = {0};
    const EvalContext ctx = a_.context(fields_.data(), special);
    ++est_.evaluated_instructions;

    int64_t ready = 0;
    if (light_) {
      objs_ = 0;
      trace_ = opt_.schedule && est_.evaluated_instructions - 1 >= opt_.schedule_from;
    }
    if (trace_) {
      traced_ = ScheduledInstruction{};
      traced_.number = est_.evaluated_instructions - 1;
      traced_.opcode = cls.name;
      ready_why_ = "program order";
    }
    int holder = -1;     // slot released when the next object accepts the instruction
    int pending_q = -1;  // queue the instruction waits in
    int prev_unit = -1;
    int64_t inst_end = 0;  // its latest step end (the objects before a step end before it starts)
    // Runs `step`, passing the objects `path` in front of its unit first.
    auto run_step = [&](const StepSpec& step, const std::vector<int>& path, const PlanStep* ps) {
      if (!ps) touched_.obj |= step_objects(step, path);  // a plan's are marked all at once
      for (int o : path) {
        const BoundObject& ob = a_.objects[static_cast<std::size_t>(o)];
        const int base = layout_.obj_base(static_cast<std::size_t>(o));
        if (ob.kind == ObjectKind::Stage) {
          const int64_t s = std::max(ready, slot(base));
          if (light_) note_start(s, ob.latency);
          if (trace_) {
            span(o, s, s + ob.latency, slot(base) > ready ? why_[static_cast<std::size_t>(base)] : ready_why_,
                 "stage latency " + std::to_string(ob.latency));
            constraint(ready, ready_why_);
            constraint(slot(base), why_[static_cast<std::size_t>(base)]);
          }
          if (holder >= 0) hold(holder, s, o);
          slot(base) = s + ob.ii;
          if (trace_) why_[static_cast<std::size_t>(base)] = "stage '" + obj_name(o) + "' took #" + num() + " (ii " + std::to_string(ob.ii) + ")";
          s_.busy[static_cast<std::size_t>(o)] += ob.ii;
          ready = s + ob.latency;
          if (trace_) ready_why_ = "passed stage '" + obj_name(o) + "'";
          holder = base;
        } else if (ob.kind == ObjectKind::Queue) {
          const int64_t h = s_.head[static_cast<std::size_t>(layout_.obj_ring(static_cast<std::size_t>(o)))];
          const int64_t e = std::max(ready, slot(base + static_cast<int>(h)));
          if (light_) note_start(e, ob.latency);
          if (trace_) {
            const auto q = static_cast<std::size_t>(base + static_cast<int>(h));
            span(o, e, e + ob.latency, slot(base + static_cast<int>(h)) > ready ? why_[q] : ready_why_,
                 "queue latency " + std::to_string(ob.latency));
            constraint(ready, ready_why_);
            constraint(slot(base + static_cast<int>(h)), why_[q]);
          }
          if (holder >= 0) hold(holder, e, o);
          holder = -1;
          ready = e + ob.latency;
          if (trace_) ready_why_ = "entered queue '" + obj_name(o) + "'";
          pending_q = o;
        } else {
          ready = occupy(o, nullptr, ctx, special, ready, &holder, &pending_q);
        }
      }
      ready = occupy(step.unit, &step, ctx, special, ready, &holder, &pending_q, ps);
      inst_end = std::max(inst_end, ready);
      prev_unit = step.unit;
    };
    // The steps the `when`s select, and the objects in front of each, depend only on the fields the
    // `when`s read (unless one reads an earlier step's outcome): worked out once per opcode and values.
    if (const StepPlan* plan = when_special_[cur_op_] ? nullptr : step_plan(ctx)) {
      // The schedule (trace_) lists every constraint: nothing skipped there.
      if (!trace_) touched_.obj |= plan->objs;
      for (const PlanStep& ps : plan->steps) run_step(*ps.step, ps.path, trace_ ? nullptr : &ps);
    } else {
      passed_.clear();
      for (const auto& step : cls.steps) {
        if (!step.when.empty() && step.when.eval(ctx) == 0) continue;
        step_path(step.unit, prev_unit);
        run_step(step, path_, nullptr);
      }
    }
    // A queue that holds its entry until the instruction is done frees it after the last step.
    if (deferred_q_ >= 0) release_queue(deferred_q_, ready);
    deferred_q_ = -1;
    // Held units' instances free when the instruction's last step ends.
    for (const Held& h : held_) {
      slot(h.inst) = inst_end;
      s_.busy[static_cast<std::size_t>(h.unit)] += inst_end - h.from;
      if (trace_)
        why_[static_cast<std::size_t>(h.inst)] = "unit '" + obj_name(h.unit) + "' held by #" + num() + " until its end";
    }
    held_.clear();
    if (light_) {
      // The command port accepts it when its first stage passes it on (backpressure holds it there).
      int64_t issue = first_start_;
      if (objs_ >= 2 && second_start_ - first_lat_ > first_start_) issue = second_start_ - first_lat_;
      if (opt_.issues) opt_.issues->push_back(issue);
      if (opt_.ends) opt_.ends->push_back(inst_end);
    }
    if (trace_) {
      const auto& sp = traced_.spans;
      if (!sp.empty()) {
        traced_.issue = sp[0].start;
        traced_.issue_timed_by = sp[0].timed_by;
        if (sp.size() >= 2 && sp[1].start - (sp[0].end - sp[0].start) > sp[0].start)
          traced_.issue = sp[1].start - (sp[0].end - sp[0].start), traced_.issue_timed_by = sp[1].timed_by;
      }
      for (const auto& sp : traced_.spans) traced_.end = std::max(traced_.end, sp.end);
      opt_.schedule->push_back(std::move(traced_));
    }
    if (light_ && opt_.schedule_to >= 0 && est_.evaluated_instructions - 1 >= opt_.schedule_to) throw StopEvaluation{};
  }

 public:
  struct StopEvaluation {};  // thrown after EstimateOptions::schedule_to
  const Estimate& partial() const { return est_; }

 private:
  void note_start(int64_t start, int64_t latency) {
    if (objs_ == 0) first_start_ = start, first_lat_ = latency;
    else if (objs_ == 1) second_start_ = start;
    ++objs_;
  }

  // ---- the schedule of acv diff (trace_ only) -------------------------------------------------
  std::string obj_name(int o) const { return a_.desc->objects[static_cast<std::size_t>(o)].name; }
  std::string num() const { return std::to_string(est_.evaluated_instructions - 1); }
  void span(int o, int64_t start, int64_t end, const std::string& timed_by, const std::string& ended_by) {
    traced_.spans.push_back(ScheduleSpan{obj_name(o), start, end, timed_by, ended_by, {}});
  }
  // The object holding the instruction is free for the next one only once `next` accepted it (backpressure).
  // Inlined, the reason (trace_) out of line: called for every object an instruction passes.
  [[gnu::always_inline]] void hold(int holder, int64_t accepted, int next) {
    if (accepted <= slot(holder)) return;
    slot(holder) = accepted;
    if (trace_) hold_why(holder, next);
  }
  [[gnu::noinline]] void hold_why(int holder, int next) {
    why_[static_cast<std::size_t>(holder)] = "backpressure: #" + num() + " waited for '" + obj_name(next) + "' (" +
                                             traced_.spans.back().timed_by + ")";
  }
  // Start candidates of a unit step: the latest wins, with its reason.
  void later(int64_t* s, std::string* why, int64_t t, const std::string& reason) {
    candidates_.emplace_back(t, reason);
    if (t > *s) *s = t, *why = reason;
  }
  void constraint(int64_t t, const std::string& reason) { traced_.spans.back().constraints.emplace_back(t, reason); }
  std::string storage_name(int st) const { return a_.desc->storages[static_cast<std::size_t>(st)].name; }
  std::string loc_text(const SourceLoc& l) const { return l.file + ":" + std::to_string(l.line); }

  // The instruction on unit `o` from `ready` on; returns its end.
  // `ps`: the step's place in a plan, whose skips apply (null: none).
  // Inlined into run_one()'s steps (its call cost was a few percent of gemmini's evaluation).
  [[gnu::always_inline]] int64_t occupy(int o, const StepSpec* step, const EvalContext& ctx, int64_t* special,
                                        int64_t ready, int* holder, int* pending_q, const PlanStep* ps = nullptr) {
    const BoundObject& ob = a_.objects[static_cast<std::size_t>(o)];
    const int base = layout_.obj_base(static_cast<std::size_t>(o));
    int inst = base;
    for (int64_t k = 1; k < ob.instances; ++k)
      if (slot(base + static_cast<int>(k)) < slot(inst)) inst = base + static_cast<int>(k);
    int64_t s = std::max(ready, slot(inst));
    const int last_start = base + static_cast<int>(ob.instances);
    std::string& why = occupy_why_;  // trace_ only: a member, so that no string is made per step
    if (trace_) {
      candidates_.clear();
      candidates_.emplace_back(ready, ready_why_);
      candidates_.emplace_back(slot(inst), why_[static_cast<std::size_t>(inst)]);
      why = slot(inst) > ready ? why_[static_cast<std::size_t>(inst)] : ready_why_;
      if (ob.in_order) later(&s, &why, slot(last_start), why_[static_cast<std::size_t>(last_start)]);
    }
    if (ob.in_order) s = std::max(s, slot(last_start));
    // A held unit's instance: the earliest free one that the instruction's earlier steps do not hold,
    // kept until the instruction ends (run_one()).
    int held = -1;
    if (step && step->hold >= 0) {
      const int hb = layout_.obj_base(static_cast<std::size_t>(step->hold));
      for (int64_t k = 0; k < a_.objects[static_cast<std::size_t>(step->hold)].instances; ++k) {
        const int x = hb + static_cast<int>(k);
        if (std::any_of(held_.begin(), held_.end(), [x](const Held& h) { return h.inst == x; })) continue;
        if (held < 0 || slot(x) < slot(held)) held = x;
      }
      if (held < 0)
        bad(step->loc, "the step holds unit '" + obj_name(step->hold) + "', whose every instance the instruction's earlier steps hold");
      if (trace_) later(&s, &why, slot(held), why_[static_cast<std::size_t>(held)]);
      s = std::max(s, slot(held));
    }
    reads_.clear();
    writes_.clear();
    if (step) {
      if (ps) {
        collect_plan(ps->reads, ctx, false, &reads_);
        collect_plan(ps->writes, ctx, true, &writes_);
      } else {
        collect(step->reads, ctx, false, &reads_);
        collect(step->writes, ctx, true, &writes_);
      }
      if (rel_ && (!ps || ps->observes)) {
        for (const auto* list : {&reads_, &writes_})
          for (const auto& x : *list) {
            if (x.observe < 0 || (x.skip & kSeen)) continue;
            const auto f = static_cast<std::size_t>(x.observe);
            // The same access in another step of the instruction observes nothing new.
            const Observed ob_key{x.spec->storage, f, x.index, x.count};
            if (std::find(observed_.begin(), observed_.end(), ob_key) != observed_.end()) continue;
            observed_.push_back(ob_key);
            // Every segment looking for its repeat observes it (an inner loop's accesses are the
            // enclosing segment's too).
            for (AddressFrame* r = rel_; r; r = r->parent())
              r->observe(x.spec->storage, field_src_[f], field_stamp_[f] > r->start_stamp(), x.index, x.count, idx_.data());
          }
      }
      for (const auto& r : reads_) {
        const StorageSpec& sp = a_.desc->storages[static_cast<std::size_t>(r.spec->storage)];
        touched_.st |= bit(r.spec->storage);
        if (trace_) {
          if (sp.raw)
            for (int64_t i = 0; i < r.count; ++i)
              later(&s, &why, peek(r.spec->storage, r.index + i, *r.spec).write_ready,
                    "storage '" + sp.name + "' (" + loc_text(sp.loc) + ") [" + std::to_string(r.index + i) +
                        "]: read after the write of " + who(writer(r.spec->storage, r.index + i)) +
                        " + storage latency " + std::to_string(a_.storages[static_cast<std::size_t>(r.spec->storage)].latency) +
                        ", by the read at " + loc_text(r.spec->loc));
          if (r.port >= 0) later(&s, &why, slot(r.port), why_[static_cast<std::size_t>(r.port)]);
        }
        if (sp.raw && r.count > 0 && !(r.skip & kSkipCheck))
          s = std::max(s, latest(r.spec->storage, r.index, r.count, &Location::write_ready, *r.spec));
        if (r.port >= 0) s = std::max(s, slot(r.port));
      }
      for (const auto& w : writes_) {
        const StorageSpec& sp = a_.desc->storages[static_cast<std::size_t>(w.spec->storage)];
        touched_.st |= bit(w.spec->storage), touched_.wst |= bit(w.spec->storage);
        if (trace_ && (sp.war || sp.waw))
          for (int64_t i = 0; i < w.count; ++i) {
            const Location* l = &peek(w.spec->storage, w.index + i, *w.spec);
            const std::string at = "storage '" + sp.name + "' (" + loc_text(sp.loc) + ") [" + std::to_string(w.index + i) + "]: ";
            const std::string by = ", by the write at " + loc_text(w.spec->loc);
            if (sp.war) later(&s, &why, l->read_end, at + "write after the reads up to " + who(reader(w.spec->storage, w.index + i)) + by);
            if (sp.waw) later(&s, &why, l->write_end, at + "write after the write of " + who(writer(w.spec->storage, w.index + i)) + by);
          }
        if (w.count > 0 && !(w.skip & kSkipCheck)) {
          if (sp.war) s = std::max(s, latest(w.spec->storage, w.index, w.count, &Location::read_end, *w.spec));
          if (sp.waw) s = std::max(s, latest(w.spec->storage, w.index, w.count, &Location::write_end, *w.spec));
        }
        if (trace_ && w.port >= 0) later(&s, &why, slot(w.port), why_[static_cast<std::size_t>(w.port)]);
        if (w.port >= 0) s = std::max(s, slot(w.port));
      }
    }
    if (light_) note_start(s, 0);
    if (trace_) {
      span(o, s, s, why, "");
      traced_.spans.back().constraints = candidates_;
    }
    if (*holder >= 0) hold(*holder, s, o);
    const int pending = *pending_q;
    *pending_q = -1;
    if (pending >= 0 && !a_.objects[static_cast<std::size_t>(pending)].release_at_end) release_queue(pending, s);
    special[kMemDone] = special[kMemIssued] = 0;
    if (step && step->has_memory) memory(*step, ctx, s, special, ps);
    const int64_t lat =
        (step && !step->latency.empty()) ? (ps ? ps->latency.eval(ctx) : step->latency.eval(ctx)) : ob.latency;
    const int64_t occ =
        (step && !step->ii.empty()) ? (ps ? ps->ii.eval(ctx) : step->ii.eval(ctx)) : (ob.ii >= 0 ? ob.ii : lat);
    if (lat < 0 || occ < 0 || lat > (int64_t{1} << 40) || occ > (int64_t{1} << 40))
      bad(step ? step->loc : a_.desc->objects[static_cast<std::size_t>(o)].loc,
          "latency " + std::to_string(lat) + " / occupancy " + std::to_string(occ) + " out of range");
    const int64_t end = s + lat;
    if (trace_) {
      ScheduleSpan& sp = traced_.spans.back();
      sp.end = end;
      sp.ended_by = step && !step->latency.empty()
                        ? "latency `" + step->latency.text() + "` = " + std::to_string(lat) + " (" + loc_text(step->latency.loc()) + ")"
                        : "unit '" + obj_name(o) + "' latency " + std::to_string(lat);
      if (step && step->has_memory)
        sp.ended_by += ", memory '" + a_.desc->memories[static_cast<std::size_t>(step->memory.memory)].name +
                       "': last request done at +" + std::to_string(special[kMemDone]);
      ready_why_ = "its previous step on '" + obj_name(o) + "'";
    }
    if (pending >= 0 && a_.objects[static_cast<std::size_t>(pending)].release_at_end) deferred_q_ = pending;
    const int64_t was_free = slot(inst);  // writes `at: free` take effect here
    slot(inst) = s + occ;
    if (held >= 0) held_.push_back(Held{held, step->hold, s});
    slot(last_start) = s;
    if (trace_) {
      why_[static_cast<std::size_t>(inst)] = "unit '" + obj_name(o) + "' busy with #" + num() + " (occupancy " + std::to_string(occ) + ")";
      why_[static_cast<std::size_t>(last_start)] = "unit '" + obj_name(o) + "' in order after #" + num();
      for (const auto& r : reads_) {
        for (int64_t i = 0; i < r.count; ++i) readers_[{r.spec->storage, r.index + i}] = est_.evaluated_instructions - 1;
        if (r.port >= 0) why_[static_cast<std::size_t>(r.port)] = "a read port of '" + storage_name(r.spec->storage) + "' busy with #" + num();
      }
      for (const auto& w : writes_) {
        for (int64_t i = 0; i < w.count; ++i) writers_[{w.spec->storage, w.index + i}] = est_.evaluated_instructions - 1;
        if (w.port >= 0) why_[static_cast<std::size_t>(w.port)] = "a write port of '" + storage_name(w.spec->storage) + "' busy with #" + num();
      }
    }
    s_.busy[static_cast<std::size_t>(o)] += occ;
    for (const auto& r : reads_) {
      if (!(r.skip & kSkipUpdate)) {
        update(r.spec->storage, r.index, r.count, *r.spec, [end](Location& l) { l.read_end = std::max(l.read_end, end); });
        if (rel_ && !speculating_ && r.count > 0 && a_.storages[static_cast<std::size_t>(r.spec->storage)].locations == 0)
          record_read(r, end);
      }
      if (r.port >= 0) slot(r.port) = s + r.cycles;
    }
    for (const auto& w : writes_) {
      const int64_t lat_w = a_.storages[static_cast<std::size_t>(w.spec->storage)].latency;
      const int64_t at = w.spec->at_free ? was_free : end;
      if (!(w.skip & kSkipUpdate))
        update(w.spec->storage, w.index, w.count, *w.spec, [at, lat_w](Location& l) {
        l.write_end = std::max(l.write_end, at);
        l.write_ready = std::max(l.write_ready, at + lat_w);
      });
      if (w.port >= 0) slot(w.port) = s + w.cycles;
    }
    s_.max_end = std::max(s_.max_end, end);
    *holder = inst;
    return end;
  }

  // The objects feeding `unit` that the instruction has not passed yet (in passed_), in order, into
  // path_ (none when it already occupies `unit`: prev_unit), and then passed.
  void step_path(int unit, int prev_unit) {
    path_.clear();
    if (unit != prev_unit) {
      for (int x = a_.objects[static_cast<std::size_t>(unit)].from;
           x >= 0 && std::find(passed_.begin(), passed_.end(), x) == passed_.end();
           x = a_.objects[static_cast<std::size_t>(x)].from)
        path_.push_back(x);
    }
    std::reverse(path_.begin(), path_.end());
    passed_.insert(passed_.end(), path_.begin(), path_.end());
    passed_.push_back(unit);
  }

  // run_one()'s steps for the running instruction's values of when_fields_ (null when a `when` is bad
  // input: run_one() evaluates them in order and reports it there).
  // Inlined: every instruction looks its plan up; making one is out of line.
  [[gnu::always_inline]] const StepPlan* step_plan(const EvalContext& ctx) {
    const auto& fields = when_fields_[cur_op_];
    for (StepPlan& x : plans_[cur_op_])
      if (std::equal(fields.begin(), fields.end(), x.values.begin(),
                     [&](int fi, int64_t v) { return fields_[static_cast<std::size_t>(fi)] == v; })) {
        if (++x.uses == kFoldAfter) fold_plan(&x, ctx);
        return &x;
      }
    return make_plan(ctx);
  }

  // The plan serves only instructions with its values of when_fields_, and the binding has one value
  // per parameter: both go into the expressions it evaluates in a general way (FastExpr::Other), which
  // then compute less or are read in place (systolic dma_load's bytes, `B == 1 ? bytes : ...`, is
  // `bytes` at B = 1; its requests, `reps * ceil_div(rows, B)`, `reps * rows`).
  [[gnu::noinline]] void fold_plan(StepPlan* plan, const EvalContext& ctx) {
    const auto& fields = when_fields_[cur_op_];
    const Expression::Known known = [&](const VarRef& v, int64_t* value) {
      if (v.kind == VarKind::Param || v.kind == VarKind::Config) return *value = Expression::var_value(v, ctx), true;
      const auto at = std::find(fields.begin(), fields.end(), v.index);
      if (v.kind != VarKind::Field || at == fields.end()) return false;
      return *value = plan->values[static_cast<std::size_t>(at - fields.begin())], true;
    };
    const auto fold = [&](FastExpr* f) {
      if (f->kind != FastExpr::Other) return;  // read in place already
      plan->folded.push_back(std::make_shared<const Expression>(f->e->folded(known)));
      *f = FastExpr::of(*plan->folded.back());
    };
    for (PlanStep& ps : plan->steps) {
      for (FastExpr* f : {&ps.latency, &ps.ii, &ps.requests, &ps.bytes, &ps.start, &ps.interval}) fold(f);
      for (auto* list : {&ps.reads, &ps.writes})
        for (PlanAccess& pa : *list)
          for (FastExpr* f : {&pa.when, &pa.index, &pa.count, &pa.cycles}) fold(f);
    }
  }
  [[gnu::noinline]] const StepPlan* make_plan(const EvalContext& ctx) {
    const auto& fields = when_fields_[cur_op_];
    StepPlan made;
    for (int fi : fields) made.values.push_back(fields_[static_cast<std::size_t>(fi)]);
    passed_.clear();
    int prev_unit = -1;
    try {
      for (const auto& step : a_.opcodes[cur_op_].cls->steps) {
        if (!step.when.empty() && step.when.eval(ctx) == 0) continue;
        step_path(step.unit, prev_unit);
        made.steps.push_back(PlanStep{&step, path_, {}, {}, FastExpr::of(step.latency), FastExpr::of(step.ii),
                                      FastExpr::of(step.memory.requests), FastExpr::of(step.memory.bytes),
                                      FastExpr::of(step.memory.start), FastExpr::of(step.memory.interval), true});
        prev_unit = step.unit;
      }
    } catch (const InputError&) {
      return nullptr;
    }
    for (PlanStep& ps : made.steps)
      for (const bool write : {false, true})
        for (const AccessSpec& x : write ? ps.step->writes : ps.step->reads)
          (write ? ps.writes : ps.reads)
              .push_back(PlanAccess{&x, FastExpr::of(x.when), FastExpr::of(x.index), FastExpr::of(x.count),
                                    FastExpr::of(x.cycles), 0, observed_field(x)});
    plan_skips(&made);
    plan_observes(&made);
    for (const PlanStep& ps : made.steps) made.objs |= step_objects(*ps.step, ps.path);
    auto& kept = plans_[cur_op_];
    if (kept.size() < kPlansKept) {
      kept.push_back(std::move(made));
      return &kept.back();
    }
    plan_scratch_ = std::move(made);
    return &plan_scratch_;
  }

  // What an instruction's own steps make redundant. Each step starts no earlier than the previous
  // one's end (latencies are >= 0) and sets read_end / write_end to at most its own end. So a hazard
  // check of rows that an earlier step checked alike binds nothing (of write_ready: when the storage's
  // latency is 0 or no step since writes it), and a read_end / write_end update that a later step
  // makes again on the same rows is overtaken by it (write_ready likewise: latency 0, or no step
  // until then reads the storage with a RAW check). "Alike": the same storage, index, count and
  // `when`, none reading an evaluator value (mem_done). Unbounded storages only: a fixed one is a
  // look-up per location anyway, and its range errors stay where they were.
  static bool pure(const AccessSpec& x) {
    for (const Expression* e : {&x.index, &x.count, &x.when})
      for (const VarRef& v : e->variables())
        if (v.kind == VarKind::Special) return false;
    return true;
  }
  static bool alike(const AccessSpec& x, const AccessSpec& y) {
    return x.storage == y.storage && x.index.same(y.index) && x.count.same(y.count) && x.when.same(y.when);
  }
  // The frames observe an access once per instruction (occupy()): one alike an earlier access of
  // the plan (kSeen) is known to be seen, and a step with no other observes nothing.
  static void plan_observes(StepPlan* plan) {
    std::vector<const AccessSpec*> before;
    for (PlanStep& ps : plan->steps) {
      ps.observes = false;
      for (auto* acc : {&ps.reads, &ps.writes})
        for (PlanAccess& x : *acc) {
          if (x.observe < 0) continue;
          const bool seen = pure(*x.spec) && std::any_of(before.begin(), before.end(),
                                                         [&](const AccessSpec* y) { return alike(*x.spec, *y); });
          if (seen) x.skip |= kSeen;
          else ps.observes = true;
          before.push_back(x.spec);
        }
    }
  }
  void plan_skips(StepPlan* plan) const {
    const auto& st = plan->steps;
    // Most plans have no two steps on unbounded storages: nothing to skip (no flags at all).
    std::size_t on_open = 0;
    for (const PlanStep& ps : st) {
      bool any = false;
      for (const auto* specs : {&ps.step->reads, &ps.step->writes})
        for (const AccessSpec& x : *specs) any = any || a_.storages[static_cast<std::size_t>(x.storage)].locations == 0;
      on_open += any;
    }
    if (on_open < 2) return;
    // Whether steps [from, to] access storage `sto` by a write (reads: by a read).
    auto touches = [&](std::size_t from, std::size_t to, int sto, bool write) {
      for (std::size_t k = from; k <= to && k < st.size(); ++k)
        for (const auto& y : write ? st[k].step->writes : st[k].step->reads)
          if (y.storage == sto) return true;
      return false;
    };
    for (std::size_t k = 0; k < st.size(); ++k) {
      for (const bool write : {false, true}) {
        const auto& specs = write ? st[k].step->writes : st[k].step->reads;
        auto& acc = write ? plan->steps[k].writes : plan->steps[k].reads;
        for (std::size_t i = 0; i < specs.size(); ++i) {
          uint8_t& skip = acc[i].skip;
          const AccessSpec& x = specs[i];
          const BoundStorage& bs = a_.storages[static_cast<std::size_t>(x.storage)];
          if (bs.locations != 0 || !pure(x)) continue;
          const bool raw = a_.desc->storages[static_cast<std::size_t>(x.storage)].raw;
          for (std::size_t j = 0; j < k; ++j)
            for (const auto& y : write ? st[j].step->writes : st[j].step->reads)
              if (alike(x, y) && (write || bs.latency == 0 || !touches(j, k - 1, x.storage, true))) skip |= kSkipCheck;
          for (std::size_t j = k + 1; j < st.size(); ++j)
            for (const auto& y : write ? st[j].step->writes : st[j].step->reads)
              if (alike(x, y) &&
                  (!write || (!y.at_free && (bs.latency == 0 || !raw || !touches(k + 1, j, x.storage, false)))))
                skip |= kSkipUpdate;
        }
      }
    }
  }

  // Inlined like hold(), the reason out of line.
  [[gnu::always_inline]] void release_queue(int q, int64_t at) {
    const BoundObject& ob = a_.objects[static_cast<std::size_t>(q)];
    int64_t& h = s_.head[static_cast<std::size_t>(layout_.obj_ring(static_cast<std::size_t>(q)))];
    slot(layout_.obj_base(static_cast<std::size_t>(q)) + static_cast<int>(h)) = at + ob.release_delay;
    if (trace_) release_why(q, h);
    h = (h + 1) % ob.capacity;
  }
  [[gnu::noinline]] void release_why(int q, int64_t h) {
    const BoundObject& ob = a_.objects[static_cast<std::size_t>(q)];
    why_[static_cast<std::size_t>(layout_.obj_base(static_cast<std::size_t>(q)) + static_cast<int>(h))] =
        "queue '" + obj_name(q) + "' (" + loc_text(a_.desc->objects[static_cast<std::size_t>(q)].loc) + ") full (capacity " +
        std::to_string(ob.capacity) + "): its entry freed by #" + num() + " at its " + (ob.release_at_end ? "end" : "start") +
        " + release_delay " + std::to_string(ob.release_delay);
  }

  // Requests of a step to external memory from `step_start`: sets mem_done / mem_issued, the cycles
  // until the last request completes / was issued.
  // `ps`: the step's place in a plan (its expressions read in place), or null.
  void memory(const StepSpec& step, const EvalContext& ctx, int64_t step_start, int64_t* special, const PlanStep* ps) {
    const int64_t offset = ps ? ps->start.eval(ctx) : step.memory.start.eval(ctx);
    const int64_t start = step_start + offset;
    const auto m = static_cast<std::size_t>(step.memory.memory);
    touched_.mem |= bit(m);
    const BoundMemory& bm = a_.memories[m];
    const int64_t n = ps ? ps->requests.eval(ctx) : step.memory.requests.eval(ctx);
    const int64_t bytes = ps ? ps->bytes.eval(ctx) : step.memory.bytes.eval(ctx);
    if (n < 0 || n > (int64_t{1} << 24) || bytes < 0 || bytes > (int64_t{1} << 40))
      bad(step.memory.loc, "memory access of " + std::to_string(n) + " requests of " + std::to_string(bytes) +
                               " bytes out of range");
    if (n == 0 || offset < 0) return;
    const int64_t xfer = (bytes + bm.bytes_per_cycle - 1) / bm.bytes_per_cycle;
    RequestLog& log = s_.requests[m];
    // Requests that can no longer matter cost only a binary search there; make_key drops them, and
    // so does this when the log grows long (full evaluation makes no keys).
    if (log.runs() > 512) log.prune(layout_.memory_floor(s_, m, layout_.floor_time(s_)));
    const int64_t interval =
        step.memory.interval.empty() ? bm.request_interval : (ps ? ps->interval.eval(ctx) : step.memory.interval.eval(ctx));
    if (interval < 0) bad(step.memory.loc, "negative request interval " + std::to_string(interval));
    const int rank = bm.rank[static_cast<std::size_t>(step.unit)];  // where two want one cycle
    streams_.clear();
    if (later_)
      for (const LaterStream& x : *later_)
        if (x.m == m) streams_.push_back(x.s);
    const MemoryPort::Placed placed =
        streams_.empty() ? port_.place(&log, m, bm, n, xfer, interval, start, step_start)
                         : port_.place_among(&log, bm, n, xfer, interval, start, step_start, rank, streams_);
    if (speculating_) {
      for (const Placement& p : placed_)
        if (p.m == m && start <= p.issue) later_streams_.push_back(LaterStream{m, {start, n, xfer, interval, rank}});
    } else {
      placed_.push_back(Placement{m, placed.issue, placed.done});
    }
    const int64_t issue = placed.issue, done = placed.done;
    s_.busy[a_.objects.size() + m] += n * xfer;
    // Requests still in flight (writes) keep the run going until their slot is free again.
    s_.max_end = std::max(s_.max_end, done + bm.release_delay);
    special[kMemDone] = done - step_start;
    special[kMemIssued] = issue - step_start;
  }

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
    frames_[static_cast<std::size_t>(depth)].loop = &loop;
    for (std::size_t k = 0; k < loop.body.size(); ++k) {
      const Statement& s = loop.body[k];
      frames_[static_cast<std::size_t>(depth)].pos = k;
      if (s.loop && depth == 0) {
        const int64_t before = s_.max_end;
        eval_loop(*s.loop, depth + 1);
        est_.top_loops.emplace_back(s.loop->name, s_.max_end - before);
      } else if (s.loop) {
        eval_loop(*s.loop, depth + 1);
      } else {
        cur_depth_ = depth;
        run_instruction(s.instr);
      }
    }
  }

  struct Seen {
    int64_t iteration, ref;
    std::size_t busy_at;  // its busy counters in seen_busy_
  };

  static constexpr int64_t kRelativeKeys = 12;   // keys an address-relative segment makes before giving up
  static constexpr int64_t kRelativeWarmup = 6;  // iterations it evaluates before its first key
  // An evaluated instruction (with its look-ahead) costs about as much as making a key of this many
  // words (callgrind, whole ResNet-18 on the decoupled example: ~6.5 k instructions per evaluated
  // instruction, ~38 per key word).
  static constexpr int64_t kKeyWordsPerInstruction = 170;
  struct LoopMemoStats {
    int64_t hits = 0, misses = 0;
    int64_t first_key = kRelativeWarmup;  // address-relative: where the last repeat began
    int64_t min_key = kRelativeWarmup;    // ... the earliest seen (halved when found at the first key)
    std::size_t key_words = 0;            // the length of its last key
    // The last repeat found: its period and where it began (iterations from the segment's start).
    int64_t period = 0, start = 0;
    int64_t agree = 0;  // repeats before it with the same period and start, in a row
  };

  void eval_loop(const Loop& loop, int depth) {
    // A loop entered once per layer (all enclosing loops have one trip) is never met again; one inside
    // an address-relative segment still looking for its repeat is evaluated, so that the segment
    // observes all its accesses.
    if (opt_.full || depth == 0 || entries_at_[static_cast<std::size_t>(depth)] <= 1 || rel_) {
      eval_loop_body(loop, depth);
      return;
    }
    std::size_t open_ranges = 0;  // the locations held cost a copy per range
    for (const auto& open : s_.open) open_ranges += open.ranges();
    // A reference into a node-based map: it stays valid while the loops inside add theirs.
    MemoLoop& seen = memo_loops_[&loop];
    if (!LoopMemo::worth_trying(seen.tries, open_ranges, kKeyWordsPerInstruction)) {
      eval_loop_body(loop, depth);
      return;
    }
    std::vector<int64_t>& key = loop_key_;
    make_key(nullptr, 0, &key);
    const std::size_t rows_at = layout_.fixed_key_size();
    if (seen.identity < 0) seen.identity = loop_memo_.identity(a_, loop, depth);
    key.push_back(seen.identity);
    key.push_back(depth);
    std::vector<int64_t>& trips = loop_trips_;
    trips.assign(static_cast<std::size_t>(depth) + 2, 1);
    trips[static_cast<std::size_t>(depth)] = loop.trips;
    addr_pos_.clear();
    pinned_.assign(a_.storages.size(), 0);
    loop_signature(a_, loop, depth, depth, idx_.data(), &trips, &key, &addr_pos_, &pinned_);
    // A loop whose look-aheads went past its end is keyed with the instructions after it as far as
    // they ran (the most so far; an evaluation that runs further is not recorded under this key).
    const auto out = reaches_out_.find(&loop);
    const int64_t reach = out == reaches_out_.end() ? -1 : out->second;
    cont_addr_.clear();
    cont_ops_.clear();
    shared_mask_ = loop_shared(loop);
    if (reach >= 0) append_continuation(depth, reach, &key, &cont_addr_);
    // Carried operands, but those of opcodes the loop never reads nor writes (passive_).
    mark_passive(loop);
    const std::size_t carried_at = key.size();
    for (std::size_t op = 0; op < latched_.size(); ++op)
      if (!passive_[op]) key.insert(key.end(), latched_[op].begin(), latched_[op].end());
    relative_to_anchors(rows_at, carried_at, &key);
    const int64_t ref = s_.max_end;
    if (const LoopMemo::Exit* x = loop_memo_.find(key)) {
      ++seen.tries.hits;
      for (const KernelInfo& k : x->kernels) note_kernel(k);
      // As evaluating it would: what its look-aheads crossed and how far they ran.
      crossed_seg_ = std::min(crossed_seg_, x->crossed_seg);
      crossed_end_ = std::min(crossed_end_, x->crossed_end);
      if (x->crossed_end <= depth) walked_ = std::max(walked_, x->walked);
      // Whatever the loop touched: a segment around it keeps nothing quiet.
      touched_.obj = touched_.st = touched_.wst = touched_.mem = ~uint64_t{0};
      loop_busy_ = s_.busy;
      s_ = x->state;  // reuses s_'s buffers
      shift(ref);
      for (std::size_t b = 0; b < loop_busy_.size(); ++b) s_.busy[b] = loop_busy_[b] + x->busy[b];
      // Operands of passive opcodes stay as they were at this entry: the loop does not touch them.
      const int64_t* v = x->latched.data();
      for (std::size_t op = 0; op < latched_.size(); ++op) {
        auto& l = latched_[op];
        if (!passive_[op]) std::copy(v, v + l.size(), l.begin());
        v += l.size();
      }
      // Entered at addresses shifted from the recorded entry's: so is everything it left.
      for (std::size_t st = 0; st < anchor_.size(); ++st) {
        const int64_t d = anchor_[st] - x->anchor[st];
        if (d == 0) continue;
        s_.open[st].translate(d);
        for (std::size_t op = 0; op < latched_.size(); ++op)
          if (!passive_[op])
          for (int pf : a_.opcodes[op].latch)
            if (address_of(op, pf) == static_cast<int>(st)) latched_[op][static_cast<std::size_t>(pf)] += d;
      }
      return;
    }
    ++seen.tries.misses;
    const std::vector<int64_t> entry_anchor = anchor_;
    const std::vector<int64_t> busy_before = s_.busy;
    std::vector<int64_t> own_key = key;  // loop_key_ is reused by the loops inside
    const int outer_end = crossed_end_, outer_seg = crossed_seg_;
    const int64_t outer_walked = walked_;
    crossed_end_ = crossed_seg_ = std::numeric_limits<int>::max();
    walked_ = 0;
    const std::size_t noted_at = noted_.size();
    const int64_t evaluated_before = est_.evaluated_instructions;
    eval_loop_body(loop, depth);
    seen.tries.evaluated += est_.evaluated_instructions - evaluated_before;
    seen.tries.key_words += static_cast<int64_t>(own_key.size());
    const int own_end = crossed_end_, own_seg = crossed_seg_;
    const int64_t own_walked = walked_;
    crossed_end_ = std::min(outer_end, own_end);
    crossed_seg_ = std::min(outer_seg, own_seg);
    walked_ = std::max(outer_walked, own_walked);
    // Its exit depends on what follows it: recorded only under a key that holds that.
    const bool crossed = own_end <= depth;
    if (crossed) reaches_out_[&loop] = std::max(reach, own_walked);
    if (crossed && own_walked > reach) return;
    LoopMemo::Exit& x = loop_memo_.record(std::move(own_key));
    x.crossed_seg = own_seg, x.crossed_end = own_end, x.walked = own_walked;
    x.state = s_;
    shift_times(&x.state, -ref);
    x.busy = s_.busy;
    for (std::size_t b = 0; b < x.busy.size(); ++b) x.busy[b] -= busy_before[b];
    x.latched.clear();
    for (const auto& l : latched_) x.latched.insert(x.latched.end(), l.begin(), l.end());
    x.anchor = entry_anchor;
    x.kernels.assign(noted_.begin() + static_cast<std::ptrdiff_t>(noted_at), noted_.end());
  }

  // The storages that the address operands an instruction of `opcode` reads (own or carried) may
  // index where one of them indexes more than one (BoundOpcode::address_shared).
  uint64_t opcode_shared(int opcode) const {
    const BoundOpcode& bo = a_.opcodes[static_cast<std::size_t>(opcode)];
    uint64_t m = 0;
    for (uint64_t x : bo.address_shared) m |= x;
    for (const auto& [src, pf] : bo.carried) {
      if (src < 0) continue;
      const auto& sh = a_.opcodes[static_cast<std::size_t>(src)].address_shared;
      if (static_cast<std::size_t>(pf) < sh.size()) m |= sh[static_cast<std::size_t>(pf)];
    }
    return m;
  }
  // The opcodes of the instructions of `loop`, nested ones included: sorted, once each.
  const std::vector<int>& loop_opcodes(const Loop& loop) {
    auto [it, fresh] = loop_ops_.try_emplace(&loop);
    if (fresh) {
      std::vector<const Loop*> todo{&loop};
      while (!todo.empty()) {
        const Loop* l = todo.back();
        todo.pop_back();
        for (const auto& st : l->body) {
          if (st.loop) todo.push_back(st.loop.get());
          else it->second.push_back(st.instr.opcode);
        }
      }
      std::sort(it->second.begin(), it->second.end());
      it->second.erase(std::unique(it->second.begin(), it->second.end()), it->second.end());
    }
    return it->second;
  }
  // opcode_shared() over the instructions of `loop`, nested ones included.
  uint64_t loop_shared(const Loop& loop) {
    uint64_t m = 0;
    for (int op : loop_opcodes(loop)) m |= opcode_shared(op);
    return m;
  }

  // passive_[op]: no instruction of the loop is of opcode `op` or carries an operand from it, nor one
  // of its keyed continuation before the continuation's first instruction of `op`. The loop's
  // evaluation (its look-aheads included, as far as the key's continuation) neither reads nor changes
  // such an opcode's carried operands: they are left out of the key and kept as they are on a hit.
  // gemmini OS: the preload's accumulator address shifts unlike the rows an mvin loop fills.
  void mark_passive(const Loop& loop) {
    passive_.assign(a_.opcodes.size(), 1);
    auto use = [&](int op) {
      passive_[static_cast<std::size_t>(op)] = 0;
      for (const auto& [src, pf] : a_.opcodes[static_cast<std::size_t>(op)].carried)
        if (src >= 0) passive_[static_cast<std::size_t>(src)] = 0;
    };
    for (int op : loop_opcodes(loop)) use(op);
    // The continuation runs only in look-aheads, which undo what they latch: an opcode whose next
    // instruction there comes before any instruction that carries from it is dead at the entry.
    written_.assign(a_.opcodes.size(), 0);
    for (int op : cont_ops_) {
      for (const auto& [src, pf] : a_.opcodes[static_cast<std::size_t>(op)].carried)
        if (src >= 0 && !written_[static_cast<std::size_t>(src)]) passive_[static_cast<std::size_t>(src)] = 0;
      written_[static_cast<std::size_t>(op)] = 1;
    }
  }

  // The unbounded storage Program operand `pf` of opcode `op` addresses, or -1.
  int address_of(std::size_t op, int pf) const {
    const auto& ad = a_.opcodes[op].address;
    return static_cast<std::size_t>(pf) < ad.size() ? ad[static_cast<std::size_t>(pf)] : -1;
  }

  // A loop's memo key relative to an anchor per unbounded storage: the outer part of the first plain
  // address operand into it, rounded down to a whole number of banks (the banks an access uses stay).
  // Its locations (the runs from `rows_at`), the plain address operands of the signature, the
  // carried addresses (after `sig_end`) and the continuation's addresses into it are written minus the
  // anchor: two entries with equal keys differ by one shift of each storage's addresses, and an
  // address operand is used only as the whole index of accesses to its storage (BoundOpcode::address),
  // so the loop runs alike, at addresses moved by that shift. A storage that an address operand with a
  // modulo or clamp reaches (pinned_) stays absolute; sets anchor_.
  void relative_to_anchors(std::size_t rows_at, std::size_t sig_end, std::vector<int64_t>* key) {
    anchor_.assign(a_.storages.size(), 0);
    std::vector<char>& have = anchored_;
    have.assign(a_.storages.size(), 0);
    int64_t* k = key->data();
    // Storages that one address operand of the loop or its continuation may index (shared_mask_)
    // shift together: one anchor, on the least of them, in whole banks of each.
    const uint64_t shared = shared_mask_;
    const std::size_t head = shared ? static_cast<std::size_t>(__builtin_ctzll(shared)) : 0;
    auto group = [&](std::size_t st) { return has_bit(shared, st) ? head : st; };
    auto group_banks = [&](std::size_t g) {
      int64_t b = 1;
      for (std::size_t st = 0; st < a_.storages.size(); ++st)
        if (group(st) == g) b = std::lcm(b, a_.storages[st].banks);
      return b;
    };
    for (std::size_t st = 0; st < pinned_.size(); ++st)
      if (pinned_[st]) pinned_[group(st)] = 1;
    for (const auto& [pos, st] : addr_pos_) {
      const std::size_t g = group(static_cast<std::size_t>(st));
      if (pinned_[g] || have[g]) continue;
      const int64_t banks = group_banks(g);
      anchor_[g] = k[pos] - ((k[pos] % banks) + banks) % banks;
      have[g] = 1;
    }
    for (std::size_t st = 0; st < anchor_.size(); ++st) anchor_[st] = anchor_[group(st)], have[st] = have[group(st)];
    for (const auto& [pos, st] : addr_pos_) k[pos] -= anchor_[static_cast<std::size_t>(st)];
    for (const auto& [pos, st] : cont_addr_) k[pos] -= anchor_[static_cast<std::size_t>(st)];
    // Locations: per unbounded storage, a count of runs, then (lo, n, times) per run.
    std::size_t p = rows_at;
    for (std::size_t st = 0; st < a_.storages.size(); ++st) {
      if (a_.storages[st].locations != 0) continue;
      const int64_t runs = k[p++];
      for (int64_t r = 0; r < runs; ++r, p += 5) k[p] -= anchor_[st];
    }
    // Carried operands, as appended after the signature and continuation (passive opcodes left out).
    p = sig_end;
    for (std::size_t op = 0; op < latched_.size(); ++op) {
      if (passive_[op]) continue;
      for (int pf : a_.opcodes[op].latch) {
        const int st = address_of(op, pf);
        if (st >= 0) k[p + static_cast<std::size_t>(pf)] -= anchor_[static_cast<std::size_t>(st)];
      }
      p += latched_[op].size();
    }
    for (std::size_t st = 0; st < have.size(); ++st) key->push_back(have[st]);
  }

  void eval_loop_body(const Loop& loop, int depth) {
    // How often the loops one level down are entered.
    if (entries_at_.size() < static_cast<std::size_t>(depth) + 2) entries_at_.resize(static_cast<std::size_t>(depth) + 2, 1);
    entries_at_[static_cast<std::size_t>(depth) + 1] = entries_at_[static_cast<std::size_t>(depth)] * loop.trips;
    Frame& frame = frames_[static_cast<std::size_t>(depth)];
    frame.seg_end = loop.trips;
    if (opt_.full || loop.trips < 3) {
      for (int64_t i = 0; i < loop.trips; ++i) eval_iteration(loop, depth, i);
      return;
    }
    // Loops may stride through storage (with their inner loops): such segments are keyed
    // address-relative while they look for a repeat, inside the segments of enclosing loops that do.
    AddressFrame* const outer_rel = rel_;
    bool nested = false;
    for (const auto& st : loop.body) nested |= st.loop != nullptr;
    std::vector<ShiftingOperand> shifters;
    const auto segments = iteration_segments(a_, loop, depth, idx_.data(), true, &shifters);
    std::vector<int64_t> key;
    const int64_t outer_walked = walked_;
    int64_t seg_walked = 0;
    for (const auto& seg : segments) {
      walked_ = 0;
      frames_[static_cast<std::size_t>(depth)].seg_end = seg.end;
      if (seg.period == 0) {
        for (int64_t i = seg.begin; i < seg.end; ++i) eval_iteration(loop, depth, i);
        seg_walked = std::max(seg_walked, walked_);
        continue;
      }
      const bool relative = seg.shifting;
      AddressFrame af(depth, seg.begin, seg.end, seg.period, stamp_, relative ? shifters : std::vector<ShiftingOperand>{},
                      outer_rel);
      // Keyed while it pays: a loop whose keys keep missing is evaluated (an address-relative key
      // holds the rows in flight; an absolute key of a loop whose addresses move every iteration
      // never repeats).
      const auto [at, fresh] = (relative ? relative_stats_ : absolute_stats_).try_emplace(&loop);
      LoopMemoStats& stats = at->second;
      // An iteration with inner loops costs more than many keys: such a loop keys from its first
      // iteration on (on Gemmini ResNet-18 15-33 % fewer evaluated instructions than after a warm-up).
      if (fresh && nested) stats.first_key = stats.min_key = 0;
      bool keyed = stats.misses < 4 * (stats.hits + 1);
      // The frame observes the accesses while the segment looks for a repeat, and only then.
      rel_ = relative && keyed ? &af : outer_rel;
      std::unordered_map<std::vector<int64_t>, Seen, KeyHash> history;
      int64_t first_keyed = -1;  // the iteration of the segment's first key
      const int64_t iteration_words = relative ? per_iteration(loop) * kKeyWordsPerInstruction : 0;
      bool done = false;
      const std::size_t rec_from = reads_rec_.size();
      const Touched outer_touched = touched_;
      touched_ = Touched{};
      const int outer_seg = crossed_seg_;
      crossed_seg_ = std::numeric_limits<int>::max();
      for (int64_t i = seg.begin; i < seg.end; ++i) {
        const int64_t end_before = s_.max_end;
        eval_iteration(loop, depth, i);
        if (crossed_seg_ <= depth && !done) {
          // A look-ahead saw the next segment: from here the iterations are not alike.
          done = true;
          history.clear();
          rel_ = outer_rel;
        }
        // Repeats are whole periods apart and pay only when one more period is left after the later
        // one: a key is made only where it can be either end of such a pair.
        const int64_t last = seg.end - 1, p = seg.period;
        if (done || !(i <= last - 2 * p || (i <= last - p && i - p >= seg.begin))) continue;
        // An address-relative key holds the rows in flight: one that has not repeated after a few
        // periods (a stream waiting on loads that run at another rate) rarely will; stop paying for it.
        // Rows in flight fill up over the first iterations: no key before the last repeat began, or,
        // where an iteration costs more than a key, the earliest.
        const bool dear = iteration_words >= static_cast<int64_t>(stats.key_words);
        const int64_t wait = dear ? stats.min_key : stats.first_key;
        if (relative && i - seg.begin < wait && i + wait <= last - p) continue;
        // Where the last repeat had a period longer than the segment's, the state most likely repeats
        // as it did: keyed first only where that repeat began and one period later (a loop whose
        // loads' alignment repeats every 8 iterations matched at its 17th key, now at its 2nd); where
        // those two keys do not match, every iteration from there on.
        if (stats.agree > 0 && stats.period > p && i - seg.begin < stats.start + stats.period && i - seg.begin != stats.start &&
            seg.begin + stats.start + stats.period <= last - p)
          continue;
        // While the latest end stays where work from before the loop put it (loads in flight), the
        // state relative to it moves every iteration and cannot repeat: no key, none counted.
        if (relative && s_.max_end == end_before) continue;
        // Keys made before where the last repeat began do not count against the budget.
        if (relative && (!keyed || history.size() >= static_cast<std::size_t>(kRelativeKeys + 2 * p + stats.first_key - wait))) {
          if (keyed) ++stats.misses, keyed = false;
          rel_ = outer_rel;
          continue;
        }
        if (!keyed) continue;
        quiet_ = Quiet{~touched_.obj & all_objs_, ~touched_.st & all_storages_, ~touched_.mem & all_memories_};
        read_only_ = relative && depth < kRecDepth ? read_only_now() : 0;
        if (!make_key(relative ? &af : nullptr, (i - seg.begin) % seg.period, &key, &quiet_, read_only_)) continue;
        ++est_.keys;
        stats.key_words = static_cast<std::size_t>(static_cast<int64_t>(key.size()) + layout_.extra_words());
        // Moves the key into the history only when inserted (try_emplace leaves it alone otherwise).
        const auto [it, inserted] = history.try_emplace(std::move(key), Seen{i, s_.max_end, seen_busy_.size()});
        if (inserted) {
          if (first_keyed < 0) first_keyed = i;
          seen_busy_.insert(seen_busy_.end(), s_.busy.begin(), s_.busy.end());
          continue;
        }
        const Seen from = it->second;
        const int64_t period = i - from.iteration;
        const int64_t delta = s_.max_end - from.ref;
        // Look-aheads from the skipped iterations stay in the segment: as far before its end as
        // the longest one run in it so far reached (those of the skipped iterations repeat the
        // period's, which are among them; at most look_n_).
        const int64_t per = per_iteration(loop);
        const int64_t reach = opt_.plain_look_ahead ? look_n_ : walked_;
        const int64_t margin = reach > 0 ? (reach + per) / per : 0;  // ceil((reach + 1) / per)
        const int64_t n = (seg.end - 1 - margin - i) / period;
        if (n > 0) {
          if (relative && !af.can_move(a_, s_, n * period, read_only_)) continue;
          ++stats.hits;
          const int64_t start = from.iteration - seg.begin;
          stats.agree = period == stats.period && start == stats.start ? stats.agree + 1 : 0;
          stats.period = period, stats.start = start;
          // A repeat from the first key made may have begun before it: key earlier from then on. (Keying
          // only from where the last repeat began never learns that: a compute loop whose first entry
          // after its loads settles after 10 iterations, the later entries from their first, was
          // evaluated 12 iterations in every entry.)
          if (relative) {
            stats.first_key = from.iteration - seg.begin;
            stats.min_key = std::min(stats.min_key, stats.first_key);
            if (from.iteration == first_keyed) stats.min_key /= 2;
          }
          // A storage the segment only reads keeps its rows; the skipped iterations' reads are
          // added to them below (replay_reads).
          for_each_bit(read_only_, [&](std::size_t st) { ro_static_[st] = s_.open[st]; });
          shift(n * delta);
          if (relative) move_addresses(af, n * period, n * delta, read_only_);
          if (quiet_.any()) layout_.shift_quiet(&s_, quiet_, -n * delta, !relative);
          for_each_bit(read_only_, [&](std::size_t st) { s_.open[st].swap(ro_static_[st]); });
          replay_reads(af, rec_from, depth, from.iteration, i, period, n, delta, outer_rel != nullptr);
          const int64_t* then = seen_busy_.data() + from.busy_at;
          for (std::size_t b = 0; b < s_.busy.size(); ++b) s_.busy[b] += n * (s_.busy[b] - then[b]);
          if (opt_.explain) note_kernel(loop, depth, i + 1 - seg.begin, period, delta);
          i += n * period;
          // The enclosing segments' streams cover the skipped iterations' accesses: those of an
          // absolute segment repeat the evaluated ones, those of this one shifted by their strides.
          if (relative)
            for (AddressFrame* r = outer_rel; r; r = r->parent()) af.observe_moved(r, i, idx_.data());
        }
        done = true;
        history.clear();
        rel_ = outer_rel;
      }
      if (keyed && !history.empty()) ++stats.misses;  // keyed without a repeat
      rel_ = outer_rel;
      if (!rel_) reads_rec_.clear();
      touched_.merge(outer_touched);
      crossed_seg_ = std::min(outer_seg, crossed_seg_);
      seg_walked = std::max(seg_walked, walked_);
    }
    walked_ = std::max(outer_walked, seg_walked);
  }

  // What a look-ahead of up to `reach` instructions from inside the loop at `depth` (its statement at
  // frames_[depth - 1]) can see after it, appended to its memo key: those instructions' opcodes and
  // timing-relevant operands, and where the walk to each leaves a segment or loop around it
  // (crossed_seg_ / crossed_end_ as a look-ahead going that far would note them).
  void append_continuation(int depth, int64_t reach, std::vector<int64_t>* key,
                           std::vector<std::pair<std::size_t, int>>* addr = nullptr) {
    std::vector<Walk>& w = scan_;
    w.clear();
    for (int d = 0; d < depth; ++d) {
      const Frame& f = frames_[static_cast<std::size_t>(d)];
      w.push_back(Walk{f.loop, f.pos, idx_[static_cast<std::size_t>(d)], f.seg_end});
    }
    const int seg = crossed_seg_, end = crossed_end_;
    crossed_seg_ = crossed_end_ = std::numeric_limits<int>::max();
    cont_idx_.assign(idx_.size(), 0);
    key->push_back(reach);
    const std::size_t at = key->size();
    for (int64_t k = 0; k < reach; ++k) {
      ++w.back().pos;
      if (!settle(&w)) break;
      for (std::size_t d = 0; d < w.size(); ++d) cont_idx_[d] = w[d].i;
      const Instruction& ins = w.back().loop->body[w.back().pos].instr;
      key->push_back(ins.opcode);
      cont_ops_.push_back(ins.opcode);
      if (addr) shared_mask_ |= opcode_shared(ins.opcode);
      const BoundOpcode& bo = a_.opcodes[static_cast<std::size_t>(ins.opcode)];
      for (int f : bo.relevant) {
        const auto u = static_cast<std::size_t>(f);
        if (addr && u < ins.operands.size() && u < bo.address.size() && bo.address[u] >= 0) addr->emplace_back(key->size(), bo.address[u]);
        key->push_back(u < ins.operands.size() ? operand_value(ins.operands[u], cont_idx_.data()) : 0);
      }
      key->insert(key->end(), {crossed_seg_, crossed_end_});
    }
    key->insert(key->end(), {static_cast<int64_t>(key->size() - at), -1});
    crossed_seg_ = seg, crossed_end_ = end;
  }

  // Instructions in one iteration of `loop` (at least 1, at most look_n_ + 1: all a margin needs).
  int64_t per_iteration(const Loop& loop) const {
    int64_t n = 0;
    for (const auto& st : loop.body) {
      n += st.loop ? std::min<int64_t>(st.loop->trips, look_n_ + 1) * per_iteration(*st.loop) : 1;
      if (n > look_n_) return look_n_ + 1;
    }
    return std::max<int64_t>(n, 1);
  }

  void note_kernel(const Loop& loop, int depth, int64_t evaluated, int64_t p, int64_t delta) {
    noted_.push_back(KernelInfo{loop.name, depth, loop.trips, evaluated, p, delta, 1});
    if (KernelInfo* listed = listed_kernel(loop.name, depth)) ++listed->times;
    else est_.kernels.push_back(noted_.back());
  }
  // A steady state a loop memo exit noted when it was evaluated (in this estimate or another): listed
  // when the loop has none yet.
  void note_kernel(const KernelInfo& k) {
    noted_.push_back(k);
    if (!listed_kernel(k.loop, k.depth)) est_.kernels.push_back(k);
  }
  KernelInfo* listed_kernel(const std::string& loop, int depth) {
    for (auto& k : est_.kernels)
      if (k.loop == loop && k.depth == depth) return &k;
    return nullptr;
  }

  const BoundArch& a_;
  EstimateOptions opt_;
  StateLayout layout_;
  State s_;
  Estimate est_;
  std::vector<int64_t> idx_, fields_;
  std::vector<std::vector<int64_t>> latched_;  // per opcode: operands carried by later instructions
  std::vector<std::vector<const Expr*>> latched_src_;  // ... the operands they came from
  std::vector<std::vector<uint64_t>> latched_stamp_;   // ... and when (stamp_)
  std::vector<std::vector<char>> addr_field_;  // per opcode: class field (own, then carried) is an address
  std::vector<const Expr*> field_src_;         // per class field of the running instruction: its operand
  std::vector<uint64_t> field_stamp_;          // ... and when it was evaluated
  uint64_t stamp_ = 0;                         // instructions run
  // Since the innermost keyed segment began (eval_loop_body() keeps the enclosing one's and merges
  // them back): the objects, storages and memory interfaces instructions touched, the storages they
  // wrote and those they read through no address operand. Bit k: index k; past 63 always touched.
  struct Touched {
    uint64_t obj = 0, st = 0, wst = 0, mem = 0, unknown = 0;
    void merge(const Touched& x) { obj |= x.obj, st |= x.st, wst |= x.wst, mem |= x.mem, unknown |= x.unknown; }
  };
  Touched touched_;
  static uint64_t bit(std::size_t k) { return k < 64 ? uint64_t{1} << k : 0; }
  static uint64_t bit(int k) { return bit(static_cast<std::size_t>(k)); }
  // The objects a step passes (`path`), runs on and holds.
  static uint64_t step_objects(const StepSpec& step, const std::vector<int>& path) {
    uint64_t m = bit(step.unit) | (step.hold >= 0 ? bit(step.hold) : 0);
    for (int o : path) m |= bit(o);
    return m;
  }
  static uint64_t low_bits(std::size_t n) { return n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1; }
  const uint64_t all_objs_ = low_bits(a_.objects.size()), all_storages_ = low_bits(a_.storages.size()),
                 all_memories_ = low_bits(a_.memories.size());
  uint64_t unbounded_ = 0;  // unbounded storages (below 64)
  Quiet quiet_;             // of the key last made in eval_loop_body()
  // The reads of unbounded storages since the outermost segment looking for its repeat began: a
  // segment that only reads a storage rebuilds its rows after a skip from its period's reads, and an
  // enclosing one needs the reads of the iterations an inner one skipped.
  static constexpr int kRecDepth = 12;
  struct ReadRec {
    int storage;
    int64_t index, count, end;
    const Expr* e;    // its address operand
    uint64_t fstamp;  // when that was evaluated
    int64_t it[kRecDepth];  // the loop indices
  };
  std::vector<ReadRec> reads_rec_;
  uint64_t read_only_ = 0;  // of the key last made in eval_loop_body()
  std::vector<LocationMap> ro_static_;
  static constexpr std::size_t kMaxReads = std::size_t{1} << 20;  // ~150 MB: then no segment rebuilds from them
  void record_read(const Access& r, int64_t end) {
    const auto st = static_cast<std::size_t>(r.spec->storage);
    if (reads_rec_.size() >= kMaxReads) {
      touched_.unknown = ~uint64_t{0};
      return;
    }
    ReadRec x;
    x.storage = r.spec->storage, x.index = r.index, x.count = r.count, x.end = end;
    x.e = r.observe >= 0 ? field_src_[static_cast<std::size_t>(r.observe)] : nullptr;
    x.fstamp = r.observe >= 0 ? field_stamp_[static_cast<std::size_t>(r.observe)] : 0;
    if (!x.e) touched_.unknown |= bit(st);
    const std::size_t d = std::min<std::size_t>(idx_.size(), kRecDepth);
    std::copy(idx_.begin(), idx_.begin() + static_cast<std::ptrdiff_t>(d), x.it);
    reads_rec_.push_back(x);
  }
  // The unbounded storages the keyed segment has only read so far, by address operands; none while
  // an object floor_time() takes has stayed quiet (replay_reads()).
  uint64_t read_only_now() const {
    for (int o : layout_.entries())
      if (!(touched_.obj & bit(o))) return 0;
    return unbounded_ & ~touched_.wst & ~touched_.unknown;
  }
  // After a skip of n periods of `period` iterations (`delta` cycles each) from iteration i (the
  // period's last): the reads of the period (i - period, i], shifted by k periods (k = 1..n) in time
  // and by their operands' strides, into the read-only storages' rows and, for the segments around
  // (`outer`), into reads_rec_. Reads ending at or below the floor can no longer matter.
  void replay_reads(const AddressFrame& af, std::size_t rec_from, int depth, int64_t from_it, int64_t i, int64_t period,
                    int64_t n, int64_t delta, bool outer) {
    if (!read_only_ && !outer) return;
    if (depth >= kRecDepth) {  // the period's reads cannot be told apart: the segments around see unknown reads
      if (outer) touched_.unknown = ~uint64_t{0};
      return;
    }
    const int64_t fl = layout_.floor_time(s_);
    const std::size_t end = reads_rec_.size();
    for (std::size_t r = rec_from; r < end; ++r) {
      const ReadRec x = reads_rec_[r];  // a copy: push_back below may move it
      const int64_t q = x.it[depth];
      if (q <= from_it || q > i) continue;
      const auto st = static_cast<std::size_t>(x.storage);
      if (!x.e) {
        if (outer) touched_.unknown |= bit(st);
        continue;
      }
      const int64_t c = x.fstamp > af.start_stamp() ? af.stride(x.e) : 0;
      for (int64_t k = n; k >= 1; --k) {
        const int64_t e = x.end + k * delta;
        if (e <= fl) break;
        const int64_t at = x.index + k * period * c;
        if (has_bit(read_only_, st)) s_.open[st].apply(at, x.count, [e](Location& l) { l.read_end = std::max(l.read_end, e); }, nullptr);
        if (outer && reads_rec_.size() >= kMaxReads) {
          touched_.unknown = ~uint64_t{0};
        } else if (outer) {
          ReadRec y = x;
          y.index = at, y.end = e, y.it[depth] = q + k * period;
          reads_rec_.push_back(y);
        }
      }
    }
  }
  std::size_t cur_op_ = 0;                     // opcode of the running instruction
  AddressFrame* rel_ = nullptr;  // the innermost address-relative segment looking for its repeat
  LoopMemo own_loops_;   // unless EstimateOptions::loops gives one shared with other estimates
  LoopMemo& loop_memo_;
  struct MemoLoop {
    LoopMemo::Tries tries;  // this estimate's
    int64_t identity = -1;  // LoopMemo::identity()
  };
  std::unordered_map<const Loop*, MemoLoop> memo_loops_;
  std::vector<KernelInfo> noted_;  // explain: every steady state noted, in order (LoopMemo::Exit::kernels)
  // Scratch of eval_loop() / relative_to_anchors(): address positions in the key (signature,
  // continuation), storages kept absolute, the anchors of the key last made and which were set.
  std::vector<std::pair<std::size_t, int>> addr_pos_, cont_addr_;
  std::vector<char> pinned_, anchored_;
  std::vector<int64_t> anchor_;
  uint64_t shared_mask_ = 0;                                // of the loop being keyed
  std::unordered_map<const Loop*, std::vector<int>> loop_ops_;  // loop_opcodes() per loop
  std::vector<int> cont_ops_;                   // ... and of its keyed continuation
  std::vector<char> passive_;                   // mark_passive()
  std::vector<char> written_;                   // scratch of mark_passive()
  std::unordered_map<const Loop*, int64_t> reaches_out_;  // loops a look-ahead went past the end of: its longest run
  std::vector<int64_t> cont_idx_;               // scratch of append_continuation()
  std::unordered_map<const Loop*, LoopMemoStats> relative_stats_;  // address-relative keying per loop
  std::unordered_map<const Loop*, LoopMemoStats> absolute_stats_;  // absolute keying per loop
  std::vector<int64_t> entries_at_ = {1};  // per depth: product of the enclosing loops' trips
  std::vector<int64_t> loop_key_, loop_trips_, loop_busy_;  // scratch of eval_loop()
  std::vector<int64_t> seen_busy_;  // busy counters of the iterations in the histories
  std::vector<int> path_, passed_;
  std::string occupy_why_;  // occupy()'s reason for its start (trace_)
  static constexpr std::size_t kPlansKept = 16;
  static constexpr uint8_t kSkipCheck = 1, kSkipUpdate = 2, kSeen = 4;  // Access::skip
  using Plans = std::vector<std::vector<StepPlan>>;
  Plans plans_;  // per opcode (step_plan())
  StepPlan plan_scratch_;
  int deferred_q_ = -1;
  // Instances of held units taken by the running instruction's steps (StepSpec::hold), from when.
  struct Held {
    int inst, unit;
    int64_t from;
  };
  std::vector<Held> held_;
  std::vector<Access> reads_, writes_;
  MemoryPort port_;
  // acv diff's schedule (trace_): why each slot holds its time, the instruction being traced, and
  // the last writer / reader of each storage location.
  bool light_ = false;  // issues or schedule: note each instruction's first two starts
  bool trace_ = false;  // this instruction's schedule in detail
  int objs_ = 0;
  int64_t first_start_ = 0, first_lat_ = 0, second_start_ = 0;
  std::vector<std::string> why_;
  std::string ready_why_;
  // The look-ahead (run_instruction): per depth the loop being evaluated, its statement and where
  // its segment ends; the depth of the running instruction; per opcode whether it requests an
  // interface with a lookahead that more than one unit instance requests.
  struct Frame {
    const Loop* loop = nullptr;
    std::size_t pos = 0;
    int64_t seg_end = 0;
  };
  std::vector<Frame> frames_;
  int cur_depth_ = 0;
  std::vector<char> shares_memory_;
  // Per memory interface, per unit requesting it: its slots, and the stages in front of it (slot, latency).
  struct UnitBound {
    int unit, base, instances;
    bool in_order;
    std::vector<std::pair<int, int64_t>> stages;
    std::vector<int> stage_index;  // of each stage: its stage_bit()
  };
  std::vector<std::vector<UnitBound>> mem_bounds_;
  // earliest_request() of one unit's steps: its first free instance (of `instances` slots from `base`), ...
  int64_t instance_free(int base, int64_t instances) const {
    int64_t t = s_.t[static_cast<std::size_t>(base)];
    for (int64_t k = 1; k < instances; ++k) t = std::min(t, s_.t[static_cast<std::size_t>(base + k)]);
    return t;
  }
  // ... no earlier than its last start (slot base + instances) if it runs in order: the unit's own part, ...
  int64_t own_bound(int base, int64_t instances, bool in_order) const {
    const int64_t t = instance_free(base, instances);
    return in_order ? std::max(t, s_.t[static_cast<std::size_t>(base + instances)]) : t;
  }
  int64_t own_bound(int o) const {  // of any unit object `o`
    const BoundObject& ob = a_.objects[static_cast<std::size_t>(o)];
    return own_bound(layout_.obj_base(static_cast<std::size_t>(o)), ob.instances, ob.in_order);
  }
  // ... and no earlier than each stage in front of it allows.
  int64_t unit_bound(const UnitBound& b) const {
    int64_t t = own_bound(b.base, b.instances, b.in_order);
    for (const auto& [slot, lat] : b.stages) t = std::max(t, s_.t[static_cast<std::size_t>(slot)] + lat);
    return t;
  }

  std::vector<std::pair<std::size_t, int>> competing_;              // scratch of window_competes()
  // ... the units below an acceptance: the acceptance, and the unit's own part of its bound
  struct Below {
    const UnitBound* bound;
    int64_t issue, unit;
  };
  std::vector<Below> below_;
  std::vector<std::vector<int>> when_fields_;  // per opcode: class fields its steps' `when`s read
  std::vector<std::vector<int>> access_fields_;  // ... and those, with those its scanned accesses read
  std::vector<char> when_special_;             // ... and whether one reads an earlier step's outcome
  std::vector<Walk> scan_;
  // The accesses the running instruction's steps had the address frames observe (occupy()).
  struct Observed {
    int storage;
    std::size_t field;
    int64_t index, count;
    bool operator==(const Observed& o) const {
      return storage == o.storage && field == o.field && index == o.index && count == o.count;
    }
  };
  std::vector<Observed> observed_;
  std::vector<int> stage_obj_;                       // stage objects by stage_bit()
  std::vector<int64_t> stage_ii_, stage_lat_, passes_;  // ... their ii and latency, and a lower bound of their slot in the scan
  // The scan's lower bounds: per unit, of the next start; per scanned write to a storage with RAW
  // hazards, of its write_ready.
  std::vector<int64_t> unit_lb_;
  struct ScanWrite {
    int storage;
    int64_t index, count, ready;
  };
  std::vector<ScanWrite> scan_writes_;
  // Per opcode, per step: the accesses the scan bounds starts with (RAW reads, their writes).
  struct ScanAccess {
    const AccessSpec* spec;
    bool write;
  };
  std::vector<std::vector<std::vector<ScanAccess>>> scan_accesses_;
  static constexpr int64_t kScanRows = 64;  // locations of one access the scan looks up at most
  std::vector<std::vector<uint64_t>> step_stages_;   // per opcode, per step: stage_bit()s in front of its unit
  // ... and (stage_bit(), queue) where the queue takes from the stage: the stage is held until it does
  std::vector<std::vector<std::vector<std::pair<int, int>>>> step_holds_;
  // Per opcode: the steps selected for values of the fields its `when`s read (the unbounded scan).
  struct ScanSteps {
    std::vector<int64_t> values;  // of when_fields_
    uint64_t passed = 0;          // stage_bit()s in front of their units
    std::vector<std::pair<int, int>> holds;             // step_holds_ of the first step passing each
    std::vector<std::pair<std::size_t, int>> mem;       // (interface, unit) of their memory steps
  };
  static constexpr std::size_t kScanStepsKept = 16;
  // Per opcode, per field of when_fields_: where scan_competes() reads its value (an own field's
  // operand, or the operand latched by another opcode).
  struct WhenSource {
    bool carried;
    int op, pf;
  };
  std::vector<std::vector<WhenSource>> when_src_;
  static constexpr std::size_t kWhenValues = 8;  // at most, for the quick look-up
  std::vector<std::vector<ScanSteps>> scan_steps_;
  ScanSteps scan_made_;  // one not kept
  std::vector<char> scan_uses_idx_[2];  // [bounded][opcode]: the scan evaluates operands (needs idx_)
  // [bounded][opcode]: the operands it latches that a scanned field reads (carried).
  std::vector<std::vector<int>> scan_latch_[2];
  std::vector<int64_t> entered_;                     // per object: scanned instructions that entered the queue
  std::vector<std::pair<int, int>> scan_holds_;
  // Per statement of the innermost loop the scan is in (rec_loop_): the stages and queues it passed,
  // if it selects the same steps in every iteration (scan_replay()); rec_n_ of them known.
  struct ScanRec {
    uint64_t passed;
    const std::vector<std::pair<int, int>>* holds;
  };
  std::vector<ScanRec> rec_;
  const Loop* rec_loop_ = nullptr;
  std::size_t rec_n_ = 0;
  std::vector<int64_t> scan_idx_, scan_fields_;
  int64_t look_n_ = 0;  // the largest lookahead of an interface some opcode shares (0: none)
  int64_t walked_ = 0;  // the most instructions a look-ahead ran since the segment being evaluated began
  bool speculating_ = false;
  // The least depth whose segment / loop a look-ahead went past, since the loop there began: its
  // evaluation then depends on what follows it, so it is not extrapolated / memoized.
  int crossed_seg_ = std::numeric_limits<int>::max(), crossed_end_ = std::numeric_limits<int>::max();
  const std::vector<LaterStream>* later_ = nullptr;  // the running instruction competes with them
  std::vector<LaterStream> later_streams_;            // collected by look_ahead()
  int64_t last_stream_at_ = 0;                        // ... the last of them after this many instructions
  std::vector<int64_t> logs_code_;                    // scratch of same_as_mid()
  std::vector<Placement> placed_;                     // the running instruction's memory steps
  std::vector<MemoryPort::Stream> streams_;           // scratch of memory()
  Snapshot snapshot_;
  Mid mid_;
  struct LatchUndo {
    std::size_t op, f;
    int64_t value;
    const Expr* src;
    uint64_t stamp;
  };
  std::vector<LatchUndo> latch_undo_;  // carried operands latched since snapshot_, as they were
  bool latch_journal_ = false;
  LocationJournal journal_;  // changes to the storage locations since snapshot_
  ScheduledInstruction traced_;
  std::vector<std::pair<int64_t, std::string>> candidates_;  // of the unit step being traced
  std::map<std::pair<int, int64_t>, int64_t> writers_, readers_;
  static std::string who(int64_t n) { return n < 0 ? "no recorded instruction" : "#" + std::to_string(n); }
  int64_t writer(int st, int64_t i) const {
    const auto it = writers_.find({st, i});
    return it == writers_.end() ? -1 : it->second;
  }
  int64_t reader(int st, int64_t i) const {
    const auto it = readers_.find({st, i});
    return it == readers_.end() ? -1 : it->second;
  }
};

}  // namespace

Estimate estimate(const BoundArch& arch, const Program& program, const EstimateOptions& options) {
  Evaluator ev(arch, options);
  try {
    return ev.run(program);
  } catch (const Evaluator::StopEvaluation&) {
    Estimate e = ev.partial();
    e.cycles = -1;  // not evaluated to the end
    return e;
  }
}

}  // namespace acv
