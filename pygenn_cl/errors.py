"""Exceptions raised by pygenn_cl."""
from pygenn_cl.codegen.transpiler import CodeError


class BuildError(RuntimeError):
    """Generated code could not be compiled or a backend could not build it."""


class BackendUnavailableError(RuntimeError):
    """The requested backend cannot run on this machine (the message says why)."""


class SimulationError(RuntimeError):
    """A check in generated code failed while the model ran or was initialised (an integer
    division by zero, a dendritic delay beyond its ring, an index outside an extra global
    parameter ...); the message names the group and what was wrong."""


__all__ = ["BuildError", "BackendUnavailableError", "CodeError", "SimulationError"]
