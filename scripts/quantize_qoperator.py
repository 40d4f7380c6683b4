#!/usr/bin/python3
"""Writes MobileNetV2 in the QOperator form ONNX Runtime's static quantizer
produces: uint8 asymmetric activations, int8 symmetric per-channel conv
weights, QLinearConv, com.microsoft QLinearAdd, QLinearGlobalAveragePool
and QGemm, Flatten on uint8 data, a DequantizeLinear at the end.

Activation ranges (min/max, as the quantizer's MinMax calibration) come
from running the float model in numpy on calibration inputs: raw float32
NCHW tensors, preprocessed by aimc itself (scripts/qoperator-mobilenet.sh
writes them), so that the images evaluated afterwards are not among them.

Usage: quantize_qoperator.py --fp32 MODEL.onnx --out MODEL_QOP.onnx CALIB.f32 ...
Needs Debian's python3-onnx and python3-numpy only.
"""
import argparse
import sys

import numpy as np
import onnx
from numpy.lib.stride_tricks import sliding_window_view
from onnx import helper, numpy_helper, TensorProto


def conv(x, w, b, attrs):
    """NCHW float conv (groups 1 or depthwise), x [N,C,H,W]."""
    t, l, bo, r = attrs.get("pads", [0, 0, 0, 0])
    s = attrs.get("strides", [1, 1])
    group = attrs.get("group", 1)
    xp = np.pad(x, ((0, 0), (0, 0), (t, bo), (l, r)))
    kh, kw = w.shape[2], w.shape[3]
    win = sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, :: s[0], :: s[1]]
    if group == 1:
        y = np.einsum("nchwij,ocij->nohw", win, w, optimize=True)
    elif group == x.shape[1] and w.shape[1] == 1:
        y = np.einsum("nchwij,cij->nchw", win, w[:, 0], optimize=True)
    else:
        sys.exit(f"quantize_qoperator: group {group} conv is not handled")
    return (y + b[None, :, None, None]).astype(np.float32)


def run_float(model, x):
    """Every node output of the float MobileNetV2 on a batch x."""
    init = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    vals = {model.graph.input[0].name: x}
    for n in model.graph.node:
        a = {at.name: helper.get_attribute_value(at) for at in n.attribute}
        ins = [vals.get(i, init.get(i)) for i in n.input]
        if n.op_type == "Conv":
            y = conv(ins[0], ins[1], ins[2], a)
        elif n.op_type == "Clip":
            y = np.clip(ins[0], ins[1], ins[2])
        elif n.op_type == "Add":
            y = ins[0] + ins[1]
        elif n.op_type == "GlobalAveragePool":
            y = ins[0].mean(axis=(2, 3), keepdims=True)
        elif n.op_type == "Flatten":
            y = ins[0].reshape(ins[0].shape[0], -1)
        elif n.op_type == "Gemm":
            y = ins[0] @ ins[1].T + ins[2]
        else:
            sys.exit(f"quantize_qoperator: op {n.op_type} is not handled")
        vals[n.output[0]] = y
    return vals


