#include "engine/analog/device_programming.h"

#include <cmath>
#include <memory>
#include <string>

#include "engine/analog/device_read.h"
#include "engine/analog/program_verify.h"
#include "noise-models/drift_predistortion.h"
#include "quant/conductance_mapping.h"

namespace aimc {
namespace {

// Keys of the pairs of one weight: the slices' pairs first, then each further
// pair of a slice kPairStride apart (slices <= 8: 2·slice + side < 16).
constexpr uint32_t kPairStride = 64;

noise::StreamKey key_of(const AnalogConfig& c, const TileGrid& g, uint32_t layer,
                        uint32_t tile_base, int sl, int i, int j, int side, int pair) {
  const int tile = (i / g.tile_rows) * g.col_tiles + j / g.tile_cols;
  return noise::StreamKey{c.seed,
                          layer,
                          tile_base + static_cast<uint32_t>(tile),
                          static_cast<uint32_t>(i),
                          static_cast<uint32_t>(j),
                          noise::Purpose::kProgramming,
                          static_cast<uint32_t>(2 * sl + side) + kPairStride * uint32_t(pair)};
}

// Where a device's stored draws are: [pair][slice][K][N][side].
std::size_t draw_index(const TileGrid& g, int slices, int pair, int sl, int i, int j, int side) {
  const std::size_t plane = std::size_t(g.k) * g.n;
  return ((std::size_t(pair) * slices + sl) * plane + std::size_t(i) * g.n + j) * 2 + side;
}

// The draws of every device that do not depend on the evaluation time (all
// but the read noise), from the sweep's store when the configuration has one:
// a (seed, layer, mapping, device) shares them.
std::shared_ptr<const DrawCache::Draws> cached_draws(const noise::DeviceModel& m, const TileGrid& g,
                                                     int slices, const AnalogConfig& c,
                                                     uint32_t layer, uint32_t tile_base) {
  if (!c.draw_cache) return nullptr;
  noise::DrawNeeds needs = m.needs();
  needs.read = false;
  const bool faults = has_faults(c);
  const int pairs = c.pairs_per_weight;
  const std::string id =
      std::to_string(c.seed) + "/" + std::to_string(layer) + "/" + std::to_string(tile_base) + "/" +
      std::to_string(g.k) + "x" + std::to_string(g.n) + "/" + std::to_string(g.tile_rows) + "x" +
      std::to_string(g.tile_cols) + "/" + std::to_string(slices) + "/" + std::string(m.name()) +
      "/" + std::to_string(faults) + "/" + std::to_string(pairs);
  return c.draw_cache->get(id, [&] {
    DrawCache::Draws draws(draw_index(g, slices, pairs, 0, 0, 0, 0));
#pragma omp parallel for schedule(dynamic, 16)
    for (int i = 0; i < g.k; ++i)
      for (int pair = 0; pair < pairs; ++pair)
        for (int sl = 0; sl < slices; ++sl)
          for (int j = 0; j < g.n; ++j)
            for (int side = 0; side < 2; ++side)
              draws[draw_index(g, slices, pair, sl, i, j, side)] = noise::draw_device(
                  needs, faults, key_of(c, g, layer, tile_base, sl, i, j, side, pair));
    return draws;
  });
}

// The layer's pre-distortion map, tabulated once for its device model; null when off or when
// the device does not drift (its targets then stay exactly as they are).
std::unique_ptr<const noise::DriftPredistortion> drift_predistortion(const noise::DeviceModel& m,
                                                                     const AnalogConfig& c) {
  if (!(c.drift_predistortion_time > 0)) return nullptr;
  auto p = std::make_unique<const noise::DriftPredistortion>(m, c.drift_predistortion_time);
  return p->identity() ? nullptr : std::move(p);
}

// Programs one crossbar row (every slice, column and pair) and writes the
// rows of the read and programmed planes: the mean over the pairs of
// (G+ − G−)/g_max in digit units.
class RowProgrammer {
 public:
  RowProgrammer(const WeightMapping& w, const TileGrid& g, const AnalogConfig& c, uint32_t layer,
                uint32_t tile_base, const noise::DeviceModel& m,
                std::shared_ptr<const DrawCache::Draws> cached,
                const noise::DriftPredistortion* predistortion)
      : w_(w),
        g_(g),
        c_(c),
        layer_(layer),
        tile_base_(tile_base),
        m_(m),
        cached_(std::move(cached)),
        predistortion_(predistortion),
        needs_(m.needs()),
        faults_(has_faults(c)),
        read_epoch_(noise::time_epoch(c.t_inf)),
        pairs_(c.pairs_per_weight),
        targets_(std::size_t(w.slices) * g.n * pairs_ * 2),
        draws_(targets_.size()),
        reads_(targets_.size()) {}

