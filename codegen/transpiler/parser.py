"""Recursive-descent parser for GeNNCode statements and expressions."""
from __future__ import annotations

from typing import List, Optional

from . import ast
from .errors import SourceError
from .scanner import Token, scan

#: Words that may make up a type name.
TYPE_WORDS = frozenset([
    "const", "signed", "unsigned", "short", "long", "int", "char", "float",
    "double", "bool", "scalar", "size_t",
    "int8_t", "uint8_t", "int16_t", "uint16_t", "int32_t", "uint32_t",
    "int64_t", "uint64_t",
])

#: C keywords GeNNCode does not support (using them is an error).
UNSUPPORTED = frozenset([
    "return", "goto", "struct", "union", "enum", "typedef", "sizeof", "void",
    "static", "extern", "register", "auto", "volatile", "restrict", "inline",
])

KEYWORDS = TYPE_WORDS | UNSUPPORTED | frozenset([
    "if", "else", "while", "do", "for", "break", "continue", "switch", "case",
    "default", "true", "false",
])

#: Binary operators by precedence level (lowest first).
BINARY_LEVELS = [
    ("||",), ("&&",), ("|",), ("^",), ("&",), ("==", "!="),
    ("<", ">", "<=", ">="), ("<<", ">>"), ("+", "-"), ("*", "/", "%"),
]

#: The loop over a row's synapses (``for_each_synapse { ... }``) that custom connectivity
#: updates' row update code may use; a statement when a ``{`` follows it.

ASSIGN_OPS = frozenset(["=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>="])


