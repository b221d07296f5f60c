#!/usr/bin/env python3
"""One microcircuit (examples/potjans_microcircuit.py) benchmark run: one backend, one scale, one
variant.  Appends one JSON object (kind "bench") to --out and prints a one-line summary ("BENCH ...").
Run by ``benchmarks/gpu_check.sh``; ``benchmarks/gpu_summary.py`` tabulates the results and turns
them into records for benchmarks/data/.

Variants
  plain   the backend's defaults
  graphs  cuda_graphs=True (CUDA only): blocks of 100 steps as one CUDA graph, captured once
  timing  timing_enabled=True: per-kernel times from profiling events (OpenCL) or CUDA events

Timed section (after --warmup steps): --duration ms of biological time in chunks of 1000 steps,
each chunk = run_steps(1000) + pull_recording_buffers_from_device() + decoding the spikes (what the
example does), each part timed on its own; then the same number of steps again as one run_steps()
call with no pulls (device throughput); then --step-calls single step_time() calls.
"""
import argparse
import json
import math
import os
import sys
import time
import traceback
import warnings


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repo", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--backend", required=True)
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--duration", type=float, default=1000.0, help="timed biological ms")
    ap.add_argument("--variant", default="plain", choices=["plain", "graphs", "timing"])
    ap.add_argument("--pref", action="append", default=[], help="extra backend preference KEY=JSON")
    ap.add_argument("--presyn", type=int, default=0,
                    help="N > 0: every projection presynaptic-parallel with N threads per spike")
    ap.add_argument("--warmup", type=int, default=1000, help="warm-up steps before timing")
    ap.add_argument("--step-calls", type=int, default=2000, help="single step_time() calls timed at the end")
    ap.add_argument("--build-root", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "gpu_check", "build"))
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    res = {"kind": "bench", "backend": args.backend, "scale": args.scale, "variant": args.variant,
           "duration_ms": args.duration, "ok": False, "prefs": {}}
    t_start = time.perf_counter()
    try:
        sys.path.insert(0, os.path.join(args.repo, "examples"))
        import potjans_microcircuit as pm

        prefs = {}
        if args.variant == "graphs":
            prefs["cuda_graphs"] = True
        from pygenn_cl.bench.common import parse_preference
        from pygenn_cl.bench.microcircuit import run_recording
        prefs.update(parse_preference(item) for item in args.pref)
        res["prefs"] = dict(prefs)
        params, source = pm.load_params()
        res["params_source"] = source
        tag = f"{args.backend}_{args.scale:g}_{args.variant}".replace(".", "p")
        t0 = time.perf_counter()
        # one model name per scale: variants that change no code (cuda_graphs, block sizes are
        # options) reuse the cached build where they can
        model, pops = pm.build_model(args.backend, args.scale, args.scale, seed=1234, record=True,
                                     params=params, model_name=f"pd14_{args.scale:g}".replace(".", "p"), **prefs)
        model.timing_enabled = args.variant == "timing"
        if args.presyn > 0:
            from pygenn_cl import ParallelismHint
            for sg in model.synapse_populations.values():
                sg.parallelism_hint = ParallelismHint.PRESYNAPTIC
                sg.num_threads_per_spike = args.presyn
            res["prefs"]["presynaptic_threads_per_spike"] = args.presyn
            tag += f"_pre{args.presyn}"
        res["device"] = model._backend.describe_device()
        res["num_neurons"] = int(sum(p.size for p in pops.values()))
        res["num_synapses"] = int(sum(pm.num_synapses(params, args.scale, args.scale).values()))
        res["define_s"] = time.perf_counter() - t0

        path = os.path.join(args.build_root, tag)
        os.makedirs(path, exist_ok=True)
        t0 = time.perf_counter()
        model.build(path_to_model=path)
        res["build_s"] = time.perf_counter() - t0

        chunk = 1000
        t0 = time.perf_counter()
        model.load(num_recording_timesteps=chunk)
        res["load_s"] = time.perf_counter() - t0
        res["arena_bytes"] = int(model._runtime.layout.nbytes)
        res["arena_segments"] = len(model._runtime.layout.segments)
        stepper = model._stepper
        cython_stepper = getattr(stepper, "stepper", None)
        res["uses_graphs"] = bool(getattr(cython_stepper, "uses_graphs", False))
        res["step_kernels"] = list(getattr(stepper, "step_kinds", []))
        if args.backend == "cuda":
            try:
                free, total_mem = stepper.context.memory_info()
                res["gpu_mem_used_gib_after_load"] = (total_mem - free) / 2**30
            except Exception as exc:  # noqa: BLE001
                res["gpu_mem_note"] = str(exc)[:200]

        # warm-up (first launches, lazy module loading, caches)
        t0 = time.perf_counter()
        model.run_steps(args.warmup)
        model.pull_recording_buffers_from_device()
        res["warmup_s"] = time.perf_counter() - t0
        k0 = (model.neuron_update_time, model.presynaptic_update_time) if args.variant == "timing" else None

        dt = model.dt
        total = int(round(args.duration / dt))
        start_ms = model.t
        spikes, phases = run_recording(model, pops, total, chunk)
        run_s, pull_s, decode_s = phases["run_steps_s"], phases["pull_s"], phases["decode_s"]
        end_ms = model.t
        bio_s = total * dt / 1000.0
        sim_s = run_s + pull_s + decode_s
        res.update(steps=total, bio_s=bio_s, run_s=run_s, pull_s=pull_s, decode_s=decode_s, sim_s=sim_s,
                   rtf_example=sim_s / bio_s, rtf_run_chunks=run_s / bio_s,
                   us_per_step_run_chunks=1e6 * run_s / total)
        if args.variant == "timing":
            res["neuron_update_us_per_step"] = 1e6 * (model.neuron_update_time - k0[0]) / total
            res["synapse_kernels_us_per_step"] = 1e6 * (model.presynaptic_update_time - k0[1]) / total
            res["init_s"] = model.init_time
            res["init_sparse_s"] = model.init_sparse_time

        counts = {name: int(times.size) for name, (times, _ids) in spikes.items()}
        span_s = (end_ms - start_ms) / 1000.0
        rates = {name: counts[name] / (pops[name].size * span_s) for name in pops}
        res["spikes"] = counts
        res["rates_hz"] = rates
        ref_full = params["reference_mean_rates_hz"]
        res["rates_vs_fullscale_ref"] = {p: rates[p] / ref_full[p] for p in rates}
        down = params.get("downscaled_rates_measured_hz", {}).get("pygenn_5.4.0")
        if down and abs(args.scale - 0.1) < 1e-9:
            res["rates_within_20pct_of_pygenn_0p1"] = all(abs(rates[p] - down[p]) <= 0.2 * down[p] for p in down)
        res["silent"] = sum(counts.values()) == 0
        res["any_nan_rate"] = any(not math.isfinite(r) for r in rates.values())

        # device throughput: the same number of steps in one call, no pulls
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            model.run_steps(total)
            run_only = time.perf_counter() - t0
        res.update(run_only_s=run_only, rtf_run_only=run_only / bio_s, us_per_step_run_only=1e6 * run_only / total)
        res["graph_launches"] = int(getattr(cython_stepper, "graph_launches", 0) or 0)

        # single step_time() calls from Python (host cost per call; launches are asynchronous)
        n_calls = max(args.step_calls, 1)
        t0 = time.perf_counter()
        for _ in range(n_calls):
            model.step_time()
        t1 = time.perf_counter()
        res["us_per_step_time_call_host"] = 1e6 * (t1 - t0) / n_calls
        model.unload()
        res["ok"] = True
    except BaseException:  # noqa: BLE001 - report everything, including KeyboardInterrupt
        res["error"] = traceback.format_exc()[-4000:]
    res["wall_s"] = time.perf_counter() - t_start
    with open(args.out, "a") as f:
        f.write(json.dumps(res) + "\n")
    if res["ok"]:
        extra = ""
        if args.variant == "timing":
            extra = (f" neuron {res['neuron_update_us_per_step']:.1f} us/step,"
                     f" synapse {res['synapse_kernels_us_per_step']:.1f} us/step,")
        rate_note = ""
        if "rates_within_20pct_of_pygenn_0p1" in res:
            rate_note = f" rates within 20% of PyGeNN(0.1): {res['rates_within_20pct_of_pygenn_0p1']}"
        print(f"BENCH {args.backend:6s} scale {args.scale:<4g} {args.variant:7s} OK  build {res['build_s']:.1f}s"
              f" load {res['load_s']:.1f}s | RTF example-style {res['rtf_example']:.3f}"
              f" (run {res['run_s']:.2f}s pull {res['pull_s']:.2f}s decode {res['decode_s']:.2f}s)"
              f" | RTF run-only {res['rtf_run_only']:.3f} = {res['us_per_step_run_only']:.1f} us/step |{extra}"
              f" step_time() host {res['us_per_step_time_call_host']:.1f} us/call |"
              f" rates " + " ".join(f"{p}:{r:.2f}" for p, r in res["rates_hz"].items()) + rate_note,
              flush=True)
    else:
        last = res["error"].strip().splitlines()[-1] if res.get("error") else "?"
        print(f"BENCH {args.backend:6s} scale {args.scale:<4g} {args.variant:7s} FAILED: {last}", flush=True)
        print(res.get("error", ""), file=sys.stderr)
    return 0 if res["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
