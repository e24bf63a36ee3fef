#include "program.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace acv {

std::string Expr::to_text(const std::vector<std::string>& loop_names) const {
  std::ostringstream s;
  bool any = false;
  for (const auto& t : terms) {
    const std::string name =
        t.first < static_cast<int>(loop_names.size()) ? loop_names[t.first] : "i" + std::to_string(t.first);
    if (any)
      s << (t.second < 0 ? " - " : " + ");
    else if (t.second < 0)
      s << "-";
    const int64_t c = t.second < 0 ? -t.second : t.second;
    if (c != 1) s << c << "*";
    s << name;
    any = true;
  }
  if (base != 0 || !any) {
    if (any)
      s << (base < 0 ? " - " : " + ") << (base < 0 ? -base : base);
    else
      s << base;
  }
  std::string text = s.str();
  if (mod > 0) text = "(" + text + ") % " + std::to_string(mod);
  const bool has_lo = lo != std::numeric_limits<int64_t>::min();
  const bool has_hi = hi != std::numeric_limits<int64_t>::max();
  if (has_lo && has_hi) return "clamp(" + text + ", " + std::to_string(lo) + ", " + std::to_string(hi) + ")";
  if (has_hi) return "min(" + text + ", " + std::to_string(hi) + ")";
  if (has_lo) return "max(" + text + ", " + std::to_string(lo) + ")";
  return text;
}

namespace {

bool has_clamp(const Expr& e) {
  return e.lo != std::numeric_limits<int64_t>::min() || e.hi != std::numeric_limits<int64_t>::max();
}

void require_plain(const Expr& e, const char* op) {
  if (e.mod > 0 || has_clamp(e))
    throw std::logic_error(std::string("Expr: '") + op + "' on an expression that already has mod or clamp");
}

}  // namespace

Expr idx(int depth, int64_t coeff) {
  Expr e;
  e.terms.emplace_back(depth, coeff);
  return e;
}

Expr operator+(Expr a, const Expr& b) {
  require_plain(a, "+");
  require_plain(b, "+");
  a.base += b.base;
  for (const auto& t : b.terms) {
    auto it = std::find_if(a.terms.begin(), a.terms.end(), [&](const auto& x) { return x.first == t.first; });
    if (it == a.terms.end())
      a.terms.push_back(t);
    else
      it->second += t.second;
  }
  a.terms.erase(std::remove_if(a.terms.begin(), a.terms.end(), [](const auto& x) { return x.second == 0; }),
                a.terms.end());
  std::sort(a.terms.begin(), a.terms.end());
  return a;
}

Expr operator*(Expr a, int64_t s) {
  require_plain(a, "*");
  a.base *= s;
  for (auto& t : a.terms) t.second *= s;
  if (s == 0) a.terms.clear();
  return a;
}

Expr operator-(Expr a, const Expr& b) { return std::move(a) + (Expr(b) * -1); }

Expr operator%(Expr a, int64_t m) {
  require_plain(a, "%");
  if (m <= 0) throw std::logic_error("Expr: modulus must be positive");
  a.mod = m;
  return a;
}

Expr clamp(Expr e, int64_t lo, int64_t hi) {
  e.lo = std::max(e.lo, lo);
  e.hi = std::min(e.hi, hi);
  return e;
}

Expr min(Expr e, int64_t hi) {
  e.hi = std::min(e.hi, hi);
  return e;
}

Expr max(Expr e, int64_t lo) {
  e.lo = std::max(e.lo, lo);
  return e;
}

Statement make_instruction(int opcode, std::vector<Expr> operands) {
  Statement s;
  s.instr.opcode = opcode;
  s.instr.operands = std::move(operands);
  return s;
}

Statement make_loop(std::string name, int64_t trips, std::vector<Statement> body) {
  Statement s;
  s.loop = std::make_shared<Loop>(Loop{std::move(name), trips, std::move(body)});
  return s;
}

int IsaSpec::opcode(const std::string& op_name) const {
  for (std::size_t i = 0; i < opcodes.size(); ++i)
    if (opcodes[i].name == op_name) return static_cast<int>(i);
  return -1;
}

