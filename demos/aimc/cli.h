#pragma once
#include <string>
#include <vector>

namespace aimc::cli {

// The aimc program: runs the sub-command argv[1]; returns the exit code
// (2 for bad input, with the message on stderr).
int main_entry(int argc, char** argv);

// Runs one sub-command in-process, `args` being what follows `aimc` on a
// command line; returns its exit code and lets BadInput propagate, for
// callers (the Python module) that report errors their own way.
int run_command(const std::vector<std::string>& args);

}  // namespace aimc::cli
