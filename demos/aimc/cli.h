#pragma once
namespace aimc::cli {
int main_entry(int argc, char** argv);
}
