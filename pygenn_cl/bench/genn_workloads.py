"""Workloads written against PyGeNN 5's API, run in a fresh child process for each simulator.

``python genn_workloads.py SPEC.json`` runs one workload with ``import pygenn``: under PyGeNN's
own interpreter it measures PyGeNN, and under ``python -m pygenn_cl.compat genn_workloads.py
SPEC.json`` it measures pygenn_cl with the very same script (the compat layer maps ``pygenn`` to
``pygenn_cl``).  So both simulators run the same model definitions, each in a process of its
own, and the script imports nothing from pygenn_cl.  It prints one line ``RESULT: {json}`` with
seconds for ``build``, ``load`` and the simulation; exit code 3: ``pygenn`` cannot be imported.

SPEC (JSON object): ``workload`` ("stdp", "lif" or "microcircuit"), ``backend`` (PyGeNN backend
name, e.g. "single_threaded_cpu" or "opencl"), ``build_dir``, ``preferences`` (backend keyword
arguments, e.g. PyGeNN's ``optimize_code``), ``seed``, ``repeat_build`` (also time a second
``build()`` of a new model of the same network in this process) and the workload's own keys
(see each function).

Workloads
---------
stdp
    ``num_inputs`` Poisson neurons (``rate_hz``) drive ``num_outputs`` LIF neurons through
    DENSE all-to-all plastic synapses: additive STDP with a presynaptic and a postsynaptic
    trace per neuron (decayed every step in the neurons' updates, bumped at their spikes),
    exponential current input.  ``duration_ms`` at dt = 0.1 ms.
lif
    The random LIF network of ``pygenn_cl.bench.scaling`` (80 % excitatory, in-degree 100
    drawn with replacement, constant weights) at ``neurons``; ``duration_ms`` of simulation.
rebuild
    The network of ``benchmarks/bench_build.py`` (50 neuron populations, 100 synapse groups;
    ``spec["bench_build_dir"]`` names that folder): run twice with the same ``build_dir``, the
    second run's ``build`` is the warm rebuild of an unchanged model in a fresh process.
microcircuit
    The Potjans & Diesmann microcircuit from the parameters ``pygenn_cl.bench.peer.brian2_spec``
    derives (``spec["microcircuit"]``): LIF neurons, PoissonExp background, SPARSE
    FixedNumberTotalWithReplacement projections with NormalClipped weights and dendritic
    delays, fused postsynaptic models.
"""
import json
import math
import os
import sys
import time

DT = 0.1


def _stdp_model(pygenn):
    """Additive STDP with per-neuron traces (the pre/post variable form of GeNN 5)."""
    return pygenn.create_weight_update_model(
        "stdp_traces",
        params=["tauPlus", "tauMinus", "aPlus", "aMinus", "wMin", "wMax"],
        derived_params=[("decayPlus", lambda p, dt: math.exp(-dt / p["tauPlus"])),
                        ("decayMinus", lambda p, dt: math.exp(-dt / p["tauMinus"]))],
        vars=[("g", "scalar")],
        pre_vars=[("xPre", "scalar")],
        post_vars=[("yPost", "scalar")],
        pre_spike_syn_code=(
            "addToPost(g);\n"
            "g = fmax(wMin, g - aMinus * yPost);\n"),
        post_spike_syn_code="g = fmin(wMax, g + aPlus * xPre);\n",
        pre_spike_code="xPre += 1.0;\n",
        pre_dynamics_code="xPre *= decayPlus;\n",
        post_spike_code="yPost += 1.0;\n",
        post_dynamics_code="yPost *= decayMinus;\n")


