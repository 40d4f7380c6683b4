// aimc command-line tool (DESIGN.md §6).
#include "demos/aimc/cli.h"

int main(int argc, char** argv) { return aimc::cli::main_entry(argc, argv); }
