#include "engine/analog/tiled_layer.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/analog/adc_calibration.h"
#include "engine/analog/adc_ranges.h"
#include "engine/analog/weight_mapping.h"
#include "engine/error.h"
#include "engine/graph.h"
#include "quant/gptq.h"

namespace aimc {
namespace {

constexpr int kDacSpan = 512;          // inputs q − zp of int8 tensors lie within ±255
constexpr int64_t kJobsPerBlock = 64;  // rows of one GEMM: enough to amortise packing
constexpr int64_t kMinJobsPerBlock = 16;

// What one thread of a run reuses from chunk to chunk; Acc is the type of
// the accumulators it emits (double, or int32 for integer layers).
template <class Acc>
struct ChunkBuffers {
  ChunkBuffers(int64_t per_chunk, int channels)
      : scale(per_chunk), acc(std::size_t(per_chunk) * channels), keys(per_chunk) {}
  std::vector<float> x, scale;  // the gathered DAC inputs and job scales of one block
  std::vector<double> y;        // one block's results in input units
  std::vector<Acc> acc;         // [jobs × channels] the chunk's accumulators
  std::vector<JobKey> keys;
  MvmScratch scratch;
};

// The chunk loop of every run: jobs split into fixed chunks over the
// threads; per chunk each block gathers its inputs and `block(b, count,
// unscaled, buffers)` computes its results into buffers.acc (returning null)
// or returns the chunk's whole result itself; then `emit` receives it.
// Each job's result depends only on its own row, never on the chunking.
template <class Acc, class Blocks, class Block, class Emit>
void chunk_loop(const Blocks& blocks, int channels, int threads, int64_t jobs, int64_t per_chunk,
                const TiledLayer::Gather& gather, const Block& block, const Emit& emit) {
  const int64_t chunks = (jobs + per_chunk - 1) / per_chunk;
#pragma omp parallel num_threads(threads)
  {
    omp_set_num_threads(1);  // the sgemm calls of this thread run sequentially
    ChunkBuffers<Acc> buf(per_chunk, channels);
#pragma omp for schedule(static)
    for (int64_t chunk = 0; chunk < chunks; ++chunk) {
      const int64_t first = chunk * per_chunk;
      const int count = static_cast<int>(std::min<int64_t>(per_chunk, jobs - first));
      const Acc* result = buf.acc.data();
      for (std::size_t b = 0; b < blocks.size(); ++b) {
        buf.x.resize(std::size_t(count) * blocks[b].matrix.rows());
        gather(static_cast<int>(b), first, count, buf.x.data(), buf.keys.data(), buf.scale.data());
        const bool unscaled = std::all_of(buf.scale.begin(), buf.scale.begin() + count,
                                          [](float v) { return v == 1; });
        if (const Acc* whole = block(blocks[b], count, unscaled, buf)) {
          result = whole;
          break;
        }
      }
      emit(first, count, result);
    }
  }
}

}  // namespace

TiledLayer::TiledLayer(std::vector<AnalogBlock> blocks, int channels, uint32_t layer,
                       std::string name, const AnalogBackend& backend, bool integer_weights,
                       double x_max)
    : channels_(channels),
      name_(std::move(name)),
      config_(backend.config),
      integer_weights_(integer_weights) {
  const AnalogConfig& config = backend.config;
  const double dac_levels = std::ldexp(1.0, config.dac.bits) - 1.0;
  dac_step_ = integer_weights ? std::max(1.0, config.dac.full_scale / dac_levels) : 1 / dac_levels;
  uint32_t tile_base = 0;
  int adc_offset = 0;
  for (auto& b : blocks) {
    const int index = static_cast<int>(blocks_.size());
    std::span<const int16_t> chosen;
    if (const WeightLevelTable* table = backend.weight_levels.get()) {
      // A layer the calibration never ran has no levels: plain rounding.
      if (const BlockLevels* l = table->find(name_, index)) {
        if (l->n != b.n || l->k != b.k)
          throw bad_input(name_, "GPTQ weight levels do not fit this layer's weights");
        chosen = l->q;
      }
    } else if (config.weight_quantizer == WeightQuantizer::kGptq &&
               weights_quantized(config, integer_weights)) {
      throw bad_input("weight_quantizer",
                      "'gptq' needs weight levels computed on calibration images before layer '" +
                          name_ + "' is programmed");
    }
    if (backend.keep_weights) kept_weights_.push_back(b.weights_nk);
    AnalogMatrix m(b.weights_nk, b.k, b.n, layer, tile_base, config, integer_weights, x_max,
                   chosen);
    tile_base += static_cast<uint32_t>(m.adc_count());
    const int adcs = m.adc_count();
    own_ranges_.insert(own_ranges_.end(), m.own_adc_ranges().begin(), m.own_adc_ranges().end());
    blocks_.push_back({std::move(m), b.first_channel, adc_offset});
    adc_offset += adcs;
  }
  if (config.affine_correction) reference_ = std::move(blocks);
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
    for (auto& v : seen) ranges.push_back(calibrated_range(v, config_.adc_percentile));
  }
  return ranges;
}

