"""Custom updates: element-wise updates, neuron reductions, synapse variables, transpose, errors."""
import numpy as np
import pytest

from pygenn_cl import (CodeError, CustomUpdateVarAccess, VarAccessMode, create_custom_update_model,
                       create_neuron_model, create_var_ref, create_weight_update_model, create_wu_var_ref,
                       init_postsynaptic, init_sparse_connectivity, init_weight_update, init_var)

HOLDER = create_neuron_model("holder", vars=[("V", "scalar"), ("U", "scalar")])


def _values(n, seed):
    return np.random.default_rng(seed).uniform(-5.0, 5.0, n)


def test_neuron_update_and_reductions(make_model, build_load, tmp_path):
    n = 300  # several SIMT blocks
    v0, u0 = _values(n, 1), _values(n, 2)
    scale = create_custom_update_model("scale", params=["factor"], var_refs=[("x", "scalar")],
                                       update_code="x *= factor;")
    stats = create_custom_update_model(
        "stats",
        vars=[("total", "scalar", CustomUpdateVarAccess.REDUCE_NEURON_SUM),
              ("biggest", "scalar", CustomUpdateVarAccess.REDUCE_NEURON_MAX),
              ("product", "scalar")],
        var_refs=[("a", "scalar", VarAccessMode.READ_ONLY), ("b", "scalar", VarAccessMode.READ_ONLY)],
        update_code="total = a; biggest = b; product = a * b;")
    # another update reads the reductions (one value each, whatever the element), and has a
    # variable initialised to a constant and a reduction over the (one) batch
    center = create_custom_update_model(
        "center", params=["n"], vars=[("k", "scalar"), ("before", "scalar", CustomUpdateVarAccess.REDUCE_BATCH_SUM)],
        var_refs=[("x", "scalar"), ("total", "scalar", VarAccessMode.READ_ONLY),
                  ("biggest", "scalar", VarAccessMode.READ_ONLY), ("out", "scalar", VarAccessMode.REDUCE_SUM)],
        update_code="before += x; out += 2.0 * x; x = x - total / n + k * biggest;")
    model = make_model("cu_neuron", "double")
    pop = model.add_neuron_population("pop", n, HOLDER, {}, {"V": v0, "U": u0})
    model.add_custom_update("scaleV", "Scale", scale, {"factor": 3.0}, {}, {"x": create_var_ref(pop, "V")})
    cu = model.add_custom_update("stats", "Stats", stats, {}, {"total": 0.0, "biggest": 0.0, "product": 0.0},
                                 {"a": create_var_ref(pop, "V"), "b": create_var_ref(pop, "U")})
    centered = model.add_custom_update(
        "center", "Center", center, {"n": float(n)}, {"k": 0.5, "before": 7.0},
        {"x": create_var_ref(pop, "V"), "total": create_var_ref(cu, "total"), "biggest": create_var_ref(cu, "biggest"),
         "out": create_var_ref(pop, "U")})
    build_load(model, tmp_path)
    centered.vars["k"].pull_from_device()
    np.testing.assert_array_equal(centered.vars["k"].values, np.full(n, 0.5))   # (it used to start at 0)
    model.custom_update("Scale")
    model.custom_update("Stats")
    pop.vars["V"].pull_from_device()
    for var in cu.vars.values():
        var.pull_from_device()
    np.testing.assert_allclose(pop.vars["V"].values, 3.0 * v0, rtol=1e-12)
    np.testing.assert_allclose(cu.vars["total"].values, [np.sum(3.0 * v0)], rtol=1e-12)
    assert cu.vars["biggest"].values[0] == np.max(u0)
    np.testing.assert_allclose(cu.vars["product"].values, 3.0 * v0 * u0, rtol=1e-12)
    model.custom_update("Center")
    pop.vars["V"].pull_from_device()
    centered.vars["before"].pull_from_device()
    total = cu.vars["total"].values[0]
    np.testing.assert_allclose(pop.vars["V"].values, 3.0 * v0 - total / n + 0.5 * np.max(u0), rtol=1e-12)
    np.testing.assert_allclose(centered.vars["before"].values, 3.0 * v0, rtol=1e-12)
    pop.vars["U"].pull_from_device()   # (a reduction over the one batch into U: it starts from 0, not U)
    np.testing.assert_allclose(pop.vars["U"].values, 6.0 * v0, rtol=1e-12)
    with pytest.raises(ValueError, match="no custom update group 'Nope'"):
        model.custom_update("Nope")


@pytest.mark.parametrize("matrix", ["DENSE", "SPARSE"])
def test_synapse_variable_update(make_model, build_load, tmp_path, matrix):
    clip = create_custom_update_model("clip", params=["limit"], var_refs=[("w", "scalar")],
                                      update_code="w = fmin(w, limit);")
    model = make_model(f"cu_syn_{matrix.lower()}", "double")
    model.seed = 5
    pre = model.add_neuron_population("pre", 20, HOLDER, {}, {"V": 0.0, "U": 0.0})
    post = model.add_neuron_population("post", 30, HOLDER, {}, {"V": 0.0, "U": 0.0})
    conn = init_sparse_connectivity("FixedProbability", {"prob": 0.3}) if matrix == "SPARSE" else None
    sg = model.add_synapse_population("syn", matrix, pre, post,
                                      init_weight_update("StaticPulse", {},
                                                         {"g": init_var("Uniform", {"min": 0.0, "max": 1.0})}),
                                      init_postsynaptic("DeltaCurr"), conn)
    model.add_custom_update("clipG", "Clip", clip, {"limit": 0.5}, {}, {"w": create_wu_var_ref(sg, "g")})
    build_load(model, tmp_path)
    sg.vars["g"].pull_from_device()
    before = sg.vars["g"].values.copy()
    assert before.max() > 0.5
    model.custom_update("Clip")
    sg.vars["g"].pull_from_device()
    np.testing.assert_array_equal(sg.vars["g"].values, np.minimum(before, 0.5))


