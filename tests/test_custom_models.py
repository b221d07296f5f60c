"""User-defined models: EGPs, derived params, additional input vars, custom snippets."""
import numpy as np
import pytest

import helpers as h
from conftest import build_load
from pygenn_cl_lazy import pg


def test_neuron_egp_and_derived_params(make_model, tmp_path):
    model_def = pg.create_neuron_model(
        "EGPNeuron", params=["a", ("m", "int")], vars=[("x", "scalar"), ("y", "scalar"), ("z", "int")],
        derived_params=[("k", lambda pars, dt: pars["a"] * 2.0 + dt)],
        extra_global_params=[("arr", "scalar*")],
        sim_code="x = arr[id] * t;\ny = k;\nz = (int)id * m - 3;")
    model = make_model("egp", "double")
    model.dt = 0.125
    pop = model.add_neuron_population("pop", 5, model_def, {"a": 1.5, "m": -2}, {"x": 0.0, "y": 0.0, "z": 0})
    arr = np.array([1.0, -2.0, 3.5, 0.25, 10.0])
    pop.extra_global_params["arr"].set_init_values(arr)
    build_load(model, tmp_path)
    model.run_steps(4)  # last step has t = 3 * dt
    np.testing.assert_allclose(h.pull(pop.vars["x"]), arr * 3 * 0.125, rtol=1e-12)
    np.testing.assert_allclose(h.pull(pop.vars["y"]), 1.5 * 2.0 + 0.125, rtol=1e-12)
    z = h.pull(pop.vars["z"])
    assert z.dtype == np.int32
    np.testing.assert_array_equal(z, np.arange(5) * -2 - 3)


def test_additional_input_var_and_post_target_var(make_model, tmp_path):
    """Input routed with post_target_var lands in the additional input var, which is reset to its
    initial value every step; Isyn keeps only its own input."""
    dt, n_steps = 0.1, 20
    two_in = pg.create_neuron_model("TwoInputs", vars=[("I1", "scalar"), ("I2", "scalar")],
                                    additional_input_vars=[("Isyn2", "scalar", 0.5)],
                                    sim_code="I1 = Isyn;\nI2 = Isyn2;")
    model = make_model("target_var")
    src = h.spike_source_array(model, "src", [[3, 9]], dt)
    rec = model.add_neuron_population("rec", 2, two_in, {}, {"I1": 0.0, "I2": 0.0})
    model.add_synapse_population("to_isyn", "DENSE", src, rec,
                                 pg.init_weight_update("StaticPulse", {}, {"g": np.array([1.0, 3.0])}),
                                 pg.init_postsynaptic("DeltaCurr"))
    sg2 = model.add_synapse_population("to_isyn2", "DENSE", src, rec,
                                       pg.init_weight_update("StaticPulse", {}, {"g": 2.0}),
                                       pg.init_postsynaptic("DeltaCurr"))
    sg2.post_target_var = "Isyn2"
    build_load(model, tmp_path)
    i1, i2 = h.run_and_trace(model, n_steps, [rec.vars["I1"], rec.vars["I2"]])
    ref1 = np.zeros((n_steps, 2))
    ref2 = np.full((n_steps, 2), 0.5)
    for s in (3, 9):
        ref1[s + 1] = [1.0, 3.0]
        ref2[s + 1] += 2.0
    np.testing.assert_allclose(i1, ref1, atol=1e-6)
    np.testing.assert_allclose(i2, ref2, atol=1e-6)


def test_custom_var_init_snippets(make_model, tmp_path):
    lin = pg.create_var_init_snippet("Lin", params=["a", "b"], var_init_code="value = a * id + b;")
    syn_idx = pg.create_var_init_snippet("SynIdx", params=["s"], var_init_code="value = s * id_pre + id_post;")
    model = make_model("custom_init", "double")
    pre = model.add_neuron_population("pre", 7, h.recorder_model(), {},
                                      {"Irec": pg.init_var(lin, {"a": 0.5, "b": -1.0})})
    post = model.add_neuron_population("post", 11, h.recorder_model(), {}, {"Irec": 0.0})
    dense = model.add_synapse_population("dense", "DENSE", pre, post,
                                         pg.init_weight_update("StaticPulse", {},
                                                               {"g": pg.init_var(syn_idx, {"s": 100.0})}),
                                         pg.init_postsynaptic("DeltaCurr"))
    sparse = model.add_synapse_population("sparse", "SPARSE", pre, post,
                                          pg.init_weight_update("StaticPulse", {},
                                                                {"g": pg.init_var(syn_idx, {"s": 1000.0})}),
                                          pg.init_postsynaptic("DeltaCurr"),
                                          pg.init_sparse_connectivity("FixedProbability", {"prob": 0.5}))
    build_load(model, tmp_path)
    np.testing.assert_allclose(h.pull(pre.vars["Irec"]), 0.5 * np.arange(7) - 1.0)
    ii, jj = np.meshgrid(np.arange(7), np.arange(11), indexing="ij")
    np.testing.assert_allclose(np.reshape(h.pull(dense.vars["g"]), (7, 11)), 100.0 * ii + jj)
    sparse.pull_connectivity_from_device()
    sp_pre = np.asarray(sparse.get_sparse_pre_inds())
    sp_post = np.asarray(sparse.get_sparse_post_inds())
    assert 10 < len(sp_pre) < 70
    np.testing.assert_allclose(h.pull(sparse.vars["g"]), 1000.0 * sp_pre + sp_post)


