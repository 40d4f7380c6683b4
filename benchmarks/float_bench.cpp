// The float kernels against the machine's fp32 peak (BM_FmaPeak): which
// GEMM the float convolutions use (oneDNN's sgemm, Eigen's, our own packed
// register kernel, or the fused 1x1 kernel; the issue asks for whichever is
// faster here), and the float 3x3 depthwise.
//   cmake -B build -DAIMC_BENCHMARKS=ON && cmake --build build --target aimc_float_bench
//   build/benchmarks/aimc_float_bench
#include <benchmark/benchmark.h>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <random>
#include <vector>

#define EIGEN_DONT_PARALLELIZE
#include <Eigen/Core>

#include "engine/kernels/float/float_depthwise.h"
#include "engine/kernels/float/float_depthwise_block.h"
#include "engine/kernels/float/float_direct_conv.h"
#include "engine/kernels/float/float_gemm_core.h"
#include "engine/kernels/float/float_pointwise.h"
#include "engine/linalg/sgemm.h"

namespace aimc {
namespace {

std::vector<float> random_floats(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// The machine's fp32 peak on one thread, measured rather than looked up: 12
// independent vfmadd231ps chains on registers (more chains than the FMA
// latency x throughput, no memory traffic), 16 MACs per instruction. The
// kernels' GMAC/s below are read against it.
void BM_FmaPeak(benchmark::State& state) {
#if defined(__AVX512F__)
  constexpr int kChains = 12;
  constexpr int64_t kSteps = 1'000'000;
  for (auto _ : state) {
    __m512 acc[kChains];
    for (int c = 0; c < kChains; ++c) acc[c] = _mm512_set1_ps(static_cast<float>(c));
    // acc * 0.5 + 1 stays finite and normal (it converges to 2).
    __m512 a = _mm512_set1_ps(0.5f), b = _mm512_set1_ps(1.0f);
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
    for (int64_t i = 0; i < kSteps; ++i)
      for (auto& x : acc) x = _mm512_fmadd_ps(x, a, b);
    for (auto& x : acc) benchmark::DoNotOptimize(x);
  }
  state.counters["GMAC/s"] = benchmark::Counter(
      double(kChains) * kSteps * 16 * state.iterations() / 1e9, benchmark::Counter::kIsRate);
#else
  state.SkipWithError("no AVX-512 on this build");
#endif
}
BENCHMARK(BM_FmaPeak)->Iterations(5);

// C[m×n] = A[m×k]·B[k×n] for the conv shapes of MobileNetV2 (1x1 convs:
// m = output channels, k = input channels, n = pixels).
struct GemmShape {
  int64_t m, n, k;
};
GemmShape shape_of(const benchmark::State& s) { return {s.range(0), s.range(1), s.range(2)}; }

void report(benchmark::State& state, const GemmShape& g) {
  state.counters["GMAC/s"] = benchmark::Counter(double(g.m * g.n * g.k) * state.iterations() / 1e9,
                                                benchmark::Counter::kIsRate);
}

void BM_FloatGemm_OneDnn(benchmark::State& state) {
  const GemmShape g = shape_of(state);
  const auto a = random_floats(g.m * g.k, 1), b = random_floats(g.k * g.n, 2);
  std::vector<float> c(g.m * g.n);
  for (auto _ : state) {
    sgemm(a.data(), g.k, b.data(), g.n, c.data(), g.n, g.m, g.n, g.k);
    benchmark::DoNotOptimize(c.data());
  }
  report(state, g);
}

void BM_FloatGemm_Eigen(benchmark::State& state) {
  const GemmShape g = shape_of(state);
  using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const auto a = random_floats(g.m * g.k, 1), b = random_floats(g.k * g.n, 2);
  std::vector<float> c(g.m * g.n);
  const Eigen::Map<const RowMajor> ma(a.data(), g.m, g.k), mb(b.data(), g.k, g.n);
  Eigen::Map<RowMajor> mc(c.data(), g.m, g.n);
  for (auto _ : state) {
    mc.noalias() = ma * mb;
    benchmark::DoNotOptimize(c.data());
  }
  report(state, g);
}

// Our packed 6x16 register kernel (float_gemm_core), weights packed once
// outside the loop as a conv would, input panels packed per call.
void BM_FloatGemm_OwnKernel(benchmark::State& state) {
  const GemmShape g = shape_of(state);
  const auto a = random_floats(g.m * g.k, 1), b = random_floats(g.k * g.n, 2);
  std::vector<float> c(g.m * g.n), pa(floatk::packed_a_size(g.m, g.k)),
      pb(floatk::packed_b_size(g.k, g.n));
  floatk::pack_a(a.data(), g.m, g.k, g.k, 1, pa.data());
  for (auto _ : state) {
    floatk::pack_b(b.data(), g.k, g.n, g.n, 1, pb.data());
    floatk::gemm_packed(pa.data(), pb.data(), g.m, g.n, g.k, c.data(), g.n, nullptr);
    benchmark::DoNotOptimize(c.data());
  }
  report(state, g);
}

// A float 1x1 conv as the Conv kernel runs it on one task: oneDNN's sgemm,
// then the bias + ReLU6 pass, against the fused kernel of float_pointwise.h.
void BM_FloatPointwise_OneDnnThenEpilogue(benchmark::State& state) {
  const GemmShape g = shape_of(state);
  const auto a = random_floats(g.m * g.k, 1), b = random_floats(g.k * g.n, 2),
             bias = random_floats(g.m, 3);
  std::vector<float> c(g.m * g.n);
  const floatk::FusedClip relu6{true, 0.0f, 6.0f};
  for (auto _ : state) {
    sgemm(a.data(), g.k, b.data(), g.n, c.data(), g.n, g.m, g.n, g.k);
    for (int64_t i = 0; i < g.m; ++i)
      for (int64_t j = 0; j < g.n; ++j) c[i * g.n + j] = relu6(c[i * g.n + j] + bias[i]);
    benchmark::DoNotOptimize(c.data());
  }
  report(state, g);
}

void BM_FloatPointwise_Fused(benchmark::State& state) {
  const GemmShape g = shape_of(state);
  if (!floatk::pointwise_supported()) {
    state.SkipWithError("no AVX-512 float pointwise kernel on this build");
    return;
  }
  const auto a = random_floats(g.m * g.k, 1), b = random_floats(g.k * g.n, 2),
             bias = random_floats(g.m, 3);
  std::vector<float> c(g.m * g.n);
  const floatk::PointwiseWeights packed(a.data(), 1, g.m, g.k);
  const floatk::FusedClip relu6{true, 0.0f, 6.0f};
  for (auto _ : state) {
    floatk::pointwise_tile(packed, 0, 0, g.m, b.data(), g.n, g.n, bias.data(), relu6, c.data(),
                           g.n);
    benchmark::DoNotOptimize(c.data());
  }
  report(state, g);
}

void gemm_shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"m", "n", "k"});
  b->Args({144, 3136, 24})->Args({24, 3136, 144})->Args({192, 784, 32});
  b->Args({384, 196, 64})->Args({960, 49, 160})->Args({1280, 49, 320});
}
// MobileNetV2's 1x1 convs at batch 1 as one task of the Conv kernel splits
// them (112x112 planes in tiles of 448 positions, 56x56 of 392, smaller
// planes whole with the rows split in up to four).
void pointwise_shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"m", "n", "k"});
  b->Args({96, 448, 16})->Args({16, 448, 32})->Args({144, 392, 24})->Args({24, 392, 144});
  b->Args({96, 196, 32})->Args({32, 196, 192})->Args({96, 196, 64})->Args({144, 196, 96});
  b->Args({240, 49, 160})->Args({40, 49, 960})->Args({320, 49, 320});
}
BENCHMARK(BM_FloatGemm_OneDnn)->Apply(gemm_shapes);
BENCHMARK(BM_FloatGemm_Eigen)->Apply(gemm_shapes);
BENCHMARK(BM_FloatGemm_OwnKernel)->Apply(gemm_shapes);
BENCHMARK(BM_FloatPointwise_OneDnnThenEpilogue)->Apply(pointwise_shapes);
BENCHMARK(BM_FloatPointwise_Fused)->Apply(pointwise_shapes);

