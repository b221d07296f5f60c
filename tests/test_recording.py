"""Spike recording vs spikes known by construction, across 32-bit word boundaries."""
import numpy as np
import pytest
from scipy import stats

import helpers as h
from conftest import build_load
from pygenn_cl_lazy import pg

SIZES = [1, 31, 32, 33, 65]


def _expected(spikes_per_neuron):
    rows = [(s, i) for i, steps in enumerate(spikes_per_neuron) for s in steps]
    return np.array(sorted(rows), dtype=np.int64).reshape(-1, 2)


def test_recording_spike_source_arrays(make_model, tmp_path):
    dt, n_steps = 0.1, 100
    rng = np.random.default_rng(5)
    model = make_model("rec_ssa")
    pops, truth = {}, {}
    for n in SIZES:
        spikes = [sorted(rng.choice(n_steps, size=rng.integers(0, 8), replace=False).tolist()) for _ in range(n)]
        spikes[-1] = [0, n_steps - 1] + [s for s in spikes[-1] if 0 < s < n_steps - 1]  # last neuron, edge steps
        spikes[-1] = sorted(set(spikes[-1]))
        if n > 1:
            spikes[0] = []                                   # a silent neuron
        pop = h.spike_source_array(model, f"ssa{n}", spikes, dt)
        pop.spike_recording_enabled = True
        pops[n], truth[n] = pop, _expected(spikes)
    # every neuron of a 65-neuron population spiking in the same step
    allp = h.spike_source_array(model, "all65", [[50] for _ in range(65)], dt)
    allp.spike_recording_enabled = True
    build_load(model, tmp_path, n_rec=n_steps)
    model.run_steps(n_steps)
    model.pull_recording_buffers_from_device()
    for n in SIZES:
        data = pops[n].spike_recording_data
        assert len(data) == 1
        times, ids = data[0]
        np.testing.assert_allclose(times, np.rint(np.asarray(times) / dt) * dt, atol=1e-6)
        np.testing.assert_array_equal(h.sorted_spikes(times, ids, dt), truth[n], err_msg=f"size {n}")
    times, ids = allp.spike_recording_data[0]
    np.testing.assert_array_equal(np.sort(ids), np.arange(65))
    np.testing.assert_allclose(times, 50 * dt, atol=1e-6)


def _counter_neuron():
    # k counts steps (k == timestep + 1 after the sim code); spikes when timestep % 7 == id % 7
    return pg.create_neuron_model("Periodic", vars=[("k", "unsigned int")], sim_code="k++;",
                                  threshold_condition_code="(k - 1) % 7 == id % 7")


def test_recording_second_block_and_single_step(make_model, tmp_path):
    """Pulling after 2N steps gives the spikes of steps N..2N-1 with their absolute times;
    one-step buffers work."""
    dt, n_rec = 0.1, 20
    model = make_model("rec_periodic")
    pop = model.add_neuron_population("per", 33, _counter_neuron(), {}, {"k": 0})
    pop.spike_recording_enabled = True
    build_load(model, tmp_path, n_rec=n_rec)
    for block in range(3):
        model.run_steps(n_rec)
        model.pull_recording_buffers_from_device()
        times, ids = pop.spike_recording_data[0]
        exp = np.array(sorted((s, i) for s in range(block * n_rec, (block + 1) * n_rec)
                              for i in range(33) if s % 7 == i % 7), dtype=np.int64)
        np.testing.assert_array_equal(h.sorted_spikes(times, ids, dt), exp, err_msg=f"block {block}")


def test_recording_one_timestep(make_model, tmp_path):
    dt = 0.1
    model = make_model("rec_one")
    pop = model.add_neuron_population("per", 65, _counter_neuron(), {}, {"k": 0})
    pop.spike_recording_enabled = True
    build_load(model, tmp_path, n_rec=1)
    for step in range(3):
        model.step_time()
        model.pull_recording_buffers_from_device()
        times, ids = pop.spike_recording_data[0]
        np.testing.assert_array_equal(np.sort(ids), [i for i in range(65) if i % 7 == step % 7])
        np.testing.assert_allclose(times, step * dt, atol=1e-6)


def test_recording_matches_spike_counter(make_model, tmp_path):
    """Random spiking neuron that also counts its own spikes in reset code."""
    dt, n_steps, n, p = 0.1, 500, 70, 0.05
    rnd = pg.create_neuron_model("RandSpike", params=["p"], vars=[("r", "scalar"), ("count", "unsigned int")],
                                 sim_code="r = gennrand_uniform();", threshold_condition_code="r < p",
                                 reset_code="count++;")
    model = make_model("rec_rand")
    model.seed = 99
    pop = model.add_neuron_population("rnd", n, rnd, {"p": p}, {"r": 1.0, "count": 0})
    pop.spike_recording_enabled = True
    build_load(model, tmp_path, n_rec=n_steps)
    model.run_steps(n_steps)
    model.pull_recording_buffers_from_device()
    times, ids = pop.spike_recording_data[0]
    counts = h.pull(pop.vars["count"])
    np.testing.assert_array_equal(np.bincount(np.asarray(ids, dtype=int), minlength=n), counts)
    total = counts.sum()
    lo, hi = stats.binom.ppf([1e-5, 1 - 1e-5], n * n_steps, p)
    assert lo <= total <= hi
    # per-step counts ~ Binomial(n, p)
    per_step = np.bincount(np.rint(np.asarray(times) / dt).astype(int), minlength=n_steps)
    k = np.arange(n + 1)
    assert h.chi2_discrete(per_step, k, stats.binom.pmf(k, n, p)) > 1e-3


def _reference_decode(buffer, num_neurons, timestep, num_rec, dt):
    """Step by step, neuron by neuron: step s is row s % num_rec, neuron i bit i % 32 of word i // 32."""
    words = -(-num_neurons // 32)
    times, ids = [], []
    for step in range(max(0, timestep - num_rec), timestep):
        row = buffer[(step % num_rec) * words:(step % num_rec + 1) * words]
        for i in range(num_neurons):
            if (int(row[i // 32]) >> (i % 32)) & 1:
                times.append(step * dt)
                ids.append(i)
    return np.array(times, dtype=np.float64), np.array(ids, dtype=np.int64)


@pytest.mark.backend_independent
def test_decode_bitfield_matches_reference_decoder():
    """decode_bitfield reads the circular buffer in place: before it fills, exactly full, and
    wrapped at every offset, for sizes around word boundaries; bits past the last neuron (the
    padding of the last word) are not spikes."""
    from pygenn_cl.recording import decode_bitfield
    rng = np.random.default_rng(17)
    dt = 0.25
    decoded = 0
    for num_neurons in (1, 31, 32, 33, 100):
        words = -(-num_neurons // 32)
        for num_rec in (1, 2, 5):
            buffer = rng.integers(0, 2 ** 32, size=num_rec * words, dtype=np.uint64).astype(np.uint32)
            buffer[rng.random(buffer.size) < 0.3] = 0     # some empty words and rows
            for timestep in range(0, 3 * num_rec + 2):
                times, ids = decode_bitfield(buffer, num_neurons, timestep, num_rec, dt)
                ref_times, ref_ids = _reference_decode(buffer, num_neurons, timestep, num_rec, dt)
                where = f"N={num_neurons}, R={num_rec}, timestep={timestep}"
                assert times.dtype == np.float64 and ids.dtype == np.int64, where
                np.testing.assert_array_equal(times, ref_times, err_msg=where)
                np.testing.assert_array_equal(ids, ref_ids, err_msg=where)
                decoded += len(ref_ids)
    assert decoded > 1000
