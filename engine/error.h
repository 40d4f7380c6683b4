#pragma once
// Error types shared by every layer above quant/ and noise-models/.
// BadInput means "the user gave us something we refuse" (CLI exit code 2);
// anything else escaping to main() is an internal error (exit code 1).
#include <stdexcept>
#include <string>

namespace aimc {

class BadInput : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Builds a message of the form "<where>: <what>" so every refusal names the
// offending file, node or key.
inline BadInput bad_input(const std::string& where, const std::string& what) {
  return BadInput(where + ": " + what);
}

}  // namespace aimc
