#pragma once
// Per-layer values one run measures and later runs read (the calibrated ADC
// ranges of analog layers), keyed by the layer's node name so that they are
// meaningful outside the process too (JSON records, a sweep's reuse).
#include <cstdint>
#include <functional>
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

// The second moment of one crossbar block's inputs, what GPTQ weighs
// rounding errors with (quant/gptq.h): Σ x·xᵀ over every job, x the DAC's
// inputs in units of its grid step. They are integers, so the int64 sums
// are exact and do not depend on how jobs are split over threads or batches.
struct InputMoments {
  int k = 0, n = 0;
  int64_t jobs = 0;
  std::vector<int64_t> xx;  // [k × k]
  // The block's weights [n × k] (kept only by an ideal twin measuring for
  // GPTQ), and whether they are an int8 model's levels.
  std::vector<float> weights_nk;
  bool integer_weights = false;
};

// Input moments by layer name, then block.
using LayerMoments = std::map<std::string, std::vector<InputMoments>>;

// What a run reads and (in a calibration run) fills. Owned by the caller.
struct RunState {
  const LayerRanges* ranges = nullptr;
  // Set only in a calibration run: a layer without ranges measures them on
  // this batch and stores them here before producing its outputs.
  LayerRanges* ranges_sink = nullptr;
  // Set only when measuring for GPTQ: every crossbar layer adds the input
  // moments of its blocks on this batch.
  LayerMoments* moments_sink = nullptr;
};

// The values a layer keeps in the run state under `key`: in a calibration run
// measured into the sink when it has none yet, then read from the sink (or,
// outside calibration, from the stored values). Null when neither has them.
inline const std::vector<double>* calibrated_values(
    const RunState& state, const std::string& key,
    const std::function<std::vector<double>()>& measure) {
  if (state.ranges_sink && !state.ranges_sink->find(key)) state.ranges_sink->set(key, measure());
  const LayerRanges* source = state.ranges_sink ? state.ranges_sink : state.ranges;
  return source ? source->find(key) : nullptr;
}

}  // namespace aimc
