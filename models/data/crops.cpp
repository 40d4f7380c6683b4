#include "models/data/crops.h"

#include <algorithm>
#include <exception>

#include "models/data/image_decode.h"
#include "models/data/preprocess.h"

namespace aimc::models {

std::vector<uint8_t> load_crops(const std::vector<std::string>& paths, int threads,
                                const Preprocessing& p) {
  const std::size_t bytes = crop_bytes(p);
  std::vector<uint8_t> crops(paths.size() * bytes);
  std::vector<std::exception_ptr> errors(paths.size());
#pragma omp parallel for num_threads(threads) schedule(dynamic)
  for (std::size_t i = 0; i < paths.size(); ++i) {
    try {
      const RgbImage crop = preprocess_image(decode_image_file(paths[i]), p);
      std::copy(crop.pixels.begin(), crop.pixels.end(), crops.begin() + i * bytes);
    } catch (...) {
      errors[i] = std::current_exception();  // exceptions must not cross the OpenMP region
    }
  }
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  return crops;
}

}  // namespace aimc::models
