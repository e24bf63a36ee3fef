// The systolic array's mapper: layers to Programs of dma_load / compute / dma_store (see README.md).
#pragma once

#include <memory>

#include "models/common/accelerator.h"

namespace acv {

// Field order of each opcode; the RTL driver, TLM model and description rely on it.
namespace systolic {
enum Opcode { kDmaLoad = 0, kCompute = 1, kDmaStore = 2 };
enum LoadField { kLdBuf, kLdHalf, kLdDramAddr, kLdRows, kLdBytes, kLdStride, kLdReps, kLdRepStride };
enum ComputeField {
  kCpAHalf, kCpBHalf, kCpOHalf, kCpKLen, kCpMLen, kCpFirst, kCpLast, kCpReleaseA, kCpReleaseB, kCpBOff, kCpAOff
};
enum StoreField { kStHalf, kStDramAddr, kStRows, kStElems, kStStride };
enum Buffer { kIbuf = 0, kWbuf = 1 };
std::shared_ptr<const IsaSpec> isa();

// The config as typed values; check_config validates them.
struct Params {
  int64_t rows = 0, cols = 0;
  bool weight_stationary = false;
  int64_t ibuf_depth = 0, wbuf_depth = 0, obuf_depth = 0, queue_depth = 0, dram_bytes = 0;
  bool reuse = false;  // mapping: reuse (operand blocks resident across output tiles) or per_tile
  int64_t dma_burst = 1;  // buffer entries per DMA request (a power of two, <= kMaxDmaBurst)
};
// The longest DMA burst the RTL is built for (rtl/systolic/systolic_pkg.sv: MaxBurst).
constexpr int64_t kMaxDmaBurst = 8;

// The loop nest the mapper chose for a GEMM (README.md, "Mapping"): which operand stays resident
// across output tiles (none: both operand tiles loaded for every output tile), the tile sizes and
// the DRAM traffic in buffer entries loaded.
enum class Resident { kNone, kA, kB };
struct Tiling {
  Resident resident = Resident::kNone;
  int64_t tm = 0, tn = 0, tk = 0;  // tile extents (OS with a resident operand: tk = K / chunks)
  int64_t loaded_entries = 0;      // IBUF + WBUF entries loaded per group
  int64_t chunks = 1;              // resident block over both halves of its buffer: 2 K-chunks
  int64_t loads = 0;               // dma_load commands per group (each may pay the DRAM latency)
};
Tiling choose_tiling(const Params& p, int64_t m, int64_t n, int64_t k);
Params read_params(const AccelConfig& config);
}  // namespace systolic

class SystolicAccelerator : public Accelerator {
 public:
  void check_config(const AccelConfig& config) const override;
  int64_t processing_elements(const AccelConfig& config) const override;
  Program map(const Layer& layer, const AccelConfig& config) const override;
  int64_t stall_free_cycles(const Layer& layer, const AccelConfig& config) const override;
  std::vector<uint8_t> dram_image(const Layer& layer, const LayerData& data, const Program& program) const override;
  std::vector<int32_t> read_output(const Layer& layer, const Program& program,
                                   const std::vector<uint8_t>& dram) const override;
};

}  // namespace acv
