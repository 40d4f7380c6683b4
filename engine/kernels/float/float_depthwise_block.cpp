#include "engine/kernels/float/float_depthwise_block.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "engine/kernels/float/float_depthwise.h"

namespace aimc::floatk {

bool depthwise_block_supported() { return pointwise_supported(); }

namespace {

// The geometry of the bands: `band` output rows at a time, reading at most
// `held` depthwise input rows, which the buffer holds per channel.
struct Bands {
  int64_t band, held;
};

Bands plan_bands(const Window& g, int64_t channels, int64_t budget) {
  const int64_t s = g.stride[1], k = g.kernel[1];
  const int64_t row_bytes = channels * g.in[2] * int64_t{sizeof(float)};
  const int64_t fit = std::max<int64_t>(k, budget / row_bytes);
  const int64_t band = std::min(g.out[1], (fit - k) / s + 1);
  return {band, (band - 1) * s + k};
}

// One thread's buffers: the expanded input rows (with an expansion) and the
// depthwise output band (with a projection).
struct Buffers {
  std::unique_ptr<float[]> held, band;
};

// Output rows [first, last) of one image, band after band.
void image_rows(const DepthwiseBlock& f, const Bands& bands, const float* x, int64_t channels,
                int64_t out_channels, float* y, const float* residual, int64_t first, int64_t last,
                const Buffers& buf) {
  const Window& g = f.depthwise;
  const int64_t h = g.in[1], w = g.in[2], s = g.stride[1], top = g.pad_begin[1];
  const int64_t ow = g.out[2], out_plane = g.out_size();
  const int64_t pitch = bands.held * w;  // of a channel in buf.held
  int64_t held_lo = 0, held_hi = 0;      // the input rows in buf.held
  for (int64_t o0 = first; o0 < last; o0 += bands.band) {
    const int64_t o1 = std::min(last, o0 + bands.band);
    // The input rows these outputs read (the others are the zero padding).
    const int64_t lo = std::clamp<int64_t>(o0 * s - top, 0, h);
    const int64_t hi = std::clamp<int64_t>((o1 - 1) * s - top + g.kernel[1], 0, h);
    DepthwiseBand dw{x, 0, g.in_size(), y, 0, out_plane};
    if (f.expand.weights) {
      // Rows the previous band expanded and this one reads again move to
      // the front (a few rows a band) instead of being expanded twice.
      float* held = buf.held.get();
      int64_t kept = 0;
      if (lo >= held_lo && lo < held_hi) {
        kept = std::min(held_hi, hi) - lo;
        if (lo > held_lo) {
          for (int64_t c = 0; c < channels; ++c) {
            float* row0 = held + c * pitch;
            std::memmove(row0, row0 + (lo - held_lo) * w,
                         static_cast<std::size_t>(kept * w) * sizeof(float));
          }
        }
      }
      const int64_t from = lo + kept;
      if (hi > from) {
        pointwise_tile(*f.expand.weights, 0, 0, channels, x + from * w, h * w, (hi - from) * w,
                       f.expand.bias, f.expand.clip, held + kept * w, pitch);
      }
      held_lo = lo;
      held_hi = std::max(hi, lo);
      dw.in = held;
      dw.in_row0 = lo;
      dw.in_channel_stride = pitch;
    }
    if (f.project.weights) {
      dw.out = buf.band.get();
      dw.out_row0 = o0;
      dw.out_channel_stride = bands.band * ow;
    }
    depthwise3x3_band(g, dw, channels, f.depthwise_weights, f.depthwise_bias, f.depthwise_clip, o0,
                      o1);
    if (f.project.weights) {
      const int64_t at = o0 * ow;
      pointwise_tile(*f.project.weights, 0, 0, out_channels, buf.band.get(), bands.band * ow,
                     (o1 - o0) * ow, f.project.bias, f.project.clip, y + at, out_plane,
                     residual ? residual + at : nullptr);
    }
  }
}

}  // namespace

void depthwise_block(const DepthwiseBlock& f, const float* x, int64_t batch, int64_t in_channels,
                     int64_t channels, int64_t out_channels, float* y, const float* residual,
                     int threads) {
  const Window& g = f.depthwise;
  const Bands bands = plan_bands(g, channels, f.band_bytes);
  const int64_t in_image = in_channels * g.in_size(), out_image = out_channels * g.out_size();
  const int64_t rows = g.out[1];
  // One thread's work: images [n0, n1), output rows [first, last) of each.
  const auto work = [&](int64_t n0, int64_t n1, int64_t first, int64_t last) {
    Buffers buf;
    if (f.expand.weights) {
      buf.held = std::make_unique_for_overwrite<float[]>(
          static_cast<std::size_t>(channels * bands.held * g.in[2]));
    }
    // + a register of slack: the projection's loads of a channel's last
    // positions run on into the next channel (or past the last, masked).
    if (f.project.weights) {
      buf.band = std::make_unique_for_overwrite<float[]>(
          static_cast<std::size_t>(channels * bands.band * g.out[2] + 16));
    }
    for (int64_t n = n0; n < n1; ++n) {
      image_rows(f, bands, x + n * in_image, channels, out_channels, y + n * out_image,
                 residual ? residual + n * out_image : nullptr, first, last, buf);
    }
  };
  if (threads <= 1) {
    work(0, batch, 0, rows);
    return;
  }
  // With fewer images than threads every thread takes a band of rows of
  // every image: the 1x1 conv before splits large planes by position, so
  // each thread mostly reads rows it wrote itself.
  const bool by_rows = batch < threads;
#pragma omp parallel for num_threads(threads) schedule(static, 1)
  for (int i = 0; i < threads; ++i) {
    if (by_rows) {
      work(0, batch, rows * i / threads, rows * (i + 1) / threads);
    } else {
      work(batch * i / threads, batch * (i + 1) / threads, 0, rows);
    }
  }
}

}  // namespace aimc::floatk
