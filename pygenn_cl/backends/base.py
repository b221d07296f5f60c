"""The interface every backend implements, and what a loaded model's stepper offers.

A backend has three separate jobs: generating source from the IR (:meth:`Backend.generate_source`,
which needs no device and no compiler, so every backend's code can be produced and checked
anywhere), building it (:meth:`Backend.build`), and loading it onto its device
(:meth:`Backend.load`).  The sequential C backend implements this interface directly; the
GPU-style backends share :class:`~pygenn_cl.backends.simt.SIMTBackend`.
"""
from __future__ import annotations

import abc
import dataclasses
import os
from typing import Any, Callable, Dict, Optional, Protocol, Tuple, runtime_checkable

from pygenn_cl.codegen.ir import ModelIR
from pygenn_cl.codegen.targets import CodeTarget

from ..runtime import RuntimeValues
from ..validation import compiler_flags

__all__ = ["Backend", "Stepper", "ForwardingStepper", "RuntimeValues", "write_sources"]


@runtime_checkable
class Stepper(Protocol):
    """What ``Backend.load`` returns besides the runtime: runs the loaded model's kernels.

    ``step_time`` is bound directly as ``GeNNModel.step_time``, so it is one call into the
    Cython runtime.  Every method raises ``RuntimeError`` once :meth:`close` has run.
    """

    timestep: int

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has run."""

    def step_time(self) -> None:
        """Advance one step (SIMT backends return without waiting for the device)."""

    def run_steps(self, num_steps: int, progress: Optional[Callable[[int], None]] = None) -> None:
        """Advance ``num_steps`` steps and wait for them; ``progress(n)`` after each chunk."""

    def initialize(self) -> None:
        """Run the variable and connectivity initialisation kernels."""

    def initialize_sparse(self) -> None:
        """Run the initialisation of SPARSE synapse variables (after connectivity exists)."""

    def custom_update(self, index: int) -> None:
        """Run custom update group ``index`` at the current timestep."""

    def timers(self) -> Dict[str, float]:
        """Seconds spent in kernels (``neuron_update``, ``presynaptic_update``, ``init``,
        ``init_sparse``), measured when the model was built with ``timing_enabled``."""

    def close(self) -> None:
        """Release the device resources; later calls raise RuntimeError.  Raises, closing
        nothing, while the model runs in another thread."""


class ForwardingStepper:
    """Base of the Python steppers: the step loop, the timestep and the closed state are the
    Cython stepper's own (``step_time`` is its bound method, so a step is one C call)."""

    def __init__(self, stepper):
        self.stepper = stepper
        self.step_time: Callable[[], None] = stepper.step_time
        self.run_steps = stepper.run_steps

    @property
    def closed(self) -> bool:
        return self.stepper.closed

    @property
    def timestep(self) -> int:
        return self.stepper.timestep

    @timestep.setter
    def timestep(self, value: int) -> None:
        self.stepper.timestep = value


class Backend(abc.ABC):
    """A way of generating, building and running a model.

    Parameters
    ----------
    preferences : dict
        Backend preferences (``GeNNModel(**preferences)``); unknown names raise ValueError.
    """

    #: Name used in ``GeNNModel(backend=...)``.
    name: str = ""
    #: Preferences accepted as ``GeNNModel(**preferences)`` and their defaults.
    default_preferences: Dict[str, Any] = {}
    #: Preferences that hold compiler flags: a string (split as a shell would) or a list of strings.
    flag_preferences: Tuple[str, ...] = ()
    #: Whether ``timing_enabled`` leaves the run's speed unchanged.  SIMT backends time each
    #: kernel with profiling events (no wait per kernel), which costs a little.
    timing_is_free: bool = False

    def __init__(self, preferences: Dict[str, Any]):
        unknown = [k for k in preferences if k not in self.default_preferences]
        if unknown:
            raise ValueError(f"unknown preference(s) for backend '{self.name}': {', '.join(unknown)}; "
                             f"known: {', '.join(sorted(self.default_preferences)) or 'none'}")
        self.preferences = {**self.default_preferences, **preferences}
        for name in self.flag_preferences:
            compiler_flags(name, self.preferences[name])  # a bad value is an error now, not at build()

    @classmethod
    @abc.abstractmethod
    def availability(cls) -> Tuple[bool, str]:
        """Whether this backend can run here, and why not."""

    @property
    @abc.abstractmethod
    def target(self) -> CodeTarget:
        """The code target the generator writes for."""

    def with_checks(self, target: CodeTarget) -> CodeTarget:
        """``target`` with bounds checks of extra global parameter subscripts when the
        ``debug_code`` preference is set."""
        return dataclasses.replace(target, bounds_checks=bool(self.preferences.get("debug_code", False)))

    @abc.abstractmethod
    def options(self) -> Any:
        """The options that shape generated code (a frozen dataclass), with automatic
        preferences resolved; may look at the device."""

    @abc.abstractmethod
    def generate_source(self, ir: ModelIR, options: Any) -> Dict[str, str]:
        """Render the model's source files (file name -> text); needs no device."""

    @abc.abstractmethod
    def build(self, ir: ModelIR, sources: Dict[str, str], build_dir: str, always_rebuild: bool,
              never_rebuild: bool) -> Any:
        """Compile the sources (using the cache) and return what :meth:`load` needs."""

    @abc.abstractmethod
    def load(self, ir: ModelIR, artifact: Any, values: RuntimeValues) -> Tuple[Any, Stepper]:
        """Allocate memory, write the header, tables and extra global parameters, and
        return ``(ModelRuntime, Stepper)``."""

    @classmethod
    def preferred_rank(cls) -> int:
        """Order of preference for ``backend=None`` among the available backends (lowest first).

        Called only when :meth:`availability` says the backend can run.
        """
        return 100

    @classmethod
    def list_devices(cls) -> list:
        """Human-readable lines describing the devices this backend can use."""
        return []

    def describe_device(self) -> str:
        return self.name


def write_sources(sources: Dict[str, str], build_dir: str) -> Dict[str, str]:
    """Write generated files into ``build_dir`` (only those that changed); returns their paths.

    Each file is written to a temporary file and renamed into place: a compiler of another
    process building the same model in the same folder reads the old file or the new one,
    never one being rewritten."""
    from ..cache_files import write_atomically
    from ..errors import BuildError
    paths = {}
    try:
        os.makedirs(build_dir, exist_ok=True)
        for file_name, text in sources.items():
            path = paths[file_name] = os.path.join(build_dir, file_name)
            try:
                with open(path) as f:
                    if f.read() == text:
                        continue
            except OSError:
                pass
            write_atomically(path, text.encode())
    except OSError as exc:
        raise BuildError(f"cannot write the generated code to {build_dir} ({type(exc).__name__}: "
                         f"{exc.strerror or exc}); pass a writable folder as build(path_to_model=...)") from None
    return paths