  void program_row(int i, ProgrammedPlanes& out) {
    const std::size_t plane = std::size_t(g_.k) * g_.n;
    const double* full = &w_.full_scale[std::size_t(i / g_.tile_rows) * g_.n];
    const double g_max = m_.g_max();
    for (int sl = 0; sl < w_.slices; ++sl)
      for (int j = 0; j < g_.n; ++j) {
        const std::size_t at = sl * plane + std::size_t(i) * g_.n + j;
        const double digit = w_.digits[at];
        const quant::PairTargets target = device_targets(digit, full[j], at, out);
        // The device holding the level draws under side 0, its partner under side 1.
        const bool positive = !std::signbit(digit);
        for (int pair = 0; pair < pairs_; ++pair) {
          const std::size_t b = block_index(sl, j, pair);
          targets_[b] = target.plus;
          targets_[b + 1] = target.minus;
          draws_[b] = device_draws(sl, i, j, positive ? 0 : 1, pair, target.plus);
          draws_[b + 1] = device_draws(sl, i, j, positive ? 1 : 0, pair, target.minus);
        }
      }
    read_devices(m_, c_, targets_, draws_, reads_);
    for (int sl = 0; sl < w_.slices; ++sl)
      for (int j = 0; j < g_.n; ++j) {
        double read = 0, programmed = 0;
        for (int pair = 0; pair < pairs_; ++pair) {
          const std::size_t b = block_index(sl, j, pair);
          read += reads_[b].read - reads_[b + 1].read;
          programmed += reads_[b].programmed - reads_[b + 1].programmed;
        }
        // In this order the single pair's bits are those of (G+ − G−)/g_max·full.
        const double per_pair = g_max * pairs_;
        const std::size_t at = sl * plane + std::size_t(i) * g_.n + j;
        out.read[at] = static_cast<float>(read / per_pair * full[j]);
        out.programmed[at] = static_cast<float>(programmed / per_pair * full[j]);
      }
  }

 private:
  // The pair's targets in µS: the intended ones, or (with pre-distortion) the pre-distorted
  // ones, both recorded in digit units at plane index `at`.
  quant::PairTargets device_targets(double digit, double full, std::size_t at,
                                    ProgrammedPlanes& out) const {
    const double g_max = m_.g_max();
    const quant::PairTargets intended = quant::pair_targets(digit, full, g_max);
    if (!predistortion_) return intended;
    const quant::PairTargets t = {predistortion_->target(intended.plus),
                                  predistortion_->target(intended.minus)};
    out.intended[at] = static_cast<float>((intended.plus - intended.minus) / g_max * full);
    out.predistorted[at] = static_cast<float>((t.plus - t.minus) / g_max * full);
    return t;
  }

  std::size_t block_index(int sl, int j, int pair) const {
    return ((std::size_t(sl) * g_.n + j) * pairs_ + pair) * 2;
  }

  // A device's draws: the stored ones and its read noise at this time, or
  // all drawn here (the same numbers either way); then the programming
  // attempt program-and-verify keeps.
  DeviceDraws device_draws(int sl, int i, int j, int side, int pair, double g_target) const {
    const noise::StreamKey key = key_of(c_, g_, layer_, tile_base_, sl, i, j, side, pair);
    DeviceDraws d;
    if (cached_) {
      d = (*cached_)[draw_index(g_, w_.slices, pair, sl, i, j, side)];
      if (needs_.read) d.z_read = noise::draw_read_noise(key, read_epoch_);
    } else {
      d = noise::draw_device(needs_, faults_, key, read_epoch_);
    }
    d.z_prog = verified_programming_normal(m_, c_, g_target, d.z_prog, key);
    return d;
  }

  const WeightMapping& w_;
  const TileGrid& g_;
  const AnalogConfig& c_;
  uint32_t layer_, tile_base_;
  const noise::DeviceModel& m_;
  std::shared_ptr<const DrawCache::Draws> cached_;
  const noise::DriftPredistortion* predistortion_;  // null: targets as intended
  noise::DrawNeeds needs_;
  bool faults_;
  uint32_t read_epoch_;
  int pairs_;
  // One block of devices per row: [slice][column][pair][plus, minus].
  std::vector<double> targets_;
  std::vector<DeviceDraws> draws_;
  std::vector<DeviceRead> reads_;
};

}  // namespace

ProgrammedPlanes program_devices(const WeightMapping& w, const TileGrid& g, const AnalogConfig& c,
                                 uint32_t layer, uint32_t tile_base) {
  ProgrammedPlanes out;
  const std::unique_ptr<const noise::DeviceModel> model = device_model(c);
  if (model->exact() && !has_faults(c)) {
    out.read.assign(w.digits.begin(), w.digits.end());
    out.programmed = out.read;
    return out;
  }
  const std::size_t plane = std::size_t(g.k) * g.n;
  out.read.resize(plane * w.slices);
  out.programmed.resize(plane * w.slices);
  const auto cached = cached_draws(*model, g, w.slices, c, layer, tile_base);
  const std::unique_ptr<const noise::DriftPredistortion> predistortion =
      drift_predistortion(*model, c);
  if (predistortion) {
    out.intended.resize(plane * w.slices);
    out.predistorted.resize(plane * w.slices);
  }
  // Every device is a pure function of its key: rows can be programmed in
  // parallel without changing a single draw.
#pragma omp parallel
  {
    RowProgrammer row(w, g, c, layer, tile_base, *model, cached, predistortion.get());
#pragma omp for schedule(dynamic, 16)
    for (int i = 0; i < g.k; ++i) row.program_row(i, out);
  }
  return out;
}

}  // namespace aimc
