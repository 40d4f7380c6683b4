#pragma once
// `--timing` on classify and eval: the per-image latency and energy on the
// seed cluster of the run's own placed graph (each layer on the unit the
// placement pass, or --placement, gave it), on the multi-array system, or
// the single IMA when depthwise convs run on the crossbar in C_job blocks;
// with an ALPINE description (--hw alpine-hp), the graph on ALPINE's tiles
// against the same cores in NEON code.
#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "demos/aimc/cli_common.h"

namespace aimc::cli {

void add_timing_options(cxxopts::Options& options);
// Prints the summary and returns it as JSON (null without --timing).
nlohmann::json report_run_timing(const cxxopts::ParseResult& args, const Model& model);

}  // namespace aimc::cli
