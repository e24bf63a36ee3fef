// Parser and evaluator of the description's expression language.
#include "expression.h"

#include <cctype>
#include <limits>

namespace acv {

int64_t string_value(const std::string& s) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<int64_t>(h >> 2) | (int64_t{1} << 60);  // far from any count or cycle figure
}

namespace {

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

}  // namespace

class ExpressionParser {
 public:
  ExpressionParser(const std::string& text, const SourceLoc& where, const Expression::Resolver& resolve,
                   Expression* out)
      : s_(text), where_(where), resolve_(resolve), out_(out) {}

  void parse() {
    out_->root_ = ternary();
    skip();
    if (pos_ < s_.size()) fail("unexpected '" + std::string(1, s_[pos_]) + "'");
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw InputError(where_, "in expression '" + s_ + "': " + why + " (at column " + std::to_string(pos_ + 1) + ")");
  }
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool accept(const char* tok) {
    skip();
    const std::string t(tok);
    if (s_.compare(pos_, t.size(), t) == 0) {
      // Do not split "<=" into "<" and "=", or "&&" into "&".
      if (t.size() == 1 && pos_ + 1 < s_.size()) {
        const char n = s_[pos_ + 1];
        if ((t == "<" || t == ">" || t == "!" || t == "=") && n == '=') return false;
      }
      pos_ += t.size();
      return true;
    }
    return false;
  }
  void expect(const char* tok) {
    if (!accept(tok)) fail(std::string("expected '") + tok + "'");
  }
  int add(Expression::Op op, std::vector<int> args, int64_t value = 0, VarRef var = {}) {
    if (++count_ > 10000) fail("expression too large");
    Expression::Node n;
    n.op = op;
    n.args = std::move(args);
    n.value = value;
    n.var = var;
    out_->nodes_.push_back(std::move(n));
    return static_cast<int>(out_->nodes_.size()) - 1;
  }
  int ternary() {
    if (++depth_ > 200) fail("expression nested too deeply");
    int c = logic_or();
    if (accept("?")) {
      const int a = ternary();
      expect(":");
      const int b = ternary();
      c = add(Expression::Op::Select, {c, a, b});
    }
    --depth_;
    return c;
  }
  int logic_or() {
    int l = logic_and();
    while (accept("||")) l = add(Expression::Op::Or, {l, logic_and()});
    return l;
  }
  int logic_and() {
    int l = comparison();
    while (accept("&&")) l = add(Expression::Op::And, {l, comparison()});
    return l;
  }
  int comparison() {
    const int l = sum();
    using Op = Expression::Op;
    if (accept("<=")) return add(Op::Le, {l, sum()});
    if (accept(">=")) return add(Op::Ge, {l, sum()});
    if (accept("==")) return add(Op::Eq, {l, sum()});
    if (accept("!=")) return add(Op::Ne, {l, sum()});
    if (accept("<")) return add(Op::Lt, {l, sum()});
    if (accept(">")) return add(Op::Gt, {l, sum()});
    return l;
  }
  int sum() {
    int l = product();
    for (;;) {
      if (accept("+")) l = add(Expression::Op::Add, {l, product()});
      else if (accept("-")) l = add(Expression::Op::Sub, {l, product()});
      else return l;
    }
  }
  int product() {
    int l = unary();
    for (;;) {
      if (accept("*")) l = add(Expression::Op::Mul, {l, unary()});
      else if (accept("/")) l = add(Expression::Op::Div, {l, unary()});
      else if (accept("%")) l = add(Expression::Op::Mod, {l, unary()});
      else return l;
    }
  }
  int unary() {
    if (++depth_ > 200) fail("expression nested too deeply");
    int r;
    if (accept("-")) r = add(Expression::Op::Neg, {unary()});
    else if (accept("!")) r = add(Expression::Op::Not, {unary()});
    else if (accept("+")) r = unary();
    else r = primary();
    --depth_;
    return r;
  }
  int primary() {
    skip();
    if (pos_ >= s_.size()) fail("unexpected end");
    const char c = s_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      int64_t v = 0;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
        const int d = s_[pos_] - '0';
        if (v > (std::numeric_limits<int64_t>::max() - d) / 10) fail("number too large");
        v = v * 10 + d;
        ++pos_;
      }
      return add(Expression::Op::Const, {}, v);
    }
    if (c == '"' || c == '\'') {
      const auto end = s_.find(c, pos_ + 1);
      if (end == std::string::npos) fail("unterminated string");
      const std::string lit = s_.substr(pos_ + 1, end - pos_ - 1);
      pos_ = end + 1;
      return add(Expression::Op::Const, {}, string_value(lit));
    }
    if (accept("(")) {
      const int e = ternary();
      expect(")");
      return e;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      const std::size_t start = pos_;
      while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_' ||
                                  s_[pos_] == '.'))
        ++pos_;
      const std::string name = s_.substr(start, pos_ - start);
      skip();
      if (pos_ < s_.size() && s_[pos_] == '(') return call(name);
      VarRef ref;
      if (!resolve_(name, &ref)) {
        pos_ = start;
        fail("unknown name '" + name + "'");
      }
      return add(Expression::Op::Var, {}, 0, ref);
    }
    fail("unexpected '" + std::string(1, c) + "'");
  }
  int call(const std::string& name) {
    const std::size_t at = pos_;
    expect("(");
    std::vector<int> args;
    if (!accept(")")) {
      do args.push_back(ternary());
      while (accept(","));
      expect(")");
    }
    using Op = Expression::Op;
    auto arity = [&](std::size_t n) {
      if (args.size() != n) {
        pos_ = at;
        fail(name + "() takes " + std::to_string(n) + " argument" + (n == 1 ? "" : "s"));
      }
    };
    if (name == "min" || name == "max") {
      if (args.empty()) fail(name + "() needs arguments");
      int r = args[0];
      for (std::size_t i = 1; i < args.size(); ++i) r = add(name == "min" ? Op::Min : Op::Max, {r, args[i]});
      return r;
    }
    if (name == "ceil_div") return arity(2), add(Op::CeilDiv, args);
    if (name == "if") return arity(3), add(Op::Select, args);
    if (name == "abs") return arity(1), add(Op::Abs, args);
    if (name == "log2_ceil") return arity(1), add(Op::Log2Ceil, args);
    pos_ = at;
    fail("unknown function '" + name + "' (known: min, max, ceil_div, if, abs, log2_ceil)");
  }

  const std::string& s_;
  SourceLoc where_;
  const Expression::Resolver& resolve_;
  Expression* out_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  int count_ = 0;
};

