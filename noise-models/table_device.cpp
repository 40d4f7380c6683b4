#include "noise-models/table_device.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace aimc::noise {

namespace {
[[noreturn]] void fail(const std::string& key, const std::string& what) {
  throw std::invalid_argument(key + ": " + what);
}

void check_column(const char* name, const std::vector<double>& column, std::size_t rows,
                  bool allow_negative) {
  if (column.size() != rows) {
    fail(name,
         "expected " + std::to_string(rows) + " values, got " + std::to_string(column.size()));
  }
  for (double v : column) {
    if (!std::isfinite(v)) fail(name, "not a finite number");
    if (!allow_negative && v < 0) fail(name, "negative value");
  }
}
}  // namespace

void validate_table(const DeviceTable& t) {
  // Written so that NaN fails too.
  if (!(std::isfinite(t.g_max) && t.g_max > 0)) fail("g_max", "must be > 0");
  if (!(std::isfinite(t.t0) && t.t0 > 0)) fail("t0", "must be > 0");
  if (t.g.empty()) fail("g", "needs at least 1 row");
  for (std::size_t i = 0; i < t.g.size(); ++i) {
    if (!(t.g[i] >= 0.0 && t.g[i] <= 1.0)) fail("g", "values must lie in [0, 1]");
    if (i > 0 && !(t.g[i] > t.g[i - 1])) fail("g", "must be strictly increasing");
  }
  const std::size_t rows = t.g.size();
  check_column("prog_sigma", t.prog_sigma, rows, false);
  // A negative mean would mean growing conductance, which the folded
  // ν = |μ + σz| cannot express; reject it rather than silently fold it.
  check_column("nu_mean", t.nu_mean, rows, false);
  check_column("nu_sigma", t.nu_sigma, rows, false);
  check_column("read_sigma", t.read_sigma, rows, false);
}

double table_interpolate(const std::vector<double>& g, const std::vector<double>& values,
                         double g_norm) {
  // The negated comparisons also send NaN to the first row.
  if (!(g_norm > g.front())) return values.front();
  if (!(g_norm < g.back())) return values.back();
  const std::size_t hi =
      static_cast<std::size_t>(std::upper_bound(g.begin(), g.end(), g_norm) - g.begin());
  const std::size_t lo = hi - 1;
  const double w = (g_norm - g[lo]) / (g[hi] - g[lo]);
  return values[lo] + w * (values[hi] - values[lo]);
}

double table_program(const DeviceTable& t, double g_target, double z) {
  const double sigma = table_interpolate(t.g, t.prog_sigma, g_target / t.g_max);
  return std::max(g_target + sigma * z, 0.0);
}

double table_drift_exponent(const DeviceTable& t, double g_target, double z) {
  const double g = g_target / t.g_max;
  return std::fabs(table_interpolate(t.g, t.nu_mean, g) +
                   table_interpolate(t.g, t.nu_sigma, g) * z);
}

double table_drift_factor(const DeviceTable& t, double nu, double t_inf) {
  return std::pow((t_inf + t.t0) / t.t0, -nu);
}

double table_read_sigma(const DeviceTable& t, double g_target, double t_inf) {
  if (t_inf <= 0) return 0.0;
  return table_interpolate(t.g, t.read_sigma, g_target / t.g_max);
}

double table_conductance_at(const DeviceTable& t, double g_target, double t_inf, double z_prog,
                            double z_drift, double z_read) {
  const double g_prog = table_program(t, g_target, z_prog);
  const double nu = table_drift_exponent(t, g_target, z_drift);
  const double g_t = g_prog * table_drift_factor(t, nu, t_inf);
  return std::max(g_t + std::fabs(g_t) * table_read_sigma(t, g_target, t_inf) * z_read, 0.0);
}

DeviceTable rram_default_table() {
  // Rows derived in the header comment from Wan et al. 2022 via aihwkit's fit.
  DeviceTable t;
  t.g_max = 25.0;
  t.t0 = 20.0;
  t.g = {0.0, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0};
  t.prog_sigma = {0.217, 0.653, 0.973, 1.335, 1.386, 1.128, 0.912, 0.689};
  t.nu_mean.assign(t.g.size(), 0.0);
  t.nu_sigma.assign(t.g.size(), 0.0);
  t.read_sigma = {0.660, 0.660, 0.472, 0.337, 0.208, 0.135, 0.091, 0.060};
  return t;
}

}  // namespace aimc::noise