// A 3x3 window on h x h planes with stride s and TF SAME padding.
floatk::Window same_window_3x3(int64_t h, int64_t s) {
  floatk::Window w;
  w.in = {1, h, h};
  w.kernel = {1, 3, 3};
  w.stride = {1, s, s};
  w.pad_begin = {0, s == 1 ? 1 : 0, s == 1 ? 1 : 0};
  w.pad_end = {0, 1, 1};
  w.out = {1, (h - 1) / s + 1, (h - 1) / s + 1};
  return w;
}

// 3x3 depthwise on [1, C, H, W] with stride s, SAME padding, ReLU6 fused.
void BM_FloatDepthwise(benchmark::State& state) {
  const int64_t c = state.range(0), h = state.range(1), s = state.range(2);
  const int threads = static_cast<int>(state.range(3));
  const floatk::Window w = same_window_3x3(h, s);
  if (!floatk::depthwise3x3_supported(w, c, c, c)) {
    state.SkipWithError("no AVX-512 float depthwise on this build");
    return;
  }
  const auto x = random_floats(c * h * h, 1), wt = random_floats(c * 9, 2),
             bias = random_floats(c, 3);
  std::vector<float> y(c * w.out[1] * w.out[2]);
  const floatk::FusedClip relu6{true, 0.0f, 6.0f};
  for (auto _ : state) {
    floatk::depthwise3x3(w, x.data(), wt.data(), bias.data(), relu6, 1, c, y.data(), threads);
    benchmark::DoNotOptimize(y.data());
  }
  state.counters["GMAC/s"] = benchmark::Counter(double(y.size()) * 9 * state.iterations() / 1e9,
                                                benchmark::Counter::kIsRate);
}
// Every depthwise shape of MobileNetV2, at batch 1 on 1 and 2 threads (wall
// time: the threads' work overlaps).
BENCHMARK(BM_FloatDepthwise)
    ->ArgNames({"c", "hw", "stride", "threads"})
    ->ArgsProduct({{32}, {112}, {1}, {1, 2}})
    ->ArgsProduct({{96}, {112}, {2}, {1, 2}})
    ->ArgsProduct({{144}, {56}, {1, 2}, {1, 2}})
    ->ArgsProduct({{192}, {28}, {1, 2}, {1, 2}})
    ->ArgsProduct({{384}, {14}, {1}, {1, 2}})
    ->ArgsProduct({{576}, {14}, {1, 2}, {1, 2}})
    ->ArgsProduct({{960}, {7}, {1}, {1, 2}})
    ->UseRealTime();

