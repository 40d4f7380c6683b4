#pragma once
// NumPy's .npy format (numpy.lib.format), versions 1.0 and 2.0: a magic
// string, a Python dict literal header ('descr', 'fortran_order', 'shape')
// and the raw little-endian data in C order. Strict on purpose: Fortran
// order, big-endian and object dtypes, version 3.0 and truncated or
// over-long data are refused rather than guessed at.
#include <string>
#include <string_view>

#include "engine/tensor.h"

namespace aimc::models {

// The dtypes aimc reads and writes: float32, int64, int32, uint8, int8.
// Throws BadInput naming `where` for anything else or a malformed file.
Tensor parse_npy(std::string_view bytes, const std::string& where);
Tensor read_npy_file(const std::string& path);

// Format 1.0 (2.0 when the header would not fit 1.0's 16-bit length).
std::string npy_bytes(const Tensor& t);

bool is_npy_path(const std::string& path);

}  // namespace aimc::models
