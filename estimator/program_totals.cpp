// Summing description quantities over a Program's loop nest using its periodic iteration segments.
#include "program_totals.h"

#include <algorithm>

namespace acv {

namespace {

class Totaller {
 public:
  explicit Totaller(const BoundArch& arch) : a_(arch) {}

  ProgramTotals run(const Program& program) {
    idx_.assign(static_cast<std::size_t>(program.max_depth()) + 1, 0);
    ProgramTotals t = zero();
    add(&t, loop(program.top, 0), 1);
    return t;
  }

 private:
  ProgramTotals zero() const {
    ProgramTotals t;
    t.memory_bytes.assign(a_.memories.size(), 0);
    t.memory_requests.assign(a_.memories.size(), 0);
    t.class_count.assign(a_.desc->classes.size(), 0);
    return t;
  }
  static void add(ProgramTotals* to, const ProgramTotals& x, int64_t times) {
    to->instructions += x.instructions * times;
    to->macs += x.macs * times;
    for (std::size_t i = 0; i < x.memory_bytes.size(); ++i) {
      to->memory_bytes[i] += x.memory_bytes[i] * times;
      to->memory_requests[i] += x.memory_requests[i] * times;
    }
    for (std::size_t i = 0; i < x.class_count.size(); ++i) to->class_count[i] += x.class_count[i] * times;
  }

  ProgramTotals iteration(const Loop& l, int depth, int64_t i) {
    idx_[static_cast<std::size_t>(depth)] = i;
    ProgramTotals t = zero();
    for (const auto& s : l.body) {
      if (s.loop) {
        add(&t, loop(*s.loop, depth + 1), 1);
        continue;
      }
      const BoundOpcode& bo = a_.opcodes[static_cast<std::size_t>(s.instr.opcode)];
      const InstructionClassSpec& cls = *bo.cls;
      // Carried fields stay 0: nothing summed here may read them (the parser allows only own fields).
      fields_.assign(std::max<std::size_t>(cls.fields.size() + cls.carried.size(), 1), 0);
      for (std::size_t f = 0; f < cls.fields.size(); ++f) {
        const auto pf = static_cast<std::size_t>(bo.program_field[f]);
        if (bo.field_used[f] && pf < s.instr.operands.size()) fields_[f] = operand_value(s.instr.operands[pf], idx_.data());
      }
      int64_t special[kNumSpecials] = {0};
      const EvalContext ctx = a_.context(fields_.data(), special);
      ++t.instructions;
      ++t.class_count[static_cast<std::size_t>(&cls - a_.desc->classes.data())];
      t.macs += cls.macs.eval(ctx);
      for (const auto& step : cls.steps) {
        if (!step.has_memory) continue;
        if (!step.when.empty() && step.when.eval(ctx) == 0) continue;
        const int64_t n = step.memory.requests.eval(ctx);
        const auto m = static_cast<std::size_t>(step.memory.memory);
        t.memory_requests[m] += n;
        t.memory_bytes[m] += n * step.memory.bytes.eval(ctx);
      }
    }
    return t;
  }

  ProgramTotals loop(const Loop& l, int depth) {
    ProgramTotals t = zero();
    const auto segments = iteration_segments(a_, l, depth, idx_.data());
    for (const auto& seg : segments) {
      if (seg.period == 0) {
        for (int64_t i = seg.begin; i < seg.end; ++i) add(&t, iteration(l, depth, i), 1);
        continue;
      }
      const int64_t len = seg.end - seg.begin;
      for (int64_t ph = 0; ph < seg.period && ph < len; ++ph) {
        const int64_t times = (len - ph + seg.period - 1) / seg.period;
        add(&t, iteration(l, depth, seg.begin + ph), times);
      }
    }
    return t;
  }

  const BoundArch& a_;
  std::vector<int64_t> idx_, fields_;
};

}  // namespace

ProgramTotals program_totals(const BoundArch& arch, const Program& program) { return Totaller(arch).run(program); }

}  // namespace acv
