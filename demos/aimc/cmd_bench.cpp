// aimc bench: images/s and latency percentiles of the model on synthetic
// input (deterministic pixels, so runs are comparable), or on a given
// preprocessed input file (the peer benchmark feeds ONNX Runtime the same).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <span>

#include "demos/aimc/cli_common.h"
#include "demos/aimc/commands.h"
#include "engine/error.h"
#include "models/data/input_tensor.h"

namespace aimc::cli {
namespace {

constexpr std::size_t kImageFloats = 3 * 224 * 224;

Tensor synthetic_input(int batch) {
  std::vector<uint8_t> pixels(static_cast<std::size_t>(batch) * kImageFloats);
  std::mt19937 rng(12345);  // fixed: identical input on every run
  for (auto& p : pixels) p = static_cast<uint8_t>(rng() & 0xff);
  return models::mobilenet_input_from_pixels(pixels, batch);
}

Tensor read_input_file(const std::string& path, int batch) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw bad_input(path, "cannot open the input file");
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t want = static_cast<std::size_t>(batch) * kImageFloats * sizeof(float);
  if (bytes.size() != want) {
    throw bad_input(path, "has " + std::to_string(bytes.size()) + " bytes; batch " +
                              std::to_string(batch) + " needs " + std::to_string(want) +
                              " (raw float32 [batch, 3, 224, 224])");
  }
  Tensor t(DType::kFloat32, Shape{batch, 3, 224, 224});
  std::memcpy(t.data<float>(), bytes.data(), bytes.size());
  return t;
}

// Time per node: from the end of the previous node (or the run's start) to
// the end of this one, summed over `iterations` runs.
void print_profile(const Model& model, const std::vector<Tensor>& inputs, int threads,
                   int iterations) {
  using Clock = std::chrono::steady_clock;
  std::map<std::string, double> by_node, by_op;
  std::map<std::string, std::string> op_of;
  double total = 0;
  for (int i = 0; i < iterations; ++i) {
    auto last = Clock::now();
    model.run(inputs, RunContext{threads}, [&](const Node& n, std::span<const Tensor>) {
      const auto now = Clock::now();
      const double ms = std::chrono::duration<double, std::milli>(now - last).count();
      const std::string op = n.op_type == "QConv" || n.op_type == "Conv"
                                 ? n.op_type + (n.attr_int("group", 1) > 1 ? " (depthwise)" : "")
                                 : n.op_type;
      by_node[n.name] += ms;
      op_of[n.name] = op;
      by_op[op] += ms;
      total += ms;
      last = now;
    });
  }
  std::vector<std::pair<double, std::string>> ops, nodes;
  for (const auto& [k, v] : by_op) ops.push_back({v, k});
  for (const auto& [k, v] : by_node) nodes.push_back({v, k});
  std::sort(ops.rbegin(), ops.rend());
  std::sort(nodes.rbegin(), nodes.rend());
  std::printf("profile: %.2f ms per run\n%-28s %10s %6s\n", total / iterations, "op type", "ms/run",
              "share");
  for (const auto& [ms, op] : ops)
    std::printf("%-28s %10.3f %5.1f%%\n", op.c_str(), ms / iterations, 100 * ms / total);
  std::printf("%-28s %-20s %10s %6s\n", "slowest layers", "op type", "ms/run", "share");
  for (std::size_t i = 0; i < std::min<std::size_t>(12, nodes.size()); ++i)
    std::printf("%-28s %-20s %10.3f %5.1f%%\n", nodes[i].second.c_str(),
                op_of[nodes[i].second].c_str(), nodes[i].first / iterations,
                100 * nodes[i].first / total);
}

}  // namespace

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
      args.count("input-file") ? read_input_file(args["input-file"].as<std::string>(), batch)
                               : synthetic_input(batch)};
  // In analog mode the digital path of the same model is timed in the same
  // run, alternating with the analog one, so their ratio is the cost of the
  // emulation on this machine under the same conditions.
  std::optional<Model> digital;
  if (s.mode == ExecMode::kAnalog && !args.count("no-compare")) {
    CommonSettings d = s;
    d.mode = ExecMode::kDigital;
    digital.emplace(load_model(d).model);
  }
  auto timed = [&](const Model& m) {
    const auto t0 = std::chrono::steady_clock::now();
    m.run(inputs, RunContext{s.threads});
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  };
  model.run(inputs, RunContext{s.threads});  // warm-up
  if (digital) digital->run(inputs, RunContext{s.threads});
  std::vector<double> ms, digital_ms;
  for (int i = 0; i < iterations; ++i) {
    ms.push_back(timed(model));
    if (digital) digital_ms.push_back(timed(*digital));
  }
  double total_ms = 0, digital_total_ms = 0;
  for (double v : ms) total_ms += v;
  for (double v : digital_ms) digital_total_ms += v;
  const double total_s = total_ms / 1000.0;
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) {
    return ms[std::min(ms.size() - 1, static_cast<std::size_t>(p * (ms.size() - 1) + 0.5))];
  };
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double rss_mb = ru.ru_maxrss / 1024.0;
  const double ips = batch * iterations / total_s;
  const char* kernels = s.kernels == KernelFlavor::kReference ? "reference" : "optimized";
  std::printf(
      "mode %s  kernels %s  batch %d  threads %d  %.1f images/s  latency p50 %.2f ms  p90 %.2f ms  "
      "peak RSS %.0f MB\n",
      exec_mode_name(s.mode).c_str(), kernels, batch, s.threads, ips, pct(0.5), pct(0.9), rss_mb);
  const double digital_ips = digital ? batch * iterations / (digital_total_ms / 1000.0) : 0;
  if (digital) {
    std::printf(
        "same run, digital: %.1f images/s  -> analog costs %.2fx the digital time per image\n",
        digital_ips, digital_ips / ips);
  }
  if (args.count("profile")) print_profile(model, inputs, s.threads, iterations);
  if (!s.json_path.empty()) {
    nlohmann::json j = {{"mode", exec_mode_name(s.mode)},
                        {"batch", batch},
                        {"threads", s.threads},
                        {"images_per_second", ips},
                        {"latency_ms_p50", pct(0.5)},
                        {"latency_ms_p90", pct(0.9)},
                        {"peak_rss_mb", rss_mb},
                        {"model", s.model_path},
                        {"kernels", kernels},
                        {"iterations", iterations}};
    if (s.mode == ExecMode::kAnalog) {
      j["analog"] = analog_record(s, model, loaded.calibration_images);
      j["digital_images_per_second"] = digital_ips;
      j["analog_cost_ratio"] = digital_ips / ips;
    }
    write_json(s.json_path, j);
  }
  return 0;
}

}  // namespace aimc::cli
