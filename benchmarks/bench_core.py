#!/usr/bin/env python
"""Core benchmark of pygenn_cl (issue 2): per-step Python overhead and a 10k-neuron LIF network.

This is a benchmark, not a test: it measures and reports, it never asserts on times.

For every backend (default: all of ``pygenn_cl.backends.available_backends()``) it reports

1. the per-call cost of ``model.step_time()`` on a one-neuron LIF model, measured with
   ``timeit.repeat`` (minimum over repeats), next to the cost of a no-op Python method
   call measured in the same run, and their ratio; plus the per-step cost of
   ``model.run_steps(n)`` (one call for many steps);
2. a 10,000-neuron LIF network (8000 excitatory + 2000 inhibitory, SPARSE
   FixedProbability(0.1) connectivity, ~10^7 StaticPulse synapses, ExpCurr synapses)
   simulated for 1 s of biological time at dt = 0.1 ms with spike recording on:
   load time, simulation wall time, real-time factor, firing rate, number of
   synapses, synaptic events per second, neuron/presynaptic update kernel times;
3. cold (fresh ``PYGENN_CL_CACHE_DIR``) and warm (same process, new ``GeNNModel``
   describing the same network) ``build()`` times of that network.

Usage::

    python benchmarks/bench_core.py                       # every available backend
    python benchmarks/bench_core.py --backend single_threaded_cpu --out results.json
    python benchmarks/bench_core.py --quick               # smoke run, small sizes

Results are printed and written as JSON (default ``benchmarks/results/core_<backend>.json``).
"""
from __future__ import annotations

import argparse
import datetime
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import time
import timeit

import numpy as np

import pygenn_cl
from pygenn_cl.bench.common import check_backends, fresh_cache_env, write_json
from pygenn_cl.bench.machine import machine_description
from pygenn_cl.bench.records import (add_record_arguments, append_record, command_line, make_record,
                                     recorded_environment, report_appended, round_sig)
from pygenn_cl import GeNNModel, init_postsynaptic, init_sparse_connectivity, init_var, init_weight_update
from pygenn_cl.backends import available_backends

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_RECORD = os.path.join(HERE, "data", "01-core.json")

# ---------------------------------------------------------------------------------------------
# Network parameters (full size).  Current-based LIF network in the style of Vogels & Abbott
# (2005) / Brunel (2000): every neuron receives a suprathreshold constant drive and recurrent
# excitation and (stronger) inhibition through exponentially decaying currents.
# ---------------------------------------------------------------------------------------------
N_EXC, N_INH = 8000, 2000
PROB = 0.1
DT = 0.1                       # ms
SIM_MS = 1000.0                # 1 s of biological time
LIF_PARAMS = {"C": 0.2, "TauM": 20.0, "Vrest": -60.0, "Vreset": -60.0, "Vthresh": -50.0,
              "Ioffset": 0.11, "TauRefrac": 2.0}
W_EXC = 0.0025                 # nA, StaticPulse weight of excitatory synapses (at N = 10,000)
W_INH = -0.009                 # nA, inhibitory
TAU_EXC, TAU_INH = 5.0, 10.0   # ms, ExpCurr time constants


# ---------------------------------------------------------------------------------------------
# 1. Per-step Python overhead
# ---------------------------------------------------------------------------------------------
class A:
    def noop(self):
        pass


