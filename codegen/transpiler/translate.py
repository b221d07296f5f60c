"""Entry points: GeNNCode source -> checked, printed target code."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable, Dict, FrozenSet, Optional, Set, Tuple

from .. import types

from .dialects import Dialect
from .environment import Environment
from .errors import CodeError, ErrorContext, SourceError
from .parser import parse_expression, parse_statements
from .printer import LOCAL_PREFIX, DivisionHook, LoopHint, Printer
from .scanner import scan
from .typechecker import TypeChecker


@dataclass
class Translation:
    """Result of a translation.

    Attributes
    ----------
    text : str
        Generated target code.
    type : ResolvedType or None
        Type of a translated expression (None for statements or void).
    referenced : set of str
        Environment names (variables and functions) the code uses.
    assigned : set of str
        Environment variable names the code writes.
    uses_double : bool
        Whether any value or local of the code is a double (OpenCL devices then need fp64).
    locals : dict
        Name -> (type, const) of the variables a statement block declares at its top level
        (see :func:`local_scope`).
    always_called : set of str
        The environment functions of ``referenced`` that every run of the code calls: those
        called outside branches, loop bodies and conditionally evaluated operands (``&&``,
        ``||``, ``?:``).  The generator uses it to decide whether to prefetch random numbers.
    """

    text: str
    type: Optional[types.ResolvedType]
    referenced: Set[str] = field(default_factory=set)
    assigned: Set[str] = field(default_factory=set)
    uses_double: bool = False
    locals: Dict[str, Tuple[types.NumericType, bool]] = field(default_factory=dict)
    always_called: Set[str] = field(default_factory=set)


def local_scope(env: Environment, block: Translation) -> Environment:
    """An environment in which code sees the top-level locals of ``block`` as well as
    ``env``: for code that the generated source places in the same C scope, after ``block``
    (a neuron's threshold condition and reset code see the locals of its sim code, as in
    PyGeNN).  The locals keep their constness and are printed as ``block`` prints them."""
    scope = Environment(env)
    for name, (ctype, const) in block.locals.items():
        scope.add_variable(name, ctype, read_only=const, printed=LOCAL_PREFIX + name)
    return scope


def _run(code: str, context: ErrorContext, work: Callable[[], Translation]) -> Translation:
    if not isinstance(code, str):
        raise TypeError(f"code must be a string, not {type(code).__name__}")
    try:
        return work()
    except SourceError as exc:
        raise CodeError(context, exc.line, exc.column, exc.message, code) from None
    except RecursionError:
        raise CodeError(context, 1, 1, "code is nested too deeply", code) from None


def translate_statements(code: str, env: Environment, *, scalar: types.NumericType,
                         dialect: Dialect, context: ErrorContext,
                         loop_hint: Optional[LoopHint] = None,
                         division: Optional[DivisionHook] = None) -> Translation:
    """Translate a block of GeNNCode statements.

    ``loop_hint(lower, upper)`` is given the printed bounds of each ``for`` loop of the
    form ``for (i = lower; i < upper; ...)`` and returns text to print before it.
    ``division(op, left, right, type)`` prints integer divisions and remainders whose divisor
    is not a known non-zero constant (without it they print as they are).

    Raises
    ------
    CodeError
        For syntax or type errors in ``code``.
    """
    def work() -> Translation:
        stmts = parse_statements(code)
        checker = TypeChecker(env, scalar)
        checker.check_statements(stmts)
        text = "\n".join(Printer(dialect, loop_hint, division).statements(stmts))
        top = {name: (local.type, local.const) for name, local in checker.scopes[0].items()}
        return Translation(text + "\n" if text else "", None,
                           checker.referenced, checker.assigned, checker.uses_double, top,
                           checker.always_called)
    return _run(code, context, work)


def translate_expression(code: str, env: Environment, *, scalar: types.NumericType,
                         dialect: Dialect, context: ErrorContext,
                         division: Optional[DivisionHook] = None) -> Translation:
    """Translate one GeNNCode condition (a trailing ``;`` is tolerated): an expression that
    assigns nothing (``V = 1.0`` where ``V == 1.0`` was meant is an error).

    Raises
    ------
    CodeError
        For syntax or type errors in ``code``.
    """
    def work() -> Translation:
        expr = parse_expression(code)
        checker = TypeChecker(env, scalar, condition=True)
        t = checker.expr(expr)
        return Translation(Printer(dialect, division=division).expression(expr), t,
                           checker.referenced, checker.assigned, checker.uses_double,
                           always_called=checker.always_called)
    return _run(code, context, work)


@functools.lru_cache(maxsize=4096)
def referenced_identifiers(code: str) -> FrozenSet[str]:
    """Every identifier in ``code`` (comments and strings excluded), without checking it.

    Used to decide what an environment must offer before code is translated (for example
    whether spike times are kept); code that does not scan yields nothing here and reports
    its error when it is translated.
    """
    try:
        tokens = scan(code)
    except SourceError:
        return frozenset()
    return frozenset(t.text for t in tokens if t.kind == "ident")


@functools.lru_cache(maxsize=4096)
def subscripted_identifiers(code: str) -> FrozenSet[str]:
    """Every identifier of ``code`` that a ``[`` follows (``name[...]``), without checking it: the
    names code may read at a delay (``s[d]``) or index."""
    try:
        tokens = scan(code)
    except SourceError:
        return frozenset()
    return frozenset(a.text for a, b in zip(tokens, tokens[1:]) if a.kind == "ident" and b.kind == "op"
                     and b.text == "[")
