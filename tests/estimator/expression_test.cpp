// Expression::folded(): names with known values put in, constant parts computed, and the result
// equal to the original wherever the names have those values (what the evaluator's plans rely on).
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "estimator/expression.h"

using namespace acv;
using Catch::Matchers::Contains;

namespace {

// Names: P, Q parameters (indices 0, 1); a, b, c fields (0, 1, 2).
Expression compile(const std::string& text) {
  return Expression::compile(text, SourceLoc{"test.yaml", 7, "latency"}, [](const std::string& name, VarRef* out) {
    const std::string params = "PQ", fields = "abc";
    if (name.size() != 1) return false;
    if (params.find(name[0]) != std::string::npos) return *out = VarRef{VarKind::Param, static_cast<int>(params.find(name[0]))}, true;
    if (fields.find(name[0]) != std::string::npos) return *out = VarRef{VarKind::Field, static_cast<int>(fields.find(name[0]))}, true;
    return false;
  });
}

// The parameters are known, and field `a` when `with_a`.
Expression::Known known(const int64_t* params, const int64_t* fields, bool with_a) {
  return [=](const VarRef& v, int64_t* value) {
    if (v.kind == VarKind::Param) return *value = params[v.index], true;
    if (with_a && v.kind == VarKind::Field && v.index == 0) return *value = fields[0], true;
    return false;
  };
}

}  // namespace

TEST_CASE("a folded expression computes what the original does where the known names have their values",
          "[expression]") {
  const std::vector<std::string> texts = {
      "P == 1 ? b : P * max(b, Q)",  "a * ceil_div(b, P)",       "a == 0 ? 1 : c + min(b, P)",
      "max(a, 1) + (b ? Q : 0)",     "c - P * (ceil_div(c, P) - 1)", "(a + P + Q) * 1 - 0",
      "a && b || !c",                "if(a > Q, b / P, c % Q)",  "abs(a - b) + log2_ceil(c + P)",
      "-(a * b) + 0 * c"};
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> small(-4, 20), p(1, 3), q(1, 5);
  for (const std::string& text : texts) {
    const Expression e = compile(text);
    for (int trial = 0; trial < 200; ++trial) {
      const int64_t params[2] = {p(rng), q(rng)};  // divisors
      const int64_t fields[3] = {small(rng), small(rng), std::abs(small(rng))};
      const EvalContext ctx{params, fields, nullptr, nullptr};
      for (const bool with_a : {false, true}) {
        const Expression f = e.folded(known(params, fields, with_a));
        INFO(text << " with P=" << params[0] << " Q=" << params[1] << " a=" << fields[0] << " b=" << fields[1]
                  << " c=" << fields[2]);
        CHECK(f.eval(ctx) == e.eval(ctx));
        CHECK(f.text() == e.text());
        for (const VarRef& v : f.variables()) CHECK((v.kind == VarKind::Field && (v.index != 0 || !with_a)));
      }
    }
  }
}

TEST_CASE("folding computes constant parts, takes a constant select's branch and drops x * 1, x + 0, x / 1",
          "[expression]") {
  const int64_t params[2] = {1, 16};
  const int64_t fields[3] = {0, 0, 0};
  const auto only_b = [](const Expression& f) {
    const Expression::Node* r = f.root_node();
    return r && r->op == Expression::Op::Var && r->var.kind == VarKind::Field && r->var.index == 1;
  };
  CHECK(only_b(compile("P == 1 ? b : P * max(b, Q)").folded(known(params, fields, false))));
  CHECK(only_b(compile("ceil_div(b, P) * P + 0").folded(known(params, fields, false))));
  CHECK(only_b(compile("0 + b / P - 0").folded(known(params, fields, false))));
  const Expression c = compile("Q * 2 + max(P, 3)").folded(known(params, fields, false));
  REQUIRE(c.is_constant());
  CHECK(c.eval(EvalContext{}) == 35);
  // What is not known stays a name; the unused branch of a select on an unknown is kept.
  const Expression s = compile("b ? Q : a").folded(known(params, fields, false));
  CHECK(s.variables().size() == 2);
}

TEST_CASE("a constant part that fails is kept, and fails when evaluated with the original's message",
          "[expression]") {
  const int64_t params[2] = {0, 9223372036854775807};
  const int64_t fields[3] = {5, 1, 0};
  const EvalContext ctx{params, fields, nullptr, nullptr};
  const Expression div = compile("b == 1 ? a / P : 0");
  const Expression f = div.folded(known(params, fields, false));
  CHECK_THROWS_WITH(f.eval(ctx), Contains("test.yaml:7: latency:") && Contains("division by zero"));
  CHECK_THROWS_WITH(div.eval(ctx), Contains("division by zero"));
  // Taken only where it is used: with b = 0 neither fails.
  const int64_t other[3] = {5, 0, 0};
  CHECK(f.eval(EvalContext{params, other, nullptr, nullptr}) == 0);
  const Expression over = compile("Q + 1 + a").folded(known(params, fields, false));
  CHECK_THROWS_WITH(over.eval(ctx), Contains("integer overflow"));
}
