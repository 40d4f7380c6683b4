// aimc sweep: a grid of analog configurations × seeds over an image set,
// one JSON line per (point, seed) and a summary CSV (mean ± std over seeds
// per point). Resumable: finished lines are skipped, and a crash at any
// moment loses no finished point (models/results_log.h).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "demos/aimc/cli_common.h"
#include "demos/aimc/commands.h"
#include "demos/aimc/mpi_session.h"
#include "engine/analog/analog_config_json.h"
#include "engine/analog/draw_cache.h"
#include "engine/error.h"
#include "engine/onnx_import.h"
#include "models/data/dataset.h"
#include "models/data/labels.h"
#include "models/data/shared_paths.h"
#include "models/studies/calibration.h"
#include "models/studies/classifier.h"
#include "models/studies/results_log.h"
#include "models/studies/sweep_grid.h"
#include "models/studies/topk.h"

namespace aimc::cli {
namespace {

constexpr int64_t kCropBytes = 224 * 224 * 3;

std::string csv_value(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// Mean and sample standard deviation per point, in the grid's point order.
std::string summary_csv(const models::SweepGrid& grid, const std::vector<nlohmann::json>& results) {
  std::ostringstream out;
  for (const auto& k : grid.keys) out << k << ',';
  out << "seeds,images,top1_mean,top1_std,top5_mean,top5_std\n";
  for (const auto& p : grid.points()) {
    std::vector<double> t1, t5;
    int images = 0;
    for (const auto& r : results)
      if (r["point"] == p) {
        t1.push_back(r["top1"].get<double>());
        t5.push_back(r["top5"].get<double>());
        images = r["images"].get<int>();
      }
    if (t1.empty()) continue;
    auto stats = [](const std::vector<double>& v) {
      double m = 0, s = 0;
      for (double x : v) m += x;
      m /= double(v.size());
      for (double x : v) s += (x - m) * (x - m);
      return std::pair{m, v.size() > 1 ? std::sqrt(s / double(v.size() - 1)) : 0.0};
    };
    const auto [m1, s1] = stats(t1);
    const auto [m5, s5] = stats(t5);
    for (const auto& k : grid.keys) out << csv_value(p[k]) << ',';
    out << t1.size() << ',' << images << ',' << m1 << ',' << s1 << ',' << m5 << ',' << s5 << '\n';
  }
  return out.str();
}

}  // namespace

int cmd_sweep(int argc, char** argv) {
  cxxopts::Options options("aimc sweep",
                           "Accuracy over a grid of analog configurations and seeds (resumable)");
  // clang-format off
  options.add_options()
      ("model", "QDQ (or float) ONNX model (default: the shared MobileNetV2)",
       cxxopts::value<std::string>())
      ("images", "image directory or file,index CSV (default: the shared images)",
       cxxopts::value<std::string>())
      ("labels", "labels file", cxxopts::value<std::string>())
      ("grid", "sweep grid JSON: {\"analog\": PRESET|{...}, \"grid\": {key: [values]}, \"seeds\": K}",
       cxxopts::value<std::string>())
      ("out", "results, JSON Lines (appended; re-running resumes)", cxxopts::value<std::string>())
      ("summary", "summary CSV (default: OUT with .csv)", cxxopts::value<std::string>())
      ("limit", "only the first N images", cxxopts::value<int>())
      ("seeds", "seeds per point (overrides the grid's)", cxxopts::value<int>())
      ("calibration", "images for calibrated ADC ranges (default: the shared images)",
       cxxopts::value<std::string>())
      ("threads", "OpenMP threads (default: all cores)", cxxopts::value<int>())
      ("batch", "images per batch", cxxopts::value<int>()->default_value("8"))
      ("no-reuse", "draw every point's devices and calibrate every point afresh (for timing "
                   "the reuse; same results)")
      ("progress", "show the progress bar even when stderr is not a terminal")
      ("h,help", "show this help");
  // clang-format on
  const auto args = parse_options(options, argc, argv);
  if (args.count("help")) {
    std::printf("%s\n", options.help().c_str());
    return 0;
  }
  if (!args.count("grid")) throw bad_input("--grid", "is required");
  if (!args.count("out")) throw bad_input("--out", "is required");
  models::SweepGrid grid = models::load_sweep_grid(args["grid"].as<std::string>());
  if (args.count("seeds")) grid.seeds = positive_int(args, "seeds");
  const std::string out_path = args["out"].as<std::string>();
  std::string summary_path = args.count("summary") ? args["summary"].as<std::string>() : out_path;
  if (!args.count("summary")) {
    const auto dot = summary_path.rfind('.');
    summary_path = (dot == std::string::npos ? summary_path : summary_path.substr(0, dot)) + ".csv";
  }
  const std::string model_path =
      args.count("model") ? args["model"].as<std::string>() : models::default_model_path();
  const std::string images_dir =
      args.count("images") ? args["images"].as<std::string>() : models::default_images_dir();
  const std::string labels_path =
      args.count("labels") ? args["labels"].as<std::string>() : models::default_labels_path();
  const std::string calibration = args.count("calibration") ? args["calibration"].as<std::string>()
                                                            : models::default_images_dir();
  const int threads = args.count("threads")
                          ? positive_int(args, "threads")
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int batch = positive_int(args, "batch");
  const models::Labels labels = models::load_labels(labels_path);
  auto images = models::discover_images(images_dir, labels);
  if (args.count("limit")) {
    const int limit = positive_int(args, "limit");
    if (static_cast<int>(images.size()) > limit) images.resize(limit);
  }

  // Everything a result depends on identifies the results file.
  const nlohmann::json header = {{"sweep",
                                  {{"grid", grid.identity()},
                                   {"model", model_path},
                                   {"images", images_dir},
                                   {"image_count", images.size()}}},
                                 {"aimc", AIMC_VERSION}};
  // Under mpirun, rank 0 owns the files; every rank computes its share.
  const MpiSession mpi;
  std::optional<models::ResultsLog> log;
  if (mpi.root()) log.emplace(out_path, header);

  // Work reuse: the model is imported and the images decoded once per rank.
  const Graph graph = import_onnx_file(model_path);
  std::vector<std::string> paths;
  for (const auto& im : images) paths.push_back(im.path);
  const std::vector<uint8_t> crops = models::load_crops(paths, threads);

  const auto points = grid.points();
  const int n = static_cast<int>(images.size());
  std::vector<int> pending;  // item = point index × seeds + (seed − 1)
  if (mpi.root()) {
    for (std::size_t pi = 0; pi < points.size(); ++pi)
      for (int seed = 1; seed <= grid.seeds; ++seed)
        if (!log->done(points[pi], seed))
          pending.push_back(static_cast<int>(pi) * grid.seeds + seed - 1);
  }
  mpi.broadcast(pending);
  // Seed-major order: the points of one seed share their device draws, and
  // the store is emptied when the seed changes (memory stays one seed's).
  std::stable_sort(pending.begin(), pending.end(), [&](int a, int b) {
    return std::pair{a % grid.seeds, a / grid.seeds} < std::pair{b % grid.seeds, b / grid.seeds};
  });
  const bool reuse = !args.count("no-reuse");
  const auto draws = reuse ? std::make_shared<DrawCache>() : nullptr;
  // ADC ranges per calibration chip (calibration_chip()): points that differ
  // only in what the calibration does not see share one calibration run.
  std::map<std::string, AdcCalibration> calibrations;
  int cached_seed = 0;
  int calibration_runs = 0;

  auto run_item = [&](int item) {
    const auto& point = points[item / grid.seeds];
    const int seed = item % grid.seeds + 1;
    const auto t0 = std::chrono::steady_clock::now();
    ModelOptions opt;
    opt.mode = ExecMode::kAnalog;
    opt.analog = models::point_config(grid, point, seed, args["grid"].as<std::string>());
    if (reuse && seed != cached_seed) {
      draws->clear();
      calibrations.clear();
    }
    cached_seed = seed;
    opt.analog.draw_cache = draws;
    Model model = Model::from_graph(graph, opt);
    if (model.needs_calibration()) {
      const std::string chip = analog_config_to_json(calibration_chip(opt.analog)).dump();
      const auto hit = calibrations.find(chip);
      if (reuse && hit != calibrations.end()) {
        model.set_adc_calibration(hit->second);
      } else {
        models::calibrate_on_images(model, calibration, opt.analog.calibration_images, threads);
        ++calibration_runs;
        if (reuse) calibrations[chip] = model.adc_calibration();
      }
    }
    const models::Classifier classifier(std::move(model));
    int top1 = 0, top5 = 0;
    for (int first = 0; first < n; first += batch) {
      const int count = std::min(batch, n - first);
      const auto scores = classifier.scores(
          std::span<const uint8_t>(crops.data() + first * kCropBytes, count * kCropBytes), count,
          threads, first);
      for (int b = 0; b < count; ++b) {
        const auto top = models::top_k(scores[b], 5);
        const int label = images[first + b].class_index;
        top1 += !top.empty() && top[0] == label;
        top5 += std::find(top.begin(), top.end(), label) != top.end();
      }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return nlohmann::json{{"point", point},
                          {"seed", seed},
                          {"top1", n ? double(top1) / n : 0.0},
                          {"top5", n ? double(top5) / n : 0.0},
                          {"images", n},
                          {"seconds", seconds},
                          {"aimc", AIMC_VERSION}};
  };

  const int total = static_cast<int>(points.size()) * grid.seeds;
  if (mpi.root()) {
    // Rank 0 computes items 0, size, 2·size, ... and records everyone's.
    ProgressBar bar("sweep", args.count("progress") > 0);
    const auto start = std::chrono::steady_clock::now();
    int received = 0, finished = total - static_cast<int>(pending.size());
    auto record = [&](const nlohmann::json& result) {
      log->append(result);
      write_file_atomically(summary_path, summary_csv(grid, log->results()));
      ++received;
      ++finished;
      bar.update_items(finished, total, "points", int64_t{received} * n,
                       int64_t{total - finished} * n);
    };
    bar.update_items(finished, total, "points", 0, int64_t{total - finished} * n);
    for (std::size_t k = 0; k < pending.size(); k += static_cast<std::size_t>(mpi.size())) {
      record(run_item(pending[k]));
      while (auto m = mpi.receive(false)) record(nlohmann::json::parse(*m));
    }
    while (received < static_cast<int>(pending.size()))
      record(nlohmann::json::parse(*mpi.receive(true)));
    write_file_atomically(summary_path, summary_csv(grid, log->results()));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("sweep: %zu points x %d seeds on %d rank(s), %zu results in %s, summary in %s\n",
                points.size(), grid.seeds, mpi.size(), log->results().size(), out_path.c_str(),
                summary_path.c_str());
    // Throughput of this run (rank 0's calibration count; every rank has its own).
    std::printf(
        "sweep: this run computed %d items, %lld inferences in %.2f s (%.1f inferences/s), "
        "%d calibration run(s) on rank 0\n",
        received, static_cast<long long>(received) * n, seconds,
        seconds > 0 ? double(received) * n / seconds : 0.0, calibration_runs);
  } else {
    for (std::size_t k = static_cast<std::size_t>(mpi.rank()); k < pending.size();
         k += static_cast<std::size_t>(mpi.size()))
      mpi.send_to_root(run_item(pending[k]).dump());
  }
  return 0;
}

}  // namespace aimc::cli
