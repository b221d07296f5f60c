"""The OpenCL backend (PyOpenCL): any OpenCL 1.2+ GPU or CPU, including PoCL.

Kernels come from the shared SIMT templates; the Cython runtime enqueues the
step's kernels through the OpenCL C API with PyOpenCL's handles.
"""
from __future__ import annotations

import bisect
import functools
import os
import re
import warnings
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

import numpy as np

from pygenn_cl import types
from pygenn_cl.codegen.ir import ModelIR
from pygenn_cl.codegen.simt import WARM_UP_STEP, custom_update_launches
from pygenn_cl.codegen.targets import CodeTarget
from pygenn_cl.codegen.transpiler import OPENCL_DIALECT

from ..compile_log import explain
from ..errors import BackendUnavailableError, BuildError
from ..validation import compiler_flags
from ..runtime import ArenaLayout, Memory, ModelRuntime, RuntimeValues, format_bytes
from .base import write_sources
from .simt import SIMTBackend, SIMTOptions, SIMTStepper, loaded_library_path, pick_device, step_kernels

OPENCL_TARGET = CodeTarget("opencl", OPENCL_DIALECT, parallel=True)

DEVICE_ENV = "PYGENN_CL_DEVICE"


def _cl():
    _usable_opencl_caches()
    import pyopencl
    return pyopencl


@functools.lru_cache(maxsize=None)
def _usable_opencl_caches() -> None:
    """Point the kernel caches of PoCL (``POCL_CACHE_DIR``), and of PyOpenCL and its pytools
    (``XDG_CACHE_HOME``), at private folders, with a warning, when theirs cannot be written:
    PoCL then finds no device at all, which reads as "no OpenCL device", and PyOpenCL fails at
    its first kernel.  Runs before the OpenCL platforms are first listed (PoCL reads
    POCL_CACHE_DIR then)."""
    import platformdirs
    from .. import cache_files

    def usable(path: str) -> str:
        try:
            os.makedirs(path, exist_ok=True)
            probe = cache_files.temporary_path(path, ".probe")
            open(probe, "wb").close()
            os.unlink(probe)
        except OSError as exc:
            return f"{type(exc).__name__}: {exc.strerror or exc}"
        return ""

    def redirect(variable: str, path: str, why: str) -> None:
        private = os.path.join(cache_files.private_directory(), variable.lower())
        os.makedirs(private, exist_ok=True)
        os.environ[variable] = private
        warnings.warn(f"the OpenCL kernel cache folder {path} cannot be used ({why}); {variable} is set to "
                      f"{private} for this process. Set {variable} to a writable folder.", RuntimeWarning,
                      stacklevel=4)

    # PyOpenCL's compiler cache and pytools' invoker cache follow XDG_CACHE_HOME only
    for path in (platformdirs.user_cache_dir("pytools", "pytools"),
                 platformdirs.user_cache_dir("pyopencl", "pyopencl")):
        why = usable(path)
        if why:
            redirect("XDG_CACHE_HOME", path, why)
            break
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = os.environ.get("POCL_CACHE_DIR") or os.path.join(xdg, "pocl", "kcache")
    why = usable(path)
    if why:
        redirect("POCL_CACHE_DIR", path, why)


def all_devices() -> List[Tuple[int, int, Any]]:
    """(platform index, device index, device) for every OpenCL device."""
    cl = _cl()
    out = []
    for pi, platform in enumerate(cl.get_platforms()):
        try:
            devices = platform.get_devices()
        except cl.Error:
            continue
        for di, device in enumerate(devices):
            out.append((pi, di, device))
    return out


