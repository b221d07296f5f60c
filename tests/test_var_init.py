"""Variable initialisation snippets: distributions (KS / chi-square), for neuron,
DENSE and SPARSE synapse variables; reproducibility with fixed seeds."""
import math

import numpy as np
import pytest
from scipy import stats

import helpers as h
from conftest import build_load
from pygenn_cl_lazy import pg

DT = 0.1
N = 10000
P = 1e-3  # KS/chi-square acceptance level (fixed seeds: deterministic)

DIST = {
    # var: (snippet, params, scipy frozen distribution or None)
    "u": ("Uniform", {"min": -2.0, "max": 3.0}, stats.uniform(-2.0, 5.0)),
    "nrm": ("Normal", {"mean": 1.5, "sd": 0.7}, stats.norm(1.5, 0.7)),
    "ex": ("Exponential", {"lambda": 2.5}, stats.expon(scale=2.5)),
    "gam": ("Gamma", {"a": 2.5, "b": 0.8}, stats.gamma(2.5, scale=0.8)),
    "nc": ("NormalClipped", {"mean": 0.0, "sd": 1.0, "min": -0.5, "max": 1.5},
           stats.truncnorm(-0.5, 1.5, loc=0.0, scale=1.0)),
}


def normal_clipped_delay_pmf(mean, sd, lo, hi, dt):
    """pmf of rint(X) for X ~ Normal(mean/dt, sd/dt) truncated to [lo/dt, hi/dt]."""
    a, b = lo / dt, hi / dt
    tn = stats.truncnorm((a - mean / dt) / (sd / dt), (b - mean / dt) / (sd / dt), loc=mean / dt, scale=sd / dt)
    ks = np.arange(int(math.floor(a)), int(math.ceil(b)) + 1)
    pmf = tn.cdf(np.clip(ks + 0.5, a, b)) - tn.cdf(np.clip(ks - 0.5, a, b))
    return ks, pmf


def _check_continuous(x, name, dist, what):
    x = np.asarray(x, dtype=np.float64)
    assert np.all(np.isfinite(x)), (what, name)
    p = stats.kstest(x, dist.cdf).pvalue
    assert p > P, f"{what}.{name}: KS p = {p:.2e}, mean {x.mean():.4f} vs {dist.mean():.4f}, " \
                  f"sd {x.std():.4f} vs {dist.std():.4f}"


def _check_binomial(x, n, p, what):
    x = np.asarray(x)
    assert np.all(x == np.rint(x)) and x.min() >= 0 and x.max() <= n, what
    assert x.mean() == pytest.approx(n * p, abs=5 * math.sqrt(n * p * (1 - p) / len(x)))
    assert x.var() == pytest.approx(n * p * (1 - p), rel=0.1)
    k = np.arange(n + 1)
    assert h.chi2_discrete(x, k, stats.binom.pmf(k, n, p)) > P, what


def _check_ncd(x, what):
    x = np.asarray(x, dtype=np.float64)
    assert np.all(x == np.rint(x)), what
    assert x.min() >= 10 and x.max() <= 40, what
    ks, pmf = normal_clipped_delay_pmf(2.0, 0.8, 1.0, 4.0, DT)
    assert h.chi2_discrete(x, ks, pmf) > P, what


def _check_independent(x, what):
    """Consecutive elements are uncorrelated (catches per-element RNG streams that coincide)."""
    x = np.asarray(x, dtype=np.float64).ravel()
    r = np.corrcoef(x[:-1], x[1:])[0, 1]
    assert abs(r) < 5 / math.sqrt(len(x)), (what, r)


@pytest.fixture(scope="module")
def initialised(backend, tmp_path_factory):
    from pygenn_cl import create_neuron_model, create_weight_update_model
    model = backend.genn_model("float", "varinit")
    model.dt = DT
    model.seed = 31415
    holder = create_neuron_model("Holder", vars=[(v, "scalar") for v in DIST] +
                                 [("ncd", "scalar"), ("bi", "unsigned int"), ("c", "scalar")])
    nvars = {v: pg.init_var(s, p) for v, (s, p, _) in DIST.items()}
    nvars["ncd"] = pg.init_var("NormalClippedDelay", {"mean": 2.0, "sd": 0.8, "min": 1.0, "max": 4.0})
    nvars["bi"] = pg.init_var("Binomial", {"n": 20, "p": 0.3})
    nvars["c"] = 4.25
    pop = model.add_neuron_population("pop", N, holder, {}, nvars)
    small = model.add_neuron_population("small", 100, h.recorder_model(), {}, {"Irec": 0.0})
    big = model.add_neuron_population("big", 1000, h.recorder_model(), {}, {"Irec": 0.0})
    wu = create_weight_update_model("ThreeVars", vars=[("g", "scalar"), ("w2", "scalar"), ("d", "uint8_t")],
                                    pre_spike_syn_code="addToPostDelay(g + w2, d);")
    dense = model.add_synapse_population(
        "dense", "DENSE", small, small,
        pg.init_weight_update(wu, {}, {"g": pg.init_var("Normal", {"mean": 0.5, "sd": 0.2}),
                                       "w2": pg.init_var("Gamma", {"a": 3.0, "b": 0.5}),
                                       "d": pg.init_var("NormalClippedDelay",
                                                        {"mean": 2.0, "sd": 0.8, "min": 1.0, "max": 4.0})}),
        pg.init_postsynaptic("DeltaCurr"))
    dense.max_dendritic_delay_timesteps = 41
    sparse = model.add_synapse_population(
        "sparse", "SPARSE", small, big,
        pg.init_weight_update(wu, {}, {"g": pg.init_var("Uniform", {"min": -1.0, "max": 1.0}),
                                       "w2": pg.init_var("Exponential", {"lambda": 2.0}),
                                       "d": pg.init_var("Binomial", {"n": 20, "p": 0.3})}),
        pg.init_postsynaptic("DeltaCurr"),
        pg.init_sparse_connectivity("FixedNumberPostWithReplacement", {"num": 100}))
    sparse.max_dendritic_delay_timesteps = 21
    build_load(model, tmp_path_factory.mktemp("varinit"))
    res = {"pop": {}, "dense": {}, "sparse": {}}
    for v in list(DIST) + ["ncd", "bi", "c"]:
        res["pop"][v] = h.pull(pop.vars[v])
    for name, sg in (("dense", dense), ("sparse", sparse)):
        for v in ("g", "w2", "d"):
            res[name][v] = h.pull(sg.vars[v])
    sparse.pull_connectivity_from_device()
    res["sparse_pre"] = np.asarray(sparse.get_sparse_pre_inds())
    yield res
    model.unload()


