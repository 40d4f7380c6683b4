#!/usr/bin/python3
"""Accuracy plots from an `aimc sweep` summary CSV, as researchers publish them.

One figure: top-1 (mean over seeds, error bars = sample std) against one grid
key (`--x`, e.g. t_inf, adc_bits, dac_bits), one line per value of another key
(`--series`, e.g. drift_compensation). Other keys must be constant in the rows
kept (`--where key=value` selects rows). `--data-out` writes exactly the
series that were drawn, as JSON, so tests can check the plot against the CSV.
Uses Debian's python3-matplotlib (run with /usr/bin/python3).
"""
import argparse
import csv
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

LABELS = {
    "t_inf": "time since programming t_inf [s]",
    "adc_bits": "ADC bits",
    "dac_bits": "DAC bits",
    "weight_bits": "weight bits",
    "out_noise": "output noise (normalized units)",
    "prog_noise_scale": "programming noise scale",
}


def pretty(key, value):
    """A series value as a reader wants it: drift times in s, h, days, years."""
    if key == "t_inf":
        t = float(value)
        for unit, size in (("year", 31536000), ("day", 86400), ("h", 3600)):
            if t >= size and t % size == 0:
                n = int(t // size)
                return f"{n} {unit}" + ("s" if n > 1 and unit != "h" else "")
        return f"{value} s"
    return value


def number(text):
    try:
        return float(text)
    except ValueError:
        return text


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("summary")
    p.add_argument("--x", required=True)
    p.add_argument("--series")
    p.add_argument("--where", action="append", default=[])
    p.add_argument("--xlog", action="store_true", help="logarithmic x axis (symlog, so 0 fits)")
    p.add_argument("--metric", default="top1", choices=["top1", "top5"])
    p.add_argument("--title", default="")
    p.add_argument("--out", required=True)
    p.add_argument("--data-out")
    a = p.parse_args()

    with open(a.summary, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit(f"{a.summary}: no rows")
    for key in [a.x] + ([a.series] if a.series else []):
        if key not in rows[0]:
            sys.exit(f"{a.summary}: no column '{key}'")
    for cond in a.where:
        key, _, value = cond.partition("=")
        rows = [r for r in rows if r.get(key) == value]
    if not rows:
        sys.exit("no rows left after --where")

    series = {}
    for r in rows:
        name = r[a.series] if a.series else a.metric
        series.setdefault(name, []).append(
            (number(r[a.x]), 100 * float(r[a.metric + "_mean"]), 100 * float(r[a.metric + "_std"]))
        )
    fig, ax = plt.subplots(figsize=(6, 4))
    drawn = []
    order = sorted(series, key=number)
    for name in order:
        pts = sorted(series[name])
        xs, ys, es = zip(*pts)
        label = f"{a.series} = {pretty(a.series, name)}" if a.series else None
        ax.errorbar(xs, ys, yerr=es, marker="o", capsize=3, label=label)
        drawn.append({"label": label or name, "x": list(xs), "y": list(ys), "yerr": list(es)})
    if a.xlog:
        ax.set_xscale("symlog", linthresh=1.0)
    elif all(float(x).is_integer() for pts in series.values() for x, _, _ in pts
             if isinstance(x, float)):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # bits: no 4.5
    ax.set_xlabel(LABELS.get(a.x, a.x))
    ax.set_ylabel(f"{a.metric.replace('top', 'top-')} accuracy [%]")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    if a.title:
        ax.set_title(a.title)
    if a.series:
        ax.legend()
    fig.tight_layout()
    # Temporary name, then rename: an error never leaves a partial file.
    fig.savefig(a.out + ".tmp", dpi=120, format="png")
    os.replace(a.out + ".tmp", a.out)
    if a.data_out:
        with open(a.data_out + ".tmp", "w") as f:
            json.dump({"xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(),
                       "xscale": ax.get_xscale(), "series": drawn}, f, indent=1)
        os.replace(a.data_out + ".tmp", a.data_out)


if __name__ == "__main__":
    main()
