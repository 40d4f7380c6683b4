// aimc command-line tool (the README's command table).
#include "demos/aimc/cli.h"

int main(int argc, char** argv) { return aimc::cli::main_entry(argc, argv); }
