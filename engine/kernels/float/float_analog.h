#pragma once
// Float layers on crossbar tiles (aihwkit style, docs/ARCHITECTURE.md, Analog MVM): each
// job's input vector is divided by its largest magnitude (aihwkit's "abs
// max" noise management), put on the DAC's grid over [−1, 1], multiplied on
// tiles whose weights are each column's (or tile's) full scale, digitised,
// and scaled back. Used by Conv (group 1) and Gemm with constant weights.
#include <memory>

#include "engine/analog/tiled_layer.h"
#include "engine/kernels/float/float_common.h"

namespace aimc::floatk {

// The tiles of a conv weight [O, C, k...] (rows ordered like the weight: c,
// then the kernel window), or nullptr when placement keeps it digital.
std::unique_ptr<TiledLayer> conv_tiles(const Node& n, const Graph& g, const KernelOptions& o,
                                       const Tensor& weight, int64_t group);

// y [N, O, out...] from x [N, C, in...] on the tiles.
void run_conv_tiles(const TiledLayer& tiles, const RunContext& ctx, KernelFlavor flavor,
                    const Window& win, const Tensor& x, const float* bias, Tensor& y);

// The tiles of a Gemm's constant B (columns = outputs), or nullptr.
std::unique_ptr<TiledLayer> gemm_tiles(const Node& n, const Graph& g, const KernelOptions& o,
                                       const Tensor& b, bool trans_b);

// y [m, n] = A·B on the tiles (A [m, k], or [k, m] with trans_a).
// With rows_per_image > 1 (a MatMul over a sequence), row r belongs to
// image r / rows_per_image, whose noise stream keys it by r % rows_per_image:
// results never depend on the batch size.
void run_gemm_tiles(const TiledLayer& tiles, const RunContext& ctx, KernelFlavor flavor,
                    const Tensor& a, bool trans_a, float* y, int64_t rows_per_image = 1);

}  // namespace aimc::floatk
