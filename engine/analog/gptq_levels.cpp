#include "engine/analog/gptq_levels.h"

#include "engine/analog/tile_grid.h"
#include "engine/analog/weight_mapping.h"
#include "quant/conductance_mapping.h"
#include "quant/gptq.h"

namespace aimc {

AnalogConfig gptq_twin(const AnalogConfig& c) {
  constexpr int kExactAdcBits = 28;  // as the `ideal` preset: never rounds an integer sum away
  constexpr int kFloatWeightBits = 16;
  AnalogConfig twin = c;
  twin.device = "ideal";
  twin.faults = {};
  twin.out_noise = 0;
  twin.t_inf = 0;
  twin.compensation = DriftCompensation::kNone;
  twin.adc_bits = kExactAdcBits;
  twin.adc_signed = true;
  twin.adc_range = AdcRangeMode::kMax;
  twin.weight_bits = kFloatWeightBits;  // >= 8: an int8 model's own levels
  twin.slice_bits = 0;
  twin.weight_quantizer = WeightQuantizer::kRound;
  twin.pairs_per_weight = 1;
  twin.verify_iterations = 1;
  twin.drift_predistortion_time = 0;
  twin.affine_correction = false;  // exact tiles need none, and it would need a calibration run
  twin.draw_cache = nullptr;
  return twin;
}

WeightLevelTable gptq_weight_levels(const LayerMoments& moments, const AnalogConfig& c) {
  WeightLevelTable table;
  for (const auto& [layer, blocks] : moments) {
    for (std::size_t b = 0; b < blocks.size(); ++b) {
      const InputMoments& m = blocks[b];
      if (!weights_quantized(c, m.integer_weights) || m.weights_nk.empty()) continue;
      const TileGrid grid(m.k, m.n, c.tile_rows, c.tile_cols);
      const double levels = quant::weight_levels(c.weight_bits);
      const std::vector<double> scale = weight_scales(m.weights_nk, grid, c.weight_scaling);
      const std::vector<double> h(m.xx.begin(), m.xx.end());
      const quant::GptqGrid on{c.tile_rows, levels, scale};
      table.set(layer, static_cast<int>(b),
                {m.n, m.k,
                 quant::gptq_levels(m.weights_nk, m.n, m.k, h, on, c.gptq_damping, c.gptq_order)});
    }
  }
  return table;
}

}  // namespace aimc
