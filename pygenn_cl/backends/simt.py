"""What the SIMT backends (OpenCL, CUDA) share: one kernel text, its thread layout, source
generation, device choice, build-error messages and, once loaded, a stepper that runs the
initialisation and custom-update kernels and forwards stepping to the Cython runtime.

A subclass provides the API's primitives: its preamble template (``simt/preamble_<api>.mako``),
its transpiler dialect, compilation, memory and the Cython stepper.
"""
from __future__ import annotations

import abc
import os
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, TypeVar

from pygenn_cl.codegen import arena as header
from pygenn_cl.codegen import simt as layout
from pygenn_cl.codegen.ir import INIT_KINDS, SPARSE_INIT_KINDS, STEP_KINDS, ModelIR, format_literal
from pygenn_cl.codegen.render import render
from pygenn_cl.codegen import rng as rng_steps
from pygenn_cl.codegen.rng import rng_source
from pygenn_cl.codegen.simt import kernel_ranges, launch_size, simt_kernels

from .. import c_compiler
from ..validation import file_stem
from .base import Backend, ForwardingStepper

#: Initialisation kernels of SIMT backends, in launch order (with the helpers of sparse connectivity).
SIMT_INIT_KINDS = ("neuron_init", "dense_init", "connectivity_prelude", "connectivity_init", "connectivity_sort",
                   "connectivity_remap", "connectivity_remap_sort", "kernel_init")
SYNAPSE_KINDS = STEP_KINDS[:-1]
assert set(INIT_KINDS) <= set(SIMT_INIT_KINDS)

T = TypeVar("T")


@dataclass(frozen=True)
class SIMTOptions:
    """The thread layout of a SIMT backend's kernels: everything that shapes its source.

    Parameters
    ----------
    block_size : int
        Threads per block (work-group).
    neurons_per_thread : int
        1 (GPUs: a thread per neuron and per row position, coalesced) or 32 (CPU devices:
        each thread loops over 32 neurons, or 32 row positions of SPARSE propagation).
    """

    block_size: int
    neurons_per_thread: int = 1


class SIMTBackend(Backend):
    """A backend that runs the shared SIMT kernels (``simt/*.mako``)."""

    #: the preamble template: ``simt/preamble_<api>.mako``
    api: str = ""
    #: the transpiler dialect of the API
    dialect: Any = None

    #: file name suffix of the generated source
    source_suffix: str = ""

    @classmethod
    def preamble_context(cls, ir: ModelIR, options: SIMTOptions) -> Dict[str, Any]:
        """Context the API's preamble template needs beyond ``unroll_hint``."""
        return {}

    @classmethod
    def rng_double_support(cls, ir: ModelIR) -> bool:
        return True

    @classmethod
    def render_source(cls, ir: ModelIR, options: SIMTOptions) -> str:
        """The model's source for this API (needs no device)."""
        return generate_simt_source(ir, options, cls.api, cls.dialect, cls.rng_double_support(ir),
                                    cls.preamble_context(ir, options))

    def generate_source(self, ir: ModelIR, options: SIMTOptions) -> Dict[str, str]:
        return {f"{file_stem(ir.name)}.{self.source_suffix}": self.render_source(ir, options)}

    # -- layout ---------------------------------------------------------------------------
    @staticmethod
    def launch_sizes(ir: ModelIR, options: SIMTOptions) -> Dict[str, int]:
        """Threads of every kernel (whole blocks; 0 for kernels with no work)."""
        return {kind: launch_size(kernel_ranges(ir, kind, options.block_size, groups, options.neurons_per_thread),
                                  options.block_size)
                for kind, groups in simt_kernels(ir).items()}


def generate_simt_source(ir: ModelIR, options: SIMTOptions, api: str, dialect: Any, double_support: bool = True,
                         preamble_context: Optional[Dict[str, Any]] = None) -> str:
    """The SIMT source of a model for one API (needs no device)."""
    npt, block = options.neurons_per_thread, options.block_size
    ranges = {kind: kernel_ranges(ir, kind, block, groups, npt) for kind, groups in simt_kernels(ir).items()}
    return render("simt/model.mako", c_compiler.template_cache_dir(), api=api, ir=ir, ranges=ranges,
                  layout=layout, header=header, block_size=block, neurons_per_thread=npt,
                  time_type=ir.time_type.name, dt=format_literal(ir.dt, ir.time_type),
                  unroll_hint=dialect.unroll_hint, rng_steps=rng_steps, dialect_preamble=dialect.preamble(),
                  rng=rng_source(api, double_support=double_support), **(preamble_context or {}))


