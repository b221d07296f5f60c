"""Built-in neuron models against independent reference integrations."""
import math

import numpy as np
import pytest
from scipy import stats

import helpers as h
from conftest import build_load


@pytest.mark.parametrize("precision", ["float", "double"])
def test_lif_exact_discrete_map(make_model, tmp_path, precision):
    """LIF under constant Ioffset follows the exact exponential map, spike for spike."""
    dt, n_steps = 0.1, 1000
    model = make_model(f"lif_map_{precision}", precision)
    model.dt = dt
    v0 = np.array([-70.0, -65.0, -62.0])
    currents = [0.5, 1.0, 1.5, 3.0]
    pops = []
    for i, cur in enumerate(currents):
        pop = model.add_neuron_population(f"lif{i}", len(v0), "LIF", dict(h.LIF_PARAMS, Ioffset=cur),
                                          {"V": v0, "RefracTime": 0.0})
        pop.spike_recording_enabled = True
        pops.append(pop)
    build_load(model, tmp_path, n_rec=n_steps)
    dtype = np.float32 if precision == "float" else np.float64
    traces = h.run_and_trace(model, n_steps, [p.vars["V"] for p in pops])
    model.pull_recording_buffers_from_device()
    assert model.timestep == n_steps
    assert pops[0].vars["V"].values.dtype == dtype
    for i, (cur, pop, trace) in enumerate(zip(currents, pops, traces)):
        p = dict(h.LIF_PARAMS, Ioffset=cur)
        times, ids = pop.spike_recording_data[0]
        got = h.sorted_spikes(times, ids, dt)
        expected = []
        for j, v in enumerate(v0):
            ref_v, ref_spikes, margin = h.lif_reference(p, v, n_steps, dt, dtype=dtype)
            assert margin > 1e-3, "reference sits on a rounding edge; change the parameters"
            expected += [(s, j) for s in ref_spikes]
            tol = dict(atol=2e-3, rtol=1e-5) if precision == "float" else dict(atol=1e-9, rtol=1e-12)
            np.testing.assert_allclose(trace[:, j], ref_v, err_msg=f"Ioffset={cur} neuron {j}", **tol)
        expected = np.array(sorted(expected, key=lambda x: (x[0], x[1])), dtype=np.int64).reshape(-1, 2)
        np.testing.assert_array_equal(got, expected, err_msg=f"spikes of Ioffset={cur}")
        if cur == 0.5:
            # subthreshold: closed-form relaxation towards Vrest + R*I
            vinf = p["Vrest"] + cur * p["TauM"] / p["C"]
            k = np.arange(1, n_steps + 1)[:, None]
            analytic = vinf + (v0[None, :] - vinf) * np.exp(-k * dt / p["TauM"])
            np.testing.assert_allclose(trace, analytic, atol=2e-3 if precision == "float" else 1e-9)
            assert len(times) == 0
    # neurons with the highest current must fire more than lower ones (sanity of the reference)
    assert len(pops[3].spike_recording_data[0][0]) > len(pops[1].spike_recording_data[0][0]) > 0


def test_lif_isi_matches_analytic(make_model, tmp_path):
    """Steady ISI of a LIF (Vreset == Vrest) vs TauRefrac + TauM ln(RI / (RI - (Vth - Vrest))).

    Refractoriness is counted in whole steps and the threshold crossing is detected at the
    end of a step, so the discrete ISI is in [analytic, analytic + 2 dt)."""
    dt, n_steps = 0.05, 4000
    model = make_model("lif_isi")
    model.dt = dt
    currents = [1.0, 1.5, 3.0, 5.0]
    pops = []
    for i, cur in enumerate(currents):
        p = dict(h.LIF_PARAMS, Ioffset=cur, TauRefrac=2.0)
        pop = model.add_neuron_population(f"p{i}", 1, "LIF", p, {"V": p["Vrest"], "RefracTime": 0.0})
        pop.spike_recording_enabled = True
        pops.append(pop)
    build_load(model, tmp_path, n_rec=n_steps)
    model.run_steps(n_steps)
    model.pull_recording_buffers_from_device()
    for cur, pop in zip(currents, pops):
        p = dict(h.LIF_PARAMS, Ioffset=cur, TauRefrac=2.0)
        times, _ = pop.spike_recording_data[0]
        isi_analytic = h.lif_analytic_isi(p)
        t_first = isi_analytic - p["TauRefrac"]
        assert len(times) >= 3, f"Ioffset={cur}: only {len(times)} spikes"
        # first spike: crossing happens during step k, recorded at k*dt
        assert t_first - dt - 1e-6 <= times[0] <= t_first + 1e-6, (cur, times[0], t_first)
        isis = np.diff(times)
        assert np.all(isis >= isi_analytic - 1e-4), (cur, isis, isi_analytic)
        assert np.all(isis < isi_analytic + 2 * dt + 1e-4), (cur, isis, isi_analytic)
        assert np.ptp(isis) <= dt + 1e-4  # periodic up to one step of jitter