// MobileNetV2's inverted residual blocks (cin -> c channels, 1x1 + ReLU6,
// 3x3 stride s + ReLU6, 1x1 -> co channels) at batch 1 on 1 and 2 threads:
// fused, band by band (kernels/float/float_depthwise_block.h, band_kb: the
// buffer of expanded rows per thread), against the three kernels one after
// the other through whole tensors (band_kb = 0, each split as in the
// network). GMAC/s of the three convs.
void BM_FloatDepthwiseBlock(benchmark::State& state) {
  const int64_t cin = state.range(0), c = state.range(1), co = state.range(2);
  const int64_t h = state.range(3), s = state.range(4);
  const int threads = static_cast<int>(state.range(5));
  const int64_t band_kb = state.range(6);
  const floatk::Window w = same_window_3x3(h, s);
  if (!floatk::depthwise_block_supported()) {
    state.SkipWithError("no AVX-512 float kernels on this build");
    return;
  }
  const auto x = random_floats(cin * h * h, 1), ew = random_floats(c * cin, 2),
             eb = random_floats(c, 3), dw = random_floats(c * 9, 4), db = random_floats(c, 5),
             pw = random_floats(co * c, 6), pb = random_floats(co, 7);
  const floatk::PointwiseWeights expand(ew.data(), 1, c, cin), project(pw.data(), 1, co, c);
  const int64_t out_plane = w.out[1] * w.out[2];
  std::vector<float> mid(band_kb ? 0 : c * h * h), dwo(band_kb ? 0 : c * out_plane),
      y(co * out_plane);
  const floatk::FusedClip relu6{true, 0.0f, 6.0f};
  const floatk::DepthwiseBlock f{{&expand, eb.data(), relu6},
                                 w,
                                 dw.data(),
                                 db.data(),
                                 relu6,
                                 {&project, pb.data(), {}},
                                 band_kb << 10};
  // As the Conv kernel splits a plane: four column tiles of equal size.
  const auto pointwise = [&](const floatk::PointwiseWeights& pwt, int64_t rows, const float* in,
                             const float* bias, const floatk::FusedClip& clip, float* out,
                             int64_t plane) {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int t = 0; t < 4; ++t) {
      const int64_t p0 = plane * t / 4, p1 = plane * (t + 1) / 4;
      floatk::pointwise_tile(pwt, 0, 0, rows, in + p0, plane, p1 - p0, bias, clip, out + p0, plane);
    }
  };
  for (auto _ : state) {
    if (band_kb > 0) {
      floatk::depthwise_block(f, x.data(), 1, cin, c, co, y.data(), nullptr, threads);
    } else {
      pointwise(expand, c, x.data(), eb.data(), relu6, mid.data(), h * h);
      floatk::depthwise3x3(w, mid.data(), dw.data(), db.data(), relu6, 1, c, dwo.data(), threads);
      pointwise(project, co, dwo.data(), pb.data(), {}, y.data(), out_plane);
    }
    benchmark::DoNotOptimize(y.data());
  }
  const double macs = double(c) * h * h * cin + double(c) * out_plane * (9 + co);
  state.counters["GMAC/s"] =
      benchmark::Counter(macs * state.iterations() / 1e9, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FloatDepthwiseBlock)
    ->ArgNames({"cin", "c", "co", "hw", "stride", "threads", "band_kb"})
    ->ArgsProduct({{16}, {96}, {24}, {112}, {2}, {1, 2}, {0, 384}})
    ->ArgsProduct({{24}, {144}, {24, 32}, {56}, {1, 2}, {1, 2}, {0, 384}})
    ->ArgsProduct({{32}, {192}, {32, 64}, {28}, {1, 2}, {1, 2}, {0, 384}})
    ->ArgsProduct({{64}, {384}, {64}, {14}, {1}, {1, 2}, {0, 384, 4096}})
    ->UseRealTime();

