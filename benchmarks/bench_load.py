#!/usr/bin/env python
"""``load()`` time of the cortical microcircuit (examples/potjans_microcircuit.py).

This measures and reports; it asserts nothing.  For each ``--scale`` it builds the example
once (with recording, as the example runs it), then times ``--repeats`` calls of
``load(num_recording_timesteps=1000)``, each followed by ten steps and ``unload()``; the first
load of a process also compiles PoCL's work-group functions (the warm-up launch), so it is
reported apart and left out of the best and median.  ``load()`` allocates and zeroes the
arena, writes the tables, runs the initialisation kernels (connectivity and variables) and,
before this was changed, pulled every SPARSE group's connectivity back to the host.

Usage::

    python benchmarks/bench_load.py --backend opencl --scale 0.1 --scale 0.5
    python benchmarks/bench_load.py --backend opencl --scale 0.1 --record   # data/14-load.json

To compare with another checkout, run it with that checkout first on ``PYTHONPATH``.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_RECORD = os.path.join(HERE, "data", "14-load.json")


class _PhaseTimer:
    """Adds the wall time of calls of some methods to ``seconds[label]`` (while installed)."""

    def __init__(self, targets):
        self.targets = targets   # [(label, class, method name[, then(self) run inside the timing])]
        self.seconds = {}
        self.saved = []

    def __enter__(self):
        for label, cls, name, *then in self.targets:
            real = getattr(cls, name)
            self.saved.append((cls, name, real))

            def timed(*args, _real=real, _label=label, _then=then, **kwargs):
                start = time.perf_counter()
                try:
                    result = _real(*args, **kwargs)
                    for hook in _then:
                        hook(args[0])
                    return result
                finally:
                    self.seconds[_label] = self.seconds.get(_label, 0.0) + time.perf_counter() - start
            setattr(cls, name, timed)
        return self

    def __exit__(self, *exc):
        for cls, name, real in reversed(self.saved):
            setattr(cls, name, real)


def _phase_targets(backend: str):
    """What load() spends its time on: the device memory (allocation and zeroing), the
    initialisation kernels, and the rest of GeNNModel._initialise (user values, and before
    this was changed, pulling every SPARSE group's connectivity)."""
    from pygenn_cl.backends.simt import SIMTStepper
    from pygenn_cl.genn_model import GeNNModel
    targets = [("initialise", GeNNModel, "_initialise"), ("init kernels", SIMTStepper, "initialize"),
               ("init kernels", SIMTStepper, "initialize_sparse")]
    if backend == "opencl":
        from pygenn_cl.backends.opencl import OpenCLMemory
        # waiting for the queue: zeroing may be enqueued (and otherwise be waited for by the kernels)
        targets.append(("device memory", OpenCLMemory, "__init__", lambda memory: memory.queue.finish()))
    return targets


def bench(backend: str, scale: float, repeats: int, preferences: dict) -> dict:
    from pygenn_cl.bench.common import microcircuit_module
    mc = microcircuit_module()
    params, _ = mc.load_params()
    model, pops = mc.build_model(backend, scale, scale, seed=5, record=True, params=params,
                                 model_name=f"bench_load_{backend}", **preferences)
    model.build()
    seconds = []
    phases = []
    arena = None
    for _ in range(repeats + 1):
        with _PhaseTimer(_phase_targets(backend)) as timer:
            start = time.perf_counter()
            model.load(num_recording_timesteps=1000)
            seconds.append(time.perf_counter() - start)
        p = dict(timer.seconds)
        p["rest of _initialise"] = p.pop("initialise", 0.0) - p.get("init kernels", 0.0)
        phases.append(p)
        arena = model._runtime.layout.nbytes
        model.run_steps(10)
        model.unload()
    best_phases = {k: min(p.get(k, 0.0) for p in phases[1:]) for k in phases[-1]}
    return {"phases_best_s": best_phases, "phases_s": phases[1:],
            "backend": backend, "device": model._backend.describe_device(), "scale": scale,
            "neurons": sum(p.num_neurons for p in pops.values()), "arena_bytes": arena,
            "first_s": seconds[0], "load_s": seconds[1:], "best_s": min(seconds[1:]),
            "median_s": statistics.median(seconds[1:])}


def main(argv=None) -> int:
    from pygenn_cl.bench.common import parse_preference
    from pygenn_cl.bench.records import add_record_arguments
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--backend", default="opencl")
    ap.add_argument("--scale", type=float, action="append", default=None, help="repeatable (default 0.1)")
    ap.add_argument("--repeats", type=int, default=3, help="timed loads after the first (default 3)")
    ap.add_argument("--pref", action="append", type=parse_preference, default=[],
                    help="backend preference KEY=VALUE (JSON value)")
    ap.add_argument("--label", default="", help="with --record: what is measured (e.g. the commit)")
    add_record_arguments(ap, DEFAULT_RECORD)
    args = ap.parse_args(argv)
    prefs = dict(args.pref)
    results = []
    for scale in args.scale or [0.1]:
        r = bench(args.backend, scale, args.repeats, prefs)
        results.append(r)
        print(f"[{args.backend}] {r['device']}: scale {scale:g} ({r['neurons']:,} neurons, arena "
              f"{r['arena_bytes'] / 2**20:,.0f} MiB): load best {r['best_s']:.3f} s, median {r['median_s']:.3f} s "
              f"(first {r['first_s']:.3f} s; every load: {', '.join(f'{x:.3f}' for x in r['load_s'])})", flush=True)
        print("    phases, best of the timed loads: " + ", ".join(f"{k} {v:.3f} s" for k, v in r["phases_best_s"].items()))
    if args.record:
        from pygenn_cl.bench.records import (append_record, command_line, make_record, recorded_environment,
                                             report_appended, round_sig)
        phase_names = ("device memory", "init kernels", "rest of _initialise")
        rows = [[args.label or "load()", f"{r['scale']:g}", {"value": round_sig(r["arena_bytes"] / 2**20, 3)},
                 {"value": round_sig(r["best_s"]), "sig": 3, "bold": True}, {"value": round_sig(r["median_s"]), "sig": 3}]
                + [{"value": round_sig(r["phases_best_s"].get(k)), "sig": 3} if k in r["phases_best_s"] else None
                   for k in phase_names] for r in results]
        table = {"id": "load", "columns": ["code", "scale", {"label": "arena", "unit": "MiB"},
                                           {"label": "load, best", "unit": "s"}, {"label": "median", "unit": "s"}]
                 + [{"label": f"{k}, best", "unit": "s"} for k in phase_names], "rows": rows}
        record = make_record(
            command=command_line(__file__, sys.argv[1:] if argv is None else argv, recorded_environment()),
            device=f"{args.backend}: {results[0]['device']}",
            caption=f"load() of the microcircuit (neuron = connectivity scale), recording 1000 steps: best and "
                    f"median of {args.repeats} loads after a first one (which also compiles PoCL's kernels); the "
                    "best time of each part of load(): the device memory (allocating and zeroing the arena), "
                    "the initialisation kernels, and the rest of GeNNModel._initialise (values given as arrays, "
                    "and the connectivity pulls load() used to make).",
            tables=[table], opencl=args.backend == "opencl", data={"results": results})
        rid = append_record(args.record, record, section=14, title="Loading the microcircuit (bench_load.py)")
        report_appended(args.record, rid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
