#include "models/studies/sweep_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <utility>

#include "engine/analog/analog_config_json.h"
#include "engine/onnx_import.h"
#include "models/data/crops.h"
#include "models/studies/calibration.h"
#include "models/studies/evaluate.h"
#include "models/studies/output_file.h"

namespace aimc::models {
namespace {

std::string csv_value(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// Mean and sample standard deviation.
std::pair<double, double> mean_std(const std::vector<double>& v) {
  double m = 0, s = 0;
  for (double x : v) m += x;
  m /= double(v.size());
  for (double x : v) s += (x - m) * (x - m);
  return {m, v.size() > 1 ? std::sqrt(s / double(v.size() - 1)) : 0.0};
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

nlohmann::json sweep_header(const SweepGrid& grid, const SweepSetup& setup,
                            const std::string& images_source, std::size_t image_count,
                            const nlohmann::json& calibration_split) {
  // Where the preprocessing came from does not change a result.
  nlohmann::json preprocessing = preprocessing_to_json(setup.preprocessing);
  preprocessing.erase("origin");
  nlohmann::json header = {{"sweep",
                            {{"grid", grid.identity()},
                             {"model", setup.model_path},
                             {"images", images_source},
                             {"image_count", image_count},
                             {"calibration_split", calibration_split},
                             {"preprocessing", preprocessing}}},
                           {"aimc", setup.version}};
  for (const auto& e : setup.placement.entries)
    header["sweep"]["placement"].push_back({e.layer, unit_name(e.unit), e.cjob});
  return header;
}

std::string default_summary_path(const std::string& results_path) {
  const auto dot = results_path.rfind('.');
  const auto slash = results_path.find_last_of('/');
  const bool has_extension =
      dot != std::string::npos && (slash == std::string::npos || dot > slash);
  return (has_extension ? results_path.substr(0, dot) : results_path) + ".csv";
}

std::string sweep_run_report(const SweepRunner& runner, const SweepRunStats& run, int ranks,
                             std::size_t results, const std::string& out_path,
                             const std::string& summary_path) {
  const int n = runner.image_count();
  char line[1024];
  std::snprintf(line, sizeof line,
                "sweep: %zu points x %d seeds on %d rank(s), %zu results in %s, summary in %s\n",
                runner.points().size(), runner.grid().seeds, ranks, results, out_path.c_str(),
                summary_path.c_str());
  std::string report = line;
  std::snprintf(line, sizeof line,
                "sweep: this run computed %d items, %lld inferences in %.2f s (%.1f "
                "inferences/s), %d calibration run(s) on rank 0\n",
                run.computed, static_cast<long long>(run.computed) * n, run.seconds,
                run.seconds > 0 ? double(run.computed) * n / run.seconds : 0.0,
                runner.calibration_runs());
  return report + line;
}

std::string sweep_summary_csv(const SweepGrid& grid, const std::vector<nlohmann::json>& results) {
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
    const auto [m1, s1] = mean_std(t1);
    const auto [m5, s5] = mean_std(t5);
    for (const auto& k : grid.keys) out << csv_value(p[k]) << ',';
    out << t1.size() << ',' << images << ',' << m1 << ',' << s1 << ',' << m5 << ',' << s5 << '\n';
  }
  return out.str();
}

void order_seed_major(std::vector<int>& items, int seeds) {
  std::stable_sort(items.begin(), items.end(), [&](int a, int b) {
    return std::pair{a % seeds, a / seeds} < std::pair{b % seeds, b / seeds};
  });
}

SweepRunner::SweepRunner(SweepGrid grid, SweepSetup setup, std::vector<LabeledImage> images)
    : grid_(std::move(grid)),
      setup_(std::move(setup)),
      images_(std::move(images)),
      points_(grid_.points()),
      graph_(import_onnx_file(setup_.model_path)),
      draws_(setup_.reuse ? std::make_shared<DrawCache>() : nullptr) {
  check_preprocessing_fits(setup_.preprocessing, graph_);
  std::vector<std::string> paths;
  for (const auto& im : images_) paths.push_back(im.path);
  crops_ = load_crops(paths, setup_.threads, setup_.preprocessing);
}

SweepRunner::SweepRunner(SweepGrid grid, SweepSetup setup, MnistEvaluation mnist)
    : grid_(std::move(grid)),
      setup_(std::move(setup)),
      mnist_(std::move(mnist)),
      points_(grid_.points()),
      graph_(import_onnx_file(setup_.model_path)),
      draws_(setup_.reuse ? std::make_shared<DrawCache>() : nullptr) {
  mnist_sample_shape(graph_, mnist_->data);
}

void SweepRunner::calibrate(Model& model, const AnalogConfig& config) {
  // Points that differ only in what the calibration does not see share
  // one calibration run.
  // An affine correction is fitted on the evaluated chip itself: only
  // points with the whole configuration equal share it.
  const std::string chip =
      analog_config_to_json(config.affine_correction ? config : calibration_chip(config)).dump();
  const auto hit = calibrations_.find(chip);
  if (setup_.reuse && hit != calibrations_.end()) {
    model.set_adc_calibration(hit->second);
    return;
  }
  if (mnist_) {
    calibrate_on_mnist(model, *mnist_, config.calibration_images, setup_.threads);
  } else {
    calibrate_on_images(model, setup_.calibration, config.calibration_images, setup_.threads,
                        setup_.preprocessing, setup_.calibration_every);
  }
  ++calibration_runs_;
  if (setup_.reuse) calibrations_[chip] = model.adc_calibration();
}

nlohmann::json SweepRunner::run_item(int item) {
  const auto& point = points_[item / grid_.seeds];
  const int seed = item % grid_.seeds + 1;
  const auto t0 = std::chrono::steady_clock::now();
  ModelOptions opt;
  opt.mode = ExecMode::kAnalog;
  opt.analog = point_config(grid_, point, seed, setup_.grid_where);
  if (setup_.reuse && seed != cached_seed_) {
    draws_->clear();
    calibrations_.clear();
  }
  cached_seed_ = seed;
  opt.analog.draw_cache = draws_;
  opt.placement = setup_.placement;
  prepare_weight_levels(graph_, opt,
                        {setup_.model_path, setup_.calibration, setup_.threads,
                         setup_.preprocessing, setup_.calibration_every},
                        setup_.reuse ? &gptq_levels_ : nullptr);
  Model model = Model::from_graph(graph_, opt);
  if (model.needs_calibration()) calibrate(model, opt.analog);
  const EvalOptions eo{setup_.batch, setup_.threads};
  TopKCounts counts;
  if (mnist_)
    counts = evaluate_mnist(model, *mnist_, eo);
  else
    counts =
        evaluate_crops(Classifier(std::move(model), setup_.preprocessing), crops_, images_, eo);
  const int n = image_count();
  return nlohmann::json{{"point", point},
                        {"seed", seed},
                        {"top1", counts.top1_rate()},
                        {"top5", counts.top5_rate()},
                        {"images", n},
                        {"seconds", seconds_since(t0)},
                        {"aimc", setup_.version}};
}

SweepRunStats run_sweep(SweepRunner& runner, const SweepComm& comm, ResultsLog* log,
                        const std::string& summary_path, const SweepProgress& progress) {
  const SweepGrid& grid = runner.grid();
  std::vector<int> pending;
  if (comm.rank() == 0) {
    for (int item = 0; item < runner.item_count(); ++item)
      if (!log->done(runner.points()[item / grid.seeds], item % grid.seeds + 1))
        pending.push_back(item);
  }
  comm.broadcast(pending);
  order_seed_major(pending, grid.seeds);
  const auto step = static_cast<std::size_t>(comm.size());
  SweepRunStats stats;
  if (comm.rank() != 0) {
    for (auto k = static_cast<std::size_t>(comm.rank()); k < pending.size(); k += step)
      comm.send_to_root(runner.run_item(pending[k]).dump());
    return stats;
  }
  // Rank 0 computes items 0, size, 2·size, ... and records everyone's.
  const auto start = std::chrono::steady_clock::now();
  const int total = runner.item_count();
  const int64_t n = runner.image_count();
  stats.finished = total - static_cast<int>(pending.size());
  auto record = [&](const nlohmann::json& result) {
    log->append(result);
    write_file_atomically(summary_path, sweep_summary_csv(grid, log->results()));
    ++stats.computed;
    ++stats.finished;
    if (progress) progress(stats.finished, total, stats.computed * n, (total - stats.finished) * n);
  };
  if (progress) progress(stats.finished, total, 0, (total - stats.finished) * n);
  for (std::size_t k = 0; k < pending.size(); k += step) {
    record(runner.run_item(pending[k]));
    while (auto m = comm.receive(false)) record(nlohmann::json::parse(*m));
  }
  while (stats.computed < static_cast<int>(pending.size()))
    record(nlohmann::json::parse(*comm.receive(true)));
  write_file_atomically(summary_path, sweep_summary_csv(grid, log->results()));
  stats.seconds = seconds_since(start);
  return stats;
}

}  // namespace aimc::models
