"""Values kept in delay slots: what synapse code reads of its presynaptic side with an axonal
delay, and of its postsynaptic side with a back-propagation delay or at a delay of its own
(``name[d]``), is what the variables, spike times and event times were when the spikes it
processes were emitted; custom updates act on the current slot; references to the dendritic
delay buffer, spike counts and postsynaptic model variables (``psm_var_refs``).

Every expected number comes from a numpy model of the same network, run step by step."""
import numpy as np
import pytest

from pygenn_cl import (VarAccess, VarAccessMode, create_custom_update_model, create_den_delay_var_ref,
                       create_neuron_model, create_postsynaptic_model, create_prev_spike_time_var_ref,
                       create_spike_time_var_ref, create_src_spike_count_var_ref, create_var_ref,
                       create_weight_update_model, create_wu_pre_var_ref, init_postsynaptic, init_weight_update)
from pygenn_cl.errors import SimulationError

NEVER = -np.finfo(np.float64).max
AXONAL, BACK_PROP, RING = 3, 2, 4      # delays (steps) and max_dendritic_delay_timesteps
N_SRC, N_TRG, STEPS, BUMP = 6, 4, 30, 12
A0 = 100.0 * np.arange(N_SRC)

SRC = create_neuron_model("src", vars=[("a", "scalar"), ("c", "int")], sim_code="c += 1; a += 1.0;",
                          threshold_condition_code="(c % 4) == (id % 4)")
TRG = create_neuron_model("trg", vars=[("s", "scalar"), ("c", "int")], sim_code="c += 1; s = t * 10.0 + id;",
                          threshold_condition_code="(c % 5) == (id % 5)")
PSM = create_postsynaptic_model("u_psm", vars=[("u", "scalar")],
                                sim_code="u = t * 7.0 + id; injectCurrent(inSyn); inSyn = 0.0;")
PRE_WU = create_weight_update_model(
    "pre_delayed", vars=[(n, "scalar") for n in ("ga", "gst", "gpst", "gx", "gset", "gpset", "gdyn")],
    pre_vars=[("x", "scalar")], pre_neuron_var_refs=[("a_pre", "scalar"), ("c_pre", "int")],
    pre_spike_code="x = t * 2.0;",
    pre_event_threshold_condition_code="(c_pre % 3) == 0",
    pre_spike_syn_code="ga = a_pre; gst = st_pre; gpst = prev_st_pre; gx = x;",
    pre_event_syn_code="gset = set_pre; gpset = prev_set_pre;",
    synapse_dynamics_code="gdyn = st_pre;")
POST_WU = create_weight_update_model(
    "post_delayed", vars=[("d", "uint8_t", VarAccess.READ_ONLY)] + [(n, "scalar") for n in
                                                                     ("gh", "gyh", "gpsm", "gp", "gst", "gy")],
    post_vars=[("y", "scalar"), ("z", "scalar")], post_neuron_var_refs=[("s_post", "scalar")],
    psm_var_refs=[("u_psm", "scalar")],
    post_spike_code="y = t * 3.0; z = u_psm;",
    pre_spike_syn_code="gh = s_post[d]; gyh = y[d]; gpsm = u_psm; addToPostDelay(1.0, d);",
    post_spike_syn_code="gp = s_post; gst = st_post; gy = y;")