def select_device(choice: Any = None):
    """Pick a device: ``"P:D"`` indices, a device index, a name substring, or the best one.

    A name substring matches the device's name, else its platform's: CPU runtimes name the
    device after the processor (Intel's runtime calls an AMD CPU "AMD EPYC"), so "Intel" or
    "Portable" tells them apart.  Without a choice (or ``PYGENN_CL_DEVICE``), a GPU is
    preferred to a CPU.
    """
    cl = _cl()
    devices = all_devices()
    if not devices:
        raise BackendUnavailableError("no OpenCL platform or device found; install a driver or "
                                      "'pip install pocl-binary-distribution' for CPUs")
    choice = choice if choice is not None else os.environ.get(DEVICE_ENV)
    match = re.fullmatch(r"(\d+):(\d+)", str(choice)) if choice is not None else None
    if match:
        for pi, di, device in devices:
            if (pi, di) == (int(match.group(1)), int(match.group(2))):
                return device
        raise ValueError(f"no OpenCL device {choice} (platform:device); see 'python -m pygenn_cl devices'")

    def best():
        gpus = [d for d in devices if d[2].type & cl.device_type.GPU]
        return (gpus or devices)[0]

    return pick_device(devices, choice, lambda d: (d[2].name, d[2].platform.name), "OpenCL device", best)[2]


def default_block_size(neurons_per_thread: int) -> int:
    """Work-group size: 64 with a neuron per thread (GPUs); 16 with 32 (CPU devices).

    On CPU devices (32 neurons per thread) small member ranges are packed without padding
    to whole work-groups (see ``codegen.simt``), so the work-group size mostly sets how
    finely PoCL spreads the work over its threads.  Measured on the microcircuit at scale
    0.1 (PoCL, 2 cores, 1 s): 0.81-0.96 s with 4, 16 or 32 (within run-to-run noise);
    with every member padded to 64-item work-groups it took 1.8 s, most work-items idle.
    """
    return 64 if neurons_per_thread == 1 else 16


def default_neurons_per_thread(device) -> int:
    """Work each SIMT thread takes on: 32 on CPU devices, else 1.

    On a CPU (PoCL, ...) a work-group runs as a loop on one core: each work-group, work-item
    and barrier has a fixed cost, and coalescing does not matter.  With 32, a thread of the
    neuron update loops over 32 consecutive neurons and writes their spike-recording word
    from a register (no local memory, no barrier), and a thread of a SPARSE
    postsynaptic-parallel spike propagation loops over 32 consecutive row positions.
    Measured on the 10,000-neuron LIF benchmark (PoCL, 2 cores): neuron kernel 60 -> 25 us
    and presynaptic kernel 30 -> 17 us per step (5+1 spikes).  On GPUs a thread per neuron
    and per row position keeps memory accesses coalesced.
    """
    return 32 if device.type & _cl().device_type.CPU else 1


def opencl_library_path() -> str:
    """Path of the OpenCL ICD loader PyOpenCL has loaded (handles are valid through it)."""
    _cl()
    path = loaded_library_path("libOpenCL")
    if path:
        return path
    import ctypes.util
    found = ctypes.util.find_library("OpenCL")
    if not found:
        raise BackendUnavailableError("cannot find the OpenCL library PyOpenCL uses")
    return found


