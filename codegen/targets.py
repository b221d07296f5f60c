"""What the generator needs to know about a backend's code: its dialect and how it accumulates."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import types


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
    bounds_checks : bool
        Whether user code's subscripts of extra global parameters are checked at run time
        (the ``debug_code`` preference).
    """

    name: str
    dialect: Any
    parallel: bool
    bounds_checks: bool = False

    def delay_slots(self, max_axonal_delay: int) -> int:
        """Spike queue slots of a population whose outgoing delays are at most ``max_axonal_delay``.

        SIMT kernels zero the next step's spike count during the neuron
        update, so they need one slot more than the sequential C loops.
        """
        return max_axonal_delay + (2 if self.parallel else 1)

    def accumulate(self, lvalue: str, value: str, ctype: types.NumericType, exclusive: bool = False) -> str:
        """Statement adding ``value`` to ``lvalue``; ``exclusive`` if no other thread can touch it."""
        if not self.parallel or exclusive:
            return f"{lvalue} += {value};"
        suffix = "f" if ctype == types.Float else "d"
        return f"genn_atomic_add_{suffix}(&{lvalue}, {value});"
