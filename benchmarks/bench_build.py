#!/usr/bin/env python
"""Warm rebuild of an unchanged model against its cold build, per backend.

This measures and reports; it asserts nothing.  The model has 50 neuron populations and 100
synapse groups of several built-in models (LIF, Izhikevich, IzhikevichVariable, Poisson,
RulkovMap, TraubMiles; DeltaCurr, ExpCurr, ExpCond; StaticPulse, StaticPulseConstantWeight,
StaticPulseDendriticDelay, StaticGraded, STDP), SPARSE (six connectivity snippets) and DENSE,
with sizes, parameters, initialisation and delays drawn from a fixed seed, so that every
process describes the same network and the groups do not all merge into one.  It is built
with the public API only.

For each backend and each of ``--repeats`` rounds, with a new empty cache directory:

1. cold: a fresh interpreter with every compiler cache (``PYGENN_CL_CACHE_DIR``,
   ``XDG_CACHE_HOME``, ``POCL_CACHE_DIR``, ``PYOPENCL_CACHE_DIR``, ``CUDA_CACHE_PATH``) pointed
   at that empty directory builds and loads the model;
2. warm, fresh process: another fresh interpreter with the same caches builds and loads the
   unchanged model into the same build directory;
3. warm, same process: that interpreter then describes the network again in a new
   ``GeNNModel`` and builds and loads it.

``build()`` and ``load()`` are timed apart (an OpenCL CPU runtime such as PoCL compiles part
of each kernel when it is first launched, which ``load()`` does), and the minimum over rounds
of each is reported with every round kept, with the warm/cold ratios.  The project's target:
an unchanged model rebuilds in at most a tenth of its cold build time.

Usage::

    python benchmarks/bench_build.py                          # every available backend, 3 rounds
    python benchmarks/bench_build.py --backend opencl --repeats 5
    python benchmarks/bench_build.py --record                 # also append to benchmarks/data/11-build.json

JSON goes to ``benchmarks/results/build_<backend>.json`` (or ``--out``).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Dict, List

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_NAME = "bench_build"
NUM_NEURON_POPULATIONS = 50
NUM_SYNAPSE_GROUPS = 100
RECORDING_STEPS = 100
TARGET_RATIO = 0.1
SEED = 20261124             # of the network's description: the same network in every process
DEFAULT_RECORD = os.path.join(HERE, "data", "11-build.json")
RECORD_SECTION = 11
RECORD_TITLE = "Warm rebuild of an unchanged model (50 neuron populations, 100 synapse groups)"

# -- the network --------------------------------------------------------------------------------
NEURON_KINDS = (["LIF"] * 14 + ["Izhikevich"] * 10 + ["IzhikevichVariable"] * 6 + ["Poisson"] * 8
                + ["RulkovMap"] * 6 + ["TraubMiles"] * 6)
WU_KINDS = (["StaticPulse"] * 40 + ["StaticPulseConstantWeight"] * 15 + ["StaticPulseDendriticDelay"] * 10
            + ["StaticGraded"] * 10 + ["STDP"] * 25)
SIZES = (20, 50, 64, 100, 150, 200, 300, 500, 800, 1000, 1500)
IZH_TYPES = ((0.02, 0.2, -65.0, 8.0), (0.1, 0.2, -65.0, 2.0), (0.02, 0.2, -50.0, 2.0), (0.02, 0.2, -55.0, 4.0))
assert len(NEURON_KINDS) == NUM_NEURON_POPULATIONS and len(WU_KINDS) == NUM_SYNAPSE_GROUPS


def describe_network(backend: str, genn=None, **preferences):
    """A ``GeNNModel`` of the benchmark's network (public API only); the same on every call.
    ``genn``: the module of PyGeNN's API to use (default pygenn_cl; PyGeNN's ``pygenn`` when
    ``pygenn_cl.bench.genn_workloads`` runs it as a peer), ``preferences``: backend keywords."""
    if genn is None:
        import pygenn_cl as genn
    GeNNModel, init_postsynaptic, init_sparse_connectivity, init_var, init_weight_update = (
        genn.GeNNModel, genn.init_postsynaptic, genn.init_sparse_connectivity, genn.init_var,
        genn.init_weight_update)
    rng = np.random.default_rng(SEED)
    model = GeNNModel("float", MODEL_NAME, backend=backend, **preferences)
    model.dt = 0.1
    model.seed = 1234

    def r(lo, hi, digits=3):
        return round(float(rng.uniform(lo, hi)), digits)

    pops = []
    order = rng.permutation(len(NEURON_KINDS))
    for i, k in enumerate(order):
        kind = NEURON_KINDS[k]
        n = int(rng.choice(SIZES))
        name = f"{kind}{i}"
        if kind == "LIF":
            params = {"C": r(0.1, 0.5), "TauM": r(10.0, 30.0, 1), "Vrest": -65.0 + r(0, 5, 1),
                      "Vreset": -70.0 + r(0, 5, 1), "Vthresh": -50.0 - r(0, 5, 1), "Ioffset": r(0.0, 0.5),
                      "TauRefrac": r(1.0, 5.0, 1)}
            init = {"V": init_var("Uniform", {"min": -70.0, "max": -55.0}) if i % 2 else -65.0,
                    "RefracTime": 0.0}
        elif kind == "Izhikevich":
            a, b, c, d = IZH_TYPES[i % len(IZH_TYPES)]
            params = {"a": a, "b": b, "c": c, "d": d}
            init = {"V": init_var("Normal", {"mean": -65.0, "sd": r(1.0, 5.0)}), "U": -13.0}
        elif kind == "IzhikevichVariable":
            params = {}
            init = {"V": -65.0, "U": init_var("Uniform", {"min": -15.0, "max": -11.0}),
                    "a": init_var("Uniform", {"min": 0.02, "max": 0.1}), "b": r(0.2, 0.25),
                    "c": -65.0 + r(0, 15, 1), "d": r(2.0, 8.0)}
        elif kind == "Poisson":
            params = {"rate": r(1.0, 50.0, 1)}
            init = {"timeStepToSpike": 0.0}
        elif kind == "RulkovMap":
            params = {"Vspike": 60.0, "alpha": r(2.5, 3.5), "y": -2.468, "beta": r(0.01, 0.02, 4)}
            init = {"V": -60.0, "preV": -60.0}
        else:  # TraubMiles
            params = {"gNa": 7.15, "ENa": 50.0, "gK": r(1.2, 1.6), "EK": -95.0, "gl": 0.02672,
                      "El": -63.563, "C": 0.143}
            init = {"V": -60.0, "m": 0.0529324, "h": 0.3176767, "n": 0.5961207}
        pop = model.add_neuron_population(name, n, kind, params, init)
        if i % 5 == 0:
            pop.spike_recording_enabled = True
        pops.append((pop, kind, n))
        if kind == "LIF" and i % 3 == 0:
            model.add_current_source(f"dc{i}", "DC", pop, {"amp": r(0.1, 0.6)})
        elif kind == "LIF" and i % 3 == 1:
            model.add_current_source(f"pexp{i}", "PoissonExp", pop,
                                     {"weight": r(0.05, 0.2), "tauSyn": 5.0, "rate": r(10.0, 100.0, 1)},
                                     {"current": 0.0})
        elif kind == "Izhikevich" and i % 2 == 0:
            model.add_current_source(f"noise{i}", "GaussianNoise", pop, {"mean": r(0.0, 5.0), "sd": r(1.0, 3.0)})

    targets = [p for p in pops if p[1] != "Poisson"]
    with_v = targets                    # every model but Poisson has a membrane voltage V
    wu_order = rng.permutation(len(WU_KINDS))
    for j, k in enumerate(wu_order):
        wu = WU_KINDS[k]
        src = with_v[int(rng.integers(len(with_v)))] if wu == "StaticGraded" else pops[int(rng.integers(len(pops)))]
        trg = targets[int(rng.integers(len(targets)))]
        small = src[2] * trg[2] <= 200 * 200
        matrix = "DENSE" if small and j % 3 == 0 else "SPARSE"
        if wu == "StaticPulse":
            wu_init = init_weight_update("StaticPulse", {}, {
                "g": init_var("Uniform", {"min": 0.0, "max": r(0.01, 0.1)}) if j % 2 else r(0.01, 0.1)})
        elif wu == "StaticPulseConstantWeight":
            wu_init = init_weight_update("StaticPulseConstantWeight", {"g": r(0.01, 0.1)}, {})
        elif wu == "StaticPulseDendriticDelay":
            wu_init = init_weight_update("StaticPulseDendriticDelay", {}, {
                "g": r(0.01, 0.1), "d": init_var("Uniform", {"min": 0.0, "max": 4.0})})
        elif wu == "StaticGraded":
            wu_init = init_weight_update("StaticGraded", {"Epre": -50.0 - r(0, 5, 1), "Vslope": r(1.0, 3.0)},
                                         {"g": r(0.001, 0.01, 4)})
        else:
            wu_init = init_weight_update("STDP", {"tauPlus": r(10.0, 30.0, 1), "tauMinus": r(10.0, 30.0, 1),
                                                  "Aplus": r(0.005, 0.02, 4), "Aminus": r(0.005, 0.02, 4),
                                                  "Wmin": 0.0, "Wmax": r(0.05, 0.2)},
                                         {"g": init_var("Uniform", {"min": 0.0, "max": 0.05})})
        psm = ("DeltaCurr", "ExpCurr", "ExpCond")[j % 3]
        psm_init = (init_postsynaptic("DeltaCurr") if psm == "DeltaCurr"
                    else init_postsynaptic("ExpCurr", {"tau": r(2.0, 10.0, 1)}) if psm == "ExpCurr"
                    else init_postsynaptic("ExpCond", {"tau": r(2.0, 10.0, 1), "E": (0.0, -80.0)[j % 2]}))
        kwargs = {}
        if matrix == "SPARSE":
            choice = j % 6
            if choice == 5 and src[2] != trg[2]:
                choice = 0
            conn = (("FixedProbability", {"prob": r(0.02, 0.1)}),
                    ("FixedProbabilityNoAutapse", {"prob": r(0.02, 0.1)}),
                    ("FixedNumberPostWithReplacement", {"num": int(rng.integers(2, 20))}),
                    ("FixedNumberTotalWithReplacement", {"num": int(rng.integers(100, 2000))}),
                    ("FixedNumberPreWithReplacement", {"num": int(rng.integers(2, 20))}),
                    ("OneToOne", {}))[choice]
            kwargs["connectivity_init"] = init_sparse_connectivity(*conn)
        sg = model.add_synapse_population(f"syn{j}_{wu}", matrix, src[0], trg[0], wu_init, psm_init, **kwargs)
        if wu == "StaticPulseDendriticDelay":
            sg.max_dendritic_delay_timesteps = 5
        elif wu == "StaticPulse" and j % 4 == 0:
            sg.axonal_delay_steps = 1 + j % 7
        elif wu == "STDP" and j % 5 == 0:
            sg.back_prop_delay_steps = 2
    return model


# -- child processes ----------------------------------------------------------------------------
def _timed_build_load(backend: str, build_dir: str) -> Dict[str, float]:
    t0 = time.perf_counter()
    model = describe_network(backend)
    t1 = time.perf_counter()
    model.build(build_dir)
    t2 = time.perf_counter()
    model.load(num_recording_timesteps=RECORDING_STEPS)
    t3 = time.perf_counter()
    model.run_steps(10)          # the model runs (not timed)
    out = {"describe_s": t1 - t0, "build_s": t2 - t1, "load_s": t3 - t2}
    model.unload()
    return out


def child(mode: str, backend: str, build_dir: str) -> int:
    """``mode`` "cold": one build; "warm": one build, then a new GeNNModel of the same network."""
    out = {"first": _timed_build_load(backend, build_dir)}
    if mode == "warm":
        out["same_process"] = _timed_build_load(backend, build_dir)
    else:
        model = describe_network(backend)
        out["neurons"] = sum(p.num_neurons for p in model.neuron_populations.values())
        out["neuron_populations"] = len(model.neuron_populations)
        out["synapse_groups"] = len(model.synapse_populations)
        out["matrix_types"] = {}
        for sg in model.synapse_populations.values():
            kind = str(sg.matrix_type).split(".")[-1]
            out["matrix_types"][kind] = out["matrix_types"].get(kind, 0) + 1
    print(json.dumps(out))
    return 0


def run_child(mode: str, backend: str, build_dir: str, env: Dict[str, str]) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "--_child", mode, backend, build_dir]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{mode} build in a child process failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# -- measurement --------------------------------------------------------------------------------
def bench(backend: str, repeats: int) -> dict:
    from pygenn_cl.bench.common import fresh_cache_env
    rounds: List[dict] = []
    info = {}
    for i in range(repeats):
        cache = tempfile.mkdtemp(prefix="bench_build_cache_")
        build_dir = tempfile.mkdtemp(prefix="bench_build_dir_")
        try:
            env = fresh_cache_env(cache)
            cold = run_child("cold", backend, build_dir, env)
            warm = run_child("warm", backend, build_dir, env)
        finally:
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(build_dir, ignore_errors=True)
        info = {k: cold[k] for k in ("neurons", "neuron_populations", "synapse_groups", "matrix_types")}
        rnd = {"cold": cold["first"], "warm_fresh_process": warm["first"], "warm_same_process": warm["same_process"]}
        rounds.append(rnd)
        print(f"  round {i + 1}: " + "; ".join(
            f"{case} build {t['build_s']:.3f} s, load {t['load_s']:.3f} s" for case, t in rnd.items()), flush=True)
    best = {case: {k: min(r[case][k] for r in rounds) for k in ("describe_s", "build_s", "load_s")}
            for case in ("cold", "warm_fresh_process", "warm_same_process")}
    for case in best:
        best[case]["build_load_s"] = min(r[case]["build_s"] + r[case]["load_s"] for r in rounds)
    ratios = {}
    for case in ("warm_fresh_process", "warm_same_process"):
        ratios[case] = {"build": best[case]["build_s"] / best["cold"]["build_s"],
                        "build_load": best[case]["build_load_s"] / best["cold"]["build_load_s"],
                        "build_per_round": [r[case]["build_s"] / r["cold"]["build_s"] for r in rounds]}
    return {"benchmark": "warm_rebuild", "backend": backend, "device": device_line(backend), **info,
            "repeats": repeats, "best": best, "ratios": ratios, "rounds": rounds, "target_ratio": TARGET_RATIO,
            "meets_target": {case: v["build"] <= TARGET_RATIO for case, v in ratios.items()}}


def device_line(backend: str) -> str:
    """The device the backend uses by default here (as ``python -m pygenn_cl devices`` lists it)."""
    try:
        from pygenn_cl.bench.machine import device_descriptions
        devices = device_descriptions().get(backend, {}).get("devices") or []
    except Exception:  # noqa: BLE001 - informational only
        devices = []
    selected = os.environ.get("PYGENN_CL_DEVICE")
    text = " ".join(devices[0].split()) if devices else "?"
    return f"{backend}: {text}" + (f" (PYGENN_CL_DEVICE={selected})" if selected else "")


# -- output -------------------------------------------------------------------------------------
CASES = (("cold", "cold (fresh process, every cache empty)"),
         ("warm_fresh_process", "warm, fresh process (same caches, unchanged model)"),
         ("warm_same_process", "warm, same process (new GeNNModel, same network)"))


def print_result(r: dict) -> None:
    print(f"[{r['backend']}] {r['device']}")
    print(f"    {r['neuron_populations']} neuron populations ({r['neurons']:,} neurons), {r['synapse_groups']} "
          f"synapse groups ({', '.join(f'{n} {k}' for k, n in r['matrix_types'].items())}); "
          f"min of {r['repeats']} rounds")
    for case, label in CASES:
        b = r["best"][case]
        print(f"    {label:<52} build {b['build_s']:7.3f} s   load {b['load_s']:7.3f} s   "
              f"build+load {b['build_load_s']:7.3f} s")
    for case, label in CASES[1:]:
        ratio = r["ratios"][case]
        print(f"    {label.split(' (')[0]} / cold: build {ratio['build']:.3f} (rounds: "
              f"{', '.join(f'{x:.3f}' for x in ratio['build_per_round'])}), build+load {ratio['build_load']:.3f}; "
              f"target <= {TARGET_RATIO:g}: {'met' if r['meets_target'][case] else 'NOT met'}")


def make_record(results: List[dict], command: str, caption: str) -> dict:
    from pygenn_cl.bench.records import make_record as record, round_sig
    columns = [""] + [r["backend"] for r in results]
    rows = []
    for case, label in CASES:
        for key, what in (("build_s", "build"), ("load_s", "load")):
            rows.append({"label": f"{what}, {label}", "key": f"{case}.{key}", "unit": "s", "sig": 3,
                         "cells": [round_sig(r["best"][case][key]) for r in results]})
    for case, label in CASES[1:]:
        short = label.split(" (")[0]
        rows.append({"label": f"build, {short} / cold (target ≤ {TARGET_RATIO:g})", "key": f"ratio.{case}.build",
                     "unit": "×", "sig": 3,
                     "cells": [{"value": round_sig(r["ratios"][case]["build"]), "bold": True} for r in results]})
        rows.append({"label": f"build + load, {short} / cold", "key": f"ratio.{case}.build_load", "unit": "×",
                     "sig": 3, "cells": [round_sig(r["ratios"][case]["build_load"]) for r in results]})
    first = results[0]
    sizes = (f"{first['neuron_populations']} neuron populations ({first['neurons']:,} neurons) and "
             f"{first['synapse_groups']} synapse groups ("
             + ", ".join(f"{n} {k}" for k, n in first["matrix_types"].items()) + ")")
    notes = [f"Minimum of {first['repeats']} rounds; each round starts from empty caches. Per-round "
             "build ratios, warm fresh process / cold: "
             + "; ".join(f"{r['backend']} " + ", ".join(f"{x:.3f}" for x in r["ratios"]["warm_fresh_process"]
                                                         ["build_per_round"]) for r in results) + "."]
    return record(command=command, device="; ".join(r["device"] for r in results),
                  caption=caption or f"{sizes}. Seconds; ratios of the minima.",
                  tables=[{"id": "build", "columns": columns, "rows": rows}], notes=notes,
                  opencl=any(r["backend"] == "opencl" for r in results), data={"results": results},
                  environment={k: os.environ[k] for k in ("PYGENN_CL_DEVICE",) if k in os.environ})


def main(argv=None) -> int:
    argv_list = sys.argv[1:] if argv is None else list(argv)
    if argv_list[:1] == ["--_child"]:
        return child(*argv_list[1:4])
    from pygenn_cl.backends import available_backends
    from pygenn_cl.bench.common import check_backends, write_result
    from pygenn_cl.bench.records import add_record_arguments, append_record, command_line, report_appended
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--backend", action="append", default=None,
                    help="repeatable; default: single_threaded_cpu and opencl where available")
    ap.add_argument("--repeats", type=int, default=3, help="rounds (default 3); minima are reported")
    ap.add_argument("--out", default=None, help="JSON path (one backend) or folder")
    add_record_arguments(ap, DEFAULT_RECORD)
    args = ap.parse_args(argv_list)
    if args.repeats < 1:
        ap.error("--repeats must be at least 1")
    backends = args.backend or [b for b in ("single_threaded_cpu", "opencl") if b in available_backends()]
    check_backends(ap, backends)
    results = []
    for backend in backends:
        print(f"[{backend}] {args.repeats} rounds of cold build, warm rebuild in a fresh process and in the "
              "same process ...", flush=True)
        r = bench(backend, args.repeats)
        results.append(r)
        print_result(r)
        path = write_result(r, args.out, os.path.join(HERE, "results"), f"build_{backend}.json",
                            several=len(backends) > 1)
        print(f"    wrote {path}")
    if args.record:
        env = {k: os.environ[k] for k in ("PYGENN_CL_DEVICE",) if k in os.environ}
        record = make_record(results, command_line(__file__, argv_list, env), args.caption)
        rid = append_record(args.record, record, section=RECORD_SECTION, title=RECORD_TITLE)
        report_appended(args.record, rid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
