// The memo of one run's identical layers (LayerMemo): the same estimates as without it, and only for
// layers whose Program and binding are an earlier one's; and the loop memo its estimates share.
#include <catch2/catch.hpp>

#include <algorithm>

#include "estimator/binding_cache.h"
#include "estimator/layer_memo.h"
#include "estimator/loop_memo.h"
#include "models/common/accelerator.h"
#include "models/common/workload_reader.h"
#include "test_helpers.h"

using namespace acv;
using acv::test::source;

namespace {

struct Mapped {
  AccelConfig config;
  std::unique_ptr<Accelerator> accel;
  std::vector<Program> programs;
};

Mapped map_network(const std::string& config_file, const std::string& workload_file) {
  Mapped m;
  m.config = load_accel_config(source(config_file));
  m.accel = AcceleratorRegistry::create(m.config.accelerator);
  for (const auto& layer : load_workload(source(workload_file)).layers) m.programs.push_back(m.accel->map(layer, m.config));
  return m;
}

void check_same(const Estimate& a, const Estimate& b) {
  CHECK(a.cycles == b.cycles);
  CHECK(a.busy == b.busy);
  CHECK(a.bottleneck == b.bottleneck);
  CHECK(a.represented_instructions == b.represented_instructions);
  CHECK(a.top_loops == b.top_loops);
}

// The first loop under `loop` (depth first) with at least 3 trips.
Loop* first_long_loop(Loop& loop) {
  for (auto& s : loop.body)
    if (s.loop) {
      if (s.loop->trips >= 3) return s.loop.get();
      if (Loop* l = first_long_loop(*s.loop)) return l;
    }
  return nullptr;
}

// The first instruction with operands under `loop` (depth first).
Statement* first_instruction(Loop& loop) {
  for (auto& s : loop.body) {
    if (!s.loop && !s.instr.operands.empty()) return &s;
    if (s.loop)
      if (Statement* i = first_instruction(*s.loop)) return i;
  }
  return nullptr;
}

// A deep copy: a Program's loops are shared pointers.
void deep_copy(Loop& loop) {
  for (auto& s : loop.body)
    if (s.loop) {
      s.loop = std::make_shared<Loop>(*s.loop);
      deep_copy(*s.loop);
    }
}

}  // namespace

TEST_CASE("identical layers of a network are estimated once, with the same cycles as without the memo") {
  const Mapped m = map_network("models/gemmini/configs/gemmini-16x16-ws-auto.yaml", "models/workloads/Resnet18.csv");
  BindingCache bindings;
  LayerMemo memo;
  int64_t hits = 0;
  for (const Program& p : m.programs) {
    const BoundArch& arch = bindings.bind(m.config, p);
    std::string same_as;
    const Estimate with = memo.estimate(arch, p, EstimateOptions{}, &same_as);
    const Estimate without = estimate(arch, p, EstimateOptions{});
    INFO(p.layer_name << " same as '" << same_as << "'");
    check_same(with, without);
    if (same_as.empty()) {
      CHECK(with.evaluated_instructions > 0);
    } else {
      ++hits;
      CHECK(same_as != p.layer_name);
      CHECK(with.evaluated_instructions == 0);
    }
  }
  // Conv2_1b, 2a, 2b; Conv3_2a, 2b; Conv4_2a, 2b; Conv5_2a, 2b repeat an earlier layer.
  CHECK(hits == 9);
  CHECK(memo.size() == m.programs.size() - 9);
  // A new run does the work again.
  memo.clear();
  std::string same_as;
  memo.estimate(bindings.bind(m.config, m.programs[2]), m.programs[2], EstimateOptions{}, &same_as);
  CHECK(same_as.empty());
}

TEST_CASE("a changed layer, another binding or other options are not answered from the memo") {
  const Mapped m = map_network("models/gemmini/configs/gemmini-16x16-ws-auto.yaml", "models/workloads/Resnet18.csv");
  const Program& conv2_1a = m.programs.at(1);
  REQUIRE(conv2_1a.layer_name == "Conv2_1a");
  BindingCache bindings;
  const BoundArch& arch = bindings.bind(m.config, conv2_1a);
  LayerMemo memo;
  const Estimate first = memo.estimate(arch, conv2_1a, EstimateOptions{});
  std::string same_as;

  // One loop a trip shorter: fewer cycles.
  Program shorter = conv2_1a;
  deep_copy(shorter.top);
  Loop* l = first_long_loop(shorter.top);
  REQUIRE(l != nullptr);
  --l->trips;
  const Estimate s = memo.estimate(arch, shorter, EstimateOptions{}, &same_as);
  CHECK(same_as.empty());
  CHECK(s.cycles == estimate(arch, shorter, EstimateOptions{}).cycles);
  CHECK(s.cycles != first.cycles);

  // An operand whose value does not change (a clamp's lower bound far below it): other content, no answer.
  Program clamped = conv2_1a;
  deep_copy(clamped.top);
  Statement* inst = first_instruction(*first_long_loop(clamped.top));
  REQUIRE(inst != nullptr);
  inst->instr.operands[0].lo = -(int64_t{1} << 40);
  memo.estimate(arch, clamped, EstimateOptions{}, &same_as);
  CHECK(same_as.empty());

  // The same Program under another config's binding.
  const AccelConfig os = load_accel_config(source("models/gemmini/configs/gemmini-16x16-os-auto.yaml"));
  const BoundArch& os_arch = bindings.bind(os, conv2_1a);
  memo.estimate(os_arch, conv2_1a, EstimateOptions{}, &same_as);
  CHECK(same_as.empty());

  // The full evaluation is keyed apart (same cycles, every instruction evaluated).
  EstimateOptions full;
  full.full = true;
  const Estimate f = memo.estimate(arch, conv2_1a, full, &same_as);
  CHECK(same_as.empty());
  CHECK(f.evaluated_instructions == conv2_1a.instruction_count());

  // The unchanged layer again is answered.
  const Estimate again = memo.estimate(arch, conv2_1a, EstimateOptions{}, &same_as);
  CHECK(same_as == "Conv2_1a");
  check_same(again, first);
}

