"""`pip install --no-build-isolation .` into a venv made with `python3 -m venv
--system-site-packages`, offline (--no-index), from a copy of the packaging files, with the module
CMake already built ($IMAGERY_PREBUILT_MODULE, so the test takes seconds, not a second build of the
library): the installed package imports without PYTHONPATH, uses Debian's numpy, and carries its
stubs. (setup.py's CMake build itself is what `pip install` runs without that variable.)"""

import os
import shutil
import subprocess
import sys

import pytest

import imagery
from conftest import SOURCE_DIR


def test_pip_installs_the_package_offline(tmp_path):
    if not shutil.which("cmake"):
        pytest.skip("no cmake")
    src = tmp_path / "src"
    (src / "python").mkdir(parents=True)
    (src / "docs").mkdir()
    for name in ("pyproject.toml", "setup.py"):
        shutil.copy(SOURCE_DIR / name, src / name)
    shutil.copy(SOURCE_DIR / "docs" / "python.md", src / "docs" / "python.md")
    shutil.copytree(SOURCE_DIR / "python" / "imagery", src / "python" / "imagery",
                    ignore=shutil.ignore_patterns("__pycache__", "_native*"))
    venv = tmp_path / "venv"
    # Without a pip of its own (seconds faster): Debian's pip installs into it with --python.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
                    str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["IMAGERY_PREBUILT_MODULE"] = imagery._native.__file__
    pip = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                          "install", "--no-build-isolation",
                          "--no-index", "--quiet", str(src)], env=env, capture_output=True,
                         text=True)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    check = subprocess.run(
        [str(venv / "bin" / "python"), "-c",
         "import imagery, numpy, pathlib; "
         "print(imagery.__file__); print(numpy.__file__); "
         "print(pathlib.Path(imagery.__file__).with_name('__init__.pyi').exists()); "
         "print(imagery.bounds_from_center([10, 10, 10], 4, 4).tolist())"],
        env=env, cwd=str(tmp_path), capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    module, numpy_path, stubs, bounds = check.stdout.split("\n")[:4]
    assert module.startswith(str(venv))
    assert numpy_path.startswith("/usr/lib/python3/")  # Debian's numpy, through the system site
    assert stubs == "True"
    assert bounds == "[[8, 8, 10], [12, 12, 11]]"
