"""Misuse raises clear exceptions naming the offender.

Errors raised while a model is described (add_*, values, connections), by load() before the
backend is asked for anything, or by the transpiler at build() before any compiler runs are
the same on every backend: those tests are ``backend_independent`` (they run once, on the C
backend).  Only backend preferences are checked per backend."""
import numpy as np
import pytest

import helpers as h
from conftest import build_load
from pygenn_cl_lazy import pg


def _lif_params(**changes):
    p = dict(h.LIF_PARAMS)
    p.update(changes)
    return {k: v for k, v in p.items() if v is not None}


LIF_VARS = {"V": -70.0, "RefracTime": 0.0}


def _raises_naming(exc_types, words, fn):
    """fn() (which may cover add/build/load) must raise exc_types with every word in the message."""
    with pytest.raises(exc_types) as info:
        fn()
    msg = str(info.value)
    for w in words:
        assert w in msg, f"message {msg!r} does not name {w!r}"
    return info.value


@pytest.mark.backend_independent
@pytest.mark.parametrize("case", ["misspelt", "missing", "extra"])
def test_param_names(make_model, tmp_path, case):
    params = {"misspelt": {**_lif_params(TauM=None), "Taum": 20.0},
              "missing": _lif_params(Vthresh=None),
              "extra": {**_lif_params(), "bogus": 1.0}}[case]
    offender = {"misspelt": "Taum", "missing": "Vthresh", "extra": "bogus"}[case]
    model = make_model(f"par_{case}")

    def go():
        model.add_neuron_population("pop", 10, "LIF", params, LIF_VARS)
        build_load(model, tmp_path)
    _raises_naming((ValueError, KeyError), [offender], go)


@pytest.mark.backend_independent
def test_missing_var_value(make_model, tmp_path):
    model = make_model("missing_var")

    def go():
        model.add_neuron_population("pop", 10, "LIF", _lif_params(), {"V": -70.0})
        build_load(model, tmp_path)
    _raises_naming((ValueError, KeyError), ["RefracTime"], go)


@pytest.mark.backend_independent
def test_array_of_wrong_length(make_model, tmp_path):
    model = make_model("bad_len")

    def go():
        model.add_neuron_population("pop", 10, "LIF", _lif_params(), {"V": np.zeros(9), "RefracTime": 0.0})
        build_load(model, tmp_path)
    _raises_naming(ValueError, ["V"], go)


@pytest.mark.backend_independent
def test_dense_weight_array_of_wrong_length(make_model, tmp_path):
    model = make_model("bad_dense_len")

    def go():
        a = model.add_neuron_population("a", 4, "LIF", _lif_params(), LIF_VARS)
        b = model.add_neuron_population("b", 5, "LIF", _lif_params(), LIF_VARS)
        model.add_synapse_population("syn", "DENSE", a, b,
                                     pg.init_weight_update("StaticPulse", {}, {"g": np.ones(4)}),
                                     pg.init_postsynaptic("DeltaCurr"))
        build_load(model, tmp_path)
    _raises_naming(ValueError, ["g"], go)


@pytest.mark.backend_independent
@pytest.mark.parametrize("n", [0, -3])
def test_bad_population_size(make_model, n):
    model = make_model("bad_size")
    with pytest.raises(ValueError):
        model.add_neuron_population("pop", n, "LIF", _lif_params(), LIF_VARS)


@pytest.mark.backend_independent
def test_unknown_neuron_model(make_model):
    model = make_model("unknown_model")
    _raises_naming(ValueError, ["LIFF"],
                   lambda: model.add_neuron_population("pop", 10, "LIFF", _lif_params(), LIF_VARS))


@pytest.mark.backend_independent
def test_unknown_matrix_type(make_model):
    model = make_model("unknown_matrix")
    a = model.add_neuron_population("a", 4, "LIF", _lif_params(), LIF_VARS)
    _raises_naming(ValueError, ["BANANA"], lambda: model.add_synapse_population(
        "syn", "BANANA", a, a, pg.init_weight_update("StaticPulse", {}, {"g": 1.0}),
        pg.init_postsynaptic("DeltaCurr")))


@pytest.mark.backend_independent
@pytest.mark.parametrize("dt", [0.0, -0.1])
def test_bad_dt(make_model, dt):
    model = make_model("bad_dt")
    with pytest.raises(ValueError):
        model.dt = dt


@pytest.mark.backend_independent
def test_batch_size_not_supported(make_model):
    model = make_model("batch")
    model.batch_size = 1
    with pytest.raises(NotImplementedError):
        model.batch_size = 2


