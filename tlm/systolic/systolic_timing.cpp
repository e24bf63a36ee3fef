#include "systolic_timing.h"

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
    // Weight preload overlaps the input stream; the last column sum of entry m_len-1 is
    // written R + C + 1 cycles after that entry's read, which starts one cycle in.
    c.after_obuf = m_len + p.rows + p.cols + 1;
  }
  return c;
}

}  // namespace acv::systolic
