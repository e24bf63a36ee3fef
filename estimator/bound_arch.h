// BoundArch: a description bound to one config's parameter values and one Program's ISA.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "estimator/arch_description.h"
#include "models/common/accel_config.h"
#include "models/common/program.h"

namespace acv {

// Config parameter values by name: integers as they are, strings as string_value(text),
// plus dram_latency, dram_bytes_per_cycle and dram_max_outstanding.
std::map<std::string, int64_t> config_values(const AccelConfig& config);

struct BoundObject {
  ObjectKind kind = ObjectKind::Unit;
  int from = -1;
  int64_t latency = 0;
  int64_t ii = -1;  // -1: occupancy = latency (not pipelined)
  int64_t capacity = 0;
  int64_t instances = 1;
  bool in_order = true;
  bool release_at_end = false;
  int64_t release_delay = 0;
};

struct BoundStorage {
  int64_t locations = 1;  // 0 = unbounded
  int64_t latency = 0;
  int64_t banks = 1;
  int64_t read_ports = 1, write_ports = 1;
};

struct BoundMemory {
  int64_t latency = 0;
  int64_t bytes_per_cycle = 1;
  int64_t max_outstanding = 1;
  int64_t request_interval = 1;
  int64_t ports = 1;
  int64_t release_delay = 0;
  int64_t lookahead = 0;  // later instructions searched for earlier requests (0: program order)
  // Per object: the rank of a unit's requests where two want one cycle (lower wins; MemorySpec::
  // priority); equal ranks go by program order.
  std::vector<int> rank;
};

// An opcode of the Program's ISA and the class that describes it.
struct BoundOpcode {
  const InstructionClassSpec* cls = nullptr;
  std::vector<int> program_field;   // description field i -> Program operand index
  std::vector<char> field_used;     // description field i is read by some expression
  std::vector<int> relevant;        // Program operand indices that decide timing
  // Carried field j of the class (field_used[fields + j]): {source opcode, its Program operand index};
  // source opcode -1 when the ISA has no such opcode (the value is then always 0).
  std::vector<std::pair<int, int>> carried;
  std::vector<int> latch;           // Program operand indices later instructions carry from this opcode
  // Program operand index -> an unbounded storage it addresses, or -1. An address operand is used
  // (directly or carried) only as the whole index of accesses to storages with unbounded locations,
  // so shifting it shifts those accesses and nothing else: loops that stride through a storage
  // repeat up to that shift (address-relative extrapolation, docs/arch-description.md).
  std::vector<int> address;
  // Program operand index -> the storages (bit mask) an address operand indexes when it indexes more
  // than one (a row of one or the other, by a flag; `address` names the first), else 0. Empty: none.
  std::vector<uint64_t> address_shared;
};

struct BoundArch {
  std::shared_ptr<const ArchDescription> desc;
  std::vector<int64_t> params;
  std::vector<BoundObject> objects;
  std::vector<BoundStorage> storages;
  std::vector<BoundMemory> memories;
  std::vector<BoundOpcode> opcodes;  // by Program opcode; cls null when the Program never uses it
  int64_t peak_macs_per_cycle = 0;   // 0 = not described

  EvalContext context(const int64_t* fields, const int64_t* special) const {
    EvalContext c;
    c.params = params.data();
    c.fields = fields;
    c.special = special;
    return c;
  }
};

// Contract: throws InputError naming the description (file:line:key) for a config parameter the
// description needs but the config lacks, values out of range (zero bandwidth, capacity), and
// opcodes of the Program the description has no class for (or fields the ISA lacks).
// Per opcode of the Program's ISA: whether the Program uses it. Contract: InputError for a
// Program without an ISA or with an opcode outside it.
std::vector<char> used_opcodes(const Program& program);

BoundArch bind_arch(std::shared_ptr<const ArchDescription> desc, const std::map<std::string, int64_t>& config,
                    const Program& program);

// An operand's value at the given loop indices (Expr semantics of program.h).
inline int64_t operand_value(const Expr& e, const int64_t* idx) {
  int64_t v = e.base;
  for (const auto& t : e.terms) v += t.second * idx[t.first];
  if (e.mod > 0) {
    v %= e.mod;
    if (v < 0) v += e.mod;
  }
  if (v < e.lo) v = e.lo;
  if (v > e.hi) v = e.hi;
  return v;
}

// A range of a loop's iterations within which the timing-relevant operands repeat with `period`
// (0: they differ from one iteration to the next, so no extrapolation inside the range).
struct IterationSegment {
  int64_t begin = 0, end = 0, period = 0;
  bool shifting = false;  // some address operand moves by a constant stride per iteration (no wrap)
};

// An address operand of a loop's body (nested loops included) that moves by stride `c` per iteration
// of the loop without wrapping its modulo over the loop and the loops inside it.
struct ShiftingOperand {
  const Expr* e;
  int64_t c;
};

// Splits loop `loop` (at nesting depth `depth`, enclosing indices in idx[0..depth-1]) at the
// breakpoints of clamped operands and finds the period of modulo operands. With `shifting`, address
// operands that move by a constant stride without wrapping do not break the period (the evaluator
// keys such segments address-relative; they are listed in `shifters`, sorted by operand); otherwise
// they make the loop aperiodic.
std::vector<IterationSegment> iteration_segments(const BoundArch& arch, const Loop& loop, int depth,
                                                 const int64_t* idx, bool shifting = false,
                                                 std::vector<ShiftingOperand>* shifters = nullptr);

// The coefficient of loop `depth`'s index in `e`.
inline int64_t stride_of(const Expr& e, int depth) {
  int64_t c = 0;
  for (const auto& t : e.terms)
    if (t.first == depth) c += t.second;
  return c;
}

// Loop nesting depth of the Program (top's nested loops are depth 0).
int program_depth(const Program& program);

}  // namespace acv
