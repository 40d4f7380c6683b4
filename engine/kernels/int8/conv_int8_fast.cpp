#include "engine/kernels/int8/conv_int8_fast.h"

#include <algorithm>
#include <cstring>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "engine/kernels/int8/im2col.h"
#include "engine/kernels/int8/weight_zero_points.h"

namespace aimc::int8k {
namespace {

// Output pixels per GEMM panel: a multiple of the 6-row micro-tile, small
// enough that the A panel and accumulators stay in L2.
constexpr int kPanelPixels = 48;

// S = Σ_k (x − zx) of each GEMM row, for asymmetric weights: from the
// +128-offset bytes (padding bytes are zx + 128 and add nothing), or from the
// int8 input itself when the GEMM reads it in place.
void panel_row_sums(const uint8_t* a, bool a_is_int8, int rows, int k, int lda, int32_t zx,
                    int64_t* sums) {
  const int64_t offset = int64_t{k} * (a_is_int8 ? zx : zx + 128);
  for (int r = 0; r < rows; ++r) {
    const uint8_t* row = a + int64_t{r} * lda;
    int32_t s = 0;  // k · 255 fits
    if (a_is_int8) {
      for (int i = 0; i < k; ++i) s += static_cast<int8_t>(row[i]);
    } else {
      for (int i = 0; i < k; ++i) s += row[i];
    }
    sums[r] = s - offset;
  }
}

void conv_gemm(const PackedConv& p, const quant::Nhwc& in, const int8_t* input,
               const quant::Nhwc& out, int8_t* output, int threads) {
  const auto& g = p.geometry;
  const int kp = p.gemm.k_padded, np = p.gemm.n_padded;
  const auto pad_byte = static_cast<uint8_t>(p.quant.input_zero_point + 128);
  const int64_t pixels = int64_t{out.n} * out.h * out.w;
  const int64_t panels = (pixels + kPanelPixels - 1) / kPanelPixels;
  // A 1×1, stride-1, unpadded conv's im2col rows are its input rows: the GEMM
  // reads them in place (offsetting the int8 bytes as it goes).
  const bool in_place = g.kernel_h == 1 && g.kernel_w == 1 && g.stride_h == 1 && g.stride_w == 1 &&
                        g.pad_top == 0 && g.pad_left == 0 && g.pad_bottom == 0 &&
                        g.pad_right == 0 && kp == p.gemm.k && in.h == out.h && in.w == out.w;
  const bool asymmetric = !p.gemm_weight_zp.empty();
#pragma omp parallel num_threads(threads)
  {
    std::vector<uint8_t> a(in_place ? 0 : std::size_t(kPanelPixels) * kp);
    std::vector<int32_t> c(std::size_t(kPanelPixels) * np);
    std::vector<int64_t> sums(asymmetric ? kPanelPixels : 0);
    // Asymmetric weights: subtract zw[oc]·S[row] before requantizing.
    auto correct = [&](const uint8_t* rows_a, bool a_is_int8, int rows) {
      if (!asymmetric) return;
      panel_row_sums(rows_a, a_is_int8, rows, p.gemm.k, kp, p.quant.input_zero_point, sums.data());
      subtract_weight_zero_points(p.gemm_weight_zp, sums.data(), 1, p.out_channels, rows, c.data(),
                                  np);
    };
#pragma omp for schedule(static)
    for (int64_t panel = 0; panel < panels; ++panel) {
      const int64_t first = panel * kPanelPixels;
      const int rows = static_cast<int>(std::min<int64_t>(kPanelPixels, pixels - first));
      if (in_place) {
        const auto* rows_a = reinterpret_cast<const uint8_t*>(input) + first * kp;
        gemm_u8s8(rows_a, rows, kp, p.gemm, c.data(), np, /*a_is_int8=*/true);
        correct(rows_a, true, rows);
        requantize_rows(p.requant, c.data(), np, rows, p.out_channels,
                        output + first * p.out_channels);
        continue;
      }
      for (int r = 0; r < rows; ++r) {
        const int64_t px = first + r;
        const int b = static_cast<int>(px / (int64_t{out.h} * out.w));
        const int oy = static_cast<int>((px / out.w) % out.h);
        const int ox = static_cast<int>(px % out.w);
        uint8_t* row = a.data() + std::size_t(r) * kp;
        // Padding gets (zp + 128), which contributes nothing after the correction.
        im2col_pixel<uint8_t>(
            g, in, input, b, oy, ox, pad_byte,
            [](int8_t x) { return static_cast<uint8_t>(x ^ 0x80); }, row);
        std::memset(row + p.gemm.k, 0, kp - p.gemm.k);
      }
      gemm_u8s8(a.data(), rows, kp, p.gemm, c.data(), np);
      correct(a.data(), false, rows);
      requantize_rows(p.requant, c.data(), np, rows, p.out_channels,
                      output + first * p.out_channels);
    }
  }
}

// One output pixel of a depthwise conv: acc[c] = Σ_taps (x − zp)·w for every
// channel, the taps outside the input skipped (they are zero-point padding).
// The general fallback (the 3×3 row kernel below takes MobileNet's layers):
// one pass over the taps, each adding into all channels.
void depthwise_pixel(const PackedConv& p, const quant::Nhwc& in, const int8_t* input, int b, int oy,
                     int ox, int32_t* acc) {
  const auto& g = p.geometry;
  const int channels = in.c;
  const int32_t zp = p.quant.input_zero_point;
  std::fill(acc, acc + channels, 0);
  for (int ky = 0; ky < g.kernel_h; ++ky) {
    const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
    if (iy < 0 || iy >= in.h) continue;
    for (int kx = 0; kx < g.kernel_w; ++kx) {
      const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
      if (ix < 0 || ix >= in.w) continue;
      const int8_t* x = input + in.offset(b, iy, ix, 0);
      const int32_t* w = p.depthwise_taps32.data() + std::size_t(ky * g.kernel_w + kx) * channels;
      int c = 0;
#if defined(__AVX512F__)
      const __m512i vzp = _mm512_set1_epi32(zp);
      for (; c + 16 <= channels; c += 16) {
        const __m128i x8 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x + c));
        // maskz form: GCC 12 warns on the undefined source of the plain one.
        const __m512i xv = _mm512_sub_epi32(_mm512_maskz_cvtepi8_epi32(0xFFFF, x8), vzp);
        const __m512i prod = _mm512_mullo_epi32(xv, _mm512_loadu_si512(w + c));
        _mm512_storeu_si512(acc + c, _mm512_add_epi32(_mm512_loadu_si512(acc + c), prod));
      }
#endif
      for (; c < channels; ++c) acc[c] += (int32_t{x[c]} - zp) * w[c];
    }
  }
}

