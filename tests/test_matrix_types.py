"""Matrix types (issue 19): BITMASK, PROCEDURAL, PROCEDURAL_KERNELG, DENSE_PROCEDURALG and
TOEPLITZ, each against another form of the same connectivity or against numpy.

Three models per backend share their synapse groups' names, so that the groups draw the same
random numbers: every group as SPARSE (with DENSE twins), as BITMASK and as PROCEDURAL (with
DENSE_PROCEDURALG twins).  A source population fires neuron ``i`` alone in step ``i``; each
target neuron writes the input it gets in every step into a history (an extra global
parameter), so a group's history is its weight matrix, row ``i`` arriving in step ``i + 1``
(later with dendritic delays).  SPARSE's history is checked against the connectivity and
weights read back from it, and the other forms against SPARSE's.  The PROCEDURAL model also
holds the convolutions (TOEPLITZ Conv2D and AvgPoolConv2D, a user Toeplitz snippet, SPARSE and
PROCEDURAL_KERNELG Conv2D) of one binary image, checked against numpy.
"""
import numpy as np
import pytest
from scipy import stats

import helpers as h
from conftest import build_load
from pygenn_cl_lazy import pg

N_PRE, N_POST, STEPS = 30, 40, 40
DT = 1.0
# name: (snippet, params); rows of FixedNumberPostWithReplacement and ...Total may repeat a target
SNIPPETS = {
    "one": ("OneToOne", {}),
    "prob": ("FixedProbability", {"prob": 0.2}),
    "noaut": ("FixedProbabilityNoAutapse", {"prob": 0.3}),
    "post": ("FixedNumberPostWithReplacement", {"num": 12}),
    "total": ("FixedNumberTotalWithReplacement", {"num": 400}),
}
CONV_PARAMS = {"conv_kh": 3, "conv_kw": 3, "conv_sh": 2, "conv_sw": 1, "conv_padh": 1, "conv_padw": 1,
               "conv_ih": 5, "conv_iw": 6, "conv_ic": 2, "conv_oh": 3, "conv_ow": 6, "conv_oc": 3}
# How each form of a group is propagated: (parallelism hint, threads per spike)
HINTS = {"prob": ("PRESYNAPTIC", 3), "noaut": ("WORD_PACKED_BITMASK", 1), "post": ("PRESYNAPTIC", 4),
         "total": ("POSTSYNAPTIC", 2)}
WEIGHTS = ("Normal", {"mean": 0.5, "sd": 0.25})


def _recorder():
    return pg.create_neuron_model(
        "History", extra_global_params=[("hist", "scalar*")],
        sim_code="const unsigned int step = (unsigned int)rint(t / dt);\n"
                 f"if (step < {STEPS}u) {{ hist[step * num_neurons + id] = Isyn; }}\n")


def _target(model, name, size):
    pop = model.add_neuron_population(name, size, _recorder(), {}, {})
    pop.extra_global_params["hist"].set_init_values(np.zeros(STEPS * size))
    return pop


def _history(pop):
    egp = pop.extra_global_params["hist"]
    egp.pull_from_device()
    return egp.view.reshape(STEPS, -1).copy()


def _add(model, src, name, matrix, wu, conn=None, size=N_POST, hint=None):
    sg = model.add_synapse_population(name, matrix, src, _target(model, f"to_{name}", size), wu,
                                      pg.init_postsynaptic("DeltaCurr"), conn)
    if hint is not None:
        sg.parallelism_hint, sg.num_threads_per_spike = getattr(pg.ParallelismHint, hint[0]), hint[1]
    return sg


def _image():
    rng = np.random.default_rng(3)
    ih, iw, ic = CONV_PARAMS["conv_ih"], CONV_PARAMS["conv_iw"], CONV_PARAMS["conv_ic"]
    return (rng.random((ih, iw, ic)) < 0.5).astype(float), rng.normal(size=(3, 3, ic, CONV_PARAMS["conv_oc"]))


def _convolve(image, kernel, pad, stride, out_shape):
    """Cross-correlation of a (rows, cols, channels) image with a (kh, kw, in, out) kernel."""
    out = np.zeros(out_shape + (kernel.shape[3],))
    for oy in range(out_shape[0]):
        for ox in range(out_shape[1]):
            for kr in range(kernel.shape[0]):
                for kc in range(kernel.shape[1]):
                    iy, ix = oy * stride[0] - pad[0] + kr, ox * stride[1] - pad[1] + kc
                    if 0 <= iy < image.shape[0] and 0 <= ix < image.shape[1]:
                        out[oy, ox] += image[iy, ix] @ kernel[kr, kc]
    return out


