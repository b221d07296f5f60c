"""Learning sections of weight update models, against closed forms.

Spike-time convention (as PyGeNN documents it): a spike emitted in the step with
``timestep == k`` has time ``(k + 1) * dt``, which is ``t`` in the step that
processes it, so ``t - st_pre`` in learning code is the exact spike-time
difference.
"""
import numpy as np
import pytest

from helpers import spike_sources_at_times

from pygenn_cl import (VarAccessMode, create_neuron_model, create_weight_update_model, init_postsynaptic,
                       init_sparse_connectivity, init_weight_update)

DT = 1.0
STDP_PARAMS = {"tauPlus": 20.0, "tauMinus": 25.0, "Aplus": 0.1, "Aminus": 0.15, "Wmin": 0.0, "Wmax": 1.0}
G0 = 0.5


def _expected_pair_change(pre_step, post_step):
    """Closed-form STDP weight change of one pre/post spike pair (steps of emission)."""
    delta = (post_step - pre_step) * DT
    if delta > 0:
        change = STDP_PARAMS["Aplus"] * np.exp(-delta / STDP_PARAMS["tauPlus"])
    elif delta < 0:
        change = -STDP_PARAMS["Aminus"] * np.exp(delta / STDP_PARAMS["tauMinus"])
    else:
        change = 0.0
    return np.clip(G0 + change, STDP_PARAMS["Wmin"], STDP_PARAMS["Wmax"])


@pytest.mark.parametrize("matrix", ["DENSE", "SPARSE"])
def test_stdp_pair_protocol(make_model, build_load, tmp_path, matrix):
    # Presynaptic neuron i fires once at step 50 + i; the single postsynaptic neuron fires
    # once at step 60. Each synapse sees exactly one pair, with offsets -10..+29 steps.
    model = make_model("stdp_pair", "double")
    model.dt = DT
    n_pre = 40
    pre_steps = 50 + np.arange(n_pre)
    post_step = 60
    pre = spike_sources_at_times(model, "pre", [[s * DT] for s in pre_steps], DT)
    post = spike_sources_at_times(model, "post", [[post_step * DT]], DT)
    conn = init_sparse_connectivity("FixedProbability", {"prob": 1.0}) if matrix == "SPARSE" else None
    sg = model.add_synapse_population("syn", matrix, pre, post,
                                      init_weight_update("STDP", STDP_PARAMS, {"g": G0}),
                                      init_postsynaptic("DeltaCurr"), conn)
    build_load(model, tmp_path)
    model.run_steps(120)
    sg.vars["g"].pull_from_device()
    expected = [_expected_pair_change(s, post_step) for s in pre_steps]
    np.testing.assert_allclose(sg.vars["g"].values, expected, rtol=1e-12, atol=1e-12)
    # the protocol covers potentiation, depression and the simultaneous (no change) case
    assert min(expected) < G0 < max(expected) and G0 in expected


def test_stdp_sparse_equals_dense(make_model, build_load, tmp_path):
    """Post-spike learning through the column structure equals the dense version."""
    results = {}
    for matrix in ("DENSE", "SPARSE"):
        model = make_model(f"stdp_{matrix.lower()}", "double")
        model.dt = DT
        model.seed = 99
        pre = model.add_neuron_population("pre", 50, "Poisson", {"rate": 40.0}, {"timeStepToSpike": 0.0})
        post = model.add_neuron_population("post", 30, "Poisson", {"rate": 30.0}, {"timeStepToSpike": 0.0})
        conn = init_sparse_connectivity("FixedProbability", {"prob": 1.0}) if matrix == "SPARSE" else None
        sg = model.add_synapse_population("syn", matrix, pre, post,
                                          init_weight_update("STDP", STDP_PARAMS, {"g": G0}),
                                          init_postsynaptic("DeltaCurr"), conn)
        build_load(model, tmp_path)
        model.run_steps(500)
        sg.vars["g"].pull_from_device()
        results[matrix] = sg.vars["g"].values
    np.testing.assert_allclose(results["SPARSE"], results["DENSE"], rtol=1e-12)
    assert np.std(results["DENSE"]) > 0.01  # learning happened


