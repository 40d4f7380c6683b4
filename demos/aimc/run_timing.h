#pragma once
// `--timing` on classify and eval: the per-image latency and energy on the
// seed cluster of the run's own placement (digital and float runs: all on
// the cores; analog runs: the multi-array system with depthwise on the
// accelerator or, with placement.depthwise_cjob 8/16, the cjob mapping).
#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "demos/aimc/cli_common.h"

namespace aimc::cli {

void add_timing_options(cxxopts::Options& options);
// Prints the summary and returns it as JSON (null without --timing).
nlohmann::json report_run_timing(const cxxopts::ParseResult& args, const CommonSettings& s,
                                 const Model& model);

}  // namespace aimc::cli
