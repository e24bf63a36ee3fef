// The Plasticine-derived CGRA's ISA and mapper: layers to map-reduce Programs of route / load /
// compute / store commands (contract in README.md).
#pragma once

#include <memory>

#include "models/common/accelerator.h"

namespace acv {

// Opcodes and field order; the RTL driver, TLM model and description rely on them.
namespace plasticine {
enum Opcode { kRoute = 0, kLoad = 1, kCompute = 2, kStore = 3 };
enum RouteField { kRtPcu, kRtPmu };
enum LoadField { kLdPmu, kLdBcast, kLdHalf, kLdEntry, kLdDramAddr, kLdRows, kLdRowBytes, kLdStride, kLdFill };
enum ComputeField { kCpHalf, kCpOHalf, kCpAEntry, kCpBEntry, kCpMLen, kCpNLen, kCpKChunks, kCpKLen, kCpOStride };
enum StoreField { kStPcu, kStHalf, kStDramAddr, kStRows, kStCols, kStStride, kStOStride, kStRelease };
std::shared_ptr<const IsaSpec> isa();

// The config as typed values; read_params validates them (InputError naming file, line, key).
// PCUs and PMUs alternate in a checkerboard, so a rows x cols grid has rows*cols/2 of each.
struct Params {
  int64_t rows = 0, cols = 0;
  int64_t lanes = 0, stages = 0;
  int64_t pmu_banks = 0, bank_depth = 0;  // bank_depth: int8 entries per bank (both halves)
  int64_t out_depth = 0;                  // int32 entries of a PCU's output buffer, per half
  int64_t burst_bytes = 0;                // DRAM burst (one request at most this many bytes)
  int64_t queue_depth = 0;
  int64_t dram_bytes = 0;
  int64_t pcus() const { return rows * cols / 2; }
  int64_t half_entries() const { return bank_depth / 2; }
  // Cycles from a compute's first PMU read to its first result in the output buffer: the read,
  // the stages, the reduction tree, the accumulator.
  int64_t pipeline_depth() const;
};
Params read_params(const AccelConfig& config);

// How a GEMM is spread over the PCUs: the distributed operand's rows are split across them
// (A's when split_m, else B's columns); the other operand is broadcast to every PMU.
struct Tiling {
  bool split_m = true;
  int64_t tm = 0, tn = 0;  // per PCU: rows of A and columns of B in one tile
};
// Contract: {tm = 0} when not even one row of each operand fits a PMU half.
Tiling choose_tiling(int64_t m, int64_t n, int64_t k, const Params& p, const DramConfig& dram);
}  // namespace plasticine

class PlasticineAccelerator : public Accelerator {
 public:
  void check_config(const AccelConfig& config) const override;
  int64_t processing_elements(const AccelConfig& config) const override;
  Program map(const Layer& layer, const AccelConfig& config) const override;
  std::vector<uint8_t> dram_image(const Layer& layer, const LayerData& data,
                                  const Program& program) const override;
  std::vector<int32_t> read_output(const Layer& layer, const Program& program,
                                   const std::vector<uint8_t>& dram) const override;
};

}  // namespace acv
