#include "engine/kernels/float/float_depthwise.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "engine/kernels/float/row_taps.h"

namespace aimc::floatk {

#if defined(AIMC_FLOAT_ROW_TAPS)
namespace {

using rowtaps::kLanes;
using rowtaps::lane_range;

// Writing a k-mask register is slow on Zen 5 (one every two cycles or so),
// so every loop below keeps its masks fixed and reads zeros from memory
// instead of masking per row.

// The taps of one channel and the epilogue: + bias, then the clip as
// min(hi, max(lo, v)), which equals clip_value bit for bit (max and min
// return their second operand, v, for a NaN) and is the identity for
// lo = -inf, hi = +inf when there is no clip.
struct Weights {
  __m512 t[9];
  __m512 b, lo, hi;

  Weights(const float* weights, const float* bias, const FusedClip& clip, int64_t c) {
    for (int i = 0; i < 9; ++i) t[i] = _mm512_set1_ps(weights[c * 9 + i]);
    b = _mm512_set1_ps(bias ? bias[c] : 0.0f);
    lo = _mm512_set1_ps(clip.on ? clip.lo : -INFINITY);
    hi = _mm512_set1_ps(clip.on ? clip.hi : INFINITY);
  }
};

// (The maskz forms: GCC 12 warns about the undefined pass-through of the
// plain intrinsics.)
inline __m512 finish(__m512 acc, __m512 b, __m512 lo, __m512 hi) {
  return _mm512_maskz_min_ps(0xFFFF, hi, _mm512_maskz_max_ps(0xFFFF, lo, _mm512_add_ps(acc, b)));
}

// Lanes [kShift, kShift + 16) of the 32 of lo then hi.
template <int kShift>
inline __m512 shifted(__m512 lo, __m512 hi) {
  if constexpr (kShift == 0) {
    return lo;
  } else {
    return _mm512_castsi512_ps(_mm512_maskz_alignr_epi32(0xFFFF, _mm512_castps_si512(hi),
                                                         _mm512_castps_si512(lo), kShift));
  }
}

// ---------------------------------------------------------------------------
// Rows: 16 output columns per register, kRows output rows at a time, taps
// read in place with masked loads.

// The three tap vectors (kx = 0, 1, 2) of 16 outputs of one input row, as
// rowtaps::RowTaps but always masked (no branch per load).
template <int kStride>
struct Cols {
  __mmask16 m[3];
  __mmask16 store;
  int64_t offset, ox;