TEST_CASE("a layer's loops come from the loop memo of another layer's loops with the same body, exactly") {
  // AlexNet's Conv4 (13x13, 3x3, 384 -> 384) after Conv3 (256 -> 384): other Programs, whose inner
  // tile loops have the same bodies and are entered in the same states.
  const Mapped m = map_network("models/gemmini/configs/gemmini-16x16-os.yaml", "models/workloads/alexnet.csv");
  const Program& conv3 = m.programs.at(2);
  const Program& conv4 = m.programs.at(3);
  REQUIRE(conv3.layer_name == "Conv3");
  REQUIRE(conv4.layer_name == "Conv4");
  BindingCache bindings;
  const BoundArch& arch = bindings.bind(m.config, conv4);
  REQUIRE(&bindings.bind(m.config, conv3) == &arch);
  EstimateOptions explain;
  explain.explain = true;
  LayerMemo memo;
  memo.estimate(arch, conv3, explain);
  std::string same_as;
  const Estimate shared = memo.estimate(arch, conv4, explain, &same_as);
  CHECK(same_as.empty());
  const Estimate alone = estimate(arch, conv4, explain);
  EstimateOptions full;
  full.full = true;
  check_same(shared, alone);
  check_same(shared, estimate(arch, conv4, full));
  // 155 of 2,807 evaluated on 2026-12-08.
  CHECK(4 * shared.evaluated_instructions < alone.evaluated_instructions);
  // Explained as alone: the steady states of loops taken from the memo are listed too (which entry of
  // a loop is listed moves with the memos: entries of one loop can differ, so only the loops match).
  CHECK(shared.kernels.size() >= alone.kernels.size() / 2);
  for (const KernelInfo& k : shared.kernels) {
    INFO(k.loop);
    CHECK(std::any_of(alone.kernels.begin(), alone.kernels.end(),
                      [&](const KernelInfo& a) { return a.loop == k.loop && a.depth == k.depth && a.trips == k.trips; }));
  }
  // A new run starts with an empty loop memo.
  memo.clear();
  CHECK(memo.estimate(arch, conv4, explain).evaluated_instructions == alone.evaluated_instructions);
}

TEST_CASE("a loop memo serves the estimates of one binding and options only") {
  const Mapped m = map_network("models/gemmini/configs/gemmini-16x16-os.yaml", "models/workloads/alexnet.csv");
  const Program& p = m.programs.at(2);
  BindingCache bindings;
  const BoundArch& arch = bindings.bind(m.config, p);
  const AccelConfig ws = load_accel_config(source("models/gemmini/configs/gemmini-16x16-ws.yaml"));
  const BoundArch& ws_arch = bindings.bind(ws, p);
  LoopMemo loops;
  EstimateOptions o;
  o.loops = &loops;
  const int64_t cycles = estimate(arch, p, o).cycles;
  CHECK(cycles == estimate(arch, p, EstimateOptions{}).cycles);
  CHECK_THROWS_AS(estimate(ws_arch, p, o), std::logic_error);
  EstimateOptions explain = o;
  explain.explain = true;
  CHECK_THROWS_AS(estimate(arch, p, explain), std::logic_error);
  // The same layer again: its loops from the memo.
  const Estimate again = estimate(arch, p, o);
  CHECK(again.cycles == cycles);
  CHECK(again.evaluated_instructions < estimate(arch, p, EstimateOptions{}).evaluated_instructions);
}

TEST_CASE("the layers of a run share the evaluator's plans and memory port placements, each estimated as alone") {
  // MobileNet: strided and pointwise convolutions, depthwise ones (one GEMM per group), the
  // classifier; each layer alone, then all in a row sharing one loop memo (as a run does).
  for (const char* config : {"models/systolic/configs/systolic-16x16-os-64k.yaml",
                             "models/systolic/configs/systolic-8x8-ws.yaml", "models/gemmini/configs/gemmini-8x8-os.yaml"}) {
    INFO(config);
    const Mapped m = map_network(config, "models/workloads/mobilenet.csv");
    BindingCache bindings;
    LoopMemo loops;
    EstimateOptions shared;
    shared.loops = &loops;
    int64_t evaluated_alone = 0, evaluated_shared = 0;
    for (const Program& p : m.programs) {
      INFO(p.layer_name);
      const BoundArch& arch = bindings.bind(m.config, p);
      if (!loops.serves(&arch, shared)) continue;  // a layer of another binding: not in this run's memo
      const Estimate alone = estimate(arch, p, EstimateOptions{});
      const Estimate in_run = estimate(arch, p, shared);
      check_same(in_run, alone);
      evaluated_alone += alone.evaluated_instructions, evaluated_shared += in_run.evaluated_instructions;
      // Handed on to the next layer's estimate.
      CHECK(loops.plans != nullptr);
      CHECK(loops.port != nullptr);
    }
    CHECK(evaluated_shared > 0);
    CHECK(evaluated_shared <= evaluated_alone);
  }
}
