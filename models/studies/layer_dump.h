#pragma once
// Every layer's output of one run, for golden tests and debugging: one raw
// file per tensor and an index.json with its name, shape, dtype, layout and
// quantization.
#include <string>
#include <utility>
#include <vector>

#include "engine/model.h"

namespace aimc::models {

// A tensor's raw bytes.
std::string tensor_bytes(const Tensor& t);

// A tensor name as a file name: characters other than letters, digits,
// '-', '_' and '.' become '_'.
std::string dump_file_name(const std::string& tensor_name);

// Writes `layers` (tensor name, value) into `dir`, which must be new or
// empty. The files go to a staging directory renamed into place at the end,
// so a failure leaves no half-written dump directory.
void write_layer_dumps(const std::string& dir, const Model& model,
                       const std::vector<std::pair<std::string, Tensor>>& layers);

}  // namespace aimc::models