  Cols(int64_t ox_, int64_t left, int64_t width, int64_t ow)
      : store(lane_range(0, ow - ox_)), offset(ox_ * kStride - left), ox(ox_) {
    for (int j = 0; j < 3; ++j) {
      const int64_t start = kStride == 1 ? offset + j : offset + j * kLanes;
      m[j] = lane_range(-start, width - start);
    }
    if (kStride == 2) m[2] &= 1;
  }
  void load(const float* row, __m512 v[3]) const {
    if constexpr (kStride == 1) {
      for (int kx = 0; kx < 3; ++kx) v[kx] = _mm512_maskz_loadu_ps(m[kx], row + offset + kx);
    } else {
      const __m512i even =
          _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
      const __m512i odd =
          _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
      const __m512 a = _mm512_maskz_loadu_ps(m[0], row + offset);
      const __m512 b = _mm512_maskz_loadu_ps(m[1], row + offset + kLanes);
      const __m512 c = _mm512_maskz_loadu_ps(m[2], row + offset + 2 * kLanes);
      v[0] = _mm512_permutex2var_ps(a, even, b);
      v[1] = _mm512_permutex2var_ps(a, odd, b);
      v[2] = shifted<1>(v[0], c);
    }
  }
};

// Accumulates kRows output rows from the input rows i < kInRows (padded
// rows oy0 * kStride + i), whose tap vectors (kx = 0, 1, 2) load(i, v)
// gives. Each input row's taps are loaded once and feed every output row
// that uses them, so each output still receives its taps in (ky, kx) order.
template <int kStride, int kRows, typename Load>
[[gnu::always_inline]] inline void accumulate(const Load& load, const __m512* t,
                                              __m512 (&acc)[kRows]) {
  constexpr int kInRows = (kRows - 1) * kStride + 3;
  for (auto& a : acc) a = _mm512_setzero_ps();
#pragma GCC unroll 32
  for (int i = 0; i < kInRows; ++i) {
    __m512 v[3];
    load(i, v);
#pragma GCC unroll 3
    for (int kx = 0; kx < 3; ++kx) {
#pragma GCC unroll 16
      for (int o = 0; o < kRows; ++o) {
        const int ky = i - o * kStride;
        if (ky >= 0 && ky < 3) acc[o] = _mm512_fmadd_ps(t[ky * 3 + kx], v[kx], acc[o]);
      }
    }
  }
}

// kRows output rows of one column vector, from the input rows `rows` (rows
// outside the plane point at zeros: fma(w, 0, acc) == acc).
template <int kStride, int kRows>
[[gnu::always_inline]] inline void block(const float* const* rows, const Cols<kStride>& cols,
                                         const Weights& w, float* out, int64_t ow) {
  // Local copies: the stores below could alias `w` for the compiler.
  __m512 t[9];
  for (int k = 0; k < 9; ++k) t[k] = w.t[k];
  __m512 acc[kRows];
  accumulate<kStride, kRows>([&](int i, __m512* v) { cols.load(rows[i], v); }, t, acc);
  const __m512 b = w.b, lo = w.lo, hi = w.hi;
  const __mmask16 store = cols.store;
#pragma GCC unroll 16
  for (int o = 0; o < kRows; ++o) {
    _mm512_mask_storeu_ps(out + o * ow, store, finish(acc[o], b, lo, hi));
  }
}

constexpr int kBlockRows = 8;

template <int kStride>
struct RowPlan {
  const Window& g;
  std::vector<Cols<kStride>> cols;
  std::vector<float> zero_row;  // the input row of the taps outside the plane

