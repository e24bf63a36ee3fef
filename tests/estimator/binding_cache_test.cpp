// BindingCache: one binding per description, config values, ISA and opcodes used, owned by its user.
#include <catch2/catch.hpp>

#include <thread>

#include "estimator/binding_cache.h"
#include "models/common/workload_reader.h"
#include "models/gemmini/gemmini_accelerator.h"
#include "test_helpers.h"

using namespace acv;
using acv::test::source;

TEST_CASE("the binding cache binds once per config content and keeps bindings apart per owner") {
  GemminiAccelerator accel;
  const AccelConfig os = load_accel_config(source("models/gemmini/configs/gemmini-8x8-os.yaml"));
  const AccelConfig ws = load_accel_config(source("models/gemmini/configs/gemmini-8x8-ws.yaml"));
  const Workload resnet = load_workload(source("models/workloads/Resnet18.csv"));
  const Program a = accel.map(resnet.layers[1], os), b = accel.map(resnet.layers[2], os);
  const Program c = accel.map(resnet.layers[1], ws);
  BindingCache cache, other;
  const BoundArch& x = cache.bind(os, a);
  CHECK(&cache.bind(os, b) == &x);  // layers of a network share one binding
  AccelConfig copy = os;            // equal content, another object: the same binding
  CHECK(&cache.bind(copy, a) == &x);
  CHECK(&cache.bind(ws, c) != &x);
  CHECK(&cache.bind(os, a) == &x);  // still there after another config
  CHECK(&other.bind(os, a) != &x);  // each owner has its own
  // Thread-safe: concurrent binds of one cache agree.
  const BoundArch* seen[4] = {};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&, t] { seen[t] = &cache.bind(t % 2 ? ws : os, t % 2 ? c : a); });
  for (auto& t : threads) t.join();
  CHECK(seen[0] == &x);
  CHECK(seen[2] == &x);
  CHECK(seen[1] == seen[3]);
  AccelConfig none = os;
  none.description.clear();
  CHECK_THROWS_AS(cache.bind(none, a), InputError);
}
