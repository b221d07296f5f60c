#!/usr/bin/env python
"""Izhikevich (2007) Pavlovian conditioning with dopamine-modulated STDP, in pygenn_cl.

A network of 800 excitatory and 200 inhibitory Izhikevich neurons (dt = 1 ms,
~100 outgoing synapses per neuron, 1 ms delay, delta-current synapses) receives
uniform background noise.  100 stimuli, each a random set of 50 of the 1000
neurons, are presented in random order every 100-300 ms as a one-step current
pulse.  Each presentation of the conditioned stimulus S1 (stimulus 0) is
followed by a reward (a dopamine pulse) after a random delay of 0-1 s.
Excitatory synapses learn with dopamine-modulated STDP: STDP does not change
the weight directly but bumps an eligibility trace ``c`` (time constant
``tau_c``), and the weight follows ``dw/dt = c * d`` with ``d`` the dopamine
concentration.  Over time the synapses from S1's neurons strengthen and the
network's response to S1 grows above its response to the other stimuli.

Event-driven learning rule
--------------------------
Between two events of a synapse (its presynaptic or postsynaptic spikes) ``c``
decays, ``c(s) = c0 exp(-(s - t0) / tau_c)``, and the dopamine concentration is
a known function of time, because rewards depend only on the stimulus
schedule, which is drawn in Python before the run:

    d(s) = sum_{r <= s} D exp(-(s - r) / tau_d)          (D = 0.5 per reward)

With ``1/tau = 1/tau_c + 1/tau_d`` the weight change from ``t0`` to ``t1`` is

    int_{t0}^{t1} c(s) d(s) ds
        = c0 tau [ d(t0) (1 - exp(-(t1 - t0)/tau))
                   + sum_{t0 < r <= t1} D exp(-(r - t0)/tau_c) (1 - exp(-(t1 - r)/tau)) ]

Rewards at or before ``t0`` contribute through ``d(t0)``; each later one
contributes from its own time on.  Without rewards in ``(t0, t1]`` (almost
every event) ``d(t1) = d(t0) exp(-(t1 - t0)/tau_d)``, and the integral is

    c0 tau [ d(t0) - exp(-(t1 - t0)/tau_c) d(t1) ]

so an event costs one ``exp`` (the eligibility decay, which it needs anyway)
plus the STDP ``exp``.  The synapses get the dopamine level at every step
(``dopamine``, a table of one value per step, 14 MB for an hour), the sorted
reward times and the level just after each reward as extra global parameters;
every synapse keeps the time of its last update ``tLast``, the dopamine level
then ``dLast`` and the number of rewards at or before it ``rIdx``.  Only when
rewards fell since the last update are they looped over, with the full formula.
The weight is clipped to ``[Wmin, Wmax]`` at each event.  STDP is
nearest-neighbour, from ``st_pre``/``st_post`` as in the STDP built-in.

Usage::

    python examples/izhikevich_pavlovian.py --duration 3600 --plot-dir pavlov_plots

``build_model()``, ``run()`` and ``advance_weights()`` can be imported by tests
and benchmarks.  Parameters come from ``shared/reference/izhikevich2007.json``
(an embedded copy is used when that file is missing).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, Optional

import numpy as np

from pygenn_cl import (GeNNModel, create_current_source_model, create_weight_update_model,
                       init_postsynaptic, init_sparse_connectivity, init_weight_update)

# ----------------------------------------------------------------------------
# Parameters
# ----------------------------------------------------------------------------
PARAMS_PATH = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "izhikevich2007.json"

_EMBEDDED_PARAMS = {
    "dt_ms": 1.0,
    "num_excitatory": 800,
    "num_inhibitory": 200,
    "connection_probability": 0.1,
    "neuron": {"excitatory": {"a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0},
               "inhibitory": {"a": 0.1, "b": 0.2, "c": -65.0, "d": 2.0}},
    "weights": {"excitatory_initial": 1.0, "inhibitory": -1.0,
                "excitatory_max": 4.0, "excitatory_min": 0.0},
    "stdp": {"A_plus": 0.1, "A_minus": 0.15, "tau_plus_ms": 20.0, "tau_minus_ms": 20.0},
    "eligibility_tau_ms": 1000.0,
    "dopamine_tau_ms": 200.0,
    "dopamine_per_reward": 0.5,
    "pavlovian_experiment": {"num_stimuli": 100, "neurons_per_stimulus": 50,
                             "stimulus_current_nA": 40.0, "stimulus_duration_steps": 1,
                             "inter_stimulus_interval_ms": [100, 300],
                             "reward_delay_ms": [0, 1000]},
}
NOISE_RANGE = (-6.5, 6.5)        # background current U(-6.5, 6.5) nA, every neuron, every step
# Response to a stimulus: spikes of all neurons 5-20 ms after its onset (after the directly
# driven spikes).  Once S1's synapses have strengthened, S1 triggers a network burst within
# ~20 ms, followed by silence (refractoriness, adaptation), so the 20-50 ms window used in
# some descriptions sees the response *drop*; it is reported as well (keys ending _20_50).
RESPONSE_WINDOW_MS = (5.0, 20.0)
LATE_RESPONSE_WINDOW_MS = (20.0, 50.0)
SENTINEL_TIME = 1.0e30           # ends the time arrays handed to the generated code


def load_params(path: Optional[os.PathLike] = None) -> Dict:
    """The model's parameters from the JSON reference file, or the embedded copy."""
    path = Path(path) if path is not None else PARAMS_PATH
    if path.exists():
        with open(path) as f:
            return json.load(f)
    return json.loads(json.dumps(_EMBEDDED_PARAMS))


