#pragma once
// Per-layer values one run measures and later runs read (the calibrated ADC
// ranges of analog layers), keyed by the layer's node name so that they are
// meaningful outside the process too (JSON records, a sweep's reuse).
#include <map>
#include <string>
#include <vector>

namespace aimc {

class LayerRanges {
 public:
  // The ranges of a layer, or nullptr.
  const std::vector<double>* find(const std::string& layer) const {
    auto it = ranges_.find(layer);
    return it == ranges_.end() ? nullptr : &it->second;
  }
  void set(const std::string& layer, std::vector<double> ranges) {
    ranges_[layer] = std::move(ranges);
  }
  const std::map<std::string, std::vector<double>>& layers() const { return ranges_; }
  bool empty() const { return ranges_.empty(); }

 private:
  std::map<std::string, std::vector<double>> ranges_;
};

// What a run reads and (in a calibration run) fills. Owned by the caller.
struct RunState {
  const LayerRanges* ranges = nullptr;
  // Set only in a calibration run: a layer without ranges measures them on
  // this batch and stores them here before producing its outputs.
  LayerRanges* ranges_sink = nullptr;
};

}  // namespace aimc
