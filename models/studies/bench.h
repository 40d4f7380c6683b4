#pragma once
// Throughput and latency of a model on fixed inputs, optionally timed
// against the digital path of the same model in the same run, and where
// the time goes per op type and per layer.
#include <string>
#include <vector>

#include "engine/model.h"

namespace aimc::models {

struct BenchTimes {
  std::vector<double> ms;  // per timed run, sorted
  double images_per_second = 0;
  double digital_images_per_second = 0;  // 0 without a digital model
  // The latency at quantile p (0..1) of the timed runs, nearest rank.
  double latency_ms(double p) const;
};

// One warm-up run, then `iterations` timed runs of `inputs` (a batch of
// `batch` images). With `digital`, its runs alternate with the model's so
// that their ratio is the cost of the emulation under the same conditions.
BenchTimes bench_model(const Model& model, const Model* digital, const std::vector<Tensor>& inputs,
                       int batch, int threads, int iterations);

// This process's peak resident set size.
double peak_rss_mb();

// Time per node over `iterations` runs — from the end of the previous node
// (or the run's start) to the end of this one — as a table per op type and
// of the slowest layers.
std::string profile_report(const Model& model, const std::vector<Tensor>& inputs, int threads,
                           int iterations);

}  // namespace aimc::models
