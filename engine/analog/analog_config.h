#pragma once
// How a layer's matrix-vector products run on emulated crossbars (docs/ARCHITECTURE.md,
// §4): placement, tile size, converters, weight mapping, device model,
// evaluation time and compensation.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/analog/draw_cache.h"
#include "noise-models/faults.h"
#include "noise-models/gaussian.h"
#include "noise-models/pcm.h"
#include "noise-models/table_device.h"
#include "quant/converters.h"
#include "quant/gptq.h"

namespace aimc {

enum class AdcRangeMode { kMax, kFixed, kCalibrated, kBound };
enum class WeightScaling { kColumn, kTile };

enum class DriftCompensation { kNone, kGlobal, kColumn };
// The inputs drift compensation reads a tile out on: the identity (one unit
// input per row: the conductances themselves, as aihwkit does), or a few
// fixed random non-negative inputs, as a chip's periphery might.
enum class CompensationReadout { kIdentity, kRandom };
// How weights become levels when they are quantized: plain rounding, or
// GPTQ's error compensation on the same grid (quant/gptq.h).
enum class WeightQuantizer { kRound, kGptq };
// When calibrated ADC ranges are measured: on the chip as evaluated (after
// drift to t_inf), or once on the freshly programmed chip and then kept as it
// drifts, as deployed hardware does.
enum class AdcCalibrationTime { kAtTInf, kAtProgramming };

// Which layers run on crossbars. Names override op types; depthwise convs go
// on the crossbar only with cjob > 0 (C_job channels per block-diagonal job).
struct Placement {
  bool conv = true;       // convs with group 1 and a kernel larger than 1×1
  bool pointwise = true;  // 1×1 convs with group 1
  bool gemm = true;       // Gemm / MatMul
  int depthwise_cjob = 0;
  std::vector<std::string> analog_layers;   // node names forced onto tiles
  std::vector<std::string> digital_layers;  // node names forced digital
};

struct AnalogConfig {
  Placement placement;
  int tile_rows = 256;
  int tile_cols = 256;
  quant::DacSpec dac{8, 255};
  int adc_bits = 8;
  bool adc_signed = true;  // unsigned: codes 0..2^bits − 1, negative currents clip to 0
  AdcRangeMode adc_range = AdcRangeMode::kMax;
  double adc_fixed_range = 0;     // in accumulator units, for kFixed
  double adc_bound = 10;          // in normalized units, for kBound (aihwkit's out_bound)
  double adc_percentile = 99.99;  // of |y| per tile, for kCalibrated
  int calibration_images = 8;     // images the calibrated ranges are measured on
  AdcCalibrationTime adc_calibrated_at = AdcCalibrationTime::kAtTInf;
  int weight_bits = 8;  // 8 keeps an int8 model's own weights
  WeightScaling weight_scaling = WeightScaling::kColumn;
  int slice_bits = 0;  // > 0: bit-slice each weight over devices of this many bits
  // Differential pairs per weight (each slice), programmed independently to the
  // same target; their currents add, so the ADC sees their mean in digit units.
  int pairs_per_weight = 1;
  // Program-and-verify: up to this many programming attempts per device (1:
  // single-shot, as aihwkit's model), each read back and accepted within
  // verify_tolerance·g_max of its target.
  int verify_iterations = 1;
  double verify_tolerance = 0.02;
  // Per-output-channel gain and offset of the digital periphery, fitted on
  // the calibration images at the evaluated time (docs/ARCHITECTURE.md,
  // Affine correction).
  bool affine_correction = false;
  // > 0: each device is programmed to a pre-distorted target whose expected
  // conductance at this time (s after programming) is proportional to the
  // intended one (noise-models/drift_predistortion.h); 0: off.
  double drift_predistortion_time = 0;
  WeightQuantizer weight_quantizer = WeightQuantizer::kRound;
  double gptq_damping = 0.01;  // of H's mean diagonal (Frantar et al.'s percdamp)
  quant::GptqOrder gptq_order = quant::GptqOrder::kInput;  // rounding order of the inputs
  int gptq_images = 32;                                    // calibration images H is measured on
  // A name of noise-models/device_registry: a new device needs no change here.
  std::string device = "ideal";
  noise::PcmParams pcm;
  noise::GaussianParams gaussian;
  noise::DeviceTable table;  // rram / custom
  noise::FaultParams faults;
  double t_inf = 0;  // seconds after programming
  DriftCompensation compensation = DriftCompensation::kNone;
  CompensationReadout compensation_readout = CompensationReadout::kIdentity;
  // σ of the additive noise at the ADC input on every MVM, in normalized
  // units: 1 = the current of one full-scale input on one full-scale weight
  // (aihwkit's convention for out_noise and out_bound).
  double out_noise = 0;
  uint64_t seed = 0;
  // Not part of the configuration's meaning: a sweep's store of device
  // draws shared between points (identical results, less work). Null: none.
  std::shared_ptr<DrawCache> draw_cache;

  double g_max() const;
};

// The chip state calibrated ADC ranges are measured on: the configuration
// itself, or (calibrated at programming) the same chip at t = 0 with no
// compensation or affine correction. Configurations with equal calibration
// chips share ranges (and, when the chip is the configuration itself, affine
// corrections).
AnalogConfig calibration_chip(const AnalogConfig& c);

}  // namespace aimc
