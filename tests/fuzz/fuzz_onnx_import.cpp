// libFuzzer target: the ONNX importer, then shape inference, QDQ lowering and
// kernel preparation (Model::from_graph in digital mode). No inference: a
// fuzzed model could ask for huge activations. BadInput is the importer's
// expected refusal; any other exception escapes and libFuzzer reports it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "engine/error.h"
#include "engine/model.h"
#include "engine/onnx_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    aimc::Graph graph = aimc::import_onnx_bytes(
        std::string(reinterpret_cast<const char*>(data), size), "fuzz.onnx");
    aimc::Model model = aimc::Model::from_graph(std::move(graph), aimc::ModelOptions{});
    (void)model;
  } catch (const aimc::BadInput&) {
  }
  return 0;
}
