"""Spike propagation timing: axonal and dendritic delays, exact arrival steps."""
import numpy as np
import pytest

import helpers as h
from conftest import build_load
from pygenn_cl_lazy import pg


def _arrivals(trace):
    """Steps (rows) at which each column of a trace is non-zero."""
    return [list(np.flatnonzero(np.abs(trace[:, j]) > 1e-6)) for j in range(trace.shape[1])]


def _pre_plus_one():
    return pg.create_var_init_snippet("PrePlusOne", var_init_code="value = id_pre + 1.0;")


def test_axonal_delays(make_model, tmp_path):
    """Spike in step s arrives (DeltaCurr Isyn) in step s + 1 + axonal_delay_steps, DENSE and SPARSE."""
    dt, n_steps = 0.1, 60
    model = make_model("axonal")
    src = h.spike_source_array(model, "src", [[5, 30], list(range(40, 46))], dt)
    delays = [0, 1, 3, 7]
    recs = {}
    for mt in ("DENSE", "SPARSE"):
        for d in delays:
            rec = model.add_neuron_population(f"rec_{mt}_{d}", 2, h.recorder_model(), {}, {"Irec": 0.0})
            kw = {} if mt == "DENSE" else {
                "connectivity_init": pg.init_sparse_connectivity("OneToOne")}
            # neuron j receives weight j + 1 from source j (DENSE: array; SPARSE: snippet)
            g = np.array([1.0, 0.0, 0.0, 2.0]) if mt == "DENSE" else pg.init_var(_pre_plus_one())
            sg = model.add_synapse_population(f"syn_{mt}_{d}", mt, src, rec,
                                              pg.init_weight_update("StaticPulse", {}, {"g": g}),
                                              pg.init_postsynaptic("DeltaCurr"), **kw)
            sg.axonal_delay_steps = d
            recs[(mt, d)] = rec
    build_load(model, tmp_path)
    keys = list(recs)
    traces = h.run_and_trace(model, n_steps, [recs[k].vars["Irec"] for k in keys])
    for key, tr in zip(keys, traces):
        d = key[1]
        # neuron 0 <- source 0 (spikes 5, 30), weight 1; neuron 1 <- source 1 (40..45), weight 2
        arr = _arrivals(tr)
        assert arr[0] == [5 + 1 + d, 30 + 1 + d], key
        assert arr[1] == [s + 1 + d for s in range(40, 46)], key
        np.testing.assert_allclose(tr[arr[0], 0], 1.0, rtol=1e-6)
        np.testing.assert_allclose(tr[arr[1], 1], 2.0, rtol=1e-6)


