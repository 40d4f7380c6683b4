#include "models/studies/evaluation_set.h"

#include <filesystem>

#include "engine/error.h"

namespace aimc::models {

EvaluationSet evaluation_set(const EvaluationSource& source, const Labels& labels) {
  EvaluationSet set;
  set.images = discover_images(source.images, labels);
  std::error_code ec;
  std::vector<std::string> split;
  if (std::filesystem::is_directory(source.calibration, ec))
    split = calibration_split(source.calibration, source.calibration_every);
  const bool excluded = !split.empty() && is_same_directory(source.images, source.calibration);
  if (!split.empty()) {
    set.calibration_split = {{"source", source.calibration},
                             {"every", source.calibration_every},
                             {"images", split.size()},
                             {"excluded_from_evaluation", excluded}};
  }
  if (excluded) {
    const std::string note = calibration_split_note(source.calibration, source.calibration_every);
    set.images = without_files(set.images, split);
    set.note = " (" + note + ")";
    if (set.images.empty()) {
      throw bad_input(source.images, "has no image left to evaluate once its calibration split (" +
                                         note + ") is set aside; give --calibration another set");
    }
  }
  if (source.limit > 0 && static_cast<int>(set.images.size()) > source.limit)
    set.images.resize(source.limit);
  return set;
}

EvaluationSet calibration_split_set(const EvaluationSource& source, const Labels& labels) {
  std::error_code ec;
  if (!std::filesystem::is_directory(source.calibration, ec))
    throw bad_input(source.calibration,
                    "is not an image directory: a search measures on its "
                    "calibration split");
  const auto split = calibration_split(source.calibration, source.calibration_every);
  EvaluationSet set;
  set.images = only_files(discover_images(source.calibration, labels), split);
  if (set.images.empty())
    throw bad_input(source.calibration, "has no labelled image in its calibration split");
  set.calibration_split = {{"source", source.calibration},
                           {"every", source.calibration_every},
                           {"images", split.size()},
                           {"excluded_from_evaluation", true}};
  set.note = " of the calibration split (" +
             calibration_split_note(source.calibration, source.calibration_every) + ")";
  if (source.limit > 0 && static_cast<int>(set.images.size()) > source.limit)
    set.images.resize(source.limit);
  return set;
}

}  // namespace aimc::models
