"""Compiling generated C into shared libraries, with an on-disk cache.

The cache key is a hash of the source, the compiler command and flags, the
compiler's version and pygenn_cl's version.  Libraries are built under a lock into a
temporary file, published by renaming it into place with a checksum beside it, and verified
when reused (see :mod:`pygenn_cl.cache_files`).  ``PYGENN_CL_CACHE_DIR`` moves the cache;
``PYGENN_CL_NO_CACHE=1`` (or the ``disk_cache=False`` preference) disables it.
"""
from __future__ import annotations

import functools
import hashlib
import os
import shlex
import subprocess
from typing import Callable, List, Optional, Sequence

from pygenn_cl.codegen.ir import UserCode

from . import cache_files
from .compile_log import explain
from .errors import BuildError


def cache_root() -> Optional[str]:
    """pygenn_cl's cache directory (``$PYGENN_CL_CACHE_DIR`` or the user cache directory), or
    None when caching is disabled (``PYGENN_CL_NO_CACHE=1``).  Entries are read from it as it
    is; where something must be written and cannot be, a private temporary folder replaces it
    for this process, with a warning (:func:`cache_files.usable_directory`)."""
    if os.environ.get("PYGENN_CL_NO_CACHE", "") not in ("", "0"):
        return None
    path = os.environ.get("PYGENN_CL_CACHE_DIR")
    if not path:
        import platformdirs
        path = platformdirs.user_cache_dir("pygenn_cl")
    return os.path.abspath(path)


def cache_dir() -> Optional[str]:
    """Directory of compiled libraries, or None when caching is disabled."""
    root = cache_root()
    return None if root is None else os.path.join(root, "c")


def template_cache_dir() -> Optional[str]:
    """Directory of compiled Mako templates (per pygenn_cl version and templates' content), or
    None when caching is off."""
    root = cache_root()
    if root is None:
        return None
    from . import __version__
    return cache_files.usable_directory(os.path.join(root, "mako", f"{__version__}-{templates_fingerprint()}"))


@functools.lru_cache(maxsize=None)
def templates_fingerprint() -> str:
    """A hash of the templates' text: Mako reuses a compiled template unless its source is
    newer, so installations of one version with different templates (a changed checkout, two
    worktrees) must not share compiled templates."""
    from pygenn_cl import codegen
    root = os.path.join(os.path.dirname(os.path.abspath(codegen.__file__)), "templates")
    digest = hashlib.sha256()
    for folder, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".mako"):
                path = os.path.join(folder, name)
                digest.update(os.path.relpath(path, root).encode())
                with open(path, "rb") as f:
                    digest.update(f.read())
    return digest.hexdigest()[:16]


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


def cached_build(key_parts: List[str], directory: str, stem: str, suffix: str, what: str,
                 always_rebuild: bool, never_rebuild: bool, build: Callable[[str], None]) -> str:
    """Return the cached artifact for ``key_parts``, building it with ``build(tmp_path)`` if needed.

    An artifact is reused only if it matches the checksum published with it (a truncated or
    corrupt one is rebuilt).  A build holds a lock on the artifact, so another process building
    the same waits and reuses it, writes a temporary file of its own and renames it into place,
    so no process sees half a file (see :mod:`pygenn_cl.cache_files`).
    """
    from . import __version__
    key = hashlib.sha256("\0".join(list(key_parts) + [__version__]).encode()).hexdigest()[:32]
    name = f"{stem}_{key}{suffix}"
    path = os.path.join(os.path.abspath(directory), name)
    if not always_rebuild and cache_files.verified(path):  # (a folder that is only readable will do)
        return path
    if never_rebuild:
        raise BuildError(f"never_rebuild=True but no compiled {what} matches the model ({path})")
    directory = cache_files.usable_directory(os.path.abspath(directory))
    cache_files.sweep(directory)
    path = os.path.join(directory, name)
    with cache_files.lock(path):
        if not always_rebuild and cache_files.verified(path):  # built by another process meanwhile
            return path
        tmp_path = cache_files.temporary_path(directory, suffix)
        try:
            build(tmp_path)
            path = cache_files.publish(tmp_path, path, executable=suffix == ".so")
        finally:
            if os.path.exists(tmp_path):
                os.unlink(tmp_path)
    return path


def compile_shared_library(source: str, flags: List[str], build_dir: str, name: str,
                           user_code: Sequence[UserCode] = (), always_rebuild: bool = False,
                           never_rebuild: bool = False, use_cache: bool = True) -> str:
    """Compile ``source`` (written to ``build_dir/name.c``) into a shared library; return its path.

    ``user_code`` is the IR's table of user code sections, for error messages.
    """
    cmd = compiler_command()
    src_path = os.path.join(build_dir, f"{name}.c")

    def build(out_path: str) -> None:
        result = subprocess.run(cmd + flags + ["-shared", "-fPIC", "-o", out_path, src_path, "-lm"],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise BuildError(explain(result.stderr, source, list(user_code), src_path, "the generated C code"))

    key = [source, " ".join(cmd + flags), compiler_version(" ".join(cmd)),
           cpu_identity() if "-march=native" in flags else ""]
    directory = (cache_dir() if use_cache else None) or build_dir
    return cached_build(key, directory, name, ".so", "library", always_rebuild, never_rebuild, build)
