"""Tables and the plot of ``python -m pygenn_cl.bench``."""
from __future__ import annotations

from typing import Optional

from .common import fmt_e, fmt_s, table


def _div(a: Optional[float], b: Optional[float]) -> Optional[float]:
    return None if a is None or b is None or b == 0 else a / b


def print_microcircuit(runs, summary) -> None:
    print("\n[microcircuit] Potjans & Diesmann (2014), neuron scale = connectivity scale, seed "
          f"{runs[0]['seed']}, {runs[0]['duration_ms']:g} ms at dt 0.1 ms")
    print("  sim = run_steps + recording pulls (decoding to spike times excluded, shown apart); "
          "rtf = sim / biological time;\n  events/s counted from the recorded spikes x row lengths "
          "(recording off: the recorded run's count / this run's sim time)")
    rows = []
    events = {(r["backend"], r["scale"]): r.get("synaptic_events") for r in runs if r["mode"] == "recording"}
    for r in runs:
        ev = r.get("synaptic_events", events.get((r["backend"], r["scale"])))
        eps = r.get("synaptic_events_per_s") or _div(ev, r["sim_s"])
        rows.append([r["backend"], f"{r['scale']:g}", "on" if r["mode"] == "recording" else "off",
                     f"{r['neurons']:,}", f"{r['synapses']:,}", fmt_s(r.get("build_cold_s")),
                     fmt_s(r["build_warm_s"], 3), fmt_s(r["load_s"]), fmt_s(r["sim_s"]),
                     fmt_s(r.get("decode_s")), fmt_s(r["rtf"]), fmt_s(r.get("kernel_s")),
                     fmt_e(eps) + ("" if r["mode"] == "recording" else "*")])
        summary.setdefault("microcircuit_sim_s", {})[f"{r['backend']}/{r['scale']:g}/{r['mode']}"] = r["sim_s"]
    print(table(["backend", "scale", "rec", "neurons", "synapses", "build cold", "warm", "load", "sim",
                 "decode", "rtf", "kernels", "events/s"], rows))
    for r in runs:
        if r["mode"] == "recording" and r.get("rates_hz"):
            print(f"  rates {r['backend']} scale {r['scale']:g} (first {r['rates_discard_ms']:g} ms dropped): "
                  + ", ".join(f"{p} {v:.2f}" for p, v in r["rates_hz"].items()) + " Hz")
    by = {(r["backend"], r["scale"], r["mode"]): r for r in runs}
    # Every run against the C backend; runs other than C's variants (--c-flags) also against those.
    c_labels = sorted({b for b, _, _ in by if b.startswith("single_threaded_cpu")}, key=len)
    for (b, s, m), r in by.items():
        for c_label in c_labels:
            c = by.get((c_label, s, m))
            if c is None or b == c_label or (b.startswith("single_threaded_cpu") and c_label != c_labels[0]):
                continue
            ratio = r["sim_s"] / c["sim_s"]
            print(f"  {b} / {c_label} simulation time, scale {s:g}, "
                  f"recording {'on' if m == 'recording' else 'off'}: {ratio:.2f}x")
            key = f"{b}/{s:g}/{m}" if c_label == "single_threaded_cpu" else f"{b} vs {c_label}/{s:g}/{m}"
            summary.setdefault("backend_vs_c_sim_ratio", {})[key] = ratio


def print_scaling(runs, summary) -> None:
    done = [r for r in runs if not r.get("skipped")]
    if not done:
        return
    print(f"\n[scaling] random LIF network, 80 % E / 20 % I, in-degree {done[0]['k_in']} "
          "(FixedNumberPreWithReplacement), constant weights, spikes recorded")
    rows = []
    for r in runs:
        if r.get("skipped"):
            rows.append([r["backend"], f"{r['neurons']:,}", "-", "skipped", f"(est. {r['estimated_s']:.0f} s)",
                         "", "", "", ""])
            continue
        rows.append([r["backend"], f"{r['neurons']:,}", f"{r['synapses']:,}", f"{r['duration_ms']:g}",
                     fmt_s(r["build_s"]), fmt_s(r["load_s"]), fmt_s(r["s_per_bio_s"], 3),
                     f"{r['rate_hz']:.2f}", fmt_e(r["synaptic_events_per_s"])])
        summary.setdefault("scaling_s_per_bio_s", {})[f"{r['backend']}/{r['neurons']}"] = r["s_per_bio_s"]
    print(table(["backend", "neurons", "synapses", "bio ms", "build", "load", "s / bio s", "rate Hz",
                 "events/s"], rows))


