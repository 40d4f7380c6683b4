"""int8 QDQ quantization of a float Gemm/Relu MLP (the exported mlp.onnx).

What it writes (the form aimc's QDQ lowering turns into QGemm layers):
  input --QuantizeLinear(1/255, -128)--> int8 --DequantizeLinear--> Gemm(transB=1)
    with weights DequantizeLinear(int8 W, per-output-channel scales, axis 0)
    and bias DequantizeLinear(int32 b, scale s_x * s_w[c], axis 0)
  --[Relu]--> QuantizeLinear --> DequantizeLinear --> next layer ... --> logits.
- weights: symmetric per output channel, s_w[c] = max|W[c, :]| / 127, codes in [-127, 127];
- input: pixels / 255 lie in [0, 1], so scale 1/255 with zero point -128 holds every pixel exactly;
- hidden activations (after ReLU, so >= 0): scale max / 255, zero point -128, max over the
  calibration images;
- logits: symmetric, scale max|y| / 127, zero point 0.
The calibration images are the caller's (train.py gives the training images only).
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def _float_layers(model):
    """[(W [out, in], b [out], relu)] of a chain of Gemm(transB=1) [+ Relu]."""
    init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    nodes = list(model.graph.node)
    layers = []
    for i, n in enumerate(nodes):
        if n.op_type != "Gemm":
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
        if attrs.get("transB", 0) != 1 or attrs.get("transA", 0) != 0:
            raise SystemExit(f"Gemm {n.name}: expected transB=1, transA=0")
        relu = i + 1 < len(nodes) and nodes[i + 1].op_type == "Relu"
        layers.append((init[n.input[1]].astype(np.float32), init[n.input[2]].astype(np.float32),
                       relu))
    if not layers:
        raise SystemExit("no Gemm layer found")
    return layers


def _forward(layers, x):
    """Float activations after each layer (after its ReLU)."""
    outs = []
    for w, b, relu in layers:
        x = x @ w.T + b
        if relu:
            x = np.maximum(x, 0)
        outs.append(x)
    return outs


def quantize_mlp(float_path, calibration_pixels, out_path, log):
    model = onnx.load(float_path)
    layers = _float_layers(model)
    x = calibration_pixels.astype(np.float32) / np.float32(255)
    acts = _forward(layers, x)
    inits, nodes = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(array, name))
        return name

    def q_dq(src, name, scale, zp, out=None):
        s = const(f"{name}_scale", np.array(scale, np.float32))
        z = const(f"{name}_zp", np.array(zp, np.int8))
        out = out or f"{name}_dq"
        nodes.append(helper.make_node("QuantizeLinear", [src, s, z], [f"{name}_q"]))
        nodes.append(helper.make_node("DequantizeLinear", [f"{name}_q", s, z], [out]))
        return out

    s_x = np.float32(1 / 255)
    cur = q_dq("input", "input", s_x, -128)
    for k, ((w, b, relu), a) in enumerate(zip(layers, acts)):
        s_w = (np.abs(w).max(axis=1) / 127).astype(np.float32)
        s_w[s_w == 0] = 1
        wq = np.clip(np.round(w / s_w[:, None]), -127, 127).astype(np.int8)
        s_b = (s_x * s_w).astype(np.float32)
        bq = np.round(b / s_b).astype(np.int32)
        wdq = f"fc{k}_w_dq"
        nodes.append(helper.make_node(
            "DequantizeLinear",
            [const(f"fc{k}_w", wq), const(f"fc{k}_w_scale", s_w),
             const(f"fc{k}_w_zp", np.zeros(len(s_w), np.int8))], [wdq], axis=0))
        bdq = f"fc{k}_b_dq"
        nodes.append(helper.make_node(
            "DequantizeLinear",
            [const(f"fc{k}_b", bq), const(f"fc{k}_b_scale", s_b),
             const(f"fc{k}_b_zp", np.zeros(len(s_b), np.int32))], [bdq], axis=0))
        y = f"fc{k}"
        nodes.append(helper.make_node("Gemm", [cur, wdq, bdq], [y], transB=1))
        if relu:
            nodes.append(helper.make_node("Relu", [y], [f"{y}_relu"]))
            y = f"{y}_relu"
            s_y, zp = np.float32(a.max() / 255), -128
        else:
            s_y, zp = np.float32(np.abs(a).max() / 127), 0
        last = k == len(layers) - 1
        cur = q_dq(y, f"act{k}", s_y, zp, "logits" if last else None)
        s_x = s_y
        log(f"  layer {k}: W {w.shape}, activation range {a.min():.3f}..{a.max():.3f}, "
            f"scale {s_y:.6g}, zero point {zp}")
    graph = helper.make_graph(
        nodes, "mnist_mlp_qdq",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 784])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])], inits)
    qmodel = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                               producer_name="models/mnist/qdq.py")
    onnx.checker.check_model(qmodel)
    onnx.save(qmodel, out_path)
    log(f"  wrote {out_path} (calibrated on {len(calibration_pixels)} training images)")
