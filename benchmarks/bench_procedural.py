#!/usr/bin/env python
"""The cortical microcircuit (examples/potjans_microcircuit.py) with SPARSE and with PROCEDURAL
connectivity: memory, time per biological second and rates.

This measures and reports; it asserts nothing.  PROCEDURAL rows, weights and delays are
regenerated at each spike from the random numbers SPARSE initialisation draws, so both forms
simulate the same synapses (on the C backend, the same spikes): what differs is memory and time.

For each ``--scale`` (neuron = connectivity scale) and ``--form`` it builds the example, loads
it (recording 1000 steps, as the example does) and runs ``--duration`` ms of biological time
(the example's own loop, one recording pull per 1000 steps), then reports the memory the model
takes (its arena: every array, as the runtime lays it out), ``load()`` time, simulation wall
time per second of biological time, the mean rates (the first 200 ms discarded when the run
is longer than 400 ms) and their largest deviation from the reference: PyGeNN 5.4's rates at
scale 0.1 (``tests/data/pd14.json``) below full scale, the published full-scale rates at 1.
With both forms, it also says whether their spikes are identical.

``--memory-only`` runs nothing: it generates each form's code for a GPU (the CUDA target) and
computes the device memory from the arena layout the runtime would allocate (the full-scale
model needs no memory for this).

Usage::

    python benchmarks/bench_procedural.py --scale 0.1                       # both forms, 1 s
    python benchmarks/bench_procedural.py --scale 1 --form procedural --duration 500
    python benchmarks/bench_procedural.py --memory-only --scale 1 --scale 0.1
    python benchmarks/bench_procedural.py --scale 0.1 --record              # data/16-procedural.json
"""
from __future__ import annotations

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_RECORD = os.path.join(HERE, "data", "16-procedural.json")
FORMS = ("sparse", "procedural")
RECORDING_STEPS = 1000


def _model(backend: str, scale: float, form: str, record: bool = True):
    from pygenn_cl.bench.common import microcircuit_module
    mc = microcircuit_module()
    params, _ = mc.load_params()
    model, pops = mc.build_model(backend, scale, scale, seed=1234, record=record, params=params,
                                 model_name=f"bench_procedural_{form}", procedural=form == "procedural")
    return mc, params, model, pops


def arena_bytes(model) -> dict:
    """The device memory ``load()`` would allocate on a GPU (the arena, recording 1000 steps),
    from the code generated for the CUDA target alone (OpenCL's is the same): its size and the
    bytes of connectivity, per-synapse variables and everything else."""
    from pygenn_cl.backends.cuda import CUDA_TARGET
    from pygenn_cl.codegen.generator import generate_model
    from pygenn_cl.describe import describe_model
    from pygenn_cl.runtime import ArenaLayout
    ir = generate_model(describe_model(model), CUDA_TARGET)
    sizes = {name: spec.num_elements(RECORDING_STEPS) for name, spec in ir.arrays.items()}
    layout = ArenaLayout(ir, sizes)
    parts = {"connectivity": 0, "synapse variables": 0}
    synapse_groups = set(model.synapse_populations)
    for name, (_, count) in layout.arrays.items():
        group, _, rest = name.partition(".")
        nbytes = max(count, 1) * ir.arrays[name].ctype.size
        if group in synapse_groups and rest in ("ind", "rowLength", "remap", "colLength", "preCalcRowLength", "gp"):
            parts["connectivity"] += nbytes
        elif group in synapse_groups and rest in ("g", "d"):
            parts["synapse variables"] += nbytes
    parts["rest"] = layout.nbytes - parts["connectivity"] - parts["synapse variables"]
    return {"arena": layout.nbytes, **parts}


def reference_rates(params: dict, scale: float):
    if scale >= 1.0:
        return "full-scale reference (Potjans & Diesmann 2014)", params["reference_mean_rates_hz"]
    return "PyGeNN 5.4 at scale 0.1", params["downscaled_rates_measured_hz"]["pygenn_5.4.0"]


def run(backend: str, scale: float, form: str, duration: float) -> dict:
    import numpy as np
    mc, params, model, pops = _model(backend, scale, form)
    start = time.perf_counter()
    model.build()
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    model.load(num_recording_timesteps=RECORDING_STEPS)
    load_s = time.perf_counter() - start
    memory = model._runtime.layout.nbytes
    spikes, sim_s = mc.simulate(model, pops, duration, record=True, chunk_steps=RECORDING_STEPS, progress=False)
    discard = mc.DISCARD_MS if duration > 2 * mc.DISCARD_MS else 0.0
    rates = mc.mean_rates(spikes, pops, discard, duration)
    label, ref = reference_rates(params, scale)
    deviation = {p: (rates[p] - ref[p]) / ref[p] for p in rates}
    digest = {p: (np.asarray(t).tobytes(), np.asarray(i).tobytes()) for p, (t, i) in spikes.items()}
    model.unload()
    return {"backend": backend, "device": model._backend.describe_device(), "scale": scale, "form": form,
            "duration_ms": duration, "discard_ms": discard, "build_s": build_s, "load_s": load_s,
            "memory_bytes": memory, "sim_s": sim_s, "s_per_bio_s": sim_s / (duration / 1000.0),
            "rates_hz": rates, "reference": label, "deviation": deviation,
            "max_abs_deviation": max(abs(v) for v in deviation.values()),
            "num_spikes": int(sum(len(t) for t, _ in spikes.values())), "_spikes": digest}


