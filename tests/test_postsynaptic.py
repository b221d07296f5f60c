"""Postsynaptic models: current shapes after known input spikes, vs closed forms."""
import math

import numpy as np
import pytest

import helpers as h
from conftest import build_load
from pygenn_cl_lazy import pg


def test_psc_shapes(make_model, tmp_path):
    """ExpCurr, ExpCond and DeltaCurr currents after spikes at known steps.

    A spike emitted in step s is delivered in step s + 1, where the neuron sees it."""
    dt, n_steps = 0.1, 120
    spike_steps = [10, 25]
    model = make_model("psc")
    model.dt = dt
    src = h.spike_source_array(model, "src", [spike_steps], dt)
    rec_exp = model.add_neuron_population("rec_exp", 1, h.recorder_model(), {}, {"Irec": 0.0})
    rec_cond = model.add_neuron_population("rec_cond", 2, h.recorder_with_v_model(), {},
                                           {"V": np.array([-60.0, 10.0]), "Irec": 0.0})
    rec_delta = model.add_neuron_population("rec_delta", 1, h.recorder_model(), {}, {"Irec": 0.0})
    w_exp, tau_exp = 0.7, 5.0
    w_cond, tau_cond, e_rev = 0.3, 3.0, 0.0
    w_delta = 1.3
    model.add_synapse_population("s_exp", "DENSE", src, rec_exp,
                                 pg.init_weight_update("StaticPulse", {}, {"g": w_exp}),
                                 pg.init_postsynaptic("ExpCurr", {"tau": tau_exp}))
    model.add_synapse_population("s_cond", "DENSE", src, rec_cond,
                                 pg.init_weight_update("StaticPulse", {}, {"g": w_cond}),
                                 pg.init_postsynaptic("ExpCond", {"tau": tau_cond, "E": e_rev},
                                                      var_refs={"V": pg.create_var_ref(rec_cond, "V")}))
    model.add_synapse_population("s_delta", pg.SynapseMatrixType.DENSE, src, rec_delta,
                                 pg.init_weight_update("StaticPulse", {}, {"g": w_delta}),
                                 pg.init_postsynaptic("DeltaCurr"))
    build_load(model, tmp_path)
    t_exp, t_cond, t_delta = h.run_and_trace(
        model, n_steps, [rec_exp.vars["Irec"], rec_cond.vars["Irec"], rec_delta.vars["Irec"]])

    arrivals = {s + 1: 1.0 for s in spike_steps}
    # ExpCurr: Isyn = init * inSyn, init = tau (1 - exp(-dt/tau)) / dt
    ref_exp = h.exp_curr_reference({k: w_exp for k in arrivals}, tau_exp, dt, n_steps)
    assert ref_exp[spike_steps[0]] == 0.0 and ref_exp[spike_steps[0] + 1] > 0.6
    np.testing.assert_allclose(t_exp[:, 0], ref_exp, rtol=1e-5, atol=1e-6)
    # explicit closed form between the two spikes
    k = np.arange(11, 26)
    init = tau_exp * (1 - math.exp(-dt / tau_exp)) / dt
    np.testing.assert_allclose(t_exp[k, 0], w_exp * init * np.exp(-(k - 11) * dt / tau_exp), rtol=1e-5)
    # ExpCond: Isyn = g(t) (E - V), g decays with tau, no init factor
    g = np.zeros(n_steps)
    for k in range(n_steps):
        g[k] = sum(w_cond * math.exp(-(k - a) * dt / tau_cond) for a in arrivals if a <= k)
    np.testing.assert_allclose(t_cond[:, 0], g * (e_rev - (-60.0)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(t_cond[:, 1], g * (e_rev - 10.0), rtol=1e-5, atol=1e-6)
    # DeltaCurr: the whole weight in the arrival step only
    ref_delta = np.zeros(n_steps)
    ref_delta[[s + 1 for s in spike_steps]] = w_delta
    np.testing.assert_allclose(t_delta[:, 0], ref_delta, atol=1e-6)


def test_dense_weight_matrix_and_summation(make_model, tmp_path):
    """A DENSE weight array is row-major (pre-major); simultaneous inputs sum."""
    dt, n_steps = 0.1, 30
    rng = np.random.default_rng(3)
    n_pre, n_post = 4, 3
    w = rng.uniform(-1, 1, size=(n_pre, n_post))
    spikes = [[2, 7], [3, 7], [5], [7, 20]]
    model = make_model("dense_w")
    src = h.spike_source_array(model, "src", spikes, dt)
    rec = model.add_neuron_population("rec", n_post, h.recorder_model(), {}, {"Irec": 0.0})
    sg = model.add_synapse_population("syn", "DENSE", src, rec,
                                      pg.init_weight_update("StaticPulse", {}, {"g": w.flatten()}),
                                      pg.init_postsynaptic("DeltaCurr"))
    build_load(model, tmp_path)
    sg.vars["g"].pull_from_device()
    np.testing.assert_allclose(np.reshape(sg.vars["g"].values, (n_pre, n_post)), w, rtol=1e-6)
    tr = h.run_and_trace(model, n_steps, [rec.vars["Irec"]])[0]
    ref = np.zeros((n_steps, n_post))
    for i, steps in enumerate(spikes):
        for s in steps:
            ref[s + 1] += w[i]
    np.testing.assert_allclose(tr, ref, atol=1e-5)


def test_expcurr_drives_lif(make_model, tmp_path):
    """LIF membrane driven by an ExpCurr synapse vs the exact LIF map fed with the closed-form current."""
    dt, n_steps = 0.1, 400
    spike_steps = [20, 21, 60, 150]
    model = make_model("exp_lif", "double")
    src = h.spike_source_array(model, "src", [spike_steps], dt)
    p = dict(h.LIF_PARAMS, Vthresh=1000.0)  # never fires
    lif = model.add_neuron_population("lif", 1, "LIF", p, {"V": -70.0, "RefracTime": 0.0})
    model.add_synapse_population("syn", "DENSE", src, lif,
                                 pg.init_weight_update("StaticPulseConstantWeight", {"g": 2.0}),
                                 pg.init_postsynaptic("ExpCurr", {"tau": 5.0}))
    build_load(model, tmp_path)
    tr = h.run_and_trace(model, n_steps, [lif.vars["V"]])[0]
    arrivals = {}
    for s in spike_steps:
        arrivals[s + 1] = arrivals.get(s + 1, 0.0) + 2.0
    isyn = h.exp_curr_reference(arrivals, 5.0, dt, n_steps)
    ref_v, _, _ = h.lif_reference(p, -70.0, n_steps, dt, isyn=isyn)
    assert ref_v.max() > -60.0  # the input has a visible effect
    np.testing.assert_allclose(tr[:, 0], ref_v, atol=1e-9)


def test_static_graded(make_model, tmp_path):
    """StaticGraded: while V_pre > Epre, each step delivers max(0, g tanh((V_pre - Epre)/Vslope) dt).
    An event detected in step k (on V after that step's update) is delivered in step k + 1."""
    dt, n_steps = 0.1, 6
    const_v = pg.create_neuron_model("ConstV", vars=[("V", "scalar")])
    model = make_model("graded", "double")
    v_pre = np.array([-60.0, -45.0, -35.0, -20.0])
    pre = model.add_neuron_population("pre", 4, const_v, {}, {"V": v_pre})
    rec = model.add_neuron_population("rec", 2, h.recorder_model(), {}, {"Irec": 0.0})
    g = np.array([[1.0, 2.0], [1.0, 2.0], [0.5, 0.0], [3.0, 1.0]])
    epre, vslope = -50.0, 10.0
    model.add_synapse_population("syn", "DENSE", pre, rec,
                                 pg.init_weight_update("StaticGraded", {"Epre": epre, "Vslope": vslope},
                                                       {"g": g.ravel()},
                                                       pre_var_refs={"V_pre": pg.create_var_ref(pre, "V")}),
                                 pg.init_postsynaptic("DeltaCurr"))
    build_load(model, tmp_path)
    tr = h.run_and_trace(model, n_steps, [rec.vars["Irec"]])[0]
    active = v_pre > epre
    per_step = (np.maximum(0.0, g * np.tanh((v_pre - epre) / vslope)[:, None] * dt) * active[:, None]).sum(0)
    np.testing.assert_allclose(tr[0], 0.0, atol=1e-12)
    np.testing.assert_allclose(tr[1:], np.tile(per_step, (n_steps - 1, 1)), rtol=1e-9)
