#!/usr/bin/python3
"""Small models of the kinds researchers bring, generated with Debian's
python3-onnx (nobody's model is copied), run through `aimc run` and checked
against numpy references of the ONNX definitions:

  uint8_qdq_cnn      QDQ, uint8 activations, per-channel int8 weights
  uint8_weight_cnn   QDQ, uint8 activations and uint8 weights with zero points
                     (ONNX Runtime's QUInt8 weights): per channel for the Conv,
                     per tensor for the Gemm
  qoperator_cnn      QOperator form: QLinearConv, com.microsoft QLinearAdd,
                     QLinearGlobalAveragePool and QGemm
  lstm_classifier    LSTM (batch-first) -> Gemm
  gru_classifier     GRU (linear_before_reset, as PyTorch exports) -> Gemm
  dynamic_batch_cnn  float CNN whose Flatten is a Shape/Gather/Concat/Reshape
                     subgraph of the dynamic batch
  dynamic_mlp        ONNX Runtime's quantize_dynamic form: DynamicQuantizeLinear,
                     MatMulInteger, Cast, Mul by x_scale * w_scale, Add, Relu

Quantized models must run on the integer path in digital mode (no float
node, within one output step per requantized layer of the reference) and
analog mode with ideal tiles must equal digital; float models must match
the reference in float mode and be refused (exit 2, naming a node) in
digital mode. Usage: check_generated_models.py AIMC_BINARY
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from onnx import TensorProto, helper, numpy_helper

RNG = np.random.default_rng(1)
FAILURES = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        FAILURES.append(what)


# ---- numpy references ----------------------------------------------------
def quantize(x, s, z, dtype):
    info = np.iinfo(dtype)
    return np.clip(np.rint(x / s) + z, info.min, info.max).astype(dtype)


def dequantize(q, s, z):
    return (q.astype(np.float32) - np.float32(z)) * np.float32(s)


def conv2d(x, w, b, pads, strides=(1, 1)):
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    win = sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, :: strides[0], :: strides[1]]
    return np.einsum("nchwij,ocij->nohw", win, w) + b[None, :, None, None]


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def lstm(x, w, r, b, hidden):
    """Batch-first x [N,T,F]; ONNX gate order i, o, f, c; returns Y_h [N,H]."""
    n, t, _ = x.shape
    h = np.zeros((n, hidden), np.float64)
    c = np.zeros((n, hidden), np.float64)
    wb, rb = b[: 4 * hidden], b[4 * hidden:]
    for k in range(t):
        g = x[:, k] @ w.T + h @ r.T + wb + rb
        i, o, f, cc = (g[:, j * hidden:(j + 1) * hidden] for j in range(4))
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(cc)
        h = sigmoid(o) * np.tanh(c)
    return h


def gru(x, w, r, b, hidden):
    """Batch-first x [N,T,F]; gates z, r, h; linear_before_reset = 1."""
    n, t, _ = x.shape
    h = np.zeros((n, hidden), np.float64)
    wb, rb = b[: 3 * hidden], b[3 * hidden:]
    part = lambda v, j: v[:, j * hidden:(j + 1) * hidden]
    for k in range(t):
        gx = x[:, k] @ w.T + wb
        gh = h @ r.T + rb
        z = sigmoid(part(gx, 0) + part(gh, 0))
        rr = sigmoid(part(gx, 1) + part(gh, 1))
        hh = np.tanh(part(gx, 2) + rr * part(gh, 2))
        h = (1 - z) * hh + z * h
    return h


# ---- model building --------------------------------------------------------
class Builder:
    def __init__(self):
        self.nodes, self.inits = [], []

    def const(self, name, value):
        self.inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(self, op, ins, outs, domain="", **attrs):
        self.nodes.append(helper.make_node(op, ins, outs, name=outs[0] + "_node", domain=domain,
                                           **attrs))

    def model(self, name, in_shape, out_shape, opset=13, microsoft=False):
        g = helper.make_graph(self.nodes, name,
                              [helper.make_tensor_value_info("X", TensorProto.FLOAT, in_shape)],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, out_shape)],
                              self.inits)
        ops = [helper.make_opsetid("", opset)]
        if microsoft:
            ops.append(helper.make_opsetid("com.microsoft", 1))
        m = helper.make_model(g, opset_imports=ops)
        m.ir_version = 8
        return m


def uint8_qdq_cnn():
    b = Builder()
    s_in, z_in, s_c, z_c, s_o, z_o = 1 / 64, 128, 0.02, 0, 0.05, 120
    w = RNG.integers(-127, 128, (4, 3, 3, 3)).astype(np.int8)
    ws = np.array([0.011, 0.007, 0.013, 0.009], np.float32)
    bias = RNG.integers(-300, 300, 4).astype(np.int32)
    fc = RNG.integers(-127, 128, (5, 4)).astype(np.int8)
    u8 = lambda n, v: b.const(n, np.array(v, np.uint8))
    f32 = lambda n, v: b.const(n, np.array(v, np.float32))
    b.node("QuantizeLinear", ["X", f32("s_in", s_in), u8("z_in", z_in)], ["xq"])
    b.node("DequantizeLinear", ["xq", "s_in", "z_in"], ["xf"])
    b.node("DequantizeLinear", [b.const("w", w), b.const("ws", ws), b.const("wz", np.zeros(4, np.int8))],
           ["wf"], axis=0)
    b.node("DequantizeLinear", [b.const("b", bias), b.const("bs", ws * np.float32(s_in))], ["bf"], axis=0)
    b.node("Conv", ["xf", "wf", "bf"], ["conv"], pads=[1, 1, 1, 1])
    b.node("Relu", ["conv"], ["relu"])
    b.node("QuantizeLinear", ["relu", f32("s_c", s_c), u8("z_c", z_c)], ["cq"])
    b.node("DequantizeLinear", ["cq", "s_c", "z_c"], ["cf"])
    b.node("GlobalAveragePool", ["cf"], ["gap"])
    b.node("QuantizeLinear", ["gap", "s_c", "z_c"], ["gq"])
    b.node("DequantizeLinear", ["gq", "s_c", "z_c"], ["gf"])
    b.node("Flatten", ["gf"], ["flat"])
    b.node("DequantizeLinear", [b.const("fc", fc), f32("fcs", [0.01])], ["fcf"])
    b.node("Gemm", ["flat", "fcf"], ["logits"], transB=1)
    b.node("QuantizeLinear", ["logits", f32("s_o", s_o), u8("z_o", z_o)], ["oq"])
    b.node("DequantizeLinear", ["oq", "s_o", "z_o"], ["Y"])

    def ref(x):
        xf = dequantize(quantize(x, s_in, z_in, np.uint8), s_in, z_in)
        c = np.maximum(conv2d(xf, w * ws[:, None, None, None], bias * ws * s_in, [1, 1, 1, 1]), 0)
        cf = dequantize(quantize(c, s_c, z_c, np.uint8), s_c, z_c)
        g = dequantize(quantize(cf.mean(axis=(2, 3)), s_c, z_c, np.uint8), s_c, z_c)
        return dequantize(quantize(g @ (fc * np.float32(0.01)).T, s_o, z_o, np.uint8), s_o, z_o)

    return b.model("uint8_qdq_cnn", ["N", 3, 8, 8], ["N", 5]), ref, (3, 3, 8, 8), s_o, 4


def uint8_weight_cnn():
    b = Builder()
    s_in, z_in, s_c, z_c, s_o, z_o = 1 / 64, 128, 0.02, 0, 0.05, 120
    w = RNG.integers(0, 256, (4, 3, 3, 3)).astype(np.uint8)
    wz = RNG.integers(120, 141, 4).astype(np.uint8)
    ws = np.array([0.006, 0.004, 0.007, 0.005], np.float32)
    bias = RNG.integers(-300, 300, 4).astype(np.int32)
    fc = RNG.integers(0, 256, (5, 4)).astype(np.uint8)
    fcz, fcs = 133, np.float32(0.008)
    u8 = lambda n, v: b.const(n, np.array(v, np.uint8))
    f32 = lambda n, v: b.const(n, np.array(v, np.float32))
    b.node("QuantizeLinear", ["X", f32("s_in", s_in), u8("z_in", z_in)], ["xq"])
    b.node("DequantizeLinear", ["xq", "s_in", "z_in"], ["xf"])
    b.node("DequantizeLinear", [b.const("w", w), b.const("ws", ws), b.const("wz", wz)], ["wf"],
           axis=0)
    b.node("DequantizeLinear", [b.const("b", bias), b.const("bs", ws * np.float32(s_in))], ["bf"], axis=0)
    b.node("Conv", ["xf", "wf", "bf"], ["conv"], pads=[1, 1, 1, 1])
    b.node("Relu", ["conv"], ["relu"])
    b.node("QuantizeLinear", ["relu", f32("s_c", s_c), u8("z_c", z_c)], ["cq"])
    b.node("DequantizeLinear", ["cq", "s_c", "z_c"], ["cf"])
    b.node("GlobalAveragePool", ["cf"], ["gap"])
    b.node("QuantizeLinear", ["gap", "s_c", "z_c"], ["gq"])
    b.node("DequantizeLinear", ["gq", "s_c", "z_c"], ["gf"])
    b.node("Flatten", ["gf"], ["flat"])
    b.node("DequantizeLinear", [b.const("fc", fc), f32("fcs", fcs), u8("fcz", fcz)], ["fcf"])
    b.node("Gemm", ["flat", "fcf"], ["logits"], transB=1)
    b.node("QuantizeLinear", ["logits", f32("s_o", s_o), u8("z_o", z_o)], ["oq"])
    b.node("DequantizeLinear", ["oq", "s_o", "z_o"], ["Y"])

    def ref(x):
        wf = dequantize(w, ws[:, None, None, None], wz[:, None, None, None])
        xf = dequantize(quantize(x, s_in, z_in, np.uint8), s_in, z_in)
        c = np.maximum(conv2d(xf, wf, bias * ws * s_in, [1, 1, 1, 1]), 0)
        cf = dequantize(quantize(c, s_c, z_c, np.uint8), s_c, z_c)
        g = dequantize(quantize(cf.mean(axis=(2, 3)), s_c, z_c, np.uint8), s_c, z_c)
        return dequantize(quantize(g @ dequantize(fc, fcs, fcz).T, s_o, z_o, np.uint8), s_o, z_o)

    return b.model("uint8_weight_cnn", ["N", 3, 8, 8], ["N", 5]), ref, (3, 3, 8, 8), s_o, 4


def qoperator_cnn():
    b = Builder()
    s_in, z_in, s1, z1, s2, z2, sa, za, sg, zg, so, zo = (
        0.02, 131, 0.04, 10, 0.05, 128, 0.06, 100, 0.03, 90, 0.07, 117)
    w1 = RNG.integers(-127, 128, (6, 4, 3, 3)).astype(np.int8)
    w2 = RNG.integers(-127, 128, (6, 6, 1, 1)).astype(np.int8)
    ws1 = RNG.uniform(0.002, 0.006, 6).astype(np.float32)
    ws2 = RNG.uniform(0.004, 0.01, 6).astype(np.float32)
    b1 = RNG.integers(-2000, 2000, 6).astype(np.int32)
    fc = RNG.integers(-127, 128, (3, 6)).astype(np.int8)
    c = RNG.integers(-500, 500, 3).astype(np.int32)
    f32 = lambda n, v: b.const(n, np.array(v, np.float32))
    u8 = lambda n, v: b.const(n, np.array(v, np.uint8))
    b.node("QuantizeLinear", ["X", f32("s_in", s_in), u8("z_in", z_in)], ["xq"])
    b.node("QLinearConv", ["xq", "s_in", "z_in", b.const("w1", w1), b.const("ws1", ws1),
                           b.const("wz1", np.zeros(6, np.int8)), f32("s1", s1), u8("z1", z1),
                           b.const("b1", b1)], ["c1"], pads=[1, 1, 1, 1])
    b.node("QLinearConv", ["c1", "s1", "z1", b.const("w2", w2), b.const("ws2", ws2),
                           b.const("wz2", np.zeros(6, np.int8)), f32("s2", s2), u8("z2", z2)], ["c2"])
    b.node("QLinearAdd", ["c1", "s1", "z1", "c2", "s2", "z2", f32("sa", sa), u8("za", za)], ["add"],
           domain="com.microsoft")
    b.node("QLinearGlobalAveragePool", ["add", "sa", "za", f32("sg", sg), u8("zg", zg)], ["gap"],
           domain="com.microsoft", channels_last=0)
    b.node("Flatten", ["gap"], ["flat"])
    b.node("QGemm", ["flat", "sg", "zg", b.const("fc", fc), f32("fcs", 0.01),
                     b.const("fcz", np.array(0, np.int8)), b.const("c", c), f32("so", so), u8("zo", zo)],
           ["gemm"], domain="com.microsoft", transB=1)
    b.node("DequantizeLinear", ["gemm", "so", "zo"], ["Y"])

    def requant(acc, real_scale, z):  # ONNX Runtime's float requantization
        return np.clip(np.rint(acc * np.float32(real_scale)) + z, 0, 255).astype(np.uint8)

    def ref(x):
        xq = quantize(x, s_in, z_in, np.uint8).astype(np.int64)
        acc1 = conv2d(xq - z_in, w1.astype(np.int64), b1, [1, 1, 1, 1])
        q1 = requant(acc1, (s_in * ws1 / s1)[None, :, None, None], z1).astype(np.int64)
        acc2 = conv2d(q1 - z1, w2.astype(np.int64), np.zeros(6, np.int64), [0, 0, 0, 0])
        q2 = requant(acc2, (s1 * ws2 / s2)[None, :, None, None], z2).astype(np.int64)
        qa = np.clip(np.rint((q1 - z1) * (s1 / sa) + (q2 - z2) * (s2 / sa)) + za, 0, 255)
        g = requant((qa - za).mean(axis=(2, 3)), sa / sg, zg).astype(np.int64)
        acc = (g - zg) @ fc.T.astype(np.int64) + c
        return dequantize(requant(acc, sg * 0.01 / so, zo), so, zo)

    return b.model("qoperator_cnn", ["N", 4, 6, 6], ["N", 3], microsoft=True), ref, (2, 4, 6, 6), so, 4


def recurrent_classifier(kind):
    b = Builder()
    f, hidden, classes, gates = 6, 8, 4, (4 if kind == "LSTM" else 3)
    w = RNG.normal(0, 0.4, (1, gates * hidden, f)).astype(np.float32)
    r = RNG.normal(0, 0.4, (1, gates * hidden, hidden)).astype(np.float32)
    bias = RNG.normal(0, 0.2, (1, 2 * gates * hidden)).astype(np.float32)
    fc = RNG.normal(0, 0.5, (classes, hidden)).astype(np.float32)
    extra = {"linear_before_reset": 1} if kind == "GRU" else {}
    b.node(kind, ["X", b.const("W", w), b.const("R", r), b.const("B", bias)], ["seq", "h"],
           hidden_size=hidden, layout=1, **extra)
    b.node("Flatten", ["h"], ["flat"])
    b.node("Gemm", ["flat", b.const("fc", fc)], ["Y"], transB=1)
    step = lstm if kind == "LSTM" else gru
    ref = lambda x: step(x.astype(np.float64), w[0], r[0], bias[0], hidden) @ fc.T
    name = kind.lower() + "_classifier"
    return b.model(name, ["N", 5, f], ["N", classes], opset=14), ref, (3, 5, f), None, 0


def dynamic_batch_cnn():
    b = Builder()
    w = RNG.normal(0, 0.3, (4, 2, 3, 3)).astype(np.float32)
    fc = RNG.normal(0, 0.3, (3, 4 * 4 * 4)).astype(np.float32)
    b.node("Conv", ["X", b.const("w", w), b.const("b", np.zeros(4, np.float32))], ["c"], pads=[1, 1, 1, 1])
    b.node("Relu", ["c"], ["r"])
    b.node("Shape", ["r"], ["shape"])
    b.node("Gather", ["shape", b.const("zero", np.array(0, np.int64))], ["n"], axis=0)
    b.node("Unsqueeze", ["n", b.const("axes", np.array([0], np.int64))], ["n1"])
    b.node("Concat", ["n1", b.const("minus_one", np.array([-1], np.int64))], ["target"], axis=0)
    b.node("Reshape", ["r", "target"], ["flat"])
    b.node("Gemm", ["flat", b.const("fc", fc)], ["Y"], transB=1)
    ref = lambda x: np.maximum(conv2d(x, w, np.zeros(4), [1, 1, 1, 1]), 0).reshape(len(x), -1) @ fc.T
    return b.model("dynamic_batch_cnn", ["N", 2, 4, 4], ["N", 3]), ref, (3, 2, 4, 4), None, 0


def dynamic_quantize(x):
    """DynamicQuantizeLinear (onnx/reference), in float32."""
    hi, lo = np.float32(max(0, x.max())), np.float32(min(0, x.min()))
    scale = np.float32(1.0 if hi == lo else hi - lo) / np.float32(255)
    zp = np.rint(np.clip(np.float32(0) - lo / scale, 0, 255))
    return np.clip(np.rint(x / scale) + zp, 0, 255).astype(np.uint8), scale, zp


def dynamic_mlp():
    """As quantize_dynamic writes MatMul + Add: int8 weights (zero point 0,
    one scale), uint8 activations quantized at run time; the reference
    repeats the graph's float32 operations, so it is exact."""
    b = Builder()
    sizes = [(12, 16), (16, 4)]
    layers = []
    x = "X"
    for i, (k, n) in enumerate(sizes):
        w = RNG.integers(-127, 128, (k, n)).astype(np.int8)
        ws = np.float32(RNG.uniform(0.002, 0.01))
        bias = RNG.normal(0, 0.3, n).astype(np.float32)
        layers.append((w, ws, bias))
        p = f"fc{i}"
        b.node("DynamicQuantizeLinear", [x], [x + "_quantized", x + "_scale", x + "_zero_point"])
        b.node("MatMulInteger", [x + "_quantized", b.const(p + "_W_quantized", w), x + "_zero_point",
                                 b.const(p + "_W_zero_point", np.array(0, np.int8))],
               [p + "_output_quantized"])
        b.node("Cast", [p + "_output_quantized"], [p + "_cast"], to=TensorProto.FLOAT)
        b.node("Mul", [x + "_scale", b.const(p + "_W_scale", np.array(ws, np.float32))],
               [p + "_scales_mul"])
        b.node("Mul", [p + "_cast", p + "_scales_mul"], [p + "_matmul"])
        out = "Y" if i == len(sizes) - 1 else p + "_add"
        b.node("Add", [p + "_matmul", b.const(p + "_B", bias)], [out])
        if i < len(sizes) - 1:
            b.node("Relu", [out], [p + "_relu"])
            x = p + "_relu"

    def ref(xf):
        h = xf.astype(np.float32)
        for i, (w, ws, bias) in enumerate(layers):
            q, scale, zp = dynamic_quantize(h)
            acc = ((q.astype(np.int64) - int(zp)) @ w.astype(np.int64)).astype(np.int32)
            h = acc.astype(np.float32) * (np.float32(scale) * ws) + bias
            if i < len(layers) - 1:
                h = np.maximum(h, np.float32(0))
        return h

    return b.model("dynamic_mlp", ["N", 12], ["N", 4]), ref, (5, 12), 1e-6, 1


