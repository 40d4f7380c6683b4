#include "models/data/calibration_split.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "engine/error.h"

namespace aimc::models {

namespace fs = std::filesystem;

namespace {

// The canonical form of an existing file, so that two spellings of one
// directory name its files alike; the path as given when that fails.
std::string canonical_or_same(const std::string& path) {
  std::error_code ec;
  const fs::path c = fs::weakly_canonical(path, ec);
  return ec ? path : c.string();
}

// "8th", "2nd", "3rd", "11th", "21st".
std::string ordinal(int n) {
  const int tens = n % 100, units = n % 10;
  const char* suffix = "th";
  if (tens < 11 || tens > 13) {
    if (units == 1) suffix = "st";
    if (units == 2) suffix = "nd";
    if (units == 3) suffix = "rd";
  }
  return std::to_string(n) + suffix;
}

}  // namespace

std::vector<std::string> files_in_path_order(const std::string& dir,
                                             const std::function<bool(const std::string&)>& keep) {
  std::error_code ec;
  std::vector<std::string> paths;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec))
    if (e.is_regular_file() && keep(e.path().string())) paths.push_back(e.path().string());
  if (ec) throw bad_input(dir, "cannot list the calibration set: " + ec.message());
  std::sort(paths.begin(), paths.end());
  return paths;
}

bool in_calibration_split(std::size_t index, int every) {
  if (every < 2) throw std::invalid_argument("calibration split: every must be at least 2");
  return index % static_cast<std::size_t>(every) == 0;
}

std::vector<std::string> calibration_split(const std::string& dir, int every) {
  const std::vector<std::string> all = files_in_path_order(dir, is_image_file);
  std::vector<std::string> split;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (in_calibration_split(i, every)) split.push_back(all[i]);
  return split;
}

bool is_same_directory(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (!fs::is_directory(a, ec) || !fs::is_directory(b, ec)) return false;
  return fs::equivalent(a, b, ec) && !ec;
}

namespace {

std::vector<LabeledImage> filtered(const std::vector<LabeledImage>& images,
                                   const std::vector<std::string>& files, bool keep_listed) {
  std::set<std::string> listed;
  for (const std::string& path : files) listed.insert(canonical_or_same(path));
  std::vector<LabeledImage> kept;
  for (const LabeledImage& image : images)
    if (listed.contains(canonical_or_same(image.path)) == keep_listed) kept.push_back(image);
  return kept;
}

}  // namespace

std::vector<LabeledImage> without_files(const std::vector<LabeledImage>& images,
                                        const std::vector<std::string>& excluded) {
  return filtered(images, excluded, false);
}

std::vector<LabeledImage> only_files(const std::vector<LabeledImage>& images,
                                     const std::vector<std::string>& files) {
  return filtered(images, files, true);
}

std::string calibration_split_note(const std::string& dir, int every) {
  return "every " + ordinal(every) + " image of " + dir + " is kept for calibration";
}

}  // namespace aimc::models
