"""Benchmark 1 (and the runs of benchmark 3): the Potjans & Diesmann microcircuit."""
from __future__ import annotations

import gc
import os
import re
import time
from typing import Dict, Optional

import numpy as np

from .common import cold_build, microcircuit_module, row_lengths, synaptic_events

CHUNK_STEPS = 1000          # recording buffer length, steps between pulls
MODES = ("none", "recording", "per_step_pull")


def _kernel_times(model) -> Dict[str, Optional[float]]:
    """Neuron and presynaptic update kernel times, or None where the backend does not report them."""
    try:
        nu, pu = model.neuron_update_time, model.presynaptic_update_time
    except Exception:  # noqa: BLE001 - timers are optional
        return {"neuron_update_s": None, "presynaptic_update_s": None, "kernel_s": None}
    if nu <= 0.0 and pu <= 0.0:
        return {"neuron_update_s": None, "presynaptic_update_s": None, "kernel_s": None}
    return {"neuron_update_s": nu, "presynaptic_update_s": pu, "kernel_s": nu + pu}


def run_recording(model, populations, total: int, chunk: int = CHUNK_STEPS):
    """Recording system: run ``chunk`` steps, pull the buffers, decode to spike times; repeat
    until ``total`` steps have run. Returns ``({name: (times, ids)}, {phase: seconds})``."""
    times = {n: [] for n in populations}
    ids = {n: [] for n in populations}
    run_s = pull_s = decode_s = 0.0
    done = 0
    while done < total:
        n = min(chunk, total - done)
        start_ms = model.t
        t0 = time.perf_counter()
        model.run_steps(n)
        t1 = time.perf_counter()
        model.pull_recording_buffers_from_device()
        t2 = time.perf_counter()
        for name, pop in populations.items():
            t, i = pop.spike_recording_data[0]
            keep = t >= start_ms - 1e-9      # the circular buffer may hold older steps
            times[name].append(t[keep])
            ids[name].append(i[keep])
        t3 = time.perf_counter()
        run_s += t1 - t0
        pull_s += t2 - t1
        decode_s += t3 - t2
        done += n
    spikes = {n: (np.concatenate(times[n]), np.concatenate(ids[n]).astype(np.int64)) for n in populations}
    return spikes, {"run_steps_s": run_s, "pull_s": pull_s, "decode_s": decode_s}


def _run_per_step_pull(model, populations, total: int):
    """The paper's path without a recording system: after every step, pull each population's
    spike count and (that many) spike ids from the device and convert them to spike times."""
    runtime = model._runtime
    pops = []
    for name, pop in populations.items():
        cnt_name, spk_name = f"{pop.name}.spkCnt", f"{pop.name}.spk"
        cnt_view, spk_view = runtime.view(cnt_name), runtime.view(spk_name)
        slots = cnt_view.size          # spike queue slots (the SIMT backends keep one more than C)
        offset, _ = runtime._range(spk_name)
        pops.append((name, cnt_name, cnt_view, spk_view.reshape(slots, pop.size), offset, slots, pop.size))
    times = {n: [] for n in populations}
    ids = {n: [] for n in populations}
    pull = runtime.pull
    pull_bytes = runtime.memory.pull
    step = model.step_time
    dt = model.dt
    t0 = time.perf_counter()
    for _ in range(total):
        step()
        timestep = model.timestep - 1      # the step that has just run wrote slot timestep % slots
        t = timestep * dt
        for name, cnt_name, cnt_view, spk_view, offset, slots, size in pops:
            pull(cnt_name)
            slot = timestep % slots
            cnt = int(cnt_view[slot])
            if cnt:
                pull_bytes(offset + 4 * slot * size, 4 * cnt)
                ids[name].append(spk_view[slot, :cnt].copy())
                times[name].append(np.full(cnt, t))
    wall = time.perf_counter() - t0
    spikes = {n: (np.concatenate(times[n]) if times[n] else np.zeros(0),
                  np.concatenate(ids[n]).astype(np.int64) if ids[n] else np.zeros(0, np.int64))
              for n in populations}
    return spikes, {"run_steps_s": None, "pull_s": None, "decode_s": None, "loop_s": wall}