Expression Expression::compile(const std::string& text, const SourceLoc& where, const Resolver& resolve) {
  Expression e;
  e.text_ = text;
  e.loc_ = where;
  ExpressionParser(text, where, resolve, &e).parse();
  return e;
}

Expression Expression::constant(int64_t value) {
  Expression e;
  Node n;
  n.value = value;
  e.nodes_.push_back(n);
  e.root_ = 0;
  e.text_ = std::to_string(value);
  return e;
}

Expression Expression::folded(const Known& known) const {
  Expression out;
  out.text_ = text_;
  out.loc_ = loc_;
  if (root_ < 0) return out;
  std::vector<Node> all;  // the folded nodes, with those folded away left behind
  const int root = fold_node(root_, known, &all);
  out.root_ = copy_reachable(all, root, &out.nodes_);
  return out;
}

int Expression::fold_node(int i, const Known& known, std::vector<Node>* out) const {
  const Node& n = nodes_[static_cast<std::size_t>(i)];
  const auto add = [out](Node x) {
    out->push_back(std::move(x));
    return static_cast<int>(out->size()) - 1;
  };
  const auto constant = [&add](int64_t v) {
    Node c;
    c.value = v;
    return add(c);
  };
  if (n.op == Op::Const) return constant(n.value);
  if (n.op == Op::Var) {
    int64_t v = 0;
    return known(n.var, &v) ? constant(v) : add(n);
  }
  Node m = n;
  bool all_constant = true;
  for (int& a : m.args) {
    a = fold_node(a, known, out);
    all_constant = all_constant && (*out)[static_cast<std::size_t>(a)].op == Op::Const;
  }
  const auto is = [out](int a, int64_t v) {
    const Node& x = (*out)[static_cast<std::size_t>(a)];
    return x.op == Op::Const && x.value == v;
  };
  const Node& c0 = (*out)[static_cast<std::size_t>(m.args[0])];
  if (m.op == Op::Select && c0.op == Op::Const) return c0.value != 0 ? m.args[1] : m.args[2];
  if (all_constant) {
    // Computed as eval_node() would: on its own copy with the constants as operands.
    Expression e;
    e.text_ = text_;
    e.loc_ = loc_;
    for (int a : m.args) e.nodes_.push_back((*out)[static_cast<std::size_t>(a)]);
    for (std::size_t k = 0; k < m.args.size(); ++k) m.args[k] = static_cast<int>(k);
    e.nodes_.push_back(m);
    e.root_ = static_cast<int>(e.nodes_.size()) - 1;
    try {
      return constant(e.eval(EvalContext{}));
    } catch (const InputError&) {  // fails where it is evaluated, as before
      for (std::size_t k = 0; k < m.args.size(); ++k) m.args[k] = add(e.nodes_[k]);
      return add(m);
    }
  }
  if (m.args.size() == 2) {
    const int x = m.args[0], y = m.args[1];
    if ((m.op == Op::Mul && is(y, 1)) || (m.op == Op::Add && is(y, 0)) || (m.op == Op::Sub && is(y, 0)) ||
        ((m.op == Op::Div || m.op == Op::CeilDiv) && is(y, 1)))
      return x;
    if ((m.op == Op::Mul && is(x, 1)) || (m.op == Op::Add && is(x, 0))) return y;
  }
  return add(m);
}

