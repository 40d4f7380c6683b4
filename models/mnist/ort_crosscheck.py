#!/usr/bin/python3
"""Compares aimc's logits with ONNX Runtime's (onnxruntime-node, benchmarks/peer) on MNIST
images t10k[5000:5000+N], each at batch 1: the largest absolute difference and how many
top-1 answers differ. A manual check (npm and node needed), not a test.

Usage: /usr/bin/python3 models/mnist/ort_crosscheck.py [--model models/mnist/lstm-dq.onnx]
         [--mode digital] [--count 100] [--aimc build/aimc] [--aimc-model M]
"""
import argparse
import gzip
import json
import os
import subprocess
import tempfile

import numpy as np


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="models/mnist/lstm-dq.onnx")
    p.add_argument("--images", default="../shared/data/mnist/t10k-images-idx3-ubyte.gz")
    p.add_argument("--aimc", default="build/aimc")
    p.add_argument("--mode", default="digital")
    p.add_argument("--aimc-model", help="the model aimc runs (default: --model), e.g. the float "
                   "lstm.onnx with --mode float, to see how far quantization alone moves the logits")
    p.add_argument("--count", type=int, default=100)
    a = p.parse_args()
    with gzip.open(a.images, "rb") as f:
        raw = f.read()
    pixels = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(-1, 28, 28)
    diffs, differ = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(5000, 5000 + a.count):
            x = (pixels[i].astype(np.float32) / np.float32(255)).reshape(1, 28, 28)
            f32 = os.path.join(tmp, f"{i}.f32")
            x.tofile(f32)
            np.save(os.path.join(tmp, f"{i}.npy"), x)
            files.append((i, f32))
        ort = subprocess.run(["node", "models/mnist/ort_logits.js", a.model] + [f for _, f in files],
                             check=True, capture_output=True, text=True).stdout.splitlines()
        for (i, _), line in zip(files, ort):
            ort_logits = np.array(json.loads(line)["logits"], dtype=np.float32)
            out = os.path.join(tmp, f"{i}.out.npy")
            subprocess.run([a.aimc, "run", "--threads", "1", "--model", a.aimc_model or a.model, "--mode", a.mode,
                            "--allow-float", "--format", "f32", "--input", os.path.join(tmp, f"{i}.npy"),
                            "--output", out], check=True, capture_output=True)
            aimc_logits = np.load(out).ravel()
            diffs.append(float(np.max(np.abs(aimc_logits - ort_logits))))
            differ += int(np.argmax(aimc_logits) != np.argmax(ort_logits))
    print(f"{a.count} images, --mode {a.mode}: max |aimc - ORT| over the logits = "
          f"{max(diffs):.3g} (median image {np.median(diffs):.3g}; {sum(d < 1e-5 for d in diffs)} "
          f"images below 1e-5), top-1 differs on {differ}")


if __name__ == "__main__":
    main()