@pytest.mark.parametrize("var", list(DIST))
def test_neuron_var_distribution(initialised, var):
    x = initialised["pop"][var]
    assert x.shape == (N,)
    _check_continuous(x, var, DIST[var][2], "neuron")
    _check_independent(x, var)


def test_neuron_var_discrete_and_constant(initialised):
    pop = initialised["pop"]
    nc = pop["nc"]
    assert nc.min() >= -0.5 and nc.max() <= 1.5
    _check_ncd(pop["ncd"], "neuron ncd")
    assert pop["bi"].dtype == np.uint32
    _check_binomial(pop["bi"], 20, 0.3, "neuron bi")
    np.testing.assert_array_equal(pop["c"], np.float32(4.25))
    # different variables draw different numbers
    r = np.corrcoef(pop["u"], pop["nrm"])[0, 1]
    assert abs(r) < 5 / math.sqrt(N)


def test_dense_synapse_var_distributions(initialised):
    d = initialised["dense"]
    assert np.size(d["g"]) == 100 * 100
    _check_continuous(np.ravel(d["g"]), "g", stats.norm(0.5, 0.2), "dense")
    _check_continuous(np.ravel(d["w2"]), "w2", stats.gamma(3.0, scale=0.5), "dense")
    _check_ncd(np.ravel(d["d"]), "dense d")
    assert np.asarray(d["d"]).dtype == np.uint8
    g = np.reshape(d["g"], (100, 100))
    _check_independent(g, "dense g rows")
    _check_independent(g.T, "dense g columns")


def test_sparse_synapse_var_distributions(initialised):
    s = initialised["sparse"]
    assert np.size(s["g"]) == 100 * 100 == len(initialised["sparse_pre"])
    _check_continuous(s["g"], "g", stats.uniform(-1.0, 2.0), "sparse")
    _check_continuous(s["w2"], "w2", stats.expon(scale=2.0), "sparse")
    _check_binomial(s["d"], 20, 0.3, "sparse d")
    _check_independent(s["g"], "sparse g")


def _repro_model(backend, tmp_path, seed):
    model = backend.genn_model("float", "repro")
    model.seed = seed
    pop = model.add_neuron_population("pop", 200, h.recorder_model(), {},
                                      {"Irec": pg.init_var("Uniform", {"min": 0.0, "max": 1.0})})
    poi = model.add_neuron_population("poi", 100, "Poisson", {"rate": 200.0}, {"timeStepToSpike": 0.0})
    poi.spike_recording_enabled = True
    sg = model.add_synapse_population("syn", "SPARSE", poi, pop,
                                      pg.init_weight_update("StaticPulse", {},
                                                            {"g": pg.init_var("Normal", {"mean": 0, "sd": 1})}),
                                      pg.init_postsynaptic("DeltaCurr"),
                                      pg.init_sparse_connectivity("FixedProbability", {"prob": 0.1}))
    build_load(model, tmp_path, n_rec=100)
    x = h.pull(pop.vars["Irec"])
    sg.pull_connectivity_from_device()
    conn = (np.asarray(sg.get_sparse_pre_inds()).copy(), np.asarray(sg.get_sparse_post_inds()).copy())
    g = h.pull(sg.vars["g"])
    model.run_steps(100)
    model.pull_recording_buffers_from_device()
    times, ids = poi.spike_recording_data[0]
    spikes = h.sorted_spikes(times, ids, model.dt)
    model.unload()
    return x, conn, g, spikes


def test_reproducible_with_seed(backend, tmp_path):
    a = _repro_model(backend, tmp_path / "a", 1234)
    b = _repro_model(backend, tmp_path / "b", 1234)
    c = _repro_model(backend, tmp_path / "c", 4321)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1][0], b[1][0])
    np.testing.assert_array_equal(a[1][1], b[1][1])
    np.testing.assert_array_equal(a[2], b[2])
    np.testing.assert_array_equal(a[3], b[3])
    assert len(a[3]) > 100
    assert not np.array_equal(a[0], c[0])
    assert not (len(a[1][0]) == len(c[1][0]) and np.array_equal(a[1][1], c[1][1]))
    assert not (a[3].shape == c[3].shape and np.array_equal(a[3], c[3]))
