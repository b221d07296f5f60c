"""Pure-Python checks of the built-in models and snippets (no code generation)."""
from __future__ import annotations

import math
import time
import types

import pytest

from pygenn_cl import (current_source_models, init_sparse_connectivity_snippets, init_toeplitz_connectivity_snippets,
                       init_var_snippets)
from pygenn_cl import model_spec as ms
from pygenn_cl import neuron_models, postsynaptic_models, weight_update_models
from pygenn_cl.enums import VarAccess, VarAccessMode
from pygenn_cl.init import resolve_model
from pygenn_cl.stats import binomial_inverse_cdf

S = "scalar"
RW = VarAccess.READ_WRITE
RO = VarAccess.READ_ONLY

# name -> (params [(name, type)], vars [(name, type, access)], derived param names)
NEURONS = {
    "LIF": ([(p, S) for p in ("C", "TauM", "Vrest", "Vreset", "Vthresh", "Ioffset", "TauRefrac")],
            [("V", S, RW), ("RefracTime", S, RW)], ["ExpTC", "Rmembrane"]),
    "Izhikevich": ([(p, S) for p in "abcd"], [("V", S, RW), ("U", S, RW)], []),
    "IzhikevichVariable": ([], [("V", S, RW), ("U", S, RW)] + [(p, S, RO) for p in "abcd"], []),
    "Poisson": ([("rate", S)], [("timeStepToSpike", S, RW)], ["isi"]),
    "SpikeSourceArray": ([], [("startSpike", "unsigned int", RW),
                              ("endSpike", "unsigned int", VarAccess.READ_ONLY_DUPLICATE)], []),
    "RulkovMap": ([(p, S) for p in ("Vspike", "alpha", "y", "beta")],
                  [("V", S, RW), ("preV", S, RW)], ["ip0", "ip1", "ip2"]),
    "TraubMiles": ([(p, S) for p in ("gNa", "ENa", "gK", "EK", "gl", "El", "C")],
                   [(v, S, RW) for v in ("V", "m", "h", "n")], []),
}
POSTSYNAPTIC = {
    "DeltaCurr": ([], [], []),
    "ExpCurr": ([("tau", S)], [], ["expDecay", "init"]),
    "ExpCond": ([("tau", S), ("E", S)], [], ["expDecay"]),
}
WEIGHT_UPDATE = {
    "StaticPulse": ([], [("g", S, RO)], []),
    "StaticPulseConstantWeight": ([("g", S)], [], []),
    "StaticPulseDendriticDelay": ([], [("g", S, RO), ("d", "uint8_t", RO)], []),
    "StaticGraded": ([("Epre", S), ("Vslope", S)], [("g", S, RO)], []),
    "STDP": ([("tauPlus", S), ("tauMinus", S), ("Aplus", S), ("Aminus", S), ("Wmin", S), ("Wmax", S)],
             [("g", S, RW)], []),
}
CURRENT_SOURCE = {
    "DC": ([("amp", S)], [], []),
    "GaussianNoise": ([("mean", S), ("sd", S)], [], []),
    # PyGeNN's three derived parameters, then two of the inversion sampler
    "PoissonExp": ([("weight", S), ("tauSyn", S), ("rate", S)], [("current", S, RW)],
                   ["ExpDecay", "Init", "ExpMinusLambda", "Lambda", "NumTerms"]),
}
VAR_INIT = {
    "Uninitialised": ([], [], []),
    "Constant": ([("constant", S)], [], []),
    "Uniform": ([("min", S), ("max", S)], [], []),
    "Normal": ([("mean", S), ("sd", S)], [], []),
    "NormalClipped": ([(p, S) for p in ("mean", "sd", "min", "max")], [], []),
    "NormalClippedDelay": ([(p, S) for p in ("mean", "sd", "min", "max")], [],
                           ["meanTimestep", "sdTimestep", "minDelay", "maxDelay"]),
    "Exponential": ([("lambda", S)], [], []),
    "Gamma": ([("a", S), ("b", S)], [], []),
    "Binomial": ([("n", "unsigned int"), ("p", S)], [], []),
    "Kernel": ([], [], []),
}
SPARSE = {
    "Uninitialised": ([], [], []),
    "OneToOne": ([], [], []),
    "FixedProbability": ([("prob", S)], [], ["probLogRecip"]),
    "FixedProbabilityNoAutapse": ([("prob", S)], [], ["probLogRecip"]),
    "FixedNumberPostWithReplacement": ([("num", "unsigned int")], [], []),
    "FixedNumberTotalWithReplacement": ([("num", "unsigned int")], [], []),
    "FixedNumberPreWithReplacement": ([("num", "unsigned int")], [], []),
    "Conv2D": ([(p, "int") for p in ("conv_kh", "conv_kw", "conv_sh", "conv_sw", "conv_padh", "conv_padw",
                                    "conv_ih", "conv_iw", "conv_ic", "conv_oh", "conv_ow", "conv_oc")], [], []),
}
TOEPLITZ = {
    "Uninitialised": ([], [], []),
    "Conv2D": ([(p, "int") for p in ("conv_kh", "conv_kw", "conv_ih", "conv_iw", "conv_ic", "conv_oh", "conv_ow",
                                    "conv_oc")], [], ["conv_bw", "conv_bh"]),
    "AvgPoolConv2D": ([(p, "int") for p in ("conv_kh", "conv_kw", "pool_kh", "pool_kw", "pool_sh", "pool_sw",
                                           "pool_ih", "pool_iw", "pool_ic", "conv_oh", "conv_ow", "conv_oc")], [],
                      ["pool_oh", "pool_ow", "conv_bh", "conv_bw"]),
}

