"""aimc.evaluate, sweep, sensitivity and timing: the CLI's JSON as dicts,
equal to what `aimc <command> --json` writes for the same settings, and
run(dump_layers=True) equal to `aimc run --dump-layers`."""
import gzip
import json
import subprocess

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import aimc
from conftest import SHARED

MNIST = SHARED / "data" / "mnist" / "t10k-images-idx3-ubyte.gz"
PCM = {"preset": "ima-paper", "t_inf": 3600}
TIMES = ("images_per_second", "seconds")


def mnist_arrays():
    images = np.frombuffer(gzip.open(MNIST).read()[16:], np.uint8).reshape(-1, 784)
    labels = np.frombuffer(gzip.open(str(MNIST).replace("images-idx3", "labels-idx1")).read()[8:],
                           np.uint8)
    return images.astype(np.float32) / 255, labels


def cli_json(cli, tmp_path, *args):
    out = tmp_path / "cli.json"
    subprocess.run([cli, *args, "--json", str(out)], check=True, capture_output=True)
    return json.loads(out.read_text())


def without_times(d):
    if isinstance(d, dict):
        return {k: without_times(v) for k, v in d.items() if k not in TIMES}
    if isinstance(d, list):
        return [without_times(v) for v in d]
    return d


@pytest.fixture(scope="module")
def pcm_mlp(mnist_mlp):
    return aimc.Model(mnist_mlp, mode="analog", analog=PCM, seed=3, threads=2,
                      calibration=str(MNIST))


def test_evaluate_an_idx_file_gives_the_clis_json(pcm_mlp, mnist_mlp, cli, tmp_path):
    got = aimc.evaluate(pcm_mlp, images=str(MNIST), limit=300)
    (tmp_path / "pcm.json").write_text(json.dumps(PCM))
    want = cli_json(cli, tmp_path, "eval", "--model", mnist_mlp, "--mode", "analog", "--analog",
                    str(tmp_path / "pcm.json"), "--seed", "3", "--threads", "2", "--images",
                    str(MNIST), "--limit", "300")
    assert got["images"] == 300 and got["top1"] > 0.8
    assert got["calibration_split"]["evaluation_images"] == [5000, 5300]
    # The same fields and values, but the configuration's file names.
    got["config"].pop("analog"), want["config"].pop("analog")
    assert without_times(got) == without_times(want)


def test_evaluate_arrays_matches_the_idx_evaluation_of_the_same_images(pcm_mlp):
    x, y = mnist_arrays()
    on_file = aimc.evaluate(pcm_mlp, images=str(MNIST), limit=300)
    # first_image = 5000: the rows' indices in the file key the same noise.
    arrays = aimc.evaluate(pcm_mlp, images=x[5000:5300], labels=y[5000:5300], first_image=5000)
    one_by_one = aimc.evaluate(pcm_mlp, images=x[5000:5300], labels=y[5000:5300],
                               first_image=5000, batch=1)
    for r in (arrays, one_by_one):
        assert (r["top1_count"], r["top5_count"]) == (on_file["top1_count"],
                                                      on_file["top5_count"])
    assert arrays["config"]["images_source"] == "numpy array"
    assert arrays["config"]["calibration"]["images"] == on_file["config"]["calibration"]["images"]
    assert set(on_file) >= set(arrays) - {"float_nodes"}


def test_evaluate_arrays_counts_are_the_logits_argmax(mnist_mlp):
    x, y = mnist_arrays()
    model = aimc.Model(mnist_mlp)
    logits = model.run(x[5000:5100])
    r = aimc.evaluate(model, images=x[5000:5100], labels=y[5000:5100], batch=7)
    assert r["top1_count"] == int((logits.argmax(1) == y[5000:5100]).sum())
    assert r["images"] == 100 and r["mode"] == "digital"


def test_evaluate_refuses_bad_arrays_and_options(mnist_mlp):
    x, y = mnist_arrays()
    model = aimc.Model(mnist_mlp)
    with pytest.raises(aimc.BadInput, match="labels"):
        aimc.evaluate(model, images=x[:10], labels=y[:9])
    with pytest.raises(aimc.BadInput, match="labels"):
        aimc.evaluate(model, images=x[:10])
    with pytest.raises(aimc.BadInput, match="no-such-option"):
        aimc.evaluate(model, images=str(MNIST), no_such_option=1)
    with pytest.raises(aimc.BadInput, match="first_image"):
        aimc.evaluate(model, images=str(MNIST), first_image=3)


def test_sweep_writes_and_resumes_the_clis_results_file(mnist_mlp, cli, tmp_path):
    grid = {"analog": "ima-paper", "grid": {"t_inf": [0, 86400]}, "seeds": 2}
    out = tmp_path / "py.jsonl"
    r = aimc.sweep(grid, out=str(out), model=mnist_mlp, images=str(MNIST), limit=200, threads=2)
    assert len(r["results"]) == 4 and len(r["summary"]) == 2
    assert r["header"]["sweep"]["grid"]["grid"] == grid["grid"]
    lines = out.read_text().splitlines()
    again = aimc.sweep(grid, out=str(out), model=mnist_mlp, images=str(MNIST), limit=200,
                       threads=2)
    assert out.read_text().splitlines() == lines  # resumed: nothing recomputed
    assert without_times(again["results"]) == without_times(r["results"])
    (tmp_path / "grid.json").write_text(json.dumps(grid))
    subprocess.run([cli, "sweep", "--model", mnist_mlp, "--images", str(MNIST), "--limit", "200",
                    "--threads", "2", "--grid", str(tmp_path / "grid.json"), "--out",
                    str(tmp_path / "cli.jsonl")], check=True, capture_output=True)
    cli_results = [json.loads(l) for l in (tmp_path / "cli.jsonl").read_text().splitlines()[1:]]
    assert without_times(cli_results) == without_times(r["results"])


