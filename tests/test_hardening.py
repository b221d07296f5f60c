"""Hardening: no code injection, no silent wrong results, clear messages.

Every string that reaches generated code is either refused where it is given (names, types,
flags) or encoded so that it cannot leave its context (model class names only reach
messages; a printf format is re-escaped).  Inputs that used to give wrong results silently
now raise, naming the group and saying what was expected; run-time failures in generated
code (integer division by zero, dendritic delays beyond the ring, addSynapse targets outside
the population, extra global parameter subscripts with ``debug_code``) raise
``SimulationError`` on every backend.  The cache's own tests are in test_cache_hardening.py.
"""
import math
import os
import warnings

import numpy as np
import pytest

import helpers as h
from conftest import build_load
from pygenn_cl_lazy import pg

LIF_VARS = {"V": -70.0, "RefracTime": 0.0}
MARK = "PWNED"
#: Texts that would leave a C context if pasted into generated code: each carries MARK.
PAYLOADS = [f'X **// system("echo {MARK} >> somefile"); /*', f'a"{MARK}', f"a\n#define {MARK}", f"*/{MARK}/*",
            f"a\\{MARK}", f"{MARK} x", f"{MARK}-1", f"1{MARK}", f"{MARK}é", f"{MARK};"]


def _errors():
    from pygenn_cl.errors import SimulationError
    return SimulationError


def _generated_sources(tmp_path):
    """Text of every generated source file under tmp_path."""
    texts = []
    for folder, _, files in os.walk(tmp_path):
        for name in files:
            if name.endswith((".c", ".cl", ".cu")):
                with open(os.path.join(folder, name), errors="replace") as f:
                    texts.append(f.read())
    return "\n".join(texts)


def _lif(model, name="pop", n=4):
    return model.add_neuron_population(name, n, "LIF", dict(h.LIF_PARAMS), dict(LIF_VARS))


# -- code injection ---------------------------------------------------------------------------
def _name_places(payload):
    """Each place a name is given: a function that gives ``payload`` there (and adds what it
    needs to the model it is given)."""
    nm = pg.create_neuron_model

    def model_name(model, backend):
        return backend.genn_model("float", payload)

    def neuron_population(model, backend):
        model.add_neuron_population(payload, 2, "LIF", dict(h.LIF_PARAMS), dict(LIF_VARS))

    def synapse_population(model, backend):
        a = _lif(model, "a")
        model.add_synapse_population(payload, "DENSE", a, a, pg.init_weight_update("StaticPulse", {}, {"g": 1.0}),
                                     pg.init_postsynaptic("DeltaCurr"))

    def current_source(model, backend):
        model.add_current_source(payload, "DC", _lif(model, "a"), {"amp": 1.0})

    def custom_update(model, backend):
        pop = _lif(model, "a")
        cu = pg.create_custom_update_model("CU", var_refs=[("V", "scalar")], update_code="V = 0.0;")
        model.add_custom_update(payload, "Reset", cu, {}, {}, {"V": pg.create_var_ref(pop, "V")})

    def custom_update_group(model, backend):
        pop = _lif(model, "a")
        cu = pg.create_custom_update_model("CU", var_refs=[("V", "scalar")], update_code="V = 0.0;")
        model.add_custom_update("cu", payload, cu, {}, {}, {"V": pg.create_var_ref(pop, "V")})

    def var(model, backend):
        model.add_neuron_population("p", 2, nm("N", vars=[(payload, "scalar")]), {}, {payload: 0.0})

    def param(model, backend):
        model.add_neuron_population("p", 2, nm("N", params=[payload]), {payload: 1.0}, {})

    def derived_param(model, backend):
        model.add_neuron_population("p", 2, nm("N", derived_params=[(payload, lambda p, dt: 1.0)]), {}, {})

    def egp(model, backend):
        model.add_neuron_population("p", 2, nm("N", extra_global_params=[(payload, "scalar*")]), {}, {})

    def additional_input(model, backend):
        model.add_neuron_population("p", 2, nm("N", additional_input_vars=[(payload, "scalar", 0.0)]), {}, {})

    def var_type(model, backend):
        model.add_neuron_population("p", 2, nm("N", vars=[("x", "scalar" if payload == "okname" else payload)]),
                                    {}, {"x": 0.0})

    def type_object(model, backend):
        from pygenn_cl import types
        fake = types.NumericType("float" if payload == "okname" else payload, np.dtype(np.float32), 5, False, True)
        model.add_neuron_population("p", 2, nm("N", vars=[("x", fake)]), {}, {"x": 0.0})

    def psm_var_ref(model, backend):
        ps = pg.create_postsynaptic_model("PS", neuron_var_refs=[(payload, "scalar")], sim_code="injectCurrent(inSyn);")
        a = _lif(model, "a")
        model.add_synapse_population("s", "DENSE", a, a, pg.init_weight_update("StaticPulse", {}, {"g": 1.0}),
                                     pg.init_postsynaptic(ps, {}, {}, {payload: pg.create_var_ref(a, "V")}))

    def custom_update_egp_ref(model, backend):
        pop = model.add_neuron_population("a", 2, nm("T", vars=[("V", "scalar")], extra_global_params=[("tab", "scalar*")]),
                                          {}, {"V": 0.0})
        pop.extra_global_params["tab"].set_init_values([1.0])
        cu = pg.create_custom_update_model("CU", var_refs=[("V", "scalar")], extra_global_param_refs=[(payload, "scalar*")])
        model.add_custom_update("cu", "G", cu, {}, {}, {"V": pg.create_var_ref(pop, "V")},
                                {payload: pg.create_egp_ref(pop, "tab")})

    def snippet_param(model, backend):
        snippet = pg.create_var_init_snippet("S", params=[payload], var_init_code="value = 1.0;")
        model.add_neuron_population("p", 2, "LIF", dict(h.LIF_PARAMS), {"V": pg.init_var(snippet, {payload: 1.0}),
                                                                         "RefracTime": 0.0})

    def compiler_flags(model, backend):
        name = "build_options" if backend.name == "opencl" else \
            "user_nvcc_flags" if backend.name == "cuda" else "user_cxx_flags_gnu"
        return backend.genn_model("float", "flags", **{name: ["-O2"] + ([] if payload == "okname" else [payload])})

    return [model_name, neuron_population, synapse_population, current_source, custom_update, custom_update_group,
            var, param, derived_param, egp, additional_input, var_type, type_object, psm_var_ref,
            custom_update_egp_ref, snippet_param, compiler_flags]