class OpenCLMemory(Memory):
    """The arena in one device buffer per segment (see ``runtime.ArenaLayout``), with a host copy."""

    def __init__(self, context, queue, device, layout: ArenaLayout):
        cl = _cl()
        name = device.name.strip()
        if layout.nbytes > device.global_mem_size:
            raise MemoryError(f"the model needs {format_bytes(layout.nbytes)} but OpenCL device '{name}' has "
                              f"{format_bytes(device.global_mem_size)}")
        self.queue = queue
        self.host = np.zeros(layout.nbytes, dtype=np.uint8)
        self.starts = [segment.start for segment in layout.segments]
        self.buffers = []
        try:
            for segment in layout.segments:
                buffer = cl.Buffer(context, cl.mem_flags.READ_WRITE, max(segment.nbytes, 1))
                # zeroed by the device (the host copy is zeros the OS has not yet touched):
                # no pageable copy of the whole arena
                cl.enqueue_fill_buffer(queue, buffer, np.uint8(0), 0, max(segment.nbytes, 1))
                self.buffers.append(buffer)
        except cl.Error as exc:
            raise MemoryError(f"could not allocate {format_bytes(layout.nbytes)} in {len(layout.segments)} "
                              f"buffer(s) on OpenCL device '{name}': {exc}") from exc

    def _locate(self, offset: int):
        """The buffer holding a host offset, and the offset in it (no array spans two)."""
        k = bisect.bisect_right(self.starts, offset) - 1
        return self.buffers[k], offset - self.starts[k]

    def push(self, offset: int, nbytes: int) -> None:
        if nbytes:
            buffer, local = self._locate(offset)
            _cl().enqueue_copy(self.queue, buffer, self.host[offset:offset + nbytes], dst_offset=local)

    def pull(self, offset: int, nbytes: int) -> None:
        if nbytes:
            buffer, local = self._locate(offset)
            _cl().enqueue_copy(self.queue, self.host[offset:offset + nbytes], buffer, src_offset=local)


class _Program(NamedTuple):
    """A built OpenCL program, with what rebuilding it for more arena segments needs."""
    program: Any
    source: str
    path: str
    segments: int
    ir: ModelIR