def bench_step_overhead(backend: str, workdir: str, quick: bool) -> dict:
    model = GeNNModel("float", "tiny_lif", backend=backend)
    model.dt = DT
    model.add_neuron_population("n", 1, "LIF", LIF_PARAMS, {"V": -60.0, "RefracTime": 0.0})
    model.build(workdir)
    model.load()

    fast = backend == "single_threaded_cpu"
    number = (10**5 if quick else 10**6) if fast else (10**4 if quick else 10**5)
    repeat = 3 if quick else 5
    a = A()
    ns = {"m": model, "a": a}
    # Warm up both (first calls fault pages in, specialise bytecode).
    timeit.timeit("m.step_time()", number=1000, globals=ns)
    timeit.timeit("a.noop()", number=1000, globals=ns)
    # Interleave the two measurements so that slow drifts of the machine hit both alike.
    step_times, noop_times = [], []
    for _ in range(repeat):
        step_times.append(min(timeit.repeat("m.step_time()", number=number, repeat=1, globals=ns)))
        noop_times.append(min(timeit.repeat("a.noop()", number=number, repeat=1, globals=ns)))
    step_us = min(step_times) / number * 1e6
    noop_us = min(noop_times) / number * 1e6

    n_run = 10**6 if not quick else 10**5
    if not fast:
        n_run //= 10
    model.run_steps(1000)
    run_times = []
    for _ in range(3):
        t0 = time.perf_counter()
        model.run_steps(n_run)
        run_times.append(time.perf_counter() - t0)
    run_us = min(run_times) / n_run * 1e6
    model.unload()
    return {"step_time_us": step_us, "noop_call_us": noop_us, "ratio": step_us / noop_us,
            "timeit_number": number, "timeit_repeat": repeat,
            "step_time_all_us": [t / number * 1e6 for t in step_times],
            "noop_all_us": [t / number * 1e6 for t in noop_times],
            "run_steps_per_step_us": run_us, "run_steps_n": n_run}


# ---------------------------------------------------------------------------------------------
# 2./3. 10k LIF network
# ---------------------------------------------------------------------------------------------
def make_network(backend: str, n_exc: int, n_inh: int, name: str = "lif_net", timing: bool = False) -> GeNNModel:
    model = GeNNModel("float", name, backend=backend)
    model.dt = DT
    model.seed = 1234
    # Kernel timers make SIMT backends wait for every kernel, so the wall time is measured
    # without them and the breakdown comes from a second run with them.
    model.timing_enabled = timing
    scale = 10000.0 / (n_exc + n_inh)   # keep the mean input per neuron the same at smaller sizes
    lif_vars = {"V": init_var("Uniform", {"min": LIF_PARAMS["Vreset"], "max": LIF_PARAMS["Vthresh"]}),
                "RefracTime": 0.0}
    exc = model.add_neuron_population("E", n_exc, "LIF", LIF_PARAMS, lif_vars)
    inh = model.add_neuron_population("I", n_inh, "LIF", LIF_PARAMS, lif_vars)
    exc.spike_recording_enabled = True
    inh.spike_recording_enabled = True
    conn = init_sparse_connectivity("FixedProbability", {"prob": PROB})
    for src_name, src, w, tau in (("E", exc, W_EXC * scale, TAU_EXC), ("I", inh, W_INH * scale, TAU_INH)):
        for trg_name, trg in (("E", exc), ("I", inh)):
            model.add_synapse_population(
                f"{src_name}{trg_name}", "SPARSE", src, trg,
                init_weight_update("StaticPulse", {}, {"g": w}),
                init_postsynaptic("ExpCurr", {"tau": tau}),
                conn)
    return model


