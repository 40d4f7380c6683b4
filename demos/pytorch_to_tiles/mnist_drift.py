#!/usr/bin/env python3
"""From PyTorch to tiles: a small MNIST network trained in PyTorch, quantized
by PyTorch's own eager-mode post-training quantization, exported to ONNX, and
run by aimc in float, digital (integer kernels) and analog mode, with the
top-1 accuracy of PCM tiles over drift time.

Honest split: t10k[0:5000] trains the network and calibrates both PyTorch's
observers and aimc's ADC ranges; t10k[5000:10000] is only evaluated.

  /usr/bin/python3 demos/pytorch_to_tiles/mnist_drift.py --out /tmp/drift
"""
import argparse
import copy
import csv
import gzip
import json
import os
import pathlib
import sys
import time
import warnings

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TRAIN_HALF, EVAL_HALF = slice(0, 5000), slice(5000, 10000)
DEFAULT_TIMES = [1.0, 3600.0, 86400.0, 30 * 86400.0, 365 * 86400.0, 3650 * 86400.0]
TIME_LABELS = {1.0: "1 s", 3600.0: "1 h", 86400.0: "1 day", 30 * 86400.0: "1 month",
               365 * 86400.0: "1 year", 3650 * 86400.0: "10 years"}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--network", choices=["cnn", "mlp"], default="cnn")
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--train-limit", type=int, default=5000,
                   help="training images (of t10k[0:5000])")
    p.add_argument("--eval-limit", type=int, default=5000, help="evaluated images (of t10k[5000:])")
    p.add_argument("--seeds", type=int, default=5, help="device seeds per drift time")
    p.add_argument("--times", default=",".join(f"{t:g}" for t in DEFAULT_TIMES),
                   help="comma-separated t_inf values in seconds")
    p.add_argument("--preset", default="ima-paper", help="aimc analog preset of the PCM tiles")
    p.add_argument("--compensations", default="global,none",
                   help="comma-separated drift_compensation values (global: the preset's)")
    p.add_argument("--qconfig", choices=["qnnpack", "fbgemm"], default="qnnpack",
                   help="PyTorch qconfig: per-tensor (qnnpack) or per-channel (fbgemm) weights")
    p.add_argument("--calibration-images", type=int, default=256,
                   help="training images for the observers and the ADC ranges")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "mnist"))
    p.add_argument("--build", default=os.environ.get("AIMC_BUILD_DIR", str(ROOT / "build-release")),
                   help="aimc build directory (the module is in BUILD/python)")
    p.add_argument("--out", default="pytorch_to_tiles_out")
    return p.parse_args()


def read_idx(path):
    """An IDX file (MNIST's format): magic, dims as big-endian uint32, data."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_mnist(data_dir, train_limit, eval_limit):
    images = read_idx(pathlib.Path(data_dir) / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(pathlib.Path(data_dir) / "t10k-labels-idx1-ubyte.gz")
    x = (images.astype(np.float32) / 255.0)[:, None]  # [N, 1, 28, 28]
    y = labels.astype(np.int64)
    train = (x[TRAIN_HALF][:train_limit], y[TRAIN_HALF][:train_limit])
    evaluation = (x[EVAL_HALF][:eval_limit], y[EVAL_HALF][:eval_limit])
    return train, evaluation


def build_network(kind):
    import torch.nn as nn
    from torch.ao.quantization import DeQuantStub, QuantStub

    class Net(nn.Module):
        # Separate nn.ReLU modules, not fused: torch 1.13 cannot export the
        # fused quantized linear_relu / conv_relu to ONNX.
        def __init__(self):
            super().__init__()
            self.quant, self.dequant = QuantStub(), DeQuantStub()
            if kind == "cnn":
                self.features = nn.Sequential(
                    nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
                self.classifier = nn.Linear(16 * 7 * 7, 10)
            else:
                self.features = nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU())
                self.classifier = nn.Linear(64, 10)

        def forward(self, x):
            x = self.features(self.quant(x))
            return self.dequant(self.classifier(x.flatten(1)))

    return Net()


def train(net, x, y, epochs, seed):
    import torch
    torch.manual_seed(seed)
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    xs, ys = torch.from_numpy(x), torch.from_numpy(y)
    gen = torch.Generator().manual_seed(seed)
    net.train()
    for _ in range(epochs):
        order = torch.randperm(len(xs), generator=gen)
        for i in range(0, len(xs), 64):
            idx = order[i:i + 64]
            opt.zero_grad()
            loss_fn(net(xs[idx]), ys[idx]).backward()
            opt.step()
    return net.eval()


def export(net, path, sample):
    import torch
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch 1.13's quantized export warns about tuples
        torch.onnx.export(net, torch.from_numpy(sample), str(path), opset_version=13,
                          input_names=["x"], output_names=["logits"],
                          dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}})


def quantize(net, calibration, qconfig):
    """PyTorch's eager post-training quantization, observers on training images."""
    import torch
    from torch.ao.quantization import convert, get_default_qconfig, prepare
    # This Debian torch has the qnnpack engine only; it runs the per-channel
    # weights of the 'fbgemm' qconfig too.
    torch.backends.quantized.engine = "qnnpack"
    q = copy.deepcopy(net).eval()
    q.qconfig = get_default_qconfig(qconfig)
    prepare(q, inplace=True)
    with torch.no_grad():
        q(torch.from_numpy(calibration))
    return convert(q, inplace=True)