class OpenCLBackend(SIMTBackend):
    """Runs models on an OpenCL device."""

    name = "opencl"
    api = "opencl"
    dialect = OPENCL_DIALECT
    source_suffix = "cl"
    default_preferences = {
        "device": None,
        "block_size": None,
        "neurons_per_thread": None,
        "fast_math": False,
        "optimize_code": True,
        "debug_code": False,
        "build_options": "",
        "max_buffer_bytes": None,
    }
    flag_preferences = ("build_options",)

    def __init__(self, preferences: Dict[str, Any]):
        super().__init__(preferences)
        block = self.preferences["block_size"]
        if block is not None and (not isinstance(block, int) or isinstance(block, bool) or block < 1):
            raise ValueError(f"block_size must be a positive integer or None (automatic), not {block!r}")
        npt = self.preferences["neurons_per_thread"]
        if npt is not None and npt not in (1, 32):
            raise ValueError(f"neurons_per_thread must be 1, 32 or None (automatic), not {npt!r}")
        if npt == 1 and block is not None and block % 32:
            # a block builds whole 32-bit spike-recording words in local memory
            raise ValueError(f"block_size must be a multiple of 32 with neurons_per_thread=1, not {block}")
        limit = self.preferences["max_buffer_bytes"]
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 4096):
            raise ValueError(f"max_buffer_bytes must be an integer of at least 4096 or None (the device's "
                             f"limit), not {limit!r}")
        # The device is chosen when first needed (options(), build(), load()): with explicit
        # block_size and neurons_per_thread, source is generated without one.
        self._device = None
        self.context = None
        self.queue = None
        self._profiling_queue = None
        if self.preferences["device"] is not None or os.environ.get(DEVICE_ENV):
            self.device  # a bad choice is an error at once, as the user made it

    @property
    def device(self):
        if self._device is None:
            self._device = select_device(self.preferences["device"])
        return self._device

    @classmethod
    def availability(cls) -> Tuple[bool, str]:
        try:
            _cl()
        except ImportError:
            return False, "PyOpenCL is not installed (pip install 'pygenn_cl[opencl]')"
        try:
            if not all_devices():
                return False, "no OpenCL device found"
        except Exception as exc:  # a broken ICD setup: report, don't crash
            return False, f"OpenCL platforms could not be listed ({exc})"
        return True, ""

    @classmethod
    def preferred_rank(cls) -> int:
        """Before the C backend only with an OpenCL GPU; OpenCL on a CPU comes after it."""
        cl = _cl()
        try:
            gpu = any(d.type & cl.device_type.GPU for _, _, d in all_devices())
        except Exception:  # noqa: BLE001 - listing failed: rank it last
            gpu = False
        return 10 if gpu else 30

    @classmethod
    def list_devices(cls) -> List[str]:
        cl = _cl()
        lines = []
        for pi, di, d in all_devices():
            kind = "GPU" if d.type & cl.device_type.GPU else "CPU" if d.type & cl.device_type.CPU else "other"
            lines.append(f"{pi}:{di}  {d.name.strip()} [{kind}, {d.platform.name.strip()}, "
                         f"{d.max_compute_units} compute units, {d.global_mem_size / 2**30:.1f} GiB, "
                         f"{'double' if d.double_fp_config else 'no double'}; {d.version.strip()}]")
        return lines

    def describe_device(self) -> str:
        return f"OpenCL: {self.device.name.strip()} ({self.device.platform.name.strip()})"

    @property
    def target(self) -> CodeTarget:
        return self.with_checks(OPENCL_TARGET)

    # -- generation ------------------------------------------------------------------
    def options(self) -> SIMTOptions:
        """The thread layout: the preferences, with automatic ones from the device's type."""
        npt = self.preferences["neurons_per_thread"]
        if npt is None:
            npt = default_neurons_per_thread(self.device)
        block = self.preferences["block_size"]
        if block is None:
            block = default_block_size(npt)
        if npt == 1 and block % 32:
            raise ValueError(f"block_size must be a multiple of 32 with neurons_per_thread=1, not {block}")
        return SIMTOptions(block, npt)

    # Kept as attributes for scripts and tests that inspect the layout in use.
    @property
    def block_size(self) -> int:
        return self.options().block_size

    @property
    def neurons_per_thread(self) -> int:
        return self.options().neurons_per_thread

    @classmethod
    def preamble_context(cls, ir: ModelIR, options: SIMTOptions) -> Dict[str, Any]:
        return {"double_support": ir.needs_double, "double_atomics": ir.scalar == types.Double}

    @classmethod
    def rng_double_support(cls, ir: ModelIR) -> bool:
        return ir.needs_double

    # -- build -----------------------------------------------------------------------
    def build(self, ir: ModelIR, sources: Dict[str, str], build_dir: str, always_rebuild: bool,
              never_rebuild: bool) -> "_Program":
        cl = _cl()
        (file_name, source), = sources.items()
        paths = write_sources(sources, build_dir)
        if ir.needs_double and not self.device.double_fp_config:
            raise BuildError(f"the model uses double precision but OpenCL device '{self.device.name.strip()}' "
                             "does not support it; use precision='float'")
        if self.context is None:
            self.context = cl.Context([self.device])
            self.queue = cl.CommandQueue(self.context, self.device)
        return self._compile(source, paths[file_name], 1, ir)

    def _compile(self, source: str, path: str, segments: int, ir: ModelIR) -> "_Program":
        """Build ``source`` for kernels that take ``segments`` arena buffers (GENN_ARENA_SEGMENTS)."""
        cl = _cl()
        options = ["-cl-std=CL1.2"] + (["-cl-fast-relaxed-math"] if self.preferences["fast_math"] else []) \
            + ([] if self.preferences["optimize_code"] else ["-cl-opt-disable"]) \
            + ([f"-DGENN_ARENA_SEGMENTS={segments}"] if segments > 1 else []) \
            + compiler_flags("build_options", self.preferences["build_options"])
        try:
            program = cl.Program(self.context, source).build(options=options)
        except (cl.RuntimeError, cl.LogicError, cl.Error) as exc:
            raise BuildError(explain(str(exc), source, ir.user_code, path,
                                     f"the generated OpenCL code on '{self.device.name.strip()}'")) from None
        return _Program(program, source, path, segments, ir)

    def max_buffer_bytes(self) -> int:
        """Largest buffer the arena may use: the device's limit, or the preference if lower."""
        limit = self.preferences["max_buffer_bytes"]
        device_limit = int(self.device.max_mem_alloc_size)
        return device_limit if limit is None else min(limit, device_limit)

    # -- load ------------------------------------------------------------------------
    def load(self, ir: ModelIR, built: "_Program", values: RuntimeValues):
        from ..steppers import OpenCLStepper
        cl = _cl()
        options = self.options()
        block = options.block_size
        holder = {}
        queue = self._queue(bool(ir.timing_enabled))

        def make_memory(layout):
            holder["m"] = OpenCLMemory(self.context, queue, self.device, layout)
            return holder["m"]

        runtime = ModelRuntime(ir, make_memory, values, self.max_buffer_bytes())
        buffers = holder["m"].buffers
        if len(buffers) != built.segments:
            # the arrays' sizes are known only now (recording buffers, extra global parameters)
            built = self._compile(built.source, built.path, len(buffers), ir)
        program = built.program
        sizes = self.launch_sizes(ir, options)
        kernels = {}
        for kind, size in sizes.items():
            if size:
                kernel = cl.Kernel(program, kind)  # (a new kernel object: every load sets its own arguments)
                kernel.set_arg(0, buffers[0])
                kernel.set_arg(1, np.uint64(0))
                for k, extra in enumerate(buffers[1:], start=2):
                    kernel.set_arg(k, extra)
                kernels[kind] = kernel
        # PoCL compiles each kernel for its launch size on first use: do that here, so that
        # the first simulated step does not pay for it (a warm-up launch changes nothing).
        for kind, kernel in kernels.items():
            kernel.set_arg(1, np.uint64(WARM_UP_STEP))
            cl.enqueue_nd_range_kernel(queue, kernel, (sizes[kind],), (block,))
            kernel.set_arg(1, np.uint64(0))
        queue.finish()
        step = step_kernels(sizes)
        stepper = OpenCLStepper(opencl_library_path(), queue, [kernels[k] for k in step],
                                [sizes[k] for k in step], block, (program, kernels, buffers),
                                bool(ir.timing_enabled))
        return runtime, _OpenCLStepper(queue, kernels, sizes, block, stepper, step)

    def _queue(self, profiling: bool):
        """The backend's queue; with ``profiling`` (timing_enabled), a second one that records
        the kernels' execution times in their events (created once, on first use)."""
        if not profiling:
            return self.queue
        if self._profiling_queue is None:
            cl = _cl()
            self._profiling_queue = cl.CommandQueue(self.context, self.device,
                                                    properties=cl.command_queue_properties.PROFILING_ENABLE)
        return self._profiling_queue