def _pool_sums(image, k, s):
    rows, cols = (image.shape[0] - k[0]) // s[0] + 1, (image.shape[1] - k[1]) // s[1] + 1
    return np.array([[image[r * s[0]:r * s[0] + k[0], c * s[1]:c * s[1] + k[1]].sum(axis=(0, 1))
                      for c in range(cols)] for r in range(rows)])


# A user's Toeplitz snippet: a 1D convolution (a kernel of 5 taps centred on the neuron)
SHIFT = dict(diagonal_build_code="for_each_synapse {\n"
                                 "    const int post = (int)id_pre + (int)id_diag - 2;\n"
                                 "    if (post >= 0 && post < (int)num_post) { addSynapse(post, id_diag); }\n"
                                 "}\n",
             calc_max_row_len_func=lambda num_pre, num_post, pars: 5,
             calc_kernel_size_func=lambda pars: [5])
AVGPOOL = [  # (pool_kh, pool_kw, pool_sh, pool_sw): windows that tile, and ones that overlap
    (2, 2, 2, 2), (3, 2, 2, 1)]


def _build(backend, tmp_path_factory, form):
    """The model of one form ("SPARSE", "BITMASK" or "PROCEDURAL"), built, loaded and run."""
    model = backend.genn_model("float", f"matrix_{form.lower()}")
    model.dt, model.seed = DT, 4321
    src = h.spike_source_array(model, "src", [[i] for i in range(N_PRE)], DT)
    ones = pg.init_weight_update("StaticPulseConstantWeight", {"g": 1.0})
    groups = {}
    for name, (snippet, params) in SNIPPETS.items():
        hint = HINTS.get(name) if form != "SPARSE" else None
        if hint and form == "PROCEDURAL" and hint[0] == "WORD_PACKED_BITMASK":
            hint = ("POSTSYNAPTIC", 1)   # (WORD_PACKED_BITMASK is taken as POSTSYNAPTIC: both run)
        groups[name] = _add(model, src, name, form, ones, pg.init_sparse_connectivity(snippet, params), hint=hint)
    if form != "BITMASK":   # per-synapse weights and dendritic delays, drawn from their snippets
        weights = pg.init_weight_update("StaticPulseDendriticDelay", {}, {
            "g": pg.init_var(*WEIGHTS),
            "d": pg.init_var("NormalClippedDelay", {"mean": 2.0, "sd": 1.5, "min": 0.0, "max": 4.0})})
        groups["delayed"] = _add(model, src, "delayed", form, weights,
                                 pg.init_sparse_connectivity("FixedProbability", {"prob": 0.25}),
                                 hint=("PRESYNAPTIC", 2) if form == "PROCEDURAL" else None)
        groups["delayed"].max_dendritic_delay_timesteps = 5
        groups["dense"] = _add(model, src, "dense", "DENSE" if form == "SPARSE" else "DENSE_PROCEDURALG",
                               pg.init_weight_update("StaticPulse", {}, {"g": pg.init_var(*WEIGHTS)}))
    image = kernel = None
    if form == "PROCEDURAL":
        image, kernel = _image()
        img = h.spike_source_array(model, "img", [[0] if v else [] for v in image.reshape(-1)], DT)
        ih, iw, ic, oc = (CONV_PARAMS[k] for k in ("conv_ih", "conv_iw", "conv_ic", "conv_oc"))
        flat = kernel.reshape(-1)
        toeplitz = {"conv_kh": 3, "conv_kw": 3, "conv_ih": ih, "conv_iw": iw, "conv_ic": ic, "conv_oh": ih,
                    "conv_ow": iw, "conv_oc": oc}
        groups["tz"] = _add(model, img, "tz", "TOEPLITZ", pg.init_weight_update("StaticPulse", {}, {"g": flat}),
                            pg.init_toeplitz_connectivity("Conv2D", toeplitz), ih * iw * oc)
        oh, ow = CONV_PARAMS["conv_oh"], CONV_PARAMS["conv_ow"]
        groups["sc"] = _add(model, img, "sc", "SPARSE", pg.init_weight_update("StaticPulse", {}, {"g": pg.init_var("Kernel")}),
                            pg.init_sparse_connectivity("Conv2D", CONV_PARAMS), oh * ow * oc)
        groups["sc"].vars["g"].extra_global_params["kernel"].set_init_values(flat)
        groups["pk"] = _add(model, img, "pk", "PROCEDURAL_KERNELG",
                            pg.init_weight_update("StaticPulse", {}, {"g": pg.init_var("Kernel")}),
                            pg.init_sparse_connectivity("Conv2D", CONV_PARAMS), oh * ow * oc)
        groups["pk"].vars["g"].extra_global_params["kernel"].set_init_values(flat)
        groups["pp"] = _add(model, img, "pp", "PROCEDURAL", pg.init_weight_update("StaticPulse", {}, {"g": pg.init_var("Kernel")}),
                            pg.init_sparse_connectivity("Conv2D", CONV_PARAMS), oh * ow * oc)
        groups["pp"].vars["g"].extra_global_params["kernel"].set_init_values(flat)
        for k, (pkh, pkw, psh, psw) in enumerate(AVGPOOL):
            poh, pow_ = (ih - pkh) // psh + 1, (iw - pkw) // psw + 1
            pool = {"conv_kh": 3, "conv_kw": 3, "pool_kh": pkh, "pool_kw": pkw, "pool_sh": psh, "pool_sw": psw,
                    "pool_ih": ih, "pool_iw": iw, "pool_ic": ic, "conv_oh": poh, "conv_ow": pow_, "conv_oc": oc}
            groups[f"ap{k}"] = _add(model, img, f"ap{k}", "TOEPLITZ", pg.init_weight_update("StaticPulse", {}, {"g": flat}),
                                    pg.init_toeplitz_connectivity("AvgPoolConv2D", pool), poh * pow_ * oc)
        shift = pg.create_toeplitz_connect_init_snippet("Shift", **SHIFT)
        groups["shift"] = _add(model, src, "shift", "TOEPLITZ",
                               pg.init_weight_update("StaticPulse", {}, {"g": np.array([1.0, 10.0, 100.0, 1000.0, 1e4])}),
                               pg.init_toeplitz_connectivity(shift), N_PRE)
    build_load(model, tmp_path_factory.mktemp(f"matrix_{form.lower()}"))
    model.run_steps(STEPS)
    out = {"model": model, "groups": groups, "image": image, "kernel": kernel,
           "hist": {name: _history(sg.trg) for name, sg in groups.items()}}
    if form != "PROCEDURAL":
        out["pre"] = {n: sg.get_sparse_pre_inds() for n, sg in groups.items() if n in SNIPPETS or n == "delayed"}
        out["post"] = {n: sg.get_sparse_post_inds() for n, sg in groups.items() if n in SNIPPETS or n == "delayed"}
    if form == "SPARSE":
        for name in ("delayed", "dense"):
            for var in groups[name].vars.values():
                var.pull_from_device()
        out["g"] = {n: groups[n].vars["g"].values for n in ("delayed", "dense")}
        out["d"] = groups["delayed"].vars["d"].values
    return out


