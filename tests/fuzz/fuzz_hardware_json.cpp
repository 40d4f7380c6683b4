// libFuzzer target: the timing model's hardware description
// (timing::hardware_from_json).
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

#include "engine/error.h"
#include "engine/timing/hardware.h"

namespace {

// Only this parse step tolerates nlohmann::json::exception (with
// allow_exceptions=false it should not throw anyway). A json exception
// escaping the code under test is a finding: the CLI would report it as an
// internal error instead of a refusal naming the key.
std::optional<nlohmann::json> parse_json(const uint8_t* data, size_t size) {
  try {
    nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr,
                                             /*allow_exceptions=*/false);
    if (j.is_discarded()) return std::nullopt;
    return j;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto j = parse_json(data, size);
  if (!j) return 0;
  try {
    const aimc::timing::Hardware h = aimc::timing::hardware_from_json(*j, "fuzz.json");
    (void)aimc::timing::hardware_to_json(h).dump();
  } catch (const aimc::BadInput&) {
  }
  return 0;
}
