// aimc tile-check: programs one random layer onto crossbar tiles, runs
// random inputs through it and prints the MVM error against the exact
// integer result at each drift time, without and with compensation
// (models/studies/tile_check.h).
#include <cstdio>

#include "demos/aimc/cli_common.h"
#include "demos/aimc/commands.h"
#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "models/studies/tile_check.h"

namespace aimc::cli {

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
  models::TileCheckSetup t;
  t.seed = args["seed"].as<uint64_t>();
  config.seed = t.seed;
  t.rows = positive_int(args, "rows"), t.cols = positive_int(args, "cols");
  t.inputs = positive_int(args, "inputs");
  if (int64_t{t.rows} * t.cols > 64 << 20)
    throw bad_input("--rows/--cols", "layer larger than 64 M weights");
  t.times = models::parse_drift_times(args["times"].as<std::string>());
  std::printf("tile-check: %d×%d layer on %d×%d tiles, %d inputs, seed %llu\n", t.rows, t.cols,
              config.tile_rows, config.tile_cols, t.inputs,
              static_cast<unsigned long long>(t.seed));
  std::printf("%12s  %-12s  %14s  %14s  %12s  %11s\n", "t_inf [s]", "compensation", "mean rel. err",
              "rms rel. err", "max |err|", "correlation");
  nlohmann::json rows = nlohmann::json::array();
  models::tile_check(config, t, [&](const models::TileCheckRow& r) {
    const models::TileStats& st = r.stats;
    std::printf("%12.0f  %-12s  %+13.2f%%  %13.2f%%  %12.0f  %11.4f\n", r.t_inf,
                r.compensation.c_str(), 100 * st.mean_relative_error, 100 * st.rms_relative_error,
                st.max_abs_error, st.correlation);
    rows.push_back({{"t_inf", r.t_inf},
                    {"compensation", r.compensation},
                    {"mean_relative_error", st.mean_relative_error},
                    {"rms_relative_error", st.rms_relative_error},
                    {"max_abs_error", st.max_abs_error},
                    {"correlation", st.correlation}});
  });
  if (args.count("json")) {
    write_json(args["json"].as<std::string>(), {{"rows", t.rows},
                                                {"cols", t.cols},
                                                {"inputs", t.inputs},
                                                {"seed", t.seed},
                                                {"config", analog_config_to_json(config)},
                                                {"results", rows}});
  }
  return 0;
}

}  // namespace aimc::cli
