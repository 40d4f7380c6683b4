#include "models/data/dataset.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>

#include "engine/error.h"

namespace fs = std::filesystem;

namespace aimc::models {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::vector<fs::path> sorted_entries(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

bool parse_index(const std::string& text, int& value) {
  const char* b = text.data();
  const char* e = b + text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(*b))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(e[-1]))) --e;
  auto [p, ec] = std::from_chars(b, e, value);
  return ec == std::errc() && p == e;
}

std::vector<LabeledImage> from_csv(const fs::path& csv, const Labels& labels) {
  std::ifstream in(csv);
  if (!in) throw bad_input(csv.string(), "cannot open the image list");
  std::vector<LabeledImage> out;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto comma = line.rfind(',');
    const std::string where = csv.string() + ":" + std::to_string(line_no);
    int index = -1;
    if (comma == std::string::npos || !parse_index(line.substr(comma + 1), index)) {
      if (line_no == 1) continue;  // header
      throw bad_input(where, "expected 'file,index', got '" + line + "'");
    }
    if (index < 0 || index >= labels.size()) {
      throw bad_input(where, "class index " + std::to_string(index) + " is outside [0, " +
                                 std::to_string(labels.size()) + ")");
    }
    fs::path file = line.substr(0, comma);
    if (file.is_relative()) file = csv.parent_path() / file;
    out.push_back({file.string(), index});
  }
  return out;
}

// The synset id is the file name up to the first '_' (or the stem).
int class_from_file_name(const fs::path& file, const Labels& labels) {
  const std::string stem = file.stem().string();
  return labels.index_of(stem.substr(0, stem.find('_')));
}

std::vector<LabeledImage> from_directory(const fs::path& dir, const Labels& labels) {
  std::vector<LabeledImage> out;
  for (const fs::path& entry : sorted_entries(dir)) {
    std::error_code ec;
    if (fs::is_directory(entry, ec)) {
      const int index = labels.index_of(entry.filename().string());
      if (index < 0) continue;  // not a class folder
      for (const fs::path& file : sorted_entries(entry)) {
        if (is_image_file(file.string())) out.push_back({file.string(), index});
      }
    } else if (is_image_file(entry.string())) {
      const int index = class_from_file_name(entry, labels);
      if (index < 0) {
        throw bad_input(entry.string(),
                        "file name does not start with a synset id of the labels "
                        "file (expected e.g. n01440764_tench.JPEG)");
      }
      out.push_back({entry.string(), index});
    }
  }
  return out;
}

}  // namespace

bool is_image_file(const std::string& path) {
  const std::string ext = lower(fs::path(path).extension().string());
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp";
}

std::vector<LabeledImage> discover_images(const std::string& source, const Labels& labels) {
  std::error_code ec;
  if (!fs::exists(source, ec)) {
    throw bad_input(source, "image source not found (expected a directory or a file,index CSV)");
  }
  std::vector<LabeledImage> out =
      fs::is_directory(source, ec) ? from_directory(source, labels) : from_csv(source, labels);
  if (out.empty()) throw bad_input(source, "contains no labelled images");
  return out;
}

}  // namespace aimc::models
