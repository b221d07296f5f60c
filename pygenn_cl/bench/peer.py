"""Benchmark 4: the same microcircuit in Brian2 (cpp_standalone, one thread), in a child process.

Brian2 is never a dependency of pygenn_cl.  The child runs with ``--peer-python`` (default: this
interpreter); Brian2 may need a numpy older than pygenn_cl's environment has (Brian2 2.9.0 uses
``numpy.ndarray.ptp``, removed in numpy 2.4), so another environment may be named.
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional

import numpy as np

from .common import BenchSkipped, microcircuit_module

SCRIPT = Path(__file__).with_name("brian2_pd14.py")


def brian2_spec(scale: float, duration_ms: float, seed: int = 1234, record: bool = True) -> dict:
    """Everything the Brian2 script needs, derived with the functions of the pygenn_cl example."""
    mic = microcircuit_module()
    params, source = mic.load_params()
    k = scale
    nrn, syn = params["neuron"], params["synapse"]
    dt = params["dt_ms"]
    weight_scale = 1.0 / math.sqrt(k)
    projections = []
    for (src, trg), num in mic.num_synapses(params, scale, k).items():
        w, rel_sd = mic.mean_weight(params, src, trg)
        w *= weight_scale
        kind = src[-1]
        d_mean, d_sd = syn["delay_mean_ms"][kind], syn["delay_sd_ms"][kind]
        projections.append({"source": src, "target": trg, "num": int(num), "w_mean_nA": w,
                            "w_sd_nA": abs(w) * rel_sd, "d_mean_ms": d_mean, "d_sd_ms": d_sd, "d_min_ms": dt,
                            "d_max_ms": d_mean + d_sd * mic.NORMAL_QUANTILE_0_9999})
    background = {}
    for pop in params["populations"]:
        total_rate = params["background_rate_hz"] * params["external_indegree"][pop] * k
        n_inputs = max(1, int(round(params["external_indegree"][pop] * k)))
        background[pop] = {"N": n_inputs, "rate_hz": total_rate / n_inputs,
                           "weight_nA": syn["external_weight_nA"] * weight_scale}
    return {"seed": seed, "dt_ms": dt, "duration_ms": duration_ms, "record": record,
            "discard_ms": mic.DISCARD_MS if duration_ms > 2 * mic.DISCARD_MS else 0.0,
            "populations": params["populations"], "sizes": mic.scaled_sizes(params, scale),
            "neuron": {"C_nF": nrn["C_nF"], "tau_m_ms": nrn["tau_m_ms"], "V_rest_mV": nrn["V_rest_mV"],
                       "V_reset_mV": nrn["V_reset_mV"], "V_thresh_mV": nrn["V_thresh_mV"],
                       "tau_refrac_ms": nrn["tau_refrac_ms"], "tau_syn_ms": nrn["tau_syn_ms"],
                       "V_init_mean_mV": nrn["V_init"]["mean_mV"], "V_init_sd_mV": nrn["V_init"]["sd_mV"]},
            "dc_nA": mic.dc_compensation(params, k), "background": background, "projections": projections,
            "params_source": source}


def reference_rates() -> Optional[dict]:
    """Brian2's down-scaled (0.1) rates from pd14.json, or None."""
    params, _ = microcircuit_module().load_params()
    return params.get("downscaled_rates_measured_hz", {}).get("brian2_cpp_standalone")


def run_brian2(scale: float, duration_ms: float, python: Optional[str] = None, seed: int = 1234,
               timeout_s: float = 900.0) -> dict:
    """Run the Brian2 microcircuit in a child process; raises BenchSkipped when Brian2 cannot run."""
    python = python or os.environ.get("PYGENN_CL_BENCH_BRIAN2_PYTHON") or sys.executable
    spec = brian2_spec(scale, duration_ms, seed)
    work = tempfile.mkdtemp(prefix="pygenn_cl_brian2_")
    spec["directory"] = os.path.join(work, "standalone")
    spec_path = os.path.join(work, "spec.json")
    with open(spec_path, "w") as f:
        json.dump(spec, f)
    try:
        result = subprocess.run([python, str(SCRIPT), spec_path], capture_output=True, text=True,
                                timeout=timeout_s)
    except FileNotFoundError as exc:
        raise BenchSkipped(f"peer: cannot run {python}: {exc}") from exc
    finally:
        pass
    if result.returncode == 3:
        msg = next((l for l in result.stdout.splitlines() if l.startswith("BRIAN2_UNAVAILABLE")), result.stdout)
        raise BenchSkipped("peer: Brian2 cannot be imported by " + python + ": "
                           + msg.replace("BRIAN2_UNAVAILABLE: ", "")
                           + ". Install it (pip install brian2) or point --peer-python / "
                             "PYGENN_CL_BENCH_BRIAN2_PYTHON at an interpreter that has it.")
    if result.returncode != 0:
        raise RuntimeError(f"Brian2 run failed (exit {result.returncode}):\n{result.stdout[-2000:]}\n"
                           f"{result.stderr[-4000:]}")
    line = next(l for l in reversed(result.stdout.splitlines()) if l.startswith("RESULT: "))
    out = json.loads(line[len("RESULT: "):])
    out.update({"scale": scale, "duration_ms": duration_ms, "python": python})
    # Simulation time comparable to pygenn_cl's run_steps: Brian2's own timing of its run loop.
    out["sim_s"] = out["last_run_time_s"] if out.get("last_run_time_s") else out["run_binary_s"]
    out["rtf"] = out["sim_s"] / (duration_ms / 1000.0)
    if out.get("synaptic_events") is not None:
        out["synaptic_events_per_s"] = out["synaptic_events"] / out["sim_s"]
    import shutil
    shutil.rmtree(work, ignore_errors=True)
    return out
