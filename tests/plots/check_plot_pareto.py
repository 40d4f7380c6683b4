#!/usr/bin/python3
"""demos/plots/plot_pareto.py on a study directory laid out as
demos/studies/pareto.sh writes it, with numbers chosen here: the CSV rows
must carry each sweep's mean and sample std over seeds and each placement's
cost, the Markdown table the same, the frontier only the undominated points,
and the figure must be a PNG. Exits non-zero on the first mismatch."""
import csv
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "demos", "plots", "plot_pareto.py")
TIMES = [0, 86400]
# config -> placement -> (energy, latency, analog layers, {t: [top-1 per seed]})
STUDY = {
    "4-bit": {"own": (400.0, 8.5, None, {0: [0.01, 0.03], 86400: [0.0, 0.02]}),
              "searched": (2000.0, 37.0, 3, {0: [0.90, 0.88], 86400: [0.87, 0.89]})},
    "8-bit, affine": {"own": (420.0, 8.6, None, {0: [0.80, 0.84], 86400: [0.70, 0.72]}),
                      "searched": (900.0, 16.0, 20, {0: [0.89, 0.90], 86400: [0.88, 0.90]})},
}


def write_study(out):
    json.dump({"top1": 0.9, "timing": {"energy_uj": 4443.0, "latency_ms": 74.1}},
              open(f"{out}/digital.json", "w"))
    for i, (name, placements) in enumerate(STUDY.items()):
        open(f"{out}/{i}.name", "w").write(name + "\n")
        found = placements["searched"][2]
        json.dump({"placements": {"found": {"analog_layers": found},
                                  "all_digital": {"energy_uj": 2231.9, "latency_ms": 37.8}}},
                  open(f"{out}/{i}.search.json", "w"))
        for placement, (energy, latency, _, top1) in placements.items():
            json.dump({"timing": {"energy_uj": energy, "latency_ms": latency}},
                      open(f"{out}/{i}-{placement}.cost.json", "w"))
            with open(f"{out}/{i}-{placement}.jsonl", "w") as f:
                f.write(json.dumps({"sweep": {}}) + "\n")
                for t in TIMES:
                    for seed, v in enumerate(top1[t], 1):
                        f.write(json.dumps({"point": {"t_inf": t}, "seed": seed, "top1": v,
                                            "images": 50}) + "\n")


def check(condition, message):
    if not condition:
        print("check_plot_pareto: " + message, file=sys.stderr)
        sys.exit(1)


def main():
    spec = importlib.util.spec_from_file_location("plot_pareto", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    front = module.frontier([(1, 50), (2, 40), (3, 70), (3, 60), (5, 90), (6, 80), (4, 90)])
    check(front == [(1, 50), (3, 70), (4, 90)], f"frontier {front}")

    with tempfile.TemporaryDirectory() as out:
        write_study(out)
        table = subprocess.run(
            ["/usr/bin/python3", SCRIPT, out, str(len(STUDY)), "--max-drop", "2",
             "--csv", f"{out}/p.csv", "--out", f"{out}/p.png"],
            check=True, capture_output=True, text=True).stdout
        rows = list(csv.DictReader(open(f"{out}/p.csv")))
        check(len(rows) == 2 * 2 * len(TIMES), f"{len(rows)} CSV rows")
        for row in rows:
            energy, latency, layers, top1 = STUDY[row["config"]][row["placement"]]
            values = [100 * v for v in top1[int(row["t_inf"])]]
            check(abs(float(row["top1_mean"]) - statistics.mean(values)) < 1e-9, str(row))
            check(abs(float(row["top1_std"]) - statistics.stdev(values)) < 1e-9, str(row))
            check(float(row["energy_uj"]) == energy and float(row["latency_ms"]) == latency,
                  str(row))
            check(row["analog_layers"] == ("" if layers is None else str(layers)), str(row))
            check(row["seeds"] == "2" and row["images"] == "50", str(row))
        check("| 8-bit, affine | searched | 20 | 900.0 | 16.000 | 89.5 ± 0.7 | 89.0 ± 1.4 |"
              in table, table)
        check(open(f"{out}/p.png", "rb").read(4) == b"\x89PNG", "not a PNG")
        check(table.startswith("digital: 90.0 %, 2231.9 µJ, 37.800 ms"), table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
