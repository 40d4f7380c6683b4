#pragma once
// A model's input from a file or made up: what `aimc bench` feeds the
// model. `aimc run` reads named inputs of any model (models/data/model_inputs.h).
#include <string>

#include "engine/model.h"
#include "engine/tensor.h"

namespace aimc::models {

// One input for `model`: an image (.jpg/.png/.bmp, decoded and cropped as
// the reference does), a raw 224×224×3 .u8 crop, or a raw .f32 tensor of
// the model's input shape (batch 1 when the batch is dynamic). BadInput
// names the file when its size does not fit. Always keras-mobilenet and
// input 0; model_inputs.h checks every input's dtype and shape.
Tensor load_model_input(const std::string& path, const Model& model);

// A preprocessed batch: raw float32 [batch, 3, 224, 224] (what the peer
// benchmark feeds ONNX Runtime too).
Tensor read_raw_batch(const std::string& path, int batch);

// Deterministic pseudo-random pixels (fixed seed): identical input on
// every run, so timings are comparable.
Tensor synthetic_batch(int batch);

}  // namespace aimc::models