def _reference():
    """The network in numpy, step by step (dt = 1, so step k has t = k)."""
    ks = np.arange(STEPS)
    i, j = np.arange(N_SRC)[:, None], np.arange(N_TRG)[:, None]
    a = (ks + 1)[None, :] + 1000.0 * (ks >= BUMP)[None, :] + A0[:, None]   # after each step
    spike = ((ks + 1) % 4)[None, :] == i % 4
    event = np.broadcast_to(((ks + 1) % 3 == 0)[None, :], spike.shape)
    post_spike = ((ks + 1) % 5)[None, :] == j % 5
    s = 10.0 * ks[None, :] + j
    u = 7.0 * ks[None, :] + j

    def times(flags):
        """Time (and time before) of the last flag up to each step, "never" before the first."""
        st, prev = np.full(flags.shape, NEVER), np.full(flags.shape, NEVER)
        for n in range(flags.shape[0]):
            last = before = NEVER
            for k in ks:
                if flags[n, k]:
                    last, before = k + 1.0, last
                st[n, k], prev[n, k] = last, before
        return st, prev
    st, prev_st = times(spike)
    set_, prev_set = times(event)
    post_st, _ = times(post_spike)
    x = np.array([[2.0 * max((k for k in ks[:m + 1] if spike[n, k]), default=0) if spike[n, :m + 1].any() else 0.0
                   for m in ks] for n in range(N_SRC)])
    y = np.array([[3.0 * max(k for k in ks[:m + 1] if post_spike[n, k]) if post_spike[n, :m + 1].any() else 0.0
                   for m in ks] for n in range(N_TRG)])
    z = np.array([u[n, max(k for k in ks if post_spike[n, k])] for n in range(N_TRG)])
    d = (np.arange(N_SRC)[:, None] + 2 * np.arange(N_TRG)[None, :]) % RING
    out = {name: np.full((N_SRC, N_TRG), -1.0) for name in ("ga", "gst", "gpst", "gx", "gset", "gpset", "gh", "gyh",
                                                            "gpsm", "gp", "gy")}
    out["gst_post"] = np.full((N_SRC, N_TRG), -1.0)
    den = np.zeros(N_TRG)
    for k in ks:   # the synapse updates of step k read what the steps before left
        e = k - 1 - AXONAL   # presynaptic spikes and events emitted then arrive now
        if e >= 0:
            for n in np.flatnonzero(spike[:, e]):
                out["ga"][n], out["gst"][n], out["gx"][n] = a[n, e], st[n, e] + AXONAL, x[n, e]
                out["gpst"][n] = prev_st[n, e] + AXONAL if prev_st[n, e] != NEVER else NEVER
            for n in np.flatnonzero(event[:, e]):
                out["gset"][n] = set_[n, e] + AXONAL
                out["gpset"][n] = prev_set[n, e] + AXONAL if prev_set[n, e] != NEVER else NEVER
        if k >= 1:       # the second synapse group: no axonal delay
            for n in np.flatnonzero(spike[:, k - 1]):
                back = k - 1 - BACK_PROP - d[n]
                out["gh"][n] = np.where(back >= 0, s[np.arange(N_TRG), np.maximum(back, 0)], -1.0)
                out["gyh"][n] = np.where(back >= 0, y[np.arange(N_TRG), np.maximum(back, 0)], 0.0)
                out["gpsm"][n] = u[:, k - 1]
                den += np.where(k + d[n] == STEPS, 1.0, 0.0)   # delivered in step STEPS: read by "den"
        b = k - 1 - BACK_PROP    # postsynaptic spikes arrive at the synapses now
        if b >= 0:
            for m in np.flatnonzero(post_spike[:, b]):
                out["gp"][:, m], out["gy"][:, m] = s[m, b], y[m, b]
                out["gst_post"][:, m] = post_st[m, b] + BACK_PROP
    dyn = st[:, STEPS - 1 - 1 - AXONAL] + AXONAL   # synapse dynamics of the last step
    return out, dyn, dict(a=a[:, -1], x=x[:, -1], y=y[:, -1], z=z, st=st[:, -1], prev_st=prev_st[:, -1], den=den,
                          count=int(spike[:, -1].sum()))


