"""Where the tests find the module, the CLI and the shared data.

AIMC_BUILD_DIR (default build-release) holds python/aimc*.so and the aimc
binary; AIMC_SHARED_DIR (default ../shared) the models and images.
"""
import os
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("AIMC_BUILD_DIR", ROOT / "build-release"))
SHARED = pathlib.Path(os.environ.get("AIMC_SHARED_DIR", ROOT.parent / "shared"))
sys.path.insert(0, str(BUILD / "python"))


@pytest.fixture(scope="session")
def cli():
    return str(BUILD / "aimc")


@pytest.fixture(scope="session")
def qdq_model():
    return str(SHARED / "models" / "mobilenetv2_int8_qdq.onnx")


@pytest.fixture(scope="session")
def mnist_mlp():
    return str(ROOT / "models" / "mnist" / "mlp-qdq.onnx")