int IsaSpec::field(int op, const std::string& field_name) const {
  if (op < 0 || op >= static_cast<int>(opcodes.size())) return -1;
  const auto& f = opcodes[op].fields;
  for (std::size_t i = 0; i < f.size(); ++i)
    if (f[i] == field_name) return static_cast<int>(i);
  return -1;
}

namespace {

void walk(const Loop& loop, int depth, std::vector<int64_t>& index,
          const std::function<void(const ConcreteInstruction&)>& visit) {
  for (int64_t i = 0; i < loop.trips; ++i) {
    index[depth] = i;
    for (const Statement& s : loop.body) {
      if (s.loop) {
        walk(*s.loop, depth + 1, index, visit);
        continue;
      }
      ConcreteInstruction c;
      c.opcode = s.instr.opcode;
      c.num_fields = static_cast<int>(s.instr.operands.size());
      for (int f = 0; f < c.num_fields; ++f) c.f[f] = s.instr.operands[f].eval(index.data());
      visit(c);
    }
  }
}

int64_t count(const Loop& loop) {
  int64_t per_iteration = 0;
  for (const Statement& s : loop.body) per_iteration += s.loop ? count(*s.loop) : 1;
  return per_iteration * loop.trips;
}

int depth_of(const Loop& loop) {
  int deepest = 0;
  for (const Statement& s : loop.body)
    if (s.loop) deepest = std::max(deepest, depth_of(*s.loop));
  return deepest + 1;
}

void print(const Loop& loop, int depth, const IsaSpec* isa, std::vector<std::string>& names,
           std::ostream& out) {
  const std::string indent(2 * depth, ' ');
  for (const Statement& s : loop.body) {
    if (s.loop) {
      names.push_back(s.loop->name.empty() ? "i" + std::to_string(depth + 1) : s.loop->name);
      out << indent << "for " << names.back() << " in 0.." << s.loop->trips - 1 << ":\n";
      print(*s.loop, depth + 1, isa, names, out);
      names.pop_back();
      continue;
    }
    const bool known = isa && s.instr.opcode >= 0 && s.instr.opcode < static_cast<int>(isa->opcodes.size());
    out << indent << (known ? isa->opcodes[s.instr.opcode].name : "op" + std::to_string(s.instr.opcode));
    for (std::size_t f = 0; f < s.instr.operands.size(); ++f) {
      const bool named = known && f < isa->opcodes[s.instr.opcode].fields.size();
      out << " " << (named ? isa->opcodes[s.instr.opcode].fields[f] : "f" + std::to_string(f)) << "="
          << s.instr.operands[f].to_text(names);
    }
    out << "\n";
  }
}

}  // namespace

namespace {

// for_each's walk with the operands' linear parts (base + terms) kept up to date as loop indices
// step, instead of evaluated from every index per instruction (the RTL and TLM hosts stream millions
// of instructions; the evaluation was most of the walk). Each loop lists the operands whose value
// its index moves and by how much per step; an instruction only finishes its operands (mod, clamp).
class IncrementalWalk {
 public:
  // Whether every operand refers only to loops enclosing it (otherwise walk() is the definition).
  static bool applies(const Loop& loop, int depth) {
    for (const Statement& s : loop.body) {
      if (s.loop) {
        if (!applies(*s.loop, depth + 1)) return false;
        continue;
      }
      for (const Expr& e : s.instr.operands)
        for (const auto& t : e.terms)
          if (t.first < 0 || t.first > depth) return false;
    }
    return true;
  }

  explicit IncrementalWalk(const Loop& top) : root_(compile(top, 0)) {}

  void run(const std::function<void(const ConcreteInstruction&)>& visit) { run(root_, visit); }

 private:
  struct Node {
    int64_t trips = 0;
    std::vector<std::pair<std::size_t, int64_t>> steps;  // (operand slot, increment per index step)
    // Body in order: an instruction (its index in instructions_) or a nested loop (in loops).
    std::vector<std::pair<bool, std::size_t>> body;  // (is loop, index)
    std::vector<Node> loops;
  };
  struct Op {
    int opcode = 0;
    int num_fields = 0;
    std::size_t slot = 0;  // its operands' first slot
    const Instruction* source = nullptr;
  };

