#pragma once
// A model's inputs from files, by name: what `aimc run --input [NAME=]FILE`
// feeds a model of one or several inputs.
#include <string>
#include <vector>

#include "engine/model.h"
#include "engine/tensor.h"
#include "models/data/preprocessing.h"

namespace aimc::models {

// The declared dtype and shape (-1 for the batch) of each graph input.
struct ModelInput {
  std::string name;
  DType dtype = DType::kFloat32;
  Shape shape;
};
std::vector<ModelInput> model_inputs(const Model& model);

// One input from a file:
//  - an image (.jpg/.png/.bmp): decoded, resized, cropped and normalised by `p`;
//  - a raw .u8 crop (input_height × input_width × 3 RGB bytes of `p`);
//  - a raw .f32 tensor of the input's shape, batch 1;
//  - a .npy array (models/data/npy.h) of the input's dtype and shape, any batch.
// BadInput names the input, the file and both shapes when it does not fit.
Tensor load_input_file(const std::string& path, const ModelInput& input, const Preprocessing& p);

// Every input of `model` in graph order from `--input` arguments: NAME=FILE
// for each input, or one FILE for a one-input model. Refuses unknown,
// repeated or missing names and inputs of different batch sizes.
std::vector<Tensor> load_model_inputs(const std::vector<std::string>& args, const Model& model,
                                      const Preprocessing& p);

}  // namespace aimc::models
