"""Backends: one module each, all implementing :class:`~pygenn_cl.backends.base.Backend`.

Backends are imported lazily, so pygenn_cl works on machines that lack the
optional packages a backend needs.
"""
from __future__ import annotations

import importlib
from typing import Dict, List, Tuple, Type

from ..errors import BackendUnavailableError
from .base import Backend

#: name -> (module, class).  ``backend=None`` picks the available backend of lowest
#: ``preferred_rank()``: CUDA, then OpenCL on a GPU, then C, then OpenCL on a CPU.
BACKENDS: Dict[str, Tuple[str, str]] = {
    "cuda": ("cuda", "CUDABackend"),
    "opencl": ("opencl", "OpenCLBackend"),
    "single_threaded_cpu": ("single_threaded_cpu", "SingleThreadedCPUBackend"),
}


def backend_class(name: str) -> Type[Backend]:
    """The class of a backend, by name."""
    if name not in BACKENDS:
        raise ValueError(f"unknown backend '{name}'; known backends: {', '.join(BACKENDS)}")
    module_name, class_name = BACKENDS[name]
    module = importlib.import_module(f"{__name__}.{module_name}")
    return getattr(module, class_name)


def availability(name: str) -> Tuple[bool, str]:
    try:
        return backend_class(name).availability()
    except ImportError as exc:
        return False, f"a package it needs is missing ({exc})"


def _rank(name: str) -> int:
    try:
        return backend_class(name).preferred_rank()
    except Exception:  # noqa: BLE001 - a backend that cannot rank itself comes last
        return 1000


def available_backends() -> List[str]:
    """Names of the backends that can run on this machine, best first."""
    names = [name for name in BACKENDS if availability(name)[0]]
    return sorted(names, key=_rank)  # stable: ties keep BACKENDS order


def create_backend(name, preferences) -> Backend:
    """Instantiate a backend by name (``None``: the best available)."""
    if name is None:
        names = available_backends()
        if not names:
            raise BackendUnavailableError("no backend can run here: " + "; ".join(
                f"{n}: {availability(n)[1]}" for n in BACKENDS))
        name = names[0]
    ok, why = availability(name)
    if not ok:
        raise BackendUnavailableError(f"backend '{name}' cannot run here: {why}")
    return backend_class(name)(preferences)