# ----------------------------------------------------------------------------
# Models
# ----------------------------------------------------------------------------
# Brings c (eligibility), g (weight) and dLast (dopamine) of one synapse from tLast to t, exactly.
_CATCH_UP = """
const scalar elapsed = t - tLast;
if (elapsed > 0.0) {
    const scalar decayC = exp(-elapsed * invTauC);
    const scalar dNow = dopamine[(unsigned int)(t / dt + 0.5)];
    scalar integral;
    if (rewardTimes[rIdx] > t) {
        integral = dLast - decayC * dNow;
    }
    else {
        integral = dLast * (1.0 - exp(-elapsed / tauCD));
        while (rewardTimes[rIdx] <= t) {
            const scalar r = rewardTimes[rIdx];
            integral += dopaminePerReward * exp(-(r - tLast) * invTauC) * (1.0 - exp(-(t - r) / tauCD));
            rIdx++;
        }
    }
    g = fmin(Wmax, fmax(Wmin, g + c * tauCD * integral));
    c *= decayC;
    dLast = dNow;
    tLast = t;
}
"""


def dopamine_stdp_model():
    """Event-driven dopamine-modulated STDP (Izhikevich 2007), integrated exactly per event.

    Params: tauPlus, tauMinus, Aplus, Aminus (STDP bumps of the eligibility trace),
    tauC (eligibility), tauD (dopamine), dopaminePerReward, Wmin, Wmax.
    Vars: g (weight), c (eligibility at tLast), tLast (ms), dLast (dopamine at tLast),
    rIdx (rewards at or before tLast).
    EGPs: dopamine (level at each step, see :func:`dopamine_table`), rewardTimes (sorted,
    ms, ending with a huge sentinel) and rewardDopamine (dopamine just after each reward).
    """
    return create_weight_update_model(
        "DopamineSTDP",
        params=["tauPlus", "tauMinus", "Aplus", "Aminus", "tauC", "tauD", "dopaminePerReward",
                "Wmin", "Wmax"],
        derived_params=[("tauCD", lambda p, dt: 1.0 / (1.0 / p["tauC"] + 1.0 / p["tauD"])),
                        ("invTauC", lambda p, dt: 1.0 / p["tauC"]),
                        ("invTauPlus", lambda p, dt: 1.0 / p["tauPlus"]),
                        ("invTauMinus", lambda p, dt: 1.0 / p["tauMinus"])],
        vars=[("g", "scalar"), ("c", "scalar"), ("tLast", "scalar"), ("dLast", "scalar"),
              ("rIdx", "unsigned int")],
        extra_global_params=[("dopamine", "scalar*"), ("rewardTimes", "scalar*"),
                             ("rewardDopamine", "scalar*")],
        pre_spike_syn_code=(
            _CATCH_UP
            + "addToPost(g);\n"
            "const scalar sincePost = t - st_post;\n"
            "if (sincePost > 0.0) {\n"
            "    c -= Aminus * exp(-sincePost * invTauMinus);\n"
            "}\n"),
        post_spike_syn_code=(
            _CATCH_UP
            + "const scalar sincePre = t - st_pre;\n"
            "if (sincePre > 0.0) {\n"
            "    c += Aplus * exp(-sincePre * invTauPlus);\n"
            "}\n"))


