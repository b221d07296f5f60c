"""Benchmark 3: the recording-overhead experiment of the PyGeNN paper (Knight et al. 2021).

Three runs of the same microcircuit on one backend:

* baseline: no spike output at all, one ``run_steps`` call (wall time ~ kernel time);
* (a) "no recording system": after every step, each population's spike count and that many spike
  ids are pulled from the device and turned into spike times in Python (pygenn_cl, like PyGeNN 5,
  has no public per-step spike access, so this goes through ``model._runtime``);
* (b) the spike recording system: a buffer of 1000 steps, pulled every 1000 steps and decoded.

Overhead of a run = its wall time minus the baseline's wall time ("vs baseline"), and, where the
backend reports kernel times (``timing_enabled``), wall time minus the neuron and presynaptic
update kernel times of that run ("vs kernels").  The paper found 7-14x less overhead with the
recording system.
"""
from __future__ import annotations

from typing import Optional


def _ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    if a is None or b is None or b <= 0.0:
        return None
    return a / b


def recording_overhead(baseline: dict, per_step: dict, recording: dict) -> dict:
    out = {"backend": baseline["backend"], "scale": baseline["scale"], "duration_ms": baseline["duration_ms"],
           "baseline_wall_s": baseline["wall_s"], "per_step_wall_s": per_step["wall_s"],
           "recording_wall_s": recording["wall_s"], "recording_decode_s": recording.get("decode_s"),
           "recording_pull_s": recording.get("pull_s"),
           "baseline_kernel_s": baseline.get("kernel_s"), "per_step_kernel_s": per_step.get("kernel_s"),
           "recording_kernel_s": recording.get("kernel_s"),
           "per_step_spikes": per_step.get("spikes"), "recording_spikes": recording.get("spikes")}
    out["per_step_overhead_s"] = per_step["wall_s"] - baseline["wall_s"]
    out["recording_overhead_s"] = recording["wall_s"] - baseline["wall_s"]
    out["ratio_vs_baseline"] = _ratio(out["per_step_overhead_s"], out["recording_overhead_s"])
    if per_step.get("kernel_s") is not None and recording.get("kernel_s") is not None:
        out["per_step_overhead_kernels_s"] = per_step["wall_s"] - per_step["kernel_s"]
        out["recording_overhead_kernels_s"] = recording["wall_s"] - recording["kernel_s"]
        out["baseline_overhead_kernels_s"] = baseline["wall_s"] - baseline["kernel_s"] \
            if baseline.get("kernel_s") is not None else None
        out["ratio_vs_kernels"] = _ratio(out["per_step_overhead_kernels_s"], out["recording_overhead_kernels_s"])
    else:
        out["per_step_overhead_kernels_s"] = out["recording_overhead_kernels_s"] = None
        out["baseline_overhead_kernels_s"] = None
        out["ratio_vs_kernels"] = None
    return out
