"""Run code written for PyGeNN 5 (``import pygenn``) on pygenn_cl, unchanged.

From the command line, in place of ``python script.py ARGS``::

    python -m pygenn_cl.compat script.py ARGS
    python -m pygenn_cl.compat -m package.module ARGS

or, from Python, before the first ``import pygenn`` (for example at the top of a test
suite's ``conftest.py``, or to use a library built on PyGeNN such as mlGeNN)::

    import pygenn_cl.compat
    pygenn_cl.compat.install()

Either way ``import pygenn`` then gives :mod:`pygenn_cl`, and ``pygenn.genn_model``,
``pygenn.neuron_models`` and PyGeNN's other public modules give pygenn_cl's.  Backend names
are PyGeNN's (``backend="single_threaded_cpu"``, ``"cuda"``) plus ``"opencl"``;
``backend=None`` picks the best backend present (see ``README.md``).
"""
from __future__ import annotations

import importlib
import os
import runpy
import sys
from typing import List, Optional

#: The modules of PyGeNN's public API that ``install()`` maps to pygenn_cl's.
MODULES = ("types", "genn_model", "genn_groups", "model_preprocessor", "neuron_models", "postsynaptic_models",
           "weight_update_models", "current_source_models", "custom_update_models",
           "custom_connectivity_update_models", "init_var_snippets", "init_sparse_connectivity_snippets",
           "init_toeplitz_connectivity_snippets")


def install(name: str = "pygenn") -> None:
    """Make ``import <name>`` (default ``pygenn``) and ``import <name>.<module>`` give pygenn_cl.

    Raises RuntimeError if a different module of that name has already been imported (the
    real PyGeNN, say): the two cannot share one process."""
    import pygenn_cl
    existing = sys.modules.get(name)
    if existing is not None and existing is not pygenn_cl:
        raise RuntimeError(f"a module '{name}' ({getattr(existing, '__file__', existing)!s}) is already "
                           "imported; install the pygenn_cl alias before anything imports it")
    sys.modules[name] = pygenn_cl
    for module in MODULES:
        sys.modules[f"{name}.{module}"] = importlib.import_module(f"pygenn_cl.{module}")


def uninstall(name: str = "pygenn") -> None:
    """Undo :func:`install` (modules that imported ``pygenn`` keep what they imported)."""
    import pygenn_cl
    if sys.modules.get(name) is pygenn_cl:
        for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
            del sys.modules[key]


_USAGE = "usage: python -m pygenn_cl.compat (script.py | -m module) [args ...]"


def main(argv: Optional[List[str]] = None) -> int:
    """Run a script or module written for ``import pygenn``, as ``python`` would run it."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_USAGE + "\n\n" + __doc__.split("\n\n")[0], file=sys.stderr if not argv else sys.stdout)
        return 0 if argv else 2
    install()
    if argv[0] == "-m":
        if len(argv) < 2:
            print(_USAGE, file=sys.stderr)
            return 2
        sys.argv = [argv[1]] + argv[2:]
        sys.path.insert(0, os.getcwd())
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        return 0
    script = argv[0]
    sys.argv = argv
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
