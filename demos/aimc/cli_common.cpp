#include "demos/aimc/cli_common.h"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "engine/onnx_import.h"
#include "engine/passes/placement_file.h"
#include "models/data/labels.h"
#include "models/data/shared_paths.h"
#include "models/studies/calibration.h"
#include "models/studies/output_file.h"

namespace aimc::cli {

const char* const kCalibrationEveryHelp =
    "calibration split: image i (in path order) of an image directory calibrates iff i % E == 0, "
    "and is left out when that directory is evaluated, in every mode (an integer >= 2; default "
    "8)";

namespace {
double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

void add_common_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options("common")
      ("model", "ONNX model (default: the shared MobileNetV2; env AIMC_MODEL)",
       cxxopts::value<std::string>())
      ("mode", "digital (bit-exact int8), analog (crossbar emulation) or float",
       cxxopts::value<std::string>()->default_value("digital"))
      ("analog", "analog configuration for --mode analog: a preset (ideal, ima-paper, "
       "aihwkit-standard) or a JSON file", cxxopts::value<std::string>()->default_value("ideal"))
      ("set", "override one analog configuration key, key=value (repeatable), e.g. t_inf=86400",
       cxxopts::value<std::vector<std::string>>())
      ("calibration", "calibration set for calibrated ADC ranges: a directory of images (the "
       "first calibration_images of its calibration split), an image, a .npy of N samples or a "
       "directory of .npy files (default: the shared images)", cxxopts::value<std::string>())
      ("calibration-every", kCalibrationEveryHelp, cxxopts::value<std::string>())
      ("preprocess", "image preprocessing: keras-mobilenet (default), torchvision, caffe or a "
       "JSON file (default: MODEL.preprocess.json beside the model when present)",
       cxxopts::value<std::string>())
      ("allow-float", "digital/analog mode: run the nodes that have no integer form in float "
       "instead of refusing the model (they are listed on stderr and in --json)")
      ("placement", "placement JSON (from aimc place, hand-edited): each listed layer runs on "
       "its unit instead of the one the placement pass chose", cxxopts::value<std::string>())
      ("seed", "random seed of the analog device and noise draws",
       cxxopts::value<uint64_t>()->default_value("0"))
      ("kernels", "integer kernels: optimized or reference (the plain specification; same bits, slower)",
       cxxopts::value<std::string>()->default_value("optimized"))
      ("threads", "OpenMP threads (default: all cores)", cxxopts::value<int>())
      ("json", "write machine-readable results to this file", cxxopts::value<std::string>())
      ("h,help", "show this help");
  // clang-format on
}

cxxopts::ParseResult parse_options(cxxopts::Options& options, int argc, char** argv) {
  try {
    return options.parse(argc, argv);
  } catch (const cxxopts::exceptions::exception& e) {
    throw bad_input("command line", e.what());
  }
}

int calibration_every(const cxxopts::ParseResult& args) {
  if (!args.count("calibration-every")) return models::kDefaultCalibrationEvery;
  // Read as text: cxxopts' own message for a bad integer names no option.
  const std::string text = args["calibration-every"].as<std::string>();
  int every = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), every);
  if (ec != std::errc() || end != text.data() + text.size() || every < 2)
    throw bad_input("--calibration-every", "must be an integer of at least 2, got '" + text + "'");
  return every;
}

int positive_int(const cxxopts::ParseResult& args, const std::string& key) {
  int v = 0;
  try {
    v = args[key].as<int>();
  } catch (const cxxopts::exceptions::exception& e) {
    throw bad_input("--" + key, e.what());
  }
  if (v < 1) throw bad_input("--" + key, "must be a positive integer, got " + std::to_string(v));
  return v;
}

