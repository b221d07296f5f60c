"""The interface every backend implements."""
from __future__ import annotations

import abc
from typing import Any, Dict, Optional, Tuple

from pygenn_cl.codegen.ir import ModelIR
from pygenn_cl.codegen.targets import CodeTarget


class Backend(abc.ABC):
    """A way of generating, building and running a model.

    Generation (:meth:`generate_source`) needs no compiler and no device, so
    every backend's code can be produced and inspected anywhere.
    """

    #: Name used in ``GeNNModel(backend=...)``.
    name: str = ""
    #: Preferences accepted as ``GeNNModel(**preferences)`` and their defaults.
    default_preferences: Dict[str, Any] = {}
    #: Whether ``timing_enabled`` leaves the run's speed unchanged.  SIMT backends time each
    #: kernel by waiting for it, which serialises the host and the device.
    timing_is_free: bool = False

    def __init__(self, preferences: Dict[str, Any]):
        unknown = [k for k in preferences if k not in self.default_preferences]
        if unknown:
            raise ValueError(f"unknown preference(s) for backend '{self.name}': {', '.join(unknown)}; "
                             f"known: {', '.join(sorted(self.default_preferences)) or 'none'}")
        self.preferences = {**self.default_preferences, **preferences}

    @classmethod
    @abc.abstractmethod
    def availability(cls) -> Tuple[bool, str]:
        """Whether this backend can run here, and why not."""

    @property
    @abc.abstractmethod
    def target(self) -> CodeTarget:
        """The code target the generator writes for."""

    @abc.abstractmethod
    def generate_source(self, ir: ModelIR) -> Dict[str, str]:
        """Render the model's source files (file name -> text)."""

    @abc.abstractmethod
    def build(self, sources: Dict[str, str], build_dir: str, always_rebuild: bool,
              never_rebuild: bool) -> Any:
        """Compile the sources (using the cache) and return what :meth:`load` needs."""

    @abc.abstractmethod
    def load(self, model, ir: ModelIR, artifact: Any, num_recording_timesteps: Optional[int]):
        """Allocate memory and return ``(ModelRuntime, stepper)``.

        The stepper has ``step_time()``, ``run_steps(n, progress)``,
        ``initialize()``, ``initialize_sparse()`` and a ``timestep`` attribute.
        """

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