  explicit RowPlan(const Window& w) : g(w), zero_row(w.in[2] + 4 * kLanes, 0.0f) {
    for (int64_t ox = 0; ox < g.out[2]; ox += kLanes) {
      cols.emplace_back(ox, g.pad_begin[2], g.in[2], g.out[2]);
    }
  }
  const float* zeros() const { return zero_row.data() + 2 * kLanes; }
};

// Where the input rows and output rows of a plane are: input row iy at
// in + (iy - in_row0) * width (only the rows the outputs read need be there),
// output row oy at out + (oy - out_row0) * output width.
struct PlaneRows {
  const float* in;
  int64_t in_row0;
  float* out;
  int64_t out_row0;
};

template <int kStride, int kRows>
[[gnu::always_inline]] inline void row_blocks(const RowPlan<kStride>& p, const PlaneRows& pr,
                                              const Weights& w, int64_t oy0) {
  constexpr int kInRows = (kRows - 1) * kStride + 3;
  const int64_t ih = p.g.in[1], iw = p.g.in[2], ow = p.g.out[2];
  const int64_t iy0 = oy0 * kStride - p.g.pad_begin[1];
  const float* rows[kInRows];
  for (int i = 0; i < kInRows; ++i) {
    rows[i] = iy0 + i >= 0 && iy0 + i < ih ? pr.in + (iy0 + i - pr.in_row0) * iw : p.zeros();
  }
  // The rows the next block adds (past the plane: the next plane's first,
  // as planes are in order), requested now: a block reads up to 17 rows of
  // a few cache lines each, more streams than the hardware prefetcher
  // follows, and the large early planes come from memory.
  // (Addresses as integers: past the last plane they leave the tensor,
  // which a prefetch may do but pointer arithmetic may not.)
  const auto next = reinterpret_cast<std::uintptr_t>(pr.in) +
                    static_cast<std::uintptr_t>((iy0 + kInRows - pr.in_row0) * iw) * sizeof(float);
  const auto next_bytes = static_cast<std::uintptr_t>(kBlockRows * kStride * iw) * sizeof(float);
  for (std::uintptr_t b = 0; b < next_bytes; b += 64) {
    _mm_prefetch(reinterpret_cast<const char*>(next + b), _MM_HINT_T0);
  }
  float* out = pr.out + (oy0 - pr.out_row0) * ow;
  for (const auto& c : p.cols) block<kStride, kRows>(rows, c, w, out + c.ox, ow);
}

// Output rows [begin, end) of one plane.
template <int kStride, int... kRem>
void row_plane(const RowPlan<kStride>& p, const PlaneRows& pr, const Weights& w, int64_t begin,
               int64_t end, std::integer_sequence<int, kRem...>) {
  int64_t oy0 = begin;
  for (; oy0 + kBlockRows <= end; oy0 += kBlockRows) {
    row_blocks<kStride, kBlockRows>(p, pr, w, oy0);
  }
  const int rem = static_cast<int>(end - oy0);
  ((rem == kRem + 1 ? row_blocks<kStride, kRem + 1>(p, pr, w, oy0) : void()), ...);
}

// ---------------------------------------------------------------------------
// Stride-1 planes of at most 64 output columns (MobileNetV2: 56, 28, 14, 7):
// each plane is first copied into a zero-padded scratch plane, 64-byte
// aligned, whose rows have a pitch q of 8, 16, 32 or 64 floats,
// padded(r, c) = input(r - top, c - left). Output (oy, ox) reads tap
// (ky, kx) at (oy + ky) q + ox + kx, so every tap of 16 outputs comes from
// two aligned loads (a load across two cache lines costs as much as two) and
// one lane shift, without masks. For q >= 16 a register holds 16 columns of
// one output row and the rows run as in place; for q = 8 it holds two rows
// of 8 (7×7 outputs waste 2 lanes in 16, not 9) and the plane is computed
// tap by tap over its registers. The lanes past the output width are
// computed and not stored.
struct SmallPlan {
  static constexpr int kRows = 7;     // q >= 16: output rows per pass
  static constexpr int kChains = 14;  // q = 8: registers per pass (FMA chains)
  int64_t q, ih, iw, top, left, oh, ow;
  float lo, hi;      // the clip (-inf, +inf: none)
  int64_t size = 0;  // floats
  // q = 8: registers (two output rows each) per pass, and in all (a multiple).
  int64_t group = 0, vectors = 0;
  struct Store {
    int64_t offset;  // of the first stored output, in the plane
    __mmask16 mask;
  };
  std::vector<Store> stores;  // q = 8: per register (mask 0: past the plane)
  __m512i pack;               // q = 8: lanes [0, ow) and [8, 8 + ow) to [0, 2 ow)

  // A padded row (left + iw) fits the pitch, and the right padding taps fall
  // on zeros (in the row, or the next row's left padding).
  static bool fits(const Window& g) {
    const int64_t iw = g.in[2], q = pitch(g.out[2]);
    return g.stride[2] == 1 && q <= 64 && g.pad_begin[2] + iw <= q && iw + g.pad_end[2] <= q;
  }
  static int64_t pitch(int64_t ow) {
    int64_t q = 8;
    while (q < ow) q *= 2;
    return q;
  }

