#!/usr/bin/python3
"""Trains the MNIST MLP and LSTM of models/mnist/ and writes their ONNX files.

Honest split: the model sees only the FIRST 5,000 images of the MNIST test
set (t10k); the LAST 5,000 are left for `aimc eval`. Nothing here looks at
the last 5,000 to choose anything (fixed epochs, no early stopping); the
float accuracy printed on them at the end is a cross-check of the export,
not a selection criterion.

Preprocessing (the same as aimc's IDX reader): x = pixel / 255 in float32;
[1, 784] for the MLP, [1, 28, 28] (rows as time steps) for the LSTM.

Usage: /usr/bin/python3 models/mnist/train.py [--data ../shared/data/mnist]
       (Debian's python3-torch 1.13, python3-onnx, python3-numpy;
        scripts/install-deps.sh installs them)
"""
import argparse
import gzip
import os
import random
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qdq  # noqa: E402  (the int8 QDQ quantizer of the MLP)

TRAIN = 5000  # the first 5,000 t10k images train and calibrate


def read_idx(path, magic):
    with gzip.open(path, "rb") as f:
        data = f.read()
    got = int.from_bytes(data[0:4], "big")
    if got != magic:
        raise SystemExit(f"{path}: magic {got:#x}, expected {magic:#x}")
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                                 nn.Linear(256, 10))

    def forward(self, x):
        return self.net(x)


class Lstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(input_size=28, hidden_size=128, batch_first=True)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        y, _ = self.lstm(x)
        return self.fc(y[:, -1, :])


def train(model, x, y, epochs, lr, log):
    gen = torch.Generator().manual_seed(1)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(x), generator=gen)
        total = 0.0
        for i in range(0, len(x), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        sched.step()
        log(f"  epoch {epoch + 1:2d}  train loss {total / len(x):.4f}  "
            f"train top-1 {accuracy(model, x, y):.4f}")


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def export(model, example, path):
    model.eval()
    torch.onnx.export(model, example, path, opset_version=13, input_names=["input"],
                      output_names=["logits"], do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    ops = sorted({n.op_type for n in m.graph.node})
    return ops


def drop_zero_initial_states(path, log):
    """PyTorch feeds the LSTM zero initial states built from the input's shape
    (Shape -> Gather -> Unsqueeze -> Concat -> Expand of a zero constant).
    ONNX's LSTM starts from zeros when initial_h and initial_c are omitted,
    which says the same for any batch size: drop them and the shape subgraph."""
    m = onnx.load(path)
    producer = {o: n for n in m.graph.node for o in n.output}
    for n in m.graph.node:
        if n.op_type != "LSTM":
            continue
        for k in (5, 6):
            expand = producer[n.input[k]]
            value = onnx.numpy_helper.to_array(producer[expand.input[0]].attribute[0].t)
            if expand.op_type != "Expand" or np.any(value != 0):
                raise SystemExit(f"{path}: LSTM input {k} is not an expanded zero")
        del n.input[5:]
        while n.input and n.input[-1] == "":
            del n.input[-1]
    # Remove what nothing reads any more.
    while True:
        used = {i for n in m.graph.node for i in n.input} | {o.name for o in m.graph.output}
        dead = [n for n in m.graph.node if not any(o in used for o in n.output)]
        if not dead:
            break
        for n in dead:
            m.graph.node.remove(n)
    onnx.checker.check_model(m)
    onnx.save(m, path)
    log(f"  zero initial states dropped: ops {sorted({n.op_type for n in m.graph.node})}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__),
                                                   "../../../shared/data/mnist"))
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--fold-only", action="store_true",
                    help="only drop the zero initial states of an exported lstm.onnx")
    args = ap.parse_args()
    if args.fold_only:
        drop_zero_initial_states(os.path.join(args.out, "lstm.onnx"), print)
        return
    torch.manual_seed(0)
    np.random.seed(0)
    random.seed(0)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    lines = []

    def log(s):
        print(s, flush=True)
        lines.append(s)

    images = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz"), 0x803)
    labels = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte.gz"), 0x801)
    pixels = torch.from_numpy(images.astype(np.float32)) / 255.0  # same float32 ops as aimc
    target = torch.from_numpy(labels.astype(np.int64))
    xt, yt = pixels[:TRAIN], target[:TRAIN]
    xe, ye = pixels[TRAIN:], target[TRAIN:]
    log(f"torch {torch.__version__}, onnx {onnx.__version__}; train on t10k[0:{TRAIN}], "
        f"evaluate on t10k[{TRAIN}:{len(labels)}]")

    log("MLP 784-256-256-10, Adam 1e-3, cosine, 30 epochs, batch 64")
    mlp = Mlp()
    train(mlp, xt.reshape(-1, 784), yt, 30, 1e-3, log)
    log(f"MLP float top-1 on t10k[{TRAIN}:] (torch, cross-check only): "
        f"{accuracy(mlp, xe.reshape(-1, 784), ye):.4f}")
    path = os.path.join(args.out, "mlp.onnx")
    log(f"  exported {path}: ops {export(mlp, torch.zeros(1, 784), path)}")

    log("LSTM n_x=28 n_h=128 over 28 rows, Dense(10) on the last step, Adam 2e-3, cosine, "
        "30 epochs, batch 64")
    lstm = Lstm()
    train(lstm, xt, yt, 30, 2e-3, log)
    log(f"LSTM float top-1 on t10k[{TRAIN}:] (torch, cross-check only): "
        f"{accuracy(lstm, xe, ye):.4f}")
    path = os.path.join(args.out, "lstm.onnx")
    log(f"  exported {path}: ops {export(lstm, torch.zeros(1, 28, 28), path)}")
    drop_zero_initial_states(path, log)

    # int8 QDQ of the MLP: activations calibrated on the training images only.
    qpath = os.path.join(args.out, "mlp-qdq.onnx")
    qdq.quantize_mlp(os.path.join(args.out, "mlp.onnx"), images[:TRAIN].reshape(-1, 784), qpath,
                     log)
    with open(os.path.join(args.out, "train.log"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