FAMILIES = [
    (neuron_models, ms.NeuronModel, "neuron model", NEURONS),
    (postsynaptic_models, ms.PostsynapticModel, "postsynaptic model", POSTSYNAPTIC),
    (weight_update_models, ms.WeightUpdateModel, "weight update model", WEIGHT_UPDATE),
    (current_source_models, ms.CurrentSourceModel, "current source model", CURRENT_SOURCE),
    (init_var_snippets, ms.VarInitSnippet, "variable initialisation snippet", VAR_INIT),
    (init_sparse_connectivity_snippets, ms.SparseConnectInitSnippet,
     "sparse connectivity initialisation snippet", SPARSE),
    (init_toeplitz_connectivity_snippets, ms.ToeplitzConnectInitSnippet,
     "Toeplitz connectivity initialisation snippet", TOEPLITZ),
]
CASES = [(module, cls, family, name, spec)
         for module, cls, family, table in FAMILIES for name, spec in table.items()]


def _resolve(module, cls, family, name):
    return resolve_model(name, module, cls, family)


@pytest.mark.parametrize("module,cls,family,name,spec", CASES,
                         ids=[f"{c[0].__name__.split('.')[-1]}.{c[3]}" for c in CASES])
def test_builtin_resolves_with_documented_interface(module, cls, family, name, spec):
    params, vars_, derived = spec
    model = _resolve(module, cls, family, name)
    assert isinstance(model, cls)
    assert model.class_name == name
    assert [(p.name, p.type) for p in model.params] == params
    assert [d.name for d in model.derived_params] == derived
    if hasattr(model, "vars"):
        assert [(v.name, v.type, v.access) for v in model.vars] == vars_
    else:
        assert vars_ == []
    # No GeNN 4 syntax in built-ins, and every code section is a string.
    for section, code in model.code_sections().items():
        assert "$(" not in code, f"{name}.{section}"
    # Each call builds a fresh object (built-ins are factories).
    assert _resolve(module, cls, family, name) is not model


@pytest.mark.parametrize("module,cls,family,table", [(f[0], f[1], f[2], f[3]) for f in FAMILIES])
def test_no_unexpected_builtins(module, cls, family, table):
    # Every public capitalised name is a built-in factory, and nothing else is.
    public = {n for n in dir(module) if not n.startswith("_") and n[0].isupper()
              and not isinstance(getattr(module, n), type)}
    assert all(isinstance(getattr(module, n), types.FunctionType) for n in public)
    assert public == set(table)


def test_unknown_builtin_lists_known_ones():
    with pytest.raises(ValueError, match="LIF"):
        resolve_model("NoSuchModel", neuron_models, ms.NeuronModel, "neuron model")


def _derived(model, pars, dt):
    return {d.name: d.func(pars, dt) for d in model.derived_params}


def test_lif_derived_and_code():
    model = neuron_models.LIF()
    d = _derived(model, {"C": 0.25, "TauM": 20.0, "Vrest": -65.0, "Vreset": -65.0,
                         "Vthresh": -50.0, "Ioffset": 0.0, "TauRefrac": 2.0}, 0.1)
    assert d["ExpTC"] == pytest.approx(math.exp(-0.005), rel=1e-15)
    assert d["Rmembrane"] == pytest.approx(80.0)
    assert model.threshold_condition_code.strip() == "RefracTime <= 0.0 && V >= Vthresh"
    assert "RefracTime = TauRefrac" in model.reset_code
    assert "Isyn" in model.sim_code


def test_izhikevich_code():
    for model in (neuron_models.Izhikevich(), neuron_models.IzhikevichVariable()):
        assert model.threshold_condition_code.strip() == "V >= 29.99"
        assert model.sim_code.count("0.5 * (0.04 * V * V") == 2
        # as in PyGeNN, the reset happens at the start of the step after a spike, in sim code
        assert "U += d" in model.sim_code and model.sim_code.index("U += d") < model.sim_code.index("0.04")
        assert not model.reset_code


