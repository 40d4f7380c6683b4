#!/usr/bin/env python3
"""Runs a command, samples its resident set size (VmRSS) over time and reports
whether memory stays flat: the least-squares slope of RSS against time over
the second half of the run (after warm-up), in MB per minute and as a share
of the mean RSS over the whole second half.

usage: rss_monitor.py --label NAME --out DIR [--interval S] -- command args...
writes DIR/NAME.csv (t_s, rss_mb) and DIR/NAME.json (summary); the JSON is
written to a temporary name and renamed, so a crash leaves no partial file.
"""
import argparse
import json
import os
import subprocess
import sys
import time


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


def slope(points):
    n = len(points)
    if n < 2:
        return 0.0
    mt = sum(t for t, _ in points) / n
    mr = sum(r for _, r in points) / n
    var = sum((t - mt) ** 2 for t, _ in points)
    return 0.0 if var == 0 else sum((t - mt) * (r - mr) for t, r in points) / var


def write_atomically(path, text):
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--interval", type=float, default=0.5)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command and a.command[0] == "--" else a.command
    if not cmd:
        ap.error("no command given")
    os.makedirs(a.out, exist_ok=True)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    samples = []
    while proc.poll() is None:
        r = rss_mb(proc.pid)
        if r is not None:
            samples.append((time.monotonic() - start, r))
        time.sleep(a.interval)
    code = proc.returncode
    elapsed = time.monotonic() - start
    second_half = [(t, r) for t, r in samples if t >= elapsed / 2]
    mean_late = sum(r for _, r in second_half) / max(len(second_half), 1)
    s = slope(second_half) * 60.0  # MB per minute
    summary = {
        "label": a.label,
        "command": cmd,
        "exit_code": code,
        "seconds": round(elapsed, 1),
        "samples": len(samples),
        "peak_rss_mb": round(max((r for _, r in samples), default=0.0), 1),
        "mean_rss_second_half_mb": round(mean_late, 1),
        "slope_second_half_mb_per_min": round(s, 3),
        "slope_share_of_mean_per_min": round(s / mean_late, 5) if mean_late else None,
    }
    write_atomically(os.path.join(a.out, a.label + ".csv"),
                     "t_s,rss_mb\n" + "".join(f"{t:.2f},{r:.1f}\n" for t, r in samples))
    write_atomically(os.path.join(a.out, a.label + ".json"), json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary))
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
