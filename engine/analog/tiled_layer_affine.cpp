// The per-output-channel affine correction of a tiled layer (docs/ARCHITECTURE.md, Affine
// correction): on the calibration batch each channel's tile results ŷ are fitted to the exact
// products y of the same DAC inputs with the layer's own weights by least squares, y ≈ a·ŷ + b,
// and every later result is replaced by a·ŷ + b before it is scaled and requantized. The digital
// periphery's gain and offset thus absorb what drift, device variation and weight rounding do to
// each channel on average, as re-estimating batch-norm statistics on the analog chip does (Joshi
// et al., Nat. Commun. 11, 2473, 2020).
#include <omp.h>

#include <algorithm>
#include <tuple>

#include "engine/analog/tiled_layer.h"
#include "engine/error.h"

namespace aimc {
namespace {

constexpr int64_t kFitJobs = 64;         // jobs per chunk of the fit
constexpr int64_t kChunksPerRound = 32;  // chunks summed in order after each parallel round

// Least-squares sums of one channel.
struct ChannelSums {
  double n = 0, x = 0, xx = 0, y = 0, xy = 0;
  bool exact = true;  // every tile result equalled its exact product
  void add(const ChannelSums& o) {
    n += o.n, x += o.x, xx += o.xx, y += o.y, xy += o.xy;
    exact = exact && o.exact;
  }
};

// Gain and offset from the sums; a channel whose results never vary keeps
// gain 1 and only moves its mean. An exact channel keeps (1, 0) exactly:
// the normal equations would leave it rounding errors of 1e-8.
std::pair<double, double> fit(const ChannelSums& s) {
  if (s.n == 0 || s.exact) return {1.0, 0.0};
  const double mx = s.x / s.n, my = s.y / s.n;
  const double var = s.xx / s.n - mx * mx, cov = s.xy / s.n - mx * my;
  if (!(var > 1e-12 * std::max(1.0, mx * mx))) return {1.0, my - mx};
  const double a = cov / var;
  return {a, my - a * mx};
}

// The sums of one chunk of jobs of a block: tile results against exact products.
void chunk_sums(const AnalogMatrix& m, const AnalogBlock& ref, const float* x, int count,
                const JobKey* keys, const double* ranges, std::vector<double>& y,
                MvmScratch& scratch, ChannelSums* sums) {
  y.resize(std::size_t(count) * m.cols());
  m.mvm_block(x, count, keys, ranges, y.data(), scratch);
  for (int p = 0; p < count; ++p) {
    const float* xp = x + std::size_t(p) * ref.k;
    for (int j = 0; j < ref.n; ++j) {
      const float* w = &ref.weights_nk[std::size_t(j) * ref.k];
      double exact = 0;
      for (int i = 0; i < ref.k; ++i) exact += double(xp[i]) * w[i];
      const double got = y[std::size_t(p) * m.cols() + j];
      ChannelSums& s = sums[j];
      s.n += 1, s.x += got, s.xx += got * got, s.y += exact, s.xy += got * exact;
      s.exact = s.exact && got == exact;
    }
  }
}

}  // namespace

std::string affine_key(const std::string& layer_name) { return layer_name + "/affine"; }

std::vector<double> TiledLayer::fit_affine(int64_t jobs, const Gather& gather, const double* ranges,
                                           int threads) const {
  std::vector<ChannelSums> total(channels_);
  const int64_t chunks = (jobs + kFitJobs - 1) / kFitJobs;
  for (std::size_t b = 0; b < blocks_.size(); ++b) {
    const AnalogMatrix& m = blocks_[b].matrix;
    const AnalogBlock& ref = reference_[b];
    // Chunks run in parallel rounds; each round's sums are added in chunk
    // order, so the fit is the same for any thread count.
    for (int64_t round = 0; round < chunks; round += kChunksPerRound) {
      const int64_t in_round = std::min(kChunksPerRound, chunks - round);
      std::vector<ChannelSums> part(std::size_t(in_round) * ref.n);
#pragma omp parallel num_threads(threads)
      {
        omp_set_num_threads(1);
        std::vector<float> x(std::size_t(kFitJobs) * m.rows()), scale(kFitJobs);
        std::vector<double> y;
        std::vector<JobKey> keys(kFitJobs);
        MvmScratch scratch;
#pragma omp for schedule(static)
        for (int64_t c = 0; c < in_round; ++c) {
          const int64_t first = (round + c) * kFitJobs;
          const int count = static_cast<int>(std::min<int64_t>(kFitJobs, jobs - first));
          gather(static_cast<int>(b), first, count, x.data(), keys.data(), scale.data());
          chunk_sums(m, ref, x.data(), count, keys.data(), ranges + blocks_[b].adc_offset, y,
                     scratch, &part[std::size_t(c) * ref.n]);
        }
      }
      for (int64_t c = 0; c < in_round; ++c)
        for (int j = 0; j < ref.n; ++j)
          total[ref.first_channel + j].add(part[std::size_t(c) * ref.n + j]);
    }
  }
  std::vector<double> affine(2 * std::size_t(channels_));
  for (int j = 0; j < channels_; ++j) std::tie(affine[j], affine[channels_ + j]) = fit(total[j]);
  return affine;
}

const double* TiledLayer::affine_for(const RunContext& ctx, int64_t jobs, const Gather& gather,
                                     const double* ranges) const {
  if (!config_.affine_correction) return nullptr;
  const std::vector<double>* a = calibrated_values(
      ctx.state, affine_key(name_), [&] { return fit_affine(jobs, gather, ranges, ctx.threads); });
  if (!a) {
    throw bad_input("affine_correction",
                    "the affine correction needs a calibration run (calibration images) before "
                    "inference");
  }
  if (a->size() != 2 * std::size_t(channels_))
    throw bad_input(name_, "the affine correction does not fit this layer's channels");
  return a->data();
}

void TiledLayer::correct(const double* affine, const Programmed& b, int count, double* y) const {
  const int cols = b.matrix.cols();
  const double* gain = affine + b.first_channel;
  const double* offset = affine + channels_ + b.first_channel;
  for (int p = 0; p < count; ++p)
    for (int j = 0; j < cols; ++j) {
      double& v = y[std::size_t(p) * cols + j];
      v = gain[j] * v + offset[j];
    }
}

}  // namespace aimc