# -- devices ---------------------------------------------------------------------------------
def pick_device(devices: Sequence[T], choice: Any, names: Callable[[T], Sequence[str]], what: str,
                default: Callable[[], T]) -> T:
    """A device by index (an int or a string of digits) or by part of its name.

    ``names(device)`` lists the names to match, most specific first (an OpenCL device's
    name, then its platform's): the first level at which some device matches wins.
    ``choice`` None or "" gives ``default()``.
    """
    if choice is None or choice == "":
        return default()
    if isinstance(choice, int) or (isinstance(choice, str) and choice.isdigit()):
        index = int(choice)
        if not 0 <= index < len(devices):
            raise ValueError(f"{what} index {index} is out of range: {len(devices)} device(s) found "
                             "(see 'python -m pygenn_cl devices')")
        return devices[index]
    query = str(choice).lower()
    levels = max((len(names(d)) for d in devices), default=0)
    for level in range(levels):
        for device in devices:
            candidates = names(device)
            if level < len(candidates) and query in candidates[level].lower():
                return device
    raise ValueError(f"no {what} whose name contains '{choice}'; see 'python -m pygenn_cl devices'")


def loaded_library_path(fragment: str, fallback: Optional[str] = None) -> Optional[str]:
    """Path of the shared library whose file name contains ``fragment`` that this process has
    loaded (from ``/proc/self/maps``): handles a Python binding created are valid through it."""
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                fields = line.split()
                if len(fields) >= 6 and fragment in os.path.basename(fields[-1]):
                    return fields[-1]
    except OSError:
        pass
    return fallback


# -- the loaded model ------------------------------------------------------------------------
class SIMTStepper(ForwardingStepper, abc.ABC):
    """The :class:`~pygenn_cl.backends.base.Stepper` of a SIMT backend.

    Parameters
    ----------
    stepper : Cython stepper
        Has ``step_time()``, ``run_steps(n, progress)``, ``timestep``, ``close()`` and
        ``kernel_seconds()`` (one entry per step kernel, in ``step_kinds`` order).
    step_kinds : list of str
        The step kernels that exist, in launch order.
    """

    def __init__(self, stepper, step_kinds: List[str]):
        super().__init__(stepper)
        self.step_kinds = step_kinds
        self.init_seconds = {"init": 0.0, "init_sparse": 0.0}

    @abc.abstractmethod
    def _run_kernels(self, kinds: Iterable[str]) -> None:
        """Run the kernels of ``kinds`` that exist, in order, and wait for them."""

    @abc.abstractmethod
    def custom_update(self, index: int) -> None:
        """Run custom update group ``index`` at the current timestep (after pending steps)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the device resources."""

    def _timed(self, key: str, kinds: Iterable[str]) -> None:
        start = time.perf_counter()
        self._run_kernels(kinds)
        self.init_seconds[key] = time.perf_counter() - start

    def initialize(self) -> None:
        self._timed("init", SIMT_INIT_KINDS)

    def initialize_sparse(self) -> None:
        self._timed("init_sparse", SPARSE_INIT_KINDS)

    def timers(self) -> Dict[str, float]:
        """Kernel times: per step kernel (device execution times from OpenCL profiling events
        or CUDA events, only when timing is enabled; reading them waits for the queued steps)
        and initialisation (on the host, around the kernels and the wait for them)."""
        seconds = dict(zip(self.step_kinds, self.stepper.kernel_seconds()))
        return {"neuron_update": seconds.get("neuron_update", 0.0),
                "presynaptic_update": sum(seconds.get(k, 0.0) for k in SYNAPSE_KINDS),
                **self.init_seconds}


def step_kernels(sizes: Dict[str, int]) -> List[str]:
    """The step kernels that have work, in launch order."""
    return [kind for kind in STEP_KINDS if sizes.get(kind)]


__all__ = ["SIMTBackend", "SIMTOptions", "SIMTStepper", "generate_simt_source", "pick_device",
           "loaded_library_path", "step_kernels", "SIMT_INIT_KINDS"]
