#include "engine/analog/analog_config_fields.h"

#include <filesystem>
#include <stdexcept>

#include "engine/error.h"
#include "engine/json_file.h"
#include "engine/presets.h"
#include "noise-models/device_registry.h"

namespace aimc {
namespace {

using C = AnalogConfig;
using fields::Field;
using fields::Type;

constexpr double kBig = 1e30;
constexpr int kIdealAdcBits = 28;  // an ADC fine enough never to round away an integer sum

// A field with its own setter and getter (members that are not plain).
Field<C> custom(Field<C> f, decltype(Field<C>::set) set, decltype(Field<C>::get) get) {
  f.set = std::move(set);
  f.get = std::move(get);
  return f;
}

Field<C> spec(const std::string& name, Type type, double lo, double hi,
              std::vector<std::string> words, const std::string& unit, const std::string& source) {
  Field<C> f = fields::make<C>(name, type, unit, source);
  f.lo = lo;
  f.hi = hi;
  f.words = std::move(words);
  return f;
}

Field<C> adc_bits() {
  return custom(
      spec("adc_bits", Type::kInt, 2, 16, {"ideal"}, "bit", "code: the IMA's 8-bit ADC"),
      [](C& c, const nlohmann::json& v, const fields::Context&) {
        c.adc_bits = v.is_string() ? kIdealAdcBits : static_cast<int>(v.get<double>());
      },
      [](const C& c) {
        return c.adc_bits > 16 ? nlohmann::json("ideal") : nlohmann::json(c.adc_bits);
      });
}

// A word (max, calibrated, bound) or a fixed range in accumulator units.
Field<C> adc_range() {
  static const std::vector<std::pair<std::string, AdcRangeMode>> modes = {
      {"max", AdcRangeMode::kMax},
      {"calibrated", AdcRangeMode::kCalibrated},
      {"bound", AdcRangeMode::kBound}};
  std::vector<std::string> words;
  for (const auto& m : modes) words.push_back(m.first);
  return custom(
      spec("adc_range", Type::kNumber, 1e-12, kBig, words, "",
           "code: max never clips (the exactness property)"),
      [](C& c, const nlohmann::json& v, const fields::Context&) {
        if (!v.is_string()) {
          c.adc_range = AdcRangeMode::kFixed;
          c.adc_fixed_range = v.get<double>();
          return;
        }
        for (const auto& [word, mode] : modes)
          if (word == v.get<std::string>()) c.adc_range = mode;
      },
      [](const C& c) {
        if (c.adc_range == AdcRangeMode::kFixed) return nlohmann::json(c.adc_fixed_range);
        for (const auto& [word, mode] : modes)
          if (mode == c.adc_range) return nlohmann::json(word);
        return nlohmann::json(nullptr);
      });
}

// GPTQ's parameters, written back only when GPTQ is used.
Field<C> only_with_gptq(Field<C> f) {
  auto get = f.get;
  f.get = [get](const C& c) {
    return c.weight_quantizer == WeightQuantizer::kGptq ? get(c) : nlohmann::json(nullptr);
  };
  return f;
}

// Written back only when on (not 0): the records of configurations without it stay as they were.
Field<C> only_when_on(Field<C> f) {
  auto get = f.get;
  f.get = [get](const C& c) {
    const nlohmann::json v = get(c);
    return v == 0 ? nlohmann::json(nullptr) : v;
  };
  return f;
}

// Written back only in the range mode that uses it.
Field<C> only_when(Field<C> f, AdcRangeMode mode) {
  auto get = f.get;
  f.get = [get, mode](const C& c) {
    return c.adc_range == mode ? get(c) : nlohmann::json(nullptr);
  };
  return f;
}

Field<C> g_max() {
  return custom(
      spec("g_max", Type::kNumber, 1e-6, kBig, {}, "uS", "aihwkit PCMLikeNoiseModel: 25 uS"),
      [](C& c, const nlohmann::json& v, const fields::Context&) {
        c.pcm.g_max = c.gaussian.g_max = v.get<double>();
      },
      [](const C& c) { return nlohmann::json(c.g_max()); });
}

Field<C> device_table() {
  return custom(
      spec("device_table", Type::kObject, 0, 0, {}, "", "code: rram's default table"),
      [](C& c, const nlohmann::json& v, const fields::Context& ctx) {
        c.table = read_device_table(v, ctx);
      },
      [](const C& c) -> nlohmann::json {
        if (c.device != "rram" && c.device != "custom") return nullptr;
        return fields::write(device_table_fields(), c.table);
      });
}

Field<C> placement() {
  return custom(
      spec("placement", Type::kObject, 0, 0, {}, "", "code: the engine's default placement"),
      [](C& c, const nlohmann::json& v, const fields::Context& ctx) {
        if (!v.is_object()) throw bad_input(ctx.where, "key 'placement' must be an object");
        fields::read(placement_fields(), v, c.placement, {ctx.where, "placement.", ctx.base_dir});
      },
      [](const C& c) { return fields::write(placement_fields(), c.placement); });
}

// The device key takes the registry's names, so a new device needs no
// change in this parser.
std::vector<std::pair<std::string, std::string>> device_choices() {
  std::vector<std::pair<std::string, std::string>> choices;
  for (std::string_view name : noise::device_names()) choices.emplace_back(name, name);
  return choices;
}

// The keys of a configuration whose values are plain members.
fields::Table<C> plain_fields() {
  using fields::choice;
  using fields::flag;
  using fields::number;
  // clang-format off
  return {
    number("tile_rows", &C::tile_rows, 1, 65536, "", "code: the IMA's 256x256 array"),
    number("tile_cols", &C::tile_cols, 1, 65536, "", "code: the IMA's 256x256 array"),
    number<C>("dac_bits", [](auto& c) -> auto& { return c.dac.bits; }, 1, 16, "bit",
              "code: the IMA's 8-bit signed DAC"),
    number<C>("dac_full_scale", [](auto& c) -> auto& { return c.dac.full_scale; }, 1, 1 << 20,
              "", "code: 255, the largest input after ReLU6"),
    flag<C>("dac_signed", [](auto& c) -> auto& { return c.dac.is_signed; },
            "code: the IMA's signed PWM pulses"),
    flag("adc_signed", &C::adc_signed, "code: the IMA's signed ADC"),
    number("adc_bound", &C::adc_bound, 1e-12, kBig, "", "aihwkit: out_bound 10"),
    number("adc_percentile", &C::adc_percentile, 1e-9, 100, "%", "code"),
    number("calibration_images", &C::calibration_images, 1, 100000, "", "code"),
    choice<C, AdcCalibrationTime>("adc_calibrated_at", fields::member(&C::adc_calibrated_at),
        {{"t_inf", AdcCalibrationTime::kAtTInf},
         {"programming", AdcCalibrationTime::kAtProgramming}}, "code"),
    number("weight_bits", &C::weight_bits, 2, 16, "bit", "code: the int8 model's own weights"),
    choice<C, WeightScaling>("weight_scaling", fields::member(&C::weight_scaling),
        {{"column", WeightScaling::kColumn}, {"tile", WeightScaling::kTile}}, "code"),
    number("slice_bits", &C::slice_bits, 0, 8, "bit", "code: no bit-slicing"),
    number("pairs_per_weight", &C::pairs_per_weight, 1, 64, "",
           "Joshi et al., Nat. Commun. 11, 2473 (2020): several devices per weight"),
    number("verify_iterations", &C::verify_iterations, 1, 100, "",
           "Papandreou et al., ISCAS 2011: iterative program-and-verify"),
    number("verify_tolerance", &C::verify_tolerance, 0, 1, "g_max", "code"),
    choice<C, bool>("affine_correction", fields::member(&C::affine_correction),
        {{"none", false}, {"channel", true}},
        "Joshi et al., Nat. Commun. 11, 2473 (2020): adaptive batch-norm statistics"),
    number("drift_predistortion_time", &C::drift_predistortion_time, 0, kBig, "s",
           "code: off; Joshi et al., Nat. Commun. 11, 2473 (2020): conductance-dependent drift"),
    choice<C, WeightQuantizer>("weight_quantizer", fields::member(&C::weight_quantizer),
        {{"round", WeightQuantizer::kRound}, {"gptq", WeightQuantizer::kGptq}},
        "code: plain rounding; gptq: Frantar et al. 2022, arXiv 2210.17323"),
    number("gptq_damping", &C::gptq_damping, 0, 1e6, "",
           "Frantar et al. 2022: percdamp 0.01 of the mean diagonal"),
    number("gptq_images", &C::gptq_images, 1, 100000, "", "code"),
    choice<C, quant::GptqOrder>("gptq_order", fields::member(&C::gptq_order),
        {{"input", quant::GptqOrder::kInput}, {"activation", quant::GptqOrder::kActivation}},
        "Frantar et al. 2022: act_order, inputs by decreasing H_ii"),
    choice<C, std::string>("device", fields::member(&C::device), device_choices(), "code"),
    number<C>("t0", [](auto& c) -> auto& { return c.pcm.t0; }, 1e-9, kBig, "s",
              "aihwkit PCMLikeNoiseModel: 20 s"),
    number<C>("t_read", [](auto& c) -> auto& { return c.pcm.t_read; }, 1e-15, kBig, "s",
              "aihwkit PCMLikeNoiseModel: 250 ns"),
    number<C>("prog_noise_scale", [](auto& c) -> auto& { return c.pcm.prog_noise_scale; }, 0,
              kBig, "", "aihwkit PCMLikeNoiseModel: 1"),
    number<C>("drift_scale", [](auto& c) -> auto& { return c.pcm.drift_scale; }, 0, kBig, "",
              "aihwkit PCMLikeNoiseModel: 1"),
    number<C>("read_noise_scale", [](auto& c) -> auto& { return c.pcm.read_noise_scale; }, 0,
              kBig, "", "aihwkit PCMLikeNoiseModel: 1"),
    number<C>("prog_sigma", [](auto& c) -> auto& { return c.gaussian.prog_sigma; }, 0, kBig,
              "uS", "code"),
    number<C>("read_sigma", [](auto& c) -> auto& { return c.gaussian.read_sigma; }, 0, kBig,
              "uS", "code"),
    choice<C, bool>("sigma_mode", [](auto& c) -> auto& { return c.gaussian.relative; },
        {{"absolute", false}, {"relative", true}}, "code"),
    number<C>("p_stuck_zero", [](auto& c) -> auto& { return c.faults.p_stuck_zero; }, 0, 1, "",
              "code: no faults"),
    number<C>("p_stuck_gmax", [](auto& c) -> auto& { return c.faults.p_stuck_gmax; }, 0, 1, "",
              "code: no faults"),
    number("t_inf", &C::t_inf, 0, kBig, "s", "code: right after programming"),
    choice<C, DriftCompensation>("drift_compensation", fields::member(&C::compensation),
        {{"none", DriftCompensation::kNone}, {"global", DriftCompensation::kGlobal},
         {"column", DriftCompensation::kColumn}}, "code"),
    choice<C, CompensationReadout>("compensation_readout",
        fields::member(&C::compensation_readout),
        {{"identity", CompensationReadout::kIdentity}, {"random", CompensationReadout::kRandom}},
        "aihwkit GlobalDriftCompensation: the identity"),
    choice<C, bool>("read_noise_time", [](auto& c) -> auto& { return c.pcm.read_noise_includes_t0; },
        {{"t_inf+t0", true}, {"t_inf", false}}, "aihwkit PCMLikeNoiseModel: t_inf + t0"),
    number("out_noise", &C::out_noise, 0, kBig, "", "code: none"),
    number("seed", &C::seed, 0, 9.0e15, "", "code"),
  };
  // clang-format on
}

}  // namespace

const fields::Table<AnalogConfig>& analog_config_fields() {
  static const fields::Table<C> table = [] {
    fields::Table<C> t = {
        spec("preset", Type::kChoice, 0, 0, presets::names("analog"), "", "engine/presets/analog/"),
        spec("hardware", Type::kString, 0, 0, {}, "",
             "engine/presets/hardware/ (a name) or a file: tile size, converter and weight "
             "bits of its IMA"),
        placement(),
        adc_bits(),
        adc_range(),
        g_max(),
        device_table()};
    for (Field<C>& f : plain_fields()) {
      if (f.name == "adc_bound") f = only_when(f, AdcRangeMode::kBound);
      if (f.name.rfind("gptq_", 0) == 0) f = only_with_gptq(f);
      if (f.name == "drift_predistortion_time") f = only_when_on(f);
      if (f.name == "adc_percentile" || f.name == "calibration_images" ||
          f.name == "adc_calibrated_at")
        f = only_when(f, AdcRangeMode::kCalibrated);
      t.push_back(std::move(f));
    }
    return t;
  }();
  return table;
}

const fields::Table<Placement>& placement_fields() {
  using P = Placement;
  static const fields::Table<P> table = {
      fields::flag("conv", &P::conv, "code: standard convs on crossbars"),
      fields::flag("pointwise", &P::pointwise, "code: pointwise convs on crossbars"),
      fields::flag("gemm", &P::gemm, "code: Gemm and MatMul on crossbars"),
      fields::number("depthwise_cjob", &P::depthwise_cjob, 0, 4096, "channel",
                     "code: depthwise stays digital, as on the cluster's accelerator"),
      fields::names<P>("analog_layers", fields::member(&P::analog_layers), "code: none"),
      fields::names<P>("digital_layers", fields::member(&P::digital_layers), "code: none"),
  };
  return table;
}

const fields::Table<noise::DeviceTable>& device_table_fields() {
  using D = noise::DeviceTable;
  static const fields::Table<D> table = {
      fields::number("g_max", &D::g_max, 1e-9, kBig, "uS", "the table's author"),
      fields::number("t0", &D::t0, 1e-12, kBig, "s", "the table's author"),
      fields::numbers<D>("g", fields::member(&D::g), -kBig, kBig, "", "the table's author"),
      fields::numbers<D>("prog_sigma", fields::member(&D::prog_sigma), -kBig, kBig, "",
                         "the table's author"),
      fields::numbers<D>("nu_mean", fields::member(&D::nu_mean), -kBig, kBig, "",
                         "the table's author"),
      fields::numbers<D>("nu_sigma", fields::member(&D::nu_sigma), -kBig, kBig, "",
                         "the table's author"),
      fields::numbers<D>("read_sigma", fields::member(&D::read_sigma), -kBig, kBig, "",
                         "the table's author"),
  };
  return table;
}

const std::vector<std::string>& device_table_columns() {
  static const std::vector<std::string> columns = {"g", "prog_sigma", "nu_mean", "nu_sigma",
                                                   "read_sigma"};
  return columns;
}

noise::DeviceTable read_device_table(const nlohmann::json& v, const fields::Context& ctx) {
  nlohmann::json t = v;
  std::string at = ctx.where;
  if (v.is_string()) {
    // A table in its own file, relative to the configuration's folder.
    std::filesystem::path path = v.get<std::string>();
    if (path.is_relative()) path = std::filesystem::path(ctx.base_dir) / path;
    at = path.string();
    // Named from the configuration: "" or "." resolve to its own folder.
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
      throw bad_input(ctx.where, "key 'device_table': '" + at + "' is a directory, not a file");
    t = read_json_file(at, ctx.where, "key 'device_table': cannot open '" + at + "'");
  }
  if (!t.is_object()) throw bad_input(at, "key 'device_table' must be an object or a file name");
  noise::DeviceTable d;
  fields::read(device_table_fields(), t, d, {at, "device_table.", ctx.base_dir});
  for (const std::string& column : device_table_columns())
    if (!t.contains(column)) throw bad_input(at, "key 'device_table." + column + "' is missing");
  try {
    noise::validate_table(d);
  } catch (const std::invalid_argument& e) {
    throw bad_input(at, std::string("key 'device_table.") + e.what());
  }
  return d;
}

}  // namespace aimc