  SmallPlan(const Window& g, const FusedClip& clip)
      : q(pitch(g.out[2])),
        ih(g.in[1]),
        iw(g.in[2]),
        top(g.pad_begin[1]),
        left(g.pad_begin[2]),
        oh(g.out[1]),
        ow(g.out[2]),
        lo(clip.on ? clip.lo : -INFINITY),
        hi(clip.on ? clip.hi : INFINITY) {
    // The output rows computed: passes of kRows from any first row (the
    // rows past the last are not stored).
    int64_t computed = oh + kRows;
    if (q == 8) {
      const int64_t count = (oh + 1) / 2, groups = (count + kChains - 1) / kChains;
      group = (count + groups - 1) / groups;
      vectors = groups * group;
      computed = 2 * vectors;
    }
    // The data rows, and the rows the computed outputs read (+ one for the
    // reads past the end of the last).
    size = std::max(top + ih, computed + 3) * q + kLanes;
    alignas(64) int32_t order[kLanes];
    for (int64_t l = 0; l < kLanes; ++l) order[l] = static_cast<int32_t>(l < ow ? l : l - ow + 8);
    pack = _mm512_load_si512(order);
    for (int64_t v = 0; v < vectors; ++v) {
      stores.push_back({2 * v * ow, lane_range(0, std::clamp<int64_t>(oh - 2 * v, 0, 2) * ow)});
    }
  }
};

// The scratch of one thread: 64-byte aligned, zero except where a plane's
// data is copied (the padding cells are never written).
class Scratch {
 public:
  explicit Scratch(int64_t size) : buf_(size + kLanes, 0.0f) {
    const auto misalign = reinterpret_cast<std::uintptr_t>(buf_.data()) % 64 / sizeof(float);
    data_ = buf_.data() + (misalign ? kLanes - misalign : 0);
  }
  float* data() const { return data_; }

