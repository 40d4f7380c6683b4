#pragma once
// A whole file's bytes, for the raw input formats (.u8, .f32) and .npy.
#include <string>

namespace aimc::models {

// BadInput naming the file when it cannot be opened.
std::string read_file_bytes(const std::string& path);

}  // namespace aimc::models
