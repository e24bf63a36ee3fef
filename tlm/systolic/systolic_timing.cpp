#include "systolic_timing.h"

namespace acv::systolic {

Timing::Compute Timing::compute(const Params& p, int64_t k_len, int64_t m_len, bool last) const {
  Compute c;
  if (!p.weight_stationary) {
    // Entry k enters row 0 / column 0 at cycle k; the skew adds rows + cols - 2 before the last
    // product reaches PE (R-1, C-1).
    c.before_obuf = k_len + (last ? p.rows + p.cols - 2 : 0);
    c.after_obuf = last ? p.rows : 0;
  } else {
    // Preload k_len weight rows, then stream m_len inputs; a column sum leaves the array
    // rows + cols - 2 cycles after its input entered.
    c.after_obuf = k_len + m_len + p.rows + p.cols - 2;
  }
  return c;
}

}  // namespace acv::systolic