 private:
  std::vector<float> buf_;
  float* data_;
};

// Copies input plane `in` into the scratch layout of `p` (pitch kQ), with
// aligned stores of whole padded rows (pairs of rows for kQ = 8).
// Only the padded rows [first, last) are copied for q >= 16 (the rows a
// range of output rows reads); q = 8 copies the whole plane.
template <int kQ>
void fill(const SmallPlan& p, const float* in, const float* zeros, float* s, int64_t first,
          int64_t last) {
  // Locals: the vector stores may alias any field for the compiler.
  const int64_t ih = p.ih, iw = p.iw, top = p.top, left = p.left;
  const auto row = [=](int64_t r) {  // padded row r, from its column 0
    const int64_t iy = r - top;
    return (iy >= 0 && iy < ih ? in + iy * iw : zeros) - left;
  };
  if constexpr (kQ == 8) {
    (void)first, (void)last;
    const __mmask16 m = lane_range(left, left + iw), m8 = static_cast<__mmask16>(m << 8);
    for (int64_t r = top / 2 * 2; r < top + ih; r += 2) {
      const __m512 v = _mm512_mask_loadu_ps(_mm512_maskz_loadu_ps(m, row(r)), m8, row(r + 1) - 8);
      _mm512_store_ps(s + r * 8, v);
    }
  } else {
    __mmask16 m[kQ / kLanes];  // of the registers of a row
    for (int c = 0; c < kQ / kLanes; ++c) {
      m[c] = lane_range(left - c * kLanes, left + iw - c * kLanes);
    }
    for (int64_t r = std::max(top, first); r < std::min(top + ih, last); ++r) {
#pragma GCC unroll 4
      for (int c = 0; c < kQ / kLanes; ++c) {
        _mm512_store_ps(s + r * kQ + c * kLanes, _mm512_maskz_loadu_ps(m[c], row(r) + c * kLanes));
      }
    }
  }
}

// q = 8: the outputs of one plane from its scratch copy, kV registers (two
// output rows each) per pass, tap by tap over the registers (kV independent
// FMA chains).
template <int kV>
void small_plane8(const SmallPlan& p, const float* s, const float* wt, float bias, float* out,
                  int64_t /*begin*/, int64_t /*end*/) {  // whole planes only
  __m512 t[9];
  for (int k = 0; k < 9; ++k) t[k] = _mm512_set1_ps(wt[k]);
  const __m512 b = _mm512_set1_ps(bias), lo = _mm512_set1_ps(p.lo), hi = _mm512_set1_ps(p.hi);
  const int64_t vectors = p.vectors;
  const SmallPlan::Store* stores = p.stores.data();
  const __m512i pack = p.pack;
  for (int64_t v0 = 0; v0 < vectors; v0 += kV) {
    // Tap (ky, kx) of register v starts at 16 v + 8 ky + kx.
    __m512 rows[kV + 2];
#pragma GCC unroll 16
    for (int v = 0; v < kV + 2; ++v) rows[v] = _mm512_load_ps(s + (v0 + v) * kLanes);
    __m512 acc[kV];
    for (auto& a : acc) a = _mm512_setzero_ps();
    const auto tap = [&]<int kK>(std::integral_constant<int, kK>) {
      constexpr int kAt = kK / 3 * 8 + kK % 3;
#pragma GCC unroll 16
      for (int v = 0; v < kV; ++v) {
        const __m512 x = shifted<kAt % kLanes>(rows[v + kAt / kLanes], rows[v + kAt / kLanes + 1]);
        acc[v] = _mm512_fmadd_ps(t[kK], x, acc[v]);
      }
    };
    [&]<int... kK>(std::integer_sequence<int, kK...>) {
      (tap(std::integral_constant<int, kK>{}), ...);
    }
    (std::make_integer_sequence<int, 9>{});
#pragma GCC unroll 16
    for (int v = 0; v < kV; ++v) {
      const __m512 r = _mm512_maskz_permutexvar_ps(0xFFFF, pack, finish(acc[v], b, lo, hi));
      const SmallPlan::Store st = stores[v0 + v];
      _mm512_mask_storeu_ps(out + st.offset, st.mask, r);
    }
  }
}

// q >= 16: kRows output rows (the first `rows` stored) from the scratch rows
// at `src`, one register of 16 columns after the other.
template <int kQ, int kRows>
[[gnu::noinline]] void small_pass(const float* src, const __m512* w, float* out, int64_t ow,
                                  int64_t rows) {
  for (int64_t c = 0; c < kQ; c += kLanes) {
    __m512 acc[kRows];
    accumulate<1, kRows>(
        [&](int i, __m512* v) {
          const __m512 a = _mm512_load_ps(src + i * kQ + c);
          const __m512 b = _mm512_load_ps(src + i * kQ + c + kLanes);
          v[0] = a;
          v[1] = shifted<1>(a, b);
          v[2] = shifted<2>(a, b);
        },
        w, acc);
    const __mmask16 store = lane_range(0, ow - c);
#pragma GCC unroll 16
    for (int o = 0; o < kRows; ++o) {
      // A mask, not a branch: GCC would sink the FMA chains into the branches.
      const __mmask16 m = o < rows ? store : 0;
      _mm512_mask_storeu_ps(out + o * ow + c, m, finish(acc[o], w[9], w[10], w[11]));
    }
  }
}

// Output rows [begin, end) of one plane.
template <int kQ>
void small_plane(const SmallPlan& p, const float* s, const float* wt, float bias, float* out,
                 int64_t begin, int64_t end) {
  constexpr int kRows = SmallPlan::kRows;
  __m512 w[12];  // the taps, bias, lo, hi
  for (int k = 0; k < 9; ++k) w[k] = _mm512_set1_ps(wt[k]);
  w[9] = _mm512_set1_ps(bias);
  w[10] = _mm512_set1_ps(p.lo);
  w[11] = _mm512_set1_ps(p.hi);
  const int64_t ow = p.ow;
  for (int64_t oy0 = begin; oy0 < end; oy0 += kRows) {
    small_pass<kQ, kRows>(s + oy0 * kQ, w, out + oy0 * ow, ow, end - oy0);
  }
}

using SmallFn = void (*)(const SmallPlan&, const float*, const float*, float, float*, int64_t,
                         int64_t);
template <int... kV>
constexpr std::array<SmallFn, sizeof...(kV)> small8_fns(std::integer_sequence<int, kV...>) {
  return {&small_plane8<kV + 1>...};
}

// The work of one thread: the planes [begin, end), each from output row
// first to row last (exclusive).
struct Share {
  int64_t begin, end, first, last;
  bool reverse = false;  // planes from end - 1 down to begin

