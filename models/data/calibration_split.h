#pragma once
// The calibration split of an image directory. Calibration is never
// evaluation: the images that calibrate anything (calibrated ADC ranges)
// are not the images an accuracy is reported on. In path order (the image
// files under the directory, recursively, sorted by path) image i belongs to
// the calibration split iff i % every == 0. With every = 8 (the default),
// 100 of the 800 shared images calibrate and the other 700 are evaluated.
// Calibration draws from the split (models/studies/calibration.h);
// evaluating the same directory leaves it out
// (models/studies/evaluation_set.h).
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "models/data/dataset.h"

namespace aimc::models {

inline constexpr int kDefaultCalibrationEvery = 8;

// The files under `dir` (recursively) that `keep` accepts, sorted by path:
// the reproducible order of calibration sets. BadInput naming `dir` when it
// cannot be listed.
std::vector<std::string> files_in_path_order(const std::string& dir,
                                             const std::function<bool(const std::string&)>& keep);

// Whether the image at `index` of the path order calibrates (every >= 2;
// std::invalid_argument otherwise).
bool in_calibration_split(std::size_t index, int every);

// The calibration split of the image files under `dir`, in path order.
std::vector<std::string> calibration_split(const std::string& dir, int every);

// Whether `a` and `b` name the same existing directory (canonical paths
// compared, so "x/../shared" and a symlink to it count); false when either
// is missing or not a directory.
bool is_same_directory(const std::string& a, const std::string& b);

// `images` without the files of `excluded` (compared by canonical path), in
// their order.
std::vector<LabeledImage> without_files(const std::vector<LabeledImage>& images,
                                        const std::vector<std::string>& excluded);

// `images` that are among `files` (compared by canonical path), in their order.
std::vector<LabeledImage> only_files(const std::vector<LabeledImage>& images,
                                     const std::vector<std::string>& files);

// "every 8th image of DIR is kept for calibration", for summary lines.
std::string calibration_split_note(const std::string& dir, int every);

}  // namespace aimc::models