def test_unknown_preference(backend):
    _raises_naming(ValueError, ["foo"], lambda: backend.genn_model("float", "pref", foo=1))


@pytest.mark.backend_independent
def test_code_error_at_build(make_model, tmp_path):
    bad = pg.create_neuron_model("BadNeuron", vars=[("V", "scalar")],
                                 sim_code="V = V + undefined_thing;")
    model = make_model("code_err")
    model.add_neuron_population("my_bad_pop", 3, bad, {}, {"V": 0.0})
    _raises_naming(pg.CodeError, ["my_bad_pop", "sim_code", "line 1", "undefined_thing"],
                   lambda: model.build(path_to_model=str(tmp_path)))


@pytest.mark.backend_independent
def test_code_error_second_line_threshold(make_model, tmp_path):
    bad = pg.create_neuron_model("BadThresh", vars=[("V", "scalar")],
                                 sim_code="V += 1.0;\nV = V * 2.0;",
                                 threshold_condition_code="V > 1.0 &&\n Vx > 2.0")
    model = make_model("code_err2")
    model.add_neuron_population("thresh_pop", 3, bad, {}, {"V": 0.0})
    _raises_naming(pg.CodeError, ["thresh_pop", "threshold_condition_code", "line 2", "Vx"],
                   lambda: model.build(path_to_model=str(tmp_path)))


@pytest.mark.backend_independent
def test_code_error_in_synapse(make_model, tmp_path):
    wu = pg.create_weight_update_model("BadWU", vars=[("g", "scalar")],
                                       pre_spike_syn_code="addToPost(g);\naddToPost(nonexistent_w);")
    model = make_model("code_err3")
    a = model.add_neuron_population("a", 3, "LIF", _lif_params(), LIF_VARS)
    model.add_synapse_population("bad_syn", "DENSE", a, a, pg.init_weight_update(wu, {}, {"g": 1.0}),
                                 pg.init_postsynaptic("DeltaCurr"))
    _raises_naming(pg.CodeError, ["bad_syn", "pre_spike_syn_code", "line 2", "nonexistent_w"],
                   lambda: model.build(path_to_model=str(tmp_path)))


@pytest.mark.backend_independent
def test_set_sparse_connections_row_too_long(make_model, tmp_path):
    model = make_model("row_too_long")

    def go():
        a = model.add_neuron_population("a", 4, "LIF", _lif_params(), LIF_VARS)
        sg = model.add_synapse_population("long_rows", "SPARSE", a, a,
                                          pg.init_weight_update("StaticPulseConstantWeight", {"g": 1.0}),
                                          pg.init_postsynaptic("DeltaCurr"))
        sg.max_connections = 2
        sg.set_sparse_connections(np.array([0, 0, 0, 1], dtype=np.uint32), np.array([0, 1, 2, 3], dtype=np.uint32))
        build_load(model, tmp_path)
    with pytest.raises(ValueError) as info:
        go()
    assert "long_rows" in str(info.value) or "max_connections" in str(info.value), str(info.value)


@pytest.mark.backend_independent
def test_set_sparse_connections_index_out_of_range(make_model, tmp_path):
    model = make_model("conn_range")

    def go():
        a = model.add_neuron_population("a", 4, "LIF", _lif_params(), LIF_VARS)
        sg = model.add_synapse_population("syn", "SPARSE", a, a,
                                          pg.init_weight_update("StaticPulseConstantWeight", {"g": 1.0}),
                                          pg.init_postsynaptic("DeltaCurr"))
        sg.set_sparse_connections(np.array([0, 1], dtype=np.uint32), np.array([1, 4], dtype=np.uint32))
        build_load(model, tmp_path)
    with pytest.raises((ValueError, IndexError)):
        go()


@pytest.mark.backend_independent
def test_recording_without_num_recording_timesteps(make_model, tmp_path):
    model = make_model("rec_no_n")
    pop = model.add_neuron_population("pop", 4, "LIF", _lif_params(), LIF_VARS)
    pop.spike_recording_enabled = True
    model.build(path_to_model=str(tmp_path))
    with pytest.raises(Exception) as info:
        model.load()
    assert "recording" in str(info.value).lower()


def test_unknown_builtin_snippet_names():
    with pytest.raises(ValueError, match="Unifrom"):
        pg.init_var("Unifrom", {"min": 0, "max": 1})
    with pytest.raises(ValueError, match="FixedProb"):
        pg.init_sparse_connectivity("FixedProb", {"prob": 0.1})
    with pytest.raises(ValueError, match="ExpCur"):
        pg.init_postsynaptic("ExpCur", {"tau": 1.0})