def test_synapse_dynamics_and_pre_post_traces(make_model, build_load, tmp_path):
    """synapse_dynamics_code every step; pre/post variables updated by their neurons' code."""
    decay = 0.9
    wum = create_weight_update_model(
        "traces",
        params=["decay"],
        vars=[("w", "scalar")],
        pre_vars=[("preTrace", "scalar")],
        post_vars=[("postTrace", "scalar")],
        synapse_dynamics_code="w *= decay;",
        pre_spike_code="preTrace += 1.0;",
        pre_dynamics_code="preTrace *= decay;",
        post_spike_code="postTrace += 2.0;",
        post_dynamics_code="postTrace *= decay;")
    model = make_model("traces", "double")
    model.dt = DT
    pre = spike_sources_at_times(model, "pre", [[3.0, 7.0], [5.0]], DT)
    post = spike_sources_at_times(model, "post", [[4.0], [], [8.0]], DT)
    sg = model.add_synapse_population("syn", "SPARSE", pre, post,
                                      init_weight_update(wum, {"decay": decay}, {"w": 1.0},
                                                         {"preTrace": 0.0}, {"postTrace": 0.0}),
                                      init_postsynaptic("DeltaCurr"),
                                      init_sparse_connectivity("FixedProbability", {"prob": 1.0}))
    build_load(model, tmp_path)
    steps = 12
    model.run_steps(steps)
    for v in (sg.vars["w"], sg.pre_vars["preTrace"], sg.post_vars["postTrace"]):
        v.pull_from_device()

    def trace(spike_steps, increment):
        # dynamics (decay) runs every step after the neuron update; a spike then adds
        value = 0.0
        for k in range(steps):
            value *= decay
            if k in spike_steps:
                value += increment
        return value

    np.testing.assert_allclose(sg.vars["w"].values, decay ** steps, rtol=1e-12)
    np.testing.assert_allclose(sg.pre_vars["preTrace"].values, [trace({3, 7}, 1.0), trace({5}, 1.0)], rtol=1e-12)
    np.testing.assert_allclose(sg.post_vars["postTrace"].values,
                               [trace({4}, 2.0), 0.0, trace({8}, 2.0)], rtol=1e-12)


def test_spike_times_in_neuron_and_synapse_code(make_model, build_load, tmp_path):
    """st/prev_st of a neuron, and st_pre seen by synapse code, follow the documented convention."""
    recorder = create_neuron_model(
        "st_recorder", vars=[("lastSt", "scalar"), ("lastPrevSt", "scalar"), ("count", "unsigned int")],
        sim_code="lastSt = st; lastPrevSt = prev_st;",
        threshold_condition_code="t >= 4.0 && count < 2",
        reset_code="count++;")
    wum = create_weight_update_model(
        "seen", vars=[("seenSt", "scalar"), ("seenT", "scalar")],
        pre_spike_syn_code="seenSt = st_pre; seenT = t;")
    model = make_model("spike_times", "double")
    model.dt = DT
    pop = model.add_neuron_population("n", 1, recorder, {}, {"lastSt": 0.0, "lastPrevSt": 0.0, "count": 0})
    target = model.add_neuron_population("target", 1, "SpikeSourceArray", {}, {"startSpike": 0, "endSpike": 0})
    target.extra_global_params["spikeTimes"].set_init_values([0.0])
    sg = model.add_synapse_population("syn", "DENSE", pop, target,
                                      init_weight_update(wum, {}, {"seenSt": 0.0, "seenT": 0.0}),
                                      init_postsynaptic("DeltaCurr"))
    build_load(model, tmp_path)
    model.run_steps(10)
    for v in pop.vars.values():
        v.pull_from_device()
    for v in sg.vars.values():
        v.pull_from_device()
    # spikes in steps 4 and 5 (t = 4, 5) have times 5 and 6; sim code of step 9 sees both
    assert pop.vars["lastSt"].values[0] == 6.0
    assert pop.vars["lastPrevSt"].values[0] == 5.0
    # the second spike (step 5) is processed in step 6, where t == st_pre == 6
    assert sg.vars["seenSt"].values[0] == 6.0 and sg.vars["seenT"].values[0] == 6.0


