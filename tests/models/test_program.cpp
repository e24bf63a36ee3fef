// Program IR: operand expressions, flat streaming of loop nests, printing.
#include <catch2/catch.hpp>

#include "models/common/program.h"

using namespace acv;

namespace {}  // namespace

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
