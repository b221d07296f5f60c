"""Files of pygenn_cl's on-disk cache: publishing them safely, verifying them, and folders that
cannot be used.

Every cached artifact (a compiled library or CUDA module, a pickled generated model) is

* **built privately and published atomically**: written to a temporary file in the cache
  folder whose name holds the host and process (``.tmp-<host>-<pid>-<random><suffix>``), then
  renamed into place, so no process ever reads half a file; a per-artifact lock
  (``<artifact>.lock``, the ``filelock`` package) makes a second process building the same
  artifact wait for the first instead of compiling it again;
* **verified on use**: a library's SHA-256 is kept beside it (``<artifact>.sha256``) and a
  pickled model carries its own, so a truncated or corrupt entry is rebuilt, not trusted;
* **given deliberate modes**: ``0o755`` (libraries) or ``0o644`` (everything else), less the
  process's umask, so a cache shared through a group-writable folder works for the group,
  and a published file is never writable by group or others whatever the umask;
* **cleaned up**: temporary files left by a process that died mid-build (a killed compiler
  or Python) are removed by the next process that builds into the folder, when their process
  no longer exists on this host, or after a day.

A folder that cannot be created or written (and an entry that cannot be replaced, such as
another user's file in a sticky folder) falls back to a private temporary folder for the
rest of the process, with a warning that says what to set.
"""
from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import os
import re
import secrets
import shutil
import socket
import tempfile
import time
import warnings
from typing import Iterator, Optional

TEMPORARY_PREFIX = ".tmp-"
#: Temporary files older than this are removed even if their process might still exist.
STALE_SECONDS = 24 * 3600
_HOST = re.sub(r"[^A-Za-z0-9_.]", "_", socket.gethostname())[:64] or "host"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def file_mode(executable: bool = False) -> int:
    """The mode of a published cache file: readable (and, for libraries, executable) as the
    umask allows, never writable by group or others."""
    return (0o755 if executable else 0o644) & ~_umask()


# -- folders ----------------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def private_directory() -> str:
    """A temporary folder of this process, removed when it exits."""
    path = tempfile.mkdtemp(prefix="pygenn_cl-cache-")
    atexit.register(shutil.rmtree, path, True)
    return path


_warned = []


def fallback(path: str, why: str) -> str:
    """Use a private folder instead of ``path`` (with a warning saying what to set, the first
    time in the process)."""
    private = os.path.join(private_directory(), hashlib.sha256(path.encode()).hexdigest()[:12])
    os.makedirs(private, exist_ok=True)
    if _warned:
        return private
    _warned.append(path)
    warnings.warn(f"pygenn_cl cannot use the cache folder {path} ({why}); this process caches in {private} "
                  "instead, which is removed at exit. Set PYGENN_CL_CACHE_DIR to a writable folder (or "
                  "PYGENN_CL_NO_CACHE=1 to turn the cache off).", RuntimeWarning, stacklevel=4)
    return private


@functools.lru_cache(maxsize=None)
def usable_directory(path: str) -> str:
    """``path``, created if needed, if a file can be written in it; else a private folder."""
    try:
        os.makedirs(path, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=TEMPORARY_PREFIX + "probe-", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        return fallback(path, f"{type(exc).__name__}: {exc.strerror or exc}")
    return path


# -- temporary files --------------------------------------------------------------------------
def temporary_path(directory: str, suffix: str = "") -> str:
    """A fresh name for a temporary file in ``directory`` that says which process made it."""
    return os.path.join(directory, f"{TEMPORARY_PREFIX}{_HOST}-{os.getpid()}-{secrets.token_hex(4)}{suffix}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, as another user's process
    return True


@functools.lru_cache(maxsize=None)
def sweep(directory: str) -> int:
    """Remove temporary files of processes that died mid-build (once per folder and process);
    returns how many were removed."""
    removed = 0
    now = time.time()
    pattern = re.compile(re.escape(TEMPORARY_PREFIX) + r"(?P<host>[A-Za-z0-9_.]+)-(?P<pid>\d+)-[0-9a-f]+")
    try:
        names = os.listdir(directory)
    except OSError:
        return 0
    for name in names:
        if not name.startswith(TEMPORARY_PREFIX):
            continue
        path = os.path.join(directory, name)
        try:
            age = now - os.lstat(path).st_mtime
        except OSError:
            continue
        match = pattern.match(name)
        dead = match is not None and match.group("host") == _HOST and not _alive(int(match.group("pid")))
        if dead or age > STALE_SECONDS:
            try:
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path)
                else:
                    os.unlink(path)
                removed += 1
            except OSError:
                pass
    return removed


# -- publishing and verifying -----------------------------------------------------------------
def digest_of(path: str) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def checksum_path(path: str) -> str:
    return path + ".sha256"


def verified(path: str) -> bool:
    """Whether ``path`` exists, can be read, and matches the checksum published with it."""
    try:
        with open(checksum_path(path)) as f:
            expected = f.read().split()
        return len(expected) == 1 and digest_of(path) == expected[0]
    except (OSError, ValueError):
        return False


def write_atomically(path: str, data: bytes, executable: bool = False) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed into place."""
    tmp = temporary_path(os.path.dirname(path) or ".", ".part")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.chmod(tmp, file_mode(executable))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def publish(tmp: str, path: str, executable: bool = False) -> str:
    """Move the built file ``tmp`` to ``path`` with its checksum beside it; returns where it
    went (a private folder, with a warning, if ``path`` cannot be replaced)."""
    digest = digest_of(tmp)
    try:
        os.chmod(tmp, file_mode(executable))
        write_atomically(checksum_path(path), (digest + "\n").encode())
        os.replace(tmp, path)
        return path
    except OSError as exc:
        directory = fallback(os.path.dirname(path), f"{type(exc).__name__}: {exc.strerror or exc}")
        private = os.path.join(directory, os.path.basename(path))
        write_atomically(checksum_path(private), (digest + "\n").encode())
        shutil.move(tmp, private)
        return private


#: Longest wait for another process building the same artifact; then build anyway (publishing
#: is atomic, so that only costs the work twice).
LOCK_TIMEOUT = 600.0


@contextlib.contextmanager
def lock(path: str, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold ``<path>.lock``, waiting (interruptibly) for another process that holds it; where no
    lock can be taken (a folder without locks, a timeout), go on without one."""
    import filelock
    held: Optional[filelock.BaseFileLock] = filelock.FileLock(path + ".lock", timeout=timeout)
    try:
        held.acquire(poll_interval=0.05)
    except OSError:  # (filelock.Timeout is one)
        held = None
    try:
        yield
    finally:
        if held is not None:
            held.release()