  // The plane of step i.
  int64_t plane(int64_t i) const { return reverse ? end - 1 - i : begin + i; }
};

// Copies and computes the planes of `share`.
void small_planes(const SmallPlan& p, const float* x, const float* weights, const float* bias,
                  int64_t channels, float* y, const Share& share) {
  static constexpr auto fns8 = small8_fns(std::make_integer_sequence<int, SmallPlan::kChains>{});
  SmallFn compute = p.q == 8 ? fns8[p.group - 1] : nullptr;
  auto copy = &fill<8>;
  switch (p.q) {
    case 16:
      compute = &small_plane<16>, copy = &fill<16>;
      break;
    case 32:
      compute = &small_plane<32>, copy = &fill<32>;
      break;
    case 64:
      compute = &small_plane<64>, copy = &fill<64>;
      break;
  }
  const int64_t in_plane = p.ih * p.iw, out_plane = p.oh * p.ow;
  const std::vector<float> zero_row(p.iw + 2 * kLanes, 0.0f);
  const float* zeros = zero_row.data() + kLanes;
  const int64_t first = share.first, last = share.last, steps = share.end - share.begin;
  // Output rows [first, last) read the padded rows [first, last + 2).
  const auto fill_plane = [&](int64_t i, float* s) {
    copy(p, x + share.plane(i) * in_plane, zeros, s, first, last + 2);
  };
  // Plane i + 1 is copied before plane i is computed, into the other
  // scratch: the taps load across two stored vectors, which waits for the
  // stores to retire, and this way the wait does not also hold the
  // computation of plane i - 1.
  const Scratch scratch[2] = {Scratch(p.size), Scratch(p.size)};
  if (steps > 0) fill_plane(0, scratch[0].data());
  // The input rows of plane i + 2 are requested while plane i computes (as
  // for the in-place rows: many short runs, which the hardware prefetcher
  // does not follow).
  const int64_t row_lo = std::max<int64_t>(first - p.top, 0);
  const int64_t row_hi = std::min(last + 2 - p.top, p.ih);
  const auto prefetch_plane = [&](int64_t t) {
    if (row_lo >= row_hi) return;
    const float* from = x + t * in_plane + row_lo * p.iw;
    const int64_t floats = (row_hi - row_lo) * p.iw;
    for (int64_t f = 0; f < floats; f += kLanes)
      _mm_prefetch(reinterpret_cast<const char*>(from + f), _MM_HINT_T0);
  };
  for (int64_t i = 0; i < steps; ++i) {
    if (i + 2 < steps) prefetch_plane(share.plane(i + 2));
    if (i + 1 < steps) fill_plane(i + 1, scratch[(i + 1) % 2].data());
    const int64_t t = share.plane(i), c = t % channels;
    compute(p, scratch[i % 2].data(), weights + c * 9, bias ? bias[c] : 0.0f, y + t * out_plane,
            first, last);
  }
}

// ---------------------------------------------------------------------------

// Runs work(share) for each thread's share of [0, planes) x [0, rows) output
// rows; no output's computation depends on the split.
//
// With fewer images than threads and planes of more than kRowSplitPositions,
// every thread takes a band of rows of every plane instead of whole planes:
// the 1x1 convs before and after a depthwise split such planes by position
// (float_conv.cpp), so each thread then reads the rows it wrote itself and
// writes the rows it will read next, in its own core's cache. In the
// network at batch 1 on 2 threads the 112x112 and 56x56 depthwise layers
// took 0.150-0.172 ms with bands against 0.222-0.225 with whole planes;
// alone, with the data in one core's cache, bands are slower (the 28x28
// ones, 27 against 60 GMAC/s), and at 28x28 the network showed no gain.
constexpr int64_t kRowSplitPositions = 1024;

template <typename Work>
void for_shares(int64_t planes, int64_t channels, int64_t positions, int64_t rows, bool can_split,
                int threads, const Work& work) {
  // An OpenMP region costs about a microsecond even for one thread.
  if (threads <= 1) {
    work(Share{0, planes, 0, rows});
    return;
  }
  const bool by_rows = can_split && planes / channels < threads && positions > kRowSplitPositions;
#pragma omp parallel for num_threads(threads) schedule(static, 1)
  for (int i = 0; i < threads; ++i) {
    // Odd threads run their planes backwards: neighbouring bands share a
    // cache line at their border, and threads writing the same plane at the
    // same moment would pass it back and forth.
    work(by_rows ? Share{0, planes, rows * i / threads, rows * (i + 1) / threads, i % 2 == 1}
                 : Share{planes * i / threads, planes * (i + 1) / threads, 0, rows});
  }
}

template <int kStride>
void run(const Window& g, const float* x, const float* weights, const float* bias,
         const FusedClip& clip, int64_t planes, int64_t channels, float* y, int threads) {
  const int64_t in_plane = g.in[1] * g.in[2], out_plane = g.out[1] * g.out[2];
  if (kStride == 1 && SmallPlan::fits(g)) {
    const SmallPlan p(g, clip);
    for_shares(planes, channels, in_plane, g.out[1], p.q != 8, threads,
               [&](const Share& s) { small_planes(p, x, weights, bias, channels, y, s); });
    return;
  }
  const RowPlan<kStride> p(g);
  for_shares(planes, channels, in_plane, g.out[1], true, threads, [&](const Share& s) {
    for (int64_t i = 0; i < s.end - s.begin; ++i) {
      const int64_t t = s.plane(i);
      row_plane<kStride>(p, PlaneRows{x + t * in_plane, 0, y + t * out_plane, 0},
                         Weights(weights, bias, clip, t % channels), s.first, s.last,
                         std::make_integer_sequence<int, kBlockRows - 1>{});
    }
  });
}

template <int kStride>
void run_band(const Window& g, const DepthwiseBand& b, int64_t channels, const float* weights,
              const float* bias, const FusedClip& clip, int64_t begin, int64_t end) {
  const RowPlan<kStride> p(g);
  for (int64_t c = 0; c < channels; ++c) {
    row_plane<kStride>(p,
                       PlaneRows{b.in + c * b.in_channel_stride, b.in_row0,
                                 b.out + c * b.out_channel_stride, b.out_row0},
                       Weights(weights, bias, clip, c), begin, end,
                       std::make_integer_sequence<int, kBlockRows - 1>{});
  }
}

}  // namespace
#endif

bool depthwise3x3_supported(const Window& w, int64_t channels, int64_t group, int64_t out_c) {
#if defined(AIMC_FLOAT_ROW_TAPS)
  return w.in[0] == 1 && w.kernel == std::array<int64_t, 3>{1, 3, 3} &&
         w.dilation == std::array<int64_t, 3>{1, 1, 1} && group == channels && out_c == channels &&
         (w.stride[2] == 1 || w.stride[2] == 2) && w.stride[1] == w.stride[2] &&
         w.pad_begin[2] <= 2 && w.pad_end[2] <= 2;
#else
  (void)w, (void)channels, (void)group, (void)out_c;
  return false;
#endif
}

void depthwise3x3(const Window& w, const float* x, const float* weights, const float* bias,
                  const FusedClip& clip, int64_t batch, int64_t channels, float* y, int threads) {
#if defined(AIMC_FLOAT_ROW_TAPS)
  if (w.stride[2] == 1) {
    run<1>(w, x, weights, bias, clip, batch * channels, channels, y, threads);
  } else {
    run<2>(w, x, weights, bias, clip, batch * channels, channels, y, threads);
  }
#else
  (void)w, (void)x, (void)weights, (void)bias, (void)clip, (void)batch, (void)channels, (void)y,
      (void)threads;
#endif
}

void depthwise3x3_band(const Window& w, const DepthwiseBand& band, int64_t channels,
                       const float* weights, const float* bias, const FusedClip& clip,
                       int64_t begin, int64_t end) {
#if defined(AIMC_FLOAT_ROW_TAPS)
  if (w.stride[2] == 1) {
    run_band<1>(w, band, channels, weights, bias, clip, begin, end);
  } else {
    run_band<2>(w, band, channels, weights, bias, clip, begin, end);
  }
#else
  (void)w, (void)band, (void)channels, (void)weights, (void)bias, (void)clip, (void)begin,
      (void)end;
#endif
}

}  // namespace aimc::floatk
