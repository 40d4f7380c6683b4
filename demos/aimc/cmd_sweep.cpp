// aimc sweep: a grid of analog configurations × seeds over an image set,
// one JSON line per (point, seed) and a summary CSV (mean ± std over seeds
// per point). Resumable: finished lines are skipped, and a crash at any
// moment loses no finished point (models/studies/results_log.h). The work
// is models/studies/sweep_runner.h; this file reads the options and owns
// the MPI session.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <thread>

#include "demos/aimc/cli_common.h"
#include "demos/aimc/commands.h"
#include "demos/aimc/mpi_session.h"
#include "engine/error.h"
#include "engine/passes/placement_file.h"
#include "models/data/dataset.h"
#include "models/data/mnist.h"
#include "models/data/preprocessing.h"
#include "models/data/shared_paths.h"
#include "models/studies/results_log.h"
#include "models/studies/sweep_grid.h"
#include "models/studies/sweep_runner.h"

namespace aimc::cli {
namespace {

std::string option_or(const cxxopts::ParseResult& args, const std::string& key,
                      const std::string& fallback) {
  return args.count(key) ? args[key].as<std::string>() : fallback;
}

cxxopts::Options sweep_options() {
  cxxopts::Options options("aimc sweep",
                           "Accuracy over a grid of analog configurations and seeds (resumable)");
  // clang-format off
  options.add_options()
      ("model", "QDQ (or float) ONNX model (default: the shared MobileNetV2)",
       cxxopts::value<std::string>())
      ("images", "image directory, file,index CSV or MNIST IDX image file (its second half is "
       "evaluated, its first half calibrates) (default: the shared images)",
       cxxopts::value<std::string>())
      ("labels", "labels file (IDX images: the IDX label file, default the one beside)",
       cxxopts::value<std::string>())
      ("grid", "sweep grid JSON: {\"analog\": PRESET|{...}, \"grid\": {key: [values]}, \"seeds\": K}",
       cxxopts::value<std::string>())
      ("out", "results, JSON Lines (appended; re-running resumes)", cxxopts::value<std::string>())
      ("summary", "summary CSV (default: OUT with .csv)", cxxopts::value<std::string>())
      ("limit", "only the first N evaluation images", cxxopts::value<int>())
      ("seeds", "seeds per point (overrides the grid's)", cxxopts::value<int>())
      ("calibration", "calibration set for calibrated ADC ranges: images (the first "
       "calibration_images of a directory's calibration split), a .npy of N samples or "
       "a directory of .npy files (default: the shared images)", cxxopts::value<std::string>())
      ("calibration-every", kCalibrationEveryHelp, cxxopts::value<std::string>())
      ("preprocess", "image preprocessing, of the images and calibration images: "
       "keras-mobilenet (default), torchvision, caffe or a JSON file (default: "
       "MODEL.preprocess.json beside the model when present)", cxxopts::value<std::string>())
      ("placement", "placement JSON (aimc place, hand-edited) applied at every point",
       cxxopts::value<std::string>())
      ("threads", "OpenMP threads (default: all cores)", cxxopts::value<int>())
      ("batch", "images per batch", cxxopts::value<int>()->default_value("8"))
      ("no-reuse", "draw every point's devices and calibrate every point afresh (for timing "
                   "the reuse; same results)")
      ("progress", "show the progress bar even when stderr is not a terminal")
      ("h,help", "show this help");
  // clang-format on
  return options;
}

// Everything a sweep needs, read from the options.
struct SweepCommand {
  models::SweepGrid grid;
  models::SweepSetup setup;
  std::vector<models::LabeledImage> images;
  std::optional<models::MnistEvaluation> mnist;  // IDX images instead of `images`
  std::string split_note;                        // EvaluationSet::note
  std::string out_path, summary_path;
  nlohmann::json header;  // everything a result depends on identifies the results file
};

// MNIST: the second half of the IDX file, calibrated on its first half only.
void read_idx_images(const cxxopts::ParseResult& args, SweepCommand& c) {
  if (args.count("calibration") || args.count("preprocess")) {
    throw bad_input(args.count("calibration") ? "--calibration" : "--preprocess",
                    "does not apply to IDX images: they calibrate on the first half of the "
                    "same file and are read as pixel / 255");
  }
  const std::string images = args["images"].as<std::string>();
  c.mnist = models::mnist_evaluation(images, option_or(args, "labels", ""),
                                     args.count("limit") ? positive_int(args, "limit") : 0);
  c.setup.calibration = images;
  c.split_note = c.mnist->note;
  c.header = models::sweep_header(c.grid, c.setup, images, static_cast<std::size_t>(c.mnist->count),
                                  c.mnist->calibration_split);
  // The images' own reading, not the unused image preprocessing.
  c.header["sweep"]["preprocessing"] = {{"name", "idx"}, {"x", "pixel / 255, float32"}};
}

SweepCommand read_sweep_command(const cxxopts::ParseResult& args) {
  if (!args.count("grid")) throw bad_input("--grid", "is required");
  if (!args.count("out")) throw bad_input("--out", "is required");
  SweepCommand c;
  models::SweepSetup& setup = c.setup;
  setup.grid_where = args["grid"].as<std::string>();
  c.grid = models::load_sweep_grid(setup.grid_where);
  if (args.count("seeds")) c.grid.seeds = positive_int(args, "seeds");
  c.out_path = args["out"].as<std::string>();
  c.summary_path = option_or(args, "summary", models::default_summary_path(c.out_path));
  setup.model_path = option_or(args, "model", models::default_model_path());
  setup.calibration = option_or(args, "calibration", models::default_images_dir());
  setup.calibration_every = calibration_every(args);
  setup.preprocessing =
      models::resolve_preprocessing(option_or(args, "preprocess", ""), setup.model_path);
  setup.threads = args.count("threads")
                      ? positive_int(args, "threads")
                      : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  setup.batch = positive_int(args, "batch");
  setup.reuse = !args.count("no-reuse");
  setup.version = AIMC_VERSION;
  if (args.count("placement"))
    setup.placement = load_placement(args["placement"].as<std::string>());
  if (args.count("images") && models::is_idx_file(args["images"].as<std::string>())) {
    read_idx_images(args, c);
    return c;
  }
  EvaluationImages e = evaluation_images(args, setup.calibration, setup.calibration_every);
  c.images = std::move(e.set.images);
  c.split_note = std::move(e.set.note);
  c.header =
      models::sweep_header(c.grid, setup, e.source, c.images.size(), e.set.calibration_split);
  return c;
}

models::SweepRunner make_runner(SweepCommand& c) {
  if (c.mnist)
    return models::SweepRunner(std::move(c.grid), std::move(c.setup), std::move(*c.mnist));
  return models::SweepRunner(std::move(c.grid), std::move(c.setup), std::move(c.images));
}

}  // namespace

int cmd_sweep(int argc, char** argv) {
  cxxopts::Options options = sweep_options();
  const auto args = parse_options(options, argc, argv);
  if (args.count("help")) {
    std::printf("%s\n", options.help().c_str());
    return 0;
  }
  SweepCommand c = read_sweep_command(args);
  // Under mpirun, rank 0 owns the files; every rank computes its share.
  const MpiSession mpi;
  if (mpi.root()) {
    if (c.mnist)
      std::fprintf(stderr, "sweep: preprocessing idx: x = pixel / 255 (float32)\n");
    else
      std::fprintf(stderr, "sweep: preprocessing %s (%s)\n", c.setup.preprocessing.name.c_str(),
                   c.setup.preprocessing.origin.c_str());
    std::fprintf(stderr, "sweep: evaluated on %lld images%s\n",
                 static_cast<long long>(c.mnist ? c.mnist->count : int64_t(c.images.size())),
                 c.split_note.c_str());
  }
  // The runner first: a model the preprocessing does not fit leaves no file.
  models::SweepRunner runner = make_runner(c);
  std::optional<models::ResultsLog> log;
  if (mpi.root()) log.emplace(c.out_path, c.header);
  if (!mpi.root()) {
    models::run_sweep(runner, mpi, nullptr, c.summary_path);
    return 0;
  }
  ProgressBar bar("sweep", args.count("progress") > 0);
  const models::SweepRunStats run = models::run_sweep(
      runner, mpi, &*log, c.summary_path, [&](int done, int total, int64_t images, int64_t left) {
        bar.update_items(done, total, "points", images, left);
      });
  std::printf("%s", models::sweep_run_report(runner, run, mpi.size(), log->results().size(),
                                             c.out_path, c.summary_path)
                        .c_str());
  return 0;
}

}  // namespace aimc::cli
