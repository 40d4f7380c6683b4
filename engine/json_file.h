#pragma once
// Reads a JSON file given by the user (analog configuration, device table,
// hardware description, sweep grid): a missing file, a directory, a read
// error or invalid JSON is refused as bad input naming the file, never
// thrown on as a stream failure (reading a directory makes libstdc++'s
// filebuf throw from inside the parser).
#include <nlohmann/json.hpp>
#include <string>

namespace aimc {

// `where` names the refusal of a missing file, with `missing` as its message;
// the other refusals name the file itself.
nlohmann::json read_json_file(const std::string& path, const std::string& where,
                              const std::string& missing);

// True when `j` holds arrays or objects more than `levels` deep. Parsers
// refuse such documents before walking them, so a hostile file cannot
// exhaust the stack (found by fuzzing).
bool nested_deeper_than(const nlohmann::json& j, int levels);

}  // namespace aimc
