"""demos/pytorch_to_tiles/mnist_drift.py, run small: a CNN trained for one
epoch, quantized by PyTorch, on aimc in float, digital and analog mode."""
import csv
import json
import subprocess
import sys

import pytest

from conftest import BUILD, ROOT, SHARED

import torch  # noqa: F401  the test command installs python3-torch; never skipped
SCRIPT = ROOT / "demos" / "pytorch_to_tiles" / "mnist_drift.py"


def test_the_example_runs_small_and_its_numbers_hold_together(tmp_path):
    out = tmp_path / "out"
    subprocess.run([sys.executable, str(SCRIPT), "--epochs", "1", "--eval-limit", "1000",
                    "--times", "1,31536000", "--seeds", "1", "--compensations", "global",
                    "--calibration-images", "64",
                    "--build", str(BUILD), "--data", str(SHARED / "data" / "mnist"),
                    "--out", str(out)], check=True, capture_output=True, timeout=120)
    results = json.loads((out / "results.json").read_text())
    assert results["float"] > 0.8  # chance is 0.1
    assert results["float"] == pytest.approx(results["torch_float"], abs=0.002)
    assert abs(results["digital"] - results["float"]) < 0.03
    # Ideal tiles are the integer path, bit for bit.
    assert results["analog_ideal_equals_digital"] is True
    assert results["analog_ideal"] == results["digital"]
    agreement = results["agreement_with_torch_int8"]
    assert agreement["max_steps"] <= 1 and agreement["top1_agreement"] > 0.99
    assert [(r["drift_compensation"], r["t_inf_s"]) for r in results["pcm"]] == [
        ("global", 1.0), ("global", 31536000.0)]
    for r in results["pcm"]:
        assert len(r["top1"]) == 1 and r["top1_mean"] > 0.5
    with open(out / "results.csv") as f:
        rows = list(csv.DictReader(f))
    assert [r["mode"] for r in rows] == ["float", "digital", "analog_ideal"] + ["analog_pcm"] * 2
    png = (out / "mnist-drift.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10000
