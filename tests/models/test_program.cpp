// Program IR: operand expressions, flat streaming of loop nests, printing.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "models/common/program.h"

using namespace acv;

namespace {

// for_each's definition: every operand evaluated from the loop indices (the stream to compare with).
void evaluate(const Loop& loop, int depth, std::vector<int64_t>& index, std::vector<ConcreteInstruction>& out) {
  for (int64_t i = 0; i < loop.trips; ++i) {
    index[static_cast<std::size_t>(depth)] = i;
    for (const Statement& s : loop.body) {
      if (s.loop) {
        evaluate(*s.loop, depth + 1, index, out);
        continue;
      }
      ConcreteInstruction c;
      c.opcode = s.instr.opcode;
      c.num_fields = static_cast<int>(s.instr.operands.size());
      for (int f = 0; f < c.num_fields; ++f) c.f[f] = s.instr.operands[f].eval(index.data());
      out.push_back(c);
    }
  }
}

bool same(const ConcreteInstruction& a, const ConcreteInstruction& b) {
  return a.opcode == b.opcode && a.num_fields == b.num_fields && a.f == b.f;
}

// A random operand of the loops at depths 0..depth: affine terms (some depths twice), and sometimes
// a modulus (a power of two or not, of a value that may be negative) or a clamp.
Expr random_operand(std::mt19937& rng, int depth) {
  std::uniform_int_distribution<int> coin(0, 3);
  std::uniform_int_distribution<int64_t> coeff(-40, 40);
  Expr e(coeff(rng) * 10);
  for (int d = 0; d <= depth; ++d)
    for (int n = coin(rng) == 0 ? 2 : 1; n > 0; --n)
      if (coin(rng) != 0) e = e + idx(d, coeff(rng));
  switch (coin(rng)) {
    case 0: return e % (coin(rng) < 2 ? 8 : 12);
    case 1: return clamp(e, -30, 50);
    case 2: return min(e, 8);
    default: return e;
  }
}

std::vector<Statement> random_body(std::mt19937& rng, int depth) {
  std::uniform_int_distribution<int> count(0, 3), trips(0, 4), fields(0, 6);
  std::vector<Statement> body;
  for (int n = count(rng) + 1; n > 0; --n) {
    if (depth < 4 && count(rng) == 0) {
      body.push_back(make_loop("l" + std::to_string(depth + 1), trips(rng), random_body(rng, depth + 1)));
      continue;
    }
    std::vector<Expr> operands;
    for (int f = fields(rng); f > 0; --f) operands.push_back(random_operand(rng, depth));
    body.push_back(make_instruction(count(rng), std::move(operands)));
  }
  return body;
}

}  // namespace

TEST_CASE("streaming a loop nest evaluates every operand as its expression does, on random nests", "[program]") {
  std::mt19937 rng(7);
  for (int n = 0; n < 300; ++n) {
    Program p;
    std::uniform_int_distribution<int> trips(1, 5);
    p.top.body.push_back(make_loop("l1", trips(rng), random_body(rng, 1)));
    p.top.body.push_back(make_instruction(9, {idx(0, 3) + 1}));
    std::vector<int64_t> index(static_cast<std::size_t>(p.max_depth()) + 1, 0);
    std::vector<ConcreteInstruction> want, got;
    evaluate(p.top, 0, index, want);
    p.for_each([&](const ConcreteInstruction& c) { got.push_back(c); });
    CAPTURE(n, p.to_text());
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) CHECK(same(got[i], want[i]));
  }
}

TEST_CASE("an operand of an index its instruction is not inside reads that index's last value", "[program]") {
  // Not what a mapper writes, but what evaluating the operands from the indices has always given.
  Program p;
  p.top.body.push_back(make_loop("i", 3, {make_instruction(0, {idx(1)})}));
  p.top.body.push_back(make_instruction(1, {idx(1) * 10}));
  std::vector<int64_t> seen;
  p.for_each([&](const ConcreteInstruction& c) { seen.push_back(c.f[0]); });
  CHECK(seen == std::vector<int64_t>{0, 1, 2, 20});
}

TEST_CASE("expressions evaluate affine terms, modulus and clamps", "[program]") {
  const int64_t index[] = {0, 3, 5};
  CHECK((idx(1) * 4 + idx(2) + 7).eval(index) == 3 * 4 + 5 + 7);
  CHECK(((idx(1) + idx(2)) % 2).eval(index) == 0);
  CHECK(((idx(1) * -1) % 4).eval(index) == 1);  // modulus is never negative
  CHECK(min(Expr(20) - idx(1) * 8, 8).eval(index) == -4);
  CHECK(min(Expr(20) - idx(2) * 8, 8).eval(index) == -20);
  CHECK(clamp(Expr(1) - idx(1), 0, 1).eval(index) == 0);
  const int64_t first[] = {0, 0, 0};
  CHECK(clamp(Expr(1) - idx(1), 0, 1).eval(first) == 1);
  CHECK((idx(1) - idx(1)).is_constant());
}

TEST_CASE("expressions refuse arithmetic on a clamped value", "[program]") {
  CHECK_THROWS(min(idx(1), 3) + 1);
  CHECK_THROWS((idx(1) % 2) * 3);
}

TEST_CASE("a loop nest streams its instructions in program order", "[program]") {
  Program p;
  p.top.body.push_back(make_loop(
      "i", 3,
      {make_instruction(0, {idx(1)}), make_loop("j", 2, {make_instruction(1, {idx(1) * 10 + idx(2)})})}));
  std::vector<std::pair<int, int64_t>> seen;
  p.for_each([&](const ConcreteInstruction& c) { seen.emplace_back(c.opcode, c.f[0]); });
  const std::vector<std::pair<int, int64_t>> expected = {{0, 0},  {1, 0}, {1, 1},  {0, 1}, {1, 10},
                                                         {1, 11}, {0, 2}, {1, 20}, {1, 21}};
  CHECK(seen == expected);
  CHECK(p.instruction_count() == 9);
  CHECK(p.max_depth() == 3);
}

TEST_CASE("a printed program names opcodes, fields and loop variables", "[program]") {
  auto isa = std::make_shared<IsaSpec>(IsaSpec{"toy", {{"load", {"addr", "rows"}}}});
  Program p;
  p.isa = isa;
  p.layer_name = "l0";
  p.top.body.push_back(
      make_loop("m", 4, {make_instruction(0, {idx(1) * 64 + 128, min(Expr(30) - idx(1) * 8, 8)})}));
  const std::string text = p.to_text();
  CHECK(text.find("for m in 0..3:") != std::string::npos);
  CHECK(text.find("load addr=64*m + 128 rows=min(-8*m + 30, 8)") != std::string::npos);
}
