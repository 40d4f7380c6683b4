#pragma once
// ADC calibration of an analog model on real images (range mode
// `calibrated`): the first N images of a directory (sorted by path, so the
// set is reproducible) or the given image files.
#include <string>
#include <vector>

#include "engine/model.h"

namespace aimc::models {

// The calibration images of `source` (a directory searched recursively, or
// one image file): its first `count` image files in path order.
std::vector<std::string> calibration_images(const std::string& source, int count);

// Runs the model's calibration on those images; returns the paths used.
std::vector<std::string> calibrate_on_images(Model& model, const std::string& source, int count,
                                             int threads);

}  // namespace aimc::models
