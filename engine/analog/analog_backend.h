#pragma once
// The analog backend the kernels receive through KernelOptions (declared
// opaque in engine/kernel.h): the configuration every crossbar tile of the
// model is programmed with, and what replaces plain rounding of its weights.
#include <memory>

#include "engine/analog/analog_config.h"
#include "engine/analog/weight_levels.h"

namespace aimc {

struct AnalogBackend {
  AnalogConfig config;
  // weight_quantizer "gptq": the levels of each layer's blocks.
  std::shared_ptr<const WeightLevelTable> weight_levels;
  // The ideal twin measuring input moments for GPTQ: each crossbar layer
  // keeps its weights to hand them to the moments sink.
  bool keep_weights = false;
};

}  // namespace aimc