@pytest.mark.backend_independent
def test_var_init_wrong_params(make_model, tmp_path):
    model = make_model("init_params")

    def go():
        model.add_neuron_population("pop", 10, "LIF", _lif_params(),
                                    {"V": pg.init_var("Uniform", {"min": 0.0, "maxx": 1.0}), "RefracTime": 0.0})
        build_load(model, tmp_path)
    _raises_naming((ValueError, KeyError), ["maxx"], go)


@pytest.mark.backend_independent
def test_groups_beyond_32_bit_indices_are_rejected_at_build(make_model, tmp_path):
    """Synapses are indexed with 32-bit integers: a group with 2^32 or more synapse slots (or
    column entries) is an error naming it at build(), not a silent wrap-around; 2^32 - 1 slots
    are allowed."""
    pre_spike = pg.create_weight_update_model("Pulse", vars=[("g", "scalar")], pre_spike_syn_code="addToPost(g);")

    def model_with(name, matrix, n_pre, n_post, **settings):
        model = make_model(name)
        pre = model.add_neuron_population("pre", n_pre, "Poisson", {"rate": 1.0}, {"timeStepToSpike": 0.0})
        post = model.add_neuron_population("post", n_post, "LIF", h.LIF_PARAMS, LIF_VARS)
        kw = {} if matrix == "DENSE" else {"connectivity_init": pg.init_sparse_connectivity(
            "FixedProbability", {"prob": 0.5})}
        sg = model.add_synapse_population("big", matrix, pre, post, pg.init_weight_update(pre_spike, {}, {"g": 0.1}),
                                          pg.init_postsynaptic("DeltaCurr"), **kw)
        for key, value in settings.items():
            setattr(sg, key, value)
        return model

    # DENSE: 65,536 x 65,536 = 2^32 slots
    model = model_with("dense32", "DENSE", 65536, 65536)
    _raises_naming(ValueError, ["synapse population 'big'", "4,294,967,296 synapse slots", "32-bit"],
                   lambda: model.build(path_to_model=str(tmp_path)))
    # SPARSE: the slots are num_pre x max_connections
    model = model_with("sparse32", "SPARSE", 100000, 50000, max_connections=42950)
    _raises_naming(ValueError, ["synapse population 'big'", "100,000 presynaptic neurons x 42,950",
                                "4,295,000,000 synapse slots"], lambda: model.build(path_to_model=str(tmp_path)))
    # one slot fewer than 2^32 is within range: the check passes and generation goes on
    from pygenn_cl.codegen.generator import generate_model
    from pygenn_cl.codegen.targets import CodeTarget
    from pygenn_cl.codegen.transpiler import C_DIALECT
    from pygenn_cl.describe import describe_model
    model = model_with("dense_max", "DENSE", 65535, 65537)       # 4,294,967,295 slots
    ir = generate_model(describe_model(model), CodeTarget("c", C_DIALECT, parallel=False))
    assert ir.arrays["big.g"].length == 2 ** 32 - 1


@pytest.mark.backend_independent
def test_simt_launch_beyond_32_bit_thread_ids_is_rejected(make_model):
    """Each group fits 32-bit indices, but a SIMT kernel covering two of them would need more
    threads than 32-bit thread ids reach: generating its source names the kernel and group."""
    from pygenn_cl.backends.opencl import OPENCL_TARGET, generate_opencl_source
    from pygenn_cl.backends.simt import SIMTOptions
    from pygenn_cl.codegen.generator import generate_model
    from pygenn_cl.describe import describe_model
    decay = pg.create_weight_update_model("Decay", vars=[("g", "scalar")], synapse_dynamics_code="g *= 0.5;")
    model = make_model("threads")
    post = model.add_neuron_population("post", 50000, "LIF", h.LIF_PARAMS, LIF_VARS)
    for k in range(2):            # 50,000 x 50,000 = 2.5e9 synapses each: a thread per synapse
        pre = model.add_neuron_population(f"pre{k}", 50000, "Poisson", {"rate": 1.0}, {"timeStepToSpike": 0.0})
        model.add_synapse_population(f"dyn{k}", "DENSE", pre, post, pg.init_weight_update(decay, {}, {"g": 1.0}),
                                     pg.init_postsynaptic("DeltaCurr"))
    ir = generate_model(describe_model(model), OPENCL_TARGET)
    _raises_naming(ValueError, ["synapse_dynamics kernel", "'dyn1'", "32-bit thread ids"],
                   lambda: generate_opencl_source(ir, SIMTOptions(64, 1)))