@pytest.mark.backend_independent
def test_each_place_a_name_is_given_takes_a_valid_one(backend):
    """The control of the next test: each place accepts an ordinary name (so the payloads are
    refused for what they are)."""
    for place in _name_places("okname"):
        model = backend.genn_model("float", "ok")
        place(model, backend)


@pytest.mark.backend_independent
@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_no_name_type_or_flag_can_carry_text_into_generated_code(backend, tmp_path, monkeypatch, payload):
    """Every name, type and compiler flag is refused where it is given when it is not what it
    claims to be; where one is accepted, the model builds and runs, no generated source
    contains it, and nothing it says runs."""
    monkeypatch.chdir(tmp_path)
    for place in _name_places(payload):
        model = backend.genn_model("float", "inj")
        try:
            made = place(model, backend)
        except (ValueError, TypeError) as exc:
            assert str(exc), place.__name__
            continue
        model = made if made is not None else model
        if not model.neuron_populations:
            _lif(model, "x")
        if place.__name__ == "compiler_flags" and "\n" not in payload:
            continue  # a flag without a line break is the user's to give: it never reaches source text
        build_dir = tmp_path / place.__name__
        model.build(path_to_model=str(build_dir))
        model.load()
        model.step_time()
        model.unload()
        assert MARK not in _generated_sources(build_dir), place.__name__
    assert not (tmp_path / "somefile").exists()