def test_custom_connectivity_snippet(make_model, tmp_path):
    ring = pg.create_sparse_connect_init_snippet(
        "Ring", params=[("n", "unsigned int")],
        row_build_code="for (unsigned int k = 1; k <= n; k++) {\n    addSynapse((id_pre + k) % num_post);\n}",
        calc_max_row_len_func=lambda num_pre, num_post, pars: int(pars["n"]))
    dt = 0.1
    model = make_model("ring")
    src = h.spike_source_array(model, "src", [[2] if i == 4 else [] for i in range(10)], dt)
    rec = model.add_neuron_population("rec", 10, h.recorder_model(), {}, {"Irec": 0.0})
    sg = model.add_synapse_population("syn", "SPARSE", src, rec,
                                      pg.init_weight_update("StaticPulseConstantWeight", {"g": 1.5}),
                                      pg.init_postsynaptic("DeltaCurr"),
                                      pg.init_sparse_connectivity(ring, {"n": 3}))
    sg.narrow_sparse_ind_enabled = True
    build_load(model, tmp_path)
    sg.pull_connectivity_from_device()
    got = set(zip(np.asarray(sg.get_sparse_pre_inds()).tolist(), np.asarray(sg.get_sparse_post_inds()).tolist()))
    assert got == {(i, (i + k) % 10) for i in range(10) for k in (1, 2, 3)}
    assert sg.max_connections == 3
    tr = h.run_and_trace(model, 5, [rec.vars["Irec"]])[0]
    ref = np.zeros((5, 10))
    ref[3, [5, 6, 7]] = 1.5
    np.testing.assert_allclose(tr, ref, atol=1e-6)


def test_custom_weight_update_with_pre_var_ref_and_custom_psm(make_model, tmp_path):
    """Weight update reading the presynaptic neuron's var through a var ref; custom PSM scaling."""
    dt, n_steps = 0.1, 12
    src_model = pg.create_neuron_model("Src", params=["fire"], vars=[("Vs", "scalar"), ("k", "scalar")],
                                       sim_code="k += 1.0;",
                                       threshold_condition_code="k > fire - 0.5 && k < fire + 0.5")
    wu = pg.create_weight_update_model("PreScaled", params=["c"], vars=[("g", "scalar")],
                                       pre_neuron_var_refs=[("Vpre", "scalar")],
                                       pre_spike_syn_code="addToPost(c * g * Vpre);")
    psm = pg.create_postsynaptic_model("Half", params=["f"], sim_code="injectCurrent(f * inSyn);\ninSyn = 0.0;")
    model = make_model("wu_ref")
    src = model.add_neuron_population("src", 3, src_model, {"fire": 4.0},
                                      {"Vs": np.array([1.0, 2.0, 4.0]), "k": 0.0})
    src.spike_recording_enabled = True
    rec = model.add_neuron_population("rec", 2, h.recorder_model(), {}, {"Irec": 0.0})
    g = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    model.add_synapse_population("syn", "DENSE", src, rec,
                                 pg.init_weight_update(wu, {"c": 3.0}, {"g": g.ravel()},
                                                       pre_var_refs={"Vpre": pg.create_var_ref(src, "Vs")}),
                                 pg.init_postsynaptic(psm, {"f": 0.5}))
    build_load(model, tmp_path, n_rec=n_steps)
    tr = h.run_and_trace(model, n_steps, [rec.vars["Irec"]])[0]
    model.pull_recording_buffers_from_device()
    times, ids = src.spike_recording_data[0]
    # k reaches 4 in step 3
    np.testing.assert_array_equal(h.sorted_spikes(times, ids, dt), [[3, 0], [3, 1], [3, 2]])
    ref = np.zeros((n_steps, 2))
    ref[4] = 0.5 * 3.0 * (np.array([1.0, 2.0, 4.0]) @ g)
    np.testing.assert_allclose(tr, ref, atol=1e-5)


