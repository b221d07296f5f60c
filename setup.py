"""Build script: the pure-Python package, ``codegen/`` installed as ``pygenn_cl.codegen``,
the Mako templates as package data, and the Cython runtime extensions."""
import re

from Cython.Build import cythonize
from setuptools import Extension, setup

with open("pygenn_cl/__init__.py") as f:
    version = re.search(r'__version__ = "([^"]+)"', f.read()).group(1)

setup(
    name="pygenn_cl",
    version=version,
    description="PyGeNN-compatible spiking neural network simulator generating OpenCL, CUDA and C code",
    long_description=open("README.md").read(),
    long_description_content_type="text/markdown",
    python_requires=">=3.9",
    packages=["pygenn_cl", "pygenn_cl.backends", "pygenn_cl.bench", "pygenn_cl.codegen",
              "pygenn_cl.codegen.generator", "pygenn_cl.codegen.transpiler"],
    package_dir={"pygenn_cl": "pygenn_cl", "pygenn_cl.codegen": "codegen"},
    package_data={"pygenn_cl.codegen": ["templates/*.mako", "templates/*/*.mako"], "pygenn_cl": ["_runtime.pxd"]},
    # _runtime: the steppers' base class and run loop; one module per backend cimports it
    ext_modules=cythonize([Extension(f"pygenn_cl.{name}", [f"pygenn_cl/{name}.pyx"])
                           for name in ("_runtime", "_runtime_c", "_runtime_opencl", "_runtime_cuda")],
                          compiler_directives={"language_level": "3"}),
    install_requires=["numpy", "mako", "platformdirs", "tqdm", "filelock>=3.20.1"],
    extras_require={
        "opencl": ["pyopencl", "pocl-binary-distribution"],
        "cuda": ["pycuda"],
        "test": ["pytest", "scipy"],
        "examples": ["matplotlib"],
        "bench": ["matplotlib", "brian2"],
    },
)