def test_class_names_and_printf_strings_stay_out_of_generated_code(make_model, tmp_path, monkeypatch, capfd):
    """Model and snippet class names may be any text (they only reach messages), and a
    printf format is written out with escapes of pygenn_cl's own: the generated source holds
    neither as text, nothing runs, and printf prints the string as given."""
    monkeypatch.chdir(tmp_path)
    payload = PAYLOADS[0]
    text = 'id %u: " ); system("echo ' + MARK + ' >> somefile"); // ??/ \\ */ #x\n'   # what printf gets
    literal = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")        # as GeNNCode writes it
    model = make_model("classes")
    nm = pg.create_neuron_model(payload, vars=[("x", "scalar")],
                                sim_code=f'if (id == 0 && t < 0.05) {{ printf("{literal}", id); }}')
    pop = model.add_neuron_population("pop", 2, nm, {}, {"x": pg.init_var(pg.create_var_init_snippet(
        payload + "v", var_init_code="value = 1.0;"), {})})
    wu = pg.create_weight_update_model(payload + "w", vars=[("g", "scalar")], pre_spike_syn_code="addToPost(g);")
    ps = pg.create_postsynaptic_model(payload + "p", sim_code="injectCurrent(inSyn); inSyn = 0.0;")
    conn = pg.create_sparse_connect_init_snippet(payload + "c", row_build_code="addSynapse(id_pre);",
                                                 calc_max_row_len_func=lambda *a: 1)
    model.add_synapse_population("syn", "SPARSE", pop, pop, pg.init_weight_update(wu, {}, {"g": 1.0}),
                                 pg.init_postsynaptic(ps), pg.init_sparse_connectivity(conn))
    model.add_current_source("cs", pg.create_current_source_model(payload + "s", injection_code="injectCurrent(0.0);"),
                             pop)
    cu = pg.create_custom_update_model(payload + "u", var_refs=[("x", "scalar")], update_code="x = 2.0;")
    model.add_custom_update("cu", "Upd", cu, {}, {}, {"x": pg.create_var_ref(pop, "x")})
    build_load(model, tmp_path)
    capfd.readouterr()
    model.step_time()
    model.custom_update("Upd")
    model.step_time()
    assert np.all(h.pull(pop.vars["x"]) == 2.0)
    import ctypes
    ctypes.CDLL(None).fflush(None)   # the C backend's printf writes through the C library's buffer
    out = capfd.readouterr().out
    assert out.count(text.replace("%u", "0")) == 1, repr(out)
    source = _generated_sources(tmp_path)
    assert MARK in source  # inside the printf string only, escaped:
    assert 'system("' not in source and "somefile\"" not in source and "??/" not in source
    assert not (tmp_path / "somefile").exists()


@pytest.mark.backend_independent
@pytest.mark.parametrize("code, words", [
    ('printf("%s", V);', ["%s"]), ('printf("%n", id);', ["%n"]), ('printf("%p", V);', ["%p"]),
    ('printf("%*d", id, id);', ["unsupported"]), ('printf("%d %d", id);', ["2 conversion", "1 value"]),
    ('printf("%d", V);', ["'%d' needs an integer"]), ('printf("%f", id);', ["needs a floating"]),
    ('printf("\\q");', ["escape"]), ("V = 1.0; # define X", ["unexpected character"]),
    ("V = 1.0; \\\nV = 2.0;", ["unexpected character"]),
])
def test_user_code_that_could_leave_its_context_is_refused(make_model, code, words):
    model = make_model("refused")
    model.add_neuron_population("p", 1, pg.create_neuron_model("N", vars=[("V", "scalar")], sim_code=code),
                                {}, {"V": 0.0})
    with pytest.raises(pg.CodeError) as info:
        model.build()
    for word in words:
        assert word in str(info.value)


@pytest.mark.backend_independent
def test_file_names_from_model_names():
    from pygenn_cl.validation import file_stem
    assert file_stem("model") == "model"
    for name in ("x" * 300, "../../etc/passwd", "a b", "é", ""):
        stem = file_stem(name)
        assert stem.replace("_", "").isalnum() and len(stem) <= 100, stem
    assert file_stem("x" * 300) != file_stem("x" * 301)


@pytest.mark.backend_independent
def test_a_300_character_model_name_builds(backend, tmp_path):
    model = backend.genn_model("float", "m" * 300)
    _lif(model)
    build_load(model, tmp_path)
    model.step_time()
    assert model.timestep == 1