int Expression::copy_reachable(const std::vector<Node>& from, int n, std::vector<Node>* to) {
  Node x = from[static_cast<std::size_t>(n)];
  for (int& a : x.args) a = copy_reachable(from, a, to);
  to->push_back(std::move(x));
  return static_cast<int>(to->size()) - 1;
}

bool Expression::is_constant() const {
  for (const auto& n : nodes_)
    if (n.op == Op::Var) return false;
  return true;
}

bool Expression::same(const Expression& o) const {
  if (root_ != o.root_ || nodes_.size() != o.nodes_.size()) return false;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    const Node &x = nodes_[i], &y = o.nodes_[i];
    if (x.op != y.op || x.args != y.args) return false;
    if (x.op == Op::Const && x.value != y.value) return false;
    if (x.op == Op::Var && (x.var.kind != y.var.kind || x.var.index != y.var.index)) return false;
  }
  return true;
}

std::vector<VarRef> Expression::variables() const {
  std::vector<VarRef> out;
  for (const auto& n : nodes_)
    if (n.op == Op::Var) out.push_back(n.var);
  return out;
}

int64_t Expression::eval_node(int i, const EvalContext& ctx) const {
  const Node& n = nodes_[static_cast<std::size_t>(i)];
  // Most operands are a constant or a name: read in place, without a call.
  auto a = [&](std::size_t k) {
    const Node& c = nodes_[static_cast<std::size_t>(n.args[k])];
    if (c.op == Op::Const) return c.value;
    if (c.op == Op::Var) return var_value(c.var, ctx);
    return eval_node(n.args[k], ctx);
  };
  // Checked arithmetic: a result outside int64 is bad input (an absurd parameter or a typo in a
  // description), never a silently wrapped cycle count.
  int64_t r = 0;
  switch (n.op) {
    case Op::Const: return n.value;
    case Op::Var: return var_value(n.var, ctx);
    case Op::Neg:
      if (__builtin_sub_overflow(int64_t{0}, a(0), &r)) overflow("-");
      return r;
    case Op::Not: return a(0) == 0;
    case Op::Add:
      if (__builtin_add_overflow(a(0), a(1), &r)) overflow("+");
      return r;
    case Op::Sub:
      if (__builtin_sub_overflow(a(0), a(1), &r)) overflow("-");
      return r;
    case Op::Mul:
      if (__builtin_mul_overflow(a(0), a(1), &r)) overflow("*");
      return r;
    case Op::Div:
    case Op::Mod:
    case Op::CeilDiv: {
      const int64_t x = a(0), y = a(1);
      if (y == 0) throw InputError(loc_, "in expression '" + text_ + "': division by zero");
      if (y == -1) {
        if (n.op == Op::Mod) return 0;
        if (__builtin_sub_overflow(int64_t{0}, x, &r)) overflow(n.op == Op::Div ? "/" : "ceil_div");
        return r;
      }
      if (n.op == Op::Div) return floor_div(x, y);
      if (n.op == Op::Mod) return floor_mod(x, y);
      return -floor_div(-(x == std::numeric_limits<int64_t>::min() ? x + 1 : x), y);
    }
    case Op::Lt: return a(0) < a(1);
    case Op::Le: return a(0) <= a(1);
    case Op::Gt: return a(0) > a(1);
    case Op::Ge: return a(0) >= a(1);
    case Op::Eq: return a(0) == a(1);
    case Op::Ne: return a(0) != a(1);
    case Op::And: return a(0) != 0 && a(1) != 0;
    case Op::Or: return a(0) != 0 || a(1) != 0;
    case Op::Select: return a(0) != 0 ? a(1) : a(2);
    case Op::Min: return std::min(a(0), a(1));
    case Op::Max: return std::max(a(0), a(1));
    case Op::Abs: {
      const int64_t x = a(0);
      if (x >= 0) return x;
      if (__builtin_sub_overflow(int64_t{0}, x, &r)) overflow("abs");
      return r;
    }
    case Op::Log2Ceil: {
      const int64_t x = a(0);
      while (r < 63 && (int64_t{1} << r) < x) ++r;
      return r;
    }
  }
  return 0;
}

void Expression::overflow(const char* op) const {
  throw InputError(loc_, "in expression '" + text_ + "': integer overflow in '" + op +
                             "' (the result is outside the 64-bit signed range)");
}

}  // namespace acv
