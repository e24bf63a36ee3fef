// AcceleratorRun: the command-port and memory-port driving every acv accelerator's Verilator
// driver shares; a driver derives from it and adds only what is its own (the command encoding,
// the cycle bound per command, the counters).
#pragma once

#include <array>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/common/accel_config.h"
#include "models/common/error.h"
#include "models/common/program.h"
#include "models/common/simulation.h"
#include "rtl/common/dram_model.h"
#include "rtl/common/rtl_driver.h"
#include "rtl/common/verilated_driver.h"

namespace acv {

// One instruction in a command port's encoding: an opcode and NumArgs 32-bit arguments.
template <int NumArgs>
struct HwCommand {
  static constexpr int kNumArgs = NumArgs;
  uint32_t op = 0;
  std::array<uint32_t, NumArgs> args{};
  // false: a step the accelerator's own controller performs (the Program lists it for the
  // estimator); the driver does not send it, but it counts in the cycle bound.
  bool sent = true;
};

// The ports every acv accelerator top has (rtl/common/acv_mem_arbiter.sv drives the memory side):
//   command    cmd_valid_i, cmd_ready_o, cmd_op_i, cmd_args_i[]            (valid/ready)
//   requests   mem_req_{valid_o, ready_i, write_o, addr_o, bytes_o, tag_o, wdata_o} (valid/ready)
//   responses  mem_rsp_{valid_i, ready_o, tag_i, rdata_i}                  (valid/ready, in order)
//   status     idle_o
//   retire     retire_o[u]: unit u finishes its oldest unfinished command this cycle (each unit
//              finishes its commands in the order it received them)
// A command is held until accepted; a request is accepted when the DramModel can take it; the
// response the DramModel presents is consumed in a cycle where the top is ready for it.
//
// Derived provides:
//   using Shape = ...;    using Encoder = ...;     (Encoder(const IsaSpec&, const Shape&),
//                                                   encode(instruction, number) -> HwCommand<N>)
//   static int64_t command_cycle_bound(const HwCommand<N>&, const Shape&, const DramConfig&);
//   static int retire_unit(const HwCommand<N>&);  // its retire_o bit, -1: done once accepted
//   std::map<std::string, int64_t> counters(int64_t instructions);  // after the run
// and may hide the memory-port hooks below (a top with burst requests: more request fields, beats
// placed at a pitch on its data ports).
template <class Derived, class Model>
class AcceleratorRun : public VerilatedDriver<AcceleratorRun<Derived, Model>, Model> {
  using Base = VerilatedDriver<AcceleratorRun<Derived, Model>, Model>;
  friend Base;

 public:
  // Streams the Program's commands in order, then clocks until the top and the memory are idle.
  // Cycles count from the first accepted command.
  template <class Encoder>
  SimulationOutput run(const Program& program, Encoder& encoder, int64_t cycle_limit) {
    this->set_cycle_limit(cycle_limit);
    int64_t number = 0;
    program.for_each([&](const ConcreteInstruction& in) {
      const auto cmd = encoder.encode(in, number++);
      if (recording_) {  // an unsent step has no events (-1)
        accepted_.push_back(-1);
        ended_.push_back(-1);
      }
      if (!cmd.sent) return;
      if (recording_) pending_unit_ = Derived::retire_unit(cmd);
      Model& m = this->model();
      m.cmd_op_i = cmd.op;
      for (int i = 0; i < cmd.kNumArgs; ++i) m.cmd_args_i[i] = cmd.args[i];
      pending_ = true;
      this->run_until([this] { return !pending_; });
    });
    this->run_until([this] { return this->model().idle_o && dram_.idle(); });

    SimulationOutput out;
    out.cycles = first_accept_ < 0 ? 0 : this->cycle() - first_accept_;
    out.counters = static_cast<Derived&>(*this).counters(number);
    out.dram = dram_.take_memory();
    for (auto& c : accepted_)
      if (c >= 0) c -= first_accept_;
    for (auto& c : ended_)
      if (c >= 0) c -= first_accept_;
    out.accepted = std::move(accepted_);
    out.ended = std::move(ended_);
    return out;
  }