# -- names that hide generated ones ------------------------------------------------------------
@pytest.mark.backend_independent
@pytest.mark.parametrize("factory, kwargs, name", [
    ("create_neuron_model", {"vars": [("t", "scalar")]}, "t"),
    ("create_neuron_model", {"params": ["dt"]}, "dt"),
    ("create_neuron_model", {"vars": [("Isyn", "scalar")]}, "Isyn"),
    ("create_neuron_model", {"extra_global_params": [("id", "scalar*")]}, "id"),
    ("create_weight_update_model", {"vars": [("id_post", "scalar")]}, "id_post"),
    ("create_weight_update_model", {"params": ["addToPost"]}, "addToPost"),
    ("create_postsynaptic_model", {"vars": [("inSyn", "scalar")]}, "inSyn"),
    ("create_current_source_model", {"params": ["injectCurrent"]}, "injectCurrent"),
    ("create_var_init_snippet", {"params": ["value"]}, "value"),
    ("create_sparse_connect_init_snippet", {"params": ["num_post"]}, "num_post"),
    ("create_neuron_model", {"vars": [("gennrand_uniform", "scalar")]}, "gennrand_uniform"),
    ("create_neuron_model", {"vars": [("while", "scalar")]}, "while"),
    ("create_neuron_model", {"params": ["a"], "vars": [("a", "scalar")]}, "a"),
])
def test_names_that_hide_generated_ones_are_refused(make_model, factory, kwargs, name):
    """A variable called t silently shadowed the time; now such names are errors."""
    model = make_model("reserved")
    spec = getattr(pg, factory)("M", **kwargs)
    with pytest.raises(ValueError) as info:
        if factory == "create_neuron_model":
            model.add_neuron_population("p", 2, spec, {p.name: 1.0 for p in spec.params},
                                        {v.name: 0.0 for v in spec.vars})
        elif factory == "create_var_init_snippet":
            model.add_neuron_population("p", 2, "LIF", dict(h.LIF_PARAMS),
                                        {"V": pg.init_var(spec, {"value": 1.0}), "RefracTime": 0.0})
        else:
            a = _lif(model, "a")
            wu, ps, conn = pg.init_weight_update("StaticPulse", {}, {"g": 1.0}), pg.init_postsynaptic("DeltaCurr"), None
            if factory == "create_weight_update_model":
                wu = pg.init_weight_update(spec, {p.name: 1.0 for p in spec.params}, {v.name: 0.0 for v in spec.vars})
            elif factory == "create_postsynaptic_model":
                ps = pg.init_postsynaptic(spec, {}, {v.name: 0.0 for v in spec.vars})
            elif factory == "create_current_source_model":
                model.add_current_source("cs", spec, a, {p.name: 1.0 for p in spec.params})
            else:
                conn = pg.init_sparse_connectivity(spec, {"num_post": 1.0})
            model.add_synapse_population("s", "SPARSE" if conn else "DENSE", a, a, wu, ps, conn)
    assert f"'{name}'" in str(info.value) and "M" in str(info.value)


# -- silent wrong results: numbers --------------------------------------------------------------
@pytest.mark.backend_independent
@pytest.mark.parametrize("param, value", [("TauM", math.nan), ("C", math.inf), ("Vrest", -math.inf)])
def test_non_finite_parameters_are_refused(make_model, param, value):
    model = make_model("nonfinite")
    with pytest.raises(ValueError) as info:
        model.add_neuron_population("pop", 2, "LIF", {**h.LIF_PARAMS, param: value}, dict(LIF_VARS))
    assert f"'{param}'" in str(info.value) and "pop" in str(info.value) and "finite" in str(info.value)


@pytest.mark.backend_independent
def test_non_finite_values_elsewhere_are_refused(make_model):
    model = make_model("nonfinite2")
    for value in (math.inf, math.nan, -1.0, 0.0, True, "0.1"):
        with pytest.raises(ValueError, match="dt must be a positive, finite number"):
            model.dt = value
    with pytest.raises(ValueError, match="'V'.*NaN"):
        model.add_neuron_population("p", 2, "LIF", dict(h.LIF_PARAMS), {"V": math.nan, "RefracTime": 0.0})
    nan_derived = pg.create_neuron_model("D", params=["a"], derived_params=[("b", lambda p, dt: math.nan)])
    with pytest.raises(ValueError, match="derived parameter 'b'.*NaN"):
        model.add_neuron_population("q", 2, nan_derived, {"a": 1.0}, {})


