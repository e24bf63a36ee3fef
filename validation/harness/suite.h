// A validation suite: accelerator configs x workloads x backend views, with sign-off thresholds.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/common/error.h"
#include "models/common/layer.h"

namespace acv {

// Sign-off limits of one view against the reference; unset limits are not checked.
struct Thresholds {
  std::optional<double> mape_pct;       // mean |error| %, per accelerator config
  std::optional<double> max_error_pct;  // largest per-layer |error| %
  std::optional<double> min_speedup;    // sum of reference wall / sum of this view's wall
  bool any() const { return mape_pct || max_error_pct || min_speedup; }
};

// One way of running a backend: `tlm` with tlm-mode=at and with tlm-mode=lt are two views.
struct View {
  std::string name;     // unique in the suite, used in reports ("tlm-at")
  std::string backend;  // registered backend name ("tlm")
  std::map<std::string, std::string> options;  // passed to `acv run` as --key value ("true": --key)
  Thresholds thresholds;
  SourceLoc loc;
  SourceLoc backend_loc;                         // of `backend:` (or `name:`, its default)
  std::map<std::string, SourceLoc> option_locs;  // of each key under `options:`
  // Canonical "key=value,..." of the options, for cache keys and reports.
  std::string options_key() const;
};

// A real-time budget of a workload: the report shows the reference's cycles per inference beside it.
struct Budget {
  int64_t cycles = 0;
  std::string note;  // where it comes from ("100 ms at 250 kHz")
};

// A workload of the suite and which of its layers to run.
struct WorkloadSelection {
  std::string file;                 // resolved path
  std::vector<std::string> layers;  // explicit names; empty = all (subject to the limits below)
  int64_t max_layers = 0;           // 0 = no limit: the first N selected layers
  int64_t max_macs = 0;             // 0 = no limit: skip layers with more MACs (bounds RTL time)
  std::optional<Budget> budget;     // `budget: {cycles, note}`
  SourceLoc loc;
};

struct Suite {
  std::string name;
  std::string file;
  std::string reference = "rtl";  // view whose cycles are the ground truth
  bool signoff = false;            // `signoff: true`: scripts/validate runs it
  std::vector<std::string> configs;  // resolved paths of accelerator config files
  std::vector<WorkloadSelection> workloads;
  std::vector<View> views;
  const View* find_view(const std::string& name) const;
};

// Parses a suite file; paths in it are relative to the suite file. Throws InputError naming
// file, line and field on unknown keys, missing fields, duplicate view names or bad values.
Suite load_suite(const std::string& path);
Suite parse_suite(const std::string& text, const std::string& file);

// Checks what only the acv binary knows, before anything runs: every view's backend is one of
// `known_backends` (the registered ones), every option is one of `acv run`'s that this backend reads,
// with a valid value. Contract: throws InputError naming the suite's file, line and field.
void check_views(const Suite& suite, const std::vector<std::string>& known_backends);

// The layer_kind of a whole-network case (Accelerator::runs_networks): layer = the workload's name.
constexpr const char* kNetworkKind = "network";

// One run: a layer of a workload on an accelerator config through one view; for a whole-network
// accelerator, the whole workload (layer = its name, layer_kind = kNetworkKind).
struct Case {
  std::size_t index = 0;  // position in the suite's expansion (stable order of reports)
  std::string key;        // "config/workload/layer/view", unique in the suite
  std::string accelerator;
  std::string config_name;
  std::string config_file;
  std::string workload_name;
  std::string workload_file;
  std::string layer;
  std::string layer_kind;
  std::string layer_shape;  // canonical text of every shape field (cache key input)
  int64_t macs = 0;
  View view;
  std::string skip_reason;  // non-empty: not run, reported skipped (the accelerator has no hardware for the layer)
  std::string file_stem() const;  // key made safe as a file name
};

// Expands configs x workloads x selected layers x views, in that nesting order; a whole-network
// accelerator's config gets one case per workload and view (`layers:` / `max_layers` are then an
// error, `max_macs` bounds the network's MACs). Reads each config and workload (InputError on bad
// ones, or on a `layers:` name the workload lacks).
std::vector<Case> expand_cases(const Suite& suite);

// Every field of a layer's shape as one line: what decides its mapping, operands and outputs
// (cache keys; the layer's name does not count).
std::string shape_text(const Layer& l);

// Maps each selected layer once per config with the registered accelerator and sets
// skip_reason on the cases of layers it has no hardware for (UnsupportedLayer); layers that do
// not fit are left to the run, which reports the mapping error.
void mark_unsupported_layers(std::vector<Case>& cases);

// A case key made safe as a file name: '/' -> "__", other unsafe characters -> '_'. Injective:
// when that loses information (an unsafe character, or an '_' beside '_' or '/'), the name ends
// in '+' and 12 hex digits of the key's SHA-256, so 'a#1' and 'a_1' never share a file.
std::string safe_file_name(const std::string& key);

}  // namespace acv
