#include "models/data/labels.h"

#include <fstream>

#include "engine/error.h"

namespace aimc::models {

Labels::Labels(std::vector<std::string> synsets, std::vector<std::string> names)
    : synsets_(std::move(synsets)), names_(std::move(names)) {
  for (int i = 0; i < static_cast<int>(synsets_.size()); ++i) by_synset_.emplace(synsets_[i], i);
}

int Labels::index_of(const std::string& synset) const {
  auto it = by_synset_.find(synset);
  return it == by_synset_.end() ? -1 : it->second;
}

Labels load_labels(const std::string& path, int expected_classes) {
  std::ifstream in(path);
  if (!in) throw bad_input(path, "cannot open the labels file");
  std::vector<std::string> synsets, names;
  std::map<std::string, int> seen;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      throw bad_input(path, "line " + std::to_string(line_no) + " is empty");
    }
    // "n01440764 tench" -> synset + name; a bare name is allowed too.
    const auto space = line.find(' ');
    std::string synset = line.substr(0, space);
    std::string name = space == std::string::npos ? line : line.substr(space + 1);
    if (!seen.emplace(synset, line_no).second) {
      throw bad_input(path, "line " + std::to_string(line_no) + " repeats '" + synset +
                                "' of line " + std::to_string(seen[synset]));
    }
    synsets.push_back(std::move(synset));
    names.push_back(std::move(name));
  }
  if (static_cast<int>(names.size()) != expected_classes) {
    throw bad_input(path, "has " + std::to_string(names.size()) + " label lines, the model has " +
                              std::to_string(expected_classes) + " classes");
  }
  return Labels(std::move(synsets), std::move(names));
}

}  // namespace aimc::models