def build_stdp(pygenn, spec):
    n_in, n_out = spec.get("num_inputs", 1000), spec.get("num_outputs", 100)
    model = pygenn.GeNNModel("float", "stdp_traces_net", backend=spec.get("backend"),
                             **spec.get("preferences", {}))
    model.dt = DT
    model.seed = spec.get("seed", 1234)
    inputs = model.add_neuron_population("Input", n_in, "Poisson", {"rate": spec.get("rate_hz", 10.0)},
                                         {"timeStepToSpike": 0.0})
    outputs = model.add_neuron_population(
        "Output", n_out, "LIF",
        {"C": 0.25, "TauM": 10.0, "Vrest": -65.0, "Vreset": -65.0, "Vthresh": -50.0, "Ioffset": 0.0,
         "TauRefrac": 2.0},
        {"V": -65.0, "RefracTime": 0.0})
    inputs.spike_recording_enabled = True
    outputs.spike_recording_enabled = True
    w_max = spec.get("w_max", 0.02)
    model.add_synapse_population(
        "InputOutput", "DENSE", inputs, outputs,
        pygenn.init_weight_update(_stdp_model(pygenn),
                                  {"tauPlus": 16.8, "tauMinus": 33.7, "aPlus": 0.005 * w_max,
                                   "aMinus": 0.00525 * w_max, "wMin": 0.0, "wMax": w_max},
                                  {"g": pygenn.init_var("Uniform", {"min": 0.0, "max": w_max})},
                                  {"xPre": 0.0}, {"yPost": 0.0}),
        pygenn.init_postsynaptic("ExpCurr", {"tau": 5.0}))
    return model, {"Input": inputs, "Output": outputs}


def build_lif(pygenn, spec):
    n = spec["neurons"]
    k_in = spec.get("k_in", 100)
    n_exc = int(round(0.8 * n))
    model = pygenn.GeNNModel("float", f"lif_{n}", backend=spec.get("backend"), **spec.get("preferences", {}))
    model.dt = DT
    model.seed = spec.get("seed", 1234)
    params = {"C": 0.2, "TauM": 20.0, "Vrest": -60.0, "Vreset": -60.0, "Vthresh": -50.0, "Ioffset": 0.11,
              "TauRefrac": 2.0}
    lif_vars = {"V": pygenn.init_var("Uniform", {"min": -60.0, "max": -50.0}), "RefracTime": 0.0}
    pops = {"E": model.add_neuron_population("E", n_exc, "LIF", params, lif_vars),
            "I": model.add_neuron_population("I", n - n_exc, "LIF", params, lif_vars)}
    k_exc = int(round(0.8 * k_in))
    for src, k, w, tau in (("E", k_exc, 0.025, 5.0), ("I", k_in - k_exc, -0.09, 10.0)):
        for trg in ("E", "I"):
            model.add_synapse_population(
                f"{src}{trg}", "SPARSE", pops[src], pops[trg],
                pygenn.init_weight_update("StaticPulseConstantWeight", {"g": w * 100.0 / k_in}),
                pygenn.init_postsynaptic("ExpCurr", {"tau": tau}),
                pygenn.init_sparse_connectivity("FixedNumberPreWithReplacement", {"num": k}))
    for p in pops.values():
        p.spike_recording_enabled = True
    return model, pops