def uniform_noise_model():
    """Current drawn afresh every step from U(lo, hi)."""
    return create_current_source_model(
        "UniformNoise", params=["lo", "hi"],
        injection_code="injectCurrent(lo + (hi - lo) * gennrand_uniform());\n")


def stimulus_model():
    """One-step current pulses of ``amp`` from a precomputed stimulus schedule.

    EGPs: onsetTimes (sorted, ms, ending with a huge sentinel), onsetStim (stimulus of
    each onset) and members (bit ``i % 32`` of word ``s * ceil(N / 32) + i / 32`` says
    whether neuron ``i`` belongs to stimulus ``s``).  Var nextOnset: the next onset.
    """
    return create_current_source_model(
        "StimulusSchedule", params=["amp"],
        vars=[("nextOnset", "unsigned int")],
        extra_global_params=[("onsetTimes", "scalar*"), ("onsetStim", "unsigned int*"),
                             ("members", "uint32_t*")],
        # Branch-free, so that the C backend vectorises the neuron update (loads under an
        # `if` may not be speculated); the sentinel keeps every index in range.
        injection_code=(
            "const unsigned int onset = (t >= onsetTimes[nextOnset]) ? 1 : 0;\n"
            "const unsigned int s = onsetStim[nextOnset];\n"
            "const unsigned int word = members[(s * ((num_neurons + 31) / 32)) + (id / 32)];\n"
            "injectCurrent(((onset & (word >> (id % 32)) & 1) != 0) ? amp : 0.0);\n"
            "nextOnset += onset;\n"))


# ----------------------------------------------------------------------------
# Experiment schedule (drawn in Python with a seeded RNG)
# ----------------------------------------------------------------------------
def make_schedule(params: Dict, duration_ms: float, seed: int) -> Dict[str, np.ndarray]:
    """Stimulus sets, onset times and stimuli, reward times and dopamine after each reward."""
    rng = np.random.default_rng(seed)
    exp_p = params["pavlovian_experiment"]
    n_total = params["num_excitatory"] + params["num_inhibitory"]
    num_stim = exp_p["num_stimuli"]
    stim_sets = np.array([np.sort(rng.choice(n_total, exp_p["neurons_per_stimulus"], replace=False))
                          for _ in range(num_stim)])
    lo, hi = exp_p["inter_stimulus_interval_ms"]
    onsets, stims = [], []
    t = float(rng.integers(lo, hi + 1))
    while t < duration_ms:
        onsets.append(t)
        stims.append(int(rng.integers(num_stim)))
        t += float(rng.integers(lo, hi + 1))
    onsets = np.array(onsets)
    stims = np.array(stims, dtype=np.int64)
    rlo, rhi = exp_p["reward_delay_ms"]
    rewards = onsets[stims == 0] + rng.integers(rlo, rhi + 1, size=int(np.sum(stims == 0)))
    rewards = np.sort(rewards[rewards < duration_ms]).astype(float)
    return {"stim_sets": stim_sets, "onsets": onsets, "stims": stims, "rewards": rewards,
            "reward_dopamine": dopamine_after_rewards(rewards, params["dopamine_tau_ms"],
                                                      params["dopamine_per_reward"])}


def dopamine_after_rewards(rewards: np.ndarray, tau_d: float, per_reward: float) -> np.ndarray:
    """Dopamine level just after each (sorted) reward: sum_{j<=k} D exp(-(r_k - r_j)/tau_d)."""
    out = np.zeros(len(rewards))
    level, last = 0.0, 0.0
    for k, r in enumerate(rewards):
        level = level * np.exp(-(r - last) / tau_d) + per_reward
        out[k], last = level, r
    return out


