// The UltraTrail-like accelerator: ISA, typed parameters and its registration.
#include "ultratrail_accelerator.h"

namespace acv {

namespace ultratrail {

std::shared_ptr<const IsaSpec> isa() {
  static const auto spec = std::make_shared<const IsaSpec>(
      IsaSpec{"ultratrail",
              {{"load", {"mem", "addr", "dram_addr", "words"}},
               {"cfg_shape", {"layer", "in_c", "out_c", "in_len", "kernel", "stride", "pad", "pool"}},
               {"cfg_route", {"layer", "src", "dst", "res", "w_base", "b_base", "relu", "shift"}},
               {"start", {"layers"}},
               {"mac", {"layer", "f_addr", "w_addr", "steps"}},
               {"opu", {"layer", "f_addr", "res_addr", "write"}},
               {"store", {"mem", "addr", "dram_addr", "words"}},
               {"setup", {"layer"}}}});
  return spec;
}

bool is_internal(int opcode) { return opcode == kMac || opcode == kOpu || opcode == kSetup; }

Params read_params(const AccelConfig& c) {
  c.check_keys({"size", "fmem_words", "wmem_words", "bmem_words", "max_layers", "max_kernel", "max_stride",
                "max_length", "dram_bytes"});
  Params p;
  // Bounds of what the RTL can be built with: its configuration registers are 16-bit fields
  // (ultratrail_pkg.sv), the array's Verilated size grows with size^2.
  const char* const kField = "a 16-bit field of the layer-configuration registers";
  p.size = c.get_int_in("size", 2, 16, "the largest MAC array the RTL is built for");
  p.fmem_words = c.get_int_in("fmem_words", 1, 65535, kField);
  p.wmem_words = c.get_int_in("wmem_words", 1, 65535, kField);
  p.bmem_words = c.get_int_in("bmem_words", 1, 65535, kField);
  p.max_layers = c.get_int_in("max_layers", 1, 256, "entries of the layer-configuration register file");
  p.max_kernel = c.get_int_in("max_kernel", 1, 255, "an 8-bit field of the layer configuration");
  p.max_stride = c.get_int_in("max_stride", 1, 255, "an 8-bit field of the layer configuration");
  p.max_length = c.get_int_in("max_length", 1, 65535, kField);
  p.dram_bytes = c.get_positive_int("dram_bytes");
  if (p.dram_bytes > (int64_t{1} << 32)) c.fail("dram_bytes", "must be at most 4 GiB (32-bit addresses)");
  return p;
}

}  // namespace ultratrail

using namespace ultratrail;

void UltraTrailAccelerator::check_config(const AccelConfig& config) const { read_params(config); }

int64_t UltraTrailAccelerator::processing_elements(const AccelConfig& config) const {
  const Params p = read_params(config);
  return p.size * p.size;
}

Program UltraTrailAccelerator::map(const Layer& layer, const AccelConfig& config) const {
  if (layer.kind == LayerKind::AvgPool)
    throw UnsupportedLayer("layer '" + layer.name +
                           "': an average pool runs in the output processing of the layer before it");
  Layer alone = layer;
  alone.input_from.clear();
  alone.residual_from.clear();
  const Params p = read_params(config);
  return network_program(ultratrail::map_network(layer.name, {alone}, p, config.file), p);
}

std::vector<uint8_t> UltraTrailAccelerator::dram_image(const Layer& layer, const LayerData& /*data*/,
                                                       const Program& /*program*/) const {
  throw MappingError("layer '" + layer.name + "': the ultratrail accelerator runs whole networks");
}

std::vector<int32_t> UltraTrailAccelerator::read_output(const Layer& layer, const Program& /*program*/,
                                                        const std::vector<uint8_t>& /*dram*/) const {
  throw MappingError("layer '" + layer.name + "': the ultratrail accelerator runs whole networks");
}

NetworkProgram UltraTrailAccelerator::map_network(const Workload& workload, const AccelConfig& config) const {
  const Params p = read_params(config);
  const NetworkMap net = ultratrail::map_network(workload.name, workload.layers, p, config.file);
  NetworkProgram np;
  np.program = network_program(net, p);
  for (const LayerConfig& c : net.layers) {
    np.layers.push_back(c.pool_layer.empty() ? c.name : c.name + "+" + c.pool_layer);
    np.macs += c.macs();
  }
  return np;
}

NetworkGolden UltraTrailAccelerator::network_golden(const Workload& workload, const AccelConfig& config,
                                                    uint64_t seed) const {
  const Params p = read_params(config);
  const NetworkMap net = ultratrail::map_network(workload.name, workload.layers, p, config.file);
  const NetworkData data = make_network_data(net, seed);
  NetworkGolden g;
  g.dram = ultratrail::network_dram_image(net, data, p);
  const std::vector<int8_t> out = golden_network(net, data).back();
  g.expected.assign(out.begin(), out.end());
  return g;
}

std::vector<int32_t> UltraTrailAccelerator::read_network_output(const Workload& workload, const AccelConfig& config,
                                                                const std::vector<uint8_t>& dram) const {
  const Params p = read_params(config);
  const NetworkMap net = ultratrail::map_network(workload.name, workload.layers, p, config.file);
  const std::vector<int8_t> out = ultratrail::read_network_output(net, p, dram);
  return {out.begin(), out.end()};
}

ACV_REGISTER_ACCELERATOR(UltraTrailAccelerator, "ultratrail")

}  // namespace acv