def main(argv=None) -> int:
    from pygenn_cl.bench.records import add_record_arguments
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--backend", default="single_threaded_cpu")
    ap.add_argument("--scale", type=float, action="append", default=None, help="repeatable (default 0.1)")
    ap.add_argument("--form", choices=FORMS, action="append", default=None, help="repeatable (default both)")
    ap.add_argument("--duration", type=float, default=1000.0, help="biological time per run (ms)")
    ap.add_argument("--memory-only", action="store_true", help="compute the arenas from the layout; run nothing")
    add_record_arguments(ap, DEFAULT_RECORD)
    args = ap.parse_args(argv)
    scales, forms = args.scale or [0.1], args.form or list(FORMS)
    memory, results = [], []
    for scale in scales:
        for form in forms:
            if args.memory_only:
                _, _, model, pops = _model(args.backend, scale, form)
                m = {"scale": scale, "form": form, "neurons": sum(p.num_neurons for p in pops.values()),
                     **arena_bytes(model)}
                memory.append(m)
                print(f"scale {scale:g} {form:>10}: arena {m['arena'] / 2**20:,.1f} MiB (connectivity "
                      f"{m['connectivity'] / 2**20:,.1f} MiB, synapse variables {m['synapse variables'] / 2**20:,.1f} "
                      f"MiB, the rest {m['rest'] / 2**20:,.1f} MiB)", flush=True)
                continue
            r = run(args.backend, scale, form, args.duration)
            results.append(r)
            print(f"[{r['backend']}] scale {scale:g} {form}: memory {r['memory_bytes'] / 2**20:,.1f} MiB, build "
                  f"{r['build_s']:.2f} s, load {r['load_s']:.2f} s, {r['duration_ms']:g} ms simulated in "
                  f"{r['sim_s']:.2f} s ({r['s_per_bio_s']:.2f} s per biological second), {r['num_spikes']:,} spikes",
                  flush=True)
            print(f"    rates (Hz) against {r['reference']}: " + ", ".join(
                f"{p} {v:.2f} ({r['deviation'][p]:+.0%})" for p, v in r["rates_hz"].items())
                + f"; largest deviation {r['max_abs_deviation']:.0%}", flush=True)
        same = [r for r in results if r["scale"] == scale]
        if len(same) == 2:
            identical = same[0]["_spikes"] == same[1]["_spikes"]
            for r in same:
                r["spikes_identical_to_other_form"] = identical
            print(f"    scale {scale:g}: SPARSE and PROCEDURAL spikes are {'identical' if identical else 'different'}")
    for r in results:
        del r["_spikes"]
    if args.record:
        _record(args, argv, results, memory)
    return 0


def _record(args, argv, results, memory) -> None:
    from pygenn_cl.bench.records import (append_record, command_line, make_record, recorded_environment,
                                         report_appended, round_sig)
    command = command_line(__file__, sys.argv[1:] if argv is None else argv, recorded_environment())
    if memory:
        rows = [[f"{m['scale']:g}", m["form"].upper(), {"value": round_sig(m["arena"] / 2**20, 4), "bold": True},
                 {"value": round_sig(m["connectivity"] / 2**20, 4)}, {"value": round_sig(m["synapse variables"] / 2**20, 4)},
                 {"value": round_sig(m["rest"] / 2**20, 4)}] for m in memory]
        table = {"id": "memory", "columns": ["scale", "connectivity", {"label": "arena", "unit": "MiB", "sig": 4},
                                             {"label": "rows (ind, rowLength ...)", "unit": "MiB", "sig": 3},
                                             {"label": "weights and delays", "unit": "MiB", "sig": 3},
                                             {"label": "the rest", "unit": "MiB", "sig": 3}], "rows": rows}
        caption = ("Device memory the microcircuit needs on a GPU (its arena, recording 1000 steps), computed "
                   "from the layout of the code generated for CUDA (OpenCL's is the same); nothing was run or "
                   "allocated.")
        device = "none (computed for the CUDA target; no run)"
    else:
        rows = [[f"{r['scale']:g}", r["form"].upper(), {"value": round_sig(r["memory_bytes"] / 2**20, 4)},
                 {"value": round_sig(r["load_s"]), "sig": 3}, {"value": r["duration_ms"], "digits": 0},
                 {"value": round_sig(r["s_per_bio_s"]), "sig": 3, "bold": True},
                 {"value": round_sig(100 * r["max_abs_deviation"], 3), "digits": 1},
                 "yes" if r.get("spikes_identical_to_other_form") else
                 ("no" if "spikes_identical_to_other_form" in r else "–")] for r in results]
        table = {"id": "run", "columns": ["scale", "connectivity", {"label": "memory", "unit": "MiB", "sig": 4},
                                          {"label": "load", "unit": "s"}, {"label": "simulated", "unit": "ms"},
                                          {"label": "wall time per biological second", "unit": "s"},
                                          {"label": "largest rate deviation", "unit": "%"},
                                          "spikes identical to the other form"], "rows": rows}
        refs = sorted({r["reference"] for r in results})
        caption = (args.caption or "") + (" " if args.caption else "") + (
            "The microcircuit run with each form of connectivity: memory (the arena), load() and simulation "
            "wall time per second of biological time; rates against " + " and ".join(refs) + ".")
        device = f"{args.backend}: {results[0]['device']}"
    record = make_record(command=command, device=device, caption=caption.strip(), tables=[table],
                         opencl=args.backend == "opencl", data={"results": results, "memory": memory})
    rid = append_record(args.record, record, section=15,
                        title="PROCEDURAL connectivity: the microcircuit's memory and speed (bench_procedural.py)")
    report_appended(args.record, rid)


if __name__ == "__main__":
    sys.exit(main())