@pytest.fixture(scope="module")
def forms(backend, tmp_path_factory):
    built = {form: _build(backend, tmp_path_factory, form) for form in ("SPARSE", "BITMASK", "PROCEDURAL")}
    yield built
    for b in built.values():
        b["model"].unload()


def _matrix(pre, post, values=1.0):
    m = np.zeros((N_PRE, N_POST))
    np.add.at(m, (pre, post), values)
    return m


@pytest.mark.parametrize("name", list(SNIPPETS))
def test_sparse_history_is_its_connectivity(forms, name):
    """The reference itself: a SPARSE group's inputs are its synapses, counted with repeats."""
    f = forms["SPARSE"]
    counts = _matrix(f["pre"][name], f["post"][name])
    assert counts.sum() > N_PRE / 2
    np.testing.assert_array_equal(f["hist"][name][1:N_PRE + 1], counts)


@pytest.mark.parametrize("name", list(SNIPPETS))
def test_bitmask_has_sparse_synapses(forms, name):
    """BITMASK keeps one bit per connected pair: SPARSE's pairs (a target a row repeats is one
    bit), read back and propagated, with each parallelism hint."""
    sparse, bitmask = forms["SPARSE"], forms["BITMASK"]
    pairs = _matrix(sparse["pre"][name], sparse["post"][name]) > 0
    np.testing.assert_array_equal(_matrix(bitmask["pre"][name], bitmask["post"][name]), pairs)
    np.testing.assert_array_equal(bitmask["hist"][name][1:N_PRE + 1], pairs.astype(float))
    assert bitmask["groups"][name].num_synapses == pairs.sum()


