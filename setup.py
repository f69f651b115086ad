"""The build of the extension module imagery._native for pip: setuptools runs the project's CMake
build (the libraries and the module only) and puts the module into the wheel beside the package's
.py files. Configure with $IMAGERY_CMAKE_ARGS (e.g. "-DCMAKE_CXX_COMPILER_LAUNCHER=ccache") and
$IMAGERY_PIP_BUILD_DIR (default: build-pip in the source tree, kept for quick rebuilds).
$IMAGERY_PREBUILT_MODULE names a module already built by CMake (build/python/imagery/_native*.so)
to package instead of building one (the packaging test uses it)."""

import glob
import os
import shlex
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        target = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        prebuilt = os.environ.get("IMAGERY_PREBUILT_MODULE")
        if prebuilt:
            shutil.copyfile(prebuilt, target)
            return
        build_dir = os.environ.get("IMAGERY_PIP_BUILD_DIR", os.path.join(ROOT, "build-pip"))
        package_dir = os.path.join(build_dir, "python-package")
        configure = [
            "cmake", "-S", ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
            "-DIMAGERY_BUILD_TESTS=OFF", "-DIMAGERY_BUILD_BENCH=OFF",
            "-DIMAGERY_BUILD_EXAMPLES=OFF", "-DIMAGERY_BUILD_PYTHON=ON",
            "-DPython3_EXECUTABLE=" + sys.executable,
            "-DIMAGERY_PYTHON_PACKAGE_DIR=" + package_dir,
        ]
        if shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        configure += shlex.split(os.environ.get("IMAGERY_CMAKE_ARGS", ""))
        subprocess.run(configure, check=True)
        jobs = os.environ.get("IMAGERY_JOBS", "2")
        subprocess.run(["cmake", "--build", build_dir, "--target", "imagery_python", "-j", jobs],
                       check=True)
        built = glob.glob(os.path.join(package_dir, "_native*.so"))
        if len(built) != 1:
            raise RuntimeError("the CMake build made no imagery/_native module in " + package_dir)
        shutil.copyfile(built[0], target)


setup(ext_modules=[CMakeExtension("imagery._native")], cmdclass={"build_ext": CMakeBuild})