CommonSettings common_settings(const cxxopts::ParseResult& args) {
  CommonSettings s;
  s.mode = parse_exec_mode(args["mode"].as<std::string>());
  s.allow_float = args.count("allow-float") > 0;
  if (args.count("model")) {
    s.model_path = args["model"].as<std::string>();
  } else {
    s.model_path = s.mode == ExecMode::kFloat ? models::default_float_model_path()
                                              : models::default_model_path();
    models::require_exists(s.model_path, "default model (--model, AIMC_MODEL)");
  }
  s.threads = args.count("threads")
                  ? positive_int(args, "threads")
                  : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const std::string kernels = args["kernels"].as<std::string>();
  if (kernels != "optimized" && kernels != "reference") {
    throw bad_input("--kernels",
                    "unknown kernels '" + kernels + "' (expected optimized or reference)");
  }
  s.kernels = kernels == "reference" ? KernelFlavor::kReference : KernelFlavor::kOptimized;
  if (s.mode == ExecMode::kAnalog) {
    std::vector<std::string> overrides;
    if (args.count("set")) overrides = args["set"].as<std::vector<std::string>>();
    s.analog = load_analog_config(args["analog"].as<std::string>(), overrides);
    if (args.count("seed")) s.analog.seed = args["seed"].as<uint64_t>();
  }
  s.seed = args.count("seed") ? args["seed"].as<uint64_t>() : s.analog.seed;
  if (args.count("json")) s.json_path = args["json"].as<std::string>();
  if (args.count("placement")) s.placement_path = args["placement"].as<std::string>();
  s.preprocessing = models::resolve_preprocessing(
      args.count("preprocess") ? args["preprocess"].as<std::string>() : "", s.model_path);
  // Set in every mode: evaluating the calibration directory leaves its
  // calibration split out even when nothing is calibrated.
  s.calibration_source = args.count("calibration") ? args["calibration"].as<std::string>()
                                                   : models::default_images_dir();
  s.calibration_every = calibration_every(args);
  return s;
}

void imply_analog_mode(CommonSettings& s, const cxxopts::ParseResult& args) {
  if (s.mode == ExecMode::kAnalog) return;
  s.mode = ExecMode::kAnalog;
  std::vector<std::string> overrides;
  if (args.count("set")) overrides = args["set"].as<std::vector<std::string>>();
  s.analog = load_analog_config(args["analog"].as<std::string>(), overrides);
  if (args.count("seed")) s.analog.seed = args["seed"].as<uint64_t>();
}

PlacementOverrides placement_overrides(const CommonSettings& s) {
  return s.placement_path.empty() ? PlacementOverrides{} : load_placement(s.placement_path);
}

EvaluationImages evaluation_images(const cxxopts::ParseResult& args,
                                   const std::string& calibration_source, int calibration_every) {
  EvaluationImages e;
  e.source = args.count("images") ? args["images"].as<std::string>() : models::default_images_dir();
  e.labels_path =
      args.count("labels") ? args["labels"].as<std::string>() : models::default_labels_path();
  const int limit = args.count("limit") ? positive_int(args, "limit") : 0;
  e.set = models::evaluation_set({e.source, calibration_source, calibration_every, limit},
                                 models::load_labels(e.labels_path));
  return e;
}

namespace {

models::LoadSettings load_settings(const CommonSettings& s) {
  models::LoadSettings l;
  l.model_path = s.model_path;
  l.mode = s.mode;
  l.allow_float = s.allow_float;
  l.threads = s.threads;
  l.kernels = s.kernels;
  l.analog = s.analog;
  l.calibration_source = s.calibration_source;
  l.calibration_every = s.calibration_every;
  l.preprocessing = s.preprocessing;
  l.placement = placement_overrides(s);
  return l;
}

// Never silent: a digital or analog run that computes nodes in float says so.
void report_float_nodes(const CommonSettings& s, const Model& model) {
  const auto& f = model.float_nodes();
  if (f.empty()) return;
  std::string list;
  for (std::size_t i = 0; i < f.size() && i < 8; ++i) list += (i ? ", " : "") + f[i];
  std::fprintf(stderr, "aimc: %zu node(s) run in float in %s mode: %s%s\n", f.size(),
               exec_mode_name(s.mode).c_str(), list.c_str(), f.size() > 8 ? ", ..." : "");
}

}  // namespace

