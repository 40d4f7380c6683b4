"""aimc.Model: numpy in and out, the CLI's bits, errors as aimc.BadInput,
the same results for any thread count, and the GIL released while it runs."""
import subprocess
import threading
import time

import numpy as np
import pytest

import aimc


def mobilenet_input(seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (1, 3, 224, 224)).astype(np.float32)


def cli_logits(cli, tmp_path, model, x, *extra):
    np.save(tmp_path / "x.npy", x)
    out = tmp_path / "y.npy"
    subprocess.run([cli, "run", "--model", model, "--input", str(tmp_path / "x.npy"),
                    "--output", str(out), "--format", "f32", *extra],
                   check=True, capture_output=True)
    return np.load(out)


def test_digital_logits_equal_the_cli_byte_for_byte(cli, qdq_model, tmp_path):
    x = mobilenet_input()
    y = aimc.Model(qdq_model, threads=2).run(x)
    assert y.dtype == np.float32 and y.shape == (1, 1000)
    assert y.tobytes() == cli_logits(cli, tmp_path, qdq_model, x).tobytes()


def test_analog_logits_with_a_seed_equal_the_cli_byte_for_byte(cli, qdq_model, tmp_path):
    x = mobilenet_input(1)
    config = {"preset": "ideal", "device": "pcm", "t_inf": 3600}
    model = aimc.Model(qdq_model, mode="analog", analog=config, seed=7, threads=2)
    (tmp_path / "cfg.json").write_text('{"preset": "ideal", "device": "pcm", "t_inf": 3600}')
    expected = cli_logits(cli, tmp_path, qdq_model, x, "--mode", "analog", "--analog",
                          str(tmp_path / "cfg.json"), "--seed", "7")
    assert model.run(x).tobytes() == expected.tobytes()


def test_results_do_not_depend_on_the_thread_count(mnist_mlp):
    x = np.random.default_rng(2).uniform(0, 1, (5, 784)).astype(np.float32)
    # PCM devices with ranges that need no calibration images.
    config = {"preset": "ima-paper", "adc_range": "max"}
    one = aimc.Model(mnist_mlp, mode="analog", analog=config, seed=3, threads=1).run(x)
    two = aimc.Model(mnist_mlp, mode="analog", analog=config, seed=3, threads=2).run(x)
    digital = aimc.Model(mnist_mlp).run(x)
    assert one.tobytes() == two.tobytes()
    assert one.tobytes() != digital.tobytes()  # the devices did something


def test_names_dict_input_and_batch(mnist_mlp):
    model = aimc.Model(mnist_mlp)
    assert model.mode == "digital" and len(model.inputs) == 1 and len(model.outputs) == 1
    x = np.random.default_rng(3).uniform(0, 1, (4, 784)).astype(np.float32)
    by_name = model.run({model.inputs[0]: x})
    assert by_name.shape == (4, 10)
    assert by_name.tobytes() == model.run(x).tobytes()
    # A batch is its images run one by one.
    rows = np.concatenate([model.run(x[i:i + 1]) for i in range(4)])
    assert rows.tobytes() == by_name.tobytes()


@pytest.mark.parametrize("make", [
    lambda m: aimc.Model("/no/such/model.onnx"),
    lambda m: aimc.Model(m, mode="sideways"),
    lambda m: aimc.Model(m, mode="analog", analog={"adc_bits": 99}),
    lambda m: aimc.Model(m, mode="analog", analog="no-such-preset"),
    lambda m: aimc.Model(m).run(np.zeros((1, 3), np.float32)),
    lambda m: aimc.Model(m).run(np.zeros((1, 784), np.float64)),
    lambda m: aimc.Model(m).run({"not_an_input": np.zeros((1, 784), np.float32)}),
])
def test_bad_input_raises_bad_input_a_value_error(mnist_mlp, make):
    with pytest.raises(aimc.BadInput) as e:
        make(mnist_mlp)
    assert isinstance(e.value, ValueError)
    assert str(e.value)


def test_a_python_thread_runs_while_a_model_runs(qdq_model):
    model = aimc.Model(qdq_model, threads=1)
    x = np.repeat(mobilenet_input(), 8, axis=0)
    ticks = []
    done = threading.Event()

    def count():
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    t = threading.Thread(target=count)
    t.start()
    start = time.perf_counter()
    model.run(x)
    end = time.perf_counter()
    done.set()
    t.join()
    # With the GIL held the counter would stall for the whole run.
    assert sum(start < tick < end for tick in ticks) >= 10
