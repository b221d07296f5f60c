"""Names visible to GeNNCode: model variables, parameters and functions."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Iterator, List, Optional, Tuple, Union

from .. import types

ResolvedType = types.ResolvedType
PrintedArgs = List[Tuple[str, ResolvedType]]


@dataclass
class FunctionSpec:
    """An environment function callable from GeNNCode.

    Parameters
    ----------
    params : list of ResolvedType or None
        Parameter types (arguments are converted to them); ``None`` accepts
        any number of numeric arguments, passed unconverted.
    returns : ResolvedType or None
        Result type; ``None`` for a void function.
    printer : callable
        Receives ``[(printed_argument, type), ...]`` and returns the call's
        target code.
    """

    params: Optional[List[ResolvedType]]
    returns: Optional[ResolvedType]
    printer: Callable[[PrintedArgs], str]
    #: the call may only be a statement of its own (``addSynapse(j);`` where it runs a synapse's
    #: code); ``printer`` then returns statement text, which may span several lines
    statement: bool = False


@dataclass
class BlockSpec:
    """A block construct ``name { ... }`` that an environment provides (``for_each_synapse``):
    its body is checked against ``env`` (whose parent is the environment the construct is found
    in, so the body also sees that code's names and locals) and printed between ``open`` and
    ``close``."""

    env: "Environment"
    open: str
    close: str = "}"


@dataclass
class EnvVariable:
    """A variable provided by the environment; for an array, ``index_printer(index)`` may wrap
    the printed index of each subscript (a run-time bounds check).  A (non-array) variable kept
    in delay slots may have a ``delay_printer(delay)``: code may then read ``name[delay]``, the
    value the variable had ``delay`` steps earlier (read only)."""

    name: str
    type: ResolvedType
    read_only: bool
    printed: str
    index_printer: Optional[Callable[[str], str]] = None
    delay_printer: Optional[Callable[[str], str]] = None


class Environment:
    """A scope of names; lookups fall back to ``parent``.

    Parameters
    ----------
    parent : Environment, optional
        Enclosing environment.
    """

    def __init__(self, parent: Optional["Environment"] = None) -> None:
        self.parent = parent
        self._names: Dict[str, Union[EnvVariable, FunctionSpec, BlockSpec]] = {}

    def add_variable(self, name: str, type: ResolvedType, *, read_only: bool = True,
                     printed: Optional[str] = None,
                     index_printer: Optional[Callable[[str], str]] = None,
                     delay_printer: Optional[Callable[[str], str]] = None) -> None:
        """Add (or replace) a variable; ``printed`` defaults to ``name``."""
        if not isinstance(type, (types.NumericType, types.PointerType)):
            raise TypeError(f"type of '{name}' must be a resolved type, not {type!r}")
        self._names[name] = EnvVariable(name, type, read_only,
                                        name if printed is None else printed, index_printer, delay_printer)

    def add_function(self, name: str, spec: FunctionSpec) -> None:
        """Add (or replace) a function."""
        self._names[name] = spec

    def add_block(self, name: str, spec: BlockSpec) -> None:
        """Add (or replace) a block construct ``name { ... }``."""
        self._names[name] = spec

    def lookup(self, name: str) -> Optional[Union[EnvVariable, FunctionSpec, BlockSpec]]:
        """The variable or function called ``name``, or None."""
        env: Optional[Environment] = self
        while env is not None:
            if name in env._names:
                return env._names[name]
            env = env.parent
        return None

    def __contains__(self, name: str) -> bool:
        return self.lookup(name) is not None

    def names(self) -> Iterator[str]:
        """All visible names (inner scopes first, may repeat)."""
        env: Optional[Environment] = self
        while env is not None:
            yield from env._names
            env = env.parent