def print_recording(runs, summary) -> None:
    print("\n[recording] overhead of getting spikes to Python (PyGeNN paper, Knight et al. 2021): "
          "(a) pull spike count + ids every step, (b) recording system (1000-step buffer, pulled and decoded)")
    print("  overhead vs baseline = wall - wall of a run with no spike output; vs kernels = wall - "
          "(neuron + presynaptic kernel time)")
    rows = []
    for r in runs:
        rows.append([r["backend"], f"{r['scale']:g}", fmt_s(r["baseline_wall_s"]), fmt_s(r["per_step_wall_s"]),
                     fmt_s(r["recording_wall_s"]), fmt_s(r["per_step_overhead_s"], 3),
                     fmt_s(r["recording_overhead_s"], 3), fmt_s(r["ratio_vs_baseline"]),
                     fmt_s(r["per_step_overhead_kernels_s"], 3), fmt_s(r["recording_overhead_kernels_s"], 3),
                     fmt_s(r["ratio_vs_kernels"])])
        summary.setdefault("recording_overhead_ratio", {})[f"{r['backend']}/{r['scale']:g}"] = {
            "vs_baseline": r["ratio_vs_baseline"], "vs_kernels": r["ratio_vs_kernels"]}
    print(table(["backend", "scale", "baseline", "(a) wall", "(b) wall", "(a) ovh", "(b) ovh", "a/b",
                 "(a) ovh krn", "(b) ovh krn", "a/b krn"], rows))
    print("  'vs kernels' is the figure to quote where kernel times exist: 'vs baseline' subtracts two separate "
          "runs and on a busy machine their\n  difference can exceed the overhead (negative values, ratio '-')")
    for r in runs:
        if r["per_step_spikes"] is not None and r["recording_spikes"] is not None:
            print(f"  {r['backend']}: spikes (a) {r['per_step_spikes']:,}, (b) {r['recording_spikes']:,}")


def print_peer(runs, summary) -> None:
    from .microcircuit import check_rates
    from .peer import reference_rates
    print("\n[peer] Brian2 cpp_standalone (one thread), the same microcircuit, SpikeMonitor on; "
          "Brian2 sim = its own run-loop time (device._last_run_time)")
    rows = []
    for r in runs:
        rows.append(["brian2 " + r["brian2"], f"{r['scale']:g}", fmt_s(r["setup_s"]), fmt_s(r["build_compile_s"]),
                     fmt_s(r["run_binary_s"]), fmt_s(r["sim_s"]), "1.00x", fmt_e(r.get("synaptic_events_per_s"))])
        for b, p in r["pygenn_cl"].items():
            ratio = p["sim_s"] / r["sim_s"]
            rows.append([f"pygenn_cl {b}", f"{r['scale']:g}", "-", fmt_s(p["build_warm_s"]) + " warm",
                         fmt_s(p["load_s"] + p["wall_s"]), fmt_s(p["sim_s"]), f"{ratio:.2f}x",
                         fmt_e(p.get("synaptic_events_per_s"))])
            summary.setdefault("pygenn_cl_vs_brian2_sim_ratio", {})[f"{b}/{r['scale']:g}"] = ratio
    print(table(["simulator", "scale", "setup", "build/compile", "run (load+sim)", "sim", "sim / brian2",
                 "events/s"], rows))
    ref = reference_rates()
    for r in runs:
        if not r.get("rates_hz"):
            continue
        print(f"  Brian2 rates, scale {r['scale']:g} (Hz):")
        comparable = ref is not None and abs(r["scale"] - 0.1) < 1e-9 and r["duration_ms"] >= 1000.0
        check = check_rates(r["rates_hz"], ref) if comparable else None
        rows = []
        for pop, v in r["rates_hz"].items():
            row = [pop, f"{v:.2f}"]
            for b, p in r["pygenn_cl"].items():
                row.append(f"{p['rates_hz'][pop]:.2f}" if p.get("rates_hz") else "-")
            if check:
                row += [f"{ref[pop]:.2f}", f"{check['deviation'][pop] * 100:+.0f}%"]
            rows.append(row)
        headers = ["pop", "brian2 (here)"] + [f"pygenn_cl {b}" for b in r["pygenn_cl"]]
        if check:
            headers += ["brian2 ref (pd14.json)", "here vs ref"]
        print(table(headers, rows))
        if check:
            verdict = "all within" if check["within"] else "NOT all within"
            print(f"  Brian2 rates vs pd14.json brian2_cpp_standalone: {verdict} "
                  f"{check['tolerance'] * 100:.0f}%")
            r["rate_check"] = check
            summary.setdefault("brian2_rates_within_20pct", {})[f"{r['scale']:g}"] = check["within"]
        else:
            print("  (rates compared with pd14.json only at scale 0.1 and >= 1000 ms)")