def test_add_to_pre_reaches_presynaptic_input(make_model, build_load, tmp_path):
    """addToPre() in post-spike learning adds into the presynaptic neuron's Isyn next step."""
    counter = create_neuron_model("isyn_sum", vars=[("total", "scalar")], sim_code="total += Isyn;")
    wum = create_weight_update_model("feedback", params=["amount"], post_spike_syn_code="addToPre(amount);")
    model = make_model("add_to_pre", "double")
    model.dt = DT
    pre = model.add_neuron_population("pre", 3, counter, {}, {"total": 0.0})
    post = spike_sources_at_times(model, "post", [[2.0], [6.0]], DT)
    model.add_synapse_population("syn", "DENSE", pre, post, init_weight_update(wum, {"amount": 0.5}),
                                 init_postsynaptic("DeltaCurr"))
    build_load(model, tmp_path)
    model.run_steps(10)
    pre.vars["total"].pull_from_device()
    # two postsynaptic spikes, each reaching every presynaptic neuron through one synapse
    np.testing.assert_allclose(pre.vars["total"].values, [1.0, 1.0, 1.0])


def test_back_prop_delay_shifts_learning(make_model, build_load, tmp_path):
    """With back_prop_delay_steps = D, post-spike learning sees the post spike D steps later."""
    model = make_model("bpd", "double")
    model.dt = DT
    d = 3
    pre = spike_sources_at_times(model, "pre", [[10.0]], DT)
    post = spike_sources_at_times(model, "post", [[15.0]], DT)
    sg = model.add_synapse_population("syn", "DENSE", pre, post,
                                      init_weight_update("STDP", STDP_PARAMS, {"g": G0}),
                                      init_postsynaptic("DeltaCurr"))
    sg.back_prop_delay_steps = d
    build_load(model, tmp_path)
    model.run_steps(40)
    sg.vars["g"].pull_from_device()
    expected = G0 + STDP_PARAMS["Aplus"] * np.exp(-(15 - 10 + d) * DT / STDP_PARAMS["tauPlus"])
    np.testing.assert_allclose(sg.vars["g"].values, [expected], rtol=1e-12)


@pytest.mark.backend_independent
def test_presynaptic_variables_are_read_only_in_synapse_code(make_model, tmp_path):
    from pygenn_cl import CodeError
    wum = create_weight_update_model("bad", pre_vars=[("x", "scalar")], pre_spike_syn_code="x += 1.0;")
    model = make_model("bad_pre_write")
    pop = model.add_neuron_population("p", 1, "SpikeSourceArray", {}, {"startSpike": 0, "endSpike": 0})
    pop.extra_global_params["spikeTimes"].set_init_values([0.0])
    model.add_synapse_population("syn", "DENSE", pop, pop, init_weight_update(wum, {}, {}, {"x": 0.0}),
                                 init_postsynaptic("DeltaCurr"))
    with pytest.raises(CodeError, match=r"pre_spike_syn_code.*'x' is read-only"):
        model.build(path_to_model=str(tmp_path))


def test_dynamic_parameters(make_model, build_load, tmp_path):
    """set_param_dynamic keeps a parameter changeable after load; others stay inlined."""
    model = make_model("dynamic_params", "double")
    model.dt = DT
    lif = {"C": 1.0, "TauM": 10.0, "Vrest": 0.0, "Vreset": 0.0, "Vthresh": 1e9, "Ioffset": 1.0, "TauRefrac": 0.0}
    a = model.add_neuron_population("a", 2, "LIF", lif, {"V": 0.0, "RefracTime": 0.0})
    b = model.add_neuron_population("b", 2, "LIF", lif, {"V": 0.0, "RefracTime": 0.0})
    a.set_param_dynamic("Ioffset")
    cs = model.add_current_source("dc", "DC", b, {"amp": 0.0})
    cs.set_param_dynamic("amp")
    with pytest.raises(ValueError, match="derived"):
        a.set_param_dynamic("ExpTC")
    build_load(model, tmp_path)
    alpha = np.exp(-DT / 10.0)
    model.run_steps(5)
    a.set_dynamic_param_value("Ioffset", 3.0)
    cs.set_dynamic_param_value("amp", 2.0)
    model.run_steps(5)
    for pop in (a, b):
        pop.vars["V"].pull_from_device()
    # V(n+1) = I*R + (V(n) - I*R)*alpha with R = TauM/C = 10
    v = 0.0
    for i in range(10):
        v = (1.0 if i < 5 else 3.0) * 10 + (v - (1.0 if i < 5 else 3.0) * 10) * alpha
    np.testing.assert_allclose(a.vars["V"].values, v, rtol=1e-12)
    v = 0.0
    for i in range(10):
        current = 1.0 + (2.0 if i >= 5 else 0.0)
        v = current * 10 + (v - current * 10) * alpha
    np.testing.assert_allclose(b.vars["V"].values, v, rtol=1e-12)
    with pytest.raises(ValueError, match="not dynamic"):
        b.set_dynamic_param_value("Ioffset", 2.0)