// A thread's three zero-point-padded input rows, slot iy mod 3, kept while it
// moves down the image: consecutive output rows share two of them (stride 1).
struct PaddedRows {
  std::vector<int8_t> data;
  int64_t key[3] = {-1, -1, -1};  // (image, input row) held by each slot
};

#if defined(__AVX512F__)
// 3×3 depthwise, undilated, channels a multiple of 16, one output row at a
// time. The row's three input rows are padded with the zero point (so no tap
// needs a bounds check and x − zp folds into the offsets); then each block of
// 16 channels keeps its 9 weight vectors in registers across the row. acc
// receives the row's [out_w][C] sums.
void depthwise3x3_row(const PackedConv& p, const quant::Nhwc& in, const int8_t* input, int b,
                      int oy, int out_w, int32_t* acc, PaddedRows& rows) {
  const auto& g = p.geometry;
  const int channels = in.c;
  const int padded_w = (out_w - 1) * g.stride_w + 3;
  const std::size_t row_len = std::size_t(padded_w) * channels;
  rows.data.resize(3 * row_len);
  const auto zp = static_cast<int8_t>(p.quant.input_zero_point);
  const int8_t* padded[3];
  for (int ky = 0; ky < 3; ++ky) {
    const int iy = oy * g.stride_h - g.pad_top + ky;
    const int slot = ((iy % 3) + 3) % 3;
    int8_t* dst = rows.data.data() + slot * row_len;
    padded[ky] = dst;
    const int64_t key = int64_t{b} * (int64_t{in.h} + 8) + (iy + 4);
    if (rows.key[slot] == key) continue;
    rows.key[slot] = key;
    if (iy < 0 || iy >= in.h) {
      std::memset(dst, zp, row_len);
      continue;
    }
    // Columns [pad_left, pad_left + in.w) hold the row; the rest is padding.
    const int first = std::min(g.pad_left, padded_w);
    const int count = std::max(0, std::min(in.w, padded_w - first));
    std::memset(dst, zp, std::size_t(first) * channels);
    std::memcpy(dst + std::size_t(first) * channels, input + in.offset(b, iy, 0, 0),
                std::size_t(count) * channels);
    std::memset(dst + std::size_t(first + count) * channels, zp,
                std::size_t(padded_w - first - count) * channels);
  }
  const int step = g.stride_w * channels;
  for (int c = 0; c < channels; c += 16) {
    __m512i w[9];
    for (int t = 0; t < 9; ++t)
      w[t] = _mm512_loadu_si512(p.depthwise_taps32.data() + std::size_t(t) * channels + c);
    const int8_t* r0 = padded[0] + c;
    const int8_t* r1 = padded[1] + c;
    const int8_t* r2 = padded[2] + c;
    auto x = [](const int8_t* q) {
      return _mm512_maskz_cvtepi8_epi32(0xFFFF,
                                        _mm_loadu_si128(reinterpret_cast<const __m128i*>(q)));
    };
    for (int ox = 0; ox < out_w; ++ox, r0 += step, r1 += step, r2 += step) {
      __m512i sum = _mm512_mullo_epi32(x(r0), w[0]);
      sum = _mm512_add_epi32(sum, _mm512_mullo_epi32(x(r0 + channels), w[1]));
      sum = _mm512_add_epi32(sum, _mm512_mullo_epi32(x(r0 + 2 * channels), w[2]));
      sum = _mm512_add_epi32(sum, _mm512_mullo_epi32(x(r1), w[3]));
      sum = _mm512_add_epi32(sum, _mm512_mullo_epi32(x(r1 + channels), w[4]));
      sum = _mm512_add_epi32(sum, _mm512_mullo_epi32(x(r1 + 2 * channels), w[5]));
      sum = _mm512_add_epi32(sum, _mm512_mullo_epi32(x(r2), w[6]));
      sum = _mm512_add_epi32(sum, _mm512_mullo_epi32(x(r2 + channels), w[7]));
      sum = _mm512_add_epi32(sum, _mm512_mullo_epi32(x(r2 + 2 * channels), w[8]));
      _mm512_storeu_si512(acc + std::size_t(ox) * channels + c, sum);
    }
  }
}
#endif

