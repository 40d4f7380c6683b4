// The named analog presets and the seed cluster's hardware description, as
// they were when they were compiled-in code (dumped from that code before
// they moved to JSON files under engine/presets/): loading them by name must
// give exactly these values, so that every output and timing number stays.
// The two PCM choices made aihwkit's later (compensation read out on the
// identity, read noise over t_inf + t0) are the defaults of every preset, and
// the mitigations (several pairs, verification, affine correction) are off.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "engine/analog/analog_config_json.h"
#include "engine/hardware/hardware.h"

namespace aimc {
namespace {

// Keys every preset shares with the default configuration.
nlohmann::json common_keys() {
  return nlohmann::json::parse(R"({
    "adc_signed": true, "dac_bits": 8, "dac_full_scale": 255, "dac_signed": true,
    "drift_scale": 1.0, "g_max": 25.0, "p_stuck_gmax": 0.0, "p_stuck_zero": 0.0,
    "placement": {"analog_layers": [], "conv": true, "depthwise_cjob": 0, "digital_layers": [],
                  "gemm": true, "pointwise": true},
    "prog_noise_scale": 1.0, "prog_sigma": 0.0, "read_noise_scale": 1.0, "read_sigma": 0.0,
    "seed": 0, "sigma_mode": "absolute", "slice_bits": 0, "t0": 20.0, "t_inf": 0.0,
    "t_read": 2.5e-07, "weight_quantizer": "round", "weight_scaling": "column",
    "compensation_readout": "identity", "read_noise_time": "t_inf+t0",
    "pairs_per_weight": 1, "verify_iterations": 1, "verify_tolerance": 0.02,
    "affine_correction": "none"})");
}

nlohmann::json expected_preset(const std::string& name) {
  nlohmann::json j = common_keys();
  if (name == "ideal") {
    j.update(nlohmann::json::parse(R"({
      "adc_bits": "ideal", "adc_range": "max", "device": "ideal", "drift_compensation": "none",
      "out_noise": 0.0, "tile_cols": 256, "tile_rows": 256, "weight_bits": 8})"));
  } else if (name == "ima-paper") {
    j.update(nlohmann::json::parse(R"({
      "adc_bits": 8, "adc_calibrated_at": "t_inf", "adc_percentile": 99.99,
      "adc_range": "calibrated", "calibration_images": 8, "device": "pcm",
      "drift_compensation": "global", "out_noise": 0.0, "tile_cols": 256, "tile_rows": 256,
      "weight_bits": 4})"));
  } else if (name == "aihwkit-standard") {
    j.update(nlohmann::json::parse(R"({
      "adc_bits": 8, "adc_bound": 10.0, "adc_range": "bound", "device": "pcm",
      "drift_compensation": "global", "out_noise": 0.04, "tile_cols": 512, "tile_rows": 512,
      "weight_bits": 8})"));
  }
  return j;
}

TEST(PresetsUnchanged, AnalogPresetsEqualTheirFormerCompiledInValues) {
  for (const std::string name : {"ideal", "ima-paper", "aihwkit-standard"}) {
    SCOPED_TRACE(name);
    const AnalogConfig c = analog_preset(name);
    EXPECT_EQ(analog_config_to_json(c), expected_preset(name));
    // Fields the JSON does not show for every range mode or device.
    const AnalogConfig d;
    EXPECT_EQ(c.adc_fixed_range, d.adc_fixed_range);
    EXPECT_EQ(c.adc_bound, d.adc_bound);
    EXPECT_EQ(c.adc_percentile, d.adc_percentile);
    EXPECT_EQ(c.calibration_images, d.calibration_images);
    EXPECT_EQ(c.adc_calibrated_at, d.adc_calibrated_at);
    EXPECT_EQ(c.gaussian.g_max, d.gaussian.g_max);
    EXPECT_EQ(c.gaussian.relative, d.gaussian.relative);
    EXPECT_EQ(c.pcm.g_max, d.pcm.g_max);
    EXPECT_TRUE(c.table.g.empty());
  }
}

TEST(PresetsUnchanged, PresetsLoadByNameFromTheCommandLineSpelling) {
  for (const std::string name : {"ideal", "ima-paper", "aihwkit-standard"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(analog_config_to_json(load_analog_config(name)), expected_preset(name));
  }
}

TEST(PresetsUnchanged, SeedClusterHardwareEqualsItsFormerCompiledInValues) {
  const nlohmann::json former = nlohmann::json::parse(R"({
    "add_cycles_per_element": 0.5, "bus_bits": 128, "cluster_job_overhead_cycles": 65.0,
    "cores": 8, "cores_power_mw": 60.0, "dw_accel_mac_per_cycle": 29.7,
    "dw_accel_power_mw": 20.0, "freq_mhz": 500.0, "idle_power_mw": 15.0, "ima_cols": 256,
    "ima_job_energy_nj": 3.76, "ima_rows": 256, "io_bits": 8,
    "marshal_cycles_per_element": 0.43, "marshal_energy_pj_per_element": 72.0,
    "multi_array_overlap_depthwise": true, "mvm_ns": 130.0, "pipelined": true,
    "pool_cycles_per_element": 0.25, "sequential_overhead_cycles": 4.0,
    "streamed_job_overhead_cycles": 1.0, "sw_conv_mac_per_cycle": 15.5,
    "sw_depthwise_chw_mac_per_cycle": 4.0, "sw_depthwise_mac_per_cycle": 1.1,
    "sw_gemm_mac_per_cycle": 15.5, "sw_pointwise_mac_per_cycle": 15.5, "tcdm_kib": 512.0})");
  const nlohmann::json now = timing::hardware_to_json(timing::Hardware{});
  // Keys may be added (the IMA's converter and weight bits); none may change.
  for (const auto& [key, value] : former.items()) {
    ASSERT_TRUE(now.contains(key)) << key;
    EXPECT_EQ(now[key], value) << key;
  }
}

}  // namespace
}  // namespace aimc