def test_transpose(make_model, build_load, tmp_path):
    model = make_model("cu_transpose", "double")
    a = model.add_neuron_population("a", 7, HOLDER, {}, {"V": 0.0, "U": 0.0})
    b = model.add_neuron_population("b", 11, HOLDER, {}, {"V": 0.0, "U": 0.0})
    forward_g = _values(7 * 11, 3)
    forward = model.add_synapse_population("forward", "DENSE", a, b,
                                           init_weight_update("StaticPulse", {}, {"g": forward_g}),
                                           init_postsynaptic("DeltaCurr"))
    backward = model.add_synapse_population("backward", "DENSE", b, a,
                                            init_weight_update("StaticPulse", {}, {"g": 0.0}),
                                            init_postsynaptic("DeltaCurr"))
    model.add_custom_update("tp", "Transpose", "Transpose", {}, {},
                            {"variable": create_wu_var_ref(forward, "g", backward, "g")})
    build_load(model, tmp_path)
    model.custom_update("Transpose")
    backward.vars["g"].pull_from_device()
    np.testing.assert_array_equal(backward.vars["g"].values.reshape(11, 7), forward_g.reshape(7, 11).T)


@pytest.mark.backend_independent
def test_custom_update_errors(make_model, tmp_path):
    model = make_model("cu_errors")
    a = model.add_neuron_population("a", 10, HOLDER, {}, {"V": 0.0, "U": 0.0})
    b = model.add_neuron_population("b", 12, HOLDER, {}, {"V": 0.0, "U": 0.0})
    pair = create_custom_update_model("pair", var_refs=[("x", "scalar"), ("y", "scalar")], update_code="x = y;")
    with pytest.raises(ValueError, match="mismatched sizes"):
        model.add_custom_update("bad_sizes", "G", pair, {}, {},
                                {"x": create_var_ref(a, "V"), "y": create_var_ref(b, "V")})
    typed = create_custom_update_model("typed", var_refs=[("x", "int")], update_code="x = 1;")
    with pytest.raises(ValueError, match="has type int32_t but"):
        model.add_custom_update("bad_type", "G", typed, {}, {}, {"x": create_var_ref(a, "V")})
    with pytest.raises(ValueError, match="has no variable 'W'"):
        create_var_ref(a, "W")
    forward = model.add_synapse_population("forward", "DENSE", a, b,
                                           init_weight_update("StaticPulse", {}, {"g": 0.0}),
                                           init_postsynaptic("DeltaCurr"))
    counts = create_weight_update_model("counts", vars=[("n", "int")])
    backward = model.add_synapse_population("backward", "DENSE", b, a, init_weight_update(counts, {}, {"n": 0}),
                                            init_postsynaptic("DeltaCurr"))
    with pytest.raises(ValueError, match="'g' of synapse population 'forward' is float, but its transpose 'n' of "
                                         "synapse population 'backward' is int32_t"):
        model.add_custom_update("tp", "T", "Transpose", {}, {},
                                {"variable": create_wu_var_ref(forward, "g", backward, "n")})
    read_only = create_custom_update_model("ro", var_refs=[("x", "scalar", VarAccessMode.READ_ONLY)],
                                           update_code="x = 2.0;")
    model.add_custom_update("writes_ro", "G", read_only, {}, {}, {"x": create_var_ref(a, "V")})
    with pytest.raises(CodeError, match=r"custom update 'writes_ro'.*update_code.*'x' is read-only"):
        model.build(path_to_model=str(tmp_path))


def test_egp_reference(make_model, build_load, tmp_path):
    """A custom update reads a population's extra global parameter through create_egp_ref."""
    from pygenn_cl import create_egp_ref
    with_egp = create_neuron_model("with_egp", vars=[("V", "scalar")], extra_global_params=[("offsets", "scalar*")])
    add = create_custom_update_model("add_offsets", var_refs=[("x", "scalar")],
                                     extra_global_param_refs=[("table", "scalar*")],
                                     update_code="x += table[id];")
    model = make_model("cu_egp_ref", "double")
    pop = model.add_neuron_population("pop", 4, with_egp, {}, {"V": 1.0})
    pop.extra_global_params["offsets"].set_init_values([0.5, 1.5, 2.5, 3.5])
    model.add_custom_update("add", "Add", add, {}, {}, {"x": create_var_ref(pop, "V")},
                            {"table": create_egp_ref(pop, "offsets")})
    with pytest.raises(ValueError, match="holds float64 values|holds double values"):
        bad = create_custom_update_model("bad", var_refs=[("x", "scalar")],
                                         extra_global_param_refs=[("table", "int*")], update_code="")
        model.add_custom_update("bad", "Bad", bad, {}, {}, {"x": create_var_ref(pop, "V")},
                                {"table": create_egp_ref(pop, "offsets")})
    build_load(model, tmp_path)
    model.custom_update("Add")
    pop.vars["V"].pull_from_device()
    np.testing.assert_array_equal(pop.vars["V"].values, [1.5, 2.5, 3.5, 4.5])