void conv_depthwise(const PackedConv& p, const quant::Nhwc& in, const int8_t* input,
                    const quant::Nhwc& out, int8_t* output, int threads) {
  [[maybe_unused]] const auto& g = p.geometry;  // the row kernel's test (AVX-512 builds)
  const int64_t rows = int64_t{out.n} * out.h;
#if defined(__AVX512F__)
  const bool row_kernel = g.kernel_h == 3 && g.kernel_w == 3 && g.dilation_h == 1 &&
                          g.dilation_w == 1 && in.c % 16 == 0;
#else
  const bool row_kernel = false;
#endif
#pragma omp parallel num_threads(threads)
  {
    std::vector<int32_t> acc(std::size_t(in.c) * (row_kernel ? out.w : 1));
    PaddedRows padded;  // the row kernel's input rows
#pragma omp for schedule(static)
    for (int64_t row = 0; row < rows; ++row) {
      const int b = static_cast<int>(row / out.h);
      const int oy = static_cast<int>(row % out.h);
      if (row_kernel) {
#if defined(__AVX512F__)
        depthwise3x3_row(p, in, input, b, oy, out.w, acc.data(), padded);
#endif
        requantize_rows(p.requant_raw_input, acc.data(), in.c, out.w, in.c,
                        output + out.offset(b, oy, 0, 0));
        continue;
      }
      for (int ox = 0; ox < out.w; ++ox) {
        depthwise_pixel(p, in, input, b, oy, ox, acc.data());
        requantize_row(p.requant, acc.data(), in.c, output + out.offset(b, oy, ox, 0));
      }
    }
  }
}

