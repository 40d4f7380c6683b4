#include "models/data/file_bytes.h"

#include <fstream>
#include <sstream>

#include "engine/error.h"

namespace aimc::models {

std::string read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw bad_input(path, "cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace aimc::models
