#include "engine/kernels/int8/analog_requant.h"

namespace aimc::int8k {

TiledLayer::EmitInt32 requantizing_emit(const ChannelRequant& requant, int channels, int8_t* out) {
  return [&requant, channels, out](int64_t first, int count, const int32_t* acc) {
    requantize_rows(requant, acc, channels, count, channels, out + first * channels);
  };
}

}  // namespace aimc::int8k
