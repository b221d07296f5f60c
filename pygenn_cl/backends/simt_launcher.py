"""What the SIMT backends (OpenCL, CUDA) share once a model is loaded: the kernel lists and
a launcher that runs initialisation and custom update kernels and forwards stepping to the
backend's Cython stepper."""
from __future__ import annotations

import abc
import time
from typing import Dict, Iterable, List

STEP_KERNELS = ("synapse_dynamics", "presynaptic_update", "postsynaptic_update", "neuron_update")
INIT_KERNELS = ("neuron_init", "dense_init", "connectivity_prelude", "connectivity_init", "connectivity_sort",
                "connectivity_remap", "connectivity_remap_sort")
SPARSE_INIT_KERNELS = ("sparse_init",)
SYNAPSE_KERNELS = ("synapse_dynamics", "presynaptic_update", "postsynaptic_update")


class SIMTLauncher(abc.ABC):
    """The ``stepper`` a SIMT backend's ``load()`` returns.

    Parameters
    ----------
    stepper : Cython stepper
        Has ``step_time()``, ``run_steps(n, progress)``, ``timestep`` and
        ``kernel_seconds()`` (one entry per step kernel, in ``step_kinds`` order).
    step_kinds : list of str
        The step kernels that exist, in launch order.
    """

    def __init__(self, stepper, step_kinds: List[str]):
        self.stepper = stepper
        self.step_kinds = step_kinds
        self.step_time = stepper.step_time
        self.run_steps = stepper.run_steps
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

    @property
    def closed(self) -> bool:
        return self.stepper.closed

    @property
    def timestep(self) -> int:
        return self.stepper.timestep

    @timestep.setter
    def timestep(self, value: int) -> None:
        self.stepper.timestep = value

    def _timed(self, key: str, kinds: Iterable[str]) -> None:
        start = time.perf_counter()
        self._run_kernels(kinds)
        self.init_seconds[key] = time.perf_counter() - start

    def initialize(self) -> None:
        self._timed("init", INIT_KERNELS)

    def initialize_sparse(self) -> None:
        self._timed("init_sparse", SPARSE_INIT_KERNELS)

    def timers(self) -> Dict[str, float]:
        """Kernel times: per step kernel (measured on the host with a wait after each kernel,
        only when timing is enabled) and initialisation."""
        seconds = dict(zip(self.step_kinds, self.stepper.kernel_seconds()))
        return {"neuron_update": seconds.get("neuron_update", 0.0),
                "presynaptic_update": sum(seconds.get(k, 0.0) for k in SYNAPSE_KERNELS),
                **self.init_seconds}
