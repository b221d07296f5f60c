"""Compiling generated C into shared libraries, with an on-disk cache.

The cache key is a hash of the source, the compiler command and flags, the
compiler's version and pygenn_cl's version.  Libraries are written to a
temporary file and renamed into place, so concurrent builds never see a half
written library.  ``PYGENN_CL_CACHE_DIR`` moves the cache;
``PYGENN_CL_NO_CACHE=1`` (or the ``disk_cache=False`` preference) disables it.
"""
from __future__ import annotations

import functools
import hashlib
import os
import re
import shlex
import subprocess
import tempfile
from typing import List, Optional

from .errors import BuildError


def cache_dir() -> Optional[str]:
    """Directory of compiled libraries, or None when caching is disabled."""
    if os.environ.get("PYGENN_CL_NO_CACHE", "") not in ("", "0"):
        return None
    path = os.environ.get("PYGENN_CL_CACHE_DIR")
    if not path:
        import platformdirs
        path = platformdirs.user_cache_dir("pygenn_cl")
    return os.path.join(path, "c")


def compiler_command() -> List[str]:
    return shlex.split(os.environ.get("CC", "cc"))


@functools.lru_cache(maxsize=None)
def compiler_version(cmd: str) -> str:
    try:
        out = subprocess.run(shlex.split(cmd) + ["--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise BuildError(f"no working C compiler '{cmd}' ({exc}); install gcc or clang, or set CC") from exc
    return out.stdout.strip()


@functools.lru_cache(maxsize=None)
def cpu_identity() -> str:
    """CPU model and instruction-set flags: a library built with -march=native is only
    reused on the same kind of CPU."""
    try:
        with open("/proc/cpuinfo") as f:
            lines = [line for line in f if line.startswith(("model name", "flags"))]
        return "".join(sorted(set(lines)))
    except OSError:
        import platform
        return platform.processor() or platform.machine()


def compile_shared_library(source: str, flags: List[str], build_dir: str, name: str,
                           always_rebuild: bool = False, never_rebuild: bool = False,
                           use_cache: bool = True) -> str:
    """Compile ``source`` into a shared library and return its path."""
    from . import __version__
    cmd = compiler_command()
    key_text = "\0".join([source, " ".join(cmd + flags), compiler_version(" ".join(cmd)), __version__,
                          cpu_identity() if "-march=native" in flags else ""])
    key = hashlib.sha256(key_text.encode()).hexdigest()[:32]
    directory = cache_dir() if use_cache else None
    directory = directory or build_dir
    os.makedirs(directory, exist_ok=True)
    lib_path = os.path.join(directory, f"{name}_{key}.so")
    if os.path.exists(lib_path) and not always_rebuild:
        return lib_path
    if never_rebuild:
        raise BuildError(f"never_rebuild=True but no compiled library matches the model ({lib_path})")
    src_path = os.path.join(build_dir, f"{name}.c")
    fd, tmp_path = tempfile.mkstemp(suffix=".so", dir=directory)
    os.close(fd)
    try:
        result = subprocess.run(cmd + flags + ["-shared", "-fPIC", "-o", tmp_path, src_path, "-lm"],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise BuildError(_explain_compiler_error(result.stderr, source, src_path))
        os.replace(tmp_path, lib_path)
    finally:
        if os.path.exists(tmp_path):
            os.unlink(tmp_path)
    return lib_path


def _explain_compiler_error(stderr: str, source: str, src_path: str) -> str:
    """Summarise a compiler failure: the first error and the generated line it points at."""
    lines = source.splitlines()
    match = re.search(r":(\d+):(\d+):(?: error:)? (.*)", stderr)
    if not match:
        return f"the C compiler failed on the generated code ({src_path}):\n{stderr.strip()[:2000]}"
    line_no, col, message = int(match.group(1)), int(match.group(2)), match.group(3)
    generated = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    origin = code_origin(lines, line_no)
    return (f"the generated C code failed to compile (this is a pygenn_cl bug, please report it): "
            f"{message}\n  {src_path}:{line_no}:{col}" + (f" in {origin}" if origin else "") +
            f"\n    {generated.strip()}")


def code_origin(lines: List[str], line_no: int) -> str:
    """The model and code section a generated line came from, if it is user code."""
    for back in range(min(line_no, len(lines)) - 1, -1, -1):
        text = lines[back].strip()
        if text.startswith("/* user code: "):
            return text[len("/* user code: "):-2].strip()
        if text == "}" and not lines[back].startswith(" " * 12):
            break
    return ""