def dopamine_at(times, rewards, tau_d: float, per_reward: float) -> np.ndarray:
    """Dopamine concentration at ``times`` (brute-force sum over rewards at or before each)."""
    times = np.atleast_1d(np.asarray(times, dtype=float))
    out = np.zeros(times.shape)
    for r in rewards:
        m = times >= r
        out[m] += per_reward * np.exp(-(times[m] - r) / tau_d)
    return out


def membership_bits(stim_sets: np.ndarray, neurons: np.ndarray) -> np.ndarray:
    """Bitmask EGP of :func:`stimulus_model` for the neurons ``neurons`` (global ids) of one population."""
    words = (len(neurons) + 31) // 32
    local = {int(g): i for i, g in enumerate(neurons)}
    bits = np.zeros((len(stim_sets), words), dtype=np.uint32)
    for s, members in enumerate(stim_sets):
        for g in members:
            i = local.get(int(g))
            if i is not None:
                bits[s, i // 32] |= np.uint32(1 << (i % 32))
    return bits.reshape(-1)


def stdp_params(params: Dict) -> Dict[str, float]:
    st, w = params["stdp"], params["weights"]
    return {"tauPlus": st["tau_plus_ms"], "tauMinus": st["tau_minus_ms"], "Aplus": st["A_plus"],
            "Aminus": st["A_minus"], "tauC": params["eligibility_tau_ms"],
            "tauD": params["dopamine_tau_ms"], "dopaminePerReward": params["dopamine_per_reward"],
            "Wmin": w["excitatory_min"], "Wmax": w["excitatory_max"]}


def dopamine_table(rewards: np.ndarray, reward_dopamine: np.ndarray, num_steps: int, dt: float,
                   tau_d: float) -> np.ndarray:
    """Dopamine level at steps 0..num_steps (rewards at or before each step's time included)."""
    times = np.arange(num_steps + 1) * dt
    last = np.searchsorted(rewards, times, side="right") - 1
    safe = np.maximum(last, 0)
    level = np.asarray(reward_dopamine, dtype=float)[safe] * np.exp(-(times - np.asarray(rewards)[safe]) / tau_d) \
        if len(rewards) else np.zeros_like(times)
    return np.where(last >= 0, level, 0.0)


def set_reward_egps(sg, rewards: np.ndarray, reward_dopamine: np.ndarray, num_steps: int,
                    dt: float, tau_d: float) -> None:
    """Give a :func:`dopamine_stdp_model` synapse group its reward schedule (before load).

    ``num_steps``: the steps the model will be run for (the dopamine table's length);
    ``tau_d``: the group's dopamine time constant (ms).
    """
    sg.extra_global_params["dopamine"].set_init_values(
        dopamine_table(rewards, reward_dopamine, num_steps, dt, tau_d))
    sg.extra_global_params["rewardTimes"].set_init_values(np.append(rewards, SENTINEL_TIME))
    sg.extra_global_params["rewardDopamine"].set_init_values(np.append(reward_dopamine, 0.0))


def advance_weights(g, c, t_last, r_idx, t, rewards, reward_dopamine, p: Dict[str, float]):
    """NumPy version of the synapses' catch-up: weights at time ``t`` with no further events."""
    g, c, t_last = (np.asarray(a, dtype=float) for a in (g, c, t_last))
    r_idx = np.asarray(r_idx, dtype=np.int64)
    rewards = np.asarray(rewards, dtype=float)
    tau_cd = 1.0 / (1.0 / p["tauC"] + 1.0 / p["tauD"])
    prev = np.maximum(r_idx - 1, 0)
    d_last = np.where(r_idx > 0, np.append(reward_dopamine, 0.0)[prev]
                      * np.exp(-(t_last - np.append(rewards, 0.0)[prev]) / p["tauD"]), 0.0)
    integral = d_last * (1.0 - np.exp(-(t - t_last) / tau_cd))
    for k, r in enumerate(rewards):
        if r > t:
            break
        m = r_idx <= k
        integral[m] += p["dopaminePerReward"] * np.exp(-(r - t_last[m]) / p["tauC"]) \
            * (1.0 - np.exp(-(t - r) / tau_cd))
    return np.clip(g + c * tau_cd * integral, p["Wmin"], p["Wmax"])


# ----------------------------------------------------------------------------
# Network
# ----------------------------------------------------------------------------
def build_model(backend: Optional[str] = None, duration_s: float = 3600.0, seed: int = 1234,
                precision: str = "float", params: Optional[Dict] = None, build_dir: Optional[str] = None,
                record: bool = True, num_recording_timesteps: int = 1000, timing: bool = False,
                model_name: str = "izhikevich_pavlovian"):
    """Build and load the network; return ``(model, info)``.

    ``info`` holds the populations, synapse groups, schedule and parameters that
    :func:`simulate` and :func:`analyse` need.
    """
    params = params or load_params()
    duration_ms = duration_s * 1000.0
    schedule = make_schedule(params, duration_ms, seed)
    n_exc, n_inh = params["num_excitatory"], params["num_inhibitory"]
    prob = params["connection_probability"]
    # In the original every neuron has 100 = prob * 1000 targets; inhibitory neurons project
    # to excitatory ones only, so their connection probability is 100 / 800.
    prob_inh = prob * (n_exc + n_inh) / n_exc
    w = params["weights"]
    exp_p = params["pavlovian_experiment"]

    model = GeNNModel(precision, model_name, backend=backend)
    model.dt = params["dt_ms"]
    model.seed = seed
    model.timing_enabled = timing

    pops = {}
    for name, n, kind in (("E", n_exc, "excitatory"), ("I", n_inh, "inhibitory")):
        np_ = params["neuron"][kind]
        pops[name] = model.add_neuron_population(
            name, n, "Izhikevich", {k: np_[k] for k in "abcd"},
            {"V": np_["c"], "U": np_["b"] * np_["c"]})
        pops[name].spike_recording_enabled = record
    offsets = {"E": 0, "I": n_exc}

    for name, pop in pops.items():
        model.add_current_source(f"noise_{name}", uniform_noise_model(), pop,
                                 {"lo": NOISE_RANGE[0], "hi": NOISE_RANGE[1]})
        cs = model.add_current_source(f"stim_{name}", stimulus_model(), pop,
                                      {"amp": exp_p["stimulus_current_nA"]}, {"nextOnset": 0})
        cs.extra_global_params["onsetTimes"].set_init_values(np.append(schedule["onsets"], SENTINEL_TIME))
        cs.extra_global_params["onsetStim"].set_init_values(np.append(schedule["stims"], 0))
        neurons = np.arange(pop.size) + offsets[name]
        cs.extra_global_params["members"].set_init_values(membership_bits(schedule["stim_sets"], neurons))

    sp = stdp_params(params)
    syn = {}
    for trg in ("E", "I"):
        conn = init_sparse_connectivity("FixedProbabilityNoAutapse" if trg == "E" else "FixedProbability",
                                        {"prob": prob})
        sg = model.add_synapse_population(
            f"E_{trg}", "SPARSE", pops["E"], pops[trg],
            init_weight_update(dopamine_stdp_model(), sp,
                               {"g": w["excitatory_initial"], "c": 0.0, "tLast": 0.0, "dLast": 0.0,
                                "rIdx": 0}),
            init_postsynaptic("DeltaCurr"), conn)
        set_reward_egps(sg, schedule["rewards"], schedule["reward_dopamine"],
                        int(round(duration_ms / params["dt_ms"])), params["dt_ms"], sp["tauD"])
        syn[f"E_{trg}"] = sg
    syn["I_E"] = model.add_synapse_population(
        "I_E", "SPARSE", pops["I"], pops["E"], init_weight_update("StaticPulse", {}, {"g": w["inhibitory"]}),
        init_postsynaptic("DeltaCurr"), init_sparse_connectivity("FixedProbability", {"prob": prob_inh}))

    build_dir = build_dir or os.path.join(tempfile.gettempdir(), "pygenn_cl_pavlovian")
    t0 = time.perf_counter()
    model.build(path_to_model=build_dir)
    model.load(num_recording_timesteps=num_recording_timesteps if record else None)
    info = {"params": params, "schedule": schedule, "pops": pops, "offsets": offsets, "syn": syn,
            "stdp": sp, "duration_ms": duration_ms, "num_recording_timesteps": num_recording_timesteps,
            "record": record, "build_load_s": time.perf_counter() - t0}
    return model, info


# ----------------------------------------------------------------------------
# Simulation and analysis
# ----------------------------------------------------------------------------
def simulate(model, info, progress: bool = True, snapshot_every_s: float = 0.0) -> Dict:
    """Run the whole schedule in chunks of ``num_recording_timesteps`` steps, pulling spikes.

    With ``snapshot_every_s`` > 0 the mean weights of S1's outgoing synapses and of
    all excitatory synapses are recorded every so many seconds.
    """
    total = int(round(info["duration_ms"] / model.dt))
    chunk = info["num_recording_timesteps"]
    times, ids = [], []
    snapshots = []
    snap_steps = int(round(snapshot_every_s * 1000.0 / model.dt)) if snapshot_every_s > 0 else 0
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=total, unit="step", desc="pavlovian", mininterval=1.0)
    start = time.perf_counter()
    done = 0
    while done < total:
        n = min(chunk, total - done)
        if snap_steps:
            n = min(n, snap_steps - done % snap_steps)
        model.run_steps(n)
        done += n
        if info["record"] and (done % chunk == 0 or done == total):
            model.pull_recording_buffers_from_device()
            for name, pop in info["pops"].items():
                st, si = pop.spike_recording_data[0]
                times.append(np.asarray(st, dtype=np.float64))
                ids.append(np.asarray(si, dtype=np.int32) + info["offsets"][name])
        if snap_steps and done % snap_steps == 0:
            snapshots.append((model.t, *mean_weights(model, info)))
        if bar is not None:
            bar.update(n)
    wall = time.perf_counter() - start
    if bar is not None:
        bar.close()
    spikes = (np.concatenate(times) if times else np.zeros(0), np.concatenate(ids) if ids else np.zeros(0, np.int32))
    return {"wall_s": wall, "steps": total, "spikes": spikes, "snapshots": snapshots}


