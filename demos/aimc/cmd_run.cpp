// aimc run: one input through the model; raw output tensor to a file, and
// optionally every layer's output (golden-test dumps, models/studies/layer_dump.h).
#include <cstdio>

#include "demos/aimc/cli_common.h"
#include "demos/aimc/commands.h"
#include "engine/error.h"
#include "models/data/input_files.h"
#include "models/studies/layer_dump.h"

namespace aimc::cli {

int cmd_run(int argc, char** argv) {
  cxxopts::Options options("aimc run", "Run one input; write the raw output tensor");
  add_common_options(options);
  options.add_options()(
      "input", "image (.jpg/.png/.bmp), raw 224x224x3 .u8 crop, or raw NCHW .f32 model input",
      cxxopts::value<std::string>())("output", "raw output tensor file",
                                     cxxopts::value<std::string>())(
      "format", "int8 (quantized output before the final DequantizeLinear) or f32",
      cxxopts::value<std::string>())("dump-layers",
                                     "directory for every layer's output + index.json",
                                     cxxopts::value<std::string>());
  const auto args = parse_options(options, argc, argv);
  if (args.count("help")) {
    std::printf("%s\n", options.help().c_str());
    return 0;
  }
  if (!args.count("input")) throw bad_input("--input", "is required");
  if (!args.count("output")) throw bad_input("--output", "is required");
  CommonSettings s = common_settings(args);
  const LoadedModel loaded = load_model(s);
  const Model& model = loaded.model;
  const std::string format = args.count("format") ? args["format"].as<std::string>()
                                                  : (model.integer_lowered() ? "int8" : "f32");
  if (format != "int8" && format != "f32")
    throw bad_input("--format", "must be int8 or f32, got '" + format + "'");
  const Tensor input = models::load_model_input(args["input"].as<std::string>(), model);
  std::vector<std::pair<std::string, Tensor>> layers;
  const bool dump = args.count("dump-layers") != 0;
  const ModelOutputs out =
      model.run({input}, RunContext{s.threads}, [&](const Node& n, std::span<const Tensor> outs) {
        if (!dump) return;
        for (std::size_t k = 0; k < outs.size(); ++k) layers.emplace_back(n.outputs[k], outs[k]);
      });
  const Tensor* result = &out.outputs.at(0);
  if (format == "int8") {
    if (out.int8_outputs.empty() || out.int8_outputs[0].empty()) {
      throw bad_input("--format",
                      "int8 needs a quantized (QDQ) model in digital mode; use --format f32");
    }
    result = &out.int8_outputs[0];
  }
  if (dump) models::write_layer_dumps(args["dump-layers"].as<std::string>(), model, layers);
  write_file_atomically(args["output"].as<std::string>(), models::tensor_bytes(*result));
  std::printf("wrote %s %s %s\n", args["output"].as<std::string>().c_str(),
              dtype_name(result->dtype()).c_str(), shape_str(result->shape()).c_str());
  return 0;
}

}  // namespace aimc::cli
