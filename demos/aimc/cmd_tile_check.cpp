// aimc tile-check: programs one random layer onto crossbar tiles, runs
// random inputs through it and prints the MVM error against the exact
// integer result at each drift time, without and with compensation — the
// quickest way to see what a device model and converter setting do.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "demos/aimc/cli_common.h"
#include "demos/aimc/commands.h"
#include "engine/analog/adc_calibration.h"
#include "engine/analog/analog_config_json.h"
#include "engine/analog/analog_matrix.h"
#include "engine/error.h"
#include "noise-models/counter_rng.h"

namespace aimc::cli {
namespace {

struct TileStats {
  double mean_relative_error = 0;  // Σ(ŷ − y)·sign(y) / Σ|y|: the systematic part
  double rms_relative_error = 0;   // sqrt(Σ(ŷ − y)² / Σy²)
  double max_abs_error = 0;        // in accumulator units (input × int8 weight)
  double correlation = 0;          // Pearson r of ŷ and y
};

TileStats compare(const std::vector<double>& got, const std::vector<double>& want) {
  double num = 0, den = 0, se = 0, sy = 0, sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
  TileStats s;
  const double n = static_cast<double>(got.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double d = got[i] - want[i];
    num += d * (want[i] > 0 ? 1 : -1);
    den += std::fabs(want[i]);
    se += d * d;
    sy += want[i] * want[i];
    s.max_abs_error = std::max(s.max_abs_error, std::fabs(d));
    sa += got[i];
    sb += want[i];
    sab += got[i] * want[i];
    saa += got[i] * got[i];
    sbb += want[i] * want[i];
  }
  s.mean_relative_error = num / den;
  s.rms_relative_error = std::sqrt(se / sy);
  s.correlation = (sab - sa * sb / n) / std::sqrt((saa - sa * sa / n) * (sbb - sb * sb / n));
  return s;
}

std::vector<double> parse_times(const std::string& text) {
  std::vector<double> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    char* end = nullptr;
    const double t = std::strtod(item.c_str(), &end);
    if (item.empty() || *end != '\0' || !(t >= 0))
      throw bad_input("--times",
                      "expected non-negative seconds separated by commas, got '" + text + "'");
    out.push_back(t);
  }
  if (out.empty()) throw bad_input("--times", "give at least one time");
  return out;
}

}  // namespace