def current_weights(model, info, name: str):
    """(pre, post, weight at model.t) of the plastic group ``name``."""
    sg = info["syn"][name]
    for v in ("g", "c", "tLast", "rIdx"):
        sg.vars[v].pull_from_device()
    sched = info["schedule"]
    g = advance_weights(sg.vars["g"].values, sg.vars["c"].values, sg.vars["tLast"].values,
                        sg.vars["rIdx"].values, model.t, sched["rewards"], sched["reward_dopamine"],
                        info["stdp"])
    return sg.get_sparse_pre_inds(), sg.get_sparse_post_inds(), g


def excitatory_weights(model, info):
    """Presynaptic index and weight of every plastic (excitatory) synapse."""
    pre, g = [], []
    for name in ("E_E", "E_I"):
        p, _, w = current_weights(model, info, name)
        pre.append(p)
        g.append(w)
    return np.concatenate(pre), np.concatenate(g)


def mean_weights(model, info):
    """Mean weight of S1's outgoing excitatory synapses and of all excitatory synapses."""
    pre, g = excitatory_weights(model, info)
    s1 = np.isin(pre, info["schedule"]["stim_sets"][0])
    return float(g[s1].mean()), float(g.mean())


def stimulus_responses(spikes, onsets, window=RESPONSE_WINDOW_MS) -> np.ndarray:
    """Number of spikes (all neurons) in ``[onset + window[0], onset + window[1])`` per onset."""
    times = np.sort(spikes[0])
    lo = np.searchsorted(times, onsets + window[0], side="left")
    hi = np.searchsorted(times, onsets + window[1], side="left")
    return hi - lo


