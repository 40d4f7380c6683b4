#include "engine/analog/tiled_layer.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/error.h"
#include "engine/graph.h"

namespace aimc {
namespace {

constexpr int kDacSpan = 512;          // inputs q − zp of int8 tensors lie within ±255
constexpr int64_t kJobsPerBlock = 64;  // rows of one GEMM: enough to amortise packing
constexpr int64_t kMinJobsPerBlock = 16;

}  // namespace

TiledLayer::TiledLayer(std::vector<AnalogBlock> blocks, int channels, uint32_t layer,
                       const AnalogConfig& config, bool integer_weights, double x_max)
    : channels_(channels), layer_(layer), config_(config) {
  uint32_t tile_base = 0;
  int adc_offset = 0;
  for (auto& b : blocks) {
    AnalogMatrix m(b.weights_nk, b.k, b.n, layer, tile_base, config, integer_weights, x_max);
    tile_base += static_cast<uint32_t>(m.adc_count());
    const int adcs = m.adc_count();
    own_ranges_.insert(own_ranges_.end(), m.own_adc_ranges().begin(), m.own_adc_ranges().end());
    blocks_.push_back({std::move(m), b.first_channel, adc_offset});
    adc_offset += adcs;
  }
  dac_table_.resize(2 * kDacSpan + 1);
  for (int v = -kDacSpan; v <= kDacSpan; ++v)
    dac_table_[v + kDacSpan] = static_cast<float>(quant::dac_encode(config.dac, v));
}

float TiledLayer::dac(int32_t v) const {
  if (v >= -kDacSpan && v <= kDacSpan) return dac_table_[v + kDacSpan];
  return static_cast<float>(quant::dac_encode(config_.dac, v));
}

float TiledLayer::dac_normalized(float v) const {
  const float levels = static_cast<float>(std::ldexp(1.0, config_.dac.bits) - 1.0);
  return std::clamp(std::round(v * levels), config_.dac.is_signed ? -levels : 0.0f, levels) /
         levels;
}

std::vector<double> TiledLayer::measure_ranges(int64_t jobs, const Gather& gather,
                                               int threads) const {
  // Calibration: every |y| each ADC sees on the calibration batch, then the
  // configured percentile (order-independent, so threads cannot change it).
  std::vector<double> ranges;
  for (int b = 0; b < blocks(); ++b) {
    const AnalogMatrix& m = blocks_[b].matrix;
    std::vector<std::vector<float>> seen(m.adc_count());
    const int64_t chunks = (jobs + kJobsPerBlock - 1) / kJobsPerBlock;
#pragma omp parallel num_threads(threads)
    {
      std::vector<std::vector<float>> mine(m.adc_count());
      std::vector<float> x(std::size_t(kJobsPerBlock) * m.rows()),
          y(std::size_t(kJobsPerBlock) * m.cols());
      std::vector<JobKey> keys(kJobsPerBlock);
      std::vector<float> scale(kJobsPerBlock);
#pragma omp for schedule(static)
      for (int64_t chunk = 0; chunk < chunks; ++chunk) {
        const int64_t first = chunk * kJobsPerBlock;
        const int count = static_cast<int>(std::min<int64_t>(kJobsPerBlock, jobs - first));
        gather(b, first, count, x.data(), keys.data(), scale.data());
        for (int s = 0; s < m.slices(); ++s)
          for (int rt = 0; rt < m.row_tiles(); ++rt) {
            m.currents(x.data(), count, s, rt, y.data());
            for (int p = 0; p < count; ++p)
              for (int j = 0; j < m.cols(); ++j)
                mine[m.adc_index(s, rt, j / config_.tile_cols)].push_back(
                    y[std::size_t(p) * m.cols() + j]);
          }
      }
#pragma omp critical
      for (std::size_t a = 0; a < seen.size(); ++a)
        seen[a].insert(seen[a].end(), mine[a].begin(), mine[a].end());
    }
    for (auto& v : seen) {
      const double r = abs_percentile(v, config_.adc_percentile);
      ranges.push_back(r > 0 ? r : 1.0);  // a tile that never conducts: any range is exact
    }
  }
  return ranges;
}

const double* TiledLayer::ranges_for(const RunContext& ctx, int64_t jobs,
                                     const Gather& gather) const {
  if (config_.adc_range != AdcRangeMode::kCalibrated) return own_ranges_.data();
  if (ctx.calibration_sink && !ctx.calibration_sink->find(layer_))
    ctx.calibration_sink->set(layer_, measure_ranges(jobs, gather, ctx.threads));
  const AdcCalibration* source = ctx.calibration_sink ? ctx.calibration_sink : ctx.calibration;
  const std::vector<double>* r = source ? source->find(layer_) : nullptr;
  if (!r) {
    throw bad_input("adc_range",
                    "'calibrated' ADC ranges need a calibration run (calibration images) "
                    "before inference");
  }
  return r->data();
}

int64_t TiledLayer::chunk_size(int64_t jobs) {
  // Small layers (the 7x7 and 14x14 ones at batch 1) still get four chunks,
  // so that both cores have work. Each job's result depends only on its own
  // row of the GEMM, never on the chunking.
  return std::clamp<int64_t>((jobs + 3) / 4, kMinJobsPerBlock, kJobsPerBlock);
}

// Results of one block's jobs in input units, y[count × cols]: the plain
// reference one job at a time, or the blocked MVM.
void TiledLayer::mvm(const AnalogMatrix& m, KernelFlavor flavor, const float* x, int count,
                     const JobKey* keys, const double* ranges, double* y,
                     MvmScratch& scratch) const {
  if (flavor == KernelFlavor::kReference) {
    for (int p = 0; p < count; ++p)
      m.mvm_reference(x + std::size_t(p) * m.rows(), keys[p], ranges,
                      y + std::size_t(p) * m.cols());
    return;
  }
  m.mvm_block(x, count, keys, ranges, y, scratch);
}

void TiledLayer::run(const RunContext& ctx, int64_t jobs, const Gather& gather, KernelFlavor flavor,
                     const Emit& emit) const {
  const double* ranges = ranges_for(ctx, jobs, gather);
  const int64_t per_chunk = chunk_size(jobs);
  const int64_t chunks = (jobs + per_chunk - 1) / per_chunk;
#pragma omp parallel num_threads(ctx.threads)
  {
    omp_set_num_threads(1);  // the sgemm calls of this thread run sequentially
    std::vector<float> x, scale(per_chunk);
    std::vector<double> y, acc(std::size_t(per_chunk) * channels_);
    std::vector<JobKey> keys(per_chunk);
    MvmScratch scratch;
#pragma omp for schedule(static)
    for (int64_t chunk = 0; chunk < chunks; ++chunk) {
      const int64_t first = chunk * per_chunk;
      const int count = static_cast<int>(std::min<int64_t>(per_chunk, jobs - first));
      bool direct = false;
      for (const Programmed& b : blocks_) {
        const AnalogMatrix& m = b.matrix;
        const int block = static_cast<int>(&b - blocks_.data());
        x.resize(std::size_t(count) * m.rows());
        y.resize(std::size_t(count) * m.cols());
        gather(block, first, count, x.data(), keys.data(), scale.data());
        const double* r = ranges + b.adc_offset;
        mvm(m, flavor, x.data(), count, keys.data(), r, y.data(), scratch);
        // One block covering every channel, unscaled (a conv): y is the result.
        direct = blocks_.size() == 1 && m.cols() == channels_ &&
                 std::all_of(scale.begin(), scale.begin() + count, [](float v) { return v == 1; });
        if (direct) break;
        for (int p = 0; p < count; ++p)
          for (int j = 0; j < m.cols(); ++j)
            acc[std::size_t(p) * channels_ + b.first_channel + j] =
                y[std::size_t(p) * m.cols() + j] * scale[p];
      }
      emit(first, count, direct ? y.data() : acc.data());
    }
  }
}

void TiledLayer::run_int32(const RunContext& ctx, int64_t jobs, const Gather& gather,
                           KernelFlavor flavor, const EmitInt32& emit) const {
  const double* ranges = ranges_for(ctx, jobs, gather);
  const int64_t per_chunk = chunk_size(jobs);
  const int64_t chunks = (jobs + per_chunk - 1) / per_chunk;
#pragma omp parallel num_threads(ctx.threads)
  {
    omp_set_num_threads(1);  // the sgemm calls of this thread run sequentially
    std::vector<float> x, scale(per_chunk);
    std::vector<double> y;
    std::vector<int32_t> acc(std::size_t(per_chunk) * channels_);
    std::vector<JobKey> keys(per_chunk);
    MvmScratch scratch;
#pragma omp for schedule(static)
    for (int64_t chunk = 0; chunk < chunks; ++chunk) {
      const int64_t first = chunk * per_chunk;
      const int count = static_cast<int>(std::min<int64_t>(per_chunk, jobs - first));
      for (const Programmed& b : blocks_) {
        const AnalogMatrix& m = b.matrix;
        const int block = static_cast<int>(&b - blocks_.data());
        x.resize(std::size_t(count) * m.rows());
        gather(block, first, count, x.data(), keys.data(), scale.data());
        const double* r = ranges + b.adc_offset;
        int32_t* out = acc.data() + b.first_channel;
        const bool unscaled =
            std::all_of(scale.begin(), scale.begin() + count, [](float v) { return v == 1; });
        if (flavor != KernelFlavor::kReference && unscaled) {
          m.mvm_block_int32(x.data(), count, keys.data(), r, out, channels_, scratch);
          continue;
        }
        y.resize(std::size_t(count) * m.cols());
        mvm(m, flavor, x.data(), count, keys.data(), r, y.data(), scratch);
        for (int p = 0; p < count; ++p)
          for (int j = 0; j < m.cols(); ++j)
            out[std::size_t(p) * channels_ + j] =
                accumulator_to_int32(y[std::size_t(p) * m.cols() + j] * scale[p]);
      }
      emit(first, count, acc.data());
    }
  }
}

uint32_t layer_index(const Graph& g, const Node& n) {
  return static_cast<uint32_t>(&n - g.nodes.data());
}

}  // namespace aimc
