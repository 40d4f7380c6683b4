// aimc bench: images/s and latency percentiles of the model on synthetic
// input (deterministic pixels, so runs are comparable), or on a given
// preprocessed input file (the peer benchmark feeds ONNX Runtime the same).
// The measurement is models/studies/bench.h.
#include <cstdio>
#include <optional>

#include "demos/aimc/cli_common.h"
#include "demos/aimc/commands.h"
#include "engine/error.h"
#include "models/data/input_files.h"
#include "models/studies/bench.h"

namespace aimc::cli {

int cmd_bench(int argc, char** argv) {
  cxxopts::Options options("aimc bench", "Throughput and latency of a model");
  add_common_options(options);
  // clang-format off
  options.add_options()
      ("batch", "images per inference", cxxopts::value<int>()->default_value("1"))
      ("iterations", "timed inferences (after one warm-up)",
       cxxopts::value<int>()->default_value("20"))
      ("input-file", "preprocessed input: raw float32 [batch, 3, 224, 224]",
       cxxopts::value<std::string>())
      ("no-compare", "analog mode: do not time the digital path in the same run")
      ("profile", "also print where the time goes, per op type and per layer");
  // clang-format on
  const auto args = parse_options(options, argc, argv);
  if (args.count("help")) {
    std::printf("%s\n", options.help().c_str());
    return 0;
  }
  const CommonSettings s = common_settings(args);
  const int batch = positive_int(args, "batch");
  const int iterations = positive_int(args, "iterations");
  const LoadedModel loaded = load_model(s);
  const Model& model = loaded.model;
  // The inputs are built once, as a caller running many inferences would:
  // `run({tensor})` would copy the tensor (600 KB per image) inside the
  // timed region on every run.
  const std::vector<Tensor> inputs{
      args.count("input-file") ? models::read_raw_batch(args["input-file"].as<std::string>(), batch)
                               : models::synthetic_batch(batch)};
  // In analog mode the digital path of the same model is timed in the same
  // run, alternating with the analog one.
  std::optional<Model> digital;
  if (s.mode == ExecMode::kAnalog && !args.count("no-compare")) {
    CommonSettings d = s;
    d.mode = ExecMode::kDigital;
    d.placement_path.clear();  // the digital path of the same model: all on the cores
    digital.emplace(load_model(d).model);
  }
  const models::BenchTimes t = models::bench_model(model, digital ? &*digital : nullptr, inputs,
                                                   batch, s.threads, iterations);
  const double rss_mb = models::peak_rss_mb();
  const double ips = t.images_per_second, digital_ips = t.digital_images_per_second;
  const char* kernels = s.kernels == KernelFlavor::kReference ? "reference" : "optimized";
  std::printf(
      "mode %s  kernels %s  batch %d  threads %d  %.1f images/s  latency p50 %.2f ms  p90 %.2f ms  "
      "peak RSS %.0f MB\n",
      exec_mode_name(s.mode).c_str(), kernels, batch, s.threads, ips, t.latency_ms(0.5),
      t.latency_ms(0.9), rss_mb);
  if (digital) {
    std::printf(
        "same run, digital: %.1f images/s  -> analog costs %.2fx the digital time per image\n",
        digital_ips, digital_ips / ips);
  }
  if (args.count("profile"))
    std::fputs(models::profile_report(model, inputs, s.threads, iterations).c_str(), stdout);
  if (!s.json_path.empty()) {
    nlohmann::json j = {{"mode", exec_mode_name(s.mode)},
                        {"batch", batch},
                        {"threads", s.threads},
                        {"images_per_second", ips},
                        {"latency_ms_p50", t.latency_ms(0.5)},
                        {"latency_ms_p90", t.latency_ms(0.9)},
                        {"peak_rss_mb", rss_mb},
                        {"model", s.model_path},
                        {"kernels", kernels},
                        {"iterations", iterations}};
    if (const auto f = float_nodes_record(model); !f.is_null()) j["float_nodes"] = f;
    if (s.mode == ExecMode::kAnalog) {
      j["analog"] = analog_record(s, model, loaded.calibration_images, loaded.gptq);
      j["digital_images_per_second"] = digital_ips;
      j["analog_cost_ratio"] = digital_ips / ips;
    }
    write_json(s.json_path, j);
  }
  return 0;
}

}  // namespace aimc::cli
