"""Pretty-printer: checked AST -> target code for a :class:`Dialect`."""
from __future__ import annotations

import re
from typing import Callable, List, Optional, Tuple

from .. import types

from . import ast
from .dialects import C_DIALECT, CUDA_DIALECT, OPENCL_DIALECT, Dialect
from .typechecker import Local

__all__ = ["Printer", "LoopHint", "is_primary", "Dialect", "C_DIALECT", "OPENCL_DIALECT", "CUDA_DIALECT"]

PRIMARY, UNARY, TERNARY, ASSIGN, COMMA = 16, 15, 3, 2, 1
BINARY_PREC = {"*": 13, "/": 13, "%": 13, "+": 12, "-": 12, "<<": 11, ">>": 11,
               "<": 10, ">": 10, "<=": 10, ">=": 10, "==": 9, "!=": 9, "&": 8,
               "^": 7, "|": 6, "&&": 5, "||": 4}
_COMPARISON_OPS = frozenset(["<", ">", "<=", ">=", "==", "!="])
LOCAL_PREFIX = "u_"
INDENT = "    "

_POSTFIX_RE = re.compile(r"[A-Za-z_]\w*(\s*(\.|->)\s*[A-Za-z_]\w*)*")


def c_string(value: bytes) -> str:
    """A C string literal of the bytes ``value`` that cannot end early or change what follows
    it: only printable ASCII other than quote, backslash and ``?`` (trigraphs) is written as it
    is; those three, tab and line breaks as their simple escapes, every other byte as a
    three-digit octal escape."""
    simple = {'"': '\\"', "\\": "\\\\", "?": "\\?", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
    out = []
    for byte in value:
        char = chr(byte)
        if char in simple:
            out.append(simple[char])
        elif 32 <= byte < 127:
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


def _balanced_group_end(text: str, start: int) -> int:
    """Index just after the bracket group opening at ``start`` (-1 if unbalanced)."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] in "([":
            depth += 1
        elif text[i] in ")]":
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


def is_primary(text: str) -> bool:
    """True if ``text`` needs no parentheses as an operand (name, call, subscript...)."""
    text = text.strip()
    match = _POSTFIX_RE.match(text)
    pos = match.end() if match else 0
    if pos == 0:
        if not text.startswith("("):
            return False
    while pos < len(text):
        if text[pos] not in "([":
            return False
        end = _balanced_group_end(text, pos)
        if end < 0:
            return False
        pos = end
    return True


#: ``hint(lower, upper)``: text printed before ``for (i = lower; i < upper; ...)``.
LoopHint = Callable[[str, str], str]
#: ``division(op, left, right, type)``: an integer ``/`` or ``%`` whose divisor is checked at run
#: time (the type checker marks them: ``checked_division``).
DivisionHook = Callable[[str, str, str, types.NumericType], str]

_LOOP_COMPARISONS = frozenset(["<", "<=", ">", ">=", "!="])


class Printer:
    """Prints checked statements or expressions in a dialect."""

    def __init__(self, dialect: Dialect, loop_hint: Optional[LoopHint] = None,
                 division: Optional[DivisionHook] = None) -> None:
        self.d = dialect
        self.loop_hint = loop_hint
        self.division = division

    # -------------------------------------------------------- expressions
    def expression(self, expr: ast.Expr) -> str:
        return self._expr(expr)[0]

    def _wrap(self, expr: ast.Expr, wrap_if_below: int) -> str:
        text, prec = self._expr(expr)
        return f"({text})" if prec < wrap_if_below else text

    def _expr(self, expr: ast.Expr) -> Tuple[str, int]:
        return getattr(self, "_expr_" + type(expr).__name__)(expr)

    def _expr_Literal(self, expr: ast.Literal) -> Tuple[str, int]:
        if expr.kind == "bool":
            return self.d.bool_literal(expr.value), PRIMARY
        if expr.kind == "int":
            return self.d.int_literal(expr.value, expr.type), PRIMARY
        return self.d.float_literal(expr.value, expr.type), PRIMARY

    def _expr_StringLiteral(self, expr: ast.StringLiteral) -> Tuple[str, int]:
        return c_string(expr.tok.value), PRIMARY

    def _expr_Name(self, expr: ast.Name) -> Tuple[str, int]:
        if isinstance(expr.binding, Local):
            return LOCAL_PREFIX + expr.name, PRIMARY
        printed = expr.binding.printed
        return (printed, PRIMARY) if is_primary(printed) else (f"({printed})", PRIMARY)

    def _expr_Unary(self, expr: ast.Unary) -> Tuple[str, int]:
        operand = self._wrap(expr.operand, PRIMARY)
        if expr.postfix:
            return operand + expr.op, PRIMARY
        return expr.op + operand, UNARY

    def _expr_Binary(self, expr: ast.Binary) -> Tuple[str, int]:
        checked = getattr(expr, "checked_division", None)
        if checked is not None and self.division is not None:
            return self.division(expr.op, self._wrap(expr.left, ASSIGN), self._wrap(expr.right, ASSIGN),
                                 checked), PRIMARY
        left = self._operand(expr.left, expr.op, True)
        right = self._operand(expr.right, expr.op, False)
        return f"{left} {expr.op} {right}", BINARY_PREC[expr.op]

    def _operand(self, child: ast.Expr, op: str, is_left: bool) -> str:
        """Operand of a binary operator, parenthesised generously.

        Only a left operand using the same (non-comparison) operator is left
        bare, so the output never relies on subtle precedence and never
        triggers ``-Wparentheses`` style warnings.
        """
        text, prec = self._expr(child)
        same_chain = (is_left and isinstance(child, ast.Binary) and child.op == op
                      and op not in _COMPARISON_OPS)
        logical_not = (isinstance(child, ast.Unary) and child.op == "!"
                       and op not in ("&&", "||"))
        if (prec < UNARY and not same_chain) or logical_not:
            return f"({text})"
        return text

    def _expr_Assign(self, expr: ast.Assign) -> Tuple[str, int]:
        checked = getattr(expr, "checked_division", None)
        if checked is not None and self.division is not None:
            target = self._wrap(expr.target, PRIMARY)  # (the type checker made sure it can repeat)
            value = self.division(expr.op[0], target, self._wrap(expr.value, ASSIGN), checked)
            return f"{target} = ({self.d.type_name(expr.type)}){value}", ASSIGN
        return (f"{self._wrap(expr.target, PRIMARY)} {expr.op} "
                f"{self._wrap(expr.value, ASSIGN)}"), ASSIGN

    def _expr_Conditional(self, expr: ast.Conditional) -> Tuple[str, int]:
        parts = [self._wrap(e, TERNARY + 1) for e in (expr.cond, expr.then, expr.other)]
        return f"{parts[0]} ? {parts[1]} : {parts[2]}", TERNARY

    def _expr_Cast(self, expr: ast.Cast) -> Tuple[str, int]:
        return f"({self.d.type_name(expr.type)}){self._wrap(expr.operand, PRIMARY)}", UNARY

    def _expr_Subscript(self, expr: ast.Subscript) -> Tuple[str, int]:
        index = self.expression(expr.index)
        delayed = getattr(getattr(expr.array, "binding", None), "delay_printer", None)
        if delayed is not None:
            text = delayed(index)
            return (text, PRIMARY) if is_primary(text) else (f"({text})", PRIMARY)
        check = getattr(getattr(expr.array, "binding", None), "index_printer", None)
        if check is not None:
            index = check(index)
        return f"{self._wrap(expr.array, PRIMARY)}[{index}]", PRIMARY

    def _expr_Comma(self, expr: ast.Comma) -> Tuple[str, int]:
        return ", ".join(self._wrap(e, ASSIGN) for e in expr.items), COMMA

    def _convert(self, arg: ast.Expr, target) -> str:
        """Print ``arg`` with an explicit cast to ``target`` where its type differs."""
        if target is None or arg.type == target or isinstance(target, types.PointerType):
            return self._wrap(arg, ASSIGN)
        return f"({self.d.type_name(target)})({self.expression(arg)})"

    def _call_text(self, expr: ast.Call) -> str:
        """An environment function's text for a call."""
        resolved = expr.resolved
        args = [self._convert(a, p) for a, p in zip(expr.args, resolved.params)]
        types_ = [p if p is not None else a.type for a, p in zip(expr.args, resolved.params)]
        return resolved.spec.printer(list(zip(args, types_)))

    def _expr_Call(self, expr: ast.Call) -> Tuple[str, int]:
        resolved = expr.resolved
        args = [self._convert(a, p) for a, p in zip(expr.args, resolved.params)]
        if resolved.kind == "env":
            text = self._call_text(expr)
            return (text, PRIMARY) if is_primary(text) else (f"({text})", PRIMARY)
        if resolved.kind == "printf":
            name = "printf"
        else:
            name = self.d.maths_function(expr.name, resolved.version)
        return f"{name}({', '.join(args)})", PRIMARY

    # --------------------------------------------------------- statements
    def statements(self, stmts: List[ast.Stmt], level: int = 0) -> List[str]:
        out: List[str] = []
        for stmt in stmts:
            out.extend(self.statement(stmt, level))
        return out

    def statement(self, stmt: ast.Stmt, level: int) -> List[str]:
        return getattr(self, "_stmt_" + type(stmt).__name__)(stmt, level)

    def _block(self, stmt: ast.Stmt, level: int) -> List[str]:
        """Body lines (without braces) of a braced sub-statement."""
        if isinstance(stmt, ast.Compound):
            return self.statements(stmt.body, level + 1)
        return self.statement(stmt, level + 1)

    def _condition(self, expr: ast.Expr) -> str:
        text = self.expression(expr)
        return f"({text})" if isinstance(expr, ast.Assign) else text

    def _decl(self, stmt: ast.VarDecl) -> str:
        const = "const " if stmt.type_spec.const else ""
        parts = []
        for decl in stmt.declarators:
            text = LOCAL_PREFIX + decl.name
            if decl.init is not None:
                text += " = " + self._wrap(decl.init, ASSIGN)
            parts.append(text)
        return f"{const}{self.d.type_name(stmt.type_spec.resolved)} {', '.join(parts)}"

    def _stmt_VarDecl(self, stmt: ast.VarDecl, level: int) -> List[str]:
        return [INDENT * level + self._decl(stmt) + ";"]

    def _stmt_Compound(self, stmt: ast.Compound, level: int) -> List[str]:
        pad = INDENT * level
        return [pad + "{", *self.statements(stmt.body, level + 1), pad + "}"]

    def _stmt_ExprStmt(self, stmt: ast.ExprStmt, level: int) -> List[str]:
        expr = stmt.expr
        resolved = getattr(expr, "resolved", None)
        if isinstance(expr, ast.Call) and resolved is not None and resolved.kind == "env" \
                and resolved.spec.statement:
            # a statement function (addSynapse running a synapse's code): its own statement text
            return [INDENT * level + line for line in self._call_text(expr).splitlines()]
        return [INDENT * level + self.expression(stmt.expr) + ";"]

    def _stmt_Block(self, stmt: ast.Block, level: int) -> List[str]:
        pad = INDENT * level
        return [pad + stmt.spec.open, *self.statements(stmt.body.body, level + 1), pad + stmt.spec.close]

    def _stmt_Empty(self, stmt: ast.Empty, level: int) -> List[str]:
        return [INDENT * level + ";"]

    def _stmt_If(self, stmt: ast.If, level: int) -> List[str]:
        pad = INDENT * level
        out = [f"{pad}if ({self._condition(stmt.cond)}) {{", *self._block(stmt.then, level)]
        other = stmt.other
        while isinstance(other, ast.If):
            out += [f"{pad}}}", f"{pad}else if ({self._condition(other.cond)}) {{",
                    *self._block(other.then, level)]
            other = other.other
        if other is not None:
            out += [f"{pad}}}", f"{pad}else {{", *self._block(other, level)]
        return out + [pad + "}"]

    def _stmt_While(self, stmt: ast.While, level: int) -> List[str]:
        pad = INDENT * level
        return [f"{pad}while ({self._condition(stmt.cond)}) {{",
                *self._block(stmt.body, level), pad + "}"]

    def _stmt_DoWhile(self, stmt: ast.DoWhile, level: int) -> List[str]:
        pad = INDENT * level
        return [f"{pad}do {{", *self._block(stmt.body, level),
                f"{pad}}} while ({self._condition(stmt.cond)});"]

    def _stmt_For(self, stmt: ast.For, level: int) -> List[str]:
        pad = INDENT * level
        if isinstance(stmt.init, ast.VarDecl):
            init = self._decl(stmt.init)
        elif isinstance(stmt.init, ast.ExprStmt):
            init = self.expression(stmt.init.expr)
        else:
            init = ""
        cond = "" if stmt.cond is None else " " + self._condition(stmt.cond)
        step = "" if stmt.step is None else " " + self.expression(stmt.step)
        return [f"{pad}{self._loop_hint(stmt)}for ({init};{cond};{step}) {{", *self._block(stmt.body, level),
                pad + "}"]

    def _loop_hint(self, stmt: ast.For) -> str:
        """The hook's text for ``for (i = lower; i <op> upper; ...)`` loops, else nothing."""
        if self.loop_hint is None:
            return ""
        lower = None
        if isinstance(stmt.init, ast.VarDecl) and len(stmt.init.declarators) == 1:
            lower = stmt.init.declarators[0].init
        elif isinstance(stmt.init, ast.ExprStmt) and isinstance(stmt.init.expr, ast.Assign) \
                and stmt.init.expr.op == "=":
            lower = stmt.init.expr.value
        cond = stmt.cond
        if lower is None or not (isinstance(cond, ast.Binary) and cond.op in _LOOP_COMPARISONS
                                 and isinstance(cond.left, ast.Name)):
            return ""
        return self.loop_hint(self._wrap(lower, ASSIGN), self._wrap(cond.right, ASSIGN))

    def _stmt_Break(self, stmt: ast.Break, level: int) -> List[str]:
        return [INDENT * level + "break;"]

    def _stmt_Continue(self, stmt: ast.Continue, level: int) -> List[str]:
        return [INDENT * level + "continue;"]

    def _stmt_Switch(self, stmt: ast.Switch, level: int) -> List[str]:
        pad = INDENT * level
        return [f"{pad}switch ({self.expression(stmt.value)}) {{",
                *self._block(stmt.body, level), pad + "}"]

    def _stmt_Case(self, stmt: ast.Case, level: int) -> List[str]:
        pad = INDENT * max(0, level - 1)
        if stmt.value is None:
            return [pad + "default:"]
        return [f"{pad}case {self.expression(stmt.value)}:"]
