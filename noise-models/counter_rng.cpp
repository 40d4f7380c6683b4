#include "noise-models/counter_rng.h"

#include <Random123/philox.h>

#include <Random123/boxmuller.hpp>
#include <Random123/uniform.hpp>
#include <cstring>

namespace aimc::noise {
namespace {

using Philox = r123::Philox4x32;

// The counter holds (layer, purpose, lane), tile, row and col; the 128 bits
// are full, so (seed, extra, epoch) first derive the key with one Philox call on a
// counter no draw uses (w0 = 0 is never produced: purposes start at 1).
// `lane` separates the normal draw from the uniform draw of the same key.
Philox::ctr_type draw(const StreamKey& k, uint32_t lane) {
  Philox rng;
  const Philox::key_type seed_key = {
      {static_cast<uint32_t>(k.seed), static_cast<uint32_t>(k.seed >> 32)}};
  const Philox::ctr_type derive = {{0u, k.extra, 0x6b657921u, k.epoch}};
  const auto derived = rng(derive, seed_key);
  const Philox::key_type key = {{derived[0], derived[1]}};
  const uint32_t w0 = (k.layer << 12) | (static_cast<uint32_t>(k.purpose) << 4) | lane;
  return rng(Philox::ctr_type{{w0, k.tile, k.row, k.col}}, key);
}

}  // namespace

uint32_t time_epoch(double t) {
  uint64_t bits = 0;
  static_assert(sizeof bits == sizeof t);
  std::memcpy(&bits, &t, sizeof bits);
  // A multiplicative mix, so nearby times (equal high bits) get unrelated epochs.
  bits *= 0x9e3779b97f4a7c15ull;
  return static_cast<uint32_t>(bits >> 32) ^ static_cast<uint32_t>(bits);
}

NormalPair standard_normals(const StreamKey& key) {
  const auto r = draw(key, 0);
  const uint64_t u0 = (uint64_t{r[0]} << 32) | r[1];
  const uint64_t u1 = (uint64_t{r[2]} << 32) | r[3];
  const r123::double2 n = r123::boxmuller(u0, u1);
  return {n.x, n.y};
}

double uniform01(const StreamKey& key) {
  const auto r = draw(key, 1);
  return r123::u01<double>((uint64_t{r[0]} << 32) | r[1]);
}

}  // namespace aimc::noise