def run_microcircuit(backend: str, scale: float, duration_ms: float, mode: str, workdir: str,
                     seed: int = 1234, cold: bool = True, preferences: Optional[dict] = None,
                     label: Optional[str] = None) -> dict:
    """Build, load and simulate the microcircuit once.

    ``mode``: "none" (no spike output: one ``run_steps`` call), "recording" (the spike
    recording system, pulled every CHUNK_STEPS steps), "per_step_pull" (spikes pulled every step).
    ``preferences`` are backend preferences for ``GeNNModel``; ``label`` names the run in the
    results (default: the backend).  Times are in seconds.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    mic = microcircuit_module()
    params, _ = mic.load_params()
    record = mode == "recording"
    spec = {"backend": backend, "neuron_scale": scale, "connectivity_scale": scale, "seed": seed,
            "record": record, **(preferences or {})}
    label = label or backend
    path = os.path.join(workdir, f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', label)}_{mode}_{scale:g}")
    out = {"backend": label, "preferences": dict(preferences or {}), "scale": scale,
           "duration_ms": duration_ms, "mode": mode, "seed": seed}

    if cold:
        out["build_cold_s"] = cold_build("microcircuit", spec, os.path.join(path, "cold"))
    # First build in this process (fills the caches), then a warm one of an identical new model.
    model, _ = mic.build_model(**spec, params=params)
    model.timing_enabled = True
    t0 = time.perf_counter()
    model.build(os.path.join(path, "first"))
    out["build_first_s"] = time.perf_counter() - t0
    del model
    gc.collect()
    model, populations = mic.build_model(**spec, params=params)
    # Kernel times only where measuring them does not slow the run (SIMT backends would
    # wait for every kernel); the recording suite measures them separately.
    model.timing_enabled = model._backend.timing_is_free
    t0 = time.perf_counter()
    model.build(os.path.join(path, "warm"))
    out["build_warm_s"] = time.perf_counter() - t0
    out["device"] = model._backend.describe_device()

    t0 = time.perf_counter()
    model.load(num_recording_timesteps=CHUNK_STEPS if record else None)
    out["load_s"] = time.perf_counter() - t0

    total = int(round(duration_ms / model.dt))
    out["steps"] = total
    spikes = None
    t0 = time.perf_counter()
    if mode == "none":
        model.run_steps(total)
        parts = {"run_steps_s": None, "pull_s": None, "decode_s": None}
    elif mode == "recording":
        spikes, parts = run_recording(model, populations, total)
    else:
        spikes, parts = _run_per_step_pull(model, populations, total)
    out["wall_s"] = time.perf_counter() - t0            # everything, incl. decoding to spike times
    out.update(parts)
    out.update(_kernel_times(model))
    # Simulation time: the steps and the device-to-host transfers, not Python's decoding.
    out["sim_s"] = out["wall_s"] - (parts.get("decode_s") or 0.0)
    out["rtf"] = out["sim_s"] / (duration_ms / 1000.0)

    lengths = {sg.name: row_lengths(sg) for sg in model.synapse_populations.values()}
    out["neurons"] = int(sum(p.size for p in populations.values()))
    out["synapses"] = int(sum(int(rl.sum()) for rl in lengths.values()))
    if spikes is not None:
        ids_by_group = {populations[n].name: i for n, (_, i) in spikes.items()}
        out["spikes"] = int(sum(len(i) for i in ids_by_group.values()))
        out["synaptic_events"] = synaptic_events(model, ids_by_group, lengths)
        out["synaptic_events_per_s"] = out["synaptic_events"] / out["sim_s"]
        start = mic.DISCARD_MS if duration_ms > 2 * mic.DISCARD_MS else 0.0
        out["rates_hz"] = mic.mean_rates(spikes, populations, start, duration_ms)
        out["rates_discard_ms"] = start
    model.unload()
    del model
    gc.collect()
    return out


def check_rates(rates: Dict[str, float], reference: Dict[str, float], tolerance: float = 0.2) -> dict:
    """Relative deviation per population and whether all lie within ``tolerance``."""
    dev = {p: (rates[p] - reference[p]) / reference[p] for p in reference if p in rates}
    return {"deviation": dev, "tolerance": tolerance, "within": all(abs(d) <= tolerance for d in dev.values())}
