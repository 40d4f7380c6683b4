#pragma once
// The JSON fuzz targets' shared first step: the fuzzer's bytes parsed as JSON.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

namespace aimc::fuzz {

// Only this parse step tolerates nlohmann::json::exception (with
// allow_exceptions=false it should not throw anyway). A json exception
// escaping the code under test is a finding: the CLI would report it as an
// internal error instead of a refusal naming the key.
inline std::optional<nlohmann::json> parse_json(const uint8_t* data, size_t size) {
  try {
    nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr,
                                             /*allow_exceptions=*/false);
    if (j.is_discarded()) return std::nullopt;
    return j;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace aimc::fuzz
