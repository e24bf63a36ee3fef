// The compute unit: the R x C PE array, computed functionally in C++, timed per compute instruction.
#pragma once

#include <systemc>

#include <vector>

#include "models/common/gemm_kernels.h"
#include "shared_state.h"

namespace acv::systolic {

class SystolicArray : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(SystolicArray);
  SystolicArray(sc_core::sc_module_name name, SharedState& state, CommandTarget& command);

 private:
  void run();
  void execute(const ConcreteInstruction& in, LocalTime& lt);
  void accumulate_os(int64_t a, int64_t b, int64_t b_off, int64_t k_len);
  void multiply_ws(int64_t a, int64_t a_off, int64_t b, int64_t b_off, int64_t o, int64_t k_len, int64_t m_len,
                   bool first);
  SharedState& state_;
  CommandTarget& command_;
  std::vector<int32_t> acc_;  // OS: the R x C PE accumulators, row-major
  gemm::Scratch scratch_;     // packed operands of the GEMM kernels
};

}  // namespace acv::systolic