@pytest.mark.parametrize("name", list(SNIPPETS))
def test_procedural_rows_are_sparse_rows(forms, name):
    """A PROCEDURAL row, regenerated at each spike from the connectivity's random stream, is
    SPARSE's row synapse for synapse (repeated targets too), with every threads-per-spike."""
    np.testing.assert_array_equal(forms["PROCEDURAL"]["hist"][name], forms["SPARSE"]["hist"][name])


def test_procedural_weights_and_delays_are_sparse_ones(forms):
    """Weights (Normal) and dendritic delays (NormalClippedDelay) regenerated per synapse equal
    those SPARSE initialisation stored: the same synapses, values and arrival steps."""
    sparse, proc = forms["SPARSE"], forms["PROCEDURAL"]
    pre, post, g, d = sparse["pre"]["delayed"], sparse["post"]["delayed"], sparse["g"]["delayed"], sparse["d"]
    expected = np.zeros((STEPS, N_POST))
    np.add.at(expected, (pre + 1 + d.astype(int), post), g)
    assert d.min() >= 0 and d.max() <= 4 and len(np.unique(d)) > 2
    np.testing.assert_allclose(sparse["hist"]["delayed"], expected, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(proc["hist"]["delayed"], sparse["hist"]["delayed"])


def test_dense_procedural_weights_are_dense_ones_and_normal(forms):
    """DENSE_PROCEDURALG regenerates DENSE's weights; they are Normal(0.5, 0.25) (KS test)."""
    sparse, proc = forms["SPARSE"], forms["PROCEDURAL"]
    weights = sparse["g"]["dense"].reshape(N_PRE, N_POST)
    np.testing.assert_array_equal(sparse["hist"]["dense"][1:N_PRE + 1], weights)
    np.testing.assert_array_equal(proc["hist"]["dense"], sparse["hist"]["dense"])
    drawn = proc["hist"]["dense"][1:N_PRE + 1].reshape(-1)
    assert stats.kstest(drawn, stats.norm(0.5, 0.25).cdf).pvalue > 1e-3
    assert len(np.unique(drawn)) == drawn.size


def test_procedural_weights_pass_a_ks_test(forms):
    """The PROCEDURAL group's weights, as its input shows them, are Normal(0.5, 0.25)."""
    sparse = forms["SPARSE"]
    pre, post = sparse["pre"]["delayed"], sparse["post"]["delayed"]
    hist = forms["PROCEDURAL"]["hist"]["delayed"]
    d = sparse["d"].astype(int)
    drawn = hist[pre + 1 + d, post]   # each (step, target) gets one synapse: a pre fires alone
    assert len(drawn) > 200
    assert stats.kstest(drawn, stats.norm(0.5, 0.25).cdf).pvalue > 1e-3


def test_toeplitz_conv2d_is_numpy_convolution(forms):
    f = forms["PROCEDURAL"]
    ih, iw, oc = CONV_PARAMS["conv_ih"], CONV_PARAMS["conv_iw"], CONV_PARAMS["conv_oc"]
    want = _convolve(f["image"], f["kernel"], (1, 1), (1, 1), (ih, iw))
    np.testing.assert_allclose(f["hist"]["tz"][1].reshape(ih, iw, oc), want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("k", range(len(AVGPOOL)))
def test_toeplitz_avgpool_conv2d_is_numpy_pooling_then_convolution(forms, k):
    f = forms["PROCEDURAL"]
    pkh, pkw, psh, psw = AVGPOOL[k]
    pooled = _pool_sums(f["image"], (pkh, pkw), (psh, psw))
    want = _convolve(pooled, f["kernel"], (1, 1), (1, 1), pooled.shape[:2])
    np.testing.assert_allclose(f["hist"][f"ap{k}"][1].reshape(want.shape), want, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("name", ["sc", "pk", "pp"])
def test_sparse_and_procedural_kernel_conv2d_are_numpy_convolution(forms, name):
    """The same kernel through SPARSE Conv2D (weights init_var("Kernel")), PROCEDURAL_KERNELG
    (weights the kernel itself, indexed by id_kernel) and PROCEDURAL (weights regenerated by
    init_var("Kernel") from the kernel position addSynapse gives), with a stride of 2 rows."""
    f = forms["PROCEDURAL"]
    shape = (CONV_PARAMS["conv_oh"], CONV_PARAMS["conv_ow"])
    want = _convolve(f["image"], f["kernel"], (1, 1), (2, 1), shape)
    np.testing.assert_allclose(f["hist"][name][1].reshape(want.shape), want, rtol=1e-5, atol=1e-5)
    assert f["groups"]["pk"].weight_update_var_size == f["kernel"].size


def test_user_toeplitz_snippet(forms):
    """create_toeplitz_connect_init_snippet: a 5-tap 1D kernel, tap k from neuron i to i + k - 2."""
    hist = forms["PROCEDURAL"]["hist"]["shift"][1:N_PRE + 1]
    want = np.zeros((N_PRE, N_PRE))
    for i in range(N_PRE):
        for k in range(5):
            if 0 <= i + k - 2 < N_PRE:
                want[i, i + k - 2] = 10.0 ** k
    np.testing.assert_array_equal(hist, want)


# -- what each matrix type refuses, when the group is added (or built) -----------------------------
def _pops(model):
    a = model.add_neuron_population("a", 4, "LIF", h.LIF_PARAMS, {"V": -60.0, "RefracTime": 0.0})
    b = model.add_neuron_population("b", 6, "LIF", h.LIF_PARAMS, {"V": -60.0, "RefracTime": 0.0})
    return a, b


STATIC = ("StaticPulse", {}, {"g": 1.0})


@pytest.mark.backend_independent
@pytest.mark.parametrize("matrix, wu, conn, error, words", [
    ("PROCEDURAL", STATIC, ("FixedNumberPreWithReplacement", {"num": 2}), ValueError,
     ["synapse population 's'", "'FixedNumberPreWithReplacement'", "builds columns"]),
    ("BITMASK", ("StaticPulseConstantWeight", {"g": 1.0}, {}), ("FixedNumberPreWithReplacement", {"num": 2}),
     ValueError, ["'FixedNumberPreWithReplacement'", "BITMASK"]),
    ("PROCEDURAL", STATIC, ("Uninitialised", {}), ValueError, ["PROCEDURAL", "row_build_code"]),
    ("BITMASK", STATIC, ("FixedProbability", {"prob": 0.5}), ValueError, ["variable 'g'", "BITMASK", "one bit"]),
    ("PROCEDURAL", ("StaticPulse", {}, {"g": np.ones(24)}), ("FixedProbability", {"prob": 0.5}), ValueError,
     ["variable 'g'", "regenerated", "an array"]),
    ("PROCEDURAL_KERNELG", STATIC, ("FixedProbability", {"prob": 0.5}), ValueError,
     ["PROCEDURAL_KERNELG", "calc_kernel_size_func"]),
    ("PROCEDURAL", ("STDP", {"tauMinus": 20.0, "tauPlus": 20.0, "Aplus": 0.01, "Aminus": 0.01, "Wmin": 0.0,
                             "Wmax": 1.0}, {"g": 0.5}), ("FixedProbability", {"prob": 0.5}), ValueError,
     ["PROCEDURAL", "post_spike_syn_code"]),
    ("TOEPLITZ", STATIC, ("FixedProbability", {"prob": 0.5}), TypeError, ["init_toeplitz_connectivity()"]),
])
def test_unusable_combinations_are_refused_when_the_group_is_added(make_model, matrix, wu, conn, error, words):
    model = make_model("refused")
    a, b = _pops(model)
    with pytest.raises(error) as info:
        model.add_synapse_population("s", matrix, a, b, pg.init_weight_update(*wu), pg.init_postsynaptic("DeltaCurr"),
                                     pg.init_sparse_connectivity(*conn))
    for word in words:
        assert word in str(info.value), (word, str(info.value))


@pytest.mark.backend_independent
def test_sparse_refuses_toeplitz_initialisers_and_toeplitz_needs_a_kernel(make_model):
    model = make_model("refused2")
    a, b = _pops(model)
    conv = {"conv_kh": 1, "conv_kw": 1, "conv_ih": 1, "conv_iw": 4, "conv_ic": 1, "conv_oh": 1, "conv_ow": 4,
            "conv_oc": 1}
    with pytest.raises(TypeError, match="init_sparse_connectivity"):
        model.add_synapse_population("s", "SPARSE", a, a, pg.init_weight_update(*STATIC),
                                     pg.init_postsynaptic("DeltaCurr"), pg.init_toeplitz_connectivity("Conv2D", conv))
    no_kernel = pg.create_toeplitz_connect_init_snippet("NoKernel", diagonal_build_code="for_each_synapse { }",
                                                        calc_max_row_len_func=lambda n, m, p: 1)
    with pytest.raises(ValueError, match="calc_kernel_size_func"):
        model.add_synapse_population("t", "TOEPLITZ", a, a, pg.init_weight_update(*STATIC),
                                     pg.init_postsynaptic("DeltaCurr"), pg.init_toeplitz_connectivity(no_kernel))


@pytest.mark.backend_independent
def test_procedural_weights_are_read_only_and_not_stored(make_model, tmp_path):
    """Weight update code cannot assign a PROCEDURAL weight (it is regenerated at every use);
    reading one, or PROCEDURAL connectivity, from Python says why it cannot; custom updates
    cannot reference them."""
    model = make_model("proc_ro")
    a, b = _pops(model)
    writes = pg.create_weight_update_model("Writes", vars=[("g", "scalar")], pre_spike_syn_code="g *= 0.5; addToPost(g);")
    model.add_synapse_population("w", "PROCEDURAL", a, b, pg.init_weight_update(writes, {}, {"g": 1.0}),
                                 pg.init_postsynaptic("DeltaCurr"),
                                 pg.init_sparse_connectivity("FixedProbability", {"prob": 0.5}))
    with pytest.raises(pg.CodeError, match="'w'.*pre_spike_syn_code"):
        model.build(str(tmp_path))

    model = make_model("proc_stored")
    a, b = _pops(model)
    sg = model.add_synapse_population("p", "PROCEDURAL", a, b, pg.init_weight_update(*STATIC),
                                      pg.init_postsynaptic("DeltaCurr"),
                                      pg.init_sparse_connectivity("FixedProbability", {"prob": 0.5}))
    scale = pg.create_custom_update_model("Scale", var_refs=[("g", "scalar")], update_code="g *= 2.0;")
    with pytest.raises(ValueError, match="PROCEDURAL weights are not stored"):
        model.add_custom_update("cu", "U", scale, {}, {}, {"g": pg.create_wu_var_ref(sg, "g")})
    build_load(model, tmp_path)
    for read in (lambda: sg.vars["g"].values, sg.vars["g"].pull_from_device, sg.vars["g"].push_to_device):
        with pytest.raises(RuntimeError, match="synapse population 'p'.*regenerated"):
            read()
    for read in (sg.get_sparse_pre_inds, sg.pull_connectivity_from_device):
        with pytest.raises(RuntimeError, match="synapse population 'p'.*PROCEDURAL connectivity is regenerated"):
            read()
    assert sg.weight_update_var_size == 0


def test_procedural_rows_longer_than_max_connections_are_reported(make_model, tmp_path):
    """A regenerated row with more synapses than max_connections (which numbers id_syn) is an
    error naming the group and row, found at the step that regenerated it."""
    model = make_model("proc_long")
    src = h.spike_source_array(model, "src", [[], [3]], 0.1)
    b = model.add_neuron_population("b", 8, "LIF", h.LIF_PARAMS, {"V": -60.0, "RefracTime": 0.0})
    sg = model.add_synapse_population("p", "PROCEDURAL", src, b, pg.init_weight_update(*STATIC),
                                      pg.init_postsynaptic("DeltaCurr"),
                                      pg.init_sparse_connectivity("FixedProbability", {"prob": 1.0}))
    sg.max_connections = 5
    build_load(model, tmp_path)
    model.run_steps(3)
    from pygenn_cl.errors import SimulationError
    with pytest.raises(SimulationError, match="synapse population 'p'.*row 1 than max_connections = 5"):
        model.run_steps(2)
