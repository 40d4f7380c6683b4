#include "models/studies/topk.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace aimc::models {

std::vector<int> top_k(std::span<const float> scores, int k) {
  std::vector<int> idx(scores.size());
  std::iota(idx.begin(), idx.end(), 0);
  k = std::clamp(k, 0, static_cast<int>(idx.size()));
  // Higher score first; equal scores keep the lower index first.
  std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), [&](int a, int b) {
    return scores[a] != scores[b] ? scores[a] > scores[b] : a < b;
  });
  idx.resize(k);
  return idx;
}

std::vector<float> softmax(std::span<const float> logits) {
  if (logits.empty()) return {};
  const float m = *std::max_element(logits.begin(), logits.end());
  std::vector<double> e(logits.size());
  double sum = 0;
  for (std::size_t i = 0; i < logits.size(); ++i) sum += e[i] = std::exp(double{logits[i]} - m);
  std::vector<float> p(logits.size());
  for (std::size_t i = 0; i < logits.size(); ++i) p[i] = static_cast<float>(e[i] / sum);
  return p;
}

void TopKCounts::add(std::span<const float> scores, int label) {
  const auto top = top_k(scores, 5);
  top1 += !top.empty() && top[0] == label;
  top5 += std::find(top.begin(), top.end(), label) != top.end();
  ++images;
}

}  // namespace aimc::models
