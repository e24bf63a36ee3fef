// The Program IR: a mapped layer as a loop nest of an accelerator's instructions.
// One Program drives every view: RTL and TLM drivers stream it flat, the estimator walks its loops.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace acv {

constexpr int kMaxFields = 12;

// An operand value, from the indices of the enclosing loops (depth 0 = Program::top, trips 1;
// its body's loops are depth 1, and so on):
//   v = base + sum(coeff * index[depth]);  if (mod > 0) v = v mod mod (in [0, mod));  v = clamp(v, lo, hi)
// mod alternates double-buffer halves; clamp expresses ragged last tiles (rows = min(T, M - m*T))
// and first/last-iteration flags (max(0, 1 - k)) without peeling loops.
struct Expr {
  int64_t base = 0;
  std::vector<std::pair<int, int64_t>> terms;  // (loop depth, coefficient)
  int64_t mod = 0;
  int64_t lo = std::numeric_limits<int64_t>::min();
  int64_t hi = std::numeric_limits<int64_t>::max();

  Expr() = default;
  Expr(int64_t constant) : base(constant) {}  // NOLINT: constants read naturally as operands
  // Inline: the Program walk evaluates every operand of every instruction it streams.
  int64_t eval(const int64_t* loop_index) const {
    int64_t v = base;
    for (const auto& t : terms) v += t.second * loop_index[t.first];
    return finish(v);
  }
  // The mod and clamp applied to the linear part `v` (base + terms).
  int64_t finish(int64_t v) const {
    if (mod > 0) {  // v mod mod in [0, mod); a power of two (the double-buffer halves): a mask, exact in two's complement
      if ((mod & (mod - 1)) == 0) {
        v &= mod - 1;
      } else {
        v %= mod;
        if (v < 0) v += mod;
      }
    }
    return std::min(hi, std::max(lo, v));
  }
  bool is_constant() const { return terms.empty(); }
  std::string to_text(const std::vector<std::string>& loop_names) const;
};

// Builders for readable mapper code: idx(1) * 8 + 3, clamp(e, 0, 1), e % 2.
Expr idx(int depth, int64_t coeff = 1);
Expr operator+(Expr a, const Expr& b);
Expr operator-(Expr a, const Expr& b);
Expr operator*(Expr a, int64_t s);
Expr operator%(Expr a, int64_t m);  // requires a without a clamp
Expr clamp(Expr e, int64_t lo, int64_t hi);
Expr min(Expr e, int64_t hi);
Expr max(Expr e, int64_t lo);

// An accelerator's instruction set as the Program sees it: names only, no semantics.
struct OpcodeSpec {
  std::string name;
  std::vector<std::string> fields;
};
struct IsaSpec {
  std::string name;
  std::vector<OpcodeSpec> opcodes;
  int opcode(const std::string& name) const;              // -1 when absent
  int field(int opcode, const std::string& field) const;  // -1 when absent
};

struct Instruction {
  int opcode = 0;
  std::vector<Expr> operands;  // one per field of the opcode, in IsaSpec order
};

struct Loop;

// A body element: an instruction, or a nested loop when `loop` is set.
struct Statement {
  Instruction instr;
  std::shared_ptr<Loop> loop;
};

struct Loop {
  std::string name;
  int64_t trips = 1;
  std::vector<Statement> body;
};

// Builders for mapper and test code.
Statement make_instruction(int opcode, std::vector<Expr> operands);
Statement make_loop(std::string name, int64_t trips, std::vector<Statement> body);

// One instruction with its operands evaluated, as hardware sees it.
struct ConcreteInstruction {
  int opcode = 0;
  int num_fields = 0;
  std::array<int64_t, kMaxFields> f{};
};

// A region of external memory the driver fills before and reads after the run.
struct DramRegion {
  std::string name;   // e.g. "A", "B", "C"
  uint64_t base = 0;  // byte address
  uint64_t bytes = 0;
  bool is_output = false;
  std::string layout;  // element order, e.g. "[group][k][m] int8"; the mapper's own reading of it too
};

struct Program {
  std::shared_ptr<const IsaSpec> isa;
  std::string layer_name;
  Loop top;  // trips 1; the layer's loop nest
  std::vector<DramRegion> regions;
  uint64_t dram_bytes = 0;  // external memory the run needs

  // Streams every instruction in program order with operands evaluated (fields past an
  // instruction's operands are 0).
  void for_each(const std::function<void(const ConcreteInstruction&)>& visit) const;
  // Instructions the nest represents (loop trips multiplied out).
  int64_t instruction_count() const;
  int max_depth() const;
  // Human-readable loop nest: "for m in 0..3:" / "  dma_load buf=0 rows=min(8, 20 - 8*m) ...".
  std::string to_text() const;
};

}  // namespace acv
