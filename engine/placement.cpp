#include "engine/placement.h"

namespace aimc {

std::string unit_name(Unit u) {
  switch (u) {
    case Unit::kCores:
      return "cores";
    case Unit::kArrays:
      return "ima";
    case Unit::kDepthwiseAccel:
      return "dw-accel";
    case Unit::kCrossbarCjob:
      return "ima-cjob";
    case Unit::kCoresChw:
      return "cores-chw";
  }
  return "?";
}

std::vector<Unit> all_units() {
  return {Unit::kCores, Unit::kArrays, Unit::kDepthwiseAccel, Unit::kCrossbarCjob, Unit::kCoresChw};
}

std::optional<Unit> unit_from_name(const std::string& name) {
  for (Unit u : all_units())
    if (unit_name(u) == name) return u;
  return std::nullopt;
}

std::string unit_names() {
  std::string out;
  for (Unit u : all_units()) out += (out.empty() ? "" : ", ") + unit_name(u);
  return out;
}

}  // namespace aimc
