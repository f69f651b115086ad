"""Shared fixtures of the Python tests. CTest (python_tests.cmake) runs them with Debian's python3,
PYTHONPATH at the build tree's package, and these variables:
IMAGERY_SOURCE_DIR, IMAGERY_CLI (the imagery program), IMAGERY_FAKE_CAVE (the fake-cave program),
IMAGERY_TEST_OUTPUT (a folder for pictures to look at), IMAGERY_SHARED_FIXTURES (optional)."""

import json
import os
import subprocess
import pathlib

import numpy as np
import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("IMAGERY_SOURCE_DIR",
                                         pathlib.Path(__file__).resolve().parents[2]))
TEST_DATA = SOURCE_DIR / "tests" / "data"
DEMO = SOURCE_DIR / "examples" / "demo_volume"


def pytest_configure(config):
    config.addinivalue_line("markers", "shared: needs ../shared/fixtures")


@pytest.fixture(scope="session")
def demo_image():
    return "precomputed://file://" + str(DEMO / "image")


@pytest.fixture(scope="session")
def demo_segmentation():
    return "precomputed://file://" + str(DEMO / "segmentation")


@pytest.fixture(scope="session")
def test_data():
    return TEST_DATA


@pytest.fixture(scope="session")
def output_dir(tmp_path_factory):
    out = os.environ.get("IMAGERY_TEST_OUTPUT")
    if out:
        path = pathlib.Path(out)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("pictures")


@pytest.fixture(scope="session")
def imagery_cli():
    cli = os.environ.get("IMAGERY_CLI")
    if not cli or not os.path.exists(cli):
        pytest.skip("IMAGERY_CLI is not set")
    return cli


class FakeCave:
    """The fake-cave program on 127.0.0.1 (graph and watershed of examples/graphene)."""

    TOKEN = "a1b2c3d4e5f60718293a4b5c6d7e8f90"

    def __init__(self, program):
        self.process = subprocess.Popen([program, "--port", "0"], stdout=subprocess.PIPE,
                                        text=True)
        line = self.process.stdout.readline().strip()
        if not line.startswith("fake CAVE at "):
            self.process.kill()
            raise RuntimeError("fake-cave said: %r" % line)
        self.url = line[len("fake CAVE at "):]

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def fake_cave():
    program = os.environ.get("IMAGERY_FAKE_CAVE")
    if not program or not os.path.exists(program):
        pytest.skip("IMAGERY_FAKE_CAVE is not set")
    cave = FakeCave(program)
    yield cave
    cave.close()


def differing_pixels(got, expected):
    """How many pixels of two pictures (Pillow images or arrays) differ."""
    a = np.asarray(got)
    b = np.asarray(expected)
    assert a.shape == b.shape, "shape %s, expected %s" % (a.shape, b.shape)
    if a.ndim == 3:
        return int(np.any(a != b, axis=2).sum())
    return int((a != b).sum())


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)