@pytest.mark.backend_independent
def test_integers_must_fit_their_type(backend, tmp_path):
    """2**40 given to an int variable used to come back as garbage after a push and a pull."""
    model = backend.genn_model("float", "ints")
    nm = pg.create_neuron_model("I", vars=[("i", "int"), ("u", "unsigned int"), ("b", "int64_t")],
                                extra_global_params=[("e", "uint8_t*")])
    for value, var in ((2**40, "i"), (-1, "u"), (2.5, "i"), (np.array([1, 2**33]), "u"), (2**64, "b")):
        values = {"i": 0, "u": 0, "b": 0, var: value}
        with pytest.raises(ValueError, match=f"variable '{var}'"):
            model.add_neuron_population("p", 2, nm, {}, values)
    pop = model.add_neuron_population("p", 2, nm, {}, {"i": -2**31, "u": 2**32 - 1, "b": 2**62 + 1})
    with pytest.raises(ValueError, match="extra global parameter 'e'.*256"):
        pop.extra_global_params["e"].set_init_values([1, 256])
    pop.extra_global_params["e"].set_init_values([1, 255])
    build_load(model, tmp_path)
    assert h.pull(pop.vars["i"]).tolist() == [-2**31] * 2 and h.pull(pop.vars["u"]).tolist() == [2**32 - 1] * 2
    assert h.pull(pop.vars["b"]).tolist() == [2**62 + 1] * 2  # (beyond float precision: given as an array)
    with pytest.raises(ValueError, match="variable 'i'.*1099511627776 does not fit in int32_t"):
        pop.vars["i"].values = 2**40
    with pytest.raises(ValueError, match="extra global parameter 'e'"):
        pop.extra_global_params["e"].values = [1, 2, 3]


@pytest.mark.backend_independent
def test_run_steps_and_seeds_take_whole_numbers(backend, tmp_path):
    model = backend.genn_model("float", "steps")
    _lif(model)
    for seed in (-1, "abc", 2**64, 1.5, None):
        with pytest.raises((ValueError, TypeError), match="seed must be an integer from 0"):
            model.seed = seed
    model.seed = 2**64 - 1
    build_load(model, tmp_path)
    for steps, error in ((10.7, ValueError), (-1, ValueError), (True, TypeError), ("5", TypeError),
                         (math.inf, ValueError)):
        with pytest.raises(error, match="num_steps"):
            model.run_steps(steps)
    model.run_steps(10.0)
    model.run_steps(np.int64(5))
    assert model.timestep == 15


@pytest.mark.backend_independent
def test_built_in_models_check_their_parameters(make_model):
    model = make_model("builtin")
    with pytest.raises(ValueError, match="'src'.*'rate' must not be negative"):
        model.add_neuron_population("src", 10, "Poisson", {"rate": -5.0}, {"timeStepToSpike": 0.0})
    a = _lif(model, "a")
    for prob in (1.5, -0.2, math.nan):
        with pytest.raises(ValueError, match="synapse population 's'.*'prob'"):
            model.add_synapse_population("s", "SPARSE", a, a, pg.init_weight_update("StaticPulse", {}, {"g": 1.0}),
                                         pg.init_postsynaptic("DeltaCurr"),
                                         pg.init_sparse_connectivity("FixedProbability", {"prob": prob}))


def test_poisson_rate_zero_never_spikes(make_model, tmp_path):
    """rate = 0 is a valid 'off' (its derived isi is infinite); it failed with a ZeroDivisionError."""
    model = make_model("poisson0")
    off = model.add_neuron_population("off", 64, "Poisson", {"rate": 0.0}, {"timeStepToSpike": 0.0})
    on = model.add_neuron_population("on", 64, "Poisson", {"rate": 500.0}, {"timeStepToSpike": 0.0})
    off.spike_recording_enabled = on.spike_recording_enabled = True
    build_load(model, tmp_path, 200)
    model.run_steps(200)
    model.pull_recording_buffers_from_device()
    assert len(off.spike_recording_data[0][0]) == 0
    # 64 neurons x 20 ms at 500 Hz: 640 expected; far from 0 whatever the draws
    assert 300 < len(on.spike_recording_data[0][0]) < 1000


