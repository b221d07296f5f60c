"""Explaining a compiler's failure on generated code: the first error, the generated line, and
the user code it came from.

Every section of user code in generated source starts with ``#line 1 "genn_user_<k>_<mg>"``
and is followed by ``#line 1 "genn_after_<k>_<mg>"`` (:func:`codegen.ir.user_code_file`;
``<mg>`` names the merged group, so each name occurs once), so gcc, clang (PoCL), NVIDIA's
OpenCL compiler and nvcc report positions in and after user code against those names;
``ModelIR.user_code[k]`` names the model and section.  No user text is ever part of generated code, and nothing here depends on
how the generated code is laid out.
"""
from __future__ import annotations

import re
from typing import List, Optional, Tuple

from pygenn_cl.codegen.ir import UserCode

# file:line:col: error: message (gcc, clang) or file(line): error: message (nvcc)
_ERROR = re.compile(r"^(?P<file>\S+?)(?::(?P<line>\d+):(?P<col>\d+):|\((?P<nv_line>\d+)\):)\s*"
                    r"(?:fatal |catastrophic )?error(?: #\S+)?:\s*(?P<message>.*)$", re.MULTILINE)
# codegen.ir.user_code_file and after_user_code_file
_USER_FILE = re.compile(r"genn_(user|after)_(\d+)_(\w+)")


def first_error(log: str) -> Optional[Tuple[str, int, int, str]]:
    """(file, line, column, message) of the first error in a compiler log (column 0 if none)."""
    match = _ERROR.search(log)
    if not match:
        return None
    line = int(match.group("line") or match.group("nv_line"))
    return match.group("file"), line, int(match.group("col") or 0), match.group("message").strip()


def locate(source: str, user_code: List[UserCode], file: str, line: int) -> Tuple[int, str]:
    """The line of ``source`` (1-based) a compiler position refers to, and where it came from
    ("" for generated code before any user code)."""
    name = file.rsplit("/", 1)[-1]
    user = _USER_FILE.fullmatch(name)
    if user is None or int(user.group(2)) >= len(user_code):
        return line, ""
    directive = f'#line 1 "{name}"'  # each file name is in the source once
    start = next((i for i, text in enumerate(source.splitlines()) if text.strip() == directive), None)
    absolute = line if start is None else start + 1 + line
    origin = user_code[int(user.group(2))].origin
    if user.group(1) == "user":
        return absolute, f"user code: {origin}"
    return absolute, f"generated code after the user code of {origin}"


def explain(log: str, source: str, user_code: List[UserCode], path: str, what: str) -> str:
    """A short message for a compiler failure on generated code.

    Parameters
    ----------
    log : str
        The compiler's output.
    source : str
        The generated source it compiled.
    user_code : list of UserCode
        The IR's table of user code sections.
    path : str
        Where the source was written.
    what : str
        E.g. "the generated C code", "the generated OpenCL code on 'device'".
    """
    error = first_error(log)
    if error is None:
        return f"{what} failed to compile ({path}):\n{log.strip()[:2000]}"
    file, line, column, message = error
    absolute, origin = locate(source, user_code, file, line)
    lines = source.splitlines()
    generated = lines[absolute - 1].strip() if 0 < absolute <= len(lines) else ""
    position = f"{path}:{absolute}" + (f":{column}" if column else "")
    return (f"{what} failed to compile (this is a pygenn_cl bug, please report it): {message}\n"
            f"  {position}" + (f" ({origin})" if origin else "") + f"\n    {generated}")
