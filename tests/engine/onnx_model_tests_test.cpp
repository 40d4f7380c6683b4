// The whole-model tests of Debian's libonnx-testdata (pytorch-converted,
// pytorch-operator and simple) whose inputs are float, in ExecMode::kFloat.
// A model aimc refuses at load (BadInput) is counted and listed with the
// reason; a model that loads must reproduce every reference output with the
// tolerance of the node tests: |actual - expected| <= 1e-5 * |expected| + 1e-6.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/error.h"
#include "engine/model.h"
#include "engine/onnx_import.h"

namespace aimc {
namespace {

namespace fs = std::filesystem;

const char* const kDataDir = "/usr/share/libonnx-testdata/data";
const char* const kModelSets[] = {"pytorch-converted", "pytorch-operator", "simple"};

std::vector<Tensor> load_numbered(const fs::path& dir, const std::string& prefix) {
  std::vector<Tensor> out;
  for (int i = 0;; ++i) {
    const fs::path p = dir / (prefix + std::to_string(i) + ".pb");
    if (!fs::exists(p)) break;
    out.push_back(load_tensor_pb(p.string()));
  }
  return out;
}

std::vector<fs::path> data_sets(const fs::path& dir) {
  std::vector<fs::path> sets;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_directory() && e.path().filename().string().rfind("test_data_set_", 0) == 0) {
      sets.push_back(e.path());
    }
  }
  std::sort(sets.begin(), sets.end());
  return sets;
}

// True when every input of every data set loads as float32.
bool float_inputs(const fs::path& dir) {
  try {
    for (const auto& set : data_sets(dir)) {
      for (const Tensor& t : load_numbered(set, "input_")) {
        if (t.dtype() != DType::kFloat32) return false;
      }
    }
  } catch (const BadInput&) {
    return false;  // an element type aimc does not have (double, string, ...)
  }
  return !data_sets(dir).empty();
}

// The first mismatch between two tensors, or "" when they agree.
std::string mismatch(const Tensor& a, const Tensor& e) {
  if (a.dtype() != e.dtype())
    return "type " + dtype_name(a.dtype()) + " vs " + dtype_name(e.dtype());
  if (a.shape() != e.shape())
    return "shape " + shape_str(a.shape()) + " vs " + shape_str(e.shape());
  for (int64_t i = 0; i < e.size(); ++i) {
    double x = 0, y = 0;
    switch (e.dtype()) {
      case DType::kFloat32:
        x = a.data<float>()[i];
        y = e.data<float>()[i];
        if (std::isnan(y) ? std::isnan(x)
                          : (x == y || std::fabs(x - y) <= 1e-5 * std::fabs(y) + 1e-6))
          continue;
        break;
      case DType::kInt64:
        if (a.data<int64_t>()[i] == e.data<int64_t>()[i]) continue;
        break;
      default:
        if (std::memcmp(a.raw(), e.raw(), e.byte_size()) == 0) return "";
        return "bytes differ";
    }
    return "element " + std::to_string(i) + ": " + std::to_string(x) + " vs " + std::to_string(y);
  }
  return "";
}

TEST(OnnxModelTests, FloatModelsMatchOrAreRefusedAtLoad) {
  ASSERT_TRUE(fs::is_directory(kDataDir)) << kDataDir << " missing (libonnx-testdata)";
  int run = 0, passed = 0;
  std::map<std::string, std::string> refused;
  ModelOptions options;
  options.mode = ExecMode::kFloat;
  for (const char* set : kModelSets) {
    std::vector<fs::path> dirs;
    for (const auto& e : fs::directory_iterator(fs::path(kDataDir) / set)) dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    for (const fs::path& dir : dirs) {
      if (!fs::exists(dir / "model.onnx") || !float_inputs(dir)) continue;
      const std::string name = std::string(set) + "/" + dir.filename().string();
      std::optional<Model> model;
      try {
        model.emplace(Model::load((dir / "model.onnx").string(), options));
      } catch (const BadInput& e) {
        refused[name] = e.what();
        continue;
      }
      ++run;
      bool ok = true;
      for (const fs::path& data : data_sets(dir)) {
        const auto inputs = load_numbered(data, "input_");
        const auto expected = load_numbered(data, "output_");
        std::vector<Tensor> outputs;
        try {
          outputs = model->run(inputs, RunContext{2}).outputs;
        } catch (const std::exception& e) {
          ADD_FAILURE() << name << " loaded but failed to run: " << e.what();
          ok = false;
          break;
        }
        if (outputs.size() != expected.size()) {
          ADD_FAILURE() << name << ": " << outputs.size() << " outputs, expected "
                        << expected.size();
          ok = false;
          break;
        }
        for (std::size_t i = 0; i < expected.size(); ++i) {
          const std::string bad = mismatch(outputs[i], expected[i]);
          if (!bad.empty()) {
            ADD_FAILURE() << name << " " << data.filename().string() << " output " << i << ": "
                          << bad;
            ok = false;
          }
        }
      }
      passed += ok ? 1 : 0;
    }
  }
  std::cout << "ONNX model tests (float inputs): " << passed << " passed / " << run << " run, "
            << refused.size() << " refused at load:\n";
  for (const auto& [name, why] : refused) std::cout << "  " << name << ": " << why << "\n";
  EXPECT_GT(run, 0);
}

}  // namespace
}  // namespace aimc