class Parser:
    """Parses a token list; see :func:`parse_statements` and :func:`parse_expression`."""

    def __init__(self, tokens: List[Token]) -> None:
        self.toks = tokens
        self.i = 0

    # ------------------------------------------------------------ helpers
    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def _next(self) -> Token:
        tok = self.toks[self.i]
        if tok.kind != "eof":
            self.i += 1
        return tok

    def _is(self, text: str) -> bool:
        return self.tok.kind in ("op", "ident") and self.tok.text == text

    def _accept(self, text: str) -> bool:
        if self._is(text):
            self._next()
            return True
        return False

    def _error(self, message: str, tok: Optional[Token] = None) -> SourceError:
        tok = tok or self.tok
        return SourceError(tok.line, tok.column, message)

    def _expect(self, text: str, what: str) -> Token:
        """Consume ``text`` or fail with "expected 'text' <what>"."""
        if self._is(text):
            return self._next()
        prev = self.toks[self.i - 1] if self.i > 0 else None
        if prev is not None and prev.end_line and (self.tok.kind == "eof"
                                                   or self.tok.line != prev.end_line):
            raise SourceError(prev.end_line, prev.end_column, f"expected '{text}' {what}")
        raise self._error(f"expected '{text}' {what}, got {self._describe(self.tok)}")

    @staticmethod
    def _describe(tok: Token) -> str:
        return "end of code" if tok.kind == "eof" else f"'{tok.text}'"

    def _unexpected(self) -> SourceError:
        if self.tok.kind == "eof":
            return self._error("unexpected end of code")
        return self._error(f"unexpected token '{self.tok.text}'")

    def _at_type(self) -> bool:
        return self.tok.kind == "ident" and self.tok.text in TYPE_WORDS

    # --------------------------------------------------------- statements
    def statements(self) -> List[ast.Stmt]:
        """Parse statements up to the end of the code."""
        out = []
        while self.tok.kind != "eof":
            out.append(self.statement())
        return out

    def statement(self) -> ast.Stmt:
        tok = self.tok
        if tok.kind == "op":
            if tok.text == "{":
                return self._compound()
            if tok.text == ";":
                self._next()
                return ast.Empty(tok)
        if tok.kind == "ident":
            word = tok.text
            if word in TYPE_WORDS:
                decl = self._declaration()
                self._expect(";", "after declaration")
                return decl
            method = getattr(self, "_stmt_" + word, None)
            if method is not None and word in KEYWORDS:
                self._next()
                return method(tok)
            if word in UNSUPPORTED:
                raise self._error(f"'{word}' is not supported in GeNNCode")
            nxt = self.toks[self.i + 1]
            if word not in KEYWORDS and nxt.kind == "op" and nxt.text == "{":
                # ``for_each_synapse { ... }``: a block construct (C has no ``name {``, so
                # this reads nothing C code could mean); the type checker looks the name up
                self._next()
                return ast.Block(tok, word, self._compound())
        expr = self.expression()
        self._expect(";", "after expression")
        return ast.ExprStmt(tok, expr)

    def _compound(self) -> ast.Compound:
        tok = self._next()
        body = []
        while not self._is("}"):
            if self.tok.kind == "eof":
                raise self._error(f"missing '}}' to close '{{' at line {tok.line}, column {tok.column}")
            body.append(self.statement())
        self._next()
        return ast.Compound(tok, body)

    def type_spec(self) -> ast.TypeSpec:
        tok = self.tok
        words, const = [], False
        while self._at_type():
            word = self._next().text
            if word == "const":
                const = True
            else:
                words.append(word)
        if not words:
            raise self._error("expected a type name", tok)
        return ast.TypeSpec(tok, words, const)

    def _declaration(self) -> ast.VarDecl:
        tok = self.tok
        spec = self.type_spec()
        decls = []
        while True:
            if self._is("*"):
                raise self._error("pointers cannot be declared in GeNNCode")
            name = self.tok
            if name.kind != "ident" or name.text in KEYWORDS:
                raise self._error(f"expected a variable name, got {self._describe(name)}")
            self._next()
            if self._is("["):
                raise self._error("arrays cannot be declared in GeNNCode")
            init = self.expression() if self._accept("=") else None
            decls.append(ast.Declarator(name, name.text, init))
            if not self._accept(","):
                return ast.VarDecl(tok, spec, decls)

    def _paren_expr(self, what: str) -> ast.Expr:
        self._expect("(", f"after '{what}'")
        expr = self.expression()
        self._expect(")", f"after {what} condition")
        return expr

    def _stmt_if(self, tok: Token) -> ast.Stmt:
        cond = self._paren_expr("if")
        then = self.statement()
        other = self.statement() if self._accept("else") else None
        return ast.If(tok, cond, then, other)

    def _stmt_else(self, tok: Token) -> ast.Stmt:
        raise self._error("'else' without a matching 'if'", tok)

    def _stmt_while(self, tok: Token) -> ast.Stmt:
        cond = self._paren_expr("while")
        return ast.While(tok, cond, self.statement())

    def _stmt_do(self, tok: Token) -> ast.Stmt:
        body = self.statement()
        self._expect("while", "after body of 'do'")
        cond = self._paren_expr("while")
        self._expect(";", "after 'do ... while (...)'")
        return ast.DoWhile(tok, body, cond)

    def _stmt_for(self, tok: Token) -> ast.Stmt:
        self._expect("(", "after 'for'")
        init: Optional[ast.Stmt] = None
        if self._at_type():
            init = self._declaration()
        elif not self._is(";"):
            init = ast.ExprStmt(self.tok, self.comma_expression())
        self._expect(";", "after 'for' initialisation")
        cond = None if self._is(";") else self.expression()
        self._expect(";", "after 'for' condition")
        step = None if self._is(")") else self.comma_expression()
        self._expect(")", "after 'for' step")
        return ast.For(tok, init, cond, step, self.statement())

    def _stmt_break(self, tok: Token) -> ast.Stmt:
        self._expect(";", "after 'break'")
        return ast.Break(tok)

    def _stmt_continue(self, tok: Token) -> ast.Stmt:
        self._expect(";", "after 'continue'")
        return ast.Continue(tok)

    def _stmt_switch(self, tok: Token) -> ast.Stmt:
        value = self._paren_expr("switch")
        return ast.Switch(tok, value, self.statement())

    def _stmt_case(self, tok: Token) -> ast.Stmt:
        value = self.conditional()
        self._expect(":", "after 'case' value")
        return ast.Case(tok, value)

    def _stmt_default(self, tok: Token) -> ast.Stmt:
        self._expect(":", "after 'default'")
        return ast.Case(tok, None)

    # -------------------------------------------------------- expressions
    def comma_expression(self) -> ast.Expr:
        tok = self.tok
        items = [self.expression()]
        while self._accept(","):
            items.append(self.expression())
        return items[0] if len(items) == 1 else ast.Comma(tok, items)

    def expression(self) -> ast.Expr:
        """Assignment expression (right associative)."""
        left = self.conditional()
        tok = self.tok
        if tok.kind == "op" and tok.text in ASSIGN_OPS:
            self._next()
            return ast.Assign(tok, tok.text, left, self.expression())
        return left

    def conditional(self) -> ast.Expr:
        cond = self._binary(0)
        tok = self.tok
        if self._accept("?"):
            then = self.expression()
            self._expect(":", "in conditional expression")
            other = self.conditional()
            return ast.Conditional(tok, cond, then, other)
        return cond

    def _binary(self, level: int) -> ast.Expr:
        if level == len(BINARY_LEVELS):
            return self.unary()
        left = self._binary(level + 1)
        while self.tok.kind == "op" and self.tok.text in BINARY_LEVELS[level]:
            tok = self._next()
            left = ast.Binary(tok, tok.text, left, self._binary(level + 1))
        return left

    def unary(self) -> ast.Expr:
        tok = self.tok
        if tok.kind == "op" and tok.text in ("+", "-", "!", "~", "++", "--"):
            self._next()
            return ast.Unary(tok, tok.text, self.unary())
        if tok.kind == "op" and tok.text in ("&", "*"):
            raise self._error(f"unary '{tok.text}' (pointers) is not supported in GeNNCode")
        if tok.kind == "op" and tok.text == "(" and self.toks[self.i + 1].kind == "ident" \
                and self.toks[self.i + 1].text in TYPE_WORDS:
            self._next()
            spec = self.type_spec()
            if self._is("*"):
                raise self._error("pointer casts are not supported in GeNNCode")
            self._expect(")", "after type in cast")
            return ast.Cast(tok, spec, self.unary())
        return self.postfix()

    def postfix(self) -> ast.Expr:
        expr = self.primary()
        while True:
            tok = self.tok
            if self._accept("["):
                index = self.expression()
                self._expect("]", "after subscript")
                expr = ast.Subscript(tok, expr, index)
            elif self._is("("):
                if not isinstance(expr, ast.Name):
                    raise self._error("only named functions can be called")
                self._next()
                args = []
                if not self._is(")"):
                    args.append(self.expression())
                    while self._accept(","):
                        args.append(self.expression())
                self._expect(")", "after function arguments")
                expr = ast.Call(expr.tok, expr.name, args)
            elif tok.kind == "op" and tok.text in ("++", "--"):
                self._next()
                expr = ast.Unary(tok, tok.text, expr, postfix=True)
            else:
                return expr

    def primary(self) -> ast.Expr:
        tok = self.tok
        if tok.kind == "int":
            self._next()
            return ast.Literal(tok, "int", tok.value, tok.suffix)
        if tok.kind == "float":
            self._next()
            return ast.Literal(tok, "float", tok.value, tok.suffix)
        if tok.kind == "string":
            self._next()
            return ast.StringLiteral(tok, tok.text)
        if tok.kind == "ident":
            if tok.text in ("true", "false"):
                self._next()
                return ast.Literal(tok, "bool", tok.text == "true")
            if tok.text in KEYWORDS:
                if tok.text in UNSUPPORTED:
                    raise self._error(f"'{tok.text}' is not supported in GeNNCode")
                raise self._error(f"unexpected keyword '{tok.text}' in expression")
            self._next()
            return ast.Name(tok, tok.text)
        if self._accept("("):
            expr = self.expression()
            self._expect(")", "to close '('")
            return expr
        raise self._unexpected()


def parse_statements(source: str) -> List[ast.Stmt]:
    """Parse a block of statements; raises :class:`SourceError`."""
    return Parser(scan(source)).statements()


def parse_expression(source: str) -> ast.Expr:
    """Parse one expression (a trailing ``;`` is tolerated)."""
    parser = Parser(scan(source))
    if parser.tok.kind == "eof":
        raise parser._error("expected an expression")
    expr = parser.expression()
    parser._accept(";")
    if parser.tok.kind != "eof":
        raise parser._unexpected()
    return expr
