"""Helpers shared by the suites: the microcircuit example, cold builds in a child process,
synaptic-event counting."""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, Iterable, Optional

import numpy as np

#: ``examples/`` of a source checkout (pygenn_cl/bench/common.py -> repository root).
EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
_EXAMPLES: Dict[str, object] = {}


class BenchSkipped(Exception):
    """A benchmark cannot run here (the message says why)."""


class RunFailed(Exception):
    """One run of a suite failed (the message names the run and the error)."""


def example_module(name: str):
    """``examples/<name>.py`` as a module (cached).

    The examples are not installed with the package, so this only works from a source
    checkout (``pip install -e .`` or running inside the repository).  The environment
    variable ``PYGENN_CL_EXAMPLES`` may name another directory that holds the file.
    """
    if name in _EXAMPLES:
        return _EXAMPLES[name]
    candidates = [Path(os.environ["PYGENN_CL_EXAMPLES"])] if os.environ.get("PYGENN_CL_EXAMPLES") else []
    candidates.append(EXAMPLES_DIR)
    for directory in candidates:
        path = directory / f"{name}.py"
        if path.is_file():
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module
            spec.loader.exec_module(module)
            _EXAMPLES[name] = module
            return module
    raise BenchSkipped(
        f"this needs examples/{name}.py, which is not installed with the package; looked in "
        f"{', '.join(str(c) for c in candidates)}. Run from a source checkout (pip install -e .) "
        "or set PYGENN_CL_EXAMPLES to the directory holding it.")


def microcircuit_module():
    """``examples/potjans_microcircuit.py`` as a module."""
    return example_module("potjans_microcircuit")


def fresh_cache_env(cache: str) -> Dict[str, str]:
    """The environment of a child process whose compiler caches are all empty."""
    env = dict(os.environ)
    env.update({"PYGENN_CL_CACHE_DIR": os.path.join(cache, "pygenn_cl"),
                "XDG_CACHE_HOME": os.path.join(cache, "xdg"),        # PyOpenCL, PoCL default dirs
                "POCL_CACHE_DIR": os.path.join(cache, "pocl"),
                "PYOPENCL_CACHE_DIR": os.path.join(cache, "pyopencl"),
                "CUDA_CACHE_PATH": os.path.join(cache, "cuda")})
    env.pop("PYGENN_CL_NO_CACHE", None)
    return env


def check_backends(parser, names) -> None:
    """argparse error for a backend that is unknown or cannot run here."""
    from pygenn_cl.backends import BACKENDS, availability
    for name in names:
        if name not in BACKENDS:
            parser.error(f"unknown backend '{name}'; known: {', '.join(BACKENDS)}")
        ok, why = availability(name)
        if not ok:
            parser.error(f"backend '{name}' cannot run here: {why}")
    if not names:
        parser.error("no backend can run on this machine (python -m pygenn_cl devices says why)")


def cold_build(kind: str, spec: dict, build_dir: str) -> float:
    """Build a model in a fresh interpreter with every compiler cache empty; returns seconds.

    ``kind`` is "microcircuit" or "lif"; ``spec`` the keyword arguments of its builder.
    """
    cache = tempfile.mkdtemp(prefix="pygenn_cl_cold_")
    try:
        cmd = [sys.executable, "-m", "pygenn_cl.bench._cold", kind, json.dumps(spec), build_dir]
        result = subprocess.run(cmd, env=fresh_cache_env(cache), capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"cold build in a child process failed:\n{result.stderr[-4000:]}")
        return float(result.stdout.strip().splitlines()[-1])
    finally:
        import shutil
        shutil.rmtree(cache, ignore_errors=True)


def row_lengths(sg) -> np.ndarray:
    """Synapses per presynaptic neuron of a SPARSE synapse group (pulls its connectivity)."""
    sg.pull_connectivity_from_device()
    return np.bincount(np.asarray(sg.get_sparse_pre_inds()), minlength=sg.src.size)


def synaptic_events(model, spike_ids: Dict[str, np.ndarray], lengths: Optional[Dict[str, np.ndarray]] = None) -> int:
    """Exact number of synaptic events: for every spike, the row length of its neuron in every
    outgoing synapse group.  ``spike_ids`` maps neuron group names to the ids of all spikes."""
    events = 0
    for sg in model.synapse_populations.values():
        rl = lengths[sg.name] if lengths is not None else row_lengths(sg)
        ids = spike_ids.get(sg.src.name)
        if ids is not None and len(ids):
            events += int(rl[np.asarray(ids, dtype=np.int64)].sum())
    return events


def fmt_s(x: Optional[float], digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def fmt_e(x: Optional[float]) -> str:
    return "-" if x is None else f"{x:.2e}"


def table(headers: Iterable[str], rows: Iterable[Iterable]) -> str:
    headers = [str(h) for h in headers]
    rows = [[str(c) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    line = "  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(headers, widths)))
    out = [line, "-" * len(line)]
    for r in rows:
        out.append("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))))
    return "\n".join(out)


def write_result(result: dict, out: Optional[str], default_folder: str, file_name: str, several: bool) -> str:
    """Write one backend's result of a ``benchmarks/`` script as JSON and return the path.

    ``out`` ending in ``.json`` names the file when the script measures one backend;
    otherwise ``out`` (or ``default_folder``) is the folder and ``file_name`` the file.
    """
    if out and out.endswith(".json") and not several:
        path = out
    else:
        path = os.path.join(out or default_folder, file_name)
    return write_json(path, result)


def write_json(path: str, obj, compact: bool = False) -> str:
    """Write ``obj`` as JSON to ``path`` (its folder created), through a temporary file so that a
    failed write leaves the old file; ``compact``: short lists and objects on one line (the
    committed records of ``benchmarks/data/``).  Returns the path."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    if compact:
        from .records import dumps
        text = dumps(obj)
    else:
        text = json.dumps(obj, indent=1, default=str) + "\n"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp_", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def parse_preference(text: str) -> tuple:
    """``KEY=VALUE``: VALUE as JSON where it parses (numbers, true, null), else as a string."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"a preference is KEY=VALUE, not {text!r}")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value