def tiny_classifier(path):
    """An int8 QDQ conv net on 8×8 RGB images: Conv 3→4, ReLU, Flatten, Gemm → 10."""
    rng = np.random.default_rng(0)
    inits, nodes = [], []

    def const(name, value):
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def qdq(x, scale, zero=0):
        s, z = const(x + "_s", np.float32(scale)), const(x + "_z", np.int8(zero))
        nodes.append(helper.make_node("QuantizeLinear", [x, s, z], [x + "_q"]))
        nodes.append(helper.make_node("DequantizeLinear", [x + "_q", s, z], [x + "_d"]))
        return x + "_d"

    def weight(name, shape, scale):
        q = const(name, rng.integers(-127, 128, shape).astype(np.int8))
        nodes.append(helper.make_node("DequantizeLinear",
                                      [q, const(name + "_s", np.float32(scale))], [name + "_d"]))
        return name + "_d"

    x = qdq("input", 3.0 / 127)
    nodes.append(helper.make_node("Conv", [x, weight("w", (4, 3, 3, 3), 0.01)], ["c"],
                                  name="conv"))
    nodes.append(helper.make_node("Relu", ["c"], ["r"], name="relu"))
    nodes.append(helper.make_node("Flatten", [qdq("r", 0.05)], ["f"], name="flatten"))
    nodes.append(helper.make_node("Gemm", [qdq("f", 0.05), weight("fc", (10, 144), 0.005)],
                                  ["g"], name="fc", transB=1))
    nodes.append(helper.make_node("Identity", [qdq("g", 0.1)], ["logits"]))
    graph = helper.make_graph(
        nodes, "tiny", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 8, 8])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    path.with_suffix(".preprocess.json").write_text(
        '{"preset": "torchvision", "resize": "exact", "resize_size": 8, "crop": 0}')


def test_sensitivity_gives_the_clis_json(cli, tmp_path):
    import matplotlib.pyplot as plt
    model_path = tmp_path / "tiny.onnx"
    tiny_classifier(model_path)
    images = tmp_path / "images"
    images.mkdir()
    rng = np.random.default_rng(1)
    for name in ("n01440764_a.png", "n01443537_b.png", "n01484850_c.png"):
        plt.imsave(images / name, rng.integers(0, 256, (10, 12, 3), dtype=np.uint8))
    model = aimc.Model(str(model_path), mode="analog", analog=PCM, seed=5, threads=1)
    got = aimc.sensitivity(model, images=str(images))
    (tmp_path / "pcm.json").write_text(json.dumps(PCM))
    want = cli_json(cli, tmp_path, "sensitivity", "--model", str(model_path), "--analog",
                    str(tmp_path / "pcm.json"), "--seed", "5", "--threads", "1", "--images",
                    str(images))
    assert sorted(l["name"] for l in got["layers"]) == ["conv", "fc"]
    assert got == want


def test_timing_gives_the_clis_json(cli, mnist_mlp, tmp_path):
    got = aimc.timing("alpine-mlp", hw="alpine-hp", scenario="tc")
    assert got == cli_json(cli, tmp_path, "timing", "--spec", "alpine-mlp", "--hw", "alpine-hp",
                           "--scenario", "tc")
    assert got["system"] == "alpine" and got["total"]
    cluster = aimc.timing(aimc.Model(mnist_mlp), scenario="cores")
    assert cluster == cli_json(cli, tmp_path, "timing", "--model", mnist_mlp, "--scenario",
                               "cores")
    with pytest.raises(aimc.BadInput, match="diagonal"):
        aimc.timing("alpine-mlp", hw="alpine-hp", mapping="diagonal")


def test_dump_layers_equal_the_clis_dump(mnist_mlp, cli, tmp_path):
    x = mnist_arrays()[0][5000:5001]
    y, layers = aimc.Model(mnist_mlp).run(x, dump_layers=True)
    assert y.base is not None  # the engine's tensor, not a copy
    np.save(tmp_path / "x.npy", x)
    subprocess.run([cli, "run", "--model", mnist_mlp, "--input", str(tmp_path / "x.npy"),
                    "--output", str(tmp_path / "y.npy"), "--dump-layers", str(tmp_path / "dump")],
                   check=True, capture_output=True)
    entries = json.loads((tmp_path / "dump" / "index.json").read_text())["layers"]
    assert [e["name"] for e in entries] == list(layers)
    for e in entries:
        assert (tmp_path / "dump" / e["file"]).read_bytes() == layers[e["name"]].tobytes()
        assert list(layers[e["name"]].shape) == e["shape"]
    assert np.array_equal(list(layers.values())[-1], y)


def test_help_shows_every_functions_signature_and_doc():
    import pydoc
    text = pydoc.render_doc(aimc.Model, renderer=pydoc.plaintext)
    for word in ("analog=None", "seed=0", "calibration", "dump_layers", "first_image", "BadInput"):
        assert word in text
    for f, word in ((aimc.evaluate, "aimc eval --json"), (aimc.sweep, "resumes"),
                    (aimc.sensitivity, "aimc sensitivity --json"),
                    (aimc.timing, "aimc timing --json"), (aimc.zeros, "without a copy")):
        assert word in f.__doc__
