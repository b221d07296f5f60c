#!/usr/bin/env python
"""Benchmark of the Izhikevich (2007) Pavlovian conditioning example (examples/izhikevich_pavlovian.py).

This measures and reports; it asserts nothing.  For each backend (default: every
available one) it simulates ``--duration`` seconds of biological time (default
60; ``--duration 3600`` for the full experiment) with spike recording on
(pulled every 1000 steps) and reports

* build + load time, simulation wall time and real-time factor (wall / biological);
* kernel times (``timing_enabled``: neuron update, synapse update incl. learning)
  and the per-step host overhead, (wall - kernel time) / steps;
* the extrapolated wall time for 1 h of biological time (wall * 3600 / duration);
* the mean firing rate and the learning summary (S1 weights vs others).

The project's target (PyGeNN paper: 48 s for 1 h on a Titan RTX) is 1 h of
biological time in at most 60 s on the C backend on one core; the result says
whether this run met it, extrapolated where the run was shorter.

Usage::

    python benchmarks/bench_pavlovian.py                      # 60 s on every backend
    python benchmarks/bench_pavlovian.py --duration 3600 --backend single_threaded_cpu

JSON goes to ``benchmarks/results/pavlovian_<backend>.json`` (or ``--out``).
"""
from __future__ import annotations

import argparse
import datetime
import os
import sys

from pygenn_cl.bench.common import example_module, write_result
from pygenn_cl.bench.machine import machine_description
from pygenn_cl.bench.records import (add_record_arguments, append_record, command_line, make_record,
                                     recorded_environment, report_appended, round_sig)

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_RECORD = os.path.join(HERE, "data", "03-pavlovian.json")
TARGET_S_PER_HOUR = 60.0


def bench(backend: str, duration_s: float, seed: int, precision: str, progress: bool) -> dict:
    pav = example_module("izhikevich_pavlovian")
    summary = pav.run(backend, duration_s=duration_s, seed=seed, precision=precision, progress=progress,
                      timing=True, verbose=False)
    steps = summary["steps"]
    kernel_s = summary["neuron_update_s"] + summary["synapse_update_s"]
    per_hour = summary["wall_s"] * 3600.0 / duration_s
    out = {
        "benchmark": "izhikevich_pavlovian",
        "backend": backend,
        "precision": precision,
        "seed": seed,
        "duration_s": duration_s,
        "steps": steps,
        "build_load_s": summary["build_load_s"],
        "wall_s": summary["wall_s"],
        "real_time_factor": summary["real_time_factor"],
        "neuron_update_s": summary["neuron_update_s"],
        "synapse_update_s": summary["synapse_update_s"],
        "kernel_s": kernel_s,
        "host_overhead_s": summary["wall_s"] - kernel_s,
        "host_overhead_us_per_step": 1e6 * (summary["wall_s"] - kernel_s) / steps,
        "wall_us_per_step": 1e6 * summary["wall_s"] / steps,
        "extrapolated_wall_s_per_hour": per_hour,
        "target_s_per_hour": TARGET_S_PER_HOUR,
        "meets_target": per_hour <= TARGET_S_PER_HOUR,
        "extrapolated": duration_s < 3600.0,
        "mean_rate_hz": summary.get("mean_rate_hz"),
        "learning": {k: v for k, v in summary.items()
                     if k.startswith(("mean_weight", "max_weight", "frac_", "response_", "num_"))},
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": machine_description(),
    }
    return out


def pavlovian_record(results: list, command: str, caption: str = "") -> dict:
    """A record (``pygenn_cl.bench.records``) of one run: a row per backend, as in RESULTS.md section 3."""
    def s(x, sig=3):
        return {"value": round_sig(x), "sig": sig}
    rows = []
    for r in results:
        lr = r["learning"]
        rows.append([f"{r['backend']}, {r['duration_s']:g} s", s(r["wall_s"]), s(r["real_time_factor"]),
                     s(r["neuron_update_s"]), s(r["synapse_update_s"]), s(r["host_overhead_us_per_step"]),
                     [s(r["extrapolated_wall_s_per_hour"]), "" if not r["extrapolated"] else " (extrapolated)"],
                     [s(lr["mean_weight_S1_out"]), " / ", s(lr["mean_weight_other_stimuli_out"])]])
    table = {"id": "pav-run", "columns": [
        "backend, biological time", {"label": "wall time", "unit": "s"}, "real-time factor",
        {"label": "neuron kernels", "unit": "s"}, {"label": "synapse kernels", "unit": "s"},
        {"label": "host overhead per step", "unit": "µs"}, {"label": "wall time per hour (target 60)", "unit": "s"},
        "S1's outgoing weights / other stimuli's"], "rows": rows}
    return make_record(command=command, device="; ".join(r["backend"] for r in results),
                       caption=caption or (f"{results[0]['precision']}, seed {results[0]['seed']}; kernel times "
                                           "from timed runs (SIMT backends wait for each kernel)."),
                       tables=[table], opencl=any(r["backend"] == "opencl" for r in results))


def main(argv=None) -> int:
    from pygenn_cl.backends import available_backends
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=60.0, help="biological seconds (default 60; 3600: full)")
    ap.add_argument("--backend", action="append", default=None, help="repeatable; default: all available")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--precision", default="float", choices=["float", "double"])
    ap.add_argument("--progress", action="store_true")
    ap.add_argument("--out", default=None, help="JSON path (one backend) or folder")
    add_record_arguments(ap, DEFAULT_RECORD)
    args = ap.parse_args(argv)
    backends = args.backend or list(available_backends())
    results = []
    for backend in backends:
        r = bench(backend, args.duration, args.seed, args.precision, args.progress)
        print(f"[{backend}] {args.duration:g} s biological: wall {r['wall_s']:.2f} s, RTF {r['real_time_factor']:.4f}, "
              f"build+load {r['build_load_s']:.1f} s")
        print(f"    kernels: neuron {r['neuron_update_s']:.2f} s, synapse {r['synapse_update_s']:.2f} s; "
              f"host overhead {r['host_overhead_us_per_step']:.2f} us/step of {r['wall_us_per_step']:.2f} us/step")
        print(f"    1 h of biological time: {r['extrapolated_wall_s_per_hour']:.1f} s "
              f"({'extrapolated' if r['extrapolated'] else 'measured'}; target {TARGET_S_PER_HOUR:g} s: "
              f"{'met' if r['meets_target'] else 'NOT met'}); rate {r['mean_rate_hz']:.2f} Hz")
        lr = r["learning"]
        print(f"    S1 outgoing weight {lr['mean_weight_S1_out']:.3f} vs other stimuli "
              f"{lr['mean_weight_other_stimuli_out']:.3f} (all exc {lr['mean_weight_all_exc']:.3f})")
        suffix = "" if args.duration == 60.0 else f"_{args.duration:g}s"
        path = write_result(r, args.out, os.path.join(HERE, "results"), f"pavlovian_{backend}{suffix}.json",
                            several=len(backends) > 1)
        print(f"    wrote {path}")
        results.append(r)
    if args.record:
        command = command_line(__file__, sys.argv[1:] if argv is None else argv, recorded_environment())
        report_appended(args.record, append_record(args.record, pavlovian_record(results, command, args.caption)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