def test_lif_refractory_and_set_values(make_model, tmp_path):
    """V is clamped at Vreset for the refractory period; values pushed after load take effect."""
    dt = 0.1
    model = make_model("lif_refrac")
    p = dict(h.LIF_PARAMS, Ioffset=0.0, Vreset=-75.0, TauRefrac=1.05)
    pop = model.add_neuron_population("p", 4, "LIF", p, {"V": -70.0, "RefracTime": 0.0})
    build_load(model, tmp_path)
    v = pop.vars["V"]
    v.pull_from_device()
    np.testing.assert_allclose(v.values, -70.0)
    # drive neuron 0 above threshold from outside, hold neuron 3 in refractoriness
    v.values = np.array([-50.0, -60.0, -70.0, -60.0])
    v.push_to_device()
    rt = pop.vars["RefracTime"]
    rt.values = np.array([0.0, 0.0, 0.0, 0.55])
    rt.push_to_device()
    trace = h.run_and_trace(model, 30, [v])[0]
    exptc = math.exp(-dt / p["TauM"])
    # neuron 0: integrates once (-50.1 mV), spikes, resets to -75, is refractory for
    # 11 steps (1.05 ms -> 0.05 after 10 decrements, -0.05 after 11), then relaxes to -70
    np.testing.assert_allclose(trace[:12, 0], -75.0, atol=1e-5)
    np.testing.assert_allclose(trace[12:, 0], -70.0 - 5.0 * exptc ** np.arange(1, 19), atol=1e-4)
    # neuron 1: pure decay to Vrest
    np.testing.assert_allclose(trace[:, 1], -70.0 + 10.0 * exptc ** np.arange(1, 31), atol=1e-4)
    np.testing.assert_allclose(trace[:, 2], -70.0, atol=1e-5)
    # neuron 3: held for 6 steps (0.55 ms), then decays
    np.testing.assert_allclose(trace[:6, 3], -60.0, atol=1e-5)
    np.testing.assert_allclose(trace[6:, 3], -70.0 + 10.0 * exptc ** np.arange(1, 25), atol=1e-4)


