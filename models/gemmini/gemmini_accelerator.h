// The Gemmini-like accelerator's ISA and mapper: layers to Programs of config / mvin / preload /
// compute / mvout commands (contract in README.md).
#pragma once

#include <algorithm>

#include <memory>

#include "models/common/accelerator.h"

namespace acv {

// Opcodes and field order; the RTL driver, TLM model and description rely on them.
namespace gemmini {
enum Opcode {
  kConfigEx = 0,
  kConfigLd = 1,
  kConfigSt = 2,
  kMvin = 3,
  kMvout = 4,
  kPreload = 5,
  kComputePreloaded = 6,
  kComputeAccumulated = 7,
  kFlush = 8,
};
enum ConfigExField { kExDataflow, kExActivation, kExShift };
enum ConfigStrideField { kCfgStride };
enum MvinField { kInDramAddr, kInLocalAddr, kInToAcc, kInRows, kInCols };
enum MvoutField { kOutDramAddr, kOutLocalAddr, kOutFromAcc, kOutFull, kOutRows, kOutCols };
enum PreloadField { kPreBAddr, kPreBRows, kPreCAddr, kPreCRows, kPreCAccumulate };
enum ComputeField { kCpAAddr, kCpBAddr, kCpRows };
enum Dataflow { kOs = 0, kWs = 1 };
std::shared_ptr<const IsaSpec> isa();

// The config as typed values; read_params validates them (InputError naming file, line, key).
struct Params {
  int64_t dim = 0;
  bool weight_stationary = true;
  int64_t sp_capacity_kib = 0, sp_banks = 0, acc_capacity_kib = 0, acc_banks = 0;
  int64_t ld_queue_depth = 0, ex_queue_depth = 0, st_queue_depth = 0;
  int64_t dram_bytes = 0;
  // Gemmini's DMA (Configs.scala): requests in flight, largest request, bus width in bits.
  int64_t max_in_flight_mem_reqs = 0, dma_maxbytes = 0, dma_buswidth = 0;
  bool auto_mapping = false;  // mapping: auto (tiled_matmul_auto-like) instead of divisor
  int64_t sp_rows() const { return sp_capacity_kib * 1024 / dim; }
  int64_t acc_rows() const { return acc_capacity_kib * 1024 / (4 * dim); }
};
Params read_params(const AccelConfig& config);

// A scratchpad mvin carries up to 4 DIM int8 columns (Gemmini's MAX_BLOCK_LEN 4, within
// dma_maxbytes): block b (columns b DIM ..) goes to rows local_addr + b rows ..; an accumulator
// mvin one block of DIM int32 (MAX_BLOCK_LEN_ACC 1). README.md, "mvin".
inline int64_t mvin_max_cols(const Params& p, bool to_acc) {
  return to_acc ? p.dim : std::min(4 * p.dim, p.dma_maxbytes);
}
// Scratchpad rows a mvin writes: rows per block times its blocks.
inline int64_t mvin_local_rows(const Params& p, bool to_acc, int64_t rows, int64_t cols) {
  return to_acc ? rows : rows * ((cols + p.dim - 1) / p.dim);
}

// The memory port the accelerator sees: the DRAM's own limits and the DMA's in series (fewer
// requests in flight, the narrower of DRAM port and DMA bus). The RTL driver's DRAM model and the
// TLM memory target run with it; the description (arch.yaml) composes the same minimum.
DramConfig memory_port(const Params& p, const DramConfig& dram);

// Tile sizes in DIM blocks chosen by the mapper (exposed for tests and the description).
struct Tiling {
  int64_t ti = 1, tj = 1, tk = 1;
};
Tiling choose_tiling(int64_t m_blocks, int64_t n_blocks, int64_t k_blocks, const Params& p);

// mapping: auto. Tiles of any size (ragged edge tiles); `resident`: the B panel of all K blocks
// and tj N blocks stays in the scratchpad across the row tiles (loaded once per j tile). C tiles
// are double-buffered in the accumulator unless one tile holds a one-group layer's whole C.
struct AutoTiling {
  int64_t ti = 0, tj = 0, tk = 0;
  bool resident = false;
  int64_t est_cycles = 0;  // the search's cycle estimate (README.md, "mapping: auto")
};
// b_blocks: N blocks of B one mvin loads (multi-block mvins).
AutoTiling choose_auto_tiling(int64_t m_blocks, int64_t n_blocks, int64_t k_blocks, const Params& p,
                              const DramConfig& dram, int64_t groups = 1, int64_t b_blocks = 1);
}  // namespace gemmini

class GemminiAccelerator : public Accelerator {
 public:
  void check_config(const AccelConfig& config) const override;
  int64_t processing_elements(const AccelConfig& config) const override;
  Program map(const Layer& layer, const AccelConfig& config) const override;
  int64_t stall_free_cycles(const Layer& layer, const AccelConfig& config) const override;
  std::vector<uint8_t> dram_image(const Layer& layer, const LayerData& data,
                                  const Program& program) const override;
  std::vector<int32_t> read_output(const Layer& layer, const Program& program,
                                   const std::vector<uint8_t>& dram) const override;
};

}  // namespace acv
