#pragma once
// One function per sub-command; each returns the process exit code and
// throws BadInput for bad user input (mapped to exit code 2 by main_entry).
namespace aimc::cli {

int cmd_classify(int argc, char** argv);
int cmd_eval(int argc, char** argv);
int cmd_run(int argc, char** argv);
int cmd_bench(int argc, char** argv);
int cmd_tile_check(int argc, char** argv);
int cmd_timing(int argc, char** argv);
// `aimc timing --hw alpine-*`: the ALPINE system (cmd_timing hands over).
int cmd_timing_alpine(int argc, char** argv);
int cmd_sweep(int argc, char** argv);
int cmd_sensitivity(int argc, char** argv);
int cmd_place(int argc, char** argv);
// `aimc place --max-drop P`: the placement search (cmd_place hands over).
int cmd_place_search(int argc, char** argv);

}  // namespace aimc::cli
