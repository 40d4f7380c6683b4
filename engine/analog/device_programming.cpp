#include "engine/analog/device_programming.h"

#include <cmath>
#include <memory>
#include <string>

#include "engine/analog/device_read.h"
#include "quant/conductance_mapping.h"

namespace aimc {
namespace {

noise::StreamKey key_of(const AnalogConfig& c, const TileGrid& g, uint32_t layer,
                        uint32_t tile_base, int sl, int i, int j, int side) {
  const int tile = (i / g.tile_rows) * g.col_tiles + j / g.tile_cols;
  return noise::StreamKey{c.seed,
                          layer,
                          tile_base + static_cast<uint32_t>(tile),
                          static_cast<uint32_t>(i),
                          static_cast<uint32_t>(j),
                          noise::Purpose::kProgramming,
                          static_cast<uint32_t>(2 * sl + side)};
}

// The draws of every device that do not depend on the evaluation time (all
// but the read noise), [slice][K][N][side], from the sweep's store when the
// configuration has one: a (seed, layer, mapping, device) shares them.
std::shared_ptr<const DrawCache::Draws> cached_draws(const noise::DeviceModel& m, const TileGrid& g,
                                                     int slices, const AnalogConfig& c,
                                                     uint32_t layer, uint32_t tile_base) {
  if (!c.draw_cache) return nullptr;
  noise::DrawNeeds needs = m.needs();
  needs.read = false;
  const bool faults = has_faults(c);
  const std::string id = std::to_string(c.seed) + "/" + std::to_string(layer) + "/" +
                         std::to_string(tile_base) + "/" + std::to_string(g.k) + "x" +
                         std::to_string(g.n) + "/" + std::to_string(g.tile_rows) + "x" +
                         std::to_string(g.tile_cols) + "/" + std::to_string(slices) + "/" +
                         std::string(m.name()) + "/" + std::to_string(faults);
  return c.draw_cache->get(id, [&] {
    const std::size_t plane = std::size_t(g.k) * g.n;
    DrawCache::Draws draws(plane * slices * 2);
#pragma omp parallel for schedule(dynamic, 16)
    for (int i = 0; i < g.k; ++i)
      for (int sl = 0; sl < slices; ++sl)
        for (int j = 0; j < g.n; ++j)
          for (int side = 0; side < 2; ++side)
            draws[(sl * plane + std::size_t(i) * g.n + j) * 2 + side] =
                noise::draw_device(needs, faults, key_of(c, g, layer, tile_base, sl, i, j, side));
    return draws;
  });
}

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
  const int slices = w.slices;
  const std::size_t plane = std::size_t(g.k) * g.n;
  out.read.resize(plane * slices);
  out.programmed.resize(plane * slices);
  const double g_max = model->g_max();
  const noise::DrawNeeds needs = model->needs();  // once, not per device
  const bool faults = has_faults(c);
  const auto cached = cached_draws(*model, g, slices, c, layer, tile_base);
  const uint32_t read_epoch = noise::time_epoch(c.t_inf);
  // A device's draws: the stored ones and its read noise at this time, or all
  // drawn here; the same numbers either way.
  auto device_draws = [&](std::size_t stored, const noise::StreamKey& key) {
    if (!cached) return noise::draw_device(needs, faults, key, read_epoch);
    DeviceDraws d = (*cached)[stored];
    if (needs.read) d.z_read = noise::draw_read_noise(key, read_epoch);
    return d;
  };
  // Every device is a pure function of its key: rows can be programmed in
  // parallel without changing a single draw. One block of devices per row:
  // [slice][column][plus, minus].
#pragma omp parallel
  {
    std::vector<double> targets(std::size_t(slices) * g.n * 2);
    std::vector<DeviceDraws> draws(targets.size());
    std::vector<DeviceRead> reads(targets.size());
#pragma omp for schedule(dynamic, 16)
    for (int i = 0; i < g.k; ++i) {
      const double* full = &w.full_scale[std::size_t(i / g.tile_rows) * g.n];
      for (int sl = 0; sl < slices; ++sl) {
        for (int j = 0; j < g.n; ++j) {
          const std::size_t at = sl * plane + std::size_t(i) * g.n + j;
          const double digit = w.digits[at];
          const quant::PairTargets target = quant::pair_targets(digit, full[j], g_max);
          const DeviceDraws holder =
              device_draws(at * 2, key_of(c, g, layer, tile_base, sl, i, j, 0));
          const DeviceDraws partner =
              device_draws(at * 2 + 1, key_of(c, g, layer, tile_base, sl, i, j, 1));
          // The device holding the level draws under extra 2s, its partner 2s + 1.
          const bool positive = !std::signbit(digit);
          const std::size_t b = (std::size_t(sl) * g.n + j) * 2;
          targets[b] = target.plus;
          targets[b + 1] = target.minus;
          draws[b] = positive ? holder : partner;
          draws[b + 1] = positive ? partner : holder;
        }
      }
      read_devices(*model, c, targets, draws, reads);
      for (int sl = 0; sl < slices; ++sl) {
        for (int j = 0; j < g.n; ++j) {
          const std::size_t at = sl * plane + std::size_t(i) * g.n + j;
          const std::size_t b = (std::size_t(sl) * g.n + j) * 2;
          const double full_digit = full[j];
          out.read[at] =
              static_cast<float>((reads[b].read - reads[b + 1].read) / g_max * full_digit);
          out.programmed[at] = static_cast<float>((reads[b].programmed - reads[b + 1].programmed) /
                                                  g_max * full_digit);
        }
      }
    }
  }
  return out;
}

}  // namespace aimc
