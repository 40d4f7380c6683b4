#pragma once
// Moved to engine/hardware/hardware.h; this header goes once nothing includes it.
#include "engine/hardware/hardware.h"
