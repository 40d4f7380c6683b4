#pragma once
// Top-k class indices, ties broken toward the lower class index (the rule
// of the reference accuracy counts in ../shared/README.md), and the top-1 /
// top-5 counting every accuracy study shares.
#include <span>
#include <vector>

namespace aimc::models {

std::vector<int> top_k(std::span<const float> scores, int k);

// Softmax probabilities (for display), computed in double for stability.
std::vector<float> softmax(std::span<const float> logits);

// Top-1 and top-5 hits over labelled images: the one place that decides
// whether an image counts, so eval, sweep and sensitivity cannot disagree.
struct TopKCounts {
  int images = 0;
  int top1 = 0;
  int top5 = 0;

  // One image's scores and its true class index.
  void add(std::span<const float> scores, int label);
  double top1_rate() const { return images ? double(top1) / images : 0.0; }
  double top5_rate() const { return images ? double(top5) / images : 0.0; }
};

}  // namespace aimc::models
