#pragma once
// An image classifier over a loaded Model and the preprocessing its images
// get: RGB crops in, one score vector per image out (dequantized logits in
// digital mode, which keeps the int8 order and ties exactly).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/model.h"
#include "models/data/preprocessing.h"

namespace aimc::models {

// The rows of the model's [N, classes] float output for `input`;
// `first_image` keys the analog per-MVM noise. BadInput names the model
// when its output is not [N, classes] float.
std::vector<std::vector<float>> model_scores(const Model& model, const Tensor& input, int threads,
                                             int64_t first_image = 0);

class Classifier {
 public:
  explicit Classifier(Model model, Preprocessing preprocessing = {})
      : model_(std::move(model)), preprocessing_(std::move(preprocessing)) {}

  // `crops`: `batch` crops made by preprocessing() (load_crops). Returns
  // [batch][classes]. `first_image`: index of the first crop in the whole
  // run (keys analog per-MVM noise, so results do not depend on how images
  // are batched).
  std::vector<std::vector<float>> scores(std::span<const uint8_t> crops, int batch, int threads,
                                         int64_t first_image = 0) const;
  const Model& model() const { return model_; }
  const Preprocessing& preprocessing() const { return preprocessing_; }

 private:
  Model model_;
  Preprocessing preprocessing_;
};

}  // namespace aimc::models
