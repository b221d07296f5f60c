#!/usr/bin/env python
"""The Potjans & Diesmann (2014) cortical microcircuit with pygenn_cl.

Eight populations (layer 2/3, 4, 5 and 6, excitatory and inhibitory; 77,169
LIF neurons at full scale) with exponential current synapses, per-synapse
dendritic delays, a Poisson background input and, when the network is
down-scaled, the compensation of van Albada, Helias & Diesmann (2015):
in-degrees scaled by k, weights by 1/sqrt(k) and a DC input that restores the
mean input of the full-scale network.

The model uses only the public PyGeNN 5 API, so apart from the import line it
would run on PyGeNN itself.  The parameters come from
``shared/reference/pd14.json`` (an embedded copy is used when that file is
missing).

Usage::

    python examples/potjans_microcircuit.py --neuron-scale 0.1 --connectivity-scale 0.1 \\
        --duration 1000 --plot pd14.png

``build_model()`` and ``run()`` can be imported by tests and benchmarks.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, Optional, Tuple

import numpy as np

from pygenn_cl import (GeNNModel, init_postsynaptic, init_sparse_connectivity, init_var,
                       init_weight_update)

# ----------------------------------------------------------------------------
# Parameters
# ----------------------------------------------------------------------------
PARAMS_PATH = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "pd14.json"

# The numbers this script needs from pd14.json, so that it also works where the
# file is not available.  Connection probabilities: first key = target, second = source.
_EMBEDDED_PARAMS = {
    "dt_ms": 0.1,
    "populations": ["23E", "23I", "4E", "4I", "5E", "5I", "6E", "6I"],
    "num_neurons": {"23E": 20683, "23I": 5834, "4E": 21915, "4I": 5479,
                    "5E": 4850, "5I": 1065, "6E": 14395, "6I": 2948},
    "connection_probability": {
        "23E": {"23E": 0.1009, "23I": 0.1689, "4E": 0.0437, "4I": 0.0818,
                "5E": 0.0323, "5I": 0.0, "6E": 0.0076, "6I": 0.0},
        "23I": {"23E": 0.1346, "23I": 0.1371, "4E": 0.0316, "4I": 0.0515,
                "5E": 0.0755, "5I": 0.0, "6E": 0.0042, "6I": 0.0},
        "4E": {"23E": 0.0077, "23I": 0.0059, "4E": 0.0497, "4I": 0.135,
               "5E": 0.0067, "5I": 0.0003, "6E": 0.0453, "6I": 0.0},
        "4I": {"23E": 0.0691, "23I": 0.0029, "4E": 0.0794, "4I": 0.1597,
               "5E": 0.0033, "5I": 0.0, "6E": 0.1057, "6I": 0.0},
        "5E": {"23E": 0.1004, "23I": 0.0622, "4E": 0.0505, "4I": 0.0057,
               "5E": 0.0831, "5I": 0.3726, "6E": 0.0204, "6I": 0.0},
        "5I": {"23E": 0.0548, "23I": 0.0269, "4E": 0.0257, "4I": 0.0022,
               "5E": 0.06, "5I": 0.3158, "6E": 0.0086, "6I": 0.0},
        "6E": {"23E": 0.0156, "23I": 0.0066, "4E": 0.0211, "4I": 0.0166,
               "5E": 0.0572, "5I": 0.0197, "6E": 0.0396, "6I": 0.2252},
        "6I": {"23E": 0.0364, "23I": 0.001, "4E": 0.0034, "4I": 0.0005,
               "5E": 0.0277, "5I": 0.008, "6E": 0.0658, "6I": 0.1443},
    },
    "external_indegree": {"23E": 1600, "23I": 1500, "4E": 2100, "4I": 1900,
                          "5E": 2000, "5I": 1900, "6E": 2900, "6I": 2100},
    "background_rate_hz": 8.0,
    "neuron": {"C_nF": 0.25, "tau_m_ms": 10.0, "V_rest_mV": -65.0, "V_reset_mV": -65.0,
               "V_thresh_mV": -50.0, "tau_refrac_ms": 2.0, "tau_syn_ms": 0.5,
               "V_init": {"distribution": "normal", "mean_mV": -58.0, "sd_mV": 5.0}},
    "synapse": {"mean_weight_nA": 0.0878, "external_weight_nA": 0.0878,
                "relative_weight_sd": 0.1, "L4E_to_L23E_weight_factor": 2.0,
                "L4E_to_L23E_relative_weight_sd": 0.05, "inhibitory_relative_weight_g": -4.0,
                "delay_mean_ms": {"E": 1.5, "I": 0.75}, "delay_sd_ms": {"E": 0.75, "I": 0.375}},
    "reference_mean_rates_hz": {"23E": 0.971, "23I": 2.868, "4E": 4.746, "4I": 5.396,
                                "5E": 8.142, "5I": 9.078, "6E": 0.991, "6I": 7.523},
    "downscaled_rates_measured_hz": {
        "pygenn_5.4.0": {"23E": 0.81, "23I": 3.3, "4E": 4.6, "4I": 7.17,
                         "5E": 7.88, "5I": 7.98, "6E": 1.28, "6I": 8.32},
        "brian2_cpp_standalone": {"23E": 0.81, "23I": 3.24, "4E": 4.49, "4I": 7.11,
                                  "5E": 7.92, "5I": 7.92, "6E": 1.3, "6I": 8.2},
    },
}

# Phi^-1(0.9999): delays are clipped at mean + sd * this quantile.
NORMAL_QUANTILE_0_9999 = 3.719016485455709
# Rates are averaged after this initial transient (when the run is long enough).
DISCARD_MS = 200.0


def load_params(path: Optional[os.PathLike] = None) -> Tuple[dict, str]:
    """The parameter dict and where it came from (the json file or the embedded copy)."""
    path = Path(path) if path is not None else PARAMS_PATH
    try:
        with open(path) as f:
            return json.load(f), str(path)
    except (OSError, ValueError):
        return _EMBEDDED_PARAMS, "embedded copy"


# ----------------------------------------------------------------------------
# Derived quantities
# ----------------------------------------------------------------------------
def full_num_synapses(p: float, n_src: int, n_trg: int) -> int:
    """Number of synapses (multapses allowed) that gives probability ``p`` of at
    least one connection between each pair: log(1-p) / log(1 - 1/(N_S N_T))."""
    if p <= 0.0:
        return 0
    return int(round(math.log(1.0 - p) / math.log(1.0 - 1.0 / (n_src * n_trg))))


def scaled_sizes(params: dict, neuron_scale: float) -> Dict[str, int]:
    return {pop: max(1, int(round(params["num_neurons"][pop] * neuron_scale)))
            for pop in params["populations"]}


def full_indegrees(params: dict) -> Dict[str, Dict[str, float]]:
    """K_full[t][s]: mean number of synapses from s onto one neuron of t at full scale."""
    n = params["num_neurons"]
    return {t: {s: full_num_synapses(params["connection_probability"][t][s], n[s], n[t]) / n[t]
                for s in params["populations"]}
            for t in params["populations"]}


def num_synapses(params: dict, neuron_scale: float, connectivity_scale: float) -> Dict[Tuple[str, str], int]:
    """Synapses from s to t: round(k * K_full[t, s] * N_t), so each target keeps k times
    its full-scale in-degree.  Keys are (source, target); zero-synapse pairs are left out."""
    sizes = scaled_sizes(params, neuron_scale)
    k_full = full_indegrees(params)
    out = {}
    for t in params["populations"]:
        for s in params["populations"]:
            num = int(round(connectivity_scale * k_full[t][s] * sizes[t]))
            if num > 0:
                out[(s, t)] = num
    return out


def mean_weight(params: dict, src: str, trg: str) -> Tuple[float, float]:
    """Full-scale mean weight (nA) and its relative standard deviation for s -> t."""
    syn = params["synapse"]
    w = syn["mean_weight_nA"]
    rel_sd = syn["relative_weight_sd"]
    if src.endswith("I"):
        w *= syn["inhibitory_relative_weight_g"]
    elif src == "4E" and trg == "23E":
        w *= syn["L4E_to_L23E_weight_factor"]
        rel_sd = syn["L4E_to_L23E_relative_weight_sd"]
    return w, rel_sd


def dc_compensation(params: dict, connectivity_scale: float) -> Dict[str, float]:
    """DC input (nA) per population that restores the mean input lost by down-scaling.

    With in-degrees k*K and weights w/sqrt(k), the mean input of a population is
    sqrt(k) times the full-scale one, so (1 - sqrt(k)) of it is added as a DC:
    I_dc = (1 - sqrt(k)) * tau_syn * (sum_s K_full[t,s] w[t,s] r_s + K_ext w_ext r_bg),
    with rates in spikes per ms, so nA * ms^-1 * ms = nA.  (ExpCurr delivers a
    charge of w * tau_syn per spike.)
    """
    if connectivity_scale >= 1.0:
        return {pop: 0.0 for pop in params["populations"]}
    tau_syn = params["neuron"]["tau_syn_ms"]
    rates = params["reference_mean_rates_hz"]
    k_full = full_indegrees(params)
    w_ext = params["synapse"]["external_weight_nA"]
    bg_rate = params["background_rate_hz"] / 1000.0
    out = {}
    for t in params["populations"]:
        mean_input = sum(k_full[t][s] * mean_weight(params, s, t)[0] * rates[s] / 1000.0
                         for s in params["populations"])
        mean_input += params["external_indegree"][t] * w_ext * bg_rate
        out[t] = (1.0 - math.sqrt(connectivity_scale)) * tau_syn * mean_input
    return out


# ----------------------------------------------------------------------------
# The model
# ----------------------------------------------------------------------------
def build_model(backend: Optional[str] = None, neuron_scale: float = 0.1, connectivity_scale: float = 0.1,
                seed: int = 1234, record: bool = True, params: Optional[dict] = None,
                model_name: str = "potjans_microcircuit", precision: str = "float", procedural: bool = False,
                **preferences):
    """Create (but do not build) the microcircuit.

    ``preferences`` go to ``GeNNModel`` as backend preferences (e.g.
    ``user_cxx_flags_gnu="-mno-avx512f"`` for the C backend).

    ``procedural=True`` makes every projection PROCEDURAL: its rows, weights and delays are
    regenerated at each spike instead of stored.  They are the SPARSE ones (the same random
    numbers), so only memory and speed change: on the C backend the spikes are the same too.

    Returns ``(model, populations)`` where ``populations`` maps population
    names ("23E", ...) to neuron groups.  The synapse groups are in
    ``model.synapse_populations`` (named e.g. "L4E_L23E" for 4E -> 23E).  The neuron groups
    are called "L23E", ...: group names may be any string (examples/pygenn5_microcircuit.py
    uses "23E" ...), but these names fix the random streams, and so the results recorded
    in benchmarks/ and the tests.
    """
    if params is None:
        params, _ = load_params()
    if not 0.0 < neuron_scale <= 1.0 or not 0.0 < connectivity_scale <= 1.0:
        raise ValueError("neuron and connectivity scales must lie in (0, 1]")
    dt = params["dt_ms"]
    nrn = params["neuron"]
    syn = params["synapse"]
    k = connectivity_scale
    weight_scale = 1.0 / math.sqrt(k)

    model = GeNNModel(precision, model_name, backend=backend, **preferences)
    model.dt = dt
    model.seed = seed
    # All projections onto a population use the same ExpCurr synapse: share one input buffer.
    model.fuse_postsynaptic_models = True

    sizes = scaled_sizes(params, neuron_scale)
    dc = dc_compensation(params, k)
    populations = {}
    for pop in params["populations"]:
        lif_params = {"C": nrn["C_nF"], "TauM": nrn["tau_m_ms"], "Vrest": nrn["V_rest_mV"],
                      "Vreset": nrn["V_reset_mV"], "Vthresh": nrn["V_thresh_mV"],
                      "Ioffset": dc[pop], "TauRefrac": nrn["tau_refrac_ms"]}
        lif_vars = {"V": init_var("Normal", {"mean": nrn["V_init"]["mean_mV"],
                                             "sd": nrn["V_init"]["sd_mV"]}),
                    "RefracTime": 0.0}
        ng = model.add_neuron_population(f"L{pop}", sizes[pop], "LIF", lif_params, lif_vars)
        ng.spike_recording_enabled = record
        populations[pop] = ng

        # Poisson background: K_ext * k inputs at 8 Hz each, weight w_ext / sqrt(k).
        model.add_current_source(
            f"L{pop}_background", "PoissonExp", ng,
            {"weight": syn["external_weight_nA"] * weight_scale,
             "tauSyn": nrn["tau_syn_ms"],
             "rate": params["background_rate_hz"] * params["external_indegree"][pop] * k},
            {"current": 0.0})

    ps_init = init_postsynaptic("ExpCurr", {"tau": nrn["tau_syn_ms"]})
    for (src, trg), num in num_synapses(params, neuron_scale, k).items():
        w, rel_sd = mean_weight(params, src, trg)
        w *= weight_scale
        if w >= 0.0:
            w_init = init_var("NormalClipped", {"mean": w, "sd": abs(w) * rel_sd,
                                                "min": 0.0, "max": float(np.finfo(np.float32).max)})
        else:
            w_init = init_var("NormalClipped", {"mean": w, "sd": abs(w) * rel_sd,
                                                "min": -float(np.finfo(np.float32).max), "max": 0.0})
        kind = src[-1]
        d_mean = syn["delay_mean_ms"][kind]
        d_sd = syn["delay_sd_ms"][kind]
        d_max = d_mean + d_sd * NORMAL_QUANTILE_0_9999
        d_init = init_var("NormalClippedDelay", {"mean": d_mean, "sd": d_sd, "min": dt, "max": d_max})

        sg = model.add_synapse_population(
            f"L{src}_L{trg}", "PROCEDURAL" if procedural else "SPARSE", populations[src], populations[trg],
            init_weight_update("StaticPulseDendriticDelay", {}, {"g": w_init, "d": d_init}),
            ps_init,
            init_sparse_connectivity("FixedNumberTotalWithReplacement", {"num": num}))
        sg.max_dendritic_delay_timesteps = int(math.ceil(d_max / dt)) + 1
    return model, populations


def _record_chunk(populations, spikes, start_ms: float) -> None:
    for name, pop in populations.items():
        times, ids = pop.spike_recording_data[0]
        keep = times >= start_ms - 1e-9   # the circular buffer may hold older steps
        spikes[name][0].append(times[keep])
        spikes[name][1].append(ids[keep])


def simulate(model, populations, duration_ms: float, record: bool = True, chunk_steps: int = 1000,
             progress: bool = True):
    """Run the loaded model for ``duration_ms``; returns spikes per population
    ``{name: (times, ids)}`` (empty when not recording) and the wall time."""
    total = int(round(duration_ms / model.dt))
    spikes = {name: ([], []) for name in populations}
    start = time.perf_counter()
    if not record:
        model.run_steps(total, progress=progress)
    else:
        bar = None
        if progress:
            from tqdm.auto import tqdm
            bar = tqdm(total=total, unit="step", desc=model.name)
        done = 0
        while done < total:
            n = min(chunk_steps, total - done)
            chunk_start_ms = model.t
            model.run_steps(n)
            model.pull_recording_buffers_from_device()
            _record_chunk(populations, spikes, chunk_start_ms)
            done += n
            if bar is not None:
                bar.update(n)
        if bar is not None:
            bar.close()
    wall = time.perf_counter() - start
    out = {name: (np.concatenate(t) if t else np.zeros(0), np.concatenate(i) if i else np.zeros(0, np.int64))
           for name, (t, i) in spikes.items()}
    return out, wall


def mean_rates(spikes, populations, start_ms: float, end_ms: float) -> Dict[str, float]:
    """Mean rate (Hz) over all neurons of each population for spikes in [start, end)."""
    span_s = (end_ms - start_ms) / 1000.0
    return {name: float(np.count_nonzero((t >= start_ms) & (t < end_ms))) / (populations[name].size * span_s)
            for name, (t, _) in spikes.items()}


def run(backend: Optional[str] = None, neuron_scale: float = 0.1, connectivity_scale: float = 0.1,
        duration: float = 1000.0, seed: int = 1234, record: bool = True, build_dir: Optional[str] = None,
        progress: bool = False, verbose: bool = False, return_details: bool = False, **kw):
    """Build, load and run the microcircuit; returns the mean rate (Hz) per population.

    The first 200 ms are discarded when ``duration`` > 400 ms.  With
    ``return_details=True`` a dict with rates, spikes, timings and sizes is
    returned instead.
    """
    log = print if verbose else (lambda *a, **k: None)
    params, source = load_params()
    log(f"Parameters: {source}")
    model, populations = build_model(backend, neuron_scale, connectivity_scale, seed, record,
                                     params=params, **kw)
    log(f"Backend: {model.backend_name} ({model._backend.describe_device()})")
    num_neurons = sum(p.size for p in populations.values())
    nsyn = sum(num_synapses(params, neuron_scale, connectivity_scale).values())
    log(f"Neurons: {num_neurons:,}  synapses: {nsyn:,} {'PROCEDURAL' if kw.get('procedural') else 'SPARSE'}  "
        f"(neuron scale {neuron_scale}, connectivity scale {connectivity_scale})")

    if build_dir is None:
        build_dir = os.path.join(tempfile.gettempdir(), "pygenn_cl_potjans")
    path = os.path.join(build_dir, model.backend_name)
    os.makedirs(path, exist_ok=True)
    t0 = time.perf_counter()
    model.build(path_to_model=path)
    build_s = time.perf_counter() - t0
    log(f"Build: {build_s:.2f} s")

    chunk = 1000
    t0 = time.perf_counter()
    model.load(num_recording_timesteps=chunk if record else None)
    load_s = time.perf_counter() - t0
    memory = model._runtime.layout.nbytes
    log(f"Load (allocation and initialisation): {load_s:.2f} s; the model's memory: {memory / 2**20:,.1f} MiB")

    spikes, sim_s = simulate(model, populations, duration, record=record, chunk_steps=chunk,
                             progress=progress)
    rtf = sim_s / (duration / 1000.0)
    log(f"Simulation: {sim_s:.2f} s for {duration:g} ms of biological time "
        f"(real-time factor {rtf:.2f})")

    rates = {}
    if record:
        start = DISCARD_MS if duration > 2 * DISCARD_MS else 0.0
        rates = mean_rates(spikes, populations, start, duration)
    details = {"rates": rates, "spikes": spikes, "build_s": build_s, "load_s": load_s, "sim_s": sim_s,
               "rtf": rtf, "num_neurons": num_neurons, "num_synapses": nsyn, "params": params, "memory_bytes": memory,
               "model": model, "populations": populations, "device": model._backend.describe_device(),
               "backend": model.backend_name, "discard_ms": start if record else None}
    return details if return_details else rates


# ----------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------
def rate_table(rates: Dict[str, float], params: dict, downscaled: bool) -> str:
    ref = params["reference_mean_rates_hz"]
    measured = params.get("downscaled_rates_measured_hz", {})
    columns = [("full-scale ref", ref)]
    if downscaled:
        columns += [(f"{name} (0.1)", vals) for name, vals in measured.items() if isinstance(vals, dict)]
    header = f"{'pop':>5} {'rate (Hz)':>10}" + "".join(f" {name:>28}" for name, _ in columns)
    lines = [header, "-" * len(header)]
    for pop in params["populations"]:
        line = f"{pop:>5} {rates[pop]:>10.3f}"
        for _, vals in columns:
            r = vals[pop]
            line += f" {r:>16.3f} ({(rates[pop] - r) / r * 100:+6.1f}%) "
        lines.append(line)
    return "\n".join(lines)


def plot(path: str, spikes, populations, rates, params, duration: float, sample: int = 100) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_raster, ax_rates) = plt.subplots(1, 2, figsize=(12, 6), gridspec_kw={"width_ratios": [3, 1]})
    rng = np.random.default_rng(0)
    offset = 0
    ticks = []
    names = params["populations"]
    for i, name in enumerate(reversed(names)):
        times, ids = spikes[name]
        n = populations[name].size
        chosen = np.sort(rng.choice(n, size=min(sample, n), replace=False))
        row = np.full(n, -1)
        row[chosen] = np.arange(chosen.size)
        sel = row[ids] >= 0 if ids.size else np.zeros(0, bool)
        colour = "tab:red" if name.endswith("I") else "tab:blue"
        ax_raster.scatter(times[sel], row[ids[sel]] + offset, s=1, c=colour, marker="|", linewidths=0.5)
        ticks.append((offset + chosen.size / 2, name))
        offset += chosen.size + 10
    ax_raster.set_yticks([t for t, _ in ticks], [n for _, n in ticks])
    ax_raster.set_xlim(0, duration)
    ax_raster.set_ylim(-10, offset)
    ax_raster.set_xlabel("time (ms)")
    ax_raster.set_title(f"spikes of up to {sample} neurons per population")

    y = np.arange(len(names))
    ref = params["reference_mean_rates_hz"]
    ax_rates.barh(y + 0.2, [rates[n] for n in names], height=0.4, label="this run", color="tab:green")
    ax_rates.barh(y - 0.2, [ref[n] for n in names], height=0.4, label="full-scale reference",
                  color="tab:gray")
    ax_rates.set_yticks(y, names)
    ax_rates.invert_yaxis()
    ax_rates.set_xlabel("mean rate (Hz)")
    ax_rates.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize="small", ncol=1)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def save_spikes(path: str, spikes, populations) -> str:
    """Write every population's spike times (ms) and neuron ids; returns the path written.

    A path ending in ``.csv`` gets one table, ``population,time_ms,neuron_id``, in time order
    (populations in model order at equal times); any other path gets a compressed ``.npz``
    (the suffix is added if missing) with ``<pop>_times``, ``<pop>_ids`` and ``<pop>_size``.
    """
    if path.lower().endswith(".csv"):
        names = np.concatenate([np.full(len(t), name) for name, (t, _) in spikes.items()])
        times = np.concatenate([t for t, _ in spikes.values()])
        ids = np.concatenate([i for _, i in spikes.values()])
        order = np.argsort(times, kind="stable")
        with open(path, "w") as f:
            f.write("population,time_ms,neuron_id\n")
            f.writelines(f"{n},{t:.3f},{i}\n" for n, t, i in zip(names[order], times[order], ids[order]))
        return path
    arrays = {}
    for name, (t, i) in spikes.items():
        arrays[f"{name}_times"] = t
        arrays[f"{name}_ids"] = i
        arrays[f"{name}_size"] = np.array(populations[name].size)
    path = path if path.endswith(".npz") else path + ".npz"
    np.savez_compressed(path, **arrays)
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--backend", default=None, help="backend name; default: best available")
    parser.add_argument("--neuron-scale", type=float, default=0.1, help="scale of population sizes")
    parser.add_argument("--connectivity-scale", type=float, default=0.1, help="scale of in-degrees")
    parser.add_argument("--duration", type=float, default=1000.0, help="biological time (ms)")
    parser.add_argument("--seed", type=int, default=1234, help="model seed (0: random)")
    parser.add_argument("--no-record", action="store_true", help="do not record spikes")
    parser.add_argument("--procedural", action="store_true", help="PROCEDURAL connectivity: rows, weights and "
                        "delays regenerated at each spike instead of stored (the same synapses as SPARSE)")
    parser.add_argument("--save-data", metavar="PATH", help="save spike times and ids to this file: a .csv table, or else .npz arrays")
    parser.add_argument("--plot", metavar="PATH", help="save a raster and rate plot to this PNG")
    parser.add_argument("--build-dir", default=None, help="where generated code is built "
                        "(default: a directory under the system temp dir)")
    args = parser.parse_args(argv)
    record = not args.no_record
    if not record and (args.save_data or args.plot):
        parser.error("--save-data and --plot need recording")

    res = run(args.backend, args.neuron_scale, args.connectivity_scale, args.duration, args.seed, record,
              args.build_dir, progress=True, verbose=True, return_details=True, procedural=args.procedural)
    params = res["params"]
    if record:
        if args.duration > 2 * DISCARD_MS:
            print(f"\nMean rates (first {DISCARD_MS:g} ms discarded):")
        else:
            print("\nMean rates (whole run):")
        downscaled = abs(args.neuron_scale - 0.1) < 1e-9 and abs(args.connectivity_scale - 0.1) < 1e-9
        print(rate_table(res["rates"], params, downscaled))
    if args.save_data:
        print(f"Spikes saved to {save_spikes(args.save_data, res['spikes'], res['populations'])}")
    if args.plot:
        plot(args.plot, res["spikes"], res["populations"], res["rates"], params, args.duration)
        print(f"Plot saved to {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