def bench_network(backend: str, workdir: str, quick: bool) -> dict:
    n_exc, n_inh = (1600, 400) if quick else (N_EXC, N_INH)
    sim_ms = 200.0 if quick else SIM_MS
    n_steps = int(round(sim_ms / DT))
    out = {"n_exc": n_exc, "n_inh": n_inh, "prob": PROB, "dt_ms": DT, "sim_ms": sim_ms, "steps": n_steps}

    # -- cold build: every compiler cache fresh, in a child process -------------------------
    # pygenn_cl's library cache (PYGENN_CL_CACHE_DIR) is not the only one: OpenCL drivers
    # (PoCL, PyOpenCL) and CUDA keep kernel caches of their own, and a process that has
    # already created an OpenCL context has paid costs a new user pays once.  So the cold
    # build runs in a fresh interpreter with all of them pointed at an empty directory.
    cache = tempfile.mkdtemp(prefix="pygenn_cl_cache_")
    out["build_cold_s"] = cold_build_in_child(backend, n_exc, n_inh, cache, os.path.join(workdir, "cold"))

    # -- first build in this process, fresh PYGENN_CL_CACHE_DIR (driver caches as they are) --
    old_cache = os.environ.get("PYGENN_CL_CACHE_DIR")
    os.environ["PYGENN_CL_CACHE_DIR"] = os.path.join(cache, "in_process")
    try:
        model = make_network(backend, n_exc, n_inh)
        t0 = time.perf_counter()
        model.build(os.path.join(workdir, "first"))
        out["build_first_in_process_s"] = time.perf_counter() - t0
        del model
        gc.collect()

        # -- warm build: same process, new GeNNModel describing the same network ------------
        model = make_network(backend, n_exc, n_inh)
        t0 = time.perf_counter()
        model.build(os.path.join(workdir, "warm"))
        out["build_warm_s"] = time.perf_counter() - t0
    finally:
        if old_cache is None:
            os.environ.pop("PYGENN_CL_CACHE_DIR", None)
        else:
            os.environ["PYGENN_CL_CACHE_DIR"] = old_cache

    # -- load (allocation, variable and connectivity initialisation) ------------------------
    t0 = time.perf_counter()
    model.load(num_recording_timesteps=n_steps)
    out["load_s"] = time.perf_counter() - t0

    # -- simulate ---------------------------------------------------------------------------
    t0 = time.perf_counter()
    model.run_steps(n_steps)
    out["sim_wall_s"] = time.perf_counter() - t0
    out["realtime_factor"] = out["sim_wall_s"] / (sim_ms / 1000.0)

    # -- kernel time breakdown: the same run again with kernel timers -------------------------
    timed = make_network(backend, n_exc, n_inh, "lif_net_timed", timing=True)
    timed.build(os.path.join(workdir, "timed"))
    timed.load(num_recording_timesteps=n_steps)
    out["init_kernel_s"] = timed.init_time
    out["init_sparse_kernel_s"] = timed.init_sparse_time
    timed.run_steps(n_steps)
    out["neuron_update_s"] = timed.neuron_update_time
    out["presynaptic_update_s"] = timed.presynaptic_update_time
    timed.unload()

    t0 = time.perf_counter()
    model.pull_recording_buffers_from_device()
    out["pull_recording_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    spike_ids = {}
    for name in ("E", "I"):
        _, ids = model.neuron_populations[name].spike_recording_data[0]   # decodes the bitfield
        spike_ids[name] = ids.astype(np.int64)
    out["decode_recording_s"] = time.perf_counter() - t0
    spikes = {name: len(ids) for name, ids in spike_ids.items()}
    out["spikes_exc"], out["spikes_inh"] = spikes["E"], spikes["I"]
    out["rate_exc_hz"] = spikes["E"] / n_exc / (sim_ms / 1000.0)
    out["rate_inh_hz"] = spikes["I"] / n_inh / (sim_ms / 1000.0)
    out["rate_mean_hz"] = (spikes["E"] + spikes["I"]) / (n_exc + n_inh) / (sim_ms / 1000.0)

    # -- synapses and synaptic events -------------------------------------------------------
    t0 = time.perf_counter()
    n_syn, syn_events = 0, 0
    for sg in model.synapse_populations.values():
        sg.pull_connectivity_from_device()
        pre = sg.get_sparse_pre_inds()
        n_syn += len(pre)
        # events = sum over presynaptic spikes of that neuron's row length
        row_len = np.bincount(pre, minlength=sg.src.size)
        syn_events += int(row_len[spike_ids[sg.src.name]].sum())
    out["connectivity_pull_s"] = time.perf_counter() - t0
    out["synapses"] = n_syn
    out["synaptic_events"] = syn_events
    out["synaptic_events_per_s"] = syn_events / out["sim_wall_s"]
    model.unload()
    shutil.rmtree(cache, ignore_errors=True)
    return out


def cold_build_in_child(backend: str, n_exc: int, n_inh: int, cache: str, build_dir: str) -> float:
    env = fresh_cache_env(cache)
    cmd = [sys.executable, os.path.abspath(__file__), "--_cold-build", backend, str(n_exc), str(n_inh), build_dir]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"cold build in a child process failed:\n{result.stderr}")
    return float(result.stdout.strip().splitlines()[-1])


def _cold_build_child(backend: str, n_exc: str, n_inh: str, build_dir: str) -> int:
    model = make_network(backend, int(n_exc), int(n_inh))
    t0 = time.perf_counter()
    model.build(build_dir)
    print(time.perf_counter() - t0)
    return 0


