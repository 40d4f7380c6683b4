#pragma once
// Calibrated ADC ranges (range mode `calibrated`, DESIGN §3): per analog
// layer, one range per ADC, measured as a percentile of |y| on calibration
// images. Filled once by a calibration run, then read by every later run;
// the JSON result of a run records them.
#include <cstdint>
#include <map>
#include <span>
#include <vector>

namespace aimc {

class AdcCalibration {
 public:
  // The ranges of a layer (keyed by its node index), or nullptr.
  const std::vector<double>* find(uint32_t layer) const;
  void set(uint32_t layer, std::vector<double> ranges);
  const std::map<uint32_t, std::vector<double>>& layers() const { return ranges_; }
  bool empty() const { return ranges_.empty(); }

 private:
  std::map<uint32_t, std::vector<double>> ranges_;
};

// Nearest-rank percentile (p in (0, 100]) of |values|; reorders values.
double abs_percentile(std::span<float> values, double p);

}  // namespace aimc