def test_poisson_and_rulkov_derived():
    d = _derived(neuron_models.Poisson(), {"rate": 20.0}, 0.1)
    assert d["isi"] == pytest.approx(500.0)
    d = _derived(neuron_models.RulkovMap(), {"Vspike": 60.0, "alpha": 3.0, "y": -2.468, "beta": 0.0165}, 0.5)
    assert d["ip0"] == pytest.approx(60.0 ** 2 * 3.0)
    assert d["ip1"] == pytest.approx(60.0 * -2.468)
    assert d["ip2"] == pytest.approx(60.0 * -2.468 + 60.0 * 3.0)


def test_spike_source_array_egp():
    model = neuron_models.SpikeSourceArray()
    assert [(e.name, e.type) for e in model.extra_global_params] == [("spikeTimes", "scalar*")]
    assert "spikeTimes[startSpike]" in model.threshold_condition_code


def test_traub_miles_singularity_guards():
    code = neuron_models.TraubMiles().sim_code
    for guard in ("-52.0", "-25.0", "-50.0"):
        assert f"V == {guard}" in code
    assert "25" in code


def test_postsynaptic_derived():
    d = _derived(postsynaptic_models.ExpCurr(), {"tau": 5.0}, 0.1)
    assert d["expDecay"] == pytest.approx(math.exp(-0.02))
    assert d["init"] == pytest.approx(5.0 * (1.0 - math.exp(-0.02)) / 0.1)
    cond = postsynaptic_models.ExpCond()
    assert [(r.name, r.type, r.access) for r in cond.neuron_var_refs] == [("V", S, VarAccessMode.READ_ONLY)]
    assert _derived(cond, {"tau": 5.0, "E": 0.0}, 0.1)["expDecay"] == pytest.approx(math.exp(-0.02))
    assert "inSyn = 0.0" in postsynaptic_models.DeltaCurr().sim_code


def test_weight_update_code():
    assert weight_update_models.StaticPulse().pre_spike_syn_code.strip() == "addToPost(g);"
    assert weight_update_models.StaticPulseConstantWeight().pre_spike_syn_code.strip() == "addToPost(g);"
    assert "addToPostDelay(g, d)" in weight_update_models.StaticPulseDendriticDelay().pre_spike_syn_code
    graded = weight_update_models.StaticGraded()
    assert [(r.name, r.access) for r in graded.pre_neuron_var_refs] == [("V_pre", VarAccessMode.READ_ONLY)]
    assert graded.pre_event_threshold_condition_code.strip() == "V_pre > Epre"
    assert "tanh" in graded.pre_event_syn_code and not graded.pre_spike_syn_code


def test_poisson_exp_derived():
    d = _derived(current_source_models.PoissonExp(), {"weight": 2.0, "tauSyn": 5.0, "rate": 100.0}, 0.1)
    assert d["ExpDecay"] == pytest.approx(math.exp(-0.02))
    assert d["Init"] == pytest.approx(2.0 * (1.0 - math.exp(-0.02)) * 50.0)
    assert d["ExpMinusLambda"] == pytest.approx(math.exp(-0.01))


def test_var_init_derived_and_code():
    d = _derived(init_var_snippets.NormalClippedDelay(), {"mean": 5.0, "sd": 1.0, "min": 1.0, "max": 10.0}, 0.5)
    assert d == pytest.approx({"meanTimestep": 10.0, "sdTimestep": 2.0, "minDelay": 2.0, "maxDelay": 20.0})
    assert "rint(" in init_var_snippets.NormalClippedDelay().var_init_code
    assert "lambda * gennrand_exponential()" in init_var_snippets.Exponential().var_init_code
    assert "b * gennrand_gamma(a)" in init_var_snippets.Gamma().var_init_code
    assert init_var_snippets.Uninitialised().code_sections() == {}


def test_fixed_probability_derived():
    model = init_sparse_connectivity_snippets.FixedProbability()
    assert _derived(model, {"prob": 0.1}, 0.1)["probLogRecip"] == pytest.approx(1.0 / math.log(0.9))
    assert _derived(model, {"prob": 1.0}, 0.1)["probLogRecip"] == 0.0
    assert _derived(model, {"prob": 0.0}, 0.1)["probLogRecip"] < -1e20