// MobileNetV2's stem: 3x3 stride-2 conv, 3 -> 32 channels, 224 -> 112
// (TF SAME padding), ReLU6 fused, at batch 1 on 1 and 2 threads.
void BM_FloatStem(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  floatk::Window w;
  w.in = {1, 224, 224};
  w.kernel = {1, 3, 3};
  w.stride = {1, 2, 2};
  w.pad_begin = {0, 0, 0};
  w.pad_end = {0, 1, 1};
  w.out = {1, 112, 112};
  if (!floatk::direct3x3_supported(w, 3, 1)) {
    state.SkipWithError("no AVX-512 float direct conv on this build");
    return;
  }
  const auto x = random_floats(3 * 224 * 224, 1), wt = random_floats(32 * 3 * 9, 2),
             bias = random_floats(32, 3);
  std::vector<float> y(32 * 112 * 112);
  const floatk::FusedClip relu6{true, 0.0f, 6.0f};
  for (auto _ : state) {
    floatk::direct3x3(w, x.data(), 3, wt.data(), 32, bias.data(), relu6, 1, y.data(), threads);
    benchmark::DoNotOptimize(y.data());
  }
  state.counters["GMAC/s"] = benchmark::Counter(double(y.size()) * 27 * state.iterations() / 1e9,
                                                benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FloatStem)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime();

}  // namespace
}  // namespace aimc

BENCHMARK_MAIN();
