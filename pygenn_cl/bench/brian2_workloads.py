"""The STDP network and the random LIF network of ``genn_workloads.py`` in Brian2
(cpp_standalone, one thread), for ``python -m pygenn_cl.bench --suite peers``.

Run as a script in a child process (``python brian2_workloads.py SPEC.json``), possibly by
another interpreter than pygenn_cl's (Brian2 2.9 needs numpy < 2.4), so it imports nothing from
pygenn_cl.  The models are those of ``genn_workloads.py`` written in Brian2's own idiom: the same
sizes, neuron and synapse parameters, rates and durations (dt = 0.1 ms); the STDP traces are
Brian2's event-driven per-synapse traces.  Prints ``RESULT: {json}``: ``sim_s`` is Brian2's
timing of its run loop, ``load_s`` the rest of the binary's run (reading the arrays and creating
the synapses), ``build_s`` code generation and compilation.  Exit code 3: no Brian2.
"""
import json
import sys
import tempfile
import time


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    with open(argv[0]) as f:
        spec = json.load(f)
    try:
        import numpy as np
        import brian2 as b2
    except Exception as exc:  # noqa: BLE001 - Brian2 breaks in several ways (missing, numpy too new)
        print(f"BRIAN2_UNAVAILABLE: {type(exc).__name__}: {exc} (Python {sys.executable})")
        return 3
    from brian2 import Hz, ms, mV, nA, nF

    directory = spec.get("directory") or tempfile.mkdtemp(prefix="brian2_workload_")
    b2.set_device("cpp_standalone", build_on_run=False, directory=directory)
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    b2.prefs.core.default_float_dtype = np.float32 if spec.get("float32", True) else np.float64
    b2.seed(spec.get("seed", 1234))
    rng = np.random.default_rng(spec.get("seed", 1234))
    b2.defaultclock.dt = 0.1 * ms
    t0 = time.perf_counter()
    lif = """
    dV/dt = (V_rest - V) / tau_m + (I + I_off) / C_m : volt (unless refractory)
    dI/dt = -I / tau_syn : amp
    I_off : amp (constant)
    tau_syn : second (constant)
    """
    objects = []
    monitors = []
    if spec["workload"] == "stdp":
        n_in, n_out = spec.get("num_inputs", 1000), spec.get("num_outputs", 100)
        w_max = spec.get("w_max", 0.02)
        ns = {"V_rest": -65 * mV, "tau_m": 10 * ms, "C_m": 0.25 * nF, "V_th": -50 * mV, "V_reset": -65 * mV,
              "tau_plus": 16.8 * ms, "tau_minus": 33.7 * ms, "a_plus": 0.005 * w_max * nA,
              "a_minus": 0.00525 * w_max * nA, "w_max": w_max * nA}
        inputs = b2.PoissonGroup(n_in, spec.get("rate_hz", 10.0) * Hz)
        out = b2.NeuronGroup(n_out, lif, threshold="V > V_th", reset="V = V_reset", refractory=2 * ms,
                             method="exact", namespace=ns)
        out.V = -65 * mV
        out.tau_syn = 5 * ms
        syn = b2.Synapses(inputs, out, """w : amp
            dxtrace/dt = -xtrace / tau_plus : 1 (event-driven)
            dytrace/dt = -ytrace / tau_minus : 1 (event-driven)""",
                          on_pre="""I_post += w
            w = clip(w - a_minus * ytrace, 0 * nA, w_max)
            xtrace += 1""",
                          on_post="""ytrace += 1
            w = clip(w + a_plus * xtrace, 0 * nA, w_max)""", namespace=ns)
        syn.connect()
        syn.w = "rand() * w_max"
        objects += [inputs, out, syn]
        monitors = [b2.SpikeMonitor(inputs), b2.SpikeMonitor(out)]
        n_syn = n_in * n_out
    elif spec["workload"] == "lif":
        n = spec["neurons"]
        k_in = spec.get("k_in", 100)
        n_exc = int(round(0.8 * n))
        ns = {"V_rest": -60 * mV, "tau_m": 20 * ms, "C_m": 0.2 * nF, "V_th": -50 * mV, "V_reset": -60 * mV}
        group = b2.NeuronGroup(n, lif, threshold="V > V_th", reset="V = V_reset", refractory=2 * ms,
                               method="exact", namespace=ns)
        group.V = "-60*mV + rand() * 10*mV"
        group.I_off = 0.11 * nA
        group.tau_syn = np.where(np.arange(n) < n_exc, 5.0, 10.0) * ms
        exc, inh = group[:n_exc], group[n_exc:]
        k_exc = int(round(0.8 * k_in))
        n_syn = 0
        for src, k, w in ((exc, k_exc, 0.025 * 100.0 / k_in), (inh, k_in - k_exc, -0.09 * 100.0 / k_in)):
            for trg in (exc, inh):
                syn = b2.Synapses(src, trg, on_pre=f"I_post += {w!r}*nA")
                pre = rng.integers(0, len(src), len(trg) * k)
                post = np.repeat(np.arange(len(trg)), k)
                syn.connect(i=pre, j=post)
                objects.append(syn)
                n_syn += len(pre)
        objects.append(group)
        monitors = [b2.SpikeMonitor(group)]
    else:
        raise SystemExit(f"unknown workload {spec['workload']!r}")
    net = b2.Network(*(objects + monitors))
    net.run(spec["duration_ms"] * ms)
    setup_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    b2.device.build(directory=directory, compile=True, run=False, with_output=False)
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    b2.device.run(directory=directory, with_output=False)
    run_s = time.perf_counter() - t0
    sim_s = getattr(b2.device, "_last_run_time", None) or run_s
    result = {"simulator": "brian2", "version": b2.__version__, "numpy": np.__version__,
              "python": sys.version.split()[0], "setup_s": setup_s, "build_s": build_s, "run_binary_s": run_s,
              "sim_s": sim_s, "load_s": max(run_s - sim_s, 0.0), "synapses": int(n_syn),
              "spikes": [int(m.num_spikes) for m in monitors]}
    print("RESULT: " + json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
