// Tests of models/common/gemm_lowering: the stall-free bound on ResNet-18 layers as SCALE-Sim v2
// counted them (issue 14's table: 54x54 outputs, no padding).
#include <catch2/catch.hpp>

#include "models/common/gemm_lowering.h"
#include "models/common/workload_reader.h"

using namespace acv;

TEST_CASE("the stall-free bound equals SCALE-Sim's cycles for both dataflows", "[gemm]") {
  const Workload w = load_workload(std::string(ACV_WORKLOADS_DIR) + "/Resnet18.csv");
  const GemmShape conv2 = gemm_shape(w.find("Conv2_1a"));
  const GemmShape conv3 = gemm_shape(w.find("Conv3_1b"));
  CHECK(gemm_stall_free_cycles(conv2, 8, 8, false) == 1722799);
  CHECK(gemm_stall_free_cycles(conv3, 16, 16, false) == 406607);
  CHECK(gemm_stall_free_cycles(conv2, 16, 16, true) == 426527);
}

TEST_CASE("the stall-free bound counts every group's folds", "[gemm]") {
  const GemmShape one{1, 20, 5, 9}, four{4, 20, 5, 9};
  // OS: ceil(20/4) x ceil(5/4) = 10 folds of 9 + 4 + 4 - 2; WS: ceil(9/4) x 2 = 6 folds of 20 + 8 + 4 - 2.
  CHECK(gemm_stall_free_cycles(one, 4, 4, false) == 10 * 15 - 1);
  CHECK(gemm_stall_free_cycles(one, 4, 4, true) == 6 * 30 - 1);
  CHECK(gemm_stall_free_cycles(four, 4, 4, true) == 4 * 6 * 30 - 1);
}
