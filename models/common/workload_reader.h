// Reading workloads: acv's own YAML format, SCALE-Sim topology CSV and ONNX (see docs/workload-format.md).
#pragma once

#include <string>

#include "layer.h"

namespace acv {

// Contract: picks the format by extension (.yaml/.yml: acv YAML, .csv: SCALE-Sim topology,
// .onnx: ONNX model, see onnx_reader.h),
// returns layers that passed validate_layer with unique names, and throws InputError naming
// file, line and field for anything else (unknown extension, missing file, bad content).
// The workload name is the YAML's `workload:` or else the file's stem.
Workload load_workload(const std::string& path);

// The same parsers on text already in memory; `file` is the name used in errors, in
// Workload::file and for the default workload name (its stem).
Workload parse_workload_yaml(const std::string& text, const std::string& file);
Workload parse_workload_csv(const std::string& text, const std::string& file);

// Formats that may repeat a name (SCALE-Sim CSV, ONNX): the repeats become "name#2", "name#3",
// ... in order, as acv names layers in reports, caches and --layer.
void rename_repeated_layers(Workload& w);

}  // namespace acv
