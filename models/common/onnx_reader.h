// Reading ONNX models as workloads (Debian's libonnx: protobuf model, checker, shape inference);
// the mapping from operators to layers is in docs/workload-format.md ("ONNX models").
#pragma once

#include <string>

#include "layer.h"

namespace acv {

// Contract: `bytes` is a serialized ONNX ModelProto; `file` names it in errors, Workload::file and
// the workload's name (its stem). Every tensor shape comes from ONNX's shape inference. Conv,
// Gemm, MatMul and pools become layers (one per batch element), operators without
// multiply-accumulate work go to Workload::skipped_operators, and anything else — an operator
// acv cannot map, or a mappable one whose attributes or shapes it cannot represent — throws
// InputError naming the file, the node and the field. Repeated names become name#2, ...
// The layers' input / residual / relu follow the graph where it is a chain of layers, residual
// adds and ReLUs; elsewhere `input` names, in parentheses, what was not followed.
Workload parse_workload_onnx(const std::string& bytes, const std::string& file);

}  // namespace acv
