#pragma once
// Float layers on crossbar tiles (aihwkit style, docs/ARCHITECTURE.md, Analog MVM): each
// job's input vector is divided by its largest magnitude (aihwkit's "abs
// max" noise management), put on the DAC's grid over [−1, 1], multiplied on
// tiles whose weights are each column's (or tile's) full scale, digitised,
// and scaled back. Used by Conv (group 1), Gemm and MatMul with constant
// weights, and the W and R of LSTM, GRU and RNN.
#include <functional>
#include <memory>
#include <string>

#include "engine/analog/tiled_layer.h"
#include "engine/kernels/float/float_common.h"

namespace aimc::floatk {

// The tiles of a conv weight [O, C/group, k...] (rows ordered like the
// weight: c, then the kernel window; one block per group; a depthwise conv
// placed in C_job blocks, rows (tap, channel)), or nullptr when placement
// keeps it digital.
std::unique_ptr<TiledLayer> conv_tiles(const Node& n, const Graph& g, const KernelOptions& o,
                                       const Tensor& weight, int64_t group);

// y [N, O, out...] from x [N, C, in...] on the tiles; cjob > 0: a depthwise
// conv in blocks of that many channels.
void run_conv_tiles(const TiledLayer& tiles, const RunContext& ctx, KernelFlavor flavor,
                    const Window& win, const Tensor& x, const float* bias, Tensor& y, int cjob);

// The tiles of a Gemm's constant B (columns = outputs), or nullptr.
std::unique_ptr<TiledLayer> gemm_tiles(const Node& n, const Graph& g, const KernelOptions& o,
                                       const Tensor& b, bool trans_b);

// y [m, n] = A·B on the tiles (A [m, k], or [k, m] with trans_a).
// With rows_per_image > 1 (a MatMul over a sequence), row r belongs to
// image r / rows_per_image, whose noise stream keys it by r % rows_per_image:
// results never depend on the batch size.
void run_gemm_tiles(const TiledLayer& tiles, const RunContext& ctx, KernelFlavor flavor,
                    const Tensor& a, bool trans_a, float* y, int64_t rows_per_image = 1);

// The tiles of one of several constant matrices of a node (a recurrent
// layer's W and R of each direction), or nullptr when placement keeps the
// node digital. weights_nk holds `cols` rows of k weights, one row per
// output. `matrix` (0..3) keeps the device draws of the node's matrices
// apart, `name` their calibrated ADC ranges.
std::unique_ptr<TiledLayer> matrix_tiles(const Node& n, const Graph& g, const KernelOptions& o,
                                         const float* weights_nk, int64_t cols, int64_t k,
                                         int matrix, std::string name);

// Jobs of one input row each on the tiles: `row(job, key)` returns the job's
// k inputs and sets its noise key; `emit(job, acc)` receives its channels()
// results. Called from several threads at once.
using RowOfJob = std::function<const float*(int64_t job, JobKey& key)>;
using EmitJob = std::function<void(int64_t job, const double* acc)>;
void run_row_jobs(const TiledLayer& tiles, const RunContext& ctx, KernelFlavor flavor, int64_t jobs,
                  const RowOfJob& row, const EmitJob& emit);

}  // namespace aimc::floatk
