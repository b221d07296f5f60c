"""Benchmark 5 (``--suite peers``): pygenn_cl against PyGeNN and Brian2, each in fresh processes.

Every measurement is a child process: pygenn_cl runs ``genn_workloads.py`` through
``python -m pygenn_cl.compat`` (the script imports ``pygenn``), PyGeNN runs the very same script
with the interpreter given by ``--pygenn-python`` (or ``$PYGENN_CL_BENCH_PYGENN_PYTHON``), and
Brian2 runs ``brian2_workloads.py`` (STDP, LIF) or ``brian2_pd14.py`` (microcircuit) with
``--peer-python``.  Each row is the minimum over ``--peer-repeats`` processes.  Rows:

* microcircuit at scale 0.1 for 1 s: simulation and ``load()``;
* LIF network of 1000 neurons (100k synapses) for 1 s: simulation;
* LIF network of 10^6 neurons: ``load()`` and simulation per biological second (100 ms run);
* STDP: 1000 Poisson inputs -> 100 LIF, 100k DENSE plastic synapses with traces, 10 s;
* warm rebuild of bench_build.py's network (50 populations, 100 synapse groups): ``build()`` in a
  fresh process with warm caches.

Before the timed processes, one untimed process per simulator and workload fills the caches
(compiled code; PoCL's kernels), so times are those of a user's second run.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional

from .common import BenchSkipped

HERE = Path(__file__).resolve().parent
WORKLOADS = HERE / "genn_workloads.py"
BRIAN2_WORKLOADS = HERE / "brian2_workloads.py"
BENCH_BUILD_DIR = HERE.parents[1] / "benchmarks"

#: (row key, label, workload spec, what is read from the result)
ROWS = (
    ("microcircuit_sim", "microcircuit, scale 0.1, 1 s: simulation", "microcircuit", "sim_s"),
    ("lif1k_sim", "LIF 1000 neurons, 100k synapses, 1 s: simulation", "lif1k", "sim_s"),
    ("lif1m_sim", "random LIF network 10^6 neurons: simulation per biological second", "lif1m", "sim_per_bio_s"),
    ("stdp_sim", "STDP: 1000 Poisson -> 100 LIF, 100k dense plastic synapses, 10 s", "stdp", "sim_s"),
    ("lif1m_load", "load at 10^6 neurons", "lif1m", "load_s"),
    ("microcircuit_load", "load, microcircuit scale 0.1", "microcircuit", "load_s"),
    ("rebuild", "warm rebuild, 50 populations and 100 synapse groups (fresh process)", "rebuild", "build_s"),
)
#: rows in bold in issue 21's table: pygenn_cl must be at or below the best peer
TARGET_ROWS = ("stdp_sim", "lif1m_load", "microcircuit_load", "rebuild")


def workload_specs(quick: bool) -> Dict[str, dict]:
    specs = {"microcircuit": {"workload": "microcircuit", "duration_ms": 1000.0},
             "lif1k": {"workload": "lif", "neurons": 1000, "duration_ms": 1000.0},
             "lif1m": {"workload": "lif", "neurons": 100_000 if quick else 1_000_000, "duration_ms": 100.0},
             "stdp": {"workload": "stdp", "duration_ms": 1000.0 if quick else 10000.0},
             "rebuild": {"workload": "rebuild", "bench_build_dir": str(BENCH_BUILD_DIR)}}
    return specs


def _run(cmd: List[str], spec: dict, work: str, name: str, timeout_s: float = 900.0) -> dict:
    path = os.path.join(work, f"{name}.json")
    with open(path, "w") as f:
        json.dump(spec, f)
    try:
        result = subprocess.run(cmd + [path], capture_output=True, text=True, timeout=timeout_s)
    except FileNotFoundError as exc:
        raise BenchSkipped(f"cannot run {cmd[0]}: {exc}") from exc
    if result.returncode == 3:
        line = next((l for l in result.stdout.splitlines() if "UNAVAILABLE" in l), result.stdout.strip())
        raise BenchSkipped(line)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} {name} failed (exit {result.returncode}):\n"
                           f"{result.stdout[-1500:]}\n{result.stderr[-3000:]}")
    line = next(l for l in reversed(result.stdout.splitlines()) if l.startswith("RESULT: "))
    return json.loads(line[len("RESULT: "):])


def _derived(workload: str, spec: dict, r: dict) -> dict:
    if "duration_ms" in spec and r.get("sim_s") is not None:
        r["sim_per_bio_s"] = r["sim_s"] / (spec["duration_ms"] / 1000.0)
    return r


class Simulator:
    """How one simulator runs a workload in a fresh process."""

    def __init__(self, label: str, cmd: List[str], backend: Optional[str], preferences: dict, kind: str):
        self.label, self.cmd, self.backend, self.preferences, self.kind = label, cmd, backend, preferences, kind

    def runs(self, workload: str) -> bool:
        return self.kind != "brian2" or workload in ("microcircuit", "lif1k", "stdp")

    def run(self, workload: str, spec: dict, work: str, seed: int) -> dict:
        spec = dict(spec, seed=seed)
        if self.kind == "brian2" and workload == "microcircuit":
            from .peer import run_brian2
            r = run_brian2(0.1, spec["duration_ms"], python=self.cmd[0], seed=seed)
            r["load_s"] = max(r["run_binary_s"] - r["sim_s"], 0.0)
            return _derived(workload, spec, r)
        if self.kind == "brian2":
            spec["directory"] = os.path.join(work, f"brian2_{workload}")
            return _derived(workload, spec, _run(self.cmd + [str(BRIAN2_WORKLOADS)], spec, work, f"b2_{workload}"))
        if workload == "microcircuit":
            from .peer import brian2_spec
            spec["microcircuit"] = brian2_spec(0.1, spec["duration_ms"], seed)
        spec.update(backend=self.backend, preferences=self.preferences,
                    build_dir=os.path.join(work, f"{self.label}_{workload}".replace(" ", "_")))
        return _derived(workload, spec, _run(self.cmd + [str(WORKLOADS)], spec, work, f"{self.kind}_{workload}"))


def simulators(backends: List[str], pygenn_python: Optional[str], brian2_python: Optional[str]) -> List[Simulator]:
    out = [Simulator(f"pygenn_cl {b}", [sys.executable, "-m", "pygenn_cl.compat"], b, {}, "pygenn_cl")
           for b in backends]
    pygenn_python = pygenn_python or os.environ.get("PYGENN_CL_BENCH_PYGENN_PYTHON")
    if pygenn_python:
        out.append(Simulator("PyGeNN single_threaded_cpu", [pygenn_python], "single_threaded_cpu",
                             {"optimize_code": True}, "pygenn"))
    brian2_python = brian2_python or os.environ.get("PYGENN_CL_BENCH_BRIAN2_PYTHON") or sys.executable
    out.append(Simulator("Brian2 cpp_standalone", [brian2_python], None, {}, "brian2"))
    return out


def run_peers(backends: List[str], pygenn_python: Optional[str], brian2_python: Optional[str], repeats: int,
              quick: bool, seed: int = 1234, log=print) -> dict:
    """Every simulator on every workload: one untimed process (caches), then ``repeats`` timed ones."""
    specs = workload_specs(quick)
    sims = simulators(backends, pygenn_python, brian2_python)
    results: Dict[str, Dict[str, List[dict]]] = {s.label: {} for s in sims}
    skipped: Dict[str, str] = {}
    work = tempfile.mkdtemp(prefix="pygenn_cl_peers_")
    for workload, spec in specs.items():
        for sim in sims:
            if not sim.runs(workload) or sim.label in skipped:
                continue
            runs = []
            try:
                sim.run(workload, spec, work, seed)          # fills the caches; not timed
                for _ in range(repeats):
                    runs.append(sim.run(workload, spec, work, seed))
            except BenchSkipped as exc:
                skipped[sim.label] = str(exc)
                log(f"  {sim.label}: skipped ({exc})")
                continue
            except Exception as exc:  # noqa: BLE001 - one simulator failing keeps the others
                skipped.setdefault(f"{sim.label} {workload}", f"{type(exc).__name__}: {exc}"[:2000])
                log(f"  {sim.label} {workload}: FAILED {type(exc).__name__}: {str(exc)[:300]}")
                continue
            results[sim.label][workload] = runs
            best = {k: min(r[k] for r in runs) for k in ("build_s", "load_s", "sim_s") if all(k in r for r in runs)}
            log(f"  {sim.label:28s} {workload:13s} " + ", ".join(f"{k} {v:.3f}" for k, v in best.items()))
    table = summary_table(results, specs)
    return {"results": results, "skipped": skipped, "table": table, "repeats": repeats, "quick": quick,
            "specs": specs, "simulators": [s.label for s in sims]}


def summary_table(results: Dict[str, Dict[str, List[dict]]], specs: Dict[str, dict]) -> List[dict]:
    """One row per ROWS entry: each simulator's minimum, and pygenn_cl's best over the best peer."""
    rows = []
    for key, label, workload, field in ROWS:
        cells = {}
        for sim, by_workload in results.items():
            runs = by_workload.get(workload)
            values = [r[field] for r in runs or [] if r.get(field) is not None]
            if values:
                cells[sim] = {"min": min(values), "all": values}
        ours = [c["min"] for s, c in cells.items() if s.startswith("pygenn_cl")]
        peers = [c["min"] for s, c in cells.items() if not s.startswith("pygenn_cl")]
        ratio = min(ours) / min(peers) if ours and peers else None
        rows.append({"key": key, "label": label, "cells": cells, "best_ratio": ratio, "target": key in TARGET_ROWS})
    return rows


def print_peers(out: dict) -> None:
    from .common import table
    sims = out["simulators"]
    print("\n[peers] seconds, minimum of {} fresh processes each; ratio: best pygenn_cl / best peer".format(
        out["repeats"]))
    rows = []
    for row in out["table"]:
        cells = [f"{row['cells'][s]['min']:.3f}" if s in row["cells"] else "-" for s in sims]
        ratio = "-" if row["best_ratio"] is None else f"{row['best_ratio']:.2f}" + (" *" if row["target"] else "")
        rows.append([row["label"]] + cells + [ratio])
    print(table(["workload"] + sims + ["ratio"], rows))
    print("  * issue 21's targets: at or below the best peer (ratio <= 1)")
    for name, why in out["skipped"].items():
        print(f"  {name}: {why[:300]}")


def peers_record(out: dict, command: str, caption: str, pygenn_python: Optional[str]) -> dict:
    """The record of a run (benchmarks/data/15-peers.json)."""
    from .records import make_record, round_sig
    sims = out["simulators"]
    columns = [""] + [{"label": s, "unit": "s"} for s in sims] + [{"label": "best pygenn_cl / best peer",
                                                                    "unit": "×"}]
    rows = []
    for row in out["table"]:
        cells = []
        for s in sims:
            c = row["cells"].get(s)
            cells.append(None if c is None else {"value": round_sig(c["min"]), "sig": 3})
        r = row["best_ratio"]
        cells.append(None if r is None else {"value": round_sig(r, 3), "digits": 2, "bold": bool(row["target"])})
        rows.append([row["label"]] + cells)
    notes = [f"Each figure is the minimum of {out['repeats']} fresh processes (after one untimed process that "
             "filled the caches); every figure is kept in the record's data."]
    if not any(s.startswith("PyGeNN") for s in sims):
        notes.append("PyGeNN was not measured (no --pygenn-python); benchmarks/NOTES.md, section 15, quotes "
                     "issue 21's PyGeNN figures.")
    for name, why in out["skipped"].items():
        notes.append(f"{name}: {why[:300]}")
    return make_record(command=command, device="pygenn_cl: " + ", ".join(s for s in sims if s.startswith("pygenn_cl"))
                       + "; peers: " + ", ".join(s for s in sims if not s.startswith("pygenn_cl")),
                       caption=caption, tables=[{"id": "peers", "columns": columns, "rows": rows}],
                       notes=notes, opencl=any("opencl" in s for s in sims),
                       data={"table": out["table"], "specs": out["specs"], "skipped": out["skipped"]})