# -- silent wrong results: run-time checks in generated code -------------------------------------
def test_integer_division_by_zero_raises_naming_the_population(make_model, tmp_path):
    """A zero divisor killed the process on the C backend (SIGFPE) and gave garbage on OpenCL;
    valid divisions give C's results (INT_MIN / -1 wraps to INT_MIN, as on GPUs)."""
    model = make_model("division")
    nm = pg.create_neuron_model("Div", vars=[("a", "int"), ("b", "int"), ("q", "int"), ("r", "int"),
                                            ("uq", "unsigned int")],
                                sim_code="q = a / b;\nr = a % b;\nuq = (unsigned int)a / 3u;\nr %= b;")
    a = np.array([7, -7, -2**31, 5], dtype=np.int32)
    b = np.array([2, 2, -1, 3], dtype=np.int32)
    pop = model.add_neuron_population("divs", 4, nm, {}, {"a": a, "b": b, "q": 0, "r": 0, "uq": 0})
    build_load(model, tmp_path)
    model.run_steps(1)
    assert h.pull(pop.vars["q"]).tolist() == [3, -3, -2**31, 1]
    assert h.pull(pop.vars["r"]).tolist() == [1, -1, 0, 2]
    assert h.pull(pop.vars["uq"]).tolist() == [(int(x) % 2**32) // 3 for x in a]
    pop.vars["b"].values = [2, 2, 0, 3]
    pop.vars["b"].push_to_device()
    with pytest.raises(_errors()) as info:
        model.run_steps(3)
    assert "neuron population 'divs'" in str(info.value) and "division by zero" in str(info.value)
    assert "sim_code" in str(info.value)
    pop.vars["b"].values = [2, 2, 1, 3]   # reported once; the model goes on
    pop.vars["b"].push_to_device()
    model.run_steps(1)
    assert h.pull(pop.vars["q"]).tolist() == [3, -3, -2**31, 1]


@pytest.mark.backend_independent
def test_constant_integer_division_by_zero_and_assignments_in_conditions_are_refused(make_model):
    for code, threshold, words in (("q = 5 / 0;", "", ["integer division by zero", "sim_code"]),
                                   ("q %= (int)0;", "", ["integer division by zero"]),
                                   ("", "q = 1", ["must not assign", "=="]),
                                   ("", "q++ > 1", ["must not change"])):
        model = make_model("consts")
        nm = pg.create_neuron_model("C", vars=[("q", "int")], sim_code=code, threshold_condition_code=threshold)
        model.add_neuron_population("p", 1, nm, {}, {"q": 0})
        with pytest.raises(pg.CodeError) as info:
            model.build()
        for word in words:
            assert word in str(info.value)


def test_dendritic_delay_beyond_the_ring_raises(make_model, tmp_path):
    """A delay of at least max_dendritic_delay_timesteps was delivered a step late; delays
    below it arrive exactly that many steps after a delay of 0."""
    model = make_model("dendritic")
    src = model.add_neuron_population("src", 1, pg.create_neuron_model("Always", threshold_condition_code="t < 0.05"),
                                      {}, {})
    rec = model.add_neuron_population("rec", 2, h.recorder_model(), {}, {"Irec": 0.0})
    wu = pg.create_weight_update_model("DD", vars=[("g", "scalar"), ("d", "uint8_t")],
                                       pre_spike_syn_code="addToPostDelay(g, d);")
    sg = model.add_synapse_population("delayed", "DENSE", src, rec,
                                      pg.init_weight_update(wu, {}, {"g": 1.0, "d": np.array([0, 3], np.uint8)}),
                                      pg.init_postsynaptic("DeltaCurr"))
    sg.max_dendritic_delay_timesteps = 4
    build_load(model, tmp_path)
    (trace,) = h.run_and_trace(model, 8, [rec.vars["Irec"]])
    first = [int(np.flatnonzero(trace[:, j])[0]) for j in range(2)]
    assert first[1] - first[0] == 3 and trace[first[0], 0] == trace[first[1], 1] == 1.0
    assert np.count_nonzero(trace) == 2
    model.unload()
    sg.vars["d"].values = np.array([0, 4], np.uint8)   # (values set before load are written at load)
    model.load()
    with pytest.raises(_errors()) as info:
        model.run_steps(4)
    assert "synapse population 'delayed'" in str(info.value) and "delay of 4 steps" in str(info.value)
    assert "max_dendritic_delay_timesteps" in str(info.value)


def test_add_synapse_outside_the_population_raises_at_load(make_model, tmp_path):
    model = make_model("addsyn")
    a = _lif(model, "a", 5)
    conn = pg.create_sparse_connect_init_snippet("Shifted", row_build_code="addSynapse(id_pre == 2 ? 7u : id_pre);",
                                                 calc_max_row_len_func=lambda *args: 1)
    model.add_synapse_population("shifted", "SPARSE", a, a, pg.init_weight_update("StaticPulse", {}, {"g": 1.0}),
                                 pg.init_postsynaptic("DeltaCurr"), pg.init_sparse_connectivity(conn))
    model.build(path_to_model=str(tmp_path))
    with pytest.raises(_errors()) as info:
        model.load()
    assert "synapse population 'shifted'" in str(info.value) and "addSynapse(7)" in str(info.value)
    assert "5 neurons" in str(info.value)


def test_extra_global_parameter_bounds_are_checked_with_debug_code(make_model, tmp_path):
    """Without debug_code a subscript past an extra global parameter's end is not checked
    (README: the cost of the checks); with it, it is a SimulationError naming the parameter."""
    nm = pg.create_neuron_model("Lookup", vars=[("x", "scalar")], extra_global_params=[("table", "scalar*")],
                                sim_code="x = table[id];")
    model = make_model("bounds", debug_code=True)
    pop = model.add_neuron_population("lookup", 4, nm, {}, {"x": 0.0})
    pop.extra_global_params["table"].set_init_values([1.0, 2.0, 3.0, 4.0])
    build_load(model, tmp_path)
    model.run_steps(1)
    assert h.pull(pop.vars["x"]).tolist() == [1.0, 2.0, 3.0, 4.0]
    model.unload()
    pop.extra_global_params["table"].set_init_values([1.0, 2.0, 3.0])
    model.load()
    with pytest.raises(_errors()) as info:
        model.run_steps(1)
    message = str(info.value)
    assert "'table'" in message and "'lookup'" in message and "indexed at 3" in message and "3 elements" in message


# -- silent wrong results and messages: the model API --------------------------------------------
@pytest.mark.backend_independent
def test_sparse_connectivity_without_initialiser_or_connections_warns(backend, tmp_path):
    model = backend.genn_model("float", "empty")
    a = _lif(model, "a")
    model.add_synapse_population("nothing", "SPARSE", a, a, pg.init_weight_update("StaticPulse", {}, {"g": 1.0}),
                                 pg.init_postsynaptic("DeltaCurr"))
    model.build(path_to_model=str(tmp_path))
    with pytest.warns(UserWarning, match="'nothing'.*no synapses"):
        model.load()


@pytest.mark.backend_independent
def test_recording_data_needs_a_pull_and_settings_need_a_build(backend, tmp_path):
    model = backend.genn_model("float", "recpull")
    pop = model.add_neuron_population("src", 10, "Poisson", {"rate": 1000.0}, {"timeStepToSpike": 0.0})
    other = _lif(model, "other")
    pop.spike_recording_enabled = True
    build_load(model, tmp_path, 20)
    model.run_steps(10)
    with pytest.raises(RuntimeError, match="'src'.*not pulled since load"):
        pop.spike_recording_data
    model.pull_recording_buffers_from_device()
    assert len(pop.spike_recording_data[0][0]) > 0
    model.run_steps(5)
    with pytest.warns(RuntimeWarning, match="5 steps ran since"):
        pop.spike_recording_data
    other.spike_recording_enabled = True     # after build(): it would be ignored
    with pytest.raises(RuntimeError, match="'other' changed after build"):
        model.load(num_recording_timesteps=20)


@pytest.mark.backend_independent
def test_messages_name_the_variable_and_what_was_expected(backend, tmp_path):
    with pytest.raises(ValueError, match="precision must be 'float' or 'double', not 'half'"):
        backend.genn_model("half", "half")
    model = backend.genn_model("float", "messages")
    pop = _lif(model, "pop", 20)
    with pytest.raises(KeyError) as info:
        pop.vars["VV"]
    assert "'pop'" in str(info.value) and "'V'" in str(info.value) and "'RefracTime'" in str(info.value)
    with pytest.raises(ValueError, match="num_neurons must be at most"):
        model.add_neuron_population("huge", 10**12, "LIF", dict(h.LIF_PARAMS), dict(LIF_VARS))
    build_load(model, tmp_path)
    with pytest.raises(ValueError, match="'pop': variable 'V': 7 values given, but it has 20"):
        pop.vars["V"].values = np.zeros(7)
    pop.vars["V"].values = -60.0   # one value for all
    assert np.all(pop.vars["V"].values == -60.0)


@pytest.mark.backend_independent
def test_memory_that_cannot_be_allocated_is_named(backend, tmp_path):
    """A spike queue too long for 32-bit indices is refused at build(), naming its array; a
    recording buffer (indexed with 64 bits) too large to allocate is a MemoryError naming it."""
    model = backend.genn_model("float", "toobig")
    a = _lif(model, "a", 100000)
    sg = model.add_synapse_population("late", "SPARSE", a, a, pg.init_weight_update("StaticPulse", {}, {"g": 1.0}),
                                      pg.init_postsynaptic("DeltaCurr"), pg.init_sparse_connectivity("OneToOne"))
    with pytest.raises(ValueError, match="axonal_delay_steps"):
        sg.axonal_delay_steps = 2**40
    sg.axonal_delay_steps = 2**31 - 2   # 2**31 slots of 100,000 spikes
    with pytest.raises(ValueError, match="'a.spk' has 214,748,364,700,000 elements, more than the 4,294,967,295"):
        model.build(path_to_model=str(tmp_path))
    sg.axonal_delay_steps = 0
    a.spike_recording_enabled = True
    model.build(path_to_model=str(tmp_path))
    with pytest.raises(MemoryError) as info:
        model.load(num_recording_timesteps=2**40)   # 2**40 steps of 3,125 words: 12 PiB
    assert "'a.recordSpk'" in str(info.value) and "PiB" in str(info.value)


@pytest.mark.backend_independent
def test_synapse_groups_too_large_to_index_are_refused(backend, tmp_path):
    """Synapse indices are 32-bit in generated code: 70,000 x 70,000 DENSE synapses would wrap."""
    model = backend.genn_model("float", "wide")
    a = _lif(model, "a", 70000)
    model.add_synapse_population("wide", "DENSE", a, a, pg.init_weight_update("StaticPulse", {}, {"g": 1.0}),
                                 pg.init_postsynaptic("DeltaCurr"))
    with pytest.raises(ValueError, match="'wide': .*= 4,900,000,000 synapse slots, more than the 4,294,967,295"):
        model.build(path_to_model=str(tmp_path))


@pytest.mark.backend_independent
def test_compiler_flags_take_a_list_or_a_string(backend, tmp_path):
    for flags in (["-O1", "-DGENN_TEST_FLAG=1"], "-O1 '-DGENN_TEST_FLAG=1'"):
        model = backend.genn_model("float", "flagged", user_cxx_flags_gnu=flags)
        _lif(model)
        build_load(model, tmp_path)
        model.unload()
    for bad in (["-O1\n"], 3, "'-O1"):
        with pytest.raises((ValueError, TypeError), match="user_cxx_flags_gnu"):
            backend.genn_model("float", "flagged", user_cxx_flags_gnu=bad)


def test_model_changes_after_build_that_load_can_take(make_model, tmp_path):
    """What may change between build() and load() still may: dynamic parameter values,
    variables given arrays, and SPARSE connections from set_sparse_connections."""
    model = make_model("allowed")
    a = _lif(model, "a")
    a.set_param_dynamic("Ioffset")
    sg = model.add_synapse_population("s", "SPARSE", a, a, pg.init_weight_update("StaticPulse", {}, {"g": 1.0}),
                                      pg.init_postsynaptic("DeltaCurr"))
    model.build(path_to_model=str(tmp_path))
    a.vars["V"].values = np.linspace(-70.0, -60.0, 4)
    sg.set_sparse_connections(np.array([0, 1]), np.array([2, 3]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.load()
    a.set_dynamic_param_value("Ioffset", 0.5)
    with pytest.raises(ValueError, match="'a'.*'Ioffset' must be a finite number"):
        a.set_dynamic_param_value("Ioffset", math.nan)
    model.unload()
    model.load()
    assert np.allclose(a.vars["V"].values, np.linspace(-70.0, -60.0, 4))
    assert sg.get_sparse_post_inds().tolist() == [2, 3]
