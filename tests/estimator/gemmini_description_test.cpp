// The gemmini description (models/gemmini/arch.yaml) on mapped layers of every shipped config:
// extrapolated == full evaluation, and the roofline stays below it.
#include <catch2/catch.hpp>

#include "estimator/aidg.h"
#include "models/common/workload_reader.h"
#include "models/gemmini/gemmini_accelerator.h"
#include "test_helpers.h"

using namespace acv;
using acv::test::check_extrapolation_and_roofline;
using acv::test::source;

namespace {

const Layer& layer_of(const Workload& w, const std::string& name) {
  for (const auto& l : w.layers)
    if (l.name == name) return l;
  FAIL("no layer " << name << " in " << w.name);
  return w.layers.front();
}

}  // namespace

TEST_CASE("extrapolation equals full evaluation on mapped gemmini layers") {
  GemminiAccelerator accel;
  const auto desc = load_arch_description(source("models/gemmini/arch.yaml"));
  std::vector<Layer> layers;
  for (const auto& l : load_workload(source("models/workloads/tiny.yaml")).layers)
    if (!l.is_pool()) layers.push_back(l);
  const Workload resnet = load_workload(source("models/workloads/Resnet18.csv"));
  const Workload mobilenet = load_workload(source("models/workloads/mobilenet.csv"));
  const Workload ncf = load_workload(source("models/workloads/NCF.csv"));
  layers.push_back(layer_of(resnet, "FC"));
  layers.push_back(layer_of(resnet, "Conv5_s"));
  layers.push_back(layer_of(mobilenet, "Conv26"));  // depthwise
  layers.push_back(layer_of(ncf, "12"));             // K = 1
  for (const char* cfg : {"gemmini-4x4-os", "gemmini-4x4-ws", "gemmini-8x8-os", "gemmini-8x8-ws", "gemmini-16x16-os",
                          "gemmini-16x16-ws"}) {
    const AccelConfig config = load_accel_config(source(std::string("models/gemmini/configs/") + cfg + ".yaml"));
    for (const auto& layer : layers) {
      INFO(cfg << " " << layer.name);
      check_extrapolation_and_roofline(accel, desc, config, layer);
    }
  }
}