std::vector<int64_t> TiledLayer::block_moments(int b, int64_t jobs, const Gather& gather,
                                               int threads) const {
  const int k = blocks_[b].matrix.rows();
  const int64_t per_chunk = quant::kMomentJobsPerChunk;
  const int64_t chunks = (jobs + per_chunk - 1) / per_chunk;
  std::vector<int64_t> total(std::size_t(k) * k, 0);
#pragma omp parallel num_threads(threads)
  {
    std::vector<int64_t> mine(total.size(), 0);
    std::vector<float> x(std::size_t(per_chunk) * k), scale(per_chunk);
    std::vector<double> steps(x.size());
    std::vector<JobKey> keys(per_chunk);
#pragma omp for schedule(static)
    for (int64_t chunk = 0; chunk < chunks; ++chunk) {
      const int64_t first = chunk * per_chunk;
      const int count = static_cast<int>(std::min(per_chunk, jobs - first));
      gather(b, first, count, x.data(), keys.data(), scale.data());
      // In DAC steps the inputs are integers, and their products sum exactly.
      for (std::size_t i = 0; i < std::size_t(count) * k; ++i)
        steps[i] = std::round(double(x[i]) / dac_step_);
      quant::add_second_moment(steps, count, k, mine);
    }
    // Integer sums: the order the threads add them in changes nothing.
#pragma omp critical
    for (std::size_t i = 0; i < total.size(); ++i) total[i] += mine[i];
  }
  return total;
}

void TiledLayer::add_input_moments(LayerMoments& sink, int64_t jobs, const Gather& gather,
                                   int threads) const {
  std::vector<InputMoments>& layer = sink[name_];
  if (layer.empty()) {
    for (int b = 0; b < blocks(); ++b) {
      const AnalogMatrix& m = blocks_[b].matrix;
      layer.push_back(
          {m.rows(), m.cols(), 0, std::vector<int64_t>(std::size_t(m.rows()) * m.rows()),
           kept_weights_.empty() ? std::vector<float>{} : kept_weights_[b], integer_weights_});
    }
  }
  if (static_cast<int>(layer.size()) != blocks())
    throw bad_input(name_, "two crossbar layers of this name measure input moments");
  // A layer run several times in one pass (a recurrent step) adds every run.
  for (int b = 0; b < blocks(); ++b) {
    const std::vector<int64_t> xx = block_moments(b, jobs, gather, threads);
    for (std::size_t i = 0; i < xx.size(); ++i) layer[b].xx[i] += xx[i];
    layer[b].jobs += jobs;
  }
}

const double* TiledLayer::ranges_for(const RunContext& ctx, int64_t jobs,
                                     const Gather& gather) const {
  if (ctx.state.moments_sink) add_input_moments(*ctx.state.moments_sink, jobs, gather, ctx.threads);
  if (config_.adc_range != AdcRangeMode::kCalibrated) return own_ranges_.data();
  const std::vector<double>* r = calibrated_values(
      ctx.state, name_, [&] { return measure_ranges(jobs, gather, ctx.threads); });
  if (!r) {
    throw bad_input("adc_range",
                    "'calibrated' ADC ranges need a calibration run (calibration images) "
                    "before inference");
  }
  // Ranges are keyed by name: ones of another shape belong to another layer.
  if (r->size() != own_ranges_.size())
    throw bad_input(name_, "calibrated ADC ranges do not fit this layer's ADCs");
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
  const double* affine = affine_for(ctx, jobs, gather, ranges);
  auto block = [&](const Programmed& b, int count, bool unscaled,
                   ChunkBuffers<double>& buf) -> const double* {
    const AnalogMatrix& m = b.matrix;
    buf.y.resize(std::size_t(count) * m.cols());
    mvm(m, flavor, buf.x.data(), count, buf.keys.data(), ranges + b.adc_offset, buf.y.data(),
        buf.scratch);
    if (affine) correct(affine, b, count, buf.y.data());
    // One block covering every channel, unscaled (a conv): y is the result.
    if (blocks_.size() == 1 && m.cols() == channels_ && unscaled) return buf.y.data();
    for (int p = 0; p < count; ++p)
      for (int j = 0; j < m.cols(); ++j)
        buf.acc[std::size_t(p) * channels_ + b.first_channel + j] =
            buf.y[std::size_t(p) * m.cols() + j] * buf.scale[p];
    return nullptr;
  };
  chunk_loop<double>(blocks_, channels_, ctx.threads, jobs, chunk_size(jobs), gather, block, emit);
}

void TiledLayer::run_int32(const RunContext& ctx, int64_t jobs, const Gather& gather,
                           KernelFlavor flavor, const EmitInt32& emit) const {
  const double* ranges = ranges_for(ctx, jobs, gather);
  const double* affine = affine_for(ctx, jobs, gather, ranges);
  auto block = [&](const Programmed& b, int count, bool unscaled,
                   ChunkBuffers<int32_t>& buf) -> const int32_t* {
    const AnalogMatrix& m = b.matrix;
    const double* r = ranges + b.adc_offset;
    int32_t* out = buf.acc.data() + b.first_channel;
    if (flavor != KernelFlavor::kReference && unscaled && !affine) {
      m.mvm_block_int32(buf.x.data(), count, buf.keys.data(), r, out, channels_, buf.scratch);
      return nullptr;
    }
    buf.y.resize(std::size_t(count) * m.cols());
    mvm(m, flavor, buf.x.data(), count, buf.keys.data(), r, buf.y.data(), buf.scratch);
    if (affine) correct(affine, b, count, buf.y.data());
    for (int p = 0; p < count; ++p)
      for (int j = 0; j < m.cols(); ++j)
        out[std::size_t(p) * channels_ + j] =
            accumulator_to_int32(buf.y[std::size_t(p) * m.cols() + j] * buf.scale[p]);
    return nullptr;
  };
  chunk_loop<int32_t>(blocks_, channels_, ctx.threads, jobs, chunk_size(jobs), gather, block, emit);
}

uint32_t layer_index(const Graph& g, const Node& n) {
  return static_cast<uint32_t>(&n - g.nodes.data());
}

std::string layer_name(const Node& n) { return n.name.empty() ? n.outputs.at(0) : n.name; }

}  // namespace aimc
