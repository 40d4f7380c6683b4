#!/usr/bin/python3
"""The accuracy–cost frontier from the files demos/studies/pareto.sh writes.

OUT holds, for configuration i: i.name, i.search.json (the placement search),
and for placement P in own/searched: i-P.jsonl (an `aimc sweep` over t_inf
and seeds) and i-P.cost.json (`aimc eval --timing`); digital.json is the
digital reference's top-1, and its cost is the searches' all-digital
placement (the same cluster with no layer on the crossbar: depthwise convs
stay on the depthwise accelerator). Writes one CSV row per
(configuration, placement, drift time), a Markdown table on stdout, and a
figure: top-1 after a day against energy and against latency per image (the
frontier drawn through the points no other point beats on both), and top-1
over drift time. Uses Debian's python3-matplotlib (run with /usr/bin/python3).
"""
import argparse
import csv
import json
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

DAY = 86400
TIMES = {0: "0 s", 3600: "1 h", 86400: "1 day", 2592000: "30 days", 31536000: "1 year"}


def sweep_top1(path):
    """{t_inf: [top-1 per seed]} and the image count of a sweep's results."""
    by_time, images = {}, 0
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if "sweep" in r:
                continue
            by_time.setdefault(int(r["point"]["t_inf"]), []).append(100 * r["top1"])
            images = r["images"]
    return by_time, images


def load(out, count):
    digital = json.load(open(f"{out}/digital.json"))
    cost = json.load(open(f"{out}/0.search.json"))["placements"]["all_digital"]
    digital["cost"] = {"energy_uj": cost["energy_uj"], "latency_ms": cost["latency_ms"]}
    rows = []
    for i in range(count):
        name = open(f"{out}/{i}.name").read().strip()
        search = json.load(open(f"{out}/{i}.search.json"))
        for placement in ("own", "searched"):
            cost = json.load(open(f"{out}/{i}-{placement}.cost.json"))["timing"]
            by_time, images = sweep_top1(f"{out}/{i}-{placement}.jsonl")
            layers = (search["placements"]["found"]["analog_layers"] if placement == "searched"
                      else None)
            for t, top1 in sorted(by_time.items()):
                rows.append({
                    "config": name, "placement": placement, "analog_layers": layers,
                    "t_inf": t, "seeds": len(top1), "images": images,
                    "top1_mean": statistics.mean(top1),
                    "top1_std": statistics.stdev(top1) if len(top1) > 1 else 0.0,
                    "energy_uj": cost["energy_uj"], "latency_ms": cost["latency_ms"]})
    return digital, rows


def frontier(points):
    """The points no other point beats on both cost (lower) and top-1 (higher)."""
    best, front = -1.0, []
    for cost, top1 in sorted(points, key=lambda p: (p[0], -p[1])):
        if top1 > best:
            front.append((cost, top1))
            best = top1
    return front


def label(row):
    return f'{row["config"]}, {"own placement" if row["placement"] == "own" else "searched"}'


def style(row, configs):
    """One colour per configuration; circles for the preset's own placement, squares searched."""
    colour = plt.get_cmap("tab10")(configs.index(row["config"]) % 10)
    return colour, ("o" if row["placement"] == "own" else "s")


def plot(digital, rows, max_drop, path):
    configs = list(dict.fromkeys(r["config"] for r in rows))
    d_top1 = 100 * digital["top1"]
    d_cost = digital["cost"]
    at_day = [r for r in rows if r["t_inf"] == DAY]
    fig, axes = plt.subplots(1, 3, figsize=(17, 5.2))
    for ax, key, unit in ((axes[0], "energy_uj", "energy per image [µJ]"),
                          (axes[1], "latency_ms", "latency per image [ms]")):
        for r in at_day:
            colour, marker = style(r, configs)
            ax.errorbar(r[key], r["top1_mean"], yerr=r["top1_std"], fmt=marker, color=colour,
                        capsize=3, label=label(r))
        ax.plot(d_cost[key], d_top1, "k*", markersize=12, label="digital (no layer on the crossbar)")
        front = frontier([(r[key], r["top1_mean"]) for r in at_day] + [(d_cost[key], d_top1)])
        ax.plot(*zip(*front), "k--", linewidth=0.8, label="frontier")
        ax.axhline(d_top1 - max_drop, color="grey", linestyle=":", linewidth=0.8)
        ax.set_xscale("log")
        ax.set_xlabel(unit)
        ax.set_ylabel("top-1 after 1 day [%]")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_title(f"dotted: digital − {max_drop:g} points (the search's bound)")
    series = {}
    for r in rows:
        series.setdefault(label(r), []).append(r)
    for name, rs in series.items():
        rs.sort(key=lambda r: r["t_inf"])
        colour, marker = style(rs[0], configs)
        line = "-" if rs[0]["placement"] == "own" else "--"
        axes[2].errorbar(range(len(rs)), [r["top1_mean"] for r in rs],
                         yerr=[r["top1_std"] for r in rs], fmt=line + marker, color=colour,
                         capsize=3, label=name)
    ticks = sorted({r["t_inf"] for r in rows})
    axes[2].set_xticks(range(len(ticks)), [TIMES.get(t, f"{t} s") for t in ticks])
    axes[2].axhline(d_top1, color="k", linewidth=0.8)
    axes[2].set_xlabel("time since programming")
    axes[2].set_ylabel("top-1 [%]")
    axes[2].grid(True, alpha=0.3)
    handles, names = axes[2].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=len(configs), fontsize=8)
    fig.suptitle(f'MobileNetV2 on the seed cluster (ima-paper): {rows[0]["images"]} evaluation '
                 f'images, {rows[0]["seeds"]} seeds; markers: mean, bars: std over seeds')
    fig.tight_layout(rect=(0, 0.12, 1, 0.95))
    fig.savefig(path, dpi=110)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("count", type=int)
    ap.add_argument("--max-drop", type=float, default=2)
    ap.add_argument("--csv", required=True)
    ap.add_argument("--out", required=True, dest="png")
    a = ap.parse_args()
    digital, rows = load(a.out, a.count)
    with open(a.csv, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    plot(digital, rows, a.max_drop, a.png)
    print(f'digital: {100 * digital["top1"]:.1f} %, {digital["cost"]["energy_uj"]:.1f} µJ, '
          f'{digital["cost"]["latency_ms"]:.3f} ms per image (no layer on the crossbar)\n')
    print("| configuration | placement | analog layers | µJ/image | ms/image | " +
          " | ".join(TIMES.get(t, str(t)) for t in sorted({r["t_inf"] for r in rows})) + " |")
    print("|---|---|---|---|---|" + "---|" * len({r["t_inf"] for r in rows}))
    keyed = {}
    for r in rows:
        keyed.setdefault((r["config"], r["placement"]), []).append(r)
    for (config, placement), rs in keyed.items():
        layers = "all of the preset's" if rs[0]["analog_layers"] is None else rs[0]["analog_layers"]
        cells = " | ".join(f'{r["top1_mean"]:.1f} ± {r["top1_std"]:.1f}'
                           for r in sorted(rs, key=lambda r: r["t_inf"]))
        print(f'| {config} | {placement} | {layers} | {rs[0]["energy_uj"]:.1f} | '
              f'{rs[0]["latency_ms"]:.3f} | {cells} |')
    return 0


if __name__ == "__main__":
    sys.exit(main())