  Node compile(const Loop& loop, int depth) {
    Node n;
    n.trips = loop.trips;
    for (const Statement& s : loop.body) {
      if (s.loop) {
        n.body.emplace_back(true, n.loops.size());
        n.loops.push_back(compile(*s.loop, depth + 1));
        continue;
      }
      Op op;
      op.opcode = s.instr.opcode;
      op.num_fields = static_cast<int>(s.instr.operands.size());
      op.slot = linear_.size();
      op.source = &s.instr;
      for (const Expr& e : s.instr.operands) {
        for (const auto& t : e.terms)
          if (t.second != 0) pending_.push_back({t.first, linear_.size(), t.second});
        linear_.push_back(e.base);  // every index starts at 0
      }
      n.body.emplace_back(false, ops_.size());
      ops_.push_back(op);
    }
    // This loop's steps: the terms of its depth collected so far below it (deeper loops took theirs).
    const auto mine = std::stable_partition(pending_.begin(), pending_.end(),
                                            [depth](const Term& t) { return t.depth != depth; });
    for (auto it = mine; it != pending_.end(); ++it) n.steps.emplace_back(it->slot, it->coeff);
    pending_.erase(mine, pending_.end());
    return n;
  }

  void run(const Node& n, const std::function<void(const ConcreteInstruction&)>& visit) {
    for (int64_t i = 0; i < n.trips; ++i) {
      if (i > 0)
        for (const auto& [slot, step] : n.steps) linear_[slot] += step;
      for (const auto& [is_loop, k] : n.body) {
        if (is_loop) {
          run(n.loops[k], visit);
          continue;
        }
        const Op& op = ops_[k];
        // One instruction for the whole walk (zeroing a fresh one per instruction showed as a
        // `rep stos` in the profile): only the fields a shorter instruction leaves are cleared.
        ConcreteInstruction& c = current_;
        for (int f = op.num_fields; f < c.num_fields; ++f) c.f[f] = 0;
        c.opcode = op.opcode;
        c.num_fields = op.num_fields;
        for (int f = 0; f < op.num_fields; ++f)
          c.f[f] = op.source->operands[f].finish(linear_[op.slot + static_cast<std::size_t>(f)]);
        visit(c);
      }
    }
    if (n.trips > 1)  // back to index 0 for the enclosing loop's next iteration
      for (const auto& [slot, step] : n.steps) linear_[slot] -= step * (n.trips - 1);
  }

  struct Term {
    int depth;
    std::size_t slot;
    int64_t coeff;
  };
  std::vector<int64_t> linear_;  // per operand slot: base + sum(coeff * index) at the current indices
  ConcreteInstruction current_;  // the instruction run() hands to visit
  std::vector<Op> ops_;
  std::vector<Term> pending_;    // compile(): terms not yet given to their loop
  Node root_;
};

}  // namespace

void Program::for_each(const std::function<void(const ConcreteInstruction&)>& visit) const {
  if (IncrementalWalk::applies(top, 0)) {
    IncrementalWalk(top).run(visit);
    return;
  }
  std::vector<int64_t> index(static_cast<std::size_t>(max_depth()) + 1, 0);
  walk(top, 0, index, visit);
}

int64_t Program::instruction_count() const { return count(top); }

int Program::max_depth() const { return depth_of(top); }

std::string Program::to_text() const {
  std::ostringstream out;
  out << "program " << layer_name << " on " << (isa ? isa->name : "?") << ": " << instruction_count()
      << " instructions\n";
  for (const auto& r : regions)
    out << "  dram " << r.name << " @0x" << std::hex << r.base << std::dec << " " << r.bytes << " bytes"
        << " " << r.layout << (r.is_output ? " (output)" : "") << "\n";
  std::vector<std::string> names{top.name.empty() ? "top" : top.name};
  print(top, 0, isa.get(), names, out);
  return out.str();
}

}  // namespace acv
