// The field tables of the analog configuration and the hardware description
// (engine/json_fields.h), driven by the tables themselves: every field is
// read, written back, and refused with a wrong type, a value out of range or
// an unknown key, by BadInput naming the file and the key.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/analog/analog_config_fields.h"
#include "engine/analog/analog_config_json.h"
#include "engine/error.h"
#include "engine/hardware/hardware.h"
#include "engine/json_fields.h"
#include "engine/presets.h"

namespace aimc {
namespace {

using Json = nlohmann::json;
using Parse = std::function<Json(const Json&)>;  // parses a file, returns what it wrote back

void expect_refused(const Parse& parse, const Json& j, const std::string& key) {
  SCOPED_TRACE(j.dump());
  try {
    parse(j);
    ADD_FAILURE() << "accepted";
  } catch (const BadInput& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cfg.json"), std::string::npos) << what;
    EXPECT_NE(what.find(key), std::string::npos) << what;
  }
}

// Values of the field's type that its range or choices accept, and values of
// its type that they refuse.
std::vector<Json> accepted(const fields::Spec& f) {
  std::vector<Json> out;
  for (const std::string& w : f.words) out.emplace_back(w);
  if (f.type == fields::Type::kBool) return {true, false};
  if (f.type == fields::Type::kInt) return {f.lo, f.hi};
  if (f.type == fields::Type::kNumber) {
    out.emplace_back(f.lo);
    out.emplace_back(f.hi);
  }
  if (f.type == fields::Type::kNames) return {Json::array(), Json::array({"a", "b"})};
  if (f.type == fields::Type::kNumbers) return {Json::array({f.lo, f.hi})};
  return out;
}

std::vector<Json> out_of_range(const fields::Spec& f) {
  const bool numeric = f.type == fields::Type::kInt || f.type == fields::Type::kNumber;
  if (f.type == fields::Type::kChoice) return {"no-such-choice"};
  if (!numeric && f.type != fields::Type::kNumbers) return {};
  std::vector<Json> out = {f.lo - std::max(1.0, std::abs(f.lo)),
                           f.hi + std::max(1.0, std::abs(f.hi))};
  if (f.type == fields::Type::kInt && f.lo + 0.5 <= f.hi) out.emplace_back(f.lo + 0.5);
  if (f.type == fields::Type::kNumbers) {
    for (Json& v : out) v = Json::array({v});
  }
  return out;
}

std::vector<Json> wrong_type(const fields::Spec& f) {
  switch (f.type) {
    case fields::Type::kBool:
      return {1, "true", nullptr};
    case fields::Type::kInt:
    case fields::Type::kNumber:
      return {"not-a-number", true, Json::array({f.lo}), nullptr};
    case fields::Type::kChoice:
    case fields::Type::kString:
      return {5, true, Json::array()};
    case fields::Type::kNames:
      return {"a", Json::array({1})};
    case fields::Type::kNumbers:
      return {5, Json::array({"x"})};
    case fields::Type::kObject:
      return {5, true};
  }
  return {};
}

// Every field of `table`: read and written back, refused when out of range
// or of the wrong type; then an unknown key.
template <typename T>
void exercise(const fields::Table<T>& table, const std::string& prefix, const Parse& parse,
              const std::function<Json(const std::string&)>& base) {
  for (const fields::Field<T>& f : table) {
    SCOPED_TRACE(prefix + f.name);
    EXPECT_FALSE(f.source.empty());
    const auto with = [&](const Json& v) {
      Json j = base(f.name);
      j[f.name] = v;
      return j;
    };
    if (f.get) {
      for (const Json& v : accepted(f)) {
        const Json back = parse(with(v));
        // Off (0), drift pre-distortion is not written back: records without it stay as were.
        if (f.name == "drift_predistortion_time" && v == 0)
          EXPECT_FALSE(back.contains(f.name));
        else
          EXPECT_EQ(back.at(f.name), v) << v.dump();
      }
    }
    for (const Json& v : out_of_range(f)) expect_refused(parse, with(v), prefix + f.name);
    for (const Json& v : wrong_type(f)) expect_refused(parse, with(v), prefix + f.name);
  }
  Json unknown = base("");
  unknown["no_such_key"] = 1;
  expect_refused(parse, unknown, prefix + "no_such_key");
}

TEST(HardwareFields, EveryFieldIsReadDefaultedAndRefused) {
  const Parse parse = [](const Json& j) {
    return hardware_to_json(hardware_from_json(j, "cfg.json"));
  };
  // Defaulted: an empty description is the seed cluster's file, key by key.
  const auto seed = presets::find("hardware", "seed-cluster");
  ASSERT_TRUE(seed);
  const Json defaults = parse(Json::object());
  EXPECT_EQ(defaults.size(), seed->size());
  for (const auto& [key, value] : seed->items()) EXPECT_EQ(defaults[key], value) << key;
  EXPECT_EQ(hardware_sources().size(), seed->size());
  const Json schemas = hardware_schema();
  EXPECT_EQ(schemas.size(), seed->size());
  for (const auto& [key, schema] : schemas.items()) {
    SCOPED_TRACE(key);
    fields::Spec f;
    f.name = key;
    f.type = schema["type"] == "bool"      ? fields::Type::kBool
             : schema["type"] == "integer" ? fields::Type::kInt
                                           : fields::Type::kNumber;
    ASSERT_TRUE(f.type == fields::Type::kBool || schema.contains("range"));
    if (schema.contains("range")) {
      f.lo = schema["range"][0];
      f.hi = schema["range"][1];
    }
    for (const Json& v : accepted(f)) EXPECT_EQ(parse({{key, v}})[key], v) << v.dump();
    for (const Json& v : out_of_range(f)) expect_refused(parse, {{key, v}}, key);
    for (const Json& v : wrong_type(f)) expect_refused(parse, {{key, v}}, key);
  }
  expect_refused(parse, {{"mvm_nz", 130}}, "mvm_nz");
  expect_refused(parse, Json::array(), "JSON object");
}

TEST(AnalogConfigFields, EveryTopLevelFieldIsReadWrittenBackAndRefused) {
  const Parse parse = [](const Json& j) {
    return analog_config_to_json(analog_config_from_json(j, "cfg.json"));
  };
  // Settings some fields need to be meaningful (written back, accepted).
  const auto base = [](const std::string& key) {
    if (key == "adc_bound") return Json{{"adc_range", "bound"}};
    if (key == "adc_percentile" || key == "calibration_images" || key == "adc_calibrated_at")
      return Json{{"adc_range", "calibrated"}};
    if (key.rfind("gptq_", 0) == 0) return Json{{"weight_quantizer", "gptq"}};
    if (key == "device")  // "custom" needs a table
      return Json{{"device_table",
                   {{"g", {0, 1}},
                    {"prog_sigma", {0, 0}},
                    {"nu_mean", {0, 0}},
                    {"nu_sigma", {0, 0}},
                    {"read_sigma", {0, 0}}}}};
    return Json::object();
  };
  exercise(analog_config_fields(), "", parse, base);
  // Defaulted: an empty configuration is AnalogConfig's defaults.
  EXPECT_EQ(parse(Json::object()), analog_config_to_json(AnalogConfig{}));
  // The two base-setting keys and the nested objects, by example.
  EXPECT_EQ(parse({{"preset", "ima-paper"}}), analog_config_to_json(analog_preset("ima-paper")));
  expect_refused(parse, {{"hardware", "no-such-hardware"}}, "hardware");
  expect_refused(parse, {{"placement", {{"dw", 8}}}}, "placement.dw");
}

TEST(AnalogConfigFields, DriftPredistortionTimeRefusesNegativeNanAndWords) {
  const Parse parse = [](const Json& j) {
    return analog_config_to_json(analog_config_from_json(j, "cfg.json"));
  };
  for (const Json& v : {Json(-1.0), Json(std::nan("")), Json("day"), Json(-1e-9)})
    expect_refused(parse, {{"drift_predistortion_time", v}}, "drift_predistortion_time");
  EXPECT_EQ(parse({{"drift_predistortion_time", 86400}})["drift_predistortion_time"], 86400.0);
}

TEST(AnalogConfigFields, PlacementFieldsAreReadWrittenBackAndRefused) {
  const Parse parse = [](const Json& j) {
    return analog_config_to_json(
        analog_config_from_json({{"placement", j}}, "cfg.json"))["placement"];
  };
  exercise(placement_fields(), "placement.", parse,
           [](const std::string&) { return Json::object(); });
}

TEST(AnalogConfigFields, DeviceTableFieldsAreReadWrittenBackAndRefused) {
  const Parse parse = [](const Json& j) {
    const Json c = {{"device", "custom"}, {"device_table", j}};
    return analog_config_to_json(analog_config_from_json(c, "cfg.json"))["device_table"];
  };
  const auto base = [](const std::string&) {
    Json t = Json::object();
    for (const std::string& column : device_table_columns()) t[column] = {0.5, 1.0};
    t["nu_sigma"] = {0.0, 0.0};
    return t;
  };
  // Columns are validated as a table too (g ascending, sigmas >= 0): only
  // the scalars take their extreme values here.
  for (const auto& f : device_table_fields()) {
    SCOPED_TRACE(f.name);
    EXPECT_FALSE(f.source.empty());
    for (const Json& v : wrong_type(f)) {
      Json j = base("");
      j[f.name] = v;
      expect_refused(parse, j, "device_table." + f.name);
    }
    if (f.type != fields::Type::kNumber) continue;
    for (const Json& v : accepted(f)) {
      Json j = base("");
      j[f.name] = v;
      EXPECT_EQ(parse(j)[f.name], v);
    }
    for (const Json& v : out_of_range(f)) {
      Json j = base("");
      j[f.name] = v;
      expect_refused(parse, j, "device_table." + f.name);
    }
  }
  Json missing = base("");
  missing.erase("nu_mean");
  expect_refused(parse, missing, "device_table.nu_mean");
  Json unknown = base("");
  unknown["sigma"] = 1;
  expect_refused(parse, unknown, "device_table.sigma");
}

}  // namespace
}  // namespace aimc
