"""Type checker: resolves names and computes the type of every expression."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Set

from .. import types

from . import ast
from .builtins import BUILTINS
from .environment import BlockSpec, Environment, EnvVariable, FunctionSpec
from .errors import SourceError

NumericType = types.NumericType


@dataclass
class Local:
    """A variable declared in the user's code."""

    name: str
    type: NumericType
    const: bool


@dataclass
class ResolvedCall:
    """What a :class:`ast.Call` refers to, filled in by the checker.

    Attributes
    ----------
    kind : str
        ``"env"`` or a builtin kind (``"float"``, ``"ilogb"``, ``"ldexp"``,
        ``"minmax"``, ``"printf"``).
    params : list
        Target type per argument (None: no conversion).
    spec : FunctionSpec, optional
        For environment functions.
    version : NumericType, optional
        For builtins, the overload's floating or integer type.
    """

    kind: str
    params: List[Optional[types.ResolvedType]]
    spec: Optional[FunctionSpec] = None
    version: Optional[NumericType] = None


def promote(t: NumericType) -> NumericType:
    """C integer promotion: types below int become int32."""
    return types.Int32 if t.is_integer and t.rank < types.Int32.rank else t


def common_type(a: NumericType, b: NumericType) -> NumericType:
    """C's usual arithmetic conversions."""
    a, b = promote(a), promote(b)
    if a.is_float or b.is_float:
        return a if a.rank >= b.rank else b
    if a.is_signed == b.is_signed:
        return a if a.rank >= b.rank else b
    unsigned, signed = (a, b) if not a.is_signed else (b, a)
    if unsigned.rank >= signed.rank:
        return unsigned
    return signed


def resolve_type_words(words: List[str], scalar: NumericType) -> NumericType:
    """Resolve the words of a type name (``["unsigned", "long"]``) to a type.

    Raises
    ------
    ValueError
        If the words do not form a valid type.
    """
    text = " ".join(words)
    counts = {w: words.count(w) for w in set(words)}
    single = {"scalar": scalar, "float": types.Float, "double": types.Double,
              "bool": types.Bool, "size_t": types.Uint64,
              "int8_t": types.Int8, "uint8_t": types.Uint8,
              "int16_t": types.Int16, "uint16_t": types.Uint16,
              "int32_t": types.Int32, "uint32_t": types.Uint32,
              "int64_t": types.Int64, "uint64_t": types.Uint64}
    for word in words:
        if word in single:
            if len(words) != 1:
                raise ValueError(f"invalid type '{text}'")
            return single[word]
    signed = counts.get("signed", 0)
    unsigned = counts.get("unsigned", 0)
    short, long_, char, int_ = (counts.get(w, 0) for w in ("short", "long", "char", "int"))
    if (signed + unsigned > 1 or short > 1 or long_ > 2 or char > 1 or int_ > 1
            or (short and long_) or (char and (short or long_ or int_))):
        raise ValueError(f"invalid type '{text}'")
    if char:
        return types.Uint8 if unsigned else types.Int8
    if short:
        return types.Uint16 if unsigned else types.Int16
    if long_:
        return types.Uint64 if unsigned else types.Int64
    return types.Uint32 if unsigned else types.Int32


_INT_CANDIDATES = {
    ("", True): (types.Int32, types.Int64),
    ("", False): (types.Int32, types.Uint32, types.Int64, types.Uint64),
    ("u", True): (types.Uint32, types.Uint64),
    ("u", False): (types.Uint32, types.Uint64),
    ("l", True): (types.Int64,),
    ("l", False): (types.Int64, types.Uint64),
    ("ll", True): (types.Int64,),
    ("ll", False): (types.Int64, types.Uint64),
    ("ul", True): (types.Uint64,),
    ("ul", False): (types.Uint64,),
    ("ull", True): (types.Uint64,),
    ("ull", False): (types.Uint64,),
}

#: Smallest decimal value that rounds to infinity in single precision.
_FLOAT_OVERFLOW = (2.0 - 2.0 ** -24) * 2.0 ** 127