def _short(backend: str) -> str:
    return {"single_threaded_cpu": "C", "opencl": "OpenCL", "cuda": "CUDA"}.get(backend, backend)


def plot_results(results: dict, path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(16, 5))
    ax = axes[0]
    scaling = [r for r in results.get("scaling") or [] if not r.get("skipped")]
    for b in sorted({r["backend"] for r in scaling}):
        rs = sorted((r for r in scaling if r["backend"] == b), key=lambda r: r["neurons"])
        ax.loglog([r["neurons"] for r in rs], [r["s_per_bio_s"] for r in rs], "o-", label=b)
    if scaling:
        k = scaling[0]["k_in"]
        sec = ax.secondary_xaxis("top", functions=(lambda n: n * k, lambda s: s / k))
        sec.set_xlabel(f"synapses (in-degree {k})")
    ax.axhline(1.0, color="grey", lw=0.8, ls="--")
    ax.set_xlabel("neurons")
    ax.set_ylabel("wall time per biological second (s)")
    ax.set_title("scaling: random LIF network")
    ax.legend()

    ax = axes[1]
    labels, values = [], []
    for r in results.get("microcircuit") or []:
        labels.append(f"{_short(r['backend'])}\n{r['scale']:g} rec {'on' if r['mode'] == 'recording' else 'off'}")
        values.append(r["sim_s"])
    for r in results.get("peer") or []:
        labels.append(f"brian2\n{r['scale']:g} rec on")
        values.append(r["sim_s"])
    ax.bar(range(len(values)), values, color="tab:blue")
    ax.set_xticks(range(len(values)), labels, fontsize=7)
    ax.set_ylabel("simulation wall time (s)")
    ax.set_title(f"microcircuit, {results['config']['duration_ms']:g} ms")

    ax = axes[2]
    rec = results.get("recording") or []
    x = range(len(rec))
    def ovh(r, which):   # wall - kernel time of the same run where available, else vs the baseline run
        v = r.get(f"{which}_overhead_kernels_s")
        return v if v is not None else r[f"{which}_overhead_s"]
    ax.bar([i - 0.2 for i in x], [ovh(r, "per_step") for r in rec], width=0.4, label="(a) pull every step")
    ax.bar([i + 0.2 for i in x], [ovh(r, "recording") for r in rec], width=0.4, label="(b) recording system")
    ax.set_xticks(list(x), [f"{_short(r['backend'])}\n{r['scale']:g}" for r in rec], fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel("overhead: wall - kernel time (s)")
    ax.set_title("recording overhead")
    ax.legend()
    fig.suptitle(f"pygenn_cl {results['machine']['pygenn_cl']} on {results['machine']['cpu']} "
                 f"({results['machine']['cores']} cores)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# -- a record for benchmarks/data/ (``--record``) ---------------------------------------------
def _s(x: Optional[float]):
    """A figure for a record: stored with 4 significant figures, shown with 3."""
    from .records import round_sig
    return None if x is None else {"value": round_sig(x), "sig": 3}


def record_tables(results: dict) -> list:
    """The suite's results as the tables of a record (see ``pygenn_cl.bench.records``)."""
    from .records import round_sig
    tables = []
    mic = results.get("microcircuit") or []
    if mic:
        events = {(r["backend"], r["scale"]): r.get("synaptic_events") for r in mic if r["mode"] == "recording"}
        rows = []
        for r in mic:
            ev = r.get("synaptic_events", events.get((r["backend"], r["scale"])))
            eps = r.get("synaptic_events_per_s") or _div(ev, r["sim_s"])
            rows.append([r["backend"], f"{r['scale']:g}", "on" if r["mode"] == "recording" else "off",
                         r["neurons"], r["synapses"], _s(r.get("build_cold_s")), _s(r["build_warm_s"]),
                         _s(r["load_s"]), _s(r["sim_s"]), _s(r["rtf"]),
                         None if eps is None else [round_sig(eps, 3)] + ([] if r["mode"] == "recording" else [" *"])])
        tables.append({"id": "suite-microcircuit", "title": "Microcircuit (recording off: events/s from the recorded "
                                                            "run's count, marked *)",
                       "columns": ["backend", "scale", "recording", "neurons", "synapses",
                                   {"label": "build, cold", "unit": "s"}, {"label": "build, warm", "unit": "s"},
                                   {"label": "load", "unit": "s"}, {"label": "simulation", "unit": "s"},
                                   "real-time factor", {"label": "synaptic events/s", "sci": 2}],
                       "rows": rows})
        summary = results.get("summary", {}).get("backend_vs_c_sim_ratio") or {}
        if summary:
            tables.append({"id": "suite-vs-c", "title": "Simulation time against the C backend's",
                           "columns": ["backend / scale / recording", {"label": "ratio", "unit": "×", "sig": 3}],
                           "rows": [[k, round_sig(v, 3)] for k, v in summary.items()]})
    scaling = [r for r in results.get("scaling") or [] if not r.get("skipped")]
    if scaling:
        tables.append({"id": "suite-scaling", "title": "Scaling: random LIF network, wall time per biological second",
                       "columns": ["backend", "neurons", "synapses", {"label": "biological time", "unit": "ms"},
                                   {"label": "build", "unit": "s"}, {"label": "load", "unit": "s"},
                                   {"label": "wall per biological second", "unit": "s"},
                                   {"label": "rate", "unit": "Hz", "sig": 3},
                                   {"label": "synaptic events/s", "sci": 2}],
                       "rows": [[r["backend"], r["neurons"], r["synapses"], r["duration_ms"], _s(r["build_s"]),
                                 _s(r["load_s"]), _s(r["s_per_bio_s"]), round_sig(r["rate_hz"]),
                                 round_sig(r["synaptic_events_per_s"], 3)] for r in scaling]})
    rec = results.get("recording") or []
    if rec:
        tables.append({"id": "suite-recording",
                       "title": "Recording overhead: (a) spikes pulled every step, (b) the recording system",
                       "columns": ["backend", "scale", "overhead = wall time minus",
                                   {"label": "(a) overhead", "unit": "s"}, {"label": "(b) overhead", "unit": "s"},
                                   {"label": "(a) / (b)", "unit": "×"}],
                       "rows": [_recording_row(r) for r in rec]})
    peer = results.get("peer") or []
    if peer:
        rows = []
        for r in peer:
            rows.append([f"Brian2 {r['brian2']} cpp_standalone", f"{r['scale']:g}", _s(r["build_compile_s"]),
                         _s(r["sim_s"]), {"value": 1.0, "digits": 2}])
            for b, p in r["pygenn_cl"].items():
                rows.append([f"pygenn_cl {b}", f"{r['scale']:g}", _s(p["build_warm_s"]), _s(p["sim_s"]),
                             _s(p["sim_s"] / r["sim_s"])])
        tables.append({"id": "suite-peer", "title": "Brian2 as a peer (recording on)",
                       "columns": ["simulator", "scale", {"label": "build (warm) / compile", "unit": "s"},
                                   {"label": "simulation", "unit": "s"}, {"label": "sim / Brian2", "unit": "×"}],
                       "rows": rows})
    return tables


def _recording_row(r: dict) -> list:
    """Overhead against the run's kernel time where it has one, else against a baseline run."""
    if r.get("per_step_overhead_kernels_s") is not None:
        against, keys = "kernel time", ("per_step_overhead_kernels_s", "recording_overhead_kernels_s", "ratio_vs_kernels")
    else:
        against, keys = "a run with no spike output", ("per_step_overhead_s", "recording_overhead_s", "ratio_vs_baseline")
    a, b, ratio = (r.get(k) for k in keys)
    return [r["backend"], f"{r['scale']:g}", against, _s(a), _s(b), _s(ratio)]


def suite_record(results: dict, caption: str = "") -> dict:
    """A record of one run of ``python -m pygenn_cl.bench``."""
    from .records import make_record
    devices = results.get("devices") or {}
    backends = results["config"]["backends"]
    device = "; ".join(f"{b}: {' '.join((devices.get(b, {}).get('devices') or ['?'])[0].split())}" for b in backends)
    config = results["config"]
    notes = [f"{name} skipped: {why}" for name, why in results.get("skipped", {}).items()]
    notes += [f"failed: {why}" for why in results.get("failed_runs", [])]
    machine = dict(results["machine"])
    if "opencl" in backends:
        from .machine import opencl_runtime
        machine["opencl"] = opencl_runtime()
    return make_record(command=results["command"], device=device, machine=machine, date=results["date"],
                       caption=caption or (f"Suites {', '.join(config['suites'])}; scale(s) "
                                           f"{', '.join(f'{s:g}' for s in config['scales'])}, "
                                           f"{config['duration_ms']:g} ms" + (", --quick" if config["quick"] else "")
                                           + f"; the whole run took {results['total_s']:.0f} s."),
                       tables=record_tables(results), notes=notes)
