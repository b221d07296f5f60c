"""Current sources: DC exactness, GaussianNoise and PoissonExp statistics, custom sources."""
import math

import numpy as np
import pytest
from scipy import stats

import helpers as h
from conftest import build_load
from pygenn_cl_lazy import pg


def test_dc_equals_ioffset_and_sums(make_model, tmp_path):
    """A DC source on a LIF behaves like Ioffset; two sources on one population add up."""
    dt, n_steps = 0.1, 600
    model = make_model("dc", "double")
    p0 = dict(h.LIF_PARAMS, TauRefrac=2.05)
    a = model.add_neuron_population("a", 2, "LIF", p0, {"V": -70.0, "RefracTime": 0.0})
    b = model.add_neuron_population("b", 2, "LIF", p0, {"V": -70.0, "RefracTime": 0.0})
    rec = model.add_neuron_population("rec", 3, h.recorder_model(), {}, {"Irec": 0.0})
    model.add_current_source("dc_a", "DC", a, {"amp": 1.5})
    model.add_current_source("dc_b1", "DC", b, {"amp": 1.0})
    model.add_current_source("dc_b2", "DC", b, {"amp": 2.0})
    model.add_current_source("dc_rec", "DC", rec, {"amp": -0.25})
    a.spike_recording_enabled = True
    b.spike_recording_enabled = True
    build_load(model, tmp_path, n_rec=n_steps)
    ta, tb, tr = h.run_and_trace(model, n_steps, [a.vars["V"], b.vars["V"], rec.vars["Irec"]])
    model.pull_recording_buffers_from_device()
    np.testing.assert_allclose(tr, -0.25)
    for pop, tr_v, cur in ((a, ta, 1.5), (b, tb, 3.0)):
        ref_v, ref_spk, margin = h.lif_reference(dict(p0, Ioffset=cur), -70.0, n_steps, dt)
        assert margin > 1e-3 and len(ref_spk) >= 3
        np.testing.assert_allclose(tr_v[:, 0], ref_v, atol=1e-9)
        np.testing.assert_allclose(tr_v[:, 1], ref_v, atol=1e-9)
        times, ids = pop.spike_recording_data[0]
        np.testing.assert_array_equal(np.sort(np.rint(times[ids == 0] / dt).astype(int)), ref_spk)


@pytest.fixture(scope="module")
def noise_run(backend, tmp_path_factory):
    """One model: GaussianNoise and PoissonExp recorded through Isyn each step."""
    dt = 0.1
    model = backend.genn_model("float", "noise")
    model.dt = dt
    model.seed = 2024
    gauss = model.add_neuron_population("gauss", 1000, h.recorder_model(), {}, {"Irec": 0.0})
    model.add_current_source("gn", "GaussianNoise", gauss, {"mean": 0.5, "sd": 2.0})
    pexp = model.add_neuron_population("pexp", 500, h.recorder_model(), {}, {"Irec": 0.0})
    cs = model.add_current_source("pe", "PoissonExp", pexp,
                                  {"weight": 1.0, "tauSyn": 5.0, "rate": 1000.0}, {"current": 0.0})
    build_load(model, tmp_path_factory.mktemp("noise"))
    g_tr = h.run_and_trace(model, 50, [gauss.vars["Irec"]])[0]
    p_tr, cur = [], []
    for _ in range(3000):
        model.step_time()
        if model.timestep % 10 == 0:   # subsample (the current is autocorrelated anyway)
            p_tr.append(h.pull(pexp.vars["Irec"]))
            cur.append(h.pull(cs.vars["current"]))
    yield dict(dt=dt, gauss=g_tr, pexp=np.array(p_tr), current=np.array(cur))
    model.unload()


def test_gaussian_noise_distribution(noise_run):
    x = noise_run["gauss"]          # (50 steps, 1000 neurons)
    assert stats.kstest(x.ravel(), "norm", args=(0.5, 2.0)).pvalue > 1e-3
    assert x.mean() == pytest.approx(0.5, abs=5 * 2.0 / math.sqrt(x.size))
    assert x.std() == pytest.approx(2.0, rel=5 / np.sqrt(2 * x.size))
    # fresh draw every step and every neuron: no correlation between steps or neighbours
    r_time = np.corrcoef(x[:-1].ravel(), x[1:].ravel())[0, 1]
    r_nb = np.corrcoef(x[:, :-1].ravel(), x[:, 1:].ravel())[0, 1]
    assert abs(r_time) < 5 / math.sqrt(x[1:].size)
    assert abs(r_nb) < 5 / math.sqrt(x[:, 1:].size)


def test_poisson_exp_mean_and_variance(noise_run):
    """Mean of the injected current is weight * rate * tauSyn / 1000; variance Init^2 lam / (1 - D^2)."""
    dt = noise_run["dt"]
    x = noise_run["pexp"][10:]      # drop the first 10 ms (2 tau) of transient
    weight, tau, rate = 1.0, 5.0, 1000.0
    mean_th = weight * rate * tau / 1000.0
    decay = math.exp(-dt / tau)
    init = weight * (1 - decay) * tau / dt
    lam = rate * dt / 1000.0
    var_th = init ** 2 * lam / (1 - decay ** 2)
    assert x.mean() == pytest.approx(mean_th, rel=0.02)
    assert x.var() == pytest.approx(var_th, rel=0.1)
    assert np.all(x >= 0)
    # 'current' is the state after the decay: current = Irec * decay
    np.testing.assert_allclose(noise_run["current"][10:], x * decay, rtol=1e-4, atol=1e-5)