# ---------------------------------------------------------------------------------------------
def run_backend(backend: str, quick: bool) -> dict:
    workdir = tempfile.mkdtemp(prefix="bench_core_")
    try:
        probe = GeNNModel("float", "probe", backend=backend)
        device = probe._backend.describe_device()
        print(f"\n=== backend {backend}: {device}", flush=True)
        step = bench_step_overhead(backend, workdir, quick)
        print(f"  step_time(): {step['step_time_us']:.4f} us/call; no-op method call "
              f"{step['noop_call_us']:.4f} us; ratio {step['ratio']:.2f}x; "
              f"run_steps: {step['run_steps_per_step_us']:.4f} us/step", flush=True)
        net = bench_network(backend, workdir, quick)
        print(f"  network: build cold {net['build_cold_s']:.2f} s, first in process "
              f"{net['build_first_in_process_s']:.2f} s, warm {net['build_warm_s']:.3f} s, "
              f"load {net['load_s']:.2f} s, sim {net['sim_wall_s']:.2f} s, "
              f"rate {net['rate_mean_hz']:.2f} Hz", flush=True)
        return {"backend": backend, "device": device, "step_overhead": step, "network": net}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def print_table(results: list, machine: dict) -> None:
    print("\n" + "=" * 78)
    print(f"pygenn_cl {pygenn_cl.__version__}; machine: {machine['cpu']}, {machine['cores']} cores, "
          f"{machine['memory_gib']} GiB; Python {machine['python']}; {machine['compiler']}")
    for r in results:
        s, n = r["step_overhead"], r["network"]
        rows = [
            ("device", r["device"]),
            ("step_time() per call", f"{s['step_time_us']:.4f} us  (min of {s['timeit_repeat']} x "
                                     f"{s['timeit_number']:.0e} calls)"),
            ("no-op method call", f"{s['noop_call_us']:.4f} us"),
            ("step_time / no-op", f"{s['ratio']:.2f}x  (target <= 3x)"),
            ("run_steps per step (1 neuron)", f"{s['run_steps_per_step_us']:.4f} us"),
            ("network", f"{n['n_exc']}+{n['n_inh']} LIF, p={n['prob']}, {n['sim_ms']:.0f} ms "
                        f"at dt={n['dt_ms']} ms ({n['steps']} steps)"),
            ("synapses", f"{n['synapses']:,}"),
            ("build, cold (new process, caches empty)", f"{n['build_cold_s']:.2f} s"),
            ("build, first in this process", f"{n['build_first_in_process_s']:.2f} s  (fresh "
                                             "PYGENN_CL_CACHE_DIR only)"),
            ("build, warm (cached)", f"{n['build_warm_s']:.3f} s"),
            ("load (incl. connectivity init)", f"{n['load_s']:.2f} s  (init incl. connectivity "
                                               f"{n['init_kernel_s']:.2f} s, sparse init "
                                               f"{n['init_sparse_kernel_s']:.2f} s)"),
            ("simulation wall time", f"{n['sim_wall_s']:.2f} s"),
            ("real-time factor (wall/bio)", f"{n['realtime_factor']:.2f}"),
            ("  neuron update", f"{n['neuron_update_s']:.3f} s"),
            ("  presynaptic update", f"{n['presynaptic_update_s']:.3f} s"),
            ("mean rate (E / I)", f"{n['rate_mean_hz']:.2f} Hz ({n['rate_exc_hz']:.2f} / "
                                  f"{n['rate_inh_hz']:.2f})"),
            ("pull recording / decode spikes", f"{n['pull_recording_s']:.3f} s / "
                                               f"{n['decode_recording_s']:.3f} s"),
            ("pull connectivity + pre inds", f"{n['connectivity_pull_s']:.3f} s"),
            ("synaptic events", f"{n['synaptic_events']:,}"),
            ("synaptic events per second", f"{n['synaptic_events_per_s']:.3e}"),
        ]
        print(f"\n[{r['backend']}]")
        for k, v in rows:
            print(f"  {k:<40} {v}")
    print("=" * 78)