def uint8_params(lo, hi):
    """MinMax asymmetric uint8: the range widened to hold 0."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = np.float32((hi - lo) / 255.0) if hi > lo else np.float32(1.0)
    zero = int(np.clip(np.round(-lo / scale), 0, 255))
    return scale, zero


class Writer:
    def __init__(self):
        self.nodes, self.inits = [], []

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(array, name))
        return name

    def act(self, name, params):
        s, z = params
        return [self.const(name + "_scale", np.array(s, np.float32)),
                self.const(name + "_zero_point", np.array(z, np.uint8))]

    def node(self, op, ins, outs, name, domain="", **attrs):
        self.nodes.append(helper.make_node(op, ins, outs, name=name, domain=domain, **attrs))


def quantize(model, ranges):
    g = model.graph
    init = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    consumers = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    w = Writer()
    params = {}  # float tensor name -> (scale, zero) of its uint8 version
    inp = g.input[0].name
    params[inp] = uint8_params(-1.0, 1.0)  # x = p/127.5 - 1 spans [-1, 1]
    w.node("QuantizeLinear", [inp] + w.act(inp, params[inp]), [inp + "_quantized"], "input_quantize")
    q = lambda name: name + "_quantized"
    skip = set()
    for n in g.node:
        if n.name in skip:
            continue
        a = {at.name: helper.get_attribute_value(at) for at in n.attribute}
        if n.op_type == "Conv":
            out = n.output[0]
            nxt = consumers.get(out, [])
            if len(nxt) == 1 and nxt[0].op_type == "Clip":  # ReLU6 fused through the range
                skip.add(nxt[0].name)
                out = nxt[0].output[0]
            params[out] = uint8_params(*ranges[out])
            wf, bf = init[n.input[1]], init[n.input[2]]
            ws = (np.abs(wf).reshape(wf.shape[0], -1).max(axis=1) / 127.0).astype(np.float32)
            ws[ws == 0] = 1.0
            wq = np.clip(np.round(wf / ws[:, None, None, None]), -127, 127).astype(np.int8)
            bq = np.round(bf / (params[n.input[0]][0] * ws)).astype(np.int32)
            ins = [q(n.input[0])] + w.act(n.input[0] + "_" + n.name, params[n.input[0]])
            ins += [w.const(n.name + "_w", wq), w.const(n.name + "_w_scale", ws),
                    w.const(n.name + "_w_zero_point", np.zeros(len(ws), np.int8))]
            ins += w.act(out, params[out]) + [w.const(n.name + "_b", bq)]
            w.node("QLinearConv", ins, [q(out)], n.name, **a)
        elif n.op_type == "Add":
            out = n.output[0]
            params[out] = uint8_params(*ranges[out])
            ins = []
            for k, x in enumerate(n.input):
                ins += [q(x)] + w.act(f"{x}_{n.name}_{k}", params[x])
            w.node("QLinearAdd", ins + w.act(out, params[out]), [q(out)], n.name, "com.microsoft")
        elif n.op_type == "GlobalAveragePool":
            out = n.output[0]
            params[out] = uint8_params(*ranges[out])
            ins = [q(n.input[0])] + w.act(n.input[0] + "_gap", params[n.input[0]])
            w.node("QLinearGlobalAveragePool", ins + w.act(out, params[out]), [q(out)], n.name,
                   "com.microsoft", channels_last=0)
        elif n.op_type == "Flatten":
            params[n.output[0]] = params[n.input[0]]
            w.node("Flatten", [q(n.input[0])], [q(n.output[0])], n.name, **a)
        elif n.op_type == "Gemm":
            out = n.output[0]
            params[out] = uint8_params(*ranges[out])
            wf, bf = init[n.input[1]], init[n.input[2]]
            ws = np.float32(np.abs(wf).max() / 127.0)
            wq = np.clip(np.round(wf / ws), -127, 127).astype(np.int8)
            bq = np.round(bf / (params[n.input[0]][0] * ws)).astype(np.int32)
            ins = [q(n.input[0])] + w.act(n.input[0] + "_fc", params[n.input[0]])
            ins += [w.const(n.name + "_w", wq), w.const(n.name + "_w_scale", np.array(ws)),
                    w.const(n.name + "_w_zero_point", np.array(0, np.int8)),
                    w.const(n.name + "_b", bq)]
            w.node("QGemm", ins + w.act(out, params[out]), [q(out)], n.name, "com.microsoft",
                   transB=a.get("transB", 0))
        else:
            sys.exit(f"quantize_qoperator: op {n.op_type} is not handled")
    out = g.output[0].name
    w.node("DequantizeLinear", [q(out)] + w.act(out + "_out", params[out]), [out], "output_dequantize")
    graph = helper.make_graph(w.nodes, "mobilenetv2_qoperator_uint8", [g.input[0]], [g.output[0]],
                              w.inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13),
                                                helper.make_opsetid("com.microsoft", 1)])
    m.ir_version = 8
    return m


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--fp32", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("calibration", nargs="+", help="raw float32 [1,3,224,224] inputs")
    a = p.parse_args()
    model = onnx.load(a.fp32)
    ranges = {}
    for path in a.calibration:
        x = np.fromfile(path, np.float32)
        if x.size != 3 * 224 * 224:
            sys.exit(f"quantize_qoperator: {path} holds {x.size} floats, not 3x224x224")
        for name, v in run_float(model, x.reshape(1, 3, 224, 224)).items():
            lo, hi = float(v.min()), float(v.max())
            old = ranges.get(name, (lo, hi))
            ranges[name] = (min(lo, old[0]), max(hi, old[1]))
    onnx.save(quantize(model, ranges), a.out)
    print(f"quantize_qoperator: wrote {a.out} from {len(a.calibration)} calibration input(s)")


if __name__ == "__main__":
    main()