def analyse(model, info, result, window_s: Optional[float] = None) -> Dict:
    """Learning summary: weights of S1's outgoing synapses vs others, responses early/late."""
    sched = info["schedule"]
    duration_ms = info["duration_ms"]
    pre, g = excitatory_weights(model, info)
    n_exc = info["params"]["num_excitatory"]

    def outgoing(s):
        return g[np.isin(pre, sched["stim_sets"][s][sched["stim_sets"][s] < n_exc])]

    others = [outgoing(s).mean() for s in range(1, len(sched["stim_sets"]))]
    out = {"mean_weight_S1_out": float(outgoing(0).mean()),
           "mean_weight_S2_out": float(outgoing(1).mean()),
           "mean_weight_other_stimuli_out": float(np.mean(others)),
           "max_weight_other_stimuli_out": float(np.max(others)),
           "mean_weight_all_exc": float(g.mean()),
           "frac_S1_out_above_3": float(np.mean(outgoing(0) > 3.0)),
           "frac_all_exc_above_3": float(np.mean(g > 3.0)),
           "num_rewards": int(len(sched["rewards"])),
           "num_S1_presentations": int(np.sum(sched["stims"] == 0))}
    if info["record"]:
        spikes = result["spikes"]
        out["mean_rate_hz"] = float(len(spikes[0]) / (model.num_neurons * duration_ms / 1000.0))
        window_ms = (window_s * 1000.0) if window_s else max(duration_ms / 10.0, 1000.0)
        for suffix, window in (("", RESPONSE_WINDOW_MS), ("_20_50", LATE_RESPONSE_WINDOW_MS)):
            resp = stimulus_responses(spikes, sched["onsets"], window)
            for label, mask in (("early", sched["onsets"] < window_ms),
                                ("late", sched["onsets"] >= duration_ms - window_ms - LATE_RESPONSE_WINDOW_MS[1])):
                s1 = resp[mask & (sched["stims"] == 0)]
                other = resp[mask & (sched["stims"] != 0)]
                key = f"{label}{suffix}"
                out[f"response_S1_{key}"] = float(s1.mean()) if len(s1) else float("nan")
                out[f"response_other_{key}"] = float(other.mean()) if len(other) else float("nan")
                out[f"response_ratio_{key}"] = out[f"response_S1_{key}"] / max(out[f"response_other_{key}"], 1e-9)
        out["analysis_window_s"] = window_ms / 1000.0
    out["_weights"] = (pre, g)
    return out


