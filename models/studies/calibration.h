#pragma once
// ADC calibration of an analog model (range mode `calibrated`) on a
// calibration set: the first N images of a directory's calibration split
// (every `every`-th image in path order, models/data/calibration_split.h)
// or an image file, preprocessed for the model; or,
// for any model, tensors: a .npy file of N samples (first axis N, then the
// model input's shape) or a directory of .npy files (each one sample, or
// several along its first axis), in path order.
#include <string>
#include <vector>

#include "engine/model.h"
#include "models/data/calibration_split.h"
#include "models/data/preprocessing.h"

namespace aimc::models {

// The calibration images of `source`: the first `count` images of a
// directory's calibration split (all of them when it holds fewer), or the
// one image file.
std::vector<std::string> calibration_images(const std::string& source, int count,
                                            int every = kDefaultCalibrationEvery);

// True when `source` is a .npy file or a directory holding .npy files.
bool is_tensor_calibration_source(const std::string& source);

// The first `count` samples of a tensor source as one batch for the model's
// input; BadInput names the file and both shapes when they do not fit.
Tensor calibration_tensors(const std::string& source, int count, const Model& model,
                           std::vector<std::string>* files_used = nullptr);

// The first `count` samples of the source (images of its calibration split,
// preprocessed, or .npy tensors) as one batch for the model's input;
// `files_used` receives the image or .npy files.
Tensor calibration_batch(const Model& model, const std::string& source, int count, int threads,
                         const Preprocessing& p, int every, std::vector<std::string>* files_used);

// Runs the model's calibration on the source (a no-op unless the model
// needs it); returns the image or .npy files used.
std::vector<std::string> calibrate_on_images(Model& model, const std::string& source, int count,
                                             int threads, const Preprocessing& p = {},
                                             int every = kDefaultCalibrationEvery);

}  // namespace aimc::models
