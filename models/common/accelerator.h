// An accelerator as the shared core sees it: its mapper and how its Program lays out external memory.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "accel_config.h"
#include "registry.h"
#include "error.h"
#include "golden.h"
#include "layer.h"
#include "program.h"

namespace acv {

// A layer kind the accelerator has no hardware for (pooling on a GEMM array): a network run skips it.
class UnsupportedLayer : public MappingError {
 public:
  using MappingError::MappingError;
};

// A whole network as one Program, for accelerators whose own controller runs every layer from one
// start (Accelerator::runs_networks). Each entry of `layers` is one loop directly under
// Program::top, in that order; the views report each layer's cycles in that order (the RTL as
// counters "layer.<i>.cycles").
struct NetworkProgram {
  Program program;
  std::vector<std::string> layers;
  int64_t macs = 0;
};

// A network's run inputs and its reference for one data seed (Accelerator::network_golden).
struct NetworkGolden {
  std::vector<uint8_t> dram;      // external memory before the run, program.dram_bytes long
  std::vector<int32_t> expected;  // the golden output, as read_network_output returns the run's
};

// Empty when `actual` equals `expected`; else where it differs first: "element i of n: got a,
// expected b" (without the values when one of them ends there).
std::string output_mismatch(const std::vector<int32_t>& actual, const std::vector<int32_t>& expected);

class Accelerator {
 public:
  static constexpr const char* kRegistryNoun = "accelerator";
  virtual ~Accelerator() = default;
  // Contract: validates the config's parameters (InputError naming file, line, key).
  virtual void check_config(const AccelConfig& config) const = 0;
  virtual int64_t processing_elements(const AccelConfig& config) const = 0;
  // Contract: throws UnsupportedLayer for kinds it cannot run, MappingError when a layer
  // cannot be tiled into its memories (MappingError(layer.loc, ...): the workload line, the layer
  // and the memory).
  virtual Program map(const Layer& layer, const AccelConfig& config) const = 0;
  // External memory contents before the run, of size program.dram_bytes.
  virtual std::vector<uint8_t> dram_image(const Layer& layer, const LayerData& data,
                                          const Program& program) const = 0;
  // Cycles the layer would take if the array never waited for memory or commands (its folds
  // back to back), for the utilization table beside each layer's cycles; 0 when none is defined.
  virtual int64_t stall_free_cycles(const Layer& /*layer*/, const AccelConfig& /*config*/) const { return 0; }
  // The output tensor, in the golden reference's layout, read back from external memory.
  virtual std::vector<int32_t> read_output(const Layer& layer, const Program& program,
                                           const std::vector<uint8_t>& dram) const = 0;

  // Whole-network accelerators: one run per network (one case per config, network and view).
  virtual bool runs_networks() const { return false; }
  // Contract (runs_networks): MappingError naming the layer and the limit for what does not fit.
  virtual NetworkProgram map_network(const Workload& workload, const AccelConfig& /*config*/) const {
    throw MappingError("network '" + workload.name + "': this accelerator runs one layer at a time");
  }
  // Contract (runs_networks): the operands of `seed` in external memory and the golden output,
  // built together once (the network's layers share operands): a run checks against these.
  virtual NetworkGolden network_golden(const Workload& workload, const AccelConfig& /*config*/,
                                       uint64_t /*seed*/) const {
    throw MappingError("network '" + workload.name + "': this accelerator runs one layer at a time");
  }
  // The network's output read back from external memory, in NetworkGolden::expected's order.
  virtual std::vector<int32_t> read_network_output(const Workload& workload, const AccelConfig& /*config*/,
                                                   const std::vector<uint8_t>& /*dram*/) const {
    throw MappingError("network '" + workload.name + "': this accelerator runs one layer at a time");
  }
};

using AcceleratorRegistry = Registry<Accelerator>;
#define ACV_REGISTER_ACCELERATOR(Class, name_literal) ACV_REGISTER(::acv::Accelerator, Class, name_literal)

}  // namespace acv