def run(backend: Optional[str] = None, duration_s: float = 3600.0, seed: int = 1234, precision: str = "float",
        progress: bool = True, record: bool = True, plot_dir: Optional[str] = None, timing: bool = False,
        build_dir: Optional[str] = None, verbose: bool = True, snapshot_every_s: float = 0.0) -> Dict:
    """Build, simulate and analyse; return a summary dict (wall time, RTF, learning numbers)."""
    model, info = build_model(backend, duration_s, seed, precision, build_dir=build_dir, record=record,
                              timing=timing)
    result = simulate(model, info, progress=progress, snapshot_every_s=snapshot_every_s)
    summary = analyse(model, info, result)
    weights = summary.pop("_weights")
    summary.update({"backend": model.backend_name, "precision": precision, "duration_s": duration_s,
                    "seed": seed, "wall_s": result["wall_s"], "build_load_s": info["build_load_s"],
                    "real_time_factor": result["wall_s"] / duration_s, "steps": result["steps"],
                    "snapshots": result["snapshots"]})
    if timing:
        summary["neuron_update_s"] = model.neuron_update_time
        summary["synapse_update_s"] = model.presynaptic_update_time
    if verbose:
        print(f"backend {model.backend_name}: {duration_s:g} s biological in {result['wall_s']:.2f} s wall "
              f"(real-time factor {summary['real_time_factor']:.4f}; build+load {info['build_load_s']:.1f} s)")
        for k, v in summary.items():
            if k.startswith(("mean_", "max_", "frac_", "response_", "num_")):
                print(f"  {k:32s} {v:.4g}" if isinstance(v, float) else f"  {k:32s} {v}")
    if plot_dir:
        plot(plot_dir, info, result, weights, summary)
    summary["_model"], summary["_info"], summary["_result"] = model, info, result
    return summary