LoadedModel load_uncalibrated_model(const CommonSettings& s) {
  LoadedModel m = models::load_uncalibrated(load_settings(s));
  report_float_nodes(s, m.model);
  return m;
}

LoadedModel load_model(const CommonSettings& s) {
  LoadedModel m = load_uncalibrated_model(s);
  models::calibrate_loaded(m, load_settings(s));
  return m;
}

nlohmann::json float_nodes_record(const Model& model) {
  if (model.float_nodes().empty()) return nullptr;
  return model.float_nodes();
}

nlohmann::json analog_record(const CommonSettings& s, const Model& model,
                             const std::vector<std::string>& calibration_images,
                             const models::GptqUse& gptq) {
  if (s.mode != ExecMode::kAnalog) return nullptr;
  nlohmann::json j = {{"config", analog_config_to_json(s.analog)}, {"seed", s.seed}};
  if (gptq.used) j["gptq"] = models::gptq_record(gptq);
  if (model.needs_calibration()) {
    nlohmann::json ranges = nlohmann::json::object(), affine = nlohmann::json::object();
    for (const auto& [key, r] : model.adc_calibration().layers()) {
      const auto slash = key.rfind("/affine");
      if (slash != std::string::npos && slash + 7 == key.size()) {
        // [gains..., offsets...] of the layer's channels.
        const auto half = std::ptrdiff_t(r.size() / 2);
        affine[key.substr(0, slash)] = {{"gain", std::vector<double>(r.begin(), r.begin() + half)},
                                        {"offset", std::vector<double>(r.begin() + half, r.end())}};
      } else {
        ranges[key] = r;
      }
    }
    j["calibration"] = {{"images", calibration_images},
                        {"percentile", s.analog.adc_percentile},
                        {"adc_ranges", ranges}};
    if (s.analog.affine_correction) j["calibration"]["affine"] = affine;
  }
  return j;
}

void write_file_atomically(const std::string& path, const std::string& bytes) {
  models::write_file_atomically(path, bytes);
}

void write_json(const std::string& path, const nlohmann::json& j) {
  write_file_atomically(path, j.dump(2) + "\n");
}

ProgressBar::ProgressBar(std::string label, bool force)
    : label_(std::move(label)),
      enabled_(force || ::isatty(STDERR_FILENO) == 1),
      start_(now_seconds()) {}

void ProgressBar::update(int done, int total) {
  const double elapsed = now_seconds() - start_;
  const double rate = elapsed > 0 ? done / elapsed : 0;
  draw(done, total, "", rate, rate > 0 ? (total - done) / rate : 0);
}

void ProgressBar::update_items(int done, int total, const char* unit, int64_t images,
                               int64_t images_left) {
  const double elapsed = now_seconds() - start_;
  const double rate = elapsed > 0 ? double(images) / elapsed : 0;
  draw(done, total, unit, rate, rate > 0 ? double(images_left) / rate : 0);
}

void ProgressBar::draw(int done, int total, const char* unit, double rate, double eta) {
  if (!enabled_ || total <= 0) return;
  constexpr int kWidth = 30;
  const int filled = kWidth * done / total;
  const long secs = std::lround(eta);
  std::fprintf(stderr, "\r%s [%s%s] %d/%d%s%s  %.1f img/s  ETA %ldh%02ldm%02lds ", label_.c_str(),
               std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(), done,
               total, *unit ? " " : "", unit, rate, secs / 3600, secs / 60 % 60, secs % 60);
  std::fflush(stderr);
}

ProgressBar::~ProgressBar() {
  if (enabled_) std::fprintf(stderr, "\n");
}

}  // namespace aimc::cli
