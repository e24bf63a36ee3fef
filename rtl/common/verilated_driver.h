// VerilatedDriver: the clock/reset loop every accelerator's Verilator driver derives from (CRTP).
// Owns the VerilatedContext and the model, traces to FST only when a trace file is given, and
// throws BackendError when a run exceeds its cycle limit or a SystemVerilog assertion fails.
#pragma once

#include <verilated.h>
#include <verilated_fst_c.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>

#include "models/common/error.h"
#include "rtl/common/assertion_trap.h"

namespace acv {

// Derived provides, called once per clock cycle by tick():
//   void drive_inputs();    // set the model's inputs for this cycle
//   void sample_outputs();  // after the model settled: observe handshakes (before the edge)
//   void after_edge();      // after the rising edge (step external models)
// The model's clock and reset ports are clk_i and rst_ni (active low), as in every acv RTL top.
template <class Derived, class Model>
class VerilatedDriver {
 public:
  VerilatedDriver(const VerilatedDriver&) = delete;
  VerilatedDriver& operator=(const VerilatedDriver&) = delete;

  ~VerilatedDriver() {
    Verilated::threadContextp(context_.get());  // the model's scopes unregister from the thread's context
    if (trace_) trace_->close();
    model_->final();
  }

 protected:
  // name: used in errors ("systolic 8x8 RTL"); trace_file: FST waveform when not empty.
  VerilatedDriver(std::string name, const std::string& trace_file)
      : name_(std::move(name)), context_(std::make_unique<VerilatedContext>()) {
    context_->threads(1);
    Verilated::threadContextp(context_.get());  // where a failed assertion's vl_stop reports
    if (!trace_file.empty()) context_->traceEverOn(true);
    model_ = std::make_unique<Model>(context_.get(), "top");
    if (!trace_file.empty()) {
      trace_ = std::make_unique<VerilatedFstC>();
      model_->trace(trace_.get(), 99);
      trace_->open(trace_file.c_str());
      if (!trace_->isOpen()) throw BackendError(name_ + ": cannot open trace file '" + trace_file + "'");
    }
  }

  Model& model() { return *model_; }
  int64_t cycle() const { return cycle_; }  // clock cycles since reset was released
  void set_cycle_limit(int64_t limit) { cycle_limit_ = limit; }
  // Dumps only cycles from..to (this driver's cycles) into the trace; empty when to < from.
  void set_trace_window(int64_t from, int64_t to) { trace_from_ = from, trace_to_ = to; }
  int64_t cycle_limit() const { return cycle_limit_; }

  // Holds reset for `cycles` clock cycles with the inputs the derived driver set, then releases it.
  void reset(int cycles = 2) {
    model_->rst_ni = 0;
    for (int i = 0; i < cycles; ++i) edge();
    model_->rst_ni = 1;
    cycle_ = 0;
  }

  // One clock cycle: inputs, settle, sample, rising edge. Throws BackendError past the limit
  // and when an assertion failed in the cycle (the models are Verilated with --assert).
  void tick() {
    if (cycle_limit_ > 0 && cycle_ >= cycle_limit_) {
      throw BackendError(name_ + " did not finish within " + std::to_string(cycle_limit_) +
                         " cycles (deadlocked Program or too small a cycle limit)");
    }
    Verilated::threadContextp(context_.get());  // where vl_stop reports, with several models alive
    self().drive_inputs();
    model_->clk_i = 0;
    model_->eval();
    dump();
    self().sample_outputs();
    context_->timeInc(1);
    model_->clk_i = 1;
    model_->eval();
    dump();
    context_->timeInc(1);
    if (context_->gotError()) fail_assertion();
    ++cycle_;
    self().after_edge();
  }

  // Ticks until done() holds (checked before each cycle).
  template <class Done>
  void run_until(Done&& done) {
    while (!done()) tick();
  }

  // Wide port helpers (VlWide<N> for ports over 64 bits).
  template <class Port>
  static void write_bytes(Port& port, const uint8_t* src, size_t n) {
    static_assert(!std::is_integral<Port>::value, "write_bytes is for wide (VlWide) ports");
    std::memset(port.data(), 0, sizeof(port));
    std::memcpy(port.data(), src, n < sizeof(port) ? n : sizeof(port));
  }
  template <class Port>
  static const uint8_t* bytes_of(const Port& port) {
    static_assert(!std::is_integral<Port>::value, "bytes_of is for wide (VlWide) ports");
    return reinterpret_cast<const uint8_t*>(port.data());
  }

 private:
  Derived& self() { return static_cast<Derived&>(*this); }

  void edge() {
    model_->clk_i = 0;
    model_->eval();
    dump();
    context_->timeInc(1);
    model_->clk_i = 1;
    model_->eval();
    dump();
    context_->timeInc(1);
  }

  [[noreturn]] void fail_assertion() {
    const AssertionFailure f = take_assertion_failure();
    throw BackendError(name_ + ": assertion failed in module " + f.module() + " (" + f.file + ":" +
                       std::to_string(f.line) + ") at cycle " + std::to_string(cycle_) +
                       "; Verilator's %Error line names the instance");
  }

  void dump() {
    if (trace_ && cycle_ >= trace_from_ && cycle_ <= trace_to_) trace_->dump(context_->time());
  }

  std::string name_;
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<VerilatedFstC> trace_;
  int64_t cycle_ = 0;
  int64_t cycle_limit_ = 0;
  int64_t trace_from_ = 0, trace_to_ = std::numeric_limits<int64_t>::max();
};

}  // namespace acv
