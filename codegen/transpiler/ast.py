"""Abstract syntax tree of GeNNCode.

Every node keeps the token it starts at (``tok``) for error positions.  The
type checker fills in the ``type`` of expressions and other annotations
(``binding``, ``resolved``) used by the printer.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, List, Optional

from .scanner import Token


# ----------------------------------------------------------------- expressions
@dataclass(eq=False)
class Expr:
    """Base class of expressions; ``type`` is set by the type checker."""

    tok: Token
    type: Any = field(default=None, init=False)


@dataclass(eq=False)
class Literal(Expr):
    """Number or boolean literal; ``kind`` is ``"int"``, ``"float"`` or ``"bool"``."""

    kind: str
    value: Any
    suffix: str = ""


@dataclass(eq=False)
class StringLiteral(Expr):
    """A string (only allowed as the format of ``printf``)."""

    text: str


@dataclass(eq=False)
class Name(Expr):
    """A variable reference; ``binding`` is a local or an environment variable."""

    name: str
    binding: Any = field(default=None, init=False)


@dataclass(eq=False)
class Unary(Expr):
    """Prefix (``+ - ! ~ ++ --``) or postfix (``++ --``) operator."""

    op: str
    operand: Expr
    postfix: bool = False


@dataclass(eq=False)
class Binary(Expr):
    """Binary operator (arithmetic, comparison, logical, bitwise)."""

    op: str
    left: Expr
    right: Expr


@dataclass(eq=False)
class Assign(Expr):
    """Simple or compound assignment."""

    op: str
    target: Expr
    value: Expr


@dataclass(eq=False)
class Conditional(Expr):
    """``cond ? then : other``."""

    cond: Expr
    then: Expr
    other: Expr


@dataclass(eq=False)
class Cast(Expr):
    """``(type)operand``; ``type_spec`` is the raw :class:`TypeSpec`."""

    type_spec: "TypeSpec"
    operand: Expr


@dataclass(eq=False)
class Call(Expr):
    """Function call; ``resolved`` is filled in by the type checker."""

    name: str
    args: List[Expr]
    resolved: Any = field(default=None, init=False)


@dataclass(eq=False)
class Subscript(Expr):
    """``array[index]``."""

    array: Expr
    index: Expr


@dataclass(eq=False)
class Comma(Expr):
    """Comma-separated expressions (only in ``for`` steps and initialisers)."""

    items: List[Expr]


# ----------------------------------------------------------------- statements
@dataclass(eq=False)
class TypeSpec:
    """A written type: its words (``["unsigned", "int"]``) and ``const``."""

    tok: Token
    words: List[str]
    const: bool = False
    resolved: Any = None


@dataclass(eq=False)
class Stmt:
    """Base class of statements."""

    tok: Token


@dataclass(eq=False)
class Declarator:
    """One declared name with an optional initialiser."""

    tok: Token
    name: str
    init: Optional[Expr]


@dataclass(eq=False)
class VarDecl(Stmt):
    """``[const] type a = 1, b;``."""

    type_spec: TypeSpec
    declarators: List[Declarator]


@dataclass(eq=False)
class Compound(Stmt):
    """``{ ... }``."""

    body: List[Stmt]


@dataclass(eq=False)
class ExprStmt(Stmt):
    """An expression used as a statement."""

    expr: Expr


@dataclass(eq=False)
class Empty(Stmt):
    """``;``."""


@dataclass(eq=False)
class If(Stmt):
    """``if (cond) then [else other]``."""

    cond: Expr
    then: Stmt
    other: Optional[Stmt]


@dataclass(eq=False)
class While(Stmt):
    """``while (cond) body``."""

    cond: Expr
    body: Stmt


@dataclass(eq=False)
class DoWhile(Stmt):
    """``do body while (cond);``."""

    body: Stmt
    cond: Expr


@dataclass(eq=False)
class For(Stmt):
    """``for (init; cond; step) body``; ``init`` is a declaration or expression statement."""

    init: Optional[Stmt]
    cond: Optional[Expr]
    step: Optional[Expr]
    body: Stmt


@dataclass(eq=False)
class ForEachSynapse(Stmt):
    """``for_each_synapse body``: a loop over the synapses of a row, which the environment
    provides (custom connectivity updates' ``row_update_code``); ``loop`` is set by the type
    checker."""

    body: Stmt
    loop: object = None


@dataclass(eq=False)
class Break(Stmt):
    """``break;``."""


@dataclass(eq=False)
class Continue(Stmt):
    """``continue;``."""


@dataclass(eq=False)
class Switch(Stmt):
    """``switch (value) body``."""

    value: Expr
    body: Stmt


@dataclass(eq=False)
class Case(Stmt):
    """``case value:`` label (``value`` is None for ``default:``)."""

    value: Optional[Expr]
