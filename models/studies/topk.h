#pragma once
// Top-k class indices, ties broken toward the lower class index (the rule
// of the reference accuracy counts in ../shared/README.md).
#include <span>
#include <vector>

namespace aimc::models {

std::vector<int> top_k(std::span<const float> scores, int k);

// Softmax probabilities (for display), computed in double for stability.
std::vector<float> softmax(std::span<const float> logits);

}  // namespace aimc::models