  // A generous cycle bound for a Program: the per-command bounds summed (every command
  // serialised, every DRAM request paying the full latency), twice over. Only a deadlocked
  // Program reaches it.
  template <class Encoder, class Shape>
  static int64_t default_cycle_limit(const Program& program, Encoder& encoder, const Shape& shape,
                                     const DramConfig& dram) {
    int64_t bound = 0, number = 0;
    program.for_each([&](const ConcreteInstruction& in) {
      bound += Derived::command_cycle_bound(encoder.encode(in, number++), shape, dram);
    });
    return 2 * bound + 10000;
  }

 protected:
  // The derived constructor sets its own configuration inputs, then calls this->reset().
  AcceleratorRun(std::string name, const DramConfig& dram_config, std::vector<uint8_t> dram,
                 const std::string& trace_file)
      : Base(std::move(name), trace_file), dram_(dram_config, std::move(dram)) {
    // Test-only hook: ACV_TEST_RTL_FAULT=unstable-command changes a command the top has not yet
    // accepted, so the command port's assertion fires (tests/validation/cli: exit code 3).
    const char* fault = std::getenv("ACV_TEST_RTL_FAULT");
    unstable_command_ = fault != nullptr && std::string(fault) == "unstable-command";
    Model& m = this->model();
    m.cmd_valid_i = 0;
    m.mem_req_ready_i = 0;
    m.mem_rsp_valid_i = 0;
  }

  const DramModel& dram() const { return dram_; }

 public:
  // Hook: completes a request from the top's ports (address, bytes, tag, write data pointer set).
  void extend_request(DramRequest& /*request*/) {}
  // Hook: puts the read data of the response presented this cycle on the top's data port.
  void present_response(const DramResponse& r) {
    if (!r.write) Base::write_bytes(this->model().mem_rsp_rdata_i, r.data, r.bytes);
  }

  // The event recorder, off by default: every command's acceptance and end cycle, and a trace window
  // (RtlRunOptions::trace_from / trace_to, from the first accepted command). Before run().
  void record_events(const RtlRunOptions& options) {
    recording_ = options.record_events;
    window_ = options.trace_to >= 0;
    window_from_ = options.trace_from;
    window_to_ = options.trace_to;
    if (window_) this->set_trace_window(1, 0);  // nothing until the first command is accepted
  }

 protected:

 private:
  // VerilatedDriver hooks, once per cycle.
  void drive_inputs() {
    Model& m = this->model();
    m.cmd_valid_i = pending_ ? 1 : 0;
    if (unstable_command_ && stalled_) m.cmd_args_i[0] ^= 1u;
    m.mem_req_ready_i = dram_.can_accept() ? 1 : 0;
    response_ = dram_.response();
    m.mem_rsp_valid_i = response_ != nullptr ? 1 : 0;
    if (response_ != nullptr) {
      m.mem_rsp_tag_i = static_cast<uint32_t>(response_->tag);
      static_cast<Derived&>(*this).present_response(*response_);
    }
  }

