#pragma once
// The PCM device model of aihwkit's PCMLikeNoiseModel (Nandakumar 2019,
// Joshi 2020), equation by equation as docs/ARCHITECTURE.md, Device models states it. Conductances
// are in µS, times in seconds; each effect has its own scale factor (1 = the published model, 0 =
// off).
#include <cstdint>

namespace aimc::noise {

struct PcmParams {
  double g_max = 25.0;     // µS
  double t0 = 20.0;        // s, reference time of drift
  double t_read = 250e-9;  // s, read duration of the 1/f noise
  double prog_noise_scale = 1.0;
  double drift_scale = 1.0;  // scales the drift exponent ν
  double read_noise_scale = 1.0;
  // The time the 1/f noise has accumulated over: t_inf + t0 as aihwkit
  // evaluates it (already Q_s·4.18 right after programming), or t_inf alone
  // (none right after programming), a choice some papers make.
  bool read_noise_includes_t0 = true;
};

// σ_prog in µS for a normalised target g = G_target / g_max:
// (0.26348 + 1.9650 g − 1.1731 g²) · g_max / 25.
double pcm_programming_sigma(const PcmParams& p, double g);
// G_prog = max(G_target + scale·σ_prog·z, 0) for a standard normal z.
double pcm_program(const PcmParams& p, double g_target, double z);

// Drift exponent statistics for g = G_target / g_max (clipped as published).
double pcm_drift_mu(double g);
double pcm_drift_sigma(double g);
// ν = |μ_ν + σ_ν·z| · drift_scale.
double pcm_drift_exponent(const PcmParams& p, double g_target, double z);

// ((t + t0) / t0)^(−ν): the factor drift multiplies the conductance by.
double pcm_drift_factor(const PcmParams& p, double nu, double t_inf);

// The 1/f read-noise σ (relative) at t_inf for a programmed conductance:
// Q_s = min(0.0088 / max((G_prog/g_max)^0.65, 1e-3), 0.2),
// σ = Q_s · sqrt(ln((t + t_read) / (2 t_read))) with t = t_inf + t0
// (or t = t_inf, see read_noise_includes_t0), 0 for t <= 0.
double pcm_read_noise_sigma(const PcmParams& p, double g_prog, double t_inf);

// One device from programming to reading at t_inf: the conductance read,
// given the three standard normals of its draws (programming, drift, read).
double pcm_conductance_at(const PcmParams& p, double g_target, double t_inf, double z_prog,
                          double z_drift, double z_read);

}  // namespace aimc::noise