# ---- running aimc ------------------------------------------------------------
def run_aimc(aimc, work, model, x, mode, *extra):
    np.save(os.path.join(work, "x.npy"), x)
    out = os.path.join(work, f"y_{mode}.npy")
    if os.path.exists(out):
        os.remove(out)
    cmd = [aimc, "run", "--threads", "2", "--model", model, "--mode", mode, "--input",
           "X=" + os.path.join(work, "x.npy"), "--output", out, "--format", "f32", *extra]
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p, (np.load(out) if p.returncode == 0 else None)


def main():
    aimc = sys.argv[1]
    with tempfile.TemporaryDirectory() as work:
        for make in (uint8_qdq_cnn, qoperator_cnn, lambda: recurrent_classifier("LSTM"),
                     lambda: recurrent_classifier("GRU"), dynamic_batch_cnn, dynamic_mlp,
                     uint8_weight_cnn):
            model, ref, shape, step, layers = make()
            name = model.graph.name
            path = os.path.join(work, name + ".onnx")
            open(path, "wb").write(model.SerializeToString())
            x = RNG.uniform(-2, 2, shape).astype(np.float32)
            want = ref(x)
            if step:  # quantized: the integer path, within a step per requantized layer
                p, got = run_aimc(aimc, work, path, x, "digital")
                check(p.returncode == 0 and "run in float" not in p.stderr,
                      f"{name}: digital mode runs on the integer path {p.stderr.strip()}")
                if got is not None:
                    steps = np.abs(got - want).max() / step
                    check(steps <= layers, f"{name}: digital within {layers} steps of the "
                                           f"reference (max {steps:.2f})")
                    pa, ideal = run_aimc(aimc, work, path, x, "analog", "--analog", "ideal")
                    check(pa.returncode == 0 and np.array_equal(ideal, got),
                          f"{name}: analog with ideal tiles equals digital {pa.stderr.strip()}")
                pf, fl = run_aimc(aimc, work, path, x, "float")
                check(pf.returncode == 0 and np.abs(fl - want).max() / step <= layers,
                      f"{name}: float mode (dequantize, compute, quantize) near the reference")
                if name == "dynamic_mlp":  # the integer ops repeat float mode's operations
                    check(got is not None and fl is not None and np.array_equal(got, fl),
                          f"{name}: digital equals float mode bit for bit")
            else:
                pf, fl = run_aimc(aimc, work, path, x, "float")
                err = np.abs(fl - want).max() if fl is not None else float("inf")
                check(pf.returncode == 0 and err <= 1e-4 * (1 + np.abs(want).max()),
                      f"{name}: float mode matches the numpy reference (max |err| {err:.2e}) "
                      f"{pf.stderr.strip()}")
                one, one_out = run_aimc(aimc, work, path, x[:1], "float")
                check(one.returncode == 0 and one_out is not None and
                      np.abs(one_out - fl[:1]).max() <= 1e-5 * (1 + np.abs(want).max()),
                      f"{name}: batch 1 gives the first row of batch {len(x)}")
                pd, _ = run_aimc(aimc, work, path, x, "digital")
                check(pd.returncode == 2 and "would run in float" in pd.stderr,
                      f"{name}: digital mode refuses the float model naming a node")
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