def torch_logits(net, x):
    import torch
    with torch.no_grad():
        return net(torch.from_numpy(x)).numpy()


def aimc_logits(model, x, chunk=1000):
    return np.concatenate([model.run(x[i:i + chunk]) for i in range(0, len(x), chunk)])


def top1(logits, labels):
    return float(np.mean(logits.argmax(1) == labels))


def agreement(aimc_out, torch_out, step):
    """aimc's int8 logits against PyTorch's own quantized model's."""
    steps = np.rint(np.abs(aimc_out.astype(np.float64) - torch_out) / step)
    return {"logits_equal": float(np.mean(steps == 0)), "max_steps": float(steps.max()),
            "top1_agreement": float(np.mean(aimc_out.argmax(1) == torch_out.argmax(1)))}


def plot(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=120)
    for comp in dict.fromkeys(r["drift_compensation"] for r in results["pcm"]):
        rows = [r for r in results["pcm"] if r["drift_compensation"] == comp]
        ax.errorbar([r["t_inf_s"] for r in rows], [r["top1_mean"] * 100 for r in rows],
                    yerr=[r["top1_std"] * 100 for r in rows], marker="o", capsize=3,
                    label=f"PCM {results['config']['preset']}, drift compensation {comp} "
                          f"({len(rows[0]['top1'])} seeds)")
    lines = [("float", "--", "gray", "float")]
    if results["analog_ideal_equals_digital"]:
        lines.append(("digital", "-.", "black", "digital = analog ideal (bit for bit)"))
    else:
        lines += [("digital", ":", "black", "digital"), ("analog_ideal", "-.", "tab:green", "ideal")]
    for key, style, color, label in lines:
        ax.axhline(results[key] * 100, linestyle=style, color=color, label=label)
    ax.set_xscale("log")
    ax.set_xlabel("time since programming t_inf (s)")
    ax.set_ylabel("top-1 accuracy (%)")
    ax.set_title(f"MNIST {results['config']['network'].upper()}, PyTorch int8 QDQ on aimc tiles")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_outputs(results, out):
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    with open(out / "results.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["mode", "drift_compensation", "t_inf_s", "top1_mean", "top1_std", "runs"])
        for key in ("float", "digital", "analog_ideal"):
            w.writerow([key, "", "", f"{results[key]:.4f}", "0", 1])
        for r in results["pcm"]:
            w.writerow(["analog_pcm", r["drift_compensation"], f"{r['t_inf_s']:g}",
                        f"{r['top1_mean']:.4f}", f"{r['top1_std']:.4f}", len(r["top1"])])
    plot(results, out / "mnist-drift.png")


def print_table(results):
    print(f"{'mode':<24}{'top-1 (%)':>16}")
    for key in ("torch_float", "float", "torch_int8", "digital", "analog_ideal"):
        print(f"{key:<24}{results[key] * 100:>16.2f}")
    for r in results["pcm"]:
        when = TIME_LABELS.get(r["t_inf_s"], f"{r['t_inf_s']:g} s")
        label = f"PCM {r['drift_compensation']} {when}"
        print(f"{label:<24}{r['top1_mean'] * 100:>10.2f} ± {r['top1_std'] * 100:.2f}")
    a = results["agreement_with_torch_int8"]
    print(f"aimc digital vs PyTorch int8: {a['logits_equal'] * 100:.2f}% logits equal, "
          f"max {a['max_steps']:g} step(s) apart, top-1 agreement {a['top1_agreement'] * 100:.2f}%")


def pcm_accuracy(aimc, qdq_path, calibration, args, compensation, t_inf, x_eval, y_eval):
    """Top-1 on PCM tiles read t_inf seconds after programming, one run per
    device seed; ADC ranges calibrated on training images."""
    # A dict of keys over a preset changes only those keys.
    config = {"preset": args.preset, "t_inf": t_inf, "drift_compensation": compensation,
              "calibration_images": args.calibration_images}
    accs = []
    for seed in range(args.seeds):
        model = aimc.Model(str(qdq_path), mode="analog", analog=config, seed=seed,
                           threads=args.threads, calibration=str(calibration))
        accs.append(top1(aimc_logits(model, x_eval), y_eval))
    return {"drift_compensation": compensation, "t_inf_s": t_inf, "top1": accs,
            "top1_mean": float(np.mean(accs)), "top1_std": float(np.std(accs))}


def main():
    args = parse_args()
    sys.path.insert(0, str(pathlib.Path(args.build) / "python"))
    import aimc
    import torch
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    started = time.time()
    out = pathlib.Path(args.out)
    (out / "models").mkdir(parents=True, exist_ok=True)
    (x_train, y_train), (x_eval, y_eval) = load_mnist(args.data, args.train_limit, args.eval_limit)
    calibration = x_train[:args.calibration_images]
    np.save(out / "models" / "calibration.npy", calibration)

    torch.manual_seed(0)  # the initial weights; results also depend on --threads
    net = train(build_network(args.network), x_train, y_train, args.epochs, seed=0)
    float_path, qdq_path = out / "models" / "float.onnx", out / "models" / "int8-qdq.onnx"
    export(net, float_path, x_train[:1])
    qnet = quantize(net, calibration, args.qconfig)
    export(qnet, qdq_path, x_train[:1])

    results = {"config": {k: v for k, v in vars(args).items() if k not in ("build", "data", "out")}}
    results["torch_float"] = top1(torch_logits(net, x_eval), y_eval)
    torch_int8 = torch_logits(qnet, x_eval)
    results["torch_int8"] = top1(torch_int8, y_eval)
    float_model = aimc.Model(str(float_path), mode="float", threads=args.threads)
    results["float"] = top1(aimc_logits(float_model, x_eval), y_eval)
    digital = aimc_logits(aimc.Model(str(qdq_path), mode="digital", threads=args.threads), x_eval)
    results["digital"] = top1(digital, y_eval)
    results["agreement_with_torch_int8"] = agreement(digital, torch_int8, qnet.classifier.scale)
    ideal = aimc_logits(aimc.Model(str(qdq_path), mode="analog", analog="ideal",
                                   threads=args.threads), x_eval)
    results["analog_ideal"] = top1(ideal, y_eval)
    results["analog_ideal_equals_digital"] = bool(np.array_equal(ideal, digital))

    results["pcm"] = [
        pcm_accuracy(aimc, qdq_path, out / "models" / "calibration.npy", args, comp, float(t),
                     x_eval, y_eval)
        for comp in args.compensations.split(",") for t in args.times.split(",")]
    results["seconds"] = round(time.time() - started, 1)
    write_outputs(results, out)
    print_table(results)
    print(f"wrote {out}/results.json, results.csv, mnist-drift.png in {results['seconds']} s")


if __name__ == "__main__":
    main()