def test_sparse_build_code_kinds():
    mod = init_sparse_connectivity_snippets
    for name in ("OneToOne", "FixedProbability", "FixedProbabilityNoAutapse",
                 "FixedNumberPostWithReplacement", "FixedNumberTotalWithReplacement"):
        snippet = getattr(mod, name)()
        assert "addSynapse(" in snippet.row_build_code and not snippet.col_build_code
    pre = mod.FixedNumberPreWithReplacement()
    assert "addSynapse(" in pre.col_build_code and not pre.row_build_code
    total = mod.FixedNumberTotalWithReplacement()
    assert total.row_length_multinomial_param == "num"
    assert "row_length" in total.row_build_code
    assert mod.FixedNumberPostWithReplacement().row_length_multinomial_param is None
    assert "id_pre" in mod.FixedProbabilityNoAutapse().row_build_code


def test_max_lengths():
    mod = init_sparse_connectivity_snippets
    one = mod.OneToOne()
    assert one.calc_max_row_len_func(100, 100, {}) == 1
    assert one.calc_max_col_len_func(100, 100, {}) == 1

    for name in ("FixedProbability", "FixedProbabilityNoAutapse"):
        fp = getattr(mod, name)()
        row = fp.calc_max_row_len_func(1000, 1000, {"prob": 0.1})
        assert 100 < row < 200
        assert fp.calc_max_col_len_func(1000, 1000, {"prob": 0.1}) == row
        assert fp.calc_max_row_len_func(10, 500, {"prob": 1.0}) == 500
        assert fp.calc_max_col_len_func(10, 500, {"prob": 1.0}) == 10
        assert fp.calc_max_row_len_func(10, 500, {"prob": 0.0}) == 0
        # Rows over 10000 targets: larger populations need longer maximum rows.
        assert fp.calc_max_row_len_func(1000, 10000, {"prob": 0.1}) > row

    post = mod.FixedNumberPostWithReplacement()
    assert post.calc_max_row_len_func(1000, 2000, {"num": 50}) == 50
    col = post.calc_max_col_len_func(1000, 2000, {"num": 50})
    assert 25 < col < 60          # mean 25 per column

    pre = mod.FixedNumberPreWithReplacement()
    assert pre.calc_max_col_len_func(2000, 1000, {"num": 50}) == 50
    row = pre.calc_max_row_len_func(2000, 1000, {"num": 50})
    assert 25 < row < 60

    total = mod.FixedNumberTotalWithReplacement()
    r = total.calc_max_row_len_func(1000, 500, {"num": 100000})
    c = total.calc_max_col_len_func(1000, 500, {"num": 100000})
    assert 100 < r < 160          # mean 100 per row
    assert 200 < c < 290          # mean 200 per column


def _ppf_matches(q, n, p):
    from scipy.stats import binom
    ours = binomial_inverse_cdf(q, n, p)
    theirs = int(binom.ppf(q, n, p))
    if ours == theirs:
        return True
    # An exact tie P(X <= k) == q is decided by rounding: allow the neighbour then.
    lo = min(ours, theirs)
    return abs(ours - theirs) == 1 and abs(binom.cdf(lo, n, p) - q) < 1e-9 * max(q, 1e-300)


def test_binomial_inverse_cdf_matches_scipy():
    pytest.importorskip("scipy")
    failures = []
    ns = [1, 2, 3, 7, 10, 64, 100, 1000, 12345, 10 ** 5, 10 ** 6, 10 ** 7, 10 ** 8, 10 ** 9]
    ps = [1e-9, 1e-7, 1e-5, 1e-4, 1e-3, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999]
    qs = [1e-6, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.9999,
          0.9999 ** (1 / 1000), 0.9999 ** (1 / 10 ** 6), 1 - 1e-12]
    for n in ns:
        for p in ps:
            if n * p * (1 - p) > 1e7:
                continue
            for q in qs:
                if not _ppf_matches(q, n, p):
                    failures.append((q, n, p, binomial_inverse_cdf(q, n, p)))
    assert not failures


def test_binomial_inverse_cdf_edges_and_speed():
    assert binomial_inverse_cdf(0.5, 0, 0.3) == 0
    assert binomial_inverse_cdf(0.5, 100, 0.0) == 0
    assert binomial_inverse_cdf(0.5, 100, 1.0) == 100
    assert binomial_inverse_cdf(1.0, 100, 0.3) == 100
    assert binomial_inverse_cdf(0.0, 100, 0.3) == 0
    with pytest.raises(ValueError):
        binomial_inverse_cdf(0.5, 10, 1.5)
    start = time.perf_counter()
    k = binomial_inverse_cdf(0.9999 ** (1 / 10 ** 6), 10 ** 9, 1e-6)
    assert 1150 < k < 1300  # mean 1000, sd ~32, quantile 1 - 1e-10
    binomial_inverse_cdf(0.9999 ** (1 / 10 ** 5), 10 ** 9, 1e-3)  # mean 1e6, sd ~1000
    assert time.perf_counter() - start < 2.0
