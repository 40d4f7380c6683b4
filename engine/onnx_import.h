#pragma once
// ONNX -> graph IR, on top of Debian's libonnx protobuf classes. Everything
// the file says is validated here, so later passes can trust the graph.
#include <string>

#include "engine/graph.h"

namespace aimc {

// Throws BadInput naming the file (and node/initializer) on any problem.
Graph import_onnx_file(const std::string& path);
Graph import_onnx_bytes(const std::string& bytes, const std::string& source_name);

// A serialized onnx.TensorProto (the conformance tests' input_*.pb files).
Tensor load_tensor_pb(const std::string& path);

}  // namespace aimc
