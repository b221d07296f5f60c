#!/usr/bin/env python
"""Per-step cost of the cortical microcircuit (examples/potjans_microcircuit.py), in µs.

This measures and reports; it asserts nothing.  For each backend it builds the example at
``--scale`` (neuron = connectivity scale), runs 1000 steps to warm up, then times
``--repeats`` runs of ``--steps`` steps (each followed by a recording pull when recording is
on) and reports the best and every repeat, in µs per step.  ``--neurons-only`` leaves out
the synapse populations (the neuron update with its Poisson input alone), which splits a
step's cost into neuron update and spike propagation without timers.  ``--timing`` turns
``timing_enabled`` on and reports the kernel times too (the SIMT backends then read
profiling events, which costs a little; before events, they waited for every kernel).  Environment variables of the OpenCL runtime that change its
threading (``POCL_*``, ``PYGENN_CL_DEVICE``) are recorded with the result.

Usage::

    python benchmarks/bench_step.py                                   # every backend, scale 0.1
    python benchmarks/bench_step.py --backend opencl --neurons-only --pref neurons_per_thread=1
    POCL_MAX_PTHREAD_COUNT=1 python benchmarks/bench_step.py --backend opencl

JSON goes to ``benchmarks/results/step_<backend>.json`` (or ``--out``).
"""
from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import sys
import time
from typing import Any, Dict, List
from unittest import mock

from pygenn_cl.bench.common import microcircuit_module, parse_preference, write_result
from pygenn_cl.bench.machine import machine_description
from pygenn_cl.bench.records import (add_record_arguments, append_record, command_line, make_record,
                                     recorded_environment, report_appended, round_sig)

HERE = os.path.dirname(os.path.abspath(__file__))
WARM_UP_STEPS = 1000
DEFAULT_RECORD = os.path.join(HERE, "data", "12-microcircuit-step.json")


def bench(backend: str, scale: float, neurons_only: bool, record: bool, steps: int, repeats: int,
          preferences: Dict[str, Any], timing: bool = False) -> dict:
    mc = microcircuit_module()
    # neurons only: the same populations, Poisson input and DC compensation, no projections
    no_projections = mock.patch.object(mc, "num_synapses", lambda *args: {})
    with (no_projections if neurons_only else contextlib.nullcontext()):
        model, pops = mc.build_model(backend=backend, neuron_scale=scale, connectivity_scale=scale,
                                     record=record, model_name="bench_step", **preferences)
    model.timing_enabled = timing
    model.build()
    model.load(num_recording_timesteps=steps if record else None)

    def run(n: int) -> None:
        model.run_steps(n)
        if record:
            model.pull_recording_buffers_from_device()

    for start in range(0, WARM_UP_STEPS, steps):
        run(min(steps, WARM_UP_STEPS - start))
    kernels_before = (model.neuron_update_time, model.presynaptic_update_time) if timing else None
    seconds: List[float] = []
    for _ in range(repeats):
        start = time.perf_counter()
        run(steps)
        seconds.append(time.perf_counter() - start)
    us_per_step = [1e6 * s / steps for s in seconds]
    kernel_us = None
    if timing:
        kernels_after = (model.neuron_update_time, model.presynaptic_update_time)
        kernel_us = {name: 1e6 * (after - before) / (steps * repeats) for name, before, after
                     in zip(("neuron_update", "presynaptic_update"), kernels_before, kernels_after)}
    return {
        "benchmark": "microcircuit_step",
        "backend": backend,
        "device": model._backend.describe_device(),
        "scale": scale,
        "neurons": sum(p.num_neurons for p in pops.values()),
        "synapse_populations": len(model.synapse_populations),
        "neurons_only": neurons_only,
        "recording": record,
        "preferences": preferences,
        "steps": steps,
        "best_us_per_step": min(us_per_step),
        "us_per_step": us_per_step,
        "kernel_us_per_step": kernel_us,
        "environment": recorded_environment(),
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": machine_description(),
    }


