#pragma once
// An image classifier over a loaded Model: 224×224 RGB crops in, one score
// vector per image out (dequantized logits in digital mode, which keeps the
// int8 order and ties exactly).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/model.h"

namespace aimc::models {

class Classifier {
 public:
  explicit Classifier(Model model) : model_(std::move(model)) {}

  // `crops`: `batch` images of 224×224×3 bytes. Returns [batch][classes].
  // `first_image`: index of the first crop in the whole run (keys analog
  // per-MVM noise, so results do not depend on how images are batched).
  std::vector<std::vector<float>> scores(std::span<const uint8_t> crops, int batch, int threads,
                                         int64_t first_image = 0) const;
  const Model& model() const { return model_; }

 private:
  Model model_;
};

}  // namespace aimc::models
