"""Tokeniser for GeNNCode."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

from .errors import SourceError

#: Operators and punctuation, longest first so that matching is greedy.
OPERATORS = sorted([
    "<<=", ">>=",
    "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
    "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
    "+", "-", "*", "/", "%", "<", ">", "=", "!", "~", "&", "|", "^",
    "?", ":", ";", ",", "(", ")", "{", "}", "[", "]",
], key=len, reverse=True)

_HEX = "0123456789abcdefABCDEF"


def _isdigit(c: str) -> bool:
    return c != "" and c in "0123456789"


@dataclass
class Token:
    """A token.

    Attributes
    ----------
    kind : str
        ``"ident"``, ``"int"``, ``"float"``, ``"string"``, ``"op"`` or ``"eof"``.
    text : str
        Source text (for ``int``/``float`` the digits without the suffix).
    line, column : int
        1-based start position.
    suffix : str
        Lower-case literal suffix (``"u"``, ``"ul"``, ``"f"`` ...).
    value : int, float or bytes, optional
        Literal value (the decoded bytes for ``string``).
    end_line, end_column : int
        Position just after the token.
    """

    kind: str
    text: str
    line: int
    column: int
    suffix: str = ""
    value: object = None
    end_line: int = 0
    end_column: int = 0

    def __repr__(self) -> str:
        return f"Token({self.kind}, {self.text!r}, {self.line}:{self.column})"


class Scanner:
    """Turns source text into a list of :class:`Token`."""

    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.line = 1
        self.col = 1

    def _error(self, message: str, line: Optional[int] = None,
               column: Optional[int] = None) -> SourceError:
        return SourceError(line or self.line, column or self.col, message)

    def _advance(self, n: int = 1) -> None:
        for _ in range(n):
            if self.src[self.pos] == "\n":
                self.line += 1
                self.col = 1
            else:
                self.col += 1
            self.pos += 1

    def _peek(self, offset: int = 0) -> str:
        i = self.pos + offset
        return self.src[i] if i < len(self.src) else ""

    def tokens(self) -> List[Token]:
        """Scan the whole source."""
        out = []
        while True:
            self._skip_space_and_comments()
            if self.pos >= len(self.src):
                out.append(Token("eof", "", self.line, self.col,
                                 end_line=self.line, end_column=self.col))
                return out
            line, col = self.line, self.col
            tok = self._token()
            tok.line, tok.column = line, col
            tok.end_line, tok.end_column = self.line, self.col
            out.append(tok)

    def _skip_space_and_comments(self) -> None:
        while self.pos < len(self.src):
            c = self._peek()
            if c in " \t\r\n\f\v":
                self._advance()
            elif c == "/" and self._peek(1) == "/":
                while self.pos < len(self.src) and self._peek() != "\n":
                    self._advance()
            elif c == "/" and self._peek(1) == "*":
                line, col = self.line, self.col
                self._advance(2)
                while not (self._peek() == "*" and self._peek(1) == "/"):
                    if self.pos >= len(self.src):
                        raise self._error("unterminated comment", line, col)
                    self._advance()
                self._advance(2)
            else:
                return

    def _token(self) -> Token:
        c = self._peek()
        if c.isascii() and (c.isalpha() or c == "_"):
            start = self.pos
            while self._peek().isascii() and (self._peek().isalnum() or self._peek() == "_"):
                self._advance()
            return Token("ident", self.src[start:self.pos], 0, 0)
        if _isdigit(c) or (c == "." and _isdigit(self._peek(1))):
            return self._number()
        if c == '"':
            return self._string()
        if c == "'":
            raise self._error("character literals are not supported in GeNNCode")
        for op in OPERATORS:
            if self.src.startswith(op, self.pos):
                self._advance(len(op))
                return Token("op", op, 0, 0)
        raise self._error(f"unexpected character {c!r}")

    def _digits(self, allowed: str) -> str:
        start = self.pos
        while self._peek() and self._peek() in allowed:
            self._advance()
        return self.src[start:self.pos]

    def _suffix(self) -> str:
        start = self.pos
        while self._peek().isascii() and (self._peek().isalnum() or self._peek() == "_"):
            self._advance()
        return self.src[start:self.pos]

    def _number(self) -> Token:
        line, col = self.line, self.col
        dec = "0123456789"
        if self._peek() == "0" and self._peek(1) in ("x", "X"):
            self._advance(2)
            digits = self._digits(_HEX)
            if not digits:
                raise self._error("hexadecimal literal needs digits", line, col)
            suffix = self._suffix()
            return self._int_token("0x" + digits, int(digits, 16), suffix, line, col)
        text = self._digits(dec)
        is_float = False
        if self._peek() == ".":
            self._advance()
            text += "." + self._digits(dec)
            is_float = True
        if self._peek() in ("e", "E") and (_isdigit(self._peek(1)) or (
                self._peek(1) in ("+", "-") and _isdigit(self._peek(2)))):
            self._advance()
            exp = "e"
            if self._peek() in "+-":
                exp += self._peek()
                self._advance()
            text += exp + self._digits(dec)
            is_float = True
        suffix = self._suffix()
        if is_float or suffix.lower() in ("f", "d"):
            if suffix.lower() not in ("", "f", "d"):
                raise self._error(f"invalid suffix '{suffix}' on floating literal", line, col)
            value = float(text)
            if value == float("inf"):
                raise self._error("floating literal is too large", line, col)
            return Token("float", text, 0, 0, suffix.lower(), value)
        if len(text) > 1 and text.startswith("0"):
            if any(d in "89" for d in text):
                raise self._error(f"invalid digit in octal literal '{text}'", line, col)
            return self._int_token(text, int(text, 8), suffix, line, col)
        return self._int_token(text, int(text), suffix, line, col)

    def _int_token(self, text: str, value: int, suffix: str, line: int, col: int) -> Token:
        norm = suffix.lower()
        if norm in ("lu", "llu"):
            norm = "u" + norm[:-1]
        if norm not in ("", "u", "l", "ll", "ul", "ull"):
            raise self._error(f"invalid suffix '{suffix}' on integer literal", line, col)
        return Token("int", text, 0, 0, norm, value)

    def _string(self) -> Token:
        """A string literal; its value is the decoded bytes (escapes resolved), which the printer
        writes out again with escapes of its own, so no source text reaches generated code."""
        line, col = self.line, self.col
        start = self.pos
        self._advance()
        chars = []
        while self._peek() != '"':
            if self.pos >= len(self.src) or self._peek() == "\n":
                raise self._error("unterminated string literal", line, col)
            if self._peek() == "\\":
                chars.append(self._escape())
                continue
            chars.append(self._peek().encode("utf-8", "surrogatepass"))
            self._advance()
        self._advance()
        return Token("string", self.src[start:self.pos], 0, 0, value=b"".join(chars))

    def _escape(self) -> bytes:
        """The byte of the escape sequence at the current backslash."""
        line, col = self.line, self.col
        self._advance()
        c = self._peek()
        simple = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
                  "\\": "\\", '"': '"', "'": "'", "?": "?"}
        if not c:
            raise self._error("unterminated string literal", line, col)
        if c in simple:
            self._advance()
            return simple[c].encode()
        if c and c in "01234567":
            digits = ""
            while len(digits) < 3 and self._peek() and self._peek() in "01234567":
                digits += self._peek()
                self._advance()
            return bytes([int(digits, 8) & 0xFF])
        if c == "x":
            self._advance()
            digits = self._digits(_HEX)
            if not digits:
                raise self._error("\\x escape needs hexadecimal digits", line, col)
            return bytes([int(digits, 16) & 0xFF])
        raise self._error(f"unknown escape sequence '\\{c}' in string", line, col)


def scan(source: str) -> List[Token]:
    """Tokenise ``source``; raises :class:`SourceError` on bad characters."""
    return Scanner(source).tokens()
