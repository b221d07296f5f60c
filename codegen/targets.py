"""What the generator needs to know about a backend's code: its dialect and how it accumulates."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pygenn_cl import types


@dataclass(frozen=True)
class CodeTarget:
    """A family of generated code.

    Parameters
    ----------
    name : str
        ``"c"``, ``"opencl"`` or ``"cuda"``.
    dialect : object
        The transpiler dialect that prints user code.
    parallel : bool
        True for SIMT backends, where several threads may add to one
        postsynaptic input at once (atomics are then needed).
    """

    name: str
    dialect: Any
    parallel: bool

    def accumulate(self, lvalue: str, value: str, ctype: types.NumericType) -> str:
        """Statement adding ``value`` to ``lvalue``."""
        if not self.parallel:
            return f"{lvalue} += {value};"
        suffix = "f" if ctype == types.Float else "d"
        return f"genn_atomic_add_{suffix}(&{lvalue}, {value});"
