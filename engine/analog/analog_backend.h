#pragma once
// The analog backend the kernels receive through KernelOptions (declared
// opaque in engine/kernel.h): the configuration every crossbar tile of the
// model is programmed with.
#include "engine/analog/analog_config.h"

namespace aimc {

struct AnalogBackend {
  AnalogConfig config;
};

}  // namespace aimc
