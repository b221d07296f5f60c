"""Error reporting for GeNNCode translation."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ErrorContext:
    """Where a code string comes from, used to prefix error messages.

    Parameters
    ----------
    description : str
        E.g. ``"neuron model 'LIF' of population 'Exc'"``.
    section : str
        The code string's role, e.g. ``"sim_code"``.
    """

    description: str
    section: str


class CodeError(Exception):
    """An error in user-written GeNNCode.

    ``str(error)`` is a complete message: context, position, explanation and
    the offending source line with a caret under the column.

    Attributes
    ----------
    context : ErrorContext
    line, column : int
        1-based position of the error.
    message : str
        The bare explanation (no context or position).
    """

    def __init__(self, context: ErrorContext, line: int, column: int,
                 message: str, source: str = "") -> None:
        self.context = context
        self.line = line
        self.column = column
        self.message = message
        self.source = source
        super().__init__(self._format())

    def _format(self) -> str:
        head = (f"{self.context.description}, {self.context.section}, "
                f"line {self.line}, column {self.column}: {self.message}")
        lines = self.source.splitlines()
        if not 1 <= self.line <= len(lines):
            return head
        raw = lines[self.line - 1].rstrip()
        text = raw.lstrip()
        lead = len(raw) - len(text)
        prefix = raw[lead:max(lead, self.column - 1)]
        caret = "".join("\t" if c == "\t" else " " for c in prefix)
        caret += " " * max(0, self.column - 1 - lead - len(prefix))
        return f"{head}\n    {text}\n    {caret}^"


class SourceError(Exception):
    """Internal: an error at a position, turned into :class:`CodeError` by the API."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message
