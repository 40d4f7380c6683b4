// Throughput of the int8 kernels and of the whole MobileNetV2 (images/s),
// optimized against reference, measured in the same run:
//   cmake -B build-bench -G Ninja -DAIMC_BENCHMARKS=ON && ninja -C build-bench aimc_kernels_bench
//   build-bench/benchmarks/aimc_kernels_bench
#include <benchmark/benchmark.h>

#include <chrono>
#include <filesystem>
#include <random>

#if defined(__AVX512VNNI__)
#include <immintrin.h>
#endif

#include "engine/kernels/int8/conv_int8_fast.h"
#include "engine/model.h"
#include "quant/conv_ref.h"

namespace aimc {
namespace {

struct ConvSetup {
  quant::ConvGeometry g;
  quant::ConvQuant q;
  quant::Nhwc in, out;
  std::vector<int8_t> input, filter, output;
  std::vector<int32_t> bias;
  int64_t macs = 0;
};

ConvSetup conv_setup(int h, int w, int cin, int cout, int k, int stride, int groups) {
  ConvSetup s;
  std::mt19937 rng(1);
  s.g.kernel_h = s.g.kernel_w = k;
  s.g.stride_h = s.g.stride_w = stride;
  s.g.groups = groups;
  if (k == 3) s.g.pad_top = s.g.pad_left = s.g.pad_bottom = s.g.pad_right = stride == 1 ? 1 : 0;
  if (k == 3 && stride == 2) s.g.pad_bottom = s.g.pad_right = 1;
  s.q.input_zero_point = -128;
  s.q.output_zero_point = -128;
  for (int i = 0; i < cout; ++i) s.q.per_channel.push_back(quant::quantize_multiplier(0.003));
  s.in = {1, h, w, cin};
  s.out = {1, s.g.out_h(h), s.g.out_w(w), cout};
  auto fill = [&](std::vector<int8_t>& v, std::size_t n) {
    v.resize(n);
    for (auto& x : v) x = static_cast<int8_t>(rng());
  };
  fill(s.input, s.in.size());
  fill(s.filter, std::size_t(cout) * k * k * (cin / groups));
  s.bias.assign(cout, 100);
  s.output.resize(s.out.size());
  s.macs = s.out.size() * k * k * (cin / groups);
  return s;
}

// The machine's int8 peak, measured rather than looked up: each thread runs
// 12 independent vpdpbusd chains on registers (more chains than the unit's
// latency × throughput, no memory traffic), 64 MACs per instruction. The
// rate is what the hottest int8 instruction can deliver here; the kernels'
// GMAC/s below are read against it.
double vnni_peak_gmacs(int threads) {
#if defined(__AVX512VNNI__)
  constexpr int kChains = 12;
  constexpr int64_t kSteps = 4'000'000;
  const auto t0 = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(threads)
  {
    __m512i acc[kChains];
    for (auto& a : acc) a = _mm512_setzero_si512();
    __m512i x = _mm512_set1_epi32(0x01010101), w = _mm512_set1_epi32(0x01020304);
    benchmark::DoNotOptimize(x);
    benchmark::DoNotOptimize(w);
    for (int64_t i = 0; i < kSteps; ++i)
      for (auto& a : acc) a = _mm512_dpbusd_epi32(a, x, w);
    for (auto& a : acc) benchmark::DoNotOptimize(a);
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return double(threads) * kSteps * kChains * 64 / s / 1e9;
#else
  (void)threads;
  return 0;
#endif
}

void BM_VnniPeak(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  for (auto _ : state) state.counters["GMAC/s"] = vnni_peak_gmacs(threads);
}
BENCHMARK(BM_VnniPeak)->Arg(1)->Arg(2)->ArgName("threads")->Iterations(3)->UseRealTime();

void run_conv(benchmark::State& state, ConvSetup s, bool reference) {
  const int threads = static_cast<int>(state.range(0));
  const auto packed = int8k::pack_conv(s.g, s.q, s.in.c, s.out.c, s.filter.data(), s.bias.data());
  for (auto _ : state) {
    if (reference) {
      quant::conv_int8_reference(s.g, s.q, s.in, s.input.data(), s.out.c, s.filter.data(),
                                 s.bias.data(), s.out, s.output.data());
    } else {
      int8k::conv_int8_fast(packed, s.in, s.input.data(), s.out, s.output.data(), threads);
    }
    benchmark::DoNotOptimize(s.output.data());
  }
  state.counters["GMAC/s"] =
      benchmark::Counter(double(s.macs) * state.iterations() / 1e9, benchmark::Counter::kIsRate);
  // GOP/s counts a MAC as two operations. Compare GMAC/s with BM_VnniPeak
  // (same thread count) for the share of the machine's int8 peak.
  state.counters["GOP/s"] = benchmark::Counter(2.0 * double(s.macs) * state.iterations() / 1e9,
                                               benchmark::Counter::kIsRate);
}

void BM_Pointwise56x56x24to144(benchmark::State& st) {
  run_conv(st, conv_setup(56, 56, 24, 144, 1, 1, 1), false);
}
void BM_Depthwise112x112x32(benchmark::State& st) {
  run_conv(st, conv_setup(112, 112, 32, 32, 3, 1, 32), false);
}
void BM_FirstConv224s2(benchmark::State& st) {
  run_conv(st, conv_setup(224, 224, 3, 32, 3, 2, 1), false);
}
void BM_Pointwise56x56x24to144_Reference(benchmark::State& st) {
  run_conv(st, conv_setup(56, 56, 24, 144, 1, 1, 1), true);
}
BENCHMARK(BM_Pointwise56x56x24to144)->Arg(1)->Arg(2)->ArgName("threads")->UseRealTime();
BENCHMARK(BM_Depthwise112x112x32)->Arg(1)->Arg(2)->ArgName("threads")->UseRealTime();
BENCHMARK(BM_FirstConv224s2)->Arg(1)->Arg(2)->ArgName("threads")->UseRealTime();
BENCHMARK(BM_Pointwise56x56x24to144_Reference)->Arg(1)->ArgName("threads")->UseRealTime();

// Whole network. The reference path's images/s at batch 1 is measured once in
// the same process, so every optimized row reports its ratio to it.
std::string model_path() {
  return std::string(AIMC_BENCH_SHARED_DIR) + "/models/mobilenetv2_int8_qdq.onnx";
}

Tensor random_input(int batch) {
  Tensor t(DType::kFloat32, {batch, 3, 224, 224});
  std::mt19937 rng(3);
  float* x = t.data<float>();
  for (int64_t i = 0; i < t.size(); ++i) x[i] = static_cast<float>(rng() % 256) / 127.5f - 1.0f;
  return t;
}

double measure_images_per_second(const Model& m, int batch, int threads, int runs) {
  const Tensor in = random_input(batch);
  m.run({in}, RunContext{threads});
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < runs; ++i) m.run({in}, RunContext{threads});
  return batch * runs /
         std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void BM_MobileNetV2(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  const bool reference = state.range(2) != 0;
  if (!std::filesystem::exists(model_path())) {
    state.SkipWithError(("model not found: " + model_path()).c_str());
    return;
  }
  ModelOptions opt;
  opt.kernels.flavor = reference ? KernelFlavor::kReference : KernelFlavor::kOptimized;
  const Model m = Model::load(model_path(), opt);
  const Tensor in = random_input(batch);
  m.run({in}, RunContext{threads});  // warm-up
  const auto t0 = std::chrono::steady_clock::now();
  for (auto _ : state) {
    auto out = m.run({in}, RunContext{threads});
    benchmark::DoNotOptimize(out.outputs.data());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double ips = double(state.iterations()) * batch / seconds;
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["images_per_s"] = ips;
  if (!reference) {
    // The reference flavor with the same threads, batch 1, in this process.
    ModelOptions ref_opt;
    ref_opt.kernels.flavor = KernelFlavor::kReference;
    const double ref_ips =
        measure_images_per_second(Model::load(model_path(), ref_opt), 1, threads, 2);
    state.counters["reference_images_per_s"] = ref_ips;
    state.counters["speedup_vs_reference"] = ips / ref_ips;
  }
}
BENCHMARK(BM_MobileNetV2)
    ->ArgNames({"batch", "threads", "reference"})
    ->Args({1, 1, 0})
    ->Args({1, 2, 0})
    ->Args({8, 1, 0})
    ->Args({8, 2, 0})
    ->Iterations(24)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MobileNetV2)
    ->ArgNames({"batch", "threads", "reference"})
    ->Args({1, 1, 1})
    ->Iterations(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace aimc

BENCHMARK_MAIN();
