// The UltraTrail-like accelerator's ISA, parameters and mapper: a 1-D convolutional network to one
// Program of loads, layer configurations, start, the controller's steps and a store (README.md).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/common/accelerator.h"
#include "models/common/golden_quantized.h"

namespace acv {

// Opcodes and field order; the RTL driver, TLM model and description rely on them.
namespace ultratrail {
enum Opcode { kLoad = 0, kCfgShape = 1, kCfgRoute = 2, kStart = 3, kMac = 4, kOpu = 5, kStore = 6, kSetup = 7 };
enum LoadField { kLdMem, kLdAddr, kLdDramAddr, kLdWords };  // store: the same fields
enum CfgShapeField { kShLayer, kShInC, kShOutC, kShInLen, kShKernel, kShStride, kShPad, kShPool };
enum CfgRouteField { kRtLayer, kRtSrc, kRtDst, kRtRes, kRtWBase, kRtBBase, kRtRelu, kRtShift };
enum StartField { kStLayers };
enum SetupField { kSuLayer };
enum MacField { kMacLayer, kMacFAddr, kMacWAddr, kMacSteps };
enum OpuField { kOpuLayer, kOpuFAddr, kOpuResAddr, kOpuWrite };
// Memories a load or store names; a layer with no residual names kNoResidual.
enum Memory { kFmem0 = 0, kFmem1 = 1, kFmem2 = 2, kWmem = 3, kBmem = 4 };
constexpr int kNumFmems = 3;
constexpr int kNoResidual = 3;
std::shared_ptr<const IsaSpec> isa();
// setup, mac and opu are the controller's own steps: the Program lists them for the estimator and
// the TLM model; the host never sends them.
bool is_internal(int opcode);

// The config as typed values; read_params validates them (InputError naming file, line, key).
struct Params {
  int64_t size = 8;                          // MAC array: size input x size output channels per step
  int64_t fmem_words = 0, wmem_words = 0, bmem_words = 0;  // FMEM word: size int8; WMEM: size x size int8; BMEM: size int32
  int64_t max_layers = 0;                    // entries of the layer-configuration register file
  int64_t max_kernel = 16, max_stride = 8, max_length = 128;
  int64_t dram_bytes = 0;
  int64_t fmem_word_bytes() const { return size; }
  int64_t wmem_word_bytes() const { return size * size; }
  int64_t bmem_word_bytes() const { return 4 * size; }
};
Params read_params(const AccelConfig& config);

// One accelerator layer: a conv1d or dense of the workload with its output processing, and an
// average pool folded in when one follows it.
struct LayerConfig {
  std::string name;        // the workload's conv1d / dense layer
  std::string pool_layer;  // the folded avgpool layer, empty when none
  QuantizedConv1d op;
  int input_layer = -1;     // mapped layer whose output is read; -1: the network input
  int residual_layer = -1;  // mapped layer whose output is added; -1: none
  int src = 0, dst = 0, res = kNoResidual;  // FMEMs
  int64_t w_base = 0, b_base = 0;          // WMEM, BMEM words
  int64_t in_blocks = 0, out_blocks = 0;   // channel blocks of the array size
  int64_t conv_positions() const { return op.out_len() * op.pool; }  // conv outputs computed
  int64_t mac_steps() const { return out_blocks * conv_positions() * in_blocks * op.kernel; }
  int64_t macs() const { return op.out_c * conv_positions() * op.in_c * op.kernel; }
};

// A network mapped onto the accelerator, with its external memory layout (byte addresses).
struct NetworkMap {
  std::string name;
  std::vector<LayerConfig> layers;
  int64_t input_words = 0, weight_words = 0, bias_words = 0, output_words = 0;
  uint64_t input_base = 0, weight_base = 0, bias_base = 0, output_base = 0, dram_bytes = 0;
};

// Contract: MappingError naming the layer and the limit (kernel, stride, length, memory, layer
// count, feature memories) for what does not fit; UnsupportedLayer never (a whole network runs or
// does not). `config_file` names the config in memory errors.
NetworkMap map_network(const std::string& name, const std::vector<Layer>& layers, const Params& p,
                       const std::string& config_file);
Program network_program(const NetworkMap& net, const Params& p);

// Operands: the network input [in_c][in_len], per layer weights [out_c][in_c][kernel] and bias.
struct NetworkData {
  std::vector<int8_t> input;
  std::vector<std::vector<int8_t>> weights;
  std::vector<std::vector<int32_t>> bias;
};
NetworkData make_network_data(const NetworkMap& net, uint64_t seed);
// The golden output of every mapped layer, [out_c][out_len] int8.
std::vector<std::vector<int8_t>> golden_network(const NetworkMap& net, const NetworkData& data);
std::vector<uint8_t> network_dram_image(const NetworkMap& net, const NetworkData& data, const Params& p);
// The last layer's output, [out_c][out_len], read from external memory.
std::vector<int8_t> read_network_output(const NetworkMap& net, const Params& p, const std::vector<uint8_t>& dram);
}  // namespace ultratrail

class UltraTrailAccelerator : public Accelerator {
 public:
  void check_config(const AccelConfig& config) const override;
  int64_t processing_elements(const AccelConfig& config) const override;
  // One layer as a network of itself (no residual, no ReLU), to show its Program; runs map
  // whole networks (map_network): dram_image and read_output of one layer throw MappingError.
  Program map(const Layer& layer, const AccelConfig& config) const override;
  std::vector<uint8_t> dram_image(const Layer& layer, const LayerData& data, const Program& program) const override;
  std::vector<int32_t> read_output(const Layer& layer, const Program& program,
                                   const std::vector<uint8_t>& dram) const override;

  bool runs_networks() const override { return true; }
  NetworkProgram map_network(const Workload& workload, const AccelConfig& config) const override;
  // The operands once for the memory image and the golden run of every layer.
  NetworkGolden network_golden(const Workload& workload, const AccelConfig& config, uint64_t seed) const override;
  // The last layer's output [out_c][out_len] as int8 values.
  std::vector<int32_t> read_network_output(const Workload& workload, const AccelConfig& config,
                                           const std::vector<uint8_t>& dram) const override;
};

}  // namespace acv
