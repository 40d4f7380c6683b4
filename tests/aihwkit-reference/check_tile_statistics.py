#!/usr/bin/python3
"""aimc's PCM tile against an independent numpy transcription of aihwkit's
PCMLikeNoiseModel, single-pair conductance converter and Global/PerColumn
drift compensation (read out on the identity), on the tile-check experiment:
a 256x256 layer of int8 weights ~ N(0, 40^2), inputs uniform on 0..255,
ideal converters, each column mapped onto [0, g_max] by its largest |w|.

For every drift time and compensation the mean and rms relative errors of
aimc (`aimc tile-check`, SEEDS seeds) and of the transcription (SEEDS seeds
of numpy's generator) must agree within Z standard errors of their
difference. Exit status 1 names every statistic that does not.

Usage: check_tile_statistics.py AIMC_BINARY [--seeds N] [--table] [--set KEY=VALUE ...]
(--set goes to aimc: the suite checks that aimc's former choices, read noise
over t_inf alone and a random compensation read-out, are told apart.)
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

G_MAX, T0, T_READ = 25.0, 20.0, 250e-9
TIMES = [0.0, 3600.0, 86400.0, 2592000.0, 31536000.0]
COMPENSATIONS = ["none", "global", "column"]
ROWS, COLS, INPUTS = 256, 256, 64
Z = 4.0  # standard errors: 30 comparisons must not fail by chance


def programmed(g_target, rng):
    """aihwkit: additive Gaussian programming noise, polynomial sigma."""
    g = g_target / G_MAX
    sigma = (0.26348 + 1.9650 * g - 1.1731 * g * g) * G_MAX / 25.0
    return np.maximum(g_target + sigma * rng.standard_normal(g.shape), 0.0)


def drift_exponents(g_target, rng):
    g = np.maximum(np.abs(g_target / G_MAX), 1e-7)
    mu = np.clip(-0.0155 * np.log(g) + 0.0244, 0.049, 0.1)
    sigma = np.clip(-0.0125 * np.log(g) - 0.0059, 0.008, 0.045)
    return np.abs(mu + sigma * rng.standard_normal(g.shape))


def read_at(g_prog, nu, t_inf, rng):
    """Drift to t = t_inf + t0, then 1/f noise accumulated up to t."""
    t = t_inf + T0
    g_drift = g_prog * (t / T0) ** (-nu) if t > T0 else g_prog
    q_s = np.minimum(0.0088 / np.maximum((np.abs(g_prog) / G_MAX) ** 0.65, 1e-3), 0.2)
    sigma = q_s * math.sqrt(math.log((t + T_READ) / (2 * T_READ)))
    return np.maximum(g_drift + np.abs(g_drift) * sigma * rng.standard_normal(g_prog.shape), 0.0)


def statistics(got, want):
    d = got - want
    mean = np.sum(d * np.where(want > 0, 1.0, -1.0)) / np.sum(np.abs(want))
    rms = math.sqrt(np.sum(d * d) / np.sum(want * want))
    return mean, rms


def transcription_seed(seed):
    rng = np.random.default_rng(seed)
    w = np.clip(np.round(40.0 * rng.standard_normal((ROWS, COLS))), -127, 127)
    x = rng.integers(0, 256, size=(INPUTS, ROWS)).astype(np.float64)
    exact = x @ w
    scale = np.max(np.abs(w), axis=0)
    plus, minus = np.maximum(w, 0) / scale * G_MAX, np.maximum(-w, 0) / scale * G_MAX
    gp_plus, gp_minus = programmed(plus, rng), programmed(minus, rng)
    nu_plus, nu_minus = drift_exponents(plus, rng), drift_exponents(minus, rng)
    baseline = np.abs(gp_plus - gp_minus)  # identity read-out right after programming
    out = {}
    for t in TIMES:
        g = read_at(gp_plus, nu_plus, t, rng) - read_at(gp_minus, nu_minus, t, rng)
        for comp in COMPENSATIONS:
            if comp == "none":
                alpha = 1.0
            elif comp == "global":
                alpha = baseline.sum() / np.abs(g).sum()
            else:
                alpha = baseline.sum(axis=0) / np.abs(g).sum(axis=0)
            w_read = g * alpha / G_MAX * scale
            out[(t, comp)] = statistics(x @ w_read, exact)
    return out


def aimc_seed(binary, seed, folder, overrides):
    path = os.path.join(folder, f"seed{seed}.json")
    times = ",".join(str(int(t)) for t in TIMES)
    sets = [arg for kv in overrides for arg in ("--set", kv)]
    subprocess.run([binary, "tile-check", "--seed", str(seed), "--times", times, "--json", path]
                   + sets, check=True, stdout=subprocess.DEVNULL)
    with open(path) as f:
        rows = json.load(f)["results"]
    return {(r["t_inf"], r["compensation"]): (r["mean_relative_error"], r["rms_relative_error"])
            for r in rows}


def summary(samples):
    a = np.array(samples)
    return a.mean(axis=0), a.std(axis=0, ddof=1) / math.sqrt(len(a))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("aimc")
    parser.add_argument("--seeds", type=int, default=30)
    parser.add_argument("--table", action="store_true", help="print a Markdown table")
    parser.add_argument("--set", action="append", default=[], help="an aimc configuration key")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        ours = [aimc_seed(args.aimc, s, folder, args.set) for s in range(args.seeds)]
    theirs = [transcription_seed(1000 + s) for s in range(args.seeds)]
    failures = []
    if args.table:
        print("| t_inf [s] | compensation | mean rel. error aimc / aihwkit [%] "
              "| rms rel. error aimc / aihwkit [%] |\n|---|---|---|---|")
    for t in TIMES:
        for comp in COMPENSATIONS:
            (m_a, se_a) = summary([o[(t, comp)] for o in ours])
            (m_t, se_t) = summary([o[(t, comp)] for o in theirs])
            cells = []
            for k, name in enumerate(["mean", "rms"]):
                bound = Z * math.hypot(se_a[k], se_t[k])
                if abs(m_a[k] - m_t[k]) > bound:
                    failures.append(f"t={t:g} s, {comp}, {name} relative error: aimc "
                                    f"{100 * m_a[k]:.3f}% vs aihwkit {100 * m_t[k]:.3f}% "
                                    f"(allowed difference {100 * bound:.3f}%)")
                cells.append(f"{100 * m_a[k]:+.2f} ± {100 * se_a[k]:.2f} / "
                             f"{100 * m_t[k]:+.2f} ± {100 * se_t[k]:.2f}")
            if args.table:
                print(f"| {t:g} | {comp} | {cells[0]} | {cells[1]} |")
    for f in failures:
        print("MISMATCH:", f)
    print(f"{len(TIMES) * len(COMPENSATIONS) * 2 - len(failures)} of "
          f"{len(TIMES) * len(COMPENSATIONS) * 2} statistics agree within {Z:g} standard errors "
          f"({args.seeds} seeds each)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