def test_custom_current_source(make_model, tmp_path):
    """A custom current source with a state var and a param: a ramp."""
    ramp = pg.create_current_source_model("Ramp", params=["slope"], vars=[("I", "scalar")],
                                          injection_code="injectCurrent(I);\nI += slope;")
    model = make_model("ramp")
    rec = model.add_neuron_population("rec", 3, h.recorder_model(), {}, {"Irec": 0.0})
    model.add_current_source("r", ramp, rec, {"slope": 0.5}, {"I": np.array([0.0, 1.0, -2.0])})
    build_load(model, tmp_path)
    tr = h.run_and_trace(model, 20, [rec.vars["Irec"]])[0]
    k = np.arange(20)[:, None]
    np.testing.assert_allclose(tr, np.array([0.0, 1.0, -2.0])[None, :] + 0.5 * k, atol=1e-5)


# lambda (expected input spikes per step) of each population; "mixA"/"mixB" merge into one
# group whose NumTerms differ (8 and 24), so the term count is read from the group's struct
POISSON_LAMBDAS = {"zero": 0.0, "micro": 0.17, "one": 1.0, "mixA": 0.05, "mixB": 2.5}


@pytest.fixture(scope="module")
def poisson_counts(backend, tmp_path_factory):
    """Per-step PoissonExp spike counts: with tauSyn = dt / 100 the current decays to zero
    within a step and Init = 1, so the recorded input is the step's count."""
    from pygenn_cl import create_neuron_model
    dt, n, steps = 0.1, 1000, 200
    # a threshold that never fires, so the C backend takes its two-pass (vectorised) update
    counter = create_neuron_model("Counter", vars=[("Irec", "scalar")], sim_code="Irec = Isyn;",
                                  threshold_condition_code="Irec < -1.0")
    model = backend.genn_model("float", "poisson_counts")
    model.dt = dt
    model.seed = 77
    pops = {}
    for name, lam in POISSON_LAMBDAS.items():
        pops[name] = model.add_neuron_population(name, n, counter, {}, {"Irec": 0.0})
        model.add_current_source(f"cs_{name}", "PoissonExp", pops[name],
                                 {"weight": 100.0, "tauSyn": dt / 100.0, "rate": lam / dt * 1000.0},
                                 {"current": 0.0})
    build_load(model, tmp_path_factory.mktemp("poisson_counts"))
    traces = h.run_and_trace(model, steps, [p.vars["Irec"] for p in pops.values()])
    model.unload()
    return dict(zip(pops, traces))


def test_poisson_terms_ladder():
    from pygenn_cl.current_source_models import poisson_terms
    assert [poisson_terms(lam) for lam in (0.0, 0.17, 0.3, 1.0, 1.6, 3.0, 10.0)] == [8, 8, 12, 16, 16, 24, 48]
    for lam in (0.01, 0.5, 2.5, 7.0, 40.0):
        k = poisson_terms(lam)
        assert stats.poisson.sf(k - 1, lam) < 2.0 ** -32      # P(N >= K): lumped into K
    with pytest.raises(ValueError, match="rate must be >= 0"):
        poisson_terms(-0.1)
    with pytest.raises(ValueError, match="more than PoissonExp can sample"):
        poisson_terms(701.0)


@pytest.mark.backend_independent
def test_poisson_exp_bad_rate_names_the_source(make_model):
    model = make_model("bad_rate")
    pop = model.add_neuron_population("pop", 1, "LIF", h.LIF_PARAMS, {"V": -60.0, "RefracTime": 0.0})
    with pytest.raises(ValueError, match=r"bg.*rate must be >= 0"):
        model.add_current_source("bg", "PoissonExp", pop, {"weight": 1.0, "tauSyn": 5.0, "rate": -5.0},
                                 {"current": 0.0})


@pytest.mark.parametrize("name", list(POISSON_LAMBDAS))
def test_poisson_exp_counts_are_poisson(poisson_counts, name):
    """The counts are integers with the Poisson(lambda) distribution (chi-squared, fixed seed)."""
    lam = POISSON_LAMBDAS[name]
    x = poisson_counts[name].ravel()
    counts = np.rint(x)
    np.testing.assert_allclose(x, counts, atol=1e-4)
    if lam == 0.0:
        assert not counts.any()
        return
    top = int(stats.poisson.ppf(1.0 - 1e-4, lam))         # bins 0 .. top - 1 and a tail bin
    observed = np.array([np.sum(counts == k) for k in range(top)] + [np.sum(counts >= top)])
    expected = np.append(stats.poisson.pmf(np.arange(top), lam), stats.poisson.sf(top - 1, lam)) * x.size
    assert stats.chisquare(observed, expected).pvalue > 1e-3
    assert counts.mean() == pytest.approx(lam, abs=5 * math.sqrt(lam / x.size))
