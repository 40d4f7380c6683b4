#pragma once
// Labelled image sets, from three sources:
//  - a directory of files named after their synset ("n01440764_tench.JPEG");
//  - an ImageFolder layout (DIR/<synset>/<any name>.jpg);
//  - a CSV file of "file,index" lines (paths relative to the CSV's directory;
//    a first line that does not parse as an index is taken as a header).
#include <string>
#include <vector>

#include "models/data/labels.h"

namespace aimc::models {

struct LabeledImage {
  std::string path;
  int class_index = -1;
};

// True for the file extensions the decoder reads (.jpg .jpeg .png .bmp, any case).
bool is_image_file(const std::string& path);

// Images sorted by path, so runs are reproducible. Throws BadInput naming the
// directory, file or CSV line when a label cannot be determined or nothing is found.
std::vector<LabeledImage> discover_images(const std::string& source, const Labels& labels);

}  // namespace aimc::models
