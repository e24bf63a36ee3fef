// The description's expression language: integer arithmetic over parameters and instruction fields.
//   + - * / % (floor division and modulo), comparisons, && || !, c ? a : b,
//   min(a, b, ...), max(a, b, ...), ceil_div(a, b), if(c, a, b), abs(a), log2_ceil(a), "strings" (== only).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/common/error.h"

namespace acv {

// Where an expression's names live once resolved: a bound parameter, an instruction field,
// a value the evaluator computes (mem_done), or a config parameter read at bind time.
enum class VarKind { Param, Field, Special, Config };
struct VarRef {
  VarKind kind = VarKind::Param;
  int index = 0;
};

// Values an expression is evaluated against; arrays indexed by VarRef::index.
struct EvalContext {
  const int64_t* params = nullptr;
  const int64_t* fields = nullptr;
  const int64_t* special = nullptr;
  const int64_t* config = nullptr;
};

// A compiled expression: immutable, cheap to evaluate.
class Expression {
 public:
  // Returns false when the name is unknown; then compilation fails naming it.
  using Resolver = std::function<bool(const std::string& name, VarRef* out)>;

  Expression() = default;
  // Contract: throws InputError("file:line: key: ...") on syntax errors and unknown names.
  static Expression compile(const std::string& text, const SourceLoc& where, const Resolver& resolve);
  static Expression constant(int64_t value);

  bool empty() const { return nodes_.empty(); }
  // Contract: throws InputError naming the expression's location on division by zero and on a
  // result outside int64 (checked arithmetic: nothing wraps).
  int64_t eval(const EvalContext& ctx) const {
    if (root_ < 0) return 0;
    const Node& n = nodes_[static_cast<std::size_t>(root_)];  // most are a constant or one name
    if (n.op == Op::Const) return n.value;
    if (n.op == Op::Var) return var_value(n.var, ctx);
    return eval_node(root_, ctx);
  }
  bool is_constant() const;
  // The same expression with the names `known` gives a value for replaced by it, and what then has
  // constant operands computed (a part that would fail, 1 / 0, is kept and fails when evaluated, as
  // before), a select with a constant condition replaced by its branch, and x * 1, x + 0, x - 0,
  // x / 1, ceil_div(x, 1) by x: equal to this one wherever the names have those values. Text and
  // location are this one's (errors read as before).
  using Known = std::function<bool(const VarRef& name, int64_t* value)>;
  Expression folded(const Known& known) const;
  // The variable when the expression is exactly one name (`local_addr`), else null.
  const VarRef* single_variable() const {
    return root_ >= 0 && nodes_[static_cast<std::size_t>(root_)].op == Op::Var ? &nodes_[static_cast<std::size_t>(root_)].var
                                                                                : nullptr;
  }
  const std::string& text() const { return text_; }
  const SourceLoc& loc() const { return loc_; }
  // Every variable the expression reads.
  std::vector<VarRef> variables() const;
  // The same computation as `o` (node by node), so the same value in every context.
  bool same(const Expression& o) const;

  enum class Op : uint8_t {
    Const, Var, Neg, Not, Add, Sub, Mul, Div, Mod, Lt, Le, Gt, Ge, Eq, Ne, And, Or, Select, Min, Max,
    CeilDiv, Abs, Log2Ceil
  };
  struct Node {
    Op op = Op::Const;
    int64_t value = 0;  // Const
    VarRef var;         // Var
    std::vector<int> args;
  };
  // The root node (null when empty) and node i, for evaluators that read simple shapes in place.
  const Node* root_node() const { return root_ < 0 ? nullptr : &nodes_[static_cast<std::size_t>(root_)]; }
  const Node& node(int i) const { return nodes_[static_cast<std::size_t>(i)]; }

  static int64_t var_value(const VarRef& v, const EvalContext& ctx) {
    switch (v.kind) {
      case VarKind::Param: return ctx.params[v.index];
      case VarKind::Field: return ctx.fields[v.index];
      case VarKind::Special: return ctx.special[v.index];
      case VarKind::Config: return ctx.config[v.index];
    }
    return 0;
  }

 private:
  int64_t eval_node(int n, const EvalContext& ctx) const;
  int fold_node(int n, const Known& known, std::vector<Node>* out) const;
  static int copy_reachable(const std::vector<Node>& from, int n, std::vector<Node>* to);
  [[noreturn]] void overflow(const char* op) const;
  std::vector<Node> nodes_;
  int root_ = -1;
  std::string text_;
  SourceLoc loc_;
  friend class ExpressionParser;
};

// Value of a string literal or a string-valued config parameter (a stable 62-bit hash).
int64_t string_value(const std::string& s);

}  // namespace acv