@pytest.mark.parametrize("matrix", ["DENSE", "SPARSE"])
def test_spike_like_events_times_and_recording(make_model, build_load, tmp_path, matrix):
    """Pre and post spike-like events at exactly the steps where their conditions hold, their
    times (set_pre/set_post: end of the emitting step) and their recording."""
    clock = create_neuron_model("clock", vars=[("V", "scalar")], sim_code="V = t;")
    wum = create_weight_update_model(
        "events", params=["preThresh", "postThresh"],
        vars=[("preCount", "scalar"), ("postCount", "scalar"), ("seenSetPre", "scalar"),
              ("seenPrevSetPre", "scalar"), ("seenSetPost", "scalar")],
        pre_neuron_var_refs=[("V_pre", "scalar", VarAccessMode.READ_ONLY)],
        post_neuron_var_refs=[("V_post", "scalar", VarAccessMode.READ_ONLY)],
        pre_event_threshold_condition_code="V_pre > preThresh",
        pre_event_syn_code="preCount += 1.0; seenSetPre = set_pre; seenPrevSetPre = prev_set_pre;",
        post_event_threshold_condition_code="V_post > postThresh",
        post_event_syn_code="postCount += 1.0; seenSetPost = set_post;")
    model = make_model(f"events_{matrix.lower()}", "double")
    model.dt = DT
    pre = model.add_neuron_population("pre", 3, clock, {}, {"V": 0.0})
    post = model.add_neuron_population("post", 4, clock, {}, {"V": 0.0})
    pre.spike_event_recording_enabled = True
    post.spike_event_recording_enabled = True
    conn = init_sparse_connectivity("FixedProbability", {"prob": 1.0}) if matrix == "SPARSE" else None
    zeros = {n: 0.0 for n in ("preCount", "postCount", "seenSetPre", "seenPrevSetPre", "seenSetPost")}
    sg = model.add_synapse_population("syn", matrix, pre, post,
                                      init_weight_update(wum, {"preThresh": 5.5, "postThresh": 3.5}, zeros),
                                      init_postsynaptic("DeltaCurr"), conn)
    build_load(model, tmp_path, 10)
    model.run_steps(10)
    model.pull_recording_buffers_from_device()
    for var in sg.vars.values():
        var.pull_from_device()
    # V = t after the sim code of step k, so pre events fire in steps 6..9 and post events in
    # 4..9; each is processed in the next step, so steps 7..9 and 5..9 are seen within 10 steps.
    np.testing.assert_array_equal(sg.vars["preCount"].values, 3.0)
    np.testing.assert_array_equal(sg.vars["postCount"].values, 5.0)
    np.testing.assert_array_equal(sg.vars["seenSetPre"].values, 9.0)      # event of step 8
    np.testing.assert_array_equal(sg.vars["seenPrevSetPre"].values, 8.0)  # event of step 7
    np.testing.assert_array_equal(sg.vars["seenSetPost"].values, 9.0)
    times, ids = sg.pre_spike_event_recording_data[0]
    np.testing.assert_array_equal(times, np.repeat(np.arange(6, 10) * DT, 3))
    np.testing.assert_array_equal(ids, np.tile(np.arange(3), 4))
    times, ids = sg.post_spike_event_recording_data[0]
    np.testing.assert_array_equal(times, np.repeat(np.arange(4, 10) * DT, 4))
    np.testing.assert_array_equal(ids, np.tile(np.arange(4), 6))
