// aimc run: one set of inputs through the model; raw or .npy output
// tensors, and optionally every layer's output (golden-test dumps,
// models/studies/layer_dump.h).
#include <cstdio>
#include <filesystem>

#include "demos/aimc/cli_common.h"
#include "demos/aimc/commands.h"
#include "engine/error.h"
#include "models/data/model_inputs.h"
#include "models/data/npy.h"
#include "models/studies/layer_dump.h"

namespace aimc::cli {
namespace {

// Every --input in order; read through arguments() because a vector
// option would split file names at commas.
std::vector<std::string> input_args(const cxxopts::ParseResult& args) {
  std::vector<std::string> out;
  for (const auto& kv : args.arguments())
    if (kv.key() == "input") out.push_back(kv.value());
  return out;
}

// Output i as --format asks: the int8 tensor before the final
// DequantizeLinear, or the float output.
const Tensor& formatted(const ModelOutputs& out, std::size_t i, const std::string& format,
                        const Graph& g) {
  if (format == "f32") return out.outputs.at(i);
  if (i >= out.int8_outputs.size() || out.int8_outputs[i].empty()) {
    throw bad_input("--format", "int8 needs a quantized (QDQ) model in digital mode, and output '" +
                                    g.outputs.at(i) + "' has no int8 form; use --format f32");
  }
  return out.int8_outputs[i];
}

void write_tensor(const std::string& path, const Tensor& t, bool npy) {
  write_file_atomically(path, npy ? models::npy_bytes(t) : models::tensor_bytes(t));
  std::printf("wrote %s %s %s\n", path.c_str(), dtype_name(t.dtype()).c_str(),
              shape_str(t.shape()).c_str());
}

}  // namespace

int cmd_run(int argc, char** argv) {
  cxxopts::Options options("aimc run", "Run one set of inputs; write the output tensors");
  add_common_options(options);
  // clang-format off
  options.add_options()
      ("input", "[NAME=]FILE, repeatable (one NAME=FILE per model input): an image "
       "(.jpg/.png/.bmp), a raw .u8 crop, a raw .f32 tensor of the input's shape or a .npy",
       cxxopts::value<std::string>())
      ("output", "first output: raw tensor bytes, or NumPy format when FILE ends in .npy",
       cxxopts::value<std::string>())
      ("outputs-dir", "write every output as DIR/<output name>.npy", cxxopts::value<std::string>())
      ("format", "int8 (quantized output before the final DequantizeLinear) or f32",
       cxxopts::value<std::string>())
      ("dump-layers", "directory for every layer's output + index.json",
       cxxopts::value<std::string>());
  // clang-format on
  const auto args = parse_options(options, argc, argv);
  if (args.count("help")) {
    std::printf("%s\n", options.help().c_str());
    return 0;
  }
  if (!args.count("input")) throw bad_input("--input", "is required");
  if (!args.count("output") && !args.count("outputs-dir"))
    throw bad_input("--output", "is required (or --outputs-dir)");
  CommonSettings s = common_settings(args);
  const LoadedModel loaded = load_model(s);
  const Model& model = loaded.model;
  const std::string format = args.count("format") ? args["format"].as<std::string>()
                                                  : (model.integer_lowered() ? "int8" : "f32");
  if (format != "int8" && format != "f32")
    throw bad_input("--format", "must be int8 or f32, got '" + format + "'");
  const std::vector<Tensor> inputs =
      models::load_model_inputs(input_args(args), model, s.preprocessing);
  std::vector<std::pair<std::string, Tensor>> layers;
  const bool dump = args.count("dump-layers") != 0;
  const ModelOutputs out =
      model.run(inputs, RunContext{s.threads}, [&](const Node& n, std::span<const Tensor> outs) {
        if (!dump) return;
        for (std::size_t k = 0; k < outs.size(); ++k) layers.emplace_back(n.outputs[k], outs[k]);
      });
  // Every refusal comes before the first file is written.
  const Graph& g = model.graph();
  std::vector<const Tensor*> results;
  for (std::size_t i = 0; i < out.outputs.size(); ++i)
    if (i == 0 || args.count("outputs-dir")) results.push_back(&formatted(out, i, format, g));
  if (dump) models::write_layer_dumps(args["dump-layers"].as<std::string>(), model, layers);
  if (args.count("output")) {
    const std::string path = args["output"].as<std::string>();
    write_tensor(path, *results.at(0), models::is_npy_path(path));
  }
  if (args.count("outputs-dir")) {
    const std::filesystem::path dir = args["outputs-dir"].as<std::string>();
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw bad_input(dir.string(), "cannot create the outputs directory: " + ec.message());
    for (std::size_t i = 0; i < results.size(); ++i) {
      std::string file = models::dump_file_name(g.outputs[i]);  // a safe name, ending in .bin
      file.replace(file.size() - 4, 4, ".npy");
      write_tensor((dir / file).string(), *results[i], true);
    }
  }
  return 0;
}

}  // namespace aimc::cli
