#include "systolic_timing.h"

#include <algorithm>

namespace acv::systolic {

Timing::Compute Timing::compute(const Params& p, int64_t k_len, int64_t m_len, bool last) const {
  Compute c;
  if (!p.weight_stationary) {
    // One IBUF/WBUF entry per cycle; a non-last compute ends after its feed, so K-tiles of
    // one output tile stream back to back. The last one lets the operands reach column C-1,
    // then drains one accumulator row per cycle into the OBUF half.
    c.before_obuf = k_len + (last ? p.cols : 0);
    c.after_obuf = last ? p.rows : 0;
  } else {
    // Weight preload (R cycles, into the idle bank) overlaps the input stream. A last fold ends
    // with its last column sum, written R + C + 1 cycles after the read of entry m_len-1, which
    // starts one cycle in; a non-last fold ends after its stream and preload, and no sooner than
    // C - 1 cycles after the previous fold (the bank it loads: rtl/systolic/README.md), its sums
    // following while the next fold streams.
    c.after_obuf = last ? m_len + p.rows + p.cols + 1
                        : std::max({m_len, p.rows - 1, p.cols - 2, int64_t{1}}) + 1;
  }
  return c;
}

}  // namespace acv::systolic
