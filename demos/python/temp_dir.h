#pragma once
// A fresh directory under the system's temporary directory, removed with
// everything in it when the object goes: how the Python module hands dicts
// to the CLI's code, which reads configurations and writes results as files.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "engine/error.h"

namespace aimc::python {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "aimc-py-XXXXXX").string();
    // mkdtemp picks the unique name and creates the directory atomically.
    if (!::mkdtemp(pattern.data())) throw bad_input(pattern, "cannot create a temporary directory");
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  // The path of `name` inside.
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  // Writes `text` to `name` inside; returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    const std::string p = file(name);
    std::ofstream out(p, std::ios::binary);
    out << text;
    if (!out.flush()) throw bad_input(p, "cannot write a temporary file");
    return p;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace aimc::python