def test_izhikevich_and_rulkov_double(make_model, tmp_path):
    """Izhikevich (several parameter sets, fixed and variable) and RulkovMap vs numpy, in double."""
    dt, n_steps = 0.1, 2000
    model = make_model("izh", "double")
    model.dt = dt
    sets = {"RS": (0.02, 0.2, -65.0, 8.0), "FS": (0.1, 0.2, -65.0, 2.0), "CH": (0.02, 0.2, -50.0, 2.0)}
    pops = {}
    for name, (a, b, c, d) in sets.items():
        pop = model.add_neuron_population(name, 1, "Izhikevich", {"a": a, "b": b, "c": c, "d": d},
                                          {"V": -65.0, "U": -13.0})
        model.add_current_source(f"dc_{name}", "DC", pop, {"amp": 10.0})
        pop.spike_recording_enabled = True
        pops[name] = pop
    abcd = np.array(list(sets.values()))
    var_pop = model.add_neuron_population("var", 3, "IzhikevichVariable", {},
                                          {"V": -65.0, "U": -13.0, "a": abcd[:, 0], "b": abcd[:, 1],
                                           "c": abcd[:, 2], "d": abcd[:, 3]})
    model.add_current_source("dc_var", "DC", var_pop, {"amp": 10.0})
    var_pop.spike_recording_enabled = True
    rp = dict(h.RULKOV_PARAMS, y=-2.2)
    rulkov = model.add_neuron_population("rulkov", 1, "RulkovMap", rp, {"V": -60.0, "preV": -60.0})
    build_load(model, tmp_path, n_rec=n_steps)
    all_vars = []
    for pop in list(pops.values()) + [var_pop]:
        all_vars += [pop.vars["V"], pop.vars["U"]]
    all_vars.append(rulkov.vars["V"])
    traces = h.run_and_trace(model, n_steps, all_vars)
    model.pull_recording_buffers_from_device()
    for idx, (name, (a, b, c, d)) in enumerate(sets.items()):
        ref_v, ref_u, ref_spk = h.izhikevich_reference(a, b, c, d, -65.0, -13.0, 10.0, n_steps, dt)
        assert len(ref_spk) >= 5
        times, _ = pops[name].spike_recording_data[0]
        np.testing.assert_array_equal(np.rint(times / dt).astype(int), ref_spk, err_msg=name)
        vtimes, vids = var_pop.spike_recording_data[0]
        np.testing.assert_array_equal(np.rint(vtimes[vids == idx] / dt).astype(int), ref_spk,
                                      err_msg=f"IzhikevichVariable {name}")
        # every step, spike steps included: as in PyGeNN the reset happens at the start of the
        # next step, so V reads 30 mV (the clamp) at a spike step
        assert np.all(ref_v[ref_spk] >= 29.99)
        for v_tr, u_tr in ((traces[2 * idx][:, 0], traces[2 * idx + 1][:, 0]),
                           (traces[6][:, idx], traces[7][:, idx])):
            np.testing.assert_allclose(v_tr, ref_v, rtol=1e-9, atol=1e-7, err_msg=name)
            np.testing.assert_allclose(u_tr, ref_u, rtol=1e-9, atol=1e-7, err_msg=name)
    ref_r = h.rulkov_reference(rp, -60.0, -60.0, n_steps)
    assert (ref_r >= rp["Vspike"] * (rp["y"] + rp["alpha"])).sum() > 50
    np.testing.assert_allclose(traces[8][:, 0], ref_r, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("precision", ["double", "float"])
def test_traub_miles(make_model, tmp_path, precision):
    """TraubMiles (25 Euler substeps per step) vs numpy with the same scheme."""
    dt, n_steps, amp = 0.1, 500, 0.2
    model = make_model(f"traub_{precision}", precision)
    model.dt = dt
    pop = model.add_neuron_population("tm", 1, "TraubMiles", h.TRAUB_PARAMS, h.TRAUB_INIT)
    quiet = model.add_neuron_population("tm_quiet", 1, "TraubMiles", h.TRAUB_PARAMS, h.TRAUB_INIT)
    model.add_current_source("dc", "DC", pop, {"amp": amp})
    build_load(model, tmp_path)
    tr, tq = h.run_and_trace(model, n_steps, [pop.vars["V"], quiet.vars["V"]])
    ref = h.traub_miles_reference(h.TRAUB_PARAMS, h.TRAUB_INIT, amp, n_steps, dt)
    ref_q = h.traub_miles_reference(h.TRAUB_PARAMS, h.TRAUB_INIT, 0.0, n_steps, dt)
    ref_first = np.flatnonzero(ref >= 0.0)[0]
    got_first = np.flatnonzero(tr[:, 0] >= 0.0)
    assert len(got_first) > 0, "TraubMiles never reached 0 mV"
    if precision == "double":
        np.testing.assert_allclose(tr[:, 0], ref, atol=1e-6, rtol=1e-8)
        np.testing.assert_allclose(tq[:, 0], ref_q, atol=1e-8, rtol=1e-10)
    else:
        assert abs(got_first[0] - ref_first) <= 1
        np.testing.assert_allclose(tq[:, 0], ref_q, atol=1e-3)
        np.testing.assert_allclose(tr[:ref_first - 5, 0], ref[:ref_first - 5], atol=1e-2)
        # after the spike the two traces must realign to within a few mV
        assert np.sum(tr[:, 0] >= 0.0) == pytest.approx(np.sum(ref >= 0.0), abs=2)


def test_poisson_rate(make_model, tmp_path):
    """Poisson spike counts: total within 5 sigma, Poisson dispersion, mean ISI."""
    dt, n_steps = 0.1, 10000  # 1 s
    model = make_model("poisson")
    model.dt = dt
    model.seed = 1234
    specs = {"p20": (1000, 20.0), "p100": (200, 100.0), "p500": (50, 500.0)}
    pops = {}
    for name, (n, rate) in specs.items():
        pop = model.add_neuron_population(name, n, "Poisson", {"rate": rate}, {"timeStepToSpike": 0.0})
        pop.spike_recording_enabled = True
        pops[name] = pop
    build_load(model, tmp_path, n_rec=n_steps)
    model.run_steps(n_steps)
    assert model.timestep == n_steps
    model.pull_recording_buffers_from_device()
    for name, (n, rate) in specs.items():
        times, ids = pops[name].spike_recording_data[0]
        mean = n * rate * n_steps * dt / 1000.0
        assert abs(len(times) - mean) < 5 * math.sqrt(mean), (name, len(times), mean)
        assert np.all((ids >= 0) & (ids < n))
        assert np.all((times >= 0) & (times < n_steps * dt))
        counts = np.bincount(ids.astype(int), minlength=n)
        # index of dispersion of Poisson counts ~ chi2(n - 1) / (n - 1)
        disp = np.sum((counts - counts.mean()) ** 2) / counts.mean()
        lo, hi = stats.chi2.ppf([1e-4, 1 - 1e-4], n - 1)
        assert lo < disp < hi, (name, disp / (n - 1))
        # no neuron emits two spikes in one step
        pairs = h.sorted_spikes(times, ids, dt)
        assert len(np.unique(pairs, axis=0)) == len(pairs)
        if rate <= 100.0:
            # first spike time and first ISI of each neuron are Exp(1000/rate ms), quantised
            # to dt (later ISIs would be biased by the finite window, so only the first is used)
            first = np.array([np.sort(times[ids == i])[:2] for i in range(n)])
            scale = 1000.0 / rate
            assert stats.kstest(first[:, 0] + dt / 2, "expon", args=(0, scale)).pvalue > 1e-3, name
            first_isi = first[:, 1] - first[:, 0]
            assert stats.kstest(first_isi, "expon", args=(0, scale)).pvalue > 1e-3, name
            assert np.mean(first_isi) == pytest.approx(scale, rel=5 / math.sqrt(n))


def test_time_and_timestep(make_model, tmp_path):
    """t == timestep * dt during a step; step_time/run_steps advance both."""
    from pygenn_cl import create_neuron_model
    clock = create_neuron_model("Clock", vars=[("tr", "scalar"), ("n", "unsigned int")],
                                sim_code="tr = t;\nn++;")
    model = make_model("clock", "double")
    assert model.dt == pytest.approx(0.1)
    model.dt = 0.25
    pop = model.add_neuron_population("c", 2, clock, {}, {"tr": -1.0, "n": 0})
    build_load(model, tmp_path)
    assert model.timestep == 0
    assert model.t == pytest.approx(0.0)
    model.step_time()
    assert model.timestep == 1
    assert model.t == pytest.approx(0.25)
    assert h.pull(pop.vars["tr"]) == pytest.approx([0.0, 0.0])
    model.run_steps(9)
    assert model.timestep == 10
    assert model.t == pytest.approx(2.5)
    np.testing.assert_allclose(h.pull(pop.vars["tr"]), 9 * 0.25)
    np.testing.assert_array_equal(h.pull(pop.vars["n"]), [10, 10])
    assert pop.vars["n"].values.dtype == np.uint32
    model.step_time()
    np.testing.assert_allclose(h.pull(pop.vars["tr"]), 10 * 0.25)
