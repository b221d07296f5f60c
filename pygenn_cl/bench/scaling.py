"""Benchmark 2: a random LIF network swept over sizes.

N neurons (80 % excitatory, 20 % inhibitory); every neuron receives exactly K_IN synapses
(0.8 K_IN from excitatory, 0.2 K_IN from inhibitory sources, drawn with replacement:
``FixedNumberPreWithReplacement``), so the work per neuron is the same at every size and the
synapse count is N * K_IN.  Current-based LIF neurons (the parameters of
``benchmarks/bench_core.py``) with a constant suprathreshold drive (``Ioffset``) balanced by
recurrent inhibition: a few Hz, irregular.  Weights are constant (``StaticPulseConstantWeight``).
"""
from __future__ import annotations

import gc
import os
import time
from typing import List, Optional

import numpy as np

from pygenn_cl import GeNNModel, init_postsynaptic, init_sparse_connectivity, init_var, init_weight_update

from .common import cold_build

DT = 0.1
K_IN = 100
LIF_PARAMS = {"C": 0.2, "TauM": 20.0, "Vrest": -60.0, "Vreset": -60.0, "Vthresh": -50.0,
              "Ioffset": 0.11, "TauRefrac": 2.0}
# bench_core's weights are for in-degree 1000; scaled by 1000 / K_IN, the mean input is the same.
W_EXC = 0.0025 * 1000.0 / K_IN
W_INH = -0.009 * 1000.0 / K_IN
TAU_EXC, TAU_INH = 5.0, 10.0
SIZES = (1_000, 10_000, 100_000, 1_000_000)


def make_lif_network(backend: str, num_neurons: int, k_in: int = K_IN, seed: int = 1234,
                     record: bool = True) -> GeNNModel:
    n_exc = int(round(0.8 * num_neurons))
    n_inh = num_neurons - n_exc
    model = GeNNModel("float", f"lif_{num_neurons}", backend=backend)
    model.dt = DT
    model.seed = seed
    model.timing_enabled = model._backend.timing_is_free  # SIMT timing reads profiling events
    scale = K_IN / k_in
    lif_vars = {"V": init_var("Uniform", {"min": LIF_PARAMS["Vreset"], "max": LIF_PARAMS["Vthresh"]}),
                "RefracTime": 0.0}
    exc = model.add_neuron_population("E", n_exc, "LIF", LIF_PARAMS, lif_vars)
    inh = model.add_neuron_population("I", n_inh, "LIF", LIF_PARAMS, lif_vars)
    exc.spike_recording_enabled = record
    inh.spike_recording_enabled = record
    k_exc = int(round(0.8 * k_in))
    k_inh = k_in - k_exc
    for src_name, src, k, w, tau in (("E", exc, k_exc, W_EXC * scale, TAU_EXC),
                                     ("I", inh, k_inh, W_INH * scale, TAU_INH)):
        for trg_name, trg in (("E", exc), ("I", inh)):
            model.add_synapse_population(
                f"{src_name}{trg_name}", "SPARSE", src, trg,
                init_weight_update("StaticPulseConstantWeight", {"g": w}),
                init_postsynaptic("ExpCurr", {"tau": tau}),
                init_sparse_connectivity("FixedNumberPreWithReplacement", {"num": k}))
    return model


def run_lif(backend: str, num_neurons: int, duration_ms: float, workdir: str, cold: bool = False,
            seed: int = 1234) -> dict:
    """Build, load and simulate the network for ``duration_ms``; spikes recorded (pulled at the end)."""
    out = {"backend": backend, "neurons": num_neurons, "k_in": K_IN, "synapses": num_neurons * K_IN,
           "duration_ms": duration_ms}
    path = os.path.join(workdir, f"lif_{backend}_{num_neurons}")
    if cold:
        out["build_cold_s"] = cold_build("lif", {"backend": backend, "num_neurons": num_neurons, "seed": seed},
                                         os.path.join(path, "cold"))
    model = make_lif_network(backend, num_neurons, seed=seed)
    t0 = time.perf_counter()
    model.build(path)
    out["build_s"] = time.perf_counter() - t0
    steps = int(round(duration_ms / DT))
    t0 = time.perf_counter()
    model.load(num_recording_timesteps=steps)
    out["load_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.run_steps(steps)
    model.pull_recording_buffers_from_device()
    out["sim_s"] = time.perf_counter() - t0
    out["s_per_bio_s"] = out["sim_s"] / (duration_ms / 1000.0)
    n_spikes = 0
    for pop in model.neuron_populations.values():
        # the decoded ids are only counted; the bitfield popcount would do as well
        n_spikes += len(pop.spike_recording_data[0][1])
    out["spikes"] = n_spikes
    out["rate_hz"] = n_spikes / num_neurons / (duration_ms / 1000.0)
    # every synapse has the same weight and each row's length is Binomial: K_IN * N synapses, mean
    # row length K_IN, so events ~ spikes * K_IN (exact counting would pull 10^8 indices at 10^6)
    out["synaptic_events_est"] = n_spikes * K_IN
    out["synaptic_events_per_s"] = out["synaptic_events_est"] / out["sim_s"]
    model.unload()
    del model
    gc.collect()
    return out


def run_scaling(backend: str, duration_ms: float, workdir: str, quick: bool, log=print,
                max_run_s: float = 60.0, target_sim_s: float = 15.0, sizes: Optional[List[int]] = None) -> List[dict]:
    """The sweep.  Sizes past 10^5 are run unless ``quick``, and only when the estimate from the
    previous size (time per neuron) says the run (load + simulation) takes at most ``max_run_s``.
    Large sizes simulate less biological time (at least 100 ms) so that a run takes about
    ``target_sim_s``; the figure reported is the wall time per biological second."""
    sizes = list(sizes or (SIZES[:3] if quick else SIZES))
    results = []
    prev = None
    for n in sizes:
        dur = duration_ms
        if prev is not None:
            factor = n / prev["neurons"]
            est_per_bio_s = prev["s_per_bio_s"] * factor
            est_load = prev["load_s"] * factor + prev["build_s"]
            dur = min(duration_ms, max(100.0, 1000.0 * target_sim_s / max(est_per_bio_s, 1e-9)))
            dur = float(np.ceil(dur / 100.0) * 100.0)
            est_total = est_load + est_per_bio_s * dur / 1000.0
            if n > 100_000 and est_total > max_run_s:
                log(f"  scaling {backend}: N = {n:,} skipped (estimated {est_total:.0f} s > {max_run_s:.0f} s "
                    f"from N = {prev['neurons']:,})")
                results.append({"backend": backend, "neurons": n, "skipped": True,
                                "estimated_s": est_total})
                continue
        r = run_lif(backend, n, dur, workdir)
        log(f"  scaling {backend}: N = {n:>9,}  {dur:g} ms  build {r['build_s']:.2f} s  load {r['load_s']:.2f} s  "
            f"sim {r['sim_s']:.2f} s  ({r['s_per_bio_s']:.3f} s per bio s)  rate {r['rate_hz']:.2f} Hz")
        results.append(r)
        prev = r
    return results
