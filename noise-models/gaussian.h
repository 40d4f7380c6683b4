#pragma once
// A generic device with Gaussian programming and read noise (docs/ARCHITECTURE.md, Device models
// "Also"): the simplest non-ideal device, for sweeps of σ without the
// conductance dependence of a real technology. Conductances are in µS.

namespace aimc::noise {

struct GaussianParams {
  double g_max = 25.0;      // µS
  double prog_sigma = 0.0;  // programming σ: µS if !relative, else fraction of G_target
  double read_sigma = 0.0;  // read σ: µS if !relative, else fraction of G_prog
  bool relative = false;
};

// Throws std::invalid_argument whose what() starts with the offending key
// ("g_max: must be > 0", "prog_sigma: negative value", ...).
void validate_gaussian(const GaussianParams& p);

// G_prog = max(G_target + σ·z, 0) for a standard normal z.
double gaussian_program(const GaussianParams& p, double g_target, double z);
// G_read = max(G_prog + σ·z, 0) for a standard normal z.
double gaussian_read(const GaussianParams& p, double g_prog, double z);

}  // namespace aimc::noise
