"""PyTorch's eager-mode quantized export (torch.ao.quantization, opset 13)
runs on aimc's integer kernels: within one output step of PyTorch's own
quantized model, and bit for bit the same on ideal analog tiles."""
import warnings

import numpy as np
import pytest

import aimc

import torch  # the test command installs python3-torch; never skipped
from torch.ao.quantization import (DeQuantStub, QuantStub, convert,  # noqa: E402
                                   get_default_qconfig, prepare)


class SmallCnn(torch.nn.Module):
    # conv -> relu -> maxpool -> flatten -> linear, nn.ReLU not fused (as
    # torch 1.13 can export it), the ReLU its own quantized DQ -> Relu -> Q.
    def __init__(self):
        super().__init__()
        self.quant, self.dequant = QuantStub(), DeQuantStub()
        self.conv = torch.nn.Conv2d(1, 4, 3, padding=1)
        self.relu = torch.nn.ReLU()
        self.pool = torch.nn.MaxPool2d(2)
        self.fc = torch.nn.Linear(4 * 4 * 4, 6)

    def forward(self, x):
        x = self.pool(self.relu(self.conv(self.quant(x))))
        return self.dequant(self.fc(torch.flatten(x, 1)))


def exported(tmp_path, qconfig):
    torch.manual_seed(0)
    torch.backends.quantized.engine = "qnnpack"
    net = SmallCnn().eval()
    net.qconfig = get_default_qconfig(qconfig)
    prepare(net, inplace=True)
    rng = np.random.default_rng(1)
    with torch.no_grad():
        net(torch.from_numpy(rng.random((64, 1, 8, 8), dtype=np.float32)))
    convert(net, inplace=True)
    path = tmp_path / f"{qconfig}.onnx"
    x = rng.random((200, 1, 8, 8), dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(net, torch.from_numpy(x[:1]), str(path), opset_version=13,
                          input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "n"}, "y": {0: "n"}})
    with torch.no_grad():
        want = net(torch.from_numpy(x)).numpy()
    return str(path), x, want, net.fc.scale


@pytest.mark.parametrize("qconfig", ["qnnpack", "fbgemm"])  # per-tensor, per-channel weights
def test_torch_quantized_export_runs_on_integer_kernels(tmp_path, qconfig):
    path, x, want, step = exported(tmp_path, qconfig)
    digital = aimc.Model(path, mode="digital")
    assert digital.float_nodes == []
    got = digital.run(x)
    steps = np.rint(np.abs(got.astype(np.float64) - want) / step)
    # Requantization rounds the TFLite way here and in float in qnnpack:
    # at most one step apart, and most logits equal.
    assert steps.max() <= 1
    assert np.mean(steps == 0) > 0.8
    assert np.mean(got.argmax(1) == want.argmax(1)) > 0.95
    ideal = aimc.Model(path, mode="analog", analog="ideal").run(x)
    assert ideal.tobytes() == got.tobytes()


def test_float_mode_runs_the_export_as_written(tmp_path):
    path, x, want, step = exported(tmp_path, "qnnpack")
    got = aimc.Model(path, mode="float").run(x)
    assert np.abs(got - want).max() <= 1.01 * step