def test_delayed_values(make_model, tmp_path):
    model = make_model("delayed_values", "double")
    model.dt = 1.0
    src = model.add_neuron_population("src", N_SRC, SRC, {}, {"a": A0, "c": 0})   # (given to every slot)
    trg = model.add_neuron_population("trg", N_TRG, TRG, {}, {"s": -1.0, "c": 0})
    pre = model.add_synapse_population(
        "pre", "DENSE", src, trg,
        init_weight_update(PRE_WU, {}, {n: -1.0 for n in ("ga", "gst", "gpst", "gx", "gset", "gpset", "gdyn")},
                           {"x": 0.0}, pre_var_refs={"a_pre": "a"}),   # c_pre: the variable of that name
        init_postsynaptic("DeltaCurr"))
    pre.axonal_delay_steps = AXONAL
    d = (np.arange(N_SRC)[:, None] + 2 * np.arange(N_TRG)[None, :]) % RING
    post = model.add_synapse_population(
        "post", "DENSE", src, trg,
        init_weight_update(POST_WU, {}, {"d": d.reshape(-1), **{n: -1.0 for n in ("gh", "gyh", "gpsm", "gp", "gst",
                                                                                  "gy")}},
                           {}, {"y": 0.0, "z": 0.0}, post_var_refs={"s_post": "s"}, psm_var_refs={"u_psm": "u"}),
        init_postsynaptic(PSM, {}, {"u": 0.0}))
    post.back_prop_delay_steps = BACK_PROP
    post.max_dendritic_delay_timesteps = RING
    bump = create_custom_update_model("bump", var_refs=[("v", "scalar")], update_code="v += 1000.0;")
    model.add_custom_update("bump", "Bump", bump, {}, {}, {"v": create_var_ref(src, "a")})
    count = create_custom_update_model("count", vars=[("seen", "uint32_t")],
                                       var_refs=[("n", "uint32_t", VarAccessMode.READ_ONLY)], update_code="seen = n;")
    counted = model.add_custom_update("count", "End", count, {}, {"seen": 0},
                                      {"n": create_src_spike_count_var_ref(pre)})
    last = create_custom_update_model("last", vars=[("last", "scalar")],
                                      var_refs=[("st", "scalar", VarAccessMode.READ_ONLY)], update_code="last = st;")
    lasts = model.add_custom_update("last", "End", last, {}, {"last": 0.0}, {"st": create_spike_time_var_ref(src)})
    copy = create_custom_update_model("copy", vars=[("copy", "scalar")],
                                      var_refs=[("dd", "scalar", VarAccessMode.READ_ONLY)], update_code="copy = dd;")
    copied = model.add_custom_update("den", "End", copy, {}, {"copy": 0.0}, {"dd": create_den_delay_var_ref(post)})
    xs = model.add_custom_update("x", "End", copy, {}, {"copy": 0.0}, {"dd": create_wu_pre_var_ref(pre, "x")})
    prevs = model.add_custom_update("prev", "End", last, {}, {"last": 0.0},
                                    {"st": create_prev_spike_time_var_ref(src)})
    model.build(path_to_model=str(tmp_path))
    model.load()
    model.run_steps(BUMP)
    model.custom_update("Bump")
    model.run_steps(STEPS - BUMP)
    model.custom_update("End")
    expected, dyn, final = _reference()

    for sg, names in ((pre, ("ga", "gst", "gpst", "gx", "gset", "gpset")), (post, ("gh", "gyh", "gpsm", "gp", "gy"))):
        for name in names:
            sg.vars[name].pull_from_device()
            np.testing.assert_array_equal(sg.vars[name].values.reshape(N_SRC, N_TRG), expected[name], err_msg=name)
    post.vars["gst"].pull_from_device()
    np.testing.assert_array_equal(post.vars["gst"].values.reshape(N_SRC, N_TRG), expected["gst_post"])
    pre.vars["gdyn"].pull_from_device()
    np.testing.assert_array_equal(pre.vars["gdyn"].values.reshape(N_SRC, N_TRG), np.repeat(dyn[:, None], N_TRG, 1))
    # the current delay slot holds what the last step wrote; other slots hold earlier steps
    for var, want in ((src.vars["a"], final["a"]), (pre.pre_vars["x"], final["x"]), (post.post_vars["y"], final["y"])):
        var.pull_from_device()
        assert var.view.shape[0] == var.delay_slots > 1
        np.testing.assert_array_equal(var.current_values, want)
    assert trg.vars["s"].delay_slots >= BACK_PROP + RING
    post.post_vars["z"].pull_from_device()       # (read by no synapse code: not delayed)
    assert post.post_vars["z"].delay_slots == 1
    np.testing.assert_array_equal(post.post_vars["z"].values, final["z"])
    for var, want in ((counted.vars["seen"], [final["count"]]), (lasts.vars["last"], final["st"]),
                      (copied.vars["copy"], final["den"]), (xs.vars["copy"], final["x"]),
                      (prevs.vars["last"], final["prev_st"])):
        var.pull_from_device()
        np.testing.assert_array_equal(var.values, want)
    assert final["den"].any() and final["count"] > 0

    # a read at a delay of max_dendritic_delay_timesteps or more is reported, not made
    post.vars["d"].pull_from_device()
    post.vars["d"].values = np.full(N_SRC * N_TRG, RING)
    post.vars["d"].push_to_device()
    with pytest.raises(SimulationError, match="read 4 steps back"):
        model.run_steps(3)
