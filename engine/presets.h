#pragma once
// The named configurations shipped with the engine: the JSON files of
// engine/presets/<kind>/<name>.json (kinds: "analog", "hardware"), embedded
// into the library at build time (engine/presets/embed.cmake), so that
// nothing is read from the source tree at run time.
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aimc::presets {

struct File {
  std::string_view path;  // relative to engine/presets, e.g. "analog/ima-paper.json"
  std::string_view text;
};

// Every embedded file, sorted by path (defined in the generated source).
std::span<const File> files();

// The names of one kind's presets, sorted.
std::vector<std::string> names(const std::string& kind);

// "engine/presets/<kind>/<name>.json": how refusals name a preset file.
std::string path(const std::string& kind, const std::string& name);

// The parsed preset, or nullopt when there is none of that name. Invalid
// JSON in an embedded file is BadInput naming it.
std::optional<nlohmann::json> find(const std::string& kind, const std::string& name);

// Whether a command-line value names a preset rather than a file: no such
// file exists and it has no '/' and no ".json" in it.
bool is_name(const std::string& spec);

}  // namespace aimc::presets