def step_record(results: List[dict], command: str, caption: str = "") -> dict:
    """A record (``pygenn_cl.bench.records``) of one run of this script: µs per step per backend."""
    first = results[0]
    what = "neurons only" if first["neurons_only"] else "whole model"
    rows = []
    for r in results:
        label = r["backend"] + (f" ({', '.join(f'{k}={v}' for k, v in r['preferences'].items())})"
                                if r["preferences"] else "")
        kernels = r["kernel_us_per_step"]
        rows.append([label, r["device"], {"value": round_sig(r["best_us_per_step"]), "sig": 3, "bold": True},
                     ", ".join(f"{x:.1f}" for x in r["us_per_step"]),
                     None if not kernels else [{"value": round_sig(kernels["neuron_update"]), "sig": 3}, " / ",
                                               {"value": round_sig(kernels["presynaptic_update"]), "sig": 3}]])
    table = {"id": "step", "columns": ["backend", "device", {"label": "best", "unit": "µs per step"},
                                       {"label": "every repeat", "unit": "µs per step"},
                                       {"label": "neuron / presynaptic kernels", "unit": "µs per step"}],
             "rows": rows}
    return make_record(command=command, device="; ".join(f"{r['backend']}: {r['device']}" for r in results),
                       caption=caption or (f"Microcircuit at scale {first['scale']:g} ({first['neurons']:,} "
                                           f"neurons), {what}, recording {'on' if first['recording'] else 'off'}: "
                                           f"best of {len(first['us_per_step'])} runs of {first['steps']} steps "
                                           f"after {WARM_UP_STEPS} warm-up steps."),
                       tables=[table], opencl=any(r["backend"] == "opencl" for r in results))


def main(argv=None) -> int:
    from pygenn_cl.backends import available_backends
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--backend", action="append", default=None, help="repeatable; default: all available")
    ap.add_argument("--scale", type=float, default=0.1, help="neuron and connectivity scale (default 0.1)")
    ap.add_argument("--neurons-only", action="store_true", help="leave out the synapse populations")
    ap.add_argument("--no-record", action="store_true", help="spike recording off")
    ap.add_argument("--steps", type=int, default=3000, help="steps per timed repeat (default 3000)")
    ap.add_argument("--repeats", type=int, default=3, help="timed repeats; the best is reported (default 3)")
    ap.add_argument("--timing", action="store_true",
                    help="timing_enabled: also report kernel times (SIMT backends: from profiling events)")
    ap.add_argument("--pref", action="append", type=parse_preference, default=[],
                    help="backend preference KEY=VALUE (repeatable), e.g. neurons_per_thread=1")
    ap.add_argument("--out", default=None, help="JSON path (one backend) or folder")
    add_record_arguments(ap, DEFAULT_RECORD)
    args = ap.parse_args(argv)
    if args.steps < 1 or args.repeats < 1 or args.scale <= 0:
        ap.error("--steps and --repeats must be at least 1, --scale positive")
    backends = args.backend or list(available_backends())
    results = []
    for backend in backends:
        r = bench(backend, args.scale, args.neurons_only, not args.no_record, args.steps, args.repeats,
                  dict(args.pref), args.timing)
        what = "neurons only" if args.neurons_only else "whole model"
        print(f"[{backend}] {r['device']}: scale {args.scale:g} ({r['neurons']:,} neurons), {what}, "
              f"recording {'on' if r['recording'] else 'off'}: best {r['best_us_per_step']:.1f} us/step "
              f"(repeats: {', '.join(f'{x:.1f}' for x in r['us_per_step'])})")
        if r["kernel_us_per_step"]:
            print("    kernels: " + ", ".join(f"{k} {v:.1f} us/step" for k, v in r["kernel_us_per_step"].items()))
        path = write_result(r, args.out, os.path.join(HERE, "results"), f"step_{backend}.json",
                            several=len(backends) > 1)
        print(f"    wrote {path}")
        results.append(r)
    if args.record:
        command = command_line(__file__, sys.argv[1:] if argv is None else argv, recorded_environment())
        rid = append_record(args.record, step_record(results, command, args.caption), section=12,
                            title="Per-step cost of the microcircuit (bench_step.py)")
        report_appended(args.record, rid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
