// A layer as one int8 GEMM per group in external memory (im2col for convolutions): the layout
// every GEMM-based mapper uses, how the driver fills it, and how outputs map back to the golden layout.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "golden.h"
#include "layer.h"
#include "program.h"

namespace acv {

struct GemmShape {
  int64_t groups, m, n, k;
};
GemmShape gemm_shape(const Layer& layer);

// SCALE-Sim's stall-free cycles of the GEMMs on an R x C systolic array: OS folds the M x N
// outputs (ceil(M/R) x ceil(N/C) folds of T = K), WS the K x N weights (ceil(K/R) x ceil(N/C)
// folds of T = M); a fold takes T + R + C - 2 (OS) or T + 2R + C - 2 (WS) cycles; per group,
// minus 1 for the whole.
int64_t gemm_stall_free_cycles(const GemmShape& g, int64_t rows, int64_t cols, bool weight_stationary);

// External memory: A (int8, per group [m][k], or [k][m] when transposed), B (int8, per group
// [k][n]), C (int32, per group [m][n]), one after the other, each region 64-byte aligned.
struct GemmDramLayout {
  uint64_t a, b, c, end;
};
GemmDramLayout gemm_dram_layout(const GemmShape& g);

// The Program's regions for this layout; the A region's layout text records the transposition.
std::vector<DramRegion> gemm_regions(const GemmDramLayout& layout, bool a_transposed);
bool a_is_transposed(const Program& program);
// A layer's Program: one top-level loop of one trip holding `body`, with this layout's regions.
Program gemm_program(std::shared_ptr<const IsaSpec> isa, const std::string& layer_name, std::vector<Statement> body,
                     const GemmDramLayout& layout, bool a_transposed);

// External memory before the run: im2col'd A, B, C zero.
std::vector<uint8_t> gemm_dram_image(const Layer& layer, const LayerData& data, const Program& program);
// The output in the golden reference's layout, read from C. Throws BackendError if `dram` is too small.
std::vector<int32_t> gemm_read_output(const Layer& layer, const std::vector<uint8_t>& dram);

}  // namespace acv
