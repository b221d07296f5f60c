"""The cache of generated models: an unchanged model is neither generated nor compiled again.

The key is a hash of the frozen model description (:meth:`ModelDescription.digest`), the
backend's name and generation options, pygenn_cl's version and the generator's own files; the value is the IR and the
generated sources.  Entries live in memory for the process and, unless caching is disabled,
as pickles under ``<cache>/models``: each file starts with the SHA-256 of its pickle, is
written to a temporary file and renamed into place (so concurrent builds never read half a
file), and an entry that does not match its checksum or does not unpickle is regenerated.
Compiled artifacts are cached by their own keys (source and flags) in the backends.
"""
from __future__ import annotations

import collections
import functools
import hashlib
import os
import pickle
from typing import Any, Dict, Optional, Tuple

from pygenn_cl import codegen
from pygenn_cl.codegen.description import ModelDescription
from pygenn_cl.codegen.ir import ModelIR

from . import __version__, cache_files
from .c_compiler import cache_root

#: Bumped when the pickled entries change shape.
FORMAT = 2
#: First line of an entry's file, before the checksum of its pickle.
MAGIC = b"pygenn_cl model cache\n"
MAX_IN_MEMORY = 16

Entry = Tuple[ModelIR, Dict[str, str]]
_memory: "collections.OrderedDict[str, Entry]" = collections.OrderedDict()


def cache_key(desc: ModelDescription, backend: str, options: Any) -> str:
    text = "\0".join([desc.digest(), backend, repr(options), __version__, str(FORMAT), generator_fingerprint()])
    return hashlib.sha256(text.encode()).hexdigest()[:40]


@functools.lru_cache(maxsize=None)
def generator_fingerprint() -> str:
    """A hash of the code generator's own files (its Python modules and templates, and the
    backends, which render the templates), so that a changed generator never reuses code it
    generated before, even at the same version."""
    digest = hashlib.sha256()
    for root in (os.path.dirname(os.path.abspath(codegen.__file__)),
                 os.path.join(os.path.dirname(os.path.abspath(__file__)), "backends")):
        for folder, dirs, files in sorted(os.walk(root)):
            dirs.sort()
            for name in sorted(files):
                if name.endswith((".py", ".mako")):
                    path = os.path.join(folder, name)
                    digest.update(os.path.relpath(path, root).encode())
                    with open(path, "rb") as f:
                        digest.update(f.read())
    return digest.hexdigest()


def _path(key: str) -> Optional[str]:
    root = cache_root()
    return None if root is None else os.path.join(root, "models", f"{key}.pickle")


def lookup(key: str, use_disk: bool = True) -> Optional[Entry]:
    """The cached (IR, sources) for ``key``, or None."""
    entry = _memory.get(key)
    if entry is not None:
        _memory.move_to_end(key)
        return entry
    path = _path(key) if use_disk else None
    if path is None or not os.path.exists(path):
        return None
    try:
        entry = read_entry(path)
    except Exception:  # noqa: BLE001 - a corrupt or foreign entry: drop it and regenerate
        try:
            os.unlink(path)
        except OSError:
            pass
        return None
    _remember(key, entry)
    return entry


def read_entry(path: str) -> Entry:
    """The (IR, sources) of a cache file; raises if it is not one or does not match its checksum."""
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(MAGIC):
        raise ValueError("not a cached model")
    digest, _, payload = data[len(MAGIC):].partition(b"\n")
    if hashlib.sha256(payload).hexdigest().encode() != digest:
        raise ValueError("the cached model does not match its checksum")
    ir, sources = pickle.loads(payload)
    if not isinstance(ir, ModelIR) or not isinstance(sources, dict):
        raise TypeError("not a cached model")
    return ir, sources


def store(key: str, ir: ModelIR, sources: Dict[str, str], use_disk: bool = True) -> None:
    entry = (ir, sources)
    _remember(key, entry)
    path = _path(key) if use_disk else None
    if path is None:
        return
    try:
        path = os.path.join(cache_files.usable_directory(os.path.dirname(path)), os.path.basename(path))
        cache_files.sweep(os.path.dirname(path))
        payload = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        cache_files.write_atomically(path, MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
    except OSError:
        pass  # a read-only or full cache only costs the next build its generation


def _remember(key: str, entry: Entry) -> None:
    _memory[key] = entry
    _memory.move_to_end(key)
    while len(_memory) > MAX_IN_MEMORY:
        _memory.popitem(last=False)


def clear_memory() -> None:
    """Forget the entries held in memory (the disk cache stays)."""
    _memory.clear()