void conv_generic(const PackedConv& p, const quant::Nhwc& in, const int8_t* input,
                  const quant::Nhwc& out, int8_t* output, int threads) {
  const int64_t pixels = int64_t{out.n} * out.h * out.w;
#pragma omp parallel num_threads(threads)
  {
    std::vector<int32_t> acc(p.out_channels);
#pragma omp for schedule(static)
    for (int64_t px = 0; px < pixels; ++px) {
      const int b = static_cast<int>(px / (int64_t{out.h} * out.w));
      const int oy = static_cast<int>((px / out.w) % out.h);
      const int ox = static_cast<int>(px % out.w);
      for (int oc = 0; oc < p.out_channels; ++oc) {
        acc[oc] = quant::conv_accumulator_reference(
            p.geometry, p.quant.input_zero_point, p.quant.weight_zp(oc), in, input, p.out_channels,
            p.filter_ohwi.data(), b, oy, ox, oc);
      }
      requantize_row(p.requant, acc.data(), p.out_channels, output + px * p.out_channels);
    }
  }
}

}  // namespace

PackedConv pack_conv(const quant::ConvGeometry& geometry, const quant::ConvQuant& quant,
                     int in_channels, int out_channels, const int8_t* filter_ohwi,
                     const int32_t* bias) {
  PackedConv p;
  p.geometry = geometry;
  p.quant = quant;
  p.in_channels = in_channels;
  p.out_channels = out_channels;
  const int cin_g = in_channels / geometry.groups;
  const int taps = geometry.kernel_h * geometry.kernel_w;
  const int64_t per_oc = int64_t{taps} * cin_g;
  p.bias.assign(out_channels, 0);
  if (bias) std::copy(bias, bias + out_channels, p.bias.begin());
  p.requant = make_channel_requant(quant.per_channel, quant.output_zero_point, quant.range);
  p.requant.offset = p.bias;
  if (geometry.groups == 1) {
    p.path = ConvPath::kGemm;
    p.gemm = pack_b(filter_ohwi, static_cast<int>(per_oc), out_channels);
    p.gemm_weight_zp = weight_zero_points_per_channel(quant.weight_zero_point, out_channels);
    // Activations enter the GEMM as x + 128: subtract (zp_in + 128)·Σw.
    for (int oc = 0; oc < out_channels; ++oc) {
      p.requant.offset[oc] -= (quant.input_zero_point + 128) * p.gemm.column_sums[oc];
    }
  } else if (geometry.groups == in_channels && out_channels == in_channels) {
    p.path = ConvPath::kDepthwise;
    // The taps hold w − zw (int32 lanes have room for [−255, 255]).
    p.depthwise_taps32.resize(std::size_t(taps) * in_channels);
    p.requant_raw_input = p.requant;
    for (int c = 0; c < in_channels; ++c) {
      const int32_t zw = quant.weight_zp(c);
      int32_t sum = 0;
      for (int t = 0; t < taps; ++t) {
        const int32_t w = filter_ohwi[c * taps + t] - zw;
        p.depthwise_taps32[std::size_t(t) * in_channels + c] = w;
        sum += w;
      }
      p.requant_raw_input.offset[c] -= quant.input_zero_point * sum;
    }
  } else {
    p.path = ConvPath::kGeneric;
    p.filter_ohwi.assign(filter_ohwi, filter_ohwi + per_oc * out_channels);
  }
  return p;
}

void conv_int8_fast(const PackedConv& p, const quant::Nhwc& in, const int8_t* input,
                    const quant::Nhwc& out, int8_t* output, int threads) {
  switch (p.path) {
    case ConvPath::kGemm:
      return conv_gemm(p, in, input, out, output, threads);
    case ConvPath::kDepthwise:
      return conv_depthwise(p, in, input, out, output, threads);
    case ConvPath::kGeneric:
      return conv_generic(p, in, input, out, output, threads);
  }
}

}  // namespace aimc::int8k
