"""Exceptions raised by pygenn_cl."""
from pygenn_cl.codegen.transpiler import CodeError


class BuildError(RuntimeError):
    """Generated code could not be compiled or a backend could not build it."""


class BackendUnavailableError(RuntimeError):
    """The requested backend cannot run on this machine (the message says why)."""


__all__ = ["BuildError", "BackendUnavailableError", "CodeError"]