  void sample_outputs() {
    Model& m = this->model();
    if (pending_ && m.cmd_ready_o) {
      pending_ = false;
      if (first_accept_ < 0) {
        first_accept_ = this->cycle();
        if (window_) this->set_trace_window(first_accept_ + window_from_, first_accept_ + window_to_);
      }
      if (recording_) {
        accepted_.back() = this->cycle();
        if (pending_unit_ < 0) ended_.back() = this->cycle() + 1;  // its registers take it at the edge
        else inflight_[static_cast<std::size_t>(pending_unit_)].push_back(ended_.size() - 1);
      }
    }
    // After the acceptance: a unit that finishes a command in the cycle it receives it retires it.
    if (recording_ && m.retire_o) record_retires(static_cast<uint64_t>(m.retire_o));
    stalled_ = pending_;
    if (m.mem_req_valid_o && m.mem_req_ready_i) {
      DramRequest req;
      req.write = m.mem_req_write_o != 0;
      req.address = m.mem_req_addr_o;
      req.bytes = m.mem_req_bytes_o;
      req.tag = m.mem_req_tag_o;
      req.data = req.write ? Base::bytes_of(m.mem_req_wdata_o) : nullptr;
      static_cast<Derived&>(*this).extend_request(req);
      dram_.request(req);
    }
    if (response_ != nullptr && m.mem_rsp_ready_o) dram_.pop_response();
  }

  void after_edge() { dram_.step(); }

  // A command ends the cycle after its unit's retire: the unit takes the next one from then on.
  void record_retires(uint64_t bits) {
    for (std::size_t u = 0; bits != 0; ++u, bits >>= 1) {
      if ((bits & 1u) == 0) continue;
      if (u >= inflight_.size() || inflight_[u].empty())
        throw BackendError("RTL retire_o: unit " + std::to_string(u) + " retired a command it was never sent");
      ended_[inflight_[u].front()] = this->cycle() + 1;
      inflight_[u].pop_front();
    }
  }

  DramModel dram_;
  const DramResponse* response_ = nullptr;
  bool pending_ = false;
  bool stalled_ = false;  // the command presented this cycle was not accepted
  bool unstable_command_ = false;
  int64_t first_accept_ = -1;
  bool recording_ = false, window_ = false;
  int64_t window_from_ = 0, window_to_ = -1;
  // While recording_, per program instruction: absolute cycles, -1 none (yet).
  std::vector<int64_t> accepted_, ended_;
  int pending_unit_ = -1;  // retire_o bit of the pending command
  std::array<std::deque<std::size_t>, 64> inflight_;  // per unit: its unfinished commands, oldest first
};

// A Verilated variant of an accelerator: the shape it was built with and how to run on it.
template <class Shape>
struct RtlVariant {
  Shape shape;
  SimulationOutput (*run)(const Shape&, const Program&, const AccelConfig&, std::vector<uint8_t>,
                          const RtlRunOptions&);
};

// An RtlDriver over a table of built variants: `find` picks the variant for a config (InputError
// naming the parameter and the built ones when none), which then runs the Program.
template <class Shape>
class VariantDriver : public RtlDriver {
 public:
  using Find = const RtlVariant<Shape>& (*)(const AccelConfig&);
  explicit VariantDriver(Find find) : find_(find) {}
  void check_config(const AccelConfig& config) const override { find_(config); }
  SimulationOutput run(const Program& program, const AccelConfig& config, std::vector<uint8_t> dram,
                       const RtlRunOptions& options) override {
    const RtlVariant<Shape>& v = find_(config);
    return v.run(v.shape, program, config, std::move(dram), options);
  }

 private:
  Find find_;
};

// Runs a Program on the Verilated model of Run (an AcceleratorRun) built with `shape`.
// `accelerator` names it in errors.
template <class Run>
SimulationOutput run_variant(const typename Run::Shape& shape, const Program& program,
                             const AccelConfig& config, std::vector<uint8_t> dram,
                             const RtlRunOptions& options) {
  if (!program.isa) {
    throw BackendError(config.accelerator + " RTL: Program '" + program.layer_name + "' has no ISA");
  }
  typename Run::Encoder encoder(*program.isa, shape);
  const int64_t limit = options.max_cycles > 0
                            ? options.max_cycles
                            : Run::default_cycle_limit(program, encoder, shape, config.dram);
  Run sim(shape, config.dram, std::move(dram), options.trace_file);
  sim.record_events(options);
  return sim.run(program, encoder, limit);
}

}  // namespace acv
