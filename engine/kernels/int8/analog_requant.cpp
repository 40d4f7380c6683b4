#include "engine/kernels/int8/analog_requant.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "quant/converters.h"

namespace aimc::int8k {

TiledLayer::Emit requantizing_emit(const ChannelRequant& requant, int channels, int8_t* out) {
  return [&requant, channels, out](int64_t first, int count, const double* acc) {
    constexpr double lo = std::numeric_limits<int32_t>::min(),
                     hi = std::numeric_limits<int32_t>::max();
    std::vector<int32_t> row(channels);
    for (int p = 0; p < count; ++p) {
      for (int c = 0; c < channels; ++c)
        row[c] = static_cast<int32_t>(
            quant::round_half_away(std::clamp(acc[std::size_t(p) * channels + c], lo, hi)));
      requantize_row(requant, row.data(), channels, out + (first + p) * channels);
    }
  };
}

}  // namespace aimc::int8k
