#pragma once
// Counter-based random numbers (Random123 Philox4x32-10): every draw is a pure
// function of its key, so results never depend on thread count, batch size
// or evaluation order (docs/ARCHITECTURE.md, Randomness). No generator state is shared.
#include <cstdint>

namespace aimc::noise {

// What a draw is for; part of the key so that streams never overlap.
enum class Purpose : uint32_t {
  kProgramming = 1,
  kDriftExponent = 2,
  kReadNoise = 3,
  kOutputNoise = 4,
  kFaultKind = 5,
  kFaultOccurs = 6,
  kCalibration = 7,    // the fixed input of drift compensation
  kVerifyRead = 8,     // program-and-verify: the read-back after an attempt
  kReprogramming = 9,  // program-and-verify: the programming noise of a later attempt
};

// The full key of one device-level (or MVM-level) draw.
struct StreamKey {
  uint64_t seed = 0;
  uint32_t layer = 0;  // < 2^20
  uint32_t tile = 0;
  uint32_t row = 0;  // device row, or the image index for per-MVM draws
  uint32_t col = 0;
  Purpose purpose = Purpose::kProgramming;
  uint32_t extra = 0;  // e.g. the pixel for per-MVM draws, or the evaluation-time index
  // Draws that are made again at each evaluation time (read noise): the
  // time's epoch (time_epoch); 0 for everything drawn once.
  uint32_t epoch = 0;
};

// The epoch of an evaluation time t [s]: its bits folded to 32 (t = 0 gives
// 0). Two different times share an epoch with probability 2^-32.
uint32_t time_epoch(double t);

// Two independent standard normals for the key (Box-Muller on Philox output).
struct NormalPair {
  double first, second;
};
NormalPair standard_normals(const StreamKey& key);
inline double standard_normal(const StreamKey& key) { return standard_normals(key).first; }

// A uniform in (0, 1] for the key (independent of the normals of the same key).
double uniform01(const StreamKey& key);

}  // namespace aimc::noise