_INTEGER_OPS = frozenset(["%", "&", "|", "^", "<<", ">>"])
_COMPARISONS = frozenset(["==", "!=", "<", ">", "<=", ">=", "&&", "||"])


class TypeChecker:
    """Checks an AST against an :class:`Environment`.

    After checking, ``referenced`` and ``assigned`` hold the environment
    names used and written, ``always_called`` the environment functions called on every run
    of the code (outside branches, loop bodies and conditionally evaluated operands), and
    ``uses_double`` whether any value or local is a double.
    """

    def __init__(self, env: Environment, scalar: NumericType, condition: bool = False) -> None:
        self.env = env
        self.scalar = scalar
        #: checking a condition (threshold code): it may not assign anything
        self.condition = condition
        self.scopes: List[Dict[str, Local]] = [{}]
        self.control: List[str] = []
        self.referenced: Set[str] = set()
        self.assigned: Set[str] = set()
        self.always_called: Set[str] = set()
        #: depth of branches, loop bodies and conditional operands around the current node
        self._conditional = 0
        self.uses_double = False
        self._statement_call: Optional[ast.Call] = None
        self._open_blocks: List[str] = []

    # ------------------------------------------------------------ helpers
    @staticmethod
    def _error(node, message: str) -> SourceError:
        return SourceError(node.tok.line, node.tok.column, message)

    def _find_local(self, name: str) -> Optional[Local]:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def _suggest(self, name: str, functions: bool) -> str:
        names = {n for scope in self.scopes for n in scope} if not functions else set()
        for n in self.env.names():
            found = self.env.lookup(n)
            if not isinstance(found, BlockSpec) and isinstance(found, FunctionSpec) == functions:
                names.add(n)
        if functions:
            names.update(BUILTINS)
        match = difflib.get_close_matches(name, sorted(names), n=1)
        return f"; did you mean '{match[0]}'?" if match else ""

    def _resolve_spec(self, spec: ast.TypeSpec) -> NumericType:
        try:
            spec.resolved = resolve_type_words(spec.words, self.scalar)
        except ValueError as exc:
            raise self._error(spec, str(exc)) from None
        return spec.resolved

    # --------------------------------------------------------- statements
    def check_statements(self, stmts: List[ast.Stmt]) -> None:
        for stmt in stmts:
            self.statement(stmt)

    def _scoped(self, stmt: ast.Stmt) -> None:
        self.scopes.append({})
        try:
            self.statement(stmt)
        finally:
            self.scopes.pop()

    def _maybe(self, check, node):
        """Check ``node`` as code that may not run (a branch, a loop body, a conditional operand)."""
        self._conditional += 1
        try:
            return check(node)
        finally:
            self._conditional -= 1

    def statement(self, stmt: ast.Stmt) -> None:
        getattr(self, "_stmt_" + type(stmt).__name__)(stmt)

    def _stmt_Compound(self, stmt: ast.Compound) -> None:
        self.scopes.append({})
        try:
            self.check_statements(stmt.body)
        finally:
            self.scopes.pop()

    def _stmt_VarDecl(self, stmt: ast.VarDecl) -> None:
        t = self._resolve_spec(stmt.type_spec)
        self.uses_double |= t == types.Double
        for decl in stmt.declarators:
            if decl.init is not None:
                self.value(decl.init)
            elif stmt.type_spec.const:
                raise self._error(decl, f"const variable '{decl.name}' needs an initial value")
            # As in C, a local may shadow a model variable (PyGeNN models often declare
            # ``const scalar dt = ...``); it may not hide a function.
            if isinstance(self.env.lookup(decl.name), FunctionSpec):
                raise self._error(decl, f"declaration of '{decl.name}' shadows the function "
                                        "provided by the model; choose another name")
            if decl.name in BUILTINS:
                raise self._error(decl, f"'{decl.name}' is a built-in function; "
                                        "choose another name")
            if decl.name in self.scopes[-1]:
                raise self._error(decl, f"'{decl.name}' is already declared in this scope")
            self.scopes[-1][decl.name] = Local(decl.name, t, stmt.type_spec.const)

    def _stmt_ExprStmt(self, stmt: ast.ExprStmt) -> None:
        if isinstance(stmt.expr, ast.Call):
            self._statement_call = stmt.expr   # a call that is a whole statement
        self.expr(stmt.expr)

    def _stmt_Block(self, stmt: ast.Block) -> None:
        found = None if self._find_local(stmt.name) is not None else self.env.lookup(stmt.name)
        if not isinstance(found, BlockSpec):
            raise self._error(stmt, f"unknown block construct '{stmt.name}'" + (
                "" if found is None else f" ('{stmt.name}' is not a block here)"))
        if stmt.name in self._open_blocks:
            raise self._error(stmt, f"'{stmt.name}' cannot be nested in another '{stmt.name}'")
        self.referenced.add(stmt.name)
        stmt.spec = found
        outer = self.env
        self.env = found.env
        self._open_blocks.append(stmt.name)
        self.control.append("loop")
        try:
            self._scoped(stmt.body)
        finally:
            self.control.pop()
            self._open_blocks.pop()
            self.env = outer

    def _stmt_Empty(self, stmt: ast.Empty) -> None:
        pass

    def _condition(self, expr: ast.Expr) -> None:
        self.value(expr)

    def _stmt_If(self, stmt: ast.If) -> None:
        self._condition(stmt.cond)
        self._maybe(self._scoped, stmt.then)
        if stmt.other is not None:
            self._maybe(self._scoped, stmt.other)

    def _loop_body(self, body: ast.Stmt) -> None:
        self.control.append("loop")
        try:
            self._maybe(self._scoped, body)
        finally:
            self.control.pop()

    def _stmt_While(self, stmt: ast.While) -> None:
        self._condition(stmt.cond)
        self._loop_body(stmt.body)

    def _stmt_DoWhile(self, stmt: ast.DoWhile) -> None:
        self._loop_body(stmt.body)
        self._condition(stmt.cond)

    def _stmt_For(self, stmt: ast.For) -> None:
        self.scopes.append({})
        try:
            if stmt.init is not None:
                self.statement(stmt.init)
            if stmt.cond is not None:
                self._condition(stmt.cond)
            if stmt.step is not None:
                self._maybe(self.expr, stmt.step)
            self._loop_body(stmt.body)
        finally:
            self.scopes.pop()

    def _stmt_Break(self, stmt: ast.Break) -> None:
        if not self.control:
            raise self._error(stmt, "'break' outside a loop or switch")

    def _stmt_Continue(self, stmt: ast.Continue) -> None:
        if "loop" not in self.control:
            raise self._error(stmt, "'continue' outside a loop")

    def _stmt_Switch(self, stmt: ast.Switch) -> None:
        t = self.value(stmt.value)
        if not t.is_integer:
            raise self._error(stmt.value, f"switch value must be an integer, got '{t}'")
        self.control.append("switch")
        try:
            self._maybe(self._scoped, stmt.body)
        finally:
            self.control.pop()

    def _stmt_Case(self, stmt: ast.Case) -> None:
        label = "default" if stmt.value is None else "case"
        if "switch" not in self.control:
            raise self._error(stmt, f"'{label}' outside a switch")
        if stmt.value is not None:
            t = self.value(stmt.value)
            if not t.is_integer or not self._is_constant(stmt.value):
                raise self._error(stmt.value, "case value must be an integer constant")

    def _is_constant(self, expr: ast.Expr) -> bool:
        if isinstance(expr, ast.Literal):
            return True
        if isinstance(expr, ast.Unary):
            return not expr.postfix and expr.op in "+-~!" and self._is_constant(expr.operand)
        if isinstance(expr, ast.Binary):
            return self._is_constant(expr.left) and self._is_constant(expr.right)
        if isinstance(expr, ast.Cast):
            return self._is_constant(expr.operand)
        if isinstance(expr, ast.Conditional):
            return all(map(self._is_constant, (expr.cond, expr.then, expr.other)))
        return False

    # -------------------------------------------------------- expressions
    def value(self, expr: ast.Expr) -> NumericType:
        """Check ``expr`` and require a numeric value."""
        t = self.expr(expr)
        if t is None:
            name = expr.name if isinstance(expr, ast.Call) else "expression"
            raise self._error(expr, f"'{name}' returns nothing (void) and cannot be "
                                    "used as a value")
        if isinstance(t, types.PointerType):
            raise self._error(expr, "array names can only be subscripted, e.g. "
                                    f"'{getattr(expr, 'name', 'array')}[i]'")
        return t

    def integer(self, expr: ast.Expr, op: str) -> NumericType:
        t = self.value(expr)
        if not t.is_integer:
            hint = "; use fmod()" if op in ("%", "%=") else ""
            raise self._error(expr, f"operator '{op}' needs integer operands, "
                                    f"got '{t}'{hint}")
        return t

    def expr(self, expr: ast.Expr) -> Optional[types.ResolvedType]:
        """Check ``expr``; returns (and stores) its type, None for void."""
        expr.type = getattr(self, "_expr_" + type(expr).__name__)(expr)
        self.uses_double |= expr.type == types.Double
        return expr.type

    def _expr_Literal(self, expr: ast.Literal) -> NumericType:
        if expr.kind == "bool":
            return types.Bool
        if expr.kind == "int":
            decimal = not (expr.tok.text.startswith("0") and len(expr.tok.text) > 1)
            for t in _INT_CANDIDATES[(expr.suffix, decimal)]:
                if expr.value <= t.max:
                    return t
            raise self._error(expr, "integer literal is too large")
        t = {"": self.scalar, "f": types.Float, "d": types.Double}[expr.suffix]
        if t == types.Float and expr.value >= _FLOAT_OVERFLOW:
            raise self._error(expr, f"floating literal is too large for '{t}'")
        return t

    def _expr_StringLiteral(self, expr: ast.StringLiteral) -> NumericType:
        raise self._error(expr, "strings are only allowed as the format of printf()")

    def _expr_Name(self, expr: ast.Name) -> types.ResolvedType:
        local = self._find_local(expr.name)
        if local is not None:
            expr.binding = local
            return local.type
        found = self.env.lookup(expr.name)
        if isinstance(found, EnvVariable):
            expr.binding = found
            self.referenced.add(expr.name)
            return found.type
        if isinstance(found, FunctionSpec) or expr.name in BUILTINS:
            raise self._error(expr, f"'{expr.name}' is a function; call it with "
                                    f"'{expr.name}(...)'")
        if isinstance(found, BlockSpec):
            raise self._error(expr, f"'{expr.name}' is a block construct: '{expr.name} {{ ... }}'")
        raise self._error(expr, f"unknown name '{expr.name}'"
                                + self._suggest(expr.name, False))

    def _lvalue(self, target: ast.Expr, op: str) -> NumericType:
        """Check an assignment target and record the write."""
        if isinstance(target, ast.Name):
            t = self.value(target)
            binding = target.binding
            if isinstance(binding, Local):
                if binding.const:
                    raise self._error(target, f"'{target.name}' is const and cannot be "
                                              "assigned")
                return t
            if binding.read_only:
                raise self._error(target, f"'{target.name}' is read-only")
            self.assigned.add(target.name)
            return t
        if isinstance(target, ast.Subscript):
            t = self.value(target)
            binding = target.array.binding
            if getattr(binding, "delay_printer", None) is not None:
                raise self._error(target, f"'{target.array.name}[...]' is a value from an earlier step and "
                                          "cannot be assigned")
            if binding.read_only:
                raise self._error(target, f"'{target.array.name}' is read-only")
            self.assigned.add(target.array.name)
            return t
        raise self._error(target, f"the left operand of '{op}' is not assignable")

    def _expr_Unary(self, expr: ast.Unary) -> NumericType:
        if expr.op in ("++", "--"):
            if self.condition:
                raise self._error(expr, f"a condition must not change anything ('{expr.op}'); it may be "
                                        "evaluated more than once")
            return self._lvalue(expr.operand, expr.op)
        if expr.op == "!":
            self.value(expr.operand)
            return types.Bool
        if expr.op == "~":
            return promote(self.integer(expr.operand, "~"))
        return promote(self.value(expr.operand))

    def _expr_Binary(self, expr: ast.Binary) -> NumericType:
        if expr.op in _INTEGER_OPS:
            left = self.integer(expr.left, expr.op)
            right = self.integer(expr.right, expr.op)
            result = promote(left) if expr.op in ("<<", ">>") else common_type(left, right)
        else:
            left = self.value(expr.left)
            right = self._maybe(self.value, expr.right) if expr.op in ("&&", "||") else self.value(expr.right)
            if expr.op in _COMPARISONS:
                return types.Bool
            result = common_type(left, right)
        if expr.op in ("/", "%") and result.is_integer:
            expr.checked_division = self._division(expr.right, result)
        return result

    def _division(self, divisor: ast.Expr, t: NumericType) -> Optional[NumericType]:
        """An integer division or remainder in ``t``: a constant zero divisor is an error; any
        divisor but a known non-zero constant (and, for signed types, -1, as INT_MIN / -1
        traps too) is checked at run time (returns ``t``, else None)."""
        value = self._constant_int(divisor)
        if value == 0:
            raise self._error(divisor, "integer division by zero")
        if value is None or (value == -1 and t.is_signed):
            return t
        return None

    def _constant_int(self, expr: ast.Expr) -> Optional[int]:
        """The value of an integer literal, possibly signed, cast or parenthesised; else None."""
        if isinstance(expr, ast.Literal) and expr.kind in ("int", "bool"):
            return int(expr.value)
        if isinstance(expr, ast.Unary) and not expr.postfix and expr.op in "+-":
            value = self._constant_int(expr.operand)
            return None if value is None else (-value if expr.op == "-" else value)
        if isinstance(expr, ast.Cast) and isinstance(expr.type, NumericType) and expr.type.is_integer:
            value = self._constant_int(expr.operand)
            if value is None:
                return None
            bits = 8 * expr.type.size
            value &= (1 << bits) - 1
            return value - (1 << bits) if expr.type.is_signed and value >= 1 << (bits - 1) else value
        return None

    def _expr_Assign(self, expr: ast.Assign) -> NumericType:
        if self.condition:
            hint = "; did you mean '=='?" if expr.op == "=" else ""
            raise self._error(expr, f"a condition must not assign ('{expr.op}'){hint}")
        if expr.op in ("%=", "&=", "|=", "^=", "<<=", ">>="):
            value = self.integer(expr.value, expr.op)
            self.integer(expr.target, expr.op)
        else:
            value = self.value(expr.value)
        target = self._lvalue(expr.target, expr.op)
        if expr.op in ("/=", "%=") and target.is_integer and value.is_integer:
            checked = self._division(expr.value, common_type(target, value))
            if checked is not None and not self._repeatable(expr.target):
                raise self._error(expr, f"write this '{expr.op}' as an assignment ('x[i] = x[i] {expr.op[0]} y'): "
                                        "its divisor is checked at run time, which repeats the target")
            expr.checked_division = checked
        return target

    @staticmethod
    def _repeatable(expr: ast.Expr) -> bool:
        """Whether evaluating ``expr`` twice gives the same place (no calls, assignments or
        increments in it)."""
        if isinstance(expr, (ast.Name, ast.Literal)):
            return True
        if isinstance(expr, ast.Subscript):
            return TypeChecker._repeatable(expr.array) and TypeChecker._repeatable(expr.index)
        if isinstance(expr, ast.Unary):
            return expr.op not in ("++", "--") and TypeChecker._repeatable(expr.operand)
        if isinstance(expr, ast.Binary):
            return TypeChecker._repeatable(expr.left) and TypeChecker._repeatable(expr.right)
        if isinstance(expr, ast.Cast):
            return TypeChecker._repeatable(expr.operand)
        if isinstance(expr, ast.Conditional):
            return all(map(TypeChecker._repeatable, (expr.cond, expr.then, expr.other)))
        return False

    def _expr_Conditional(self, expr: ast.Conditional) -> NumericType:
        self._condition(expr.cond)
        return common_type(self._maybe(self.value, expr.then), self._maybe(self.value, expr.other))

    def _expr_Cast(self, expr: ast.Cast) -> NumericType:
        self.value(expr.operand)
        return self._resolve_spec(expr.type_spec)

    def _expr_Subscript(self, expr: ast.Subscript) -> NumericType:
        array = expr.array
        t = self.expr(array) if isinstance(array, ast.Name) else None
        if isinstance(t, types.NumericType) and getattr(array.binding, "delay_printer", None) is not None:
            delay = self.value(expr.index)   # name[delay]: the value 'delay' steps earlier
            if not delay.is_integer:
                raise self._error(expr.index, f"the delay of '{array.name}[...]' must be an integer, got '{delay}'")
            return t
        if not isinstance(t, types.PointerType):
            what = f"'{array.name}'" if isinstance(array, ast.Name) else "expression"
            raise self._error(expr, f"{what} is not an array and cannot be subscripted")
        index = self.value(expr.index)
        if not index.is_integer:
            raise self._error(expr.index, f"array index must be an integer, got '{index}'")
        return t.value_type

    def _expr_Comma(self, expr: ast.Comma) -> Optional[types.ResolvedType]:
        t = None
        for item in expr.items:
            t = self.expr(item)
        return t

    # -------------------------------------------------------------- calls
    def _expr_Call(self, expr: ast.Call) -> Optional[types.ResolvedType]:
        if self._find_local(expr.name) is not None:
            raise self._error(expr, f"'{expr.name}' is a variable, not a function")
        found = self.env.lookup(expr.name)
        if isinstance(found, FunctionSpec):
            self.referenced.add(expr.name)
            if not self._conditional:
                self.always_called.add(expr.name)
            return self._env_call(expr, found)
        if isinstance(found, EnvVariable):
            raise self._error(expr, f"'{expr.name}' is a variable, not a function")
        if isinstance(found, BlockSpec):
            raise self._error(expr, f"'{expr.name}' is a block construct: '{expr.name} {{ ... }}'")
        if expr.name not in BUILTINS:
            raise self._error(expr, f"unknown function '{expr.name}'"
                                    + self._suggest(expr.name, True))
        return self._builtin_call(expr)

    def _arity(self, expr: ast.Call, n: int) -> None:
        if len(expr.args) != n:
            plural = "" if n == 1 else "s"
            raise self._error(expr, f"'{expr.name}' takes {n} argument{plural}, "
                                    f"got {len(expr.args)}")

    def _env_call(self, expr: ast.Call, spec: FunctionSpec) -> Optional[types.ResolvedType]:
        if spec.statement and expr is not self._statement_call:
            raise self._error(expr, f"'{expr.name}' must be called as a statement of its own here "
                                    f"('{expr.name}(...);'), not inside an expression")
        if spec.params is None:
            for arg in expr.args:
                self.value(arg)
            expr.resolved = ResolvedCall("env", [None] * len(expr.args), spec)
            return spec.returns
        self._arity(expr, len(spec.params))
        for arg, param in zip(expr.args, spec.params):
            if isinstance(param, types.PointerType):
                t = self.expr(arg)
                if t != param:
                    raise self._error(arg, f"argument of '{expr.name}' must be an "
                                           f"array of '{param.value_type}'")
            else:
                self.value(arg)
        expr.resolved = ResolvedCall("env", list(spec.params), spec)
        return spec.returns

    #: printf conversions: flags, width, precision, a length of none, h, hh or l, and a letter
    _PRINTF = re.compile(rb"%([-+ #0]*)([0-9]*)(\.[0-9]*)?(hh|h|l)?([a-zA-Z%])")

    def _printf_conversions(self, fmt: ast.StringLiteral) -> List[tuple]:
        """(text, integer type read, or None for floating) of each conversion of a printf format.

        Only numeric conversions are allowed: ``%s``, ``%p`` and ``%n`` would read or write
        memory at an address taken from a number, and ``*`` widths read extra arguments."""
        text: bytes = fmt.tok.value
        out = []
        pos = 0
        while True:
            start = text.find(b"%", pos)
            if start < 0:
                return out
            match = self._PRINTF.match(text, start)
            if match is None:
                raise self._error(fmt, f"printf() format has an unsupported conversion at "
                                       f"'{text[start:start + 4].decode('latin-1')}'")
            conversion = match.group(0).decode("latin-1")
            letter, length = match.group(5).decode(), (match.group(4) or b"").decode()
            pos = match.end()
            if letter == "%":
                if conversion != "%%":
                    raise self._error(fmt, f"printf() format has an unsupported conversion '{conversion}'")
                continue
            if letter in "diouxXc":
                signed = letter in "dic"
                wide = length == "l"
                out.append((conversion, {(True, False): types.Int32, (False, False): types.Uint32,
                                         (True, True): types.Int64, (False, True): types.Uint64}[(signed, wide)]))
            elif letter in "fFeEgGaA" and length in ("", "l"):
                out.append((conversion, None))
            else:
                raise self._error(fmt, f"printf() conversion '{conversion}' is not supported in GeNNCode "
                                       "(only numbers: d i o u x X c f F e E g G a A)")

    def _float_version(self, args: List[NumericType]) -> NumericType:
        floats = [t for t in args if t.is_float]
        if not floats:
            return self.scalar
        return max(floats, key=lambda t: t.rank)

    def _builtin_call(self, expr: ast.Call) -> NumericType:
        arity, kind = BUILTINS[expr.name]
        if kind == "printf":
            if not expr.args or not isinstance(expr.args[0], ast.StringLiteral):
                raise self._error(expr, "the first argument of printf() must be a "
                                        "format string")
            conversions = self._printf_conversions(expr.args[0])
            if len(conversions) != len(expr.args) - 1:
                raise self._error(expr, f"printf() format has {len(conversions)} conversion(s) but "
                                        f"{len(expr.args) - 1} value(s) follow it")
            params: List[Optional[types.ResolvedType]] = [None]
            for arg, (conversion, wanted) in zip(expr.args[1:], conversions):
                t = self.value(arg)
                if (wanted is None) != t.is_float:
                    need = "a floating" if wanted is None else "an integer"
                    raise self._error(arg, f"printf() conversion '{conversion}' needs {need} value, got '{t}'")
                params.append(wanted)  # integers are converted to what the conversion reads
            expr.resolved = ResolvedCall(kind, params)
            return types.Int32
        self._arity(expr, arity)
        arg_types = [self.value(arg) for arg in expr.args]
        if kind == "minmax" and all(t.is_integer for t in arg_types):
            version = promote(arg_types[0])
            for t in arg_types[1:]:
                version = common_type(version, t)
            expr.resolved = ResolvedCall(kind, [version] * arity, version=version)
            return version
        if kind == "ldexp":
            version = self._float_version(arg_types[:1])
            if not arg_types[1].is_integer:
                raise self._error(expr.args[1], f"the second argument of '{expr.name}' "
                                                f"must be an integer, got '{arg_types[1]}'")
            expr.resolved = ResolvedCall(kind, [version, types.Int32], version=version)
            return version
        version = self._float_version(arg_types)
        expr.resolved = ResolvedCall(kind, [version] * arity, version=version)
        return types.Int32 if kind == "ilogb" else version