def core_record(results: list, command: str, caption: str = "") -> dict:
    """A record (``pygenn_cl.bench.records``) of one run: the rows of RESULTS.md's section 1."""
    def s(x, sig=3):
        return {"value": round_sig(x), "sig": sig}

    def row(label, unit, cells, **fmt):
        return dict({"label": label, "unit": unit} if unit else {"label": label}, **fmt, cells=cells)

    st = [r["step_overhead"] for r in results]
    nw = [r["network"] for r in results]
    rows = [
        row("`model.step_time()` per call, 1-neuron model", "µs", [s(x["step_time_us"]) for x in st]),
        row("no-op Python method call, same run", "µs", [s(x["noop_call_us"]) for x in st]),
        row("ratio step_time / no-op (target ≤ 3×)", "×", [s(x["ratio"]) for x in st]),
        row("`run_steps(n)`, per step", "µs", [s(x["run_steps_per_step_us"]) for x in st]),
        row("build, cold (new process, every cache empty)", "s", [s(n["build_cold_s"]) for n in nw]),
        row("build, first in this process (fresh PYGENN_CL_CACHE_DIR only)", "s",
            [s(n["build_first_in_process_s"]) for n in nw]),
        row("build, warm (unchanged model, new `GeNNModel`)", "s", [s(n["build_warm_s"]) for n in nw]),
        row("load (allocation, variable and connectivity initialisation)", "s", [s(n["load_s"]) for n in nw]),
        row("**simulation**", "s", [dict(s(n["sim_wall_s"]), bold=True) for n in nw]),
        row("real-time factor", None, [s(n["realtime_factor"]) for n in nw]),
        row("neuron / presynaptic kernel time (separate timed run)", "s",
            [[s(n["neuron_update_s"]), " / ", s(n["presynaptic_update_s"])] for n in nw]),
        row("mean rate (E / I)", "Hz", [[s(n["rate_exc_hz"]), " / ", s(n["rate_inh_hz"])] for n in nw]),
        row("synapses", None, [n["synapses"] for n in nw]),
        row("synaptic events", None, [n["synaptic_events"] for n in nw]),
        row("synaptic events per second", None, [{"value": round_sig(n["synaptic_events_per_s"], 3), "sci": 2}
                                                 for n in nw]),
    ]
    n = nw[0]
    return make_record(
        command=command, device="; ".join(f"{r['backend']}: {r['device']}" for r in results),
        caption=caption or (f"{'[--quick] ' if results[0]['quick'] else ''}Network of {n['n_exc']} + {n['n_inh']} "
                            f"LIF neurons, p = {n['prob']}, {n['sim_ms']:g} ms of biological time."),
        tables=[{"id": "core-run", "columns": [""] + [r["backend"] for r in results], "rows": rows}],
        opencl=any(r["backend"] == "opencl" for r in results))


def main(argv=None) -> int:
    argv_list = sys.argv[1:] if argv is None else argv
    if argv_list[:1] == ["--_cold-build"]:
        return _cold_build_child(*argv_list[1:5])
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", action="append",
                        help="backend to run (may be repeated); default: every available backend")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--out", help="JSON output file (one backend) or, with several backends, a "
                                      "file holding all; default benchmarks/results/core_<backend>.json")
    add_record_arguments(parser, DEFAULT_RECORD)
    args = parser.parse_args(argv)

    backends = args.backend or available_backends()
    check_backends(parser, backends)
    machine = machine_description()
    print(f"pygenn_cl {pygenn_cl.__version__} on {machine['cpu']} ({machine['cores']} cores); "
          f"backends: {', '.join(backends)}" + ("  [--quick]" if args.quick else ""))
    stamp = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    command = command_line(__file__, argv_list, recorded_environment())
    results = []
    for backend in backends:
        r = run_backend(backend, args.quick)
        r.update({"date": stamp, "machine": machine, "pygenn_cl_version": pygenn_cl.__version__,
                  "quick": args.quick, "command": command})
        results.append(r)
        if not args.out:
            path = write_json(os.path.join(HERE, "results", f"core_{backend}{'_quick' if args.quick else ''}.json"), r)
            print(f"  wrote {path}")
    if args.out:
        print(f"wrote {write_json(args.out, results[0] if len(results) == 1 else results)}")
    print_table(results, machine)
    if args.record:
        rid = append_record(args.record, core_record(results, command, args.caption))
        report_appended(args.record, rid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
