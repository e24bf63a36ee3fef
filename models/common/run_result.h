// RunResult: what every backend returns for a run, and its JSON form (schema in docs/run-result.md).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "layer.h"  // SkippedOperator

namespace acv {

// Whole-network runs: one layer's cycles within the network.
struct LayerCycles {
  std::string layer;
  int64_t cycles = 0;
};

struct LayerResult {
  std::string layer;
  std::string kind;            // conv2d, conv1d, dense, gemm, maxpool, avgpool
  std::string status = "ok";   // ok | skipped (not supported by the accelerator) | error
  std::string note;            // why skipped or failed
  int64_t cycles = 0;
  int64_t macs = 0;
  double utilization = 0.0;    // macs / (cycles * PEs)
  int64_t stall_free_cycles = 0;  // the accelerator's bound for the layer (Accelerator::stall_free_cycles; 0: none)
  bool outputs_checked = false;  // compared against the golden reference
  bool outputs_match = false;
  uint64_t output_hash = 0;
  double wall_seconds = 0.0;
  int64_t instructions = 0;    // instructions the Program represents
  std::map<std::string, int64_t> counters;  // backend-specific (busy / stall counters, evaluated iterations)
  std::map<std::string, std::string> info;  // backend-specific text (bottleneck, ...)
  // Whole-network runs (kind "network"): the cycles of each layer, in network order; `cycles` is
  // the whole run's. Empty for a layer run.
  std::vector<LayerCycles> layer_cycles;
};

struct RunResult {
  int schema_version = 1;
  std::string backend;   // rtl, tlm, estimator, roofline, regression
  std::string options;   // backend options that decide the result (e.g. "tlm-mode=at")
  std::string accelerator;
  std::string config_name;
  std::string config_file;
  std::string workload;
  std::string workload_file;
  int64_t pes = 0;
  std::vector<LayerResult> layers;
  std::vector<SkippedOperator> skipped_operators;  // of the workload file (ONNX), not run
  double wall_seconds = 0.0;

  int64_t total_cycles() const;
  bool all_outputs_match() const;  // every checked layer matched
};

std::string to_json(const RunResult& result);
// Contract: throws InputError naming `source` on malformed JSON or missing fields.
RunResult run_result_from_json(const std::string& text, const std::string& source);

}  // namespace acv