def test_dendritic_delays(make_model, tmp_path):
    """StaticPulseDendriticDelay: arrival in step s + 1 + axonal + d for each synapse's d."""
    dt, n_steps = 0.1, 50
    model = make_model("dendritic")
    src = h.spike_source_array(model, "src", [[4, 20]], dt)
    d = np.array([0, 1, 2, 5, 9, 3], dtype=np.uint8)
    g = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    recs = []
    for axonal in (0, 2):
        rec = model.add_neuron_population(f"rec{axonal}", len(d), h.recorder_model(), {}, {"Irec": 0.0})
        sg = model.add_synapse_population(f"syn{axonal}", "DENSE", src, rec,
                                          pg.init_weight_update("StaticPulseDendriticDelay", {},
                                                                {"g": g, "d": d}),
                                          pg.init_postsynaptic("DeltaCurr"))
        sg.max_dendritic_delay_timesteps = 10
        sg.axonal_delay_steps = axonal
        recs.append(rec)
    # ExpCurr behind a dendritic delay: same exponential, shifted
    rec_exp = model.add_neuron_population("rec_exp", 2, h.recorder_model(), {}, {"Irec": 0.0})
    sg = model.add_synapse_population("syn_exp", "DENSE", src, rec_exp,
                                      pg.init_weight_update("StaticPulseDendriticDelay", {},
                                                            {"g": 1.0, "d": np.array([0, 4], np.uint8)}),
                                      pg.init_postsynaptic("ExpCurr", {"tau": 2.0}))
    sg.max_dendritic_delay_timesteps = 5
    build_load(model, tmp_path)
    traces = h.run_and_trace(model, n_steps, [r.vars["Irec"] for r in recs] + [rec_exp.vars["Irec"]])
    for axonal, tr in zip((0, 2), traces[:2]):
        for j, arr in enumerate(_arrivals(tr)):
            assert arr == [4 + 1 + axonal + d[j], 20 + 1 + axonal + d[j]], (axonal, j, d[j])
            np.testing.assert_allclose(tr[arr, j], g[j], rtol=1e-6)
    tr = traces[2]
    ref0 = h.exp_curr_reference({5: 1.0, 21: 1.0}, 2.0, dt, n_steps)
    ref4 = h.exp_curr_reference({9: 1.0, 25: 1.0}, 2.0, dt, n_steps)
    np.testing.assert_allclose(tr[:, 0], ref0, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(tr[:, 1], ref4, rtol=1e-5, atol=1e-7)


def test_add_to_post_delay_custom(make_model, tmp_path):
    """Custom weight update using addToPostDelay(x, d) with a per-synapse d variable and a parameter."""
    wu = pg.create_weight_update_model(
        "DelayedScaled", params=["scale"], vars=[("w", "scalar"), ("dly", "uint8_t")],
        pre_spike_syn_code="addToPostDelay(w * scale, dly);")
    dt, n_steps = 0.1, 40
    model = make_model("custom_delay")
    src = h.spike_source_array(model, "src", [[3], [10]], dt)
    rec = model.add_neuron_population("rec", 3, h.recorder_model(), {}, {"Irec": 0.0})
    # 2 x 3 dense, row-major
    w = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    dly = np.array([[0, 2, 6], [1, 1, 0]], dtype=np.uint8)
    sg = model.add_synapse_population("syn", "DENSE", src, rec,
                                      pg.init_weight_update(wu, {"scale": 0.5},
                                                            {"w": w.ravel(), "dly": dly.ravel()}),
                                      pg.init_postsynaptic("DeltaCurr"))
    sg.max_dendritic_delay_timesteps = 7
    build_load(model, tmp_path)
    tr = h.run_and_trace(model, n_steps, [rec.vars["Irec"]])[0]
    ref = np.zeros((n_steps, 3))
    for i, s in enumerate([3, 10]):
        for j in range(3):
            ref[s + 1 + dly[i, j], j] += 0.5 * w[i, j]
    np.testing.assert_allclose(tr, ref, atol=1e-6)


def test_fused_postsynaptic_models_match_separate(make_model, build_load, tmp_path):
    """fuse_postsynaptic_models shares one input buffer between identical ExpCurr inputs, even
    with different dendritic-delay ring lengths (5, 8 and 11 slots): the membrane trace must
    equal the unfused model's (up to summation order)."""
    import numpy as np
    from pygenn_cl import init_postsynaptic, init_sparse_connectivity, init_var, init_weight_update
    traces = {}
    for fuse in (False, True):
        model = make_model(f"fuse_{int(fuse)}", "double")
        model.fuse_postsynaptic_models = fuse
        model.seed = 11
        lif = {"C": 1.0, "TauM": 20.0, "Vrest": -70.0, "Vreset": -70.0, "Vthresh": 1e9,
               "Ioffset": 0.0, "TauRefrac": 2.0}
        target = model.add_neuron_population("target", 10, "LIF", lif, {"V": -70.0, "RefracTime": 0.0})
        for k in range(3):
            src = model.add_neuron_population(f"src{k}", 20, "Poisson", {"rate": 50.0 + 10 * k},
                                              {"timeStepToSpike": 0.0})
            sg = model.add_synapse_population(
                f"syn{k}", "SPARSE", src, target,
                init_weight_update("StaticPulseDendriticDelay", {},
                                   {"g": 0.1 * (k + 1),
                                    "d": init_var("Uniform", {"min": 0.0, "max": 4.0 + 3 * k})}),
                init_postsynaptic("ExpCurr", {"tau": 5.0}),
                init_sparse_connectivity("FixedProbability", {"prob": 0.5}))
            sg.max_dendritic_delay_timesteps = 5 + 3 * k
        build_load(model, tmp_path)
        trace = []
        for _ in range(200):
            model.step_time()
            target.vars["V"].pull_from_device()
            trace.append(target.vars["V"].values.copy())
        traces[fuse] = np.array(trace)
        if fuse:  # three inputs became one postsynaptic update
            assert sum(1 for a in model._ir.arrays if a.endswith(".outPost")) == 1
            assert [a.length for n, a in model._ir.arrays.items() if n.endswith(".denDelay")] == [11 * 10]
    assert np.ptp(traces[False]) > 1.0
    np.testing.assert_allclose(traces[True], traces[False], rtol=1e-12, atol=1e-10)


def test_fused_dense_inputs_lose_no_additions(make_model, build_load, tmp_path):
    """DENSE postsynaptic-parallel groups fused into one input buffer: threads of different
    groups in one launch add into the same element (addToPost, and addToPostDelay's ring), so
    no addition may be lost.  12 sources of 64 neurons that spike every step, weight 1 each
    (sums are exact): every target neuron must see Isyn = 12 * 64 = 768 in every step once the
    delayed half (d = 2) has arrived.  Plain read-modify-write lost additions on PoCL with two
    threads in most runs of this many steps."""
    n_post, n_src, groups, steps = 2048, 64, 12, 300
    tick = pg.create_neuron_model("Tick", sim_code="", threshold_condition_code="true")
    watch = pg.create_neuron_model(
        "Watch", vars=[("lo", "scalar"), ("hi", "scalar")],
        sim_code="if (t > 0.45) { lo = fmin(lo, Isyn); hi = fmax(hi, Isyn); }")
    model = make_model("fused_race")
    model.dt = 0.1
    model.fuse_postsynaptic_models = True
    post = model.add_neuron_population("post", n_post, watch, {}, {"lo": 1e9, "hi": -1e9})
    for k in range(groups):
        src = model.add_neuron_population(f"src{k}", n_src, tick, {}, {})
        wu = pg.init_weight_update("StaticPulseConstantWeight", {"g": 1.0}) if k % 2 else \
            pg.init_weight_update("StaticPulseDendriticDelay", {}, {"g": 1.0, "d": 2})
        sg = model.add_synapse_population(f"s{k}", "DENSE", src, post, wu, pg.init_postsynaptic("DeltaCurr"))
        sg.parallelism_hint = pg.ParallelismHint.POSTSYNAPTIC
        if k % 2 == 0:
            sg.max_dendritic_delay_timesteps = 4
    build_load(model, tmp_path)
    assert sum(1 for a in model._ir.arrays if a.endswith(".outPost")) == 1  # really fused
    model.run_steps(steps)
    lo, hi = h.pull(post.vars["lo"]), h.pull(post.vars["hi"])
    expected = float(groups * n_src)
    wrong = int(np.count_nonzero(lo != expected) + np.count_nonzero(hi != expected))
    assert wrong == 0, f"{wrong} wrong extremes; lowest {lo.min()}, highest {hi.max()}, expected {expected}"
