#!/usr/bin/python3
"""Per-layer sensitivity bars from `aimc sensitivity --json`: the top-1 drop
(percentage points) each layer costs alone, most sensitive first.
`--top N` keeps the N most sensitive layers; `--data-out` writes the bars
that were drawn. Uses Debian's python3-matplotlib (run with /usr/bin/python3).
"""
import argparse
import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("sensitivity")
    p.add_argument("--top", type=int, default=20)
    p.add_argument("--title", default="")
    p.add_argument("--out", required=True)
    p.add_argument("--data-out")
    a = p.parse_args()
    with open(a.sensitivity) as f:
        data = json.load(f)
    layers = sorted(data["layers"], key=lambda l: -l["drop"])[: a.top]
    names = [l["name"] for l in layers]
    drops = [100 * l["drop"] for l in layers]
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(names) + 1.2))
    ax.barh(range(len(names)), drops, color="tab:red")
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(f"top-1 drop [percentage points] (digital {100 * data['digital_top1']:.1f} %)")
    ax.grid(True, axis="x", alpha=0.3)
    if a.title:
        ax.set_title(a.title)
    fig.tight_layout()
    # Temporary name, then rename: an error never leaves a partial file.
    fig.savefig(a.out + ".tmp", dpi=120, format="png")
    os.replace(a.out + ".tmp", a.out)
    if a.data_out:
        with open(a.data_out + ".tmp", "w") as f:
            json.dump({"xlabel": ax.get_xlabel(), "names": names, "drops": drops}, f, indent=1)
        os.replace(a.data_out + ".tmp", a.data_out)


if __name__ == "__main__":
    main()
