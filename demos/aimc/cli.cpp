#include "demos/aimc/cli.h"

#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "demos/aimc/commands.h"
#include "engine/error.h"

namespace aimc::cli {
namespace {

constexpr const char* kUsage =
    "aimc — bit-accurate int8 inference for analog in-memory computing research\n\n"
    "usage: aimc <command> [options]   (aimc <command> --help for its options)\n\n"
    "commands:\n"
    "  classify   top-k classes of images\n"
    "  eval       top-1/top-5 accuracy and images/s over a labelled image set\n"
    "  run        run one input, write the raw output tensor (and every layer with --dump-layers)\n"
    "  bench      images/s and latency percentiles (analog mode: beside digital, same run)\n"
    "  tile-check MVM error of one random layer on crossbar tiles per drift time,\n"
    "             without and with drift compensation\n"
    "  timing     cycles, time and energy per layer on the 8-core IMA cluster\n"
    "  sweep      accuracy over a grid of analog configurations and seeds (resumable)\n"
    "  sensitivity  top-1 drop per layer with the analog configuration on that layer only\n"
    "  place      where each layer runs (JSON to edit and give back with --placement)\n\n"
    "exit codes: 0 ok, 2 bad input (the message names the file/node/key), 1 internal error\n";

int dispatch(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    std::printf("%s", kUsage);
    return argc < 2 ? 2 : 0;
  }
  const std::string cmd = argv[1];
  // Sub-commands parse argv[1..] so their own name is the program name.
  if (cmd == "classify") return cmd_classify(argc - 1, argv + 1);
  if (cmd == "eval") return cmd_eval(argc - 1, argv + 1);
  if (cmd == "run") return cmd_run(argc - 1, argv + 1);
  if (cmd == "bench") return cmd_bench(argc - 1, argv + 1);
  if (cmd == "tile-check") return cmd_tile_check(argc - 1, argv + 1);
  if (cmd == "timing") return cmd_timing(argc - 1, argv + 1);
  if (cmd == "sweep") return cmd_sweep(argc - 1, argv + 1);
  if (cmd == "sensitivity") return cmd_sensitivity(argc - 1, argv + 1);
  if (cmd == "place") return cmd_place(argc - 1, argv + 1);
  throw bad_input("command line", "unknown command '" + cmd + "' (see aimc --help)");
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  // argv[0] is the program name the sub-commands' option parsers skip.
  std::vector<std::string> words{"aimc"};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  return dispatch(static_cast<int>(words.size()), argv.data());
}

int main_entry(int argc, char** argv) {
  try {
    return dispatch(argc, argv);
  } catch (const BadInput& e) {
    std::fprintf(stderr, "aimc: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "aimc: internal error: %s\n", e.what());
    return 1;
  }
}

}  // namespace aimc::cli
