#pragma once
// Result files written whole or not at all: the bytes go to a temporary
// file beside the target, which is then renamed over it, so a failure or a
// kill never leaves a partial file behind.
#include <string>

namespace aimc::models {

// Throws BadInput naming `path` when it cannot be written.
void write_file_atomically(const std::string& path, const std::string& bytes);

}  // namespace aimc::models
