"""The Potjans & Diesmann microcircuit in Brian2 (cpp_standalone, one thread).

This file is run as a script in a child process (``python brian2_pd14.py SPEC.json``), possibly
by another interpreter than pygenn_cl's (Brian2 may need other numpy versions), so it
imports nothing from pygenn_cl: the parent (:mod:`pygenn_cl.bench.peer`) derives everything
from ``examples/potjans_microcircuit.py`` (sizes, synapse numbers, weights, delays, DC
compensation, background rates) and passes it in SPEC.json, so both simulators run the same
model.  Connectivity is drawn here with numpy the way ``FixedNumberTotalWithReplacement`` does
(pre and post of every synapse uniform, with replacement); weights Normal(mean, sd) clipped at 0
on the side of the sign, delays Normal clipped to [dt, max], rounded to whole steps.

Prints one JSON line (prefixed ``RESULT:``) with the timings, spike counts and rates.
Exit code 3: Brian2 cannot be imported.
"""
import json
import os
import sys
import tempfile
import time


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    with open(argv[0]) as f:
        spec = json.load(f)
    t_import = time.perf_counter()
    try:
        import numpy as np
        import brian2 as b2
    except Exception as exc:  # noqa: BLE001 - Brian2 breaks in several ways (missing, numpy too new)
        import numpy as np
        print(f"BRIAN2_UNAVAILABLE: {type(exc).__name__}: {exc} (numpy {np.__version__}, "
              f"Python {sys.executable})")
        return 3
    import_s = time.perf_counter() - t_import
    from brian2 import Hz, ms, mV, nA, nF

    directory = spec.get("directory") or tempfile.mkdtemp(prefix="brian2_pd14_")
    b2.set_device("cpp_standalone", build_on_run=False, directory=directory)
    b2.prefs.devices.cpp_standalone.openmp_threads = 0          # one thread
    b2.prefs.core.default_float_dtype = np.float64
    b2.seed(spec["seed"])
    rng = np.random.default_rng(spec["seed"])

    t0 = time.perf_counter()
    dt = spec["dt_ms"]
    b2.defaultclock.dt = dt * ms
    nrn = spec["neuron"]
    pops = spec["populations"]
    sizes = spec["sizes"]
    starts, total = {}, 0
    for p in pops:
        starts[p] = total
        total += sizes[p]
    eqs = """
    dV/dt = (V_rest - V) / tau_m + (I + I_dc) / C_m : volt (unless refractory)
    dI/dt = -I / tau_syn : amp
    I_dc : amp (constant)
    """
    namespace = {"V_rest": nrn["V_rest_mV"] * mV, "tau_m": nrn["tau_m_ms"] * ms, "C_m": nrn["C_nF"] * nF,
                 "tau_syn": nrn["tau_syn_ms"] * ms, "V_th": nrn["V_thresh_mV"] * mV,
                 "V_reset": nrn["V_reset_mV"] * mV}
    group = b2.NeuronGroup(total, eqs, threshold="V > V_th", reset="V = V_reset",
                           refractory=nrn["tau_refrac_ms"] * ms, method="exact", namespace=namespace)
    group.V = f"{nrn['V_init_mean_mV']}*mV + {nrn['V_init_sd_mV']}*mV*randn()"
    objects = [group]
    idc = np.zeros(total)
    for p in pops:
        idc[starts[p]:starts[p] + sizes[p]] = spec["dc_nA"][p]
        bg = spec["background"][p]
        sub = group[starts[p]:starts[p] + sizes[p]]
        objects.append(b2.PoissonInput(sub, "I", N=bg["N"], rate=bg["rate_hz"] * Hz,
                                       weight=f"{bg['weight_nA']!r}*nA"))
    group.I_dc = idc * nA

    pre_all, post_all, w_all, d_all = [], [], [], []
    for proj in spec["projections"]:
        s, t, num = proj["source"], proj["target"], proj["num"]
        pre_all.append(starts[s] + rng.integers(0, sizes[s], num))
        post_all.append(starts[t] + rng.integers(0, sizes[t], num))
        w = proj["w_mean_nA"] + proj["w_sd_nA"] * rng.standard_normal(num)
        w = np.maximum(w, 0.0) if proj["w_mean_nA"] >= 0 else np.minimum(w, 0.0)
        w_all.append(w)
        d = proj["d_mean_ms"] + proj["d_sd_ms"] * rng.standard_normal(num)
        bad = (d < proj["d_min_ms"]) | (d > proj["d_max_ms"])
        while bad.any():                                          # resample, like NormalClipped
            d[bad] = proj["d_mean_ms"] + proj["d_sd_ms"] * rng.standard_normal(int(bad.sum()))
            bad = (d < proj["d_min_ms"]) | (d > proj["d_max_ms"])
        d_all.append(np.rint(d / dt) * dt)
    syn = b2.Synapses(group, group, "w : amp (constant)", on_pre="I_post += w")
    syn.connect(i=np.concatenate(pre_all), j=np.concatenate(post_all))
    syn.w = np.concatenate(w_all) * nA
    syn.delay = np.concatenate(d_all) * ms
    objects.append(syn)
    monitor = b2.SpikeMonitor(group) if spec["record"] else None
    if monitor is not None:
        objects.append(monitor)
    net = b2.Network(*objects)
    net.run(spec["duration_ms"] * ms)
    setup_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    b2.device.build(directory=directory, compile=True, run=False, with_output=False)
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    b2.device.run(directory=directory, with_output=False)
    run_s = time.perf_counter() - t0
    out = {"brian2": b2.__version__, "numpy": np.__version__, "python": sys.version.split()[0],
           "import_s": import_s, "setup_s": setup_s, "build_compile_s": build_s, "run_binary_s": run_s,
           "last_run_time_s": getattr(b2.device, "_last_run_time", None),
           "timers": {k: v for k, v in getattr(b2.device, "timers", {}).items() if isinstance(v, float)},
           "neurons": int(total), "synapses": int(sum(len(x) for x in pre_all)), "directory": directory}
    if monitor is not None:
        t0 = time.perf_counter()
        i = np.asarray(monitor.i[:])
        t = np.asarray(monitor.t[:] / ms)
        out["pull_spikes_s"] = time.perf_counter() - t0
        out["spikes"] = int(len(i))
        start = spec["discard_ms"]
        span_s = (spec["duration_ms"] - start) / 1000.0
        keep = t >= start
        counts = np.bincount(i[keep], minlength=total)
        out["rates_hz"] = {p: float(counts[starts[p]:starts[p] + sizes[p]].sum()) / (sizes[p] * span_s)
                           for p in pops}
        # synaptic events: row lengths of the spiking neurons
        row_len = np.bincount(np.concatenate(pre_all), minlength=total)
        out["synaptic_events"] = int(row_len[i].sum())
    print("RESULT: " + json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
