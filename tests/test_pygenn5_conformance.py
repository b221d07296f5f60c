"""Conformance with PyGeNN 5: public names and signatures, enumerations, group names that are
not C identifiers, lifecycle and introspection, and running code written for ``import pygenn``
(issue 15).  The numbers tests compare with are PyGeNN's documented values (enumerations,
signatures: tests/data/pygenn5_*.{txt,json}) or follow from the model by hand."""
import inspect
import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest

import helpers as h
from conftest import build_load, requires_backends
from pygenn_cl_lazy import pg

DATA = Path(__file__).resolve().parent / "data"
REPO = Path(__file__).resolve().parents[1]
LIF_VARS = {"V": -60.0, "RefracTime": 0.0}


# -- names and signatures -------------------------------------------------------------------
def _public_names():
    return [line.strip() for line in (DATA / "pygenn5_public_names.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]


@pytest.mark.backend_independent
def test_every_public_name_of_pygenn_5_is_exported():
    import pygenn_cl
    names = _public_names()
    assert len(names) == len(set(names)) == 64
    missing = [n for n in names if not hasattr(pygenn_cl, n)]
    assert not missing, missing
    assert set(names) <= set(pygenn_cl.__all__)
    # what pygenn_cl exports beyond PyGeNN is its own, and documented as such
    extra = set(pygenn_cl.__all__) - set(names)
    assert extra == {"init_connectivity", "CodeError", "BuildError", "BackendUnavailableError", "__version__"}
    for module in ("neuron_models", "init_toeplitz_connectivity_snippets", "custom_connectivity_update_models"):
        assert getattr(pygenn_cl, module).__name__ == f"pygenn_cl.{module}"


def _signature_of(path):
    import pygenn_cl
    obj = pygenn_cl
    for part in path.split("."):
        obj = getattr(obj, part)
    sig = inspect.signature(obj)
    params = [p for p in sig.parameters.values() if p.name != "self"]
    out = []
    for p in params:
        if p.kind == p.VAR_POSITIONAL:
            out.append("*args")
        elif p.kind == p.VAR_KEYWORD:
            out.append("**kwargs")
        elif p.default is p.empty:
            out.append(p.name)
        else:
            default = p.default
            text = f"{type(default).__name__}.{default.name}" if hasattr(default, "name") and \
                isinstance(default, pg.PlogSeverity) else repr(default)
            out.append(f"{p.name}={text}")
    return out


@pytest.mark.backend_independent
def test_signatures_are_pygenn_5s():
    expected = json.loads((DATA / "pygenn5_signatures.json").read_text())
    wrong = {}
    for path, want in expected.items():
        if path.startswith("_"):
            continue
        have = _signature_of(path)
        if isinstance(want, str):  # "arity n": pybind's positional arg0, arg1 ...
            n = int(want.split()[1])
            have_n = len([p for p in have if "=" not in p])
            if have_n != n:
                wrong[path] = have
            continue
        if have[-1:] == ["**kwargs"] and want[-1:] != ["**kwargs"] and path.startswith("create_"):
            have = have[:-1]   # pygenn_cl's model factories also take GeNN 4's keyword names
        if have != want:
            wrong[path] = (have, want)
    assert not wrong, wrong


# -- enumerations: PyGeNN's values and bit tests ----------------------------------------------
@pytest.mark.backend_independent
def test_access_modes_are_flags_with_pygenn_values():
    A, D, M = pg.VarAccessModeAttribute, pg.VarAccessDim, pg.VarAccessMode
    # PyGeNN 5's documented values
    assert [int(v) for v in (A.READ_ONLY, A.READ_WRITE, A.REDUCE, A.SUM, A.MAX)] == [1, 2, 4, 8, 16]
    assert (int(D.ELEMENT), int(D.BATCH)) == (32, 64)
    assert [int(v) for v in (M.READ_ONLY, M.READ_WRITE, M.REDUCE_SUM, M.REDUCE_MAX)] == [1, 2, 12, 20]
    assert [int(v) for v in (pg.VarAccess.READ_WRITE, pg.VarAccess.READ_ONLY, pg.VarAccess.READ_ONLY_DUPLICATE,
                             pg.VarAccess.READ_ONLY_SHARED_NEURON)] == [98, 33, 97, 65]
    C = pg.CustomUpdateVarAccess
    assert [int(v) for v in (C.READ_WRITE, C.READ_ONLY, C.READ_ONLY_SHARED, C.READ_ONLY_SHARED_NEURON,
                             C.REDUCE_BATCH_SUM, C.REDUCE_BATCH_MAX, C.REDUCE_NEURON_SUM,
                             C.REDUCE_NEURON_MAX)] == [2, 1, 65, 33, 76, 84, 44, 52]
    # the bit tests PyGeNN code does
    assert pg.VarAccess.READ_ONLY_DUPLICATE & A.READ_ONLY
    assert not pg.VarAccess.READ_WRITE & A.READ_ONLY
    assert M.REDUCE_SUM & A.REDUCE and M.REDUCE_SUM & A.SUM and not M.REDUCE_SUM & A.MAX
    assert pg.get_var_access_dim(pg.VarAccess.READ_WRITE) == D.ELEMENT | D.BATCH
    assert pg.get_var_access_dim(pg.VarAccess.READ_ONLY) == D.ELEMENT
    assert pg.get_var_access_dim(pg.VarAccess.READ_ONLY_SHARED_NEURON) == D.BATCH
    # custom update dimensions are subtractive
    both = D.ELEMENT | D.BATCH
    assert pg.get_var_access_dim(C.READ_WRITE, both) == both
    assert pg.get_var_access_dim(C.REDUCE_NEURON_SUM, both) == D.BATCH
    assert pg.get_var_access_dim(C.REDUCE_BATCH_MAX, both) == D.ELEMENT
    assert pg.get_var_access_dim(C.READ_ONLY_SHARED, D.ELEMENT) == D.ELEMENT


@pytest.mark.backend_independent
def test_matrix_types_locations_and_hints_have_pygenn_values():
    T, Co, W = pg.SynapseMatrixType, pg.SynapseMatrixConnectivity, pg.SynapseMatrixWeight
    assert {m.name: int(m) for m in T} == {"DENSE": 65, "DENSE_PROCEDURALG": 129, "BITMASK": 66, "SPARSE": 68,
                                           "PROCEDURAL": 136, "PROCEDURAL_KERNELG": 264, "TOEPLITZ": 272}
    assert T.SPARSE & Co.SPARSE and T.SPARSE & W.INDIVIDUAL and not T.DENSE & Co.SPARSE
    assert T.TOEPLITZ & W.KERNEL and T.PROCEDURAL & Co.PROCEDURAL
    assert [int(v) for v in pg.VarLocation] == [2, 3, 7]
    assert pg.VarLocation.HOST_DEVICE & pg.VarLocationAttribute.HOST
    assert not pg.VarLocation.DEVICE & pg.VarLocationAttribute.HOST
    assert [int(v) for v in pg.ParallelismHint] == [0, 1, 2]
    assert [(m.name, int(m)) for m in pg.PlogSeverity][:4] == [("NONE", 0), ("FATAL", 1), ("ERROR", 2),
                                                              ("WARNING", 3)]


@pytest.mark.backend_independent
def test_synapse_group_reports_its_matrix_type_as_flags(make_model):
    model = make_model("flags")
    a = model.add_neuron_population("a", 3, "LIF", h.LIF_PARAMS, LIF_VARS)
    sg = model.add_synapse_population("s", pg.SynapseMatrixType.SPARSE, a, a,
                                      pg.init_weight_update("StaticPulse", {}, {"g": 1.0}),
                                      pg.init_postsynaptic("DeltaCurr"))
    assert sg.matrix_type == pg.SynapseMatrixType.SPARSE
    assert sg.matrix_type & pg.SynapseMatrixConnectivity.SPARSE


# -- matrix types ------------------------------------------------------------------------------
@pytest.mark.backend_independent
@pytest.mark.parametrize("matrix, conn, weight", [("DENSE_PROCEDURALG", "DENSE", "PROCEDURAL"),
                                                  ("BITMASK", "BITMASK", "INDIVIDUAL"),
                                                  ("PROCEDURAL", "PROCEDURAL", "PROCEDURAL"),
                                                  ("PROCEDURAL_KERNELG", "PROCEDURAL", "KERNEL"),
                                                  ("TOEPLITZ", "TOEPLITZ", "KERNEL")])
def test_every_matrix_type_is_accepted_by_name_and_value_with_pygenn_flags(make_model, matrix, conn, weight):
    """Every SynapseMatrixType (by name or by value) makes a synapse group whose matrix_type has
    PyGeNN's connectivity and weight flags."""
    conv = {"conv_kh": 1, "conv_kw": 1, "conv_sh": 1, "conv_sw": 1, "conv_padh": 0, "conv_padw": 0,
            "conv_ih": 1, "conv_iw": 3, "conv_ic": 1, "conv_oh": 1, "conv_ow": 3, "conv_oc": 1}
    toeplitz = {k: v for k, v in conv.items() if k not in ("conv_sh", "conv_sw", "conv_padh", "conv_padw")}
    for how in (matrix, getattr(pg.SynapseMatrixType, matrix), int(getattr(pg.SynapseMatrixType, matrix))):
        model = make_model("matrix")
        a = model.add_neuron_population("a", 3, "LIF", h.LIF_PARAMS, LIF_VARS)
        wu = pg.init_weight_update("StaticPulseConstantWeight", {"g": 1.0}) if conn == "BITMASK" else \
            pg.init_weight_update("StaticPulse", {}, {"g": 1.0})
        init = None if conn == "DENSE" else pg.init_toeplitz_connectivity("Conv2D", toeplitz) \
            if conn == "TOEPLITZ" else pg.init_sparse_connectivity("Conv2D", conv)
        sg = model.add_synapse_population("s", how, a, a, wu, pg.init_postsynaptic("DeltaCurr"), init)
        assert sg.matrix_type == getattr(pg.SynapseMatrixType, matrix)
        assert sg.matrix_type & getattr(pg.SynapseMatrixConnectivity, conn)
        assert sg.matrix_type & getattr(pg.SynapseMatrixWeight, weight)
        if conn == "TOEPLITZ":
            assert sg.toeplitz_connectivity_initialiser is init and sg.kernel_size == [1, 1, 1, 1]


@pytest.mark.backend_independent
def test_kernel_initialisation_needs_connectivity_with_a_kernel(make_model):
    """init_var("Kernel") reads id_kernel, which only connectivity with a kernel gives: DENSE is
    refused when the group is added, naming the group, variable and snippet."""
    model = make_model("kernel_dense")
    a = model.add_neuron_population("a", 4, "LIF", h.LIF_PARAMS, LIF_VARS)
    with pytest.raises(ValueError, match=r"synapse population 's': variable 'g': .*'Kernel' reads id_kernel"):
        model.add_synapse_population("s", "DENSE", a, a,
                                     pg.init_weight_update("StaticPulse", {}, {"g": pg.init_var("Kernel")}),
                                     pg.init_postsynaptic("DeltaCurr"))


def test_sparse_conv2d_connects_each_input_pixel_to_the_outputs_it_is_under(make_model, tmp_path):
    """A 3x3 'same' convolution with stride 1 on a 3x4 image, 2 input and 2 output channels:
    pixel (r, c) feeds the outputs (r', c') with |r - r'| <= 1 and |c - c'| <= 1, every channel,
    and a weight initialised with "Kernel" takes the kernel entry [r - r' + 1, c - c' + 1, in, out]."""
    model = make_model("conv2d")
    ih, iw, ic, oc = 3, 4, 2, 2
    a = model.add_neuron_population("in", ih * iw * ic, "LIF", h.LIF_PARAMS, LIF_VARS)
    b = model.add_neuron_population("out", ih * iw * oc, "LIF", h.LIF_PARAMS, LIF_VARS)
    conv = {"conv_kh": 3, "conv_kw": 3, "conv_sh": 1, "conv_sw": 1, "conv_padh": 1, "conv_padw": 1,
            "conv_ih": ih, "conv_iw": iw, "conv_ic": ic, "conv_oh": ih, "conv_ow": iw, "conv_oc": oc}
    sg = model.add_synapse_population("s", "SPARSE", a, b,
                                      pg.init_weight_update("StaticPulse", {}, {"g": pg.init_var("Kernel")}),
                                      pg.init_postsynaptic("DeltaCurr"), pg.init_sparse_connectivity("Conv2D", conv))
    kernel = np.arange(3 * 3 * ic * oc, dtype=np.float32) + 1.0
    sg.vars["g"].extra_global_params["kernel"].set_init_values(kernel)
    assert sg.max_connections == 3 * 3 * oc and sg.kernel_size == [3, 3, ic, oc]
    build_load(model, tmp_path)
    sg.vars["g"].pull_from_device()
    got = sorted(zip(sg.get_sparse_pre_inds().tolist(), sg.get_sparse_post_inds().tolist(),
                     sg.vars["g"].values.tolist()))
    want = sorted(((r * iw + c) * ic + ci, (r2 * iw + c2) * oc + co,
                   float(kernel[(((r - r2 + 1) * 3 + (c - c2 + 1)) * ic + ci) * oc + co]))
                  for r in range(ih) for c in range(iw) for ci in range(ic)
                  for r2 in range(ih) for c2 in range(iw) for co in range(oc)
                  if abs(r - r2) <= 1 and abs(c - c2) <= 1)
    assert got == want


# -- group names that are not C identifiers ---------------------------------------------------
ODD_NAMES = ["23E", "a-b", "a_b", "x.y", "pop 1", 'q"*/;\n#define X', "ünï"]


def test_non_identifier_group_names_round_trip(make_model, tmp_path):
    """Populations named as PyGeNN users name them ("23E", "a-b" ...) each keep their own
    state, spikes and recording, under their names; "a-b" and "a_b" do not collide."""
    model = make_model("odd_names")
    pops = {}
    for i, name in enumerate(ODD_NAMES):
        # each population has its own input and initial voltage, so its own first spike time
        params = dict(h.LIF_PARAMS, Ioffset=1.0 + 0.25 * i)
        pop = model.add_neuron_population(name, 2 + i, "LIF", params, {"V": -60.0 - i, "RefracTime": 0.0})
        pop.spike_recording_enabled = True
        pops[name] = pop
    # a postsynaptic model with a variable initialised per group: its array, and its
    # initialisation key, used to be derived from the synapse group's name
    psm = pg.create_postsynaptic_model("Scaled", vars=[("s", "scalar")],
                                       sim_code="injectCurrent(inSyn * s); inSyn = 0.0;")
    syn = {}
    for k, (src, trg) in enumerate([("23E", "a-b"), ("23E", "a_b")]):
        name = f"{src}->{trg}"
        syn[name] = model.add_synapse_population(
            name, "DENSE", pops[src], pops[trg], pg.init_weight_update("StaticPulse", {}, {"g": 0.0}),
            pg.init_postsynaptic(psm, {}, {"s": float(k + 1)}))
    assert list(model.neuron_populations) == ODD_NAMES
    assert list(model.synapse_populations) == ["23E->a-b", "23E->a_b"]
    build_load(model, tmp_path, n_rec=200)
    for name, value, size in (("23E->a-b", 1.0, 3), ("23E->a_b", 2.0, 4)):
        syn[name].psm_vars["s"].pull_from_device()
        assert syn[name].psm_vars["s"].values.tolist() == [value] * size
    for i, name in enumerate(ODD_NAMES):
        pops[name].vars["V"].pull_from_device()
        assert pops[name].vars["V"].values.tolist() == [-60.0 - i] * (2 + i)
    model.run_steps(200)
    model.pull_recording_buffers_from_device()
    for i, name in enumerate(ODD_NAMES):
        times, ids = pops[name].spike_recording_data[0]
        assert set(ids.tolist()) == set(range(2 + i)), name
        # first spike: V reaches threshold from V0 under a constant input (exact LIF solution)
        tau, r = h.LIF_PARAMS["TauM"], h.LIF_PARAMS["TauM"] / h.LIF_PARAMS["C"]
        v_inf = h.LIF_PARAMS["Vrest"] + r * (1.0 + 0.25 * i)
        first = tau * np.log((v_inf - (-60.0 - i)) / (v_inf - h.LIF_PARAMS["Vthresh"]))
        assert abs(times.min() - first) <= 0.1 + 1e-6, (name, times.min(), first)


@pytest.mark.backend_independent
def test_group_names_never_reach_generated_code(make_model):
    """No group, model class, or other user-chosen text appears in generated sources."""
    from pygenn_cl.codegen.generator import generate_model
    from pygenn_cl.describe import describe_model
    model = make_model("no_injection")
    evil = 'E"*/ system("x"); /*'
    nm = pg.create_neuron_model(f"Cls{evil}", vars=[("V", "scalar")], sim_code="V += 1.0;",
                                threshold_condition_code="V > 10.0", reset_code="V = 0.0;")
    a = model.add_neuron_population(evil, 3, nm, {}, {"V": pg.init_var("Uniform", {"min": 0.0, "max": 1.0})})
    b = model.add_neuron_population(evil + "2", 3, "LIF", h.LIF_PARAMS, LIF_VARS)
    model.add_synapse_population(evil + "3", "SPARSE", a, b, pg.init_weight_update("StaticPulse", {}, {"g": 1.0}),
                                 pg.init_postsynaptic("ExpCurr", {"tau": 5.0}),
                                 pg.init_sparse_connectivity("FixedProbability", {"prob": 0.5}))
    model.add_current_source(evil + "4", "DC", b, {"amp": 0.1})
    backend = model._backend
    ir = generate_model(describe_model(model), backend.target)
    sources = backend.generate_source(ir, backend.options())
    text = "\n".join(sources.values())
    for fragment in ("system", "Cls", '"x"', "E\""):
        assert fragment not in text
    assert "system" in "\n".join(str(e) for e in ir.error_slots) + str(ir.user_code)


@pytest.mark.backend_independent
def test_names_spelled_in_code_must_be_identifiers(make_model, tmp_path):
    model = make_model("bad_target")
    a = model.add_neuron_population("a", 3, "LIF", h.LIF_PARAMS, LIF_VARS)
    cs = model.add_current_source("cs", "DC", a, {"amp": 0.1})
    cs.target_var = "Isyn; evil()"
    with pytest.raises(ValueError, match="evil"):
        model.build(str(tmp_path))
    cs.target_var = "Isyn"
    sneaky = pg.create_neuron_model("sneaky", vars=[("V", "scalar")], sim_code="V += 1.0;",
                                    additional_input_vars=[("I; evil()", "scalar", 0.0)])
    with pytest.raises(ValueError, match="evil"):  # (refused when the population is added)
        model.add_neuron_population("b", 2, sneaky, {}, {"V": 0.0})
        model.build(str(tmp_path))
    with pytest.raises(ValueError, match="unknown type"):
        model.add_neuron_population("c", 2, pg.create_neuron_model("t", vars=[("V", "scalar); evil(")]), {},
                                    {"V": 0.0})


@pytest.mark.backend_independent
def test_error_messages_name_non_identifier_groups(make_model, tmp_path):
    model = make_model("msg")
    model.add_neuron_population("23E", 3, "LIF", h.LIF_PARAMS, LIF_VARS)
    with pytest.raises(ValueError, match="'23E' already exists"):
        model.add_neuron_population("23E", 3, "LIF", h.LIF_PARAMS, LIF_VARS)
    with pytest.raises(ValueError, match="non-empty"):
        model.add_neuron_population("", 3, "LIF", h.LIF_PARAMS, LIF_VARS)
    bad = pg.create_neuron_model("Bad", vars=[("V", "scalar")], sim_code="V = nope;")
    model.add_neuron_population("4 I", 3, bad, {}, {"V": 0.0})
    with pytest.raises(pg.CodeError, match="'4 I'"):
        model.build(str(tmp_path))


# -- sim code, threshold and reset share one scope ---------------------------------------------
def test_sim_code_locals_are_visible_in_threshold_and_reset(make_model, tmp_path):
    """Counter neurons: V climbs by 1 a step and the spike test and reset read the sim code's
    locals; starting at 0, 1, 2 with threshold 3, neuron i spikes at steps 2-i, 5-i, 8-i."""
    counter = pg.create_neuron_model(
        "counter", params=["th"], vars=[("V", "scalar"), ("n", "unsigned int")],
        sim_code="const scalar Vnext = V + 1.0;\nscalar reached = Vnext - th;\nV = Vnext;",
        threshold_condition_code="reached >= 0.0",
        reset_code="V = reached; n += 1;")
    model = make_model("sim_locals")
    pop = model.add_neuron_population("p", 3, counter, {"th": 3.0}, {"V": [0.0, 1.0, 2.0], "n": 0})
    pop.spike_recording_enabled = True
    build_load(model, tmp_path, n_rec=10)
    model.run_steps(10)
    model.pull_recording_buffers_from_device()
    times, ids = pop.spike_recording_data[0]
    steps = sorted(zip(np.rint(times / model.dt).astype(int).tolist(), ids.tolist()))
    assert steps == sorted((s, i) for i in range(3) for s in range(2 - i, 10, 3))
    pop.vars["n"].pull_from_device()
    assert pop.vars["n"].values.tolist() == [3, 3, 4]


@pytest.mark.backend_independent
def test_sim_code_locals_in_an_auto_refractory_threshold_are_an_error(make_model, tmp_path):
    m = pg.create_neuron_model("ar", vars=[("V", "scalar")], sim_code="const scalar x = V;",
                               threshold_condition_code="x > 1.0", auto_refractory_required=True)
    model = make_model("auto_refractory_local")
    model.add_neuron_population("p", 2, m, {}, {"V": 0.0})
    with pytest.raises(ValueError, match="auto_refractory"):
        model.build(str(tmp_path))


# -- lifecycle ----------------------------------------------------------------------------------
@pytest.mark.backend_independent
def test_lifecycle_unload_build_folder_and_timers(make_model, tmp_path):
    model = make_model("lifecycle")
    model.add_neuron_population("p", 4, "LIF", dict(h.LIF_PARAMS, Ioffset=1.0), LIF_VARS)
    model.unload()                       # never built: harmless
    path = tmp_path / "does" / "not" / "exist"
    model.build(str(path))
    assert (path / "lifecycle_CODE").is_dir()
    model.unload()                       # built, never loaded: harmless
    model.load()
    model.run_steps(10)
    # without timing_enabled PyGeNN returns a number; so does pygenn_cl
    for attr in ("neuron_update_time", "presynaptic_update_time", "postsynaptic_update_time",
                 "synapse_dynamics_time", "init_time", "init_sparse_time"):
        assert getattr(model, attr) == 0.0, attr
    model.unload()
    model.unload()                       # twice: harmless


@pytest.mark.backend_independent
def test_timers_measure_with_timing_enabled(make_model, tmp_path):
    model = make_model("timing")
    model.timing_enabled = True
    a = model.add_neuron_population("p", 100, "LIF", dict(h.LIF_PARAMS, Ioffset=1.0), LIF_VARS)
    model.add_synapse_population("s", "DENSE", a, a, pg.init_weight_update("StaticPulse", {}, {"g": 0.0}),
                                 pg.init_postsynaptic("DeltaCurr"))
    model.add_custom_update("cu", "Reset", pg.create_custom_update_model(
        "zero", var_refs=[("v", "scalar")], update_code="v = -60.0;"), {}, {}, {"v": pg.create_var_ref(a, "V")})
    build_load(model, tmp_path)
    model.run_steps(200)
    assert model.neuron_update_time > 0.0 and model.init_time >= 0.0
    assert model.get_custom_update_time("Reset") == 0.0
    with pytest.raises(ValueError, match="Reset"):
        model.get_custom_update_time("nope")


# -- introspection -----------------------------------------------------------------------------
@pytest.mark.backend_independent
def test_models_and_groups_offer_pygenn_introspection(make_model):
    lif = pg.neuron_models.LIF()
    assert [v.name for v in lif.get_vars()] == ["V", "RefracTime"]
    assert [p.name for p in lif.get_params()][:2] == ["C", "TauM"]
    assert [d.name for d in lif.get_derived_params()] == ["ExpTC", "Rmembrane"]
    assert lif.get_extra_global_params() == [] and not lif.is_auto_refractory_required()
    assert "Vthresh" in lif.get_threshold_condition_code()
    stdp = pg.weight_update_models.STDP()
    assert [v.access for v in stdp.get_vars()] == [pg.VarAccess.READ_WRITE]
    assert "st_post" in stdp.get_pre_spike_syn_code() and stdp.get_pre_vars() == []
    assert [e.name for e in pg.neuron_models.SpikeSourceArray().get_extra_global_params()] == ["spikeTimes"]
    assert pg.init_var_snippets.Uniform().get_code().startswith("const scalar scale")

    model = make_model("introspect")
    a = model.add_neuron_population("a", 3, "LIF", h.LIF_PARAMS, {"V": pg.init_var("Uniform", {"min": 0, "max": 1}),
                                                                   "RefracTime": 0.0})
    assert a.var_initialisers["V"].get_snippet().class_name == "Uniform"
    assert a.params == h.LIF_PARAMS
    wu = pg.init_weight_update("StaticPulse", {}, {"g": 0.5})
    ps = pg.init_postsynaptic("ExpCurr", {"tau": 5.0})
    conn = pg.init_sparse_connectivity("FixedProbability", {"prob": 0.5})
    sg = model.add_synapse_population("s", "SPARSE", a, a, wu, ps, conn)
    assert sg.wu_initialiser is wu and sg.ps_initialiser is ps and sg.sparse_connectivity_initialiser is conn
    assert sg.wu_initialiser.get_var_initialisers() == {"g": 0.5}
    assert sg.ps_initialiser.get_params() == {"tau": 5.0}
    assert sg.toeplitz_connectivity_initialiser.snippet.class_name == "Uninitialised"
    assert sg.get_wu_var_location("g") == pg.VarLocation.HOST_DEVICE
    sg.set_wu_var_location("g", pg.VarLocation.DEVICE)
    assert sg.get_wu_var_location("g") == pg.VarLocation.DEVICE
    # a custom update over synapses is a CustomUpdateWU, over neurons a CustomUpdate
    scale = pg.create_custom_update_model("scale", var_refs=[("x", "scalar")], update_code="x *= 2.0;")
    cu_wu = model.add_custom_update("wu", "G", scale, {}, {}, {"x": pg.create_wu_var_ref(sg, "g")})
    cu_n = model.add_custom_update("n", "G", scale, {}, {}, {"x": pg.create_var_ref(a, "V")})
    assert isinstance(cu_wu, pg.CustomUpdateWU) and isinstance(cu_wu, pg.CustomUpdateBase)
    assert cu_wu.synapse_group is sg and cu_wu.update_group_name == "G"
    assert type(cu_n) is pg.CustomUpdate and cu_n.var_references["x"].var_name == "V"


# -- weight update pre/post variables, connectivity, references ---------------------------------
def test_unread_pre_and_post_weight_update_variables_exist(make_model, tmp_path):
    """Pre- and postsynaptic weight update variables no code reads are still allocated,
    initialised and readable."""
    wu = pg.create_weight_update_model("unread", vars=[("g", "scalar")], pre_vars=[("a", "scalar")],
                                       post_vars=[("b", "scalar")], pre_spike_syn_code="addToPost(g);")
    model = make_model("unread_pre_post")
    x = model.add_neuron_population("x", 4, "LIF", h.LIF_PARAMS, LIF_VARS)
    y = model.add_neuron_population("y", 3, "LIF", h.LIF_PARAMS, LIF_VARS)
    sg = model.add_synapse_population("s", "DENSE", x, y,
                                      pg.init_weight_update(wu, {}, {"g": 1.0}, {"a": 2.5}, {"b": [1.0, 2.0, 3.0]}),
                                      pg.init_postsynaptic("DeltaCurr"))
    build_load(model, tmp_path)
    sg.pre_vars["a"].pull_from_device()
    sg.post_vars["b"].pull_from_device()
    assert sg.pre_vars["a"].values.tolist() == [2.5] * 4
    assert sg.post_vars["b"].values.tolist() == [1.0, 2.0, 3.0]


def test_set_sparse_connections_replaces_the_connectivity_initialiser(make_model, tmp_path):
    """As in PyGeNN: connections given with set_sparse_connections() are the group's, even
    though it has a connectivity snippet (which would connect one to one)."""
    model = make_model("ssc_init")
    a = model.add_neuron_population("a", 5, "LIF", h.LIF_PARAMS, LIF_VARS)
    b = model.add_neuron_population("b", 6, "LIF", h.LIF_PARAMS, LIF_VARS)
    sg = model.add_synapse_population("s", "SPARSE", a, b, pg.init_weight_update("StaticPulse", {}, {"g": 0.5}),
                                      pg.init_postsynaptic("DeltaCurr"), pg.init_sparse_connectivity("OneToOne"))
    pre, post = np.array([0, 0, 0, 3, 4]), np.array([5, 1, 2, 0, 0])
    sg.set_sparse_connections(pre, post)
    assert sg.max_connections == 3
    build_load(model, tmp_path)
    assert sg.get_sparse_pre_inds().tolist() == pre.tolist()
    assert sg.get_sparse_post_inds().tolist() == post.tolist()


@pytest.mark.backend_independent
def test_out_post_and_spike_time_references(make_model, tmp_path):
    """A custom update reads a synapse group's input buffer and a population's spike times.
    Both neurons of a (V_inf = 130 mV) spike once in the first 13 steps; the next step their
    spikes put 2 groups x 2 neurons x g = 0.25 into the ExpCurr buffer the two (fused) groups
    share, which then decays by exp(-dt / tau) in every neuron update."""
    model = make_model("buffer_refs")
    model.fuse_postsynaptic_models = True
    a = model.add_neuron_population("a", 2, "LIF", dict(h.LIF_PARAMS, Ioffset=10.0), LIF_VARS)
    b = model.add_neuron_population("b", 3, "LIF", dict(h.LIF_PARAMS, Vthresh=1000.0), LIF_VARS)
    groups = [model.add_synapse_population(n, "DENSE", a, b, pg.init_weight_update("StaticPulse", {}, {"g": 0.25}),
                                           pg.init_postsynaptic("ExpCurr", {"tau": 5.0})) for n in ("s1", "s2")]
    copy_buf = pg.create_custom_update_model("copy_buf", vars=[("buf", "scalar")],
                                             var_refs=[("o", "scalar", pg.VarAccessMode.READ_ONLY)],
                                             update_code="buf = o;")
    copy_st = pg.create_custom_update_model("copy_st", vars=[("st", "float")],
                                            var_refs=[("s", "float", pg.VarAccessMode.READ_ONLY)],
                                            update_code="st = s;")
    cu = model.add_custom_update("cu", "G", copy_buf, {}, {"buf": 0.0}, {"o": pg.create_out_post_var_ref(groups[1])})
    cu_st = model.add_custom_update("cu_st", "G", copy_st, {}, {"st": 0.0}, {"s": pg.create_spike_time_var_ref(a)})
    build_load(model, tmp_path)
    model.run_steps(13)
    model.custom_update("G")
    st = cu_st.vars["st"].values
    # V(t) = 130 - 190 exp(-t / 20) reaches -55 at t = 20 ln(190 / 185) = 0.533 ms: in step 5
    # (0.5 - 0.6 ms), so the spike time is 0.6 ms
    assert st.tolist() == pytest.approx([0.6, 0.6])
    decays = 13 - 6   # the neuron updates of steps 6 .. 12
    np.testing.assert_allclose(cu.vars["buf"].values, np.exp(-0.1 / 5.0) ** decays, rtol=1e-5)


# -- running PyGeNN code unchanged ---------------------------------------------------------------
@pytest.mark.backend_independent
def test_compat_maps_pygenn_modules_to_pygenn_cl():
    import importlib
    import pygenn_cl
    from pygenn_cl import compat
    assert "pygenn" not in sys.modules
    compat.install()
    try:
        pygenn = importlib.import_module("pygenn")
        genn_model = importlib.import_module("pygenn.genn_model")
        assert pygenn is pygenn_cl and genn_model is pygenn_cl.genn_model
        from pygenn.neuron_models import LIF  # noqa: F401 - the import itself is the check
        from pygenn.genn_model import backend_modules
        assert "single_threaded_cpu" in backend_modules
        assert list(backend_modules) == pygenn_cl.backends.available_backends()
    finally:
        compat.uninstall()
    assert "pygenn" not in sys.modules and "pygenn.genn_model" not in sys.modules


def _run_pygenn5_microcircuit(tmp_path, backend, *args):
    """examples/pygenn5_microcircuit.py through ``python -m pygenn_cl.compat`` (in this process:
    compat.main is what ``-m`` runs); returns its rates and files."""
    from pygenn_cl import compat
    rates = tmp_path / f"rates_{backend}.json"
    cwd, argv = os.getcwd(), sys.argv
    os.chdir(tmp_path)
    try:
        assert compat.main([str(REPO / "examples" / "pygenn5_microcircuit.py"), "--backend", backend,
                            "--build-dir", str(tmp_path / "build"), "--rates-json", str(rates), *args]) == 0
    finally:
        os.chdir(cwd)
        sys.argv = argv
        compat.uninstall()
    return json.loads(rates.read_text())


POPULATIONS = ["23E", "23I", "4E", "4I", "5E", "5I", "6E", "6I"]


@pytest.mark.parametrize("backend_name", [
    pytest.param("single_threaded_cpu", marks=requires_backends("single_threaded_cpu")),
    pytest.param("opencl", marks=requires_backends("opencl"))])
def test_pygenn5_microcircuit_script_runs_unchanged(tmp_path, backend_name):
    rates = _run_pygenn5_microcircuit(tmp_path, backend_name, "--neuron-scale", "0.01", "--connectivity-scale",
                                      "0.01", "--duration", "300", "--save-data")
    assert list(rates) == POPULATIONS
    assert all(np.isfinite(r) and r >= 0.0 for r in rates.values()) and sum(rates.values()) > 0.0
    # the populations' spikes, saved under their names
    for pop in POPULATIONS:
        data = np.loadtxt(tmp_path / f"{pop}_spikes.csv", delimiter=",", ndmin=2)
        assert data.size == 0 or (data[:, 0].max() < 300.0 and data[:, 1].min() >= 0)


@pytest.mark.slow
@pytest.mark.parametrize("backend_name", [
    pytest.param("single_threaded_cpu", marks=requires_backends("single_threaded_cpu")),
    pytest.param("opencl", marks=requires_backends("opencl"))])
def test_pygenn5_microcircuit_rates_match_pygenn(tmp_path, backend_name):
    """Scale 0.1, 1 s: every population's rate within 20% of PyGeNN 5.4's (tests/data/pd14.json)."""
    rates = _run_pygenn5_microcircuit(tmp_path, backend_name)
    reference = json.loads((DATA / "pd14.json").read_text())["downscaled_rates_measured_hz"]["pygenn_5.4.0"]
    report = ", ".join(f"{p}: {rates[p]:.2f} (ref {reference[p]:.2f})" for p in reference)
    for pop, ref in reference.items():
        assert abs(rates[pop] - ref) <= 0.2 * ref, f"{pop} off by more than 20%: {report}"
