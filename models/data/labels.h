#pragma once
// ImageNet-style class labels: one "synset name" line per class, in class
// index order (../shared/models/labels.txt).
#include <map>
#include <string>
#include <vector>

namespace aimc::models {

class Labels {
 public:
  Labels(std::vector<std::string> synsets, std::vector<std::string> names);
  int size() const { return static_cast<int>(names_.size()); }
  const std::string& name(int index) const { return names_.at(index); }
  const std::string& synset(int index) const { return synsets_.at(index); }
  // Class index of a synset id such as "n01440764", or -1.
  int index_of(const std::string& synset) const;

 private:
  std::vector<std::string> synsets_;
  std::vector<std::string> names_;
  std::map<std::string, int> by_synset_;
};

// Reads a labels file; throws BadInput naming the file when it is missing,
// has a malformed or duplicate line, or has not exactly `expected_classes`
// lines (the model's class count, 1000 for ImageNet).
Labels load_labels(const std::string& path, int expected_classes = 1000);

}  // namespace aimc::models