int cmd_tile_check(int argc, char** argv) {
  cxxopts::Options options("aimc tile-check",
                           "MVM error of one random layer on crossbar tiles vs the exact integer "
                           "result, per drift time, without and with drift compensation");
  // clang-format off
  options.add_options()
      ("analog", "analog configuration: a preset or a JSON file (default: PCM devices with "
       "ideal converters, so the error is the devices')", cxxopts::value<std::string>())
      ("set", "override one analog configuration key, key=value (repeatable)",
       cxxopts::value<std::vector<std::string>>())
      ("rows", "layer inputs K", cxxopts::value<int>()->default_value("256"))
      ("cols", "layer outputs N", cxxopts::value<int>()->default_value("256"))
      ("inputs", "random input vectors", cxxopts::value<int>()->default_value("64"))
      ("times", "drift times t_inf in seconds, comma-separated",
       cxxopts::value<std::string>()->default_value("0,3600,86400,2592000,31536000"))
      ("seed", "seed of the weights, inputs and device draws",
       cxxopts::value<uint64_t>()->default_value("0"))
      ("json", "write the statistics to this file", cxxopts::value<std::string>())
      ("h,help", "show this help");
  // clang-format on
  const auto args = parse_options(options, argc, argv);
  if (args.count("help")) {
    std::printf("%s\n", options.help().c_str());
    return 0;
  }
  std::vector<std::string> overrides;
  if (!args.count("analog")) overrides = {"device=pcm"};
  if (args.count("set")) {
    const auto more = args["set"].as<std::vector<std::string>>();
    overrides.insert(overrides.end(), more.begin(), more.end());
  }
  AnalogConfig config = load_analog_config(
      args.count("analog") ? args["analog"].as<std::string>() : "ideal", overrides);
  const uint64_t seed = args["seed"].as<uint64_t>();
  config.seed = seed;
  const int k = positive_int(args, "rows"), n = positive_int(args, "cols");
  const int count = positive_int(args, "inputs");
  if (int64_t{k} * n > 64 << 20) throw bad_input("--rows/--cols", "layer larger than 64 M weights");
  const auto times = parse_times(args["times"].as<std::string>());

  // A layer like a trained one: weights ~ N(0, 40²) clipped to int8, inputs
  // uniform on 0..255 (after ReLU), all drawn from keyed streams.
  std::vector<float> w(std::size_t(k) * n), x(std::size_t(count) * k);
  for (std::size_t i = 0; i < w.size(); ++i) {
    const noise::StreamKey key{
        seed, 0xfffff, 0, static_cast<uint32_t>(i), 0, noise::Purpose::kCalibration, 1};
    w[i] = static_cast<float>(
        std::clamp(std::round(40.0 * noise::standard_normal(key)), -127.0, 127.0));
  }
  std::vector<double> want(std::size_t(count) * n, 0.0);
  for (int p = 0; p < count; ++p) {
    for (int i = 0; i < k; ++i) {
      const noise::StreamKey key{seed,
                                 0xfffff,
                                 1,
                                 static_cast<uint32_t>(p),
                                 static_cast<uint32_t>(i),
                                 noise::Purpose::kCalibration,
                                 2};
      const int32_t v = static_cast<int32_t>(std::floor(noise::uniform01(key) * 256.0)) % 256;
      x[std::size_t(p) * k + i] = static_cast<float>(quant::dac_encode(config.dac, v));
    }
    for (int j = 0; j < n; ++j) {
      double acc = 0;
      for (int i = 0; i < k; ++i) {
        const noise::StreamKey key{seed,
                                   0xfffff,
                                   1,
                                   static_cast<uint32_t>(p),
                                   static_cast<uint32_t>(i),
                                   noise::Purpose::kCalibration,
                                   2};
        acc += std::floor(noise::uniform01(key) * 256.0) * w[std::size_t(j) * k + i];
      }
      want[std::size_t(p) * n + j] = acc;
    }
  }
  std::printf("tile-check: %d×%d layer on %d×%d tiles, %d inputs, seed %llu\n", k, n,
              config.tile_rows, config.tile_cols, count, static_cast<unsigned long long>(seed));
  std::printf("%12s  %-12s  %14s  %14s  %12s  %11s\n", "t_inf [s]", "compensation", "mean rel. err",
              "rms rel. err", "max |err|", "correlation");
  nlohmann::json rows = nlohmann::json::array();
  const char* names[] = {"none", "global", "column"};
  for (double t : times) {
    for (DriftCompensation comp :
         {DriftCompensation::kNone, DriftCompensation::kGlobal, DriftCompensation::kColumn}) {
      AnalogConfig c = config;
      c.t_inf = t;
      c.compensation = comp;
      const AnalogMatrix m(w, k, n, 0, 0, c, true, c.dac.full_scale);
      std::vector<double> ranges = m.own_adc_ranges();
      if (c.adc_range == AdcRangeMode::kCalibrated) {
        // Calibrated on the same inputs: the percentile of |y| per ADC.
        std::vector<std::vector<float>> seen(m.adc_count());
        std::vector<float> y(std::size_t(count) * n);
        for (int s = 0; s < m.slices(); ++s)
          for (int rt = 0; rt < m.row_tiles(); ++rt) {
            m.currents(x.data(), count, s, rt, y.data());
            for (std::size_t e = 0; e < y.size(); ++e)
              seen[m.adc_index(s, rt, int(e % n) / c.tile_cols)].push_back(y[e]);
          }
        for (int a = 0; a < m.adc_count(); ++a)
          ranges[a] = std::max(abs_percentile(seen[a], c.adc_percentile), 1e-9);
      }
      std::vector<JobKey> jobs(count);
      for (int p = 0; p < count; ++p) jobs[p] = {0, static_cast<uint32_t>(p)};
      std::vector<double> got(want.size());
      std::vector<float> scratch;
      m.mvm_block(x.data(), count, jobs.data(), ranges.data(), got.data(), scratch);
      const TileStats st = compare(got, want);
      const char* name = names[static_cast<int>(comp)];
      std::printf("%12.0f  %-12s  %+13.2f%%  %13.2f%%  %12.0f  %11.4f\n", t, name,
                  100 * st.mean_relative_error, 100 * st.rms_relative_error, st.max_abs_error,
                  st.correlation);
      rows.push_back({{"t_inf", t},
                      {"compensation", name},
                      {"mean_relative_error", st.mean_relative_error},
                      {"rms_relative_error", st.rms_relative_error},
                      {"max_abs_error", st.max_abs_error},
                      {"correlation", st.correlation}});
    }
  }
  if (args.count("json")) {
    write_json(args["json"].as<std::string>(), {{"rows", k},
                                                {"cols", n},
                                                {"inputs", count},
                                                {"seed", seed},
                                                {"config", analog_config_to_json(config)},
                                                {"results", rows}});
  }
  return 0;
}

}  // namespace aimc::cli