class _OpenCLStepper(SIMTStepper):
    """Runs initialisation and custom update kernels through PyOpenCL (not per step)."""

    def __init__(self, queue, kernels, sizes, block, stepper, step_kinds):
        super().__init__(stepper, step_kinds)
        self.queue, self.kernels, self.sizes, self.block = queue, kernels, sizes, block

    def _run_kernels(self, kinds) -> None:
        self.stepper.check_open()
        cl = _cl()
        for kind in kinds:
            if kind in self.kernels:
                cl.enqueue_nd_range_kernel(self.queue, self.kernels[kind], (self.sizes[kind],), (self.block,))
        self.queue.finish()

    def custom_update(self, index: int) -> None:
        self.stepper.check_open()
        for kind in custom_update_launches(index):
            kernel = self.kernels.get(kind)
            if kernel is None:
                continue
            kernel.set_arg(1, np.uint64(self.stepper.timestep))
            _cl().enqueue_nd_range_kernel(self.queue, kernel, (self.sizes[kind],), (self.block,))

    def close(self) -> None:
        self.stepper.close()


def generate_opencl_source(ir: ModelIR, options: SIMTOptions) -> str:
    """The OpenCL source of a model for a given thread layout (needs no device)."""
    return OpenCLBackend.render_source(ir, options)
