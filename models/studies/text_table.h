#pragma once
// printf-style formatting into a string, so a study's report can be built
// (and tested) in the library and printed by the CLI unchanged.
#include <cstdarg>
#include <cstdio>
#include <string>

namespace aimc::models {

__attribute__((format(printf, 2, 3))) inline void appendf(std::string& out, const char* format,
                                                          ...) {
  va_list args;
  va_start(args, format);
  va_list again;
  va_copy(again, args);
  const int n = std::vsnprintf(nullptr, 0, format, args);
  va_end(args);
  if (n > 0) {
    const std::size_t old = out.size();
    out.resize(old + static_cast<std::size_t>(n) + 1);
    std::vsnprintf(out.data() + old, static_cast<std::size_t>(n) + 1, format, again);
    out.resize(old + static_cast<std::size_t>(n));
  }
  va_end(again);
}

}  // namespace aimc::models
