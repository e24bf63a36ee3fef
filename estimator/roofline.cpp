// Roofline baseline from description totals.
#include "roofline.h"

#include "estimator/program_totals.h"

namespace acv {

RooflineEstimate roofline(const BoundArch& arch, const Program& program) {
  if (arch.peak_macs_per_cycle <= 0)
    throw InputError(SourceLoc{arch.desc->file, 0, "roofline.macs_per_cycle"},
                     "the description gives no peak MACs per cycle; the roofline needs it");
  const ProgramTotals t = program_totals(arch, program);
  RooflineEstimate r;
  r.compute_cycles = (t.macs + arch.peak_macs_per_cycle - 1) / arch.peak_macs_per_cycle;
  r.cycles = r.compute_cycles;
  r.bound = "compute";
  for (std::size_t m = 0; m < arch.memories.size(); ++m) {
    const int64_t c = (t.memory_bytes[m] + arch.memories[m].bytes_per_cycle - 1) / arch.memories[m].bytes_per_cycle;
    r.memory_cycles = std::max(r.memory_cycles, c);
    if (c > r.cycles) {
      r.cycles = c;
      r.bound = arch.desc->memories[m].name;
    }
  }
  return r;
}

}  // namespace acv
