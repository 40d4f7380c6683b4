#!/usr/bin/python3
"""Writes lstm-dq.onnx: lstm.onnx dynamically quantized the way ONNX Runtime's
quantize_dynamic (onnxruntime/python/tools/quantization, 1.2x-1.30: operators/lstm.py,
operators/matmul.py, quant_utils.py) writes it, with Debian's python3-onnx and numpy only
(ONNX Runtime's Python package is not available here).

- The LSTM becomes com.microsoft.DynamicQuantizeLSTM: W and R int8, symmetric over
  [-127, 127], one scale per direction (per_channel=False, quantize_dynamic's default) or
  per gate row with --per-channel; zero points 0; W and R transposed to
  [directions, input or hidden, 4*hidden]; inputs X, W, R, B, "", "", "", "", W_scale,
  W_zero_point, R_scale, R_zero_point.
- ONNX Runtime quantizes MatMul, not Gemm. The classifier Gemm (transB=1) is therefore first
  written as MatMul(x, fc.weight^T) + Add(fc.bias), which is the same float computation,
  and the MatMul then becomes quantize_dynamic's chain
  DynamicQuantizeLinear(x) -> MatMulInteger(x_q, W_q, x_zp, W_zp) -> Cast(float)
  -> Mul(by x_scale * W_scale, itself a Mul), followed by the Add. W_q is int8, symmetric,
  per tensor (per column with --per-channel).

Usage: /usr/bin/python3 models/mnist/quantize_dynamic_lstm.py [--per-channel]
         [--model models/mnist/lstm.onnx] [--out models/mnist/lstm-dq.onnx]
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

MS_DOMAIN = "com.microsoft"


def symmetric_int8(data):
    """quant_utils.quantize_data for int8 weights: symmetric over [-127, 127], zero point 0.
    The range is taken in float32, the scale computed in float64 and stored as float32, and
    codes are round_half_even(w / scale) (numpy, float32) clipped to [-127, 127]."""
    data = np.asarray(data, dtype=np.float32).ravel()
    rmin = np.minimum(data.min(), np.float32(0))
    rmax = np.maximum(data.max(), np.float32(0))
    absmax = np.maximum(np.abs(rmin), np.abs(rmax))
    dr = np.float64(absmax - (-absmax))
    scale = np.float64(dr / (np.float64(127) - np.float64(-127)))
    if scale < np.finfo(np.float32).tiny:
        scale = np.float32(1.0)
    else:
        scale = np.float32(scale)
    q = np.clip(np.round(data / scale), -127, 127).astype(np.int8)
    return scale, q


def quantize_per_axis(w, axis):
    """quantize_weight_per_channel_impl: each slice along `axis` on its own."""
    scales, slices = [], []
    for i in range(w.shape[axis]):
        s, q = symmetric_int8(np.take(w, i, axis=axis))
        shape = list(w.shape)
        shape[axis] = 1
        scales.append(s)
        slices.append(q.reshape(shape))
    return np.array(scales, dtype=np.float32), np.concatenate(slices, axis=axis)


def initializer(model, name):
    for t in model.graph.initializer:
        if t.name == name:
            return t
    raise SystemExit(f"no initializer {name}")


def quantize_lstm(model, node, per_channel, new_inits):
    """operators/lstm.py: LSTMQuant.do_quantization."""
    outs = []
    for name in node.input[1:3]:
        w = numpy_helper.to_array(initializer(model, name))  # [dirs, 4*hidden, k]
        dirs, gh, k = w.shape
        if per_channel:
            scale, q = quantize_per_axis(w.reshape(dirs * gh, k), 0)
            scale, q = scale.reshape(dirs, gh), q.reshape(dirs, gh, k)
        else:
            scale, q = quantize_per_axis(w, 0)  # one scale per direction
        zp = np.zeros(scale.shape, dtype=np.int8)
        new_inits += [
            numpy_helper.from_array(np.ascontiguousarray(q.transpose(0, 2, 1)), name + "_quantized"),
            numpy_helper.from_array(zp, name + "_zero_point"),
            numpy_helper.from_array(scale, name + "_scale"),
        ]
        outs.append(name)
    w_name, r_name = outs
    ins = list(node.input)
    inputs = [ins[0], w_name + "_quantized", r_name + "_quantized"]
    inputs += [ins[i] if len(ins) > i else "" for i in range(3, 8)]
    inputs += [w_name + "_scale", w_name + "_zero_point", r_name + "_scale", r_name + "_zero_point"]
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    return [helper.make_node("DynamicQuantizeLSTM", inputs, list(node.output),
                             node.name + "_quant" if node.name else "", domain=MS_DOMAIN, **attrs)]


def quantize_gemm(model, node, per_channel, new_inits):
    """Gemm(x, W, b, transB=1) as MatMul + Add, the MatMul as operators/matmul.py's chain."""
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    if attrs.get("transA", 0) or attrs.get("alpha", 1.0) != 1.0 or attrs.get("beta", 1.0) != 1.0:
        raise SystemExit(f"{node.name}: only Gemm with alpha = beta = 1 and no transA")
    w = numpy_helper.to_array(initializer(model, node.input[1]))
    if attrs.get("transB", 0):
        w = w.T
    x, wname, out = node.input[0], node.input[1] + "_T", node.output[0]
    if per_channel:
        scale, q = quantize_per_axis(w, 1)
    else:
        s, q = symmetric_int8(w)
        scale, q = np.array(s, dtype=np.float32), q.reshape(w.shape)
    new_inits += [
        numpy_helper.from_array(q, wname + "_quantized"),
        numpy_helper.from_array(np.zeros(scale.shape, dtype=np.int8), wname + "_zero_point"),
        numpy_helper.from_array(scale, wname + "_scale"),
    ]
    mm = (node.name or "fc") + "_MatMul"
    matmul_out = mm + "_output_0"
    q_out = matmul_out + "_output_quantized"
    nodes = [
        helper.make_node("DynamicQuantizeLinear", [x],
                         [x + "_quantized", x + "_scale", x + "_zero_point"], x + "_QuantizeLinear"),
        helper.make_node("MatMulInteger", [x + "_quantized", wname + "_quantized",
                                           x + "_zero_point", wname + "_zero_point"],
                         [q_out], mm + "_quant"),
        helper.make_node("Cast", [q_out], [q_out + "_cast_output"], q_out + "_cast",
                         to=TensorProto.FLOAT),
        helper.make_node("Mul", [x + "_scale", wname + "_scale"], [mm + "_quant_scales_mul:0"],
                         mm + "_quant_scales_mul"),
        helper.make_node("Mul", [q_out + "_cast_output", mm + "_quant_scales_mul:0"],
                         [matmul_out], mm + "_quant_output_scale_mul"),
    ]
    if len(node.input) > 2 and node.input[2]:
        nodes.append(helper.make_node("Add", [matmul_out, node.input[2]], [out],
                                      (node.name or "fc") + "_Add"))
    else:
        nodes[-1].output[0] = out
    return nodes


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", default="models/mnist/lstm.onnx")
    p.add_argument("--out", default="models/mnist/lstm-dq.onnx")
    p.add_argument("--per-channel", action="store_true")
    a = p.parse_args()
    model = onnx.load(a.model)
    new_inits, nodes, replaced = [], [], set()
    for node in model.graph.node:
        if node.op_type == "LSTM":
            nodes += quantize_lstm(model, node, a.per_channel, new_inits)
            replaced.update(node.input[1:3])
        elif node.op_type == "Gemm" and len(node.input) > 1 and any(
                t.name == node.input[1] for t in model.graph.initializer):
            nodes += quantize_gemm(model, node, a.per_channel, new_inits)
            replaced.add(node.input[1])
        else:
            nodes.append(node)
    kept = [t for t in model.graph.initializer if t.name not in replaced]
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept + new_inits)
    if not any(o.domain == MS_DOMAIN for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    onnx.save(model, a.out)
    print(f"wrote {a.out}: {len(nodes)} nodes, {'per-channel' if a.per_channel else 'per-tensor'} "
          "int8 weights")


if __name__ == "__main__":
    main()
