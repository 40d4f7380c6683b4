#!/usr/bin/env python3
"""Per-call overhead of aimc.Model.run against the engine alone, in one process.

For each model, the same input is run R times through the module
(model.run: the numpy conversions, the GIL hand-off, the output array) and
R times through the engine alone (model._engine_seconds: the input converted
once, outside the clock), alternating call by call so both see the same
machine state. The overhead is median(module) / median(engine) - 1. An input made by
aimc.zeros is in engine memory and is lent to the run instead of copied.

Usage: PYTHONPATH=build-release/python /usr/bin/python3 \
         benchmarks/python/call_overhead.py [--shared ../shared] [--repeats 200] [--threads N]
"""
import argparse
import pathlib
import statistics
import time

import numpy as np

import aimc

ROOT = pathlib.Path(__file__).resolve().parents[2]


def measure(model, x, repeats):
    module, engine = [], []
    model.run(x)  # warm the arena, the input buffers and the caches
    for _ in range(repeats):  # alternating, so both see the same machine state
        start = time.perf_counter()
        model.run(x)
        module.append(time.perf_counter() - start)
        engine += model._engine_seconds(x, 1)
    return statistics.median(module), statistics.median(engine)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shared", default=str(ROOT.parent / "shared"))
    p.add_argument("--repeats", type=int, default=200)
    p.add_argument("--threads", type=int, default=None)
    a = p.parse_args()
    cases = [
        ("MobileNetV2 int8, digital, batch 1",
         pathlib.Path(a.shared) / "models" / "mobilenetv2_int8_qdq.onnx", "digital"),
        ("MobileNetV2 int8, digital, batch 1, aimc.zeros input",
         pathlib.Path(a.shared) / "models" / "mobilenetv2_int8_qdq.onnx", "digital"),
        ("MobileNetV2 int8, analog ideal, batch 1",
         pathlib.Path(a.shared) / "models" / "mobilenetv2_int8_qdq.onnx", "analog"),
        ("MNIST MLP 784-256-256-10 int8, digital, batch 1",
         ROOT / "models" / "mnist" / "mlp-qdq.onnx", "digital"),
    ]
    rng = np.random.default_rng(0)
    print(f"{'model':56s} {'module_us':>10s} {'engine_us':>10s} {'overhead_us':>11s} {'overhead':>9s}")
    for label, path, mode in cases:
        model = aimc.Model(str(path), mode=mode, threads=a.threads)
        shape = (1, 3, 224, 224) if "mobilenet" in path.name else (1, 784)
        x = rng.random(shape, dtype=np.float32)
        if "aimc.zeros" in label:  # in engine memory: lent to the run, not copied
            x, data = aimc.zeros(shape), x
            x[...] = data
        repeats = a.repeats if "mobilenet" in path.name else a.repeats * 20
        module, engine = measure(model, x, repeats)
        print(f"{label:56s} {module * 1e6:10.1f} {engine * 1e6:10.1f} "
              f"{(module - engine) * 1e6:11.1f} {100 * (module / engine - 1):8.2f}%")


if __name__ == "__main__":
    main()