def build_microcircuit(pygenn, spec):
    mc = spec["microcircuit"]
    nrn = mc["neuron"]
    model = pygenn.GeNNModel("float", "pd14_microcircuit", backend=spec.get("backend"),
                             **spec.get("preferences", {}))
    model.dt = mc["dt_ms"]
    model.seed = spec.get("seed", 1234)
    model.fuse_postsynaptic_models = True
    model.default_narrow_sparse_ind_enabled = True
    pops = {}
    for name in mc["populations"]:
        params = {"C": nrn["C_nF"], "TauM": nrn["tau_m_ms"], "Vrest": nrn["V_rest_mV"],
                  "Vreset": nrn["V_reset_mV"], "Vthresh": nrn["V_thresh_mV"], "TauRefrac": nrn["tau_refrac_ms"],
                  "Ioffset": mc["dc_nA"][name]}
        pop = model.add_neuron_population(
            name, mc["sizes"][name], "LIF", params,
            {"V": pygenn.init_var("Normal", {"mean": nrn["V_init_mean_mV"], "sd": nrn["V_init_sd_mV"]}),
             "RefracTime": 0.0})
        pop.spike_recording_enabled = True
        bg = mc["background"][name]
        model.add_current_source(f"{name}_poisson", "PoissonExp", pop,
                                 {"weight": bg["weight_nA"], "tauSyn": nrn["tau_syn_ms"],
                                  "rate": bg["rate_hz"] * bg["N"]}, {"current": 0.0})
        pops[name] = pop
    big = 3.4028234663852886e38
    dt = mc["dt_ms"]
    for proj in mc["projections"]:
        w, sd = proj["w_mean_nA"], proj["w_sd_nA"]
        weight = pygenn.init_var("NormalClipped", {"mean": w, "sd": sd, "min": 0.0 if w >= 0.0 else -big,
                                                   "max": big if w >= 0.0 else 0.0})
        delay = pygenn.init_var("NormalClippedDelay", {"mean": proj["d_mean_ms"], "sd": proj["d_sd_ms"],
                                                       "min": proj["d_min_ms"], "max": proj["d_max_ms"]})
        syn = model.add_synapse_population(
            f"{proj['source']}_{proj['target']}", "SPARSE", pops[proj["source"]], pops[proj["target"]],
            pygenn.init_weight_update("StaticPulseDendriticDelay", {}, {"g": weight, "d": delay}),
            pygenn.init_postsynaptic("ExpCurr", {"tau": nrn["tau_syn_ms"]}),
            pygenn.init_sparse_connectivity("FixedNumberTotalWithReplacement", {"num": proj["num"]}))
        syn.max_dendritic_delay_timesteps = int(math.ceil(proj["d_max_ms"] / dt)) + 1
    return model, pops


def build_rebuild(pygenn, spec):
    sys.path.insert(0, spec["bench_build_dir"])
    import bench_build
    model = bench_build.describe_network(spec.get("backend"), pygenn, **spec.get("preferences", {}))
    return model, {}


BUILDERS = {"stdp": build_stdp, "lif": build_lif, "microcircuit": build_microcircuit, "rebuild": build_rebuild}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    with open(argv[0]) as f:
        spec = json.load(f)
    t0 = time.perf_counter()
    try:
        import numpy as np
        import pygenn
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        print(f"PYGENN_UNAVAILABLE: {type(exc).__name__}: {exc} (Python {sys.executable})")
        return 3
    out = {"import_s": time.perf_counter() - t0, "python": sys.version.split()[0],
           "simulator": getattr(pygenn, "__name__", "pygenn"),
           "version": getattr(pygenn, "__version__", None)}
    builder = BUILDERS[spec["workload"]]
    build_dir = spec.get("build_dir") or "."
    os.makedirs(build_dir, exist_ok=True)

    t0 = time.perf_counter()
    model, pops = builder(pygenn, spec)
    out["define_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.build(build_dir)
    out["build_s"] = time.perf_counter() - t0
    if spec.get("repeat_build"):
        # a new model of the same network, built again in this process (nothing changed)
        model, pops = builder(pygenn, spec)
        t0 = time.perf_counter()
        model.build(build_dir)
        out["rebuild_s"] = time.perf_counter() - t0
    steps = int(round(spec.get("duration_ms", 0.0) / model.dt))
    t0 = time.perf_counter()
    model.load(num_recording_timesteps=max(steps, 1))
    out["load_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    if hasattr(model, "run_steps"):      # pygenn_cl: the steps in one call
        model.run_steps(steps)
    while model.timestep < steps:
        model.step_time()
    if pops:
        model.pull_recording_buffers_from_device()
    out["sim_s"] = time.perf_counter() - t0
    out["steps"] = steps
    out["spikes"] = {name: int(len(pop.spike_recording_data[0][0])) for name, pop in pops.items()}
    if spec["workload"] == "stdp":
        sg = model.synapse_populations["InputOutput"]
        sg.vars["g"].pull_from_device()
        g = np.asarray(sg.vars["g"].values, dtype=np.float64)
        out["mean_weight"] = float(g.mean())
    print("RESULT: " + json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
