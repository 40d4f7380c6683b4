#include "engine/kernels/int8/analog_requant.h"

namespace aimc::int8k {

TiledLayer::EmitInt32 requantizing_emit(const ChannelRequant& requant, int channels, int8_t* out) {
  return [&requant, channels, out](int64_t first, int count, const int32_t* acc) {
    for (int p = 0; p < count; ++p)
      requantize_row(requant, acc + std::size_t(p) * channels, channels,
                     out + (first + p) * channels);
  };
}

}  // namespace aimc::int8k