def test_legacy_dollar_syntax_is_upgraded(make_model, tmp_path):
    with pytest.warns(FutureWarning):
        old = pg.create_neuron_model("Old", params=["inc"], vars=[("V", "scalar")], sim_code="$(V) += $(inc);")
    model = make_model("legacy")
    pop = model.add_neuron_population("pop", 2, old, {"inc": 0.25}, {"V": np.array([0.0, 1.0])})
    build_load(model, tmp_path)
    model.run_steps(4)
    np.testing.assert_allclose(h.pull(pop.vars["V"]), [1.0, 2.0])


def test_unload_reload_and_views(make_model, tmp_path):
    """load() after unload() starts again from the initial values; view/values/current_values agree."""
    counter = pg.create_neuron_model("Counter", vars=[("x", "scalar")], sim_code="x += 1.0;")
    model = make_model("reload")
    pop = model.add_neuron_population("pop", 3, counter, {}, {"x": np.array([0.0, 10.0, 20.0])})
    model.build(path_to_model=str(tmp_path), always_rebuild=True)
    model.load()
    model.run_steps(5)
    var = pop.vars["x"]
    var.pull_from_device()
    assert isinstance(var.view, np.ndarray)
    np.testing.assert_allclose(var.view, [5.0, 15.0, 25.0])
    np.testing.assert_allclose(var.values, [5.0, 15.0, 25.0])
    np.testing.assert_allclose(var.current_values, [5.0, 15.0, 25.0])
    copy = var.values
    copy[0] = -1.0                  # values is a copy
    var.pull_from_device()
    assert var.values[0] == 5.0
    model.unload()
    model.build(path_to_model=str(tmp_path))   # unchanged model: reuses the build
    model.load()
    assert model.timestep == 0
    np.testing.assert_allclose(h.pull(var), [0.0, 10.0, 20.0])
    model.step_time()
    np.testing.assert_allclose(h.pull(var), [1.0, 11.0, 21.0])


def test_spike_source_array_exact_times_double(make_model, tmp_path):
    """With t == timestep * dt, a spike time of exactly k * dt fires in step k."""
    dt = 0.1
    model = make_model("ssa_exact", "double")
    steps = [[1, 3, 7, 10, 29, 30], [0, 13, 49]]
    start, end, times = [], [], []
    for s in steps:
        start.append(len(times))
        times += [k * dt for k in s]
        end.append(len(times))
    pop = model.add_neuron_population("ssa", 2, "SpikeSourceArray", {},
                                      {"startSpike": np.array(start, np.uint32), "endSpike": np.array(end, np.uint32)})
    pop.extra_global_params["spikeTimes"].set_init_values(np.array(times))
    pop.spike_recording_enabled = True
    build_load(model, tmp_path, n_rec=50)
    model.run_steps(50)
    model.pull_recording_buffers_from_device()
    got = h.sorted_spikes(*pop.spike_recording_data[0], dt)
    exp = np.array(sorted((k, i) for i, s in enumerate(steps) for k in s))
    np.testing.assert_array_equal(got, exp)


def test_extra_global_params_in_init_snippets(make_model, build_load, tmp_path):
    """EGPs of variable-initialisation and connectivity snippets (set before load)."""
    import numpy as np
    from pygenn_cl import create_sparse_connect_init_snippet, create_var_init_snippet, init_var
    from pygenn_cl import init_postsynaptic, init_sparse_connectivity, init_weight_update
    table = create_var_init_snippet("from_table", extra_global_params=[("values", "scalar*")],
                                    var_init_code="value = values[id];")
    targets = create_sparse_connect_init_snippet(
        "listed", extra_global_params=[("post", "unsigned int*")],
        row_build_code="addSynapse(post[id_pre]);",
        calc_max_row_len_func=lambda num_pre, num_post, pars: 1)
    model = make_model("init_egps")
    pop = model.add_neuron_population("pop", 5, "LIF",
                                      {"C": 1.0, "TauM": 20.0, "Vrest": -70.0, "Vreset": -70.0,
                                       "Vthresh": -50.0, "Ioffset": 0.0, "TauRefrac": 2.0},
                                      {"V": init_var(table), "RefracTime": 0.0})
    pop.vars["V"].extra_global_params["values"].set_init_values([-61.0, -62.0, -63.0, -64.0, -65.0])
    sg = model.add_synapse_population("syn", "SPARSE", pop, pop,
                                      init_weight_update("StaticPulse", {}, {"g": 1.0}),
                                      init_postsynaptic("DeltaCurr"),
                                      init_sparse_connectivity(targets))
    sg.connectivity_extra_global_params["post"].set_init_values([4, 3, 2, 1, 0])
    build_load(model, tmp_path)
    pop.vars["V"].pull_from_device()
    np.testing.assert_array_equal(pop.vars["V"].values, [-61.0, -62.0, -63.0, -64.0, -65.0])
    np.testing.assert_array_equal(sg.get_sparse_post_inds(), [4, 3, 2, 1, 0])