def plot(plot_dir: str, info, result, weights, summary) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    os.makedirs(plot_dir, exist_ok=True)
    sched = info["schedule"]
    duration_ms = info["duration_ms"]
    n_exc = info["params"]["num_excitatory"]

    if info["record"]:
        spikes = result["spikes"]
        resp = stimulus_responses(spikes, sched["onsets"])
        bins = np.linspace(0.0, duration_ms, min(60, max(2, int(duration_ms / 10000.0))) + 1)
        centres = 0.5 * (bins[1:] + bins[:-1]) / 1000.0

        def binned(mask):
            idx = np.digitize(sched["onsets"][mask], bins) - 1
            total = np.bincount(idx, weights=resp[mask], minlength=len(bins) - 1)[:len(bins) - 1]
            count = np.bincount(idx, minlength=len(bins) - 1)[:len(bins) - 1]
            return np.where(count > 0, total / np.maximum(count, 1), np.nan)

        fig, ax = plt.subplots(figsize=(7, 4))
        ax.plot(centres, binned(sched["stims"] == 0), "o-", label="S1 (rewarded)")
        ax.plot(centres, binned(sched["stims"] != 0), "s-", label="other stimuli")
        ax.set_xlabel("time (s)")
        ax.set_ylabel(f"spikes {RESPONSE_WINDOW_MS[0]:g}-{RESPONSE_WINDOW_MS[1]:g} ms after onset")
        ax.legend()
        ax.set_title("Network response to stimuli")
        fig.tight_layout()
        fig.savefig(os.path.join(plot_dir, "response.png"), dpi=120)
        plt.close(fig)

        fig, axes = plt.subplots(1, 2, figsize=(12, 4), sharey=True)
        for ax, (lo, label) in zip(axes, ((0.0, "first"), (max(duration_ms - 1000.0, 0.0), "last"))):
            m = (spikes[0] >= lo) & (spikes[0] < lo + 1000.0)
            exc = m & (spikes[1] < n_exc)
            ax.plot(spikes[0][exc] / 1000.0, spikes[1][exc], ".", ms=1, color="tab:blue")
            ax.plot(spikes[0][m & ~exc] / 1000.0, spikes[1][m & ~exc], ".", ms=1, color="tab:red")
            for on, s in zip(sched["onsets"], sched["stims"]):
                if lo <= on < lo + 1000.0:
                    ax.axvline(on / 1000.0, color="green" if s == 0 else "0.8", lw=0.8, zorder=0)
            ax.set_title(f"{label} second")
            ax.set_xlabel("time (s)")
        axes[0].set_ylabel("neuron")
        fig.tight_layout()
        fig.savefig(os.path.join(plot_dir, "raster.png"), dpi=120)
        plt.close(fig)

    pre, g = weights
    s1 = np.isin(pre, sched["stim_sets"][0])
    fig, ax = plt.subplots(figsize=(7, 4))
    hist_bins = np.linspace(0.0, info["stdp"]["Wmax"], 41)
    ax.hist(g, bins=hist_bins, density=True, alpha=0.6, label="all excitatory synapses")
    ax.hist(g[s1], bins=hist_bins, density=True, alpha=0.6, label="outgoing from S1 neurons")
    ax.set_xlabel("weight")
    ax.set_ylabel("density")
    ax.set_yscale("log")
    ax.legend()
    ax.set_title(f"Weights at t = {duration_ms / 1000.0:g} s")
    fig.tight_layout()
    fig.savefig(os.path.join(plot_dir, "weights.png"), dpi=120)
    plt.close(fig)

    snaps = summary.get("snapshots") or []
    if snaps:
        arr = np.array(snaps)
        fig, ax = plt.subplots(figsize=(7, 4))
        ax.plot(arr[:, 0] / 1000.0, arr[:, 1], label="S1 outgoing")
        ax.plot(arr[:, 0] / 1000.0, arr[:, 2], label="all excitatory")
        ax.set_xlabel("time (s)")
        ax.set_ylabel("mean weight")
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(plot_dir, "mean_weights.png"), dpi=120)
        plt.close(fig)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=float, default=3600.0, help="biological time in s (default 3600)")
    ap.add_argument("--backend", default=None, help="single_threaded_cpu or opencl (default: best available)")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--precision", default="float", choices=["float", "double"])
    ap.add_argument("--plot-dir", default=None, help="write PNG figures into this folder")
    ap.add_argument("--no-progress", action="store_true")
    ap.add_argument("--no-record", action="store_true", help="switch spike recording off")
    ap.add_argument("--snapshot-every", type=float, default=0.0,
                    help="record mean weights every so many seconds (0: never)")
    ap.add_argument("--build-dir", default=None)
    args = ap.parse_args(argv)
    run(args.backend, args.duration, args.seed, args.precision, progress=not args.no_progress,
        record=not args.no_record, plot_dir=args.plot_dir, build_dir=args.build_dir,
        snapshot_every_s=args.snapshot_every)
    return 0


if __name__ == "__main__":
    sys.exit(main())
