"""The CUDA backend: NVIDIA GPUs through PyCUDA and the CUDA driver API.

Kernels come from the shared SIMT templates (``simt/*.mako``) with the CUDA definitions
of their macros (``simt/preamble_cuda.mako``).  ``nvcc`` compiles them into a cubin for
the device's architecture (cached on disk).  PyCUDA finds the devices; the model's context
(a reference to the device's primary context) and the arena's device buffer are handled
through the driver API (``cuda_driver``), and the Cython
:class:`~pygenn_cl._runtime_cuda.CUDAStepper` loads the cubin and launches the kernels
through the driver API with no Python per kernel.

Generating the source needs neither PyCUDA nor a device
(:meth:`CUDABackend.render_source` with explicit :class:`SIMTOptions`), so CUDA code can
be produced and compiled anywhere ``nvcc`` is installed.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from pygenn_cl.codegen.ir import ModelIR, UserCode
from pygenn_cl.codegen.simt import custom_update_launches
from pygenn_cl.codegen.targets import CodeTarget
from pygenn_cl.codegen.transpiler import CUDA_DIALECT

from .. import c_compiler
from ..compile_log import explain
from ..errors import BackendUnavailableError, BuildError
from ..runtime import Memory, ModelRuntime, RuntimeValues
from ..validation import compiler_flags
from .base import write_sources
from .cuda_driver import CUDADriverError, DeviceBuffer, PrimaryContext, driver
from .simt import SIMTBackend, SIMTOptions, SIMTStepper, loaded_library_path, pick_device, step_kernels

DEVICE_ENV = "PYGENN_CL_CUDA_DEVICE"
DRIVER_LIBRARY = "libcuda.so.1"
#: Steps captured into one CUDA graph by ``run_steps`` (with ``cuda_graphs=True``).
GRAPH_STEPS = 100
CUDA_TARGET = CodeTarget("cuda", CUDA_DIALECT, parallel=True)
INSTALL_HINT = "pip install 'pygenn_cl[cuda]'"


def _drv():
    import pycuda.driver as drv
    return drv


def nvcc_command() -> str:
    """The nvcc to use: ``$PYGENN_CL_NVCC``, else ``nvcc`` on PATH, else ``$CUDA_HOME/bin/nvcc``."""
    explicit = os.environ.get("PYGENN_CL_NVCC")
    if explicit:
        return explicit
    found = shutil.which("nvcc")
    if found:
        return found
    for var in ("CUDA_HOME", "CUDA_PATH", "CUDA_ROOT"):
        if os.environ.get(var) and os.path.exists(os.path.join(os.environ[var], "bin", "nvcc")):
            return os.path.join(os.environ[var], "bin", "nvcc")
    return "nvcc"


@functools.lru_cache(maxsize=None)
def nvcc_version(nvcc: str) -> str:
    try:
        out = subprocess.run([nvcc, "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise BuildError(f"cannot run the CUDA compiler '{nvcc}' ({exc}); install the CUDA toolkit "
                         "and put nvcc on PATH (or set PYGENN_CL_NVCC)") from exc
    return out.stdout.strip()


def _driver_library_error() -> Optional[str]:
    """Why the CUDA driver library cannot be loaded, or None if it can."""
    import ctypes
    try:
        ctypes.CDLL(DRIVER_LIBRARY)
    except OSError as exc:
        return (f"the CUDA driver library {DRIVER_LIBRARY} cannot be loaded ({exc}); "
                "is an NVIDIA GPU driver installed?")
    return None


def cuda_library_path() -> str:
    """Path of the CUDA driver library PyCUDA has loaded (its handles are valid through it)."""
    return loaded_library_path("libcuda.so", DRIVER_LIBRARY)


def select_device(choice: Any = None) -> int:
    """Index of a CUDA device: an index, a name substring, or (default) ``$PYGENN_CL_CUDA_DEVICE`` or 0."""
    drv = _drv()
    drv.init()
    count = drv.Device.count()
    if count == 0:
        raise BackendUnavailableError("no CUDA device found")
    choice = choice if choice is not None else os.environ.get(DEVICE_ENV)
    names = [drv.Device(index).name() for index in range(count)]
    return pick_device(list(range(count)), choice, lambda index: (names[index],), "CUDA device", lambda: 0)


class CUDAMemory(Memory):
    """One device buffer holding the arena (zeroed on the device), with a host copy."""

    def __init__(self, context: PrimaryContext, device_name: str, nbytes: int):
        self.context = context
        self.host = np.zeros(nbytes, dtype=np.uint8)  # zeros the OS hands out untouched
        self.buffer = None
        free, total = context.memory_info()
        if nbytes > free:
            raise MemoryError(f"the model needs {nbytes / 2**20:.1f} MiB but CUDA device '{device_name}' "
                              f"has only {free / 2**20:.1f} MiB free (of {total / 2**20:.1f} MiB)")
        try:
            self.buffer = DeviceBuffer(context, nbytes)
        except CUDADriverError as exc:
            raise MemoryError(f"could not allocate {nbytes / 2**20:.1f} MiB on CUDA device "
                              f"'{device_name}': {exc}") from exc
        self.address = self.buffer.address

    def push(self, offset: int, nbytes: int) -> None:
        if nbytes:
            self.buffer.to_device(offset, self.host.ctypes.data + offset, nbytes)

    def pull(self, offset: int, nbytes: int) -> None:
        if nbytes:
            self.buffer.to_host(self.host.ctypes.data + offset, offset, nbytes)

    def free(self) -> None:
        if self.buffer is not None:
            self.buffer.free()
            self.buffer = None


class CUDABackend(SIMTBackend):
    """Runs models on an NVIDIA GPU with CUDA."""

    name = "cuda"
    api = "cuda"
    dialect = CUDA_DIALECT
    source_suffix = "cu"
    default_preferences = {
        "device": None,
        "block_size": 128,
        "fast_math": False,
        "optimize_code": True,
        "debug_code": False,
        "generate_line_info": False,
        "user_nvcc_flags": "",
        "cuda_graphs": False,  # on only once measured faster on a GPU (a graph of GRAPH_STEPS, captured once)
        "disk_cache": True,
    }
    flag_preferences = ("user_nvcc_flags",)

    def __init__(self, preferences: Dict[str, Any]):
        super().__init__(preferences)
        block = self.preferences["block_size"]
        if not isinstance(block, int) or block < 32 or block > 1024 or block % 32:
            raise ValueError(f"block_size must be a multiple of 32 from 32 to 1024, not {block!r}")
        # The device is only touched by build() and load(): generation works anywhere.
        self._device_index: Optional[int] = None

    @classmethod
    def availability(cls) -> Tuple[bool, str]:
        try:
            import pycuda  # noqa: F401
        except ImportError:
            return False, f"PyCUDA is not installed ({INSTALL_HINT})"
        except Exception as exc:  # noqa: BLE001 - a broken installation: report, don't crash
            return False, f"PyCUDA cannot be imported ({type(exc).__name__}: {exc})"
        try:
            why = _driver_library_error()
            if why:
                return False, why
            try:
                drv = _drv()
            except ImportError as exc:
                return False, f"PyCUDA cannot be imported ({exc}); reinstall it against this CUDA driver"
            try:
                drv.init()
            except drv.Error as exc:
                return False, f"the CUDA driver could not be initialised ({exc})"
            if drv.Device.count() == 0:
                return False, "no CUDA device found"
        except Exception as exc:  # a broken installation: report, don't crash
            return False, f"CUDA could not be queried ({type(exc).__name__}: {exc})"
        nvcc = nvcc_command()
        if shutil.which(nvcc) is None:
            return False, "the CUDA compiler nvcc is not on PATH (install the CUDA toolkit or set PYGENN_CL_NVCC)"
        return True, ""

    @classmethod
    def preferred_rank(cls) -> int:
        return 0

    @classmethod
    def list_devices(cls) -> List[str]:
        drv = _drv()
        drv.init()
        lines = []
        for i in range(drv.Device.count()):
            d = drv.Device(i)
            major, minor = d.compute_capability()
            lines.append(f"{i}  {d.name()} [sm_{major}{minor}, "
                         f"{d.get_attribute(drv.device_attribute.MULTIPROCESSOR_COUNT)} SMs, "
                         f"{d.total_memory() / 2**30:.1f} GiB]")
        return lines

    # -- device ----------------------------------------------------------------------
    def _device(self):
        drv = _drv()
        if self._device_index is None:
            self._device_index = select_device(self.preferences["device"])
        return drv.Device(self._device_index)

    def arch(self) -> str:
        """``sm_XY`` of the selected device."""
        major, minor = self._device().compute_capability()
        return f"sm_{major}{minor}"

    def describe_device(self) -> str:
        device = self._device()
        return f"CUDA: {device.name()} ({self.arch()})"

    @property
    def target(self) -> CodeTarget:
        return self.with_checks(CUDA_TARGET)

    # -- generation ------------------------------------------------------------------
    def options(self) -> SIMTOptions:
        """GPUs: one neuron per thread (coalesced), blocks of ``block_size``."""
        return SIMTOptions(self.preferences["block_size"], 1)

    # -- build -----------------------------------------------------------------------
    def nvcc_flags(self) -> List[str]:
        prefs = self.preferences
        flags = ["-std=c++14"]
        if prefs["debug_code"]:
            flags += ["-G", "-O0"]
        elif not prefs["optimize_code"]:
            flags += ["-O0", "-Xptxas", "-O0"]
        else:
            flags += ["-O3"]
        if prefs["generate_line_info"] and not prefs["debug_code"]:
            flags.append("-lineinfo")
        # Without fast maths, no a*b+c -> fma contraction: results then match the C backend.
        flags += ["--use_fast_math"] if prefs["fast_math"] else ["--fmad=false"]
        flags += compiler_flags("user_nvcc_flags", prefs["user_nvcc_flags"])
        return flags

    def build(self, ir: ModelIR, sources: Dict[str, str], build_dir: str, always_rebuild: bool,
              never_rebuild: bool) -> str:
        (file_name, source), = sources.items()
        write_sources(sources, build_dir)
        return compile_cubin(source, self.arch(), self.nvcc_flags(), build_dir, file_name[:-3],
                             always_rebuild, never_rebuild, use_cache=self.preferences["disk_cache"],
                             user_code=ir.user_code)

    # -- load ------------------------------------------------------------------------
    def load(self, ir: ModelIR, cubin_path: str, values: RuntimeValues):
        from ..steppers import CUDAStepper
        options = self.options()
        block = options.block_size
        device = self._device()
        # one reference to the primary context per loaded model, released at unload
        context = PrimaryContext(driver(cuda_library_path()), self._device_index)
        holder = {}

        def make_memory(layout):
            holder["m"] = CUDAMemory(context, device.name(), layout.nbytes)
            return holder["m"]

        try:
            runtime = ModelRuntime(ir, make_memory, values)
            memory = holder["m"]
            sizes = self.launch_sizes(ir, options)
            names = [kind for kind, size in sizes.items() if size]
            step = step_kernels(sizes)
            with open(cubin_path, "rb") as f:
                cubin = f.read()
            stepper = CUDAStepper(cuda_library_path(), context.handle, cubin, memory.address, names,
                                  [sizes[k] for k in names], step, block, bool(ir.timing_enabled),
                                  GRAPH_STEPS if self.preferences["cuda_graphs"] else 0, (memory, context))
        except Exception:
            try:
                if "m" in holder:
                    holder["m"].free()
            finally:
                context.release()
            raise
        return runtime, _CUDAStepper(stepper, step, memory, context)


class _CUDAStepper(SIMTStepper):
    """Runs initialisation and custom update kernels through the Cython stepper (not per step)."""

    def __init__(self, stepper, step_kinds, memory: CUDAMemory, context: PrimaryContext):
        super().__init__(stepper, step_kinds)
        self.memory, self.context = memory, context

    def _run_kernels(self, kinds) -> None:
        for kind in kinds:
            self.stepper.launch(kind, 0, False)
        self.stepper.synchronize()

    def custom_update(self, index: int) -> None:
        for kind in custom_update_launches(index):  # (the stepper skips kernels without work)
            self.stepper.launch(kind, self.stepper.timestep, False)

    def close(self) -> None:
        if self.stepper.closed:
            return
        try:
            self.stepper.close()
        finally:
            if self.stepper.closed:  # not if it is running in another thread
                try:
                    self.memory.free()
                finally:
                    self.context.release()


# -- compilation ---------------------------------------------------------------------------
def cache_dir() -> Optional[str]:
    """Directory of compiled cubins (beside the C backend's libraries), or None when caching is off."""
    c_dir = c_compiler.cache_dir()
    return None if c_dir is None else os.path.join(os.path.dirname(c_dir), "cuda")


def compile_cubin(source: str, arch: str, flags: List[str], build_dir: str, name: str,
                  always_rebuild: bool = False, never_rebuild: bool = False, use_cache: bool = True,
                  user_code: Sequence[UserCode] = ()) -> str:
    """Compile ``source`` (already written to ``build_dir/name.cu``) into a cubin for ``arch``; return its path."""
    nvcc = nvcc_command()
    cmd = [nvcc, "-cubin", f"-arch={arch}"] + flags
    src_path = os.path.join(build_dir, f"{name}.cu")

    def build(out_path: str) -> None:
        result = subprocess.run(cmd + ["-o", out_path, src_path], capture_output=True, text=True)
        if result.returncode != 0:
            raise BuildError(explain_nvcc_error(result.stderr + result.stdout, source, src_path, arch, user_code))

    directory = (cache_dir() if use_cache else None) or build_dir
    return c_compiler.cached_build([source, " ".join(cmd[1:]), nvcc_version(nvcc)], directory,
                                   f"{name}_{arch}", ".cubin", "CUDA module", always_rebuild, never_rebuild,
                                   build)



def explain_nvcc_error(log: str, source: str, path: str, arch: str, user_code: Sequence[UserCode] = ()) -> str:
    """Summarise an nvcc failure: the first error, the generated line and the user code it came from."""
    if "Unsupported gpu architecture" in log or "not defined for option 'gpu-architecture'" in log:
        return (f"this nvcc cannot compile for the device's architecture {arch} ({nvcc_command()}); "
                f"install a CUDA toolkit that supports it:\n{log.strip()[:1000]}")
    return explain(log, source, list(user_code), path, "the generated CUDA code")
