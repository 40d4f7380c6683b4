#pragma once
// A table-driven device (docs/ARCHITECTURE.md, Device models): programming σ, drift-exponent
// statistics and relative read noise given at a few normalised conductances
// and interpolated linearly between them. It serves the built-in "rram"
// device and a user's "custom" device (whose JSON is parsed elsewhere:
// noise-models/ depends on nothing but the standard library). Conductances
// are in µS, times in seconds.
#include <vector>

namespace aimc::noise {

struct DeviceTable {
  double g_max = 25.0;             // µS
  double t0 = 20.0;                // s, drift reference time
  std::vector<double> g;           // normalised conductance G/g_max, strictly increasing, in [0,1]
  std::vector<double> prog_sigma;  // programming σ in µS at each g
  std::vector<double> nu_mean;     // drift exponent mean at each g
  std::vector<double> nu_sigma;    // drift exponent σ at each g
  std::vector<double> read_sigma;  // relative read-noise σ (fraction of G(t)) at each g
};

// Throws std::invalid_argument whose what() starts with the offending column
// or key ("g: must be strictly increasing", "prog_sigma: expected 5 values,
// got 4", "nu_sigma: negative value", "t0: must be > 0", ...).
void validate_table(const DeviceTable& t);

// Piecewise-linear interpolation of values over g at g_norm, clamped to the
// first and last value outside [g.front(), g.back()]. Needs equal, non-zero
// sizes and a strictly increasing g (validate_table checks both).
double table_interpolate(const std::vector<double>& g, const std::vector<double>& values,
                         double g_norm);

// All per-device statistics are looked up at the target g = G_target/g_max.
// G_prog = max(G_target + σ_prog(g)·z, 0).
double table_program(const DeviceTable& t, double g_target, double z);
// ν = |μ_ν(g) + σ_ν(g)·z|.
double table_drift_exponent(const DeviceTable& t, double g_target, double z);
// ((t_inf + t0)/t0)^(−ν).
double table_drift_factor(const DeviceTable& t, double nu, double t_inf);
// Relative read-noise σ at time t_inf: read_sigma(g), and 0 for t_inf <= 0.
double table_read_sigma(const DeviceTable& t, double g_target, double t_inf);
// One device from programming to reading at t_inf: program, drift, then
// G += |G|·read_sigma(g)·z_read (only for t_inf > 0), clamped at >= 0.
double table_conductance_at(const DeviceTable& t, double g_target, double t_inf, double z_prog,
                            double z_drift, double z_read);

// The default RRAM: the HfOx/TaOx ReRAM of the NeuRRAM chip,
//   W. Wan et al., "A compute-in-memory chip based on resistive random-access
//   memory", Nature 608, 504-512 (2022), doi:10.1038/s41586-022-04992-8,
// as aihwkit fits it (IBM/aihwkit, src/aihwkit/inference/noise/reram.py,
// ReRamWan2022NoiseModel): the spread of the conductance around its target
// is a 4th-order polynomial in g = G_target/g_max, in µS for g_max = 40 µS,
//   1 s after programming: σ_1s(g) = 0.348 + 16.030g − 43.853g² + 45.393g³ − 16.815g⁴,
//   1 day after:           σ_1d(g) = 0.701 + 22.086g − 50.773g² + 47.095g³ − 16.458g⁴,
// with the mean staying at the target.
// Derivation of the rows, g ∈ {0, .05, .1, .2, .4, .6, .8, 1}:
// - prog_sigma = σ_1s(g)·25/40 µS: the same σ/g_max at our g_max = 25 µS (the
//   scaling the aihwkit model's comment states for other g_max values).
//   Linear interpolation between these rows is within 5.5% of the polynomial.
// - nu_mean = nu_sigma = 0: the source has no drift exponent; its mean
//   conductance does not decay, and a folded ν >= 0 could only make it decay.
// - read_sigma = sqrt(σ_1d² − σ_1s²)/(40 µS·g): the relaxation the source
//   adds between 1 s and 1 day, as a relative σ redrawn per evaluation time.
//   This table model has no time dependence for it, so any t_inf > 0 sees
//   the 1-day spread and t_inf = 0 the 1-s spread. At g = 0 the relative value
//   is undefined (the source's absolute floor is 0.61 µS); the row repeats
//   g = 0.05 instead. The source has no separate 1/f read-noise data.
// Values are rounded to 3 decimals.
DeviceTable rram_default_table();

}  // namespace aimc::noise
