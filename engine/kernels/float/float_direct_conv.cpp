#include "engine/kernels/float/float_direct_conv.h"

#include <algorithm>
#include <vector>

#include "engine/kernels/float/row_taps.h"

namespace aimc::floatk {

#if defined(AIMC_FLOAT_ROW_TAPS)
namespace {

using namespace rowtaps;
constexpr int64_t kOutBlock = 16;  // output channels per register block

// Weights as [block][c][tap][16 outputs], zero for outputs past out_c, so a
// tap's weight for output o is one broadcast from memory.
std::vector<float> block_weights(const float* w, int64_t in_c, int64_t out_c) {
  const int64_t blocks = (out_c + kOutBlock - 1) / kOutBlock;
  std::vector<float> out(static_cast<std::size_t>(blocks * in_c * 9 * kOutBlock), 0.0f);
  for (int64_t o = 0; o < out_c; ++o)
    for (int64_t c = 0; c < in_c; ++c)
      for (int t = 0; t < 9; ++t)
        out[((o / kOutBlock * in_c + c) * 9 + t) * kOutBlock + o % kOutBlock] =
            w[(o * in_c + c) * 9 + t];
  return out;
}

// One output row of one block of output channels.
template <int kStride>
void row_block(const Window& w, const float* x, int64_t in_c, const float* wb, int64_t oy,
               int64_t outs, const float* bias, const FusedClip& clip, float* y) {
  const int64_t ih = w.in[1], iw = w.in[2], ow = w.out[2], plane = w.out[1] * ow;
  for (int64_t ox = 0; ox < ow; ox += kLanes) {
    const RowTaps<kStride> cols(ox, w.pad_begin[2], iw);
    __m512 acc[kOutBlock];
    for (auto& a : acc) a = _mm512_setzero_ps();
    for (int64_t c = 0; c < in_c; ++c) {
      for (int ky = 0; ky < 3; ++ky) {
        const int64_t iy = oy * kStride - w.pad_begin[1] + ky;
        const bool inside = iy >= 0 && iy < ih;
        __m512 v[3];
        cols.load(x + (c * ih + (inside ? iy : 0)) * iw, inside, v);
        const float* wt = wb + (c * 9 + ky * 3) * kOutBlock;
#pragma GCC unroll 3
        for (int kx = 0; kx < 3; ++kx) {
#pragma GCC unroll 16
          for (int o = 0; o < kOutBlock; ++o)
            acc[o] = _mm512_fmadd_ps(_mm512_set1_ps(wt[kx * kOutBlock + o]), v[kx], acc[o]);
        }
      }
    }
    const auto lanes = static_cast<__mmask16>((1u << std::min(kLanes, ow - ox)) - 1);
    // A constant trip count: indexing acc with the runtime `outs` made GCC
    // keep the accumulators on the stack, stored and reloaded every tap row
    // (the stem ran at a quarter of the FMA rate).
#pragma GCC unroll 16
    for (int64_t o = 0; o < kOutBlock; ++o) {
      if (o >= outs) break;
      const __m512 r = _mm512_add_ps(acc[o], _mm512_set1_ps(bias ? bias[o] : 0.0f));
      _mm512_mask_storeu_ps(y + o * plane + oy * ow + ox, lanes, clip16(r, clip));
    }
  }
}

template <int kStride>
void run(const Window& w, const float* x, int64_t in_c, const std::vector<float>& wb, int64_t out_c,
         const float* bias, const FusedClip& clip, int64_t batch, float* y, int threads) {
  const int64_t blocks = (out_c + kOutBlock - 1) / kOutBlock, oh = w.out[1];
  const int64_t in_size = in_c * w.in[1] * w.in[2], plane = oh * w.out[2];
  const int64_t tasks = batch * blocks * oh;
  // Tasks run row by row (all channel blocks of a row together), so a
  // static split gives each thread a band of rows of every channel: the
  // depthwise and 1x1 convs after the stem split a plane the same way
  // (by rows or positions), and each thread finds its band in its own cache.
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t t = 0; t < tasks; ++t) {
    const int64_t b = t % blocks, oy = t / blocks % oh, n = t / blocks / oh;
    const int64_t o0 = b * kOutBlock, outs = std::min(kOutBlock, out_c - o0);
    row_block<kStride>(w, x + n * in_size, in_c, wb.data() + b * in_c * 9 * kOutBlock, oy, outs,
                       bias ? bias + o0 : nullptr, clip, y + (n * out_c + o0) * plane);
  }
}

}  // namespace
#endif

bool direct3x3_supported(const Window& w, int64_t in_c, int64_t group) {
#if defined(AIMC_FLOAT_ROW_TAPS)
  return w.in[0] == 1 && w.kernel == std::array<int64_t, 3>{1, 3, 3} &&
         w.dilation == std::array<int64_t, 3>{1, 1, 1} && group == 1 &&
         in_c <= kDirectMaxInputChannels && (w.stride[2] == 1 || w.stride[2] == 2) &&
         w.stride[1] == w.stride[2] && w.pad_begin[2] <= 2 && w.pad_end[2] <= 2;
#else
  (void)w, (void)in_c, (void)group;
  return false;
#endif
}

void direct3x3(const Window& w, const float* x, int64_t in_c, const float* weights, int64_t out_c,
               const float* bias, const FusedClip& clip, int64_t batch, float* y, int threads) {
#if defined(AIMC_FLOAT_ROW_TAPS)
  const std::vector<float> wb = block_weights(weights, in_c, out_c);
  if (w.stride[2] == 1) {
    run<1>(w, x, in_c, wb, out_c, bias, clip, batch, y, threads);
  } else {
    run<2>(w, x, in_c, wb, out_c, bias, clip, batch, y, threads);
  }
#else
  (void)w, (void)x, (void)in_c, (void)weights, (void)out_c, (void)bias, (void)clip, (void)batch,
      (void)y, (void)threads;
#endif
}

}  // namespace aimc::floatk
