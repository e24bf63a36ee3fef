// An accelerator configuration file: which accelerator, its parameters, and the external memory.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "error.h"

namespace acv {

// The external memory as both the RTL driver's DRAM model and the TLM memory target see it.
// A request of n bytes accepted at cycle t completes at max(t + latency, previous completion)
// + ceil(n / bytes_per_cycle); at most max_outstanding requests are in flight.
struct DramConfig {
  int64_t latency = 40;
  int64_t bytes_per_cycle = 16;
  int64_t max_outstanding = 8;
};

struct ConfigValue {
  std::string text;
  SourceLoc loc;
};

// A parameter's value as AccelConfig types it: an integer when the text is one, else the text.
struct ParamValue {
  bool is_integer = false;
  int64_t integer = 0;
  std::string text;
};

// Parsed config (YAML):
//   accelerator: systolic
//   name: systolic-8x8-os          # optional; defaults to the file's stem
//   description: ../arch.yaml      # optional; paths are relative to this file
//   regression_model: ../regression/systolic-8x8-os.json   # optional
//   params: { rows: 8, cols: 8, dataflow: os, ... }
//   dram: { latency: 40, bytes_per_cycle: 16, max_outstanding: 8 }
struct AccelConfig {
  std::string file;
  std::string accelerator;
  std::string name;
  std::map<std::string, ConfigValue> params;
  DramConfig dram;
  std::string description;       // architecture description for the estimator, resolved path; may be empty
  std::string regression_model;  // fitted regression baseline (acv fit-regression), resolved path; may be empty

  bool has(const std::string& key) const { return params.count(key) != 0; }
  // Contract: throw InputError naming file, line and key when missing or of the wrong type.
  int64_t get_int(const std::string& key) const;
  int64_t get_positive_int(const std::string& key) const;
  // In [lo, hi]; `why` names the limit in the error (the RTL field or build it comes from).
  int64_t get_int_in(const std::string& key, int64_t lo, int64_t hi, const std::string& why) const;
  std::string get_choice(const std::string& key, const std::vector<std::string>& allowed) const;
  // Throws naming the first parameter not in `allowed`.
  void check_keys(const std::vector<std::string>& allowed) const;
  // Numeric parameters by name (strings are left out), for expression evaluation.
  std::map<std::string, double> numeric_params() const;
  // Every parameter by name, typed, plus dram_latency, dram_bytes_per_cycle and
  // dram_max_outstanding: the generic view of a config for code that knows no accelerator
  // (the estimator binds a description with it); an accelerator reads its typed Params instead.
  std::map<std::string, ParamValue> param_values() const;
  [[noreturn]] void fail(const std::string& key, const std::string& reason) const;
};

AccelConfig load_accel_config(const std::string& path);

}  // namespace acv
