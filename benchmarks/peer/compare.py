#!/usr/bin/python3
"""aimc against ONNX Runtime (onnxruntime-node) on the same ONNX files and the
same preprocessed inputs, threads 1 and 2, batch 1 and 16.

For every (row, threads, batch) the two engines run in separate processes,
alternating, RUNS times; the table gives the median images/s of each, their
ratio aimc/ORT, the median of the ratios of each aimc run to the ORT run
right after it (pair ratios: robust to slow spells of the machine) and each
engine's peak RSS (median of the runs). Rows:
  float    aimc --mode float on the fp32 model   vs ORT on the fp32 model
  int8     aimc --mode digital on the QDQ model  vs ORT on the QDQ model
  analog ima-paper, analog PCM 1 day (+GDC)      vs ORT on the fp32 model
Usage: compare.py --aimc BUILD/aimc --shared ../shared [--runs 5] [--images 48] [--json OUT]
"""
import argparse
import array
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def write_input(path, batch):
    # Deterministic pixels mapped like MobileNetV2's preprocessing (x/127.5 - 1),
    # NCHW float32: the exact bytes both engines read.
    rng = random.Random(12345 + batch)
    values = array.array("f", (rng.randrange(256) / 127.5 - 1.0 for _ in range(batch * 3 * 224 * 224)))
    with open(path, "wb") as f:
        values.tofile(f)


def run_json(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    return p


def aimc_once(a, row, model, inp, threads, batch, iterations):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [a.aimc, "bench", "--model", model, "--input-file", inp, "--batch", str(batch),
               "--threads", str(threads), "--iterations", str(iterations), "--no-compare",
               "--json", out.name] + row["aimc_args"]
        run_json(cmd)
        j = json.load(open(out.name))
    return j["images_per_second"], j["peak_rss_mb"]


def ort_once(a, model, inp, threads, batch, iterations):
    cmd = ["node", os.path.join(HERE, "ort_bench.js"), "--model", model, "--input", inp,
           "--batch", str(batch), "--threads", str(threads), "--iterations", str(iterations)]
    j = json.loads(run_json(cmd).stdout.strip().splitlines()[-1])
    return j["images_per_second"], j["peak_rss_mb"], j.get("version", "?")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--aimc", required=True)
    p.add_argument("--shared", required=True)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--rows", default="float,int8,ima-paper,pcm-1d")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--batches", default="1,16")
    p.add_argument("--images", type=int, default=48,
                   help="images per timed run (iterations = images / batch, at least 3)")
    p.add_argument("--json")
    a = p.parse_args()
    fp32 = os.path.join(a.shared, "models", "mobilenetv2_fp32.onnx")
    qdq = os.path.join(a.shared, "models", "mobilenetv2_int8_qdq.onnx")
    rows = {
        "float": {"aimc_model": fp32, "ort_model": fp32, "aimc_args": ["--mode", "float"]},
        "int8": {"aimc_model": qdq, "ort_model": qdq, "aimc_args": ["--mode", "digital"]},
        "ima-paper": {"aimc_model": qdq, "ort_model": fp32,
                      "aimc_args": ["--mode", "analog", "--analog", "ima-paper", "--seed", "1"]},
        "pcm-1d": {"aimc_model": qdq, "ort_model": fp32,
                   "aimc_args": ["--mode", "analog", "--analog", "ideal", "--set", "device=pcm",
                                 "--set", "t_inf=86400", "--set", "drift_compensation=global",
                                 "--seed", "1"]},
    }
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        inputs = {}
        for batch in map(int, a.batches.split(",")):
            inputs[batch] = os.path.join(tmp, f"input_b{batch}.f32")
            write_input(inputs[batch], batch)
        print("| row | threads | batch | aimc images/s | ORT images/s | aimc/ORT | pair ratios | aimc peak RSS MB | ORT peak RSS MB |")
        print("|---|---|---|---|---|---|---|---|---|", flush=True)
        for name in a.rows.split(","):
            row = rows[name]
            for threads in map(int, a.threads.split(",")):
                for batch in map(int, a.batches.split(",")):
                    iterations = max(3, a.images // batch)
                    mine, theirs, version = [], [], "?"
                    for _ in range(a.runs):  # alternating, so drifts of the machine hit both
                        mine.append(aimc_once(a, row, row["aimc_model"], inputs[batch], threads, batch, iterations))
                        ips, rss, version = ort_once(a, row["ort_model"], inputs[batch], threads, batch, iterations)
                        theirs.append((ips, rss))
                    r = {"row": name, "threads": threads, "batch": batch, "runs": a.runs,
                         "aimc_ips": statistics.median(x[0] for x in mine),
                         "ort_ips": statistics.median(x[0] for x in theirs),
                         "aimc_rss_mb": statistics.median(x[1] for x in mine),
                         "ort_rss_mb": statistics.median(x[1] for x in theirs),
                         "ort_model": os.path.basename(row["ort_model"]), "ort_version": version}
                    r["ratio"] = r["aimc_ips"] / r["ort_ips"]
                    # Each aimc run with the ORT run right after it: the
                    # machine's slow and fast spells hit both of a pair.
                    r["aimc_runs_ips"] = [x[0] for x in mine]
                    r["ort_runs_ips"] = [x[0] for x in theirs]
                    r["pair_ratio_median"] = statistics.median(m[0] / t[0] for m, t in zip(mine, theirs))
                    results.append(r)
                    print(f"| {name} | {threads} | {batch} | {r['aimc_ips']:.1f} | {r['ort_ips']:.1f} | "
                          f"{r['ratio']:.2f} | {r['pair_ratio_median']:.2f} | {r['aimc_rss_mb']:.0f} | {r['ort_rss_mb']:.0f} |",
                          flush=True)
    if a.json:
        with open(a.json + ".tmp", "w") as f:
            json.dump(results, f, indent=2)
        os.replace(a.json + ".tmp", a.json)


if __name__ == "__main__":
    main()
