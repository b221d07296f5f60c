"""The same models on every available (and selected) backend give the same results."""
import numpy as np
import pytest

import helpers as h
from conftest import TEST_BACKENDS_ENV, backend_names, build_load, requires_backends
from pygenn_cl_lazy import pg

BACKENDS = backend_names()
pytestmark = pytest.mark.skipif(len(BACKENDS) < 2, reason=f"needs at least two backends (available and "
                                                           f"selected by {TEST_BACKENDS_ENV}: {BACKENDS})")
needs_opencl_and_c = requires_backends("single_threaded_cpu", "opencl")


def _deterministic_network(backend, path, inspect=None, **preferences):
    """SSA input -> LIF (user sparse weights, ExpCurr) -> LIF (dense, delayed DeltaCurr); no RNG.
    ``inspect(model)`` is called before the model is unloaded."""
    from pygenn_cl import GeNNModel
    dt, n_steps = 0.1, 500
    rng = np.random.default_rng(0)
    model = GeNNModel("double", "xnet", backend=backend, **preferences)
    model.dt = dt
    spikes = [sorted(rng.choice(n_steps, size=20, replace=False).tolist()) for _ in range(40)]
    src = h.spike_source_array(model, "src", spikes, dt)
    a = model.add_neuron_population("a", 50, "LIF", dict(h.LIF_PARAMS, Ioffset=0.5),
                                    {"V": rng.uniform(-70, -56, 50), "RefracTime": 0.0})
    b = model.add_neuron_population("b", 30, "LIF", dict(h.LIF_PARAMS, Ioffset=0.7),
                                    {"V": -65.0, "RefracTime": 0.0})
    mask = rng.random((40, 50)) < 0.3
    pre, post = np.nonzero(mask)
    sg = model.add_synapse_population("in", "SPARSE", src, a,
                                      pg.init_weight_update("StaticPulse", {}, {"g": rng.uniform(0, 3, len(pre))}),
                                      pg.init_postsynaptic("ExpCurr", {"tau": 5.0}))
    sg.set_sparse_connections(pre, post)
    sg2 = model.add_synapse_population("ab", "DENSE", a, b,
                                       pg.init_weight_update("StaticPulse", {}, {"g": rng.uniform(0, 4, 50 * 30)}),
                                       pg.init_postsynaptic("DeltaCurr"))
    sg2.axonal_delay_steps = 2
    a.spike_recording_enabled = True
    b.spike_recording_enabled = True
    build_load(model, path, n_rec=n_steps)
    va, vb = h.run_and_trace(model, n_steps, [a.vars["V"], b.vars["V"]])
    model.pull_recording_buffers_from_device()
    out = (va, vb, h.sorted_spikes(*a.spike_recording_data[0], dt), h.sorted_spikes(*b.spike_recording_data[0], dt))
    if inspect is not None:
        inspect(model)
    model.unload()
    return out


def _assert_same_network_results(got, ref, label):
    """Same spikes of both populations, voltage traces within 1e-6 mV."""
    np.testing.assert_array_equal(got[2], ref[2], err_msg=f"{label}: spikes of a")
    np.testing.assert_array_equal(got[3], ref[3], err_msg=f"{label}: spikes of b")
    np.testing.assert_allclose(got[0], ref[0], atol=1e-6, err_msg=f"{label}: V of a")
    np.testing.assert_allclose(got[1], ref[1], atol=1e-6, err_msg=f"{label}: V of b")


def test_deterministic_network_agrees(tmp_path):
    results = {b: _deterministic_network(b, tmp_path / b) for b in BACKENDS}
    ref_b = BACKENDS[0]
    ref = results[ref_b]
    assert len(ref[2]) > 50 and len(ref[3]) > 10
    for b in BACKENDS[1:]:
        _assert_same_network_results(results[b], ref, f"{b} vs {ref_b}")


@needs_opencl_and_c
@pytest.mark.parametrize("neurons_per_thread", [1, 32])
@pytest.mark.parametrize("block_size", [32, 64])
def test_opencl_neuron_layouts_agree(tmp_path, neurons_per_thread, block_size):
    """Both neuron kernel layouts (a thread per neuron, recording words in local memory; a thread per
    32 neurons, recording words in registers) give the C backend's results, population sizes
    (40, 50, 30) not being multiples of 32 or of the block size."""
    ref = _deterministic_network("single_threaded_cpu", tmp_path / "c")
    got = _deterministic_network("opencl", tmp_path / "cl", neurons_per_thread=neurons_per_thread,
                                 block_size=block_size)
    _assert_same_network_results(got, ref, "opencl vs single_threaded_cpu")


@needs_opencl_and_c
@pytest.mark.parametrize("max_buffer_bytes", [16384, 12288])
def test_opencl_arena_over_several_buffers_agrees(tmp_path, max_buffer_bytes):
    """With one buffer capped below the model's size, the arena is cut into several (the largest
    array, 12,000 bytes, still fits one): the run gives the C backend's results."""
    ref = _deterministic_network("single_threaded_cpu", tmp_path / "c")
    seen = {}

    def inspect(model):
        seen["segments"] = model._runtime.layout.segments
        seen["buffers"] = len(model._runtime.memory.buffers)

    got = _deterministic_network("opencl", tmp_path / "cl", inspect=inspect, max_buffer_bytes=max_buffer_bytes)
    assert 3 <= len(seen["segments"]) == seen["buffers"], seen
    assert all(seg.nbytes <= max_buffer_bytes for seg in seen["segments"]), seen
    _assert_same_network_results(got, ref, "opencl vs single_threaded_cpu")


def _random_model(backend, path):
    from pygenn_cl import GeNNModel
    model = GeNNModel("float", "xrand", backend=backend)
    model.seed = 5
    pop = model.add_neuron_population("pop", 5000, h.recorder_model(), {},
                                      {"Irec": pg.init_var("Normal", {"mean": 1.0, "sd": 2.0})})
    poi = model.add_neuron_population("poi", 500, "Poisson", {"rate": 50.0}, {"timeStepToSpike": 0.0})
    poi.spike_recording_enabled = True
    sg = model.add_synapse_population("syn", "SPARSE", poi, pop,
                                      pg.init_weight_update("StaticPulseConstantWeight", {"g": 1.0}),
                                      pg.init_postsynaptic("DeltaCurr"),
                                      pg.init_sparse_connectivity("FixedProbability", {"prob": 0.02}))
    build_load(model, path, n_rec=2000)
    x = h.pull(pop.vars["Irec"])
    sg.pull_connectivity_from_device()
    n_syn = len(sg.get_sparse_pre_inds())
    model.run_steps(2000)
    model.pull_recording_buffers_from_device()
    n_spk = len(poi.spike_recording_data[0][0])
    model.unload()
    return x, n_syn, n_spk


def test_random_statistics_agree(tmp_path):
    """RNG streams may differ between backends; the statistics must not."""
    from scipy import stats
    res = {b: _random_model(b, tmp_path / b) for b in BACKENDS}
    ref = res[BACKENDS[0]]
    for b in BACKENDS[1:]:
        x, n_syn, n_spk = res[b]
        assert stats.ks_2samp(x, ref[0]).pvalue > 1e-4
        assert abs(n_syn - ref[1]) < 6 * np.sqrt(2 * 500 * 5000 * 0.02)
        assert abs(n_spk - ref[2]) < 6 * np.sqrt(2 * 500 * 50 * 0.2)


def _wide_rows(backend, path, **preferences):
    """SPARSE rows of ~90 synapses: several threads per row when a thread takes 32 row positions."""
    from pygenn_cl import GeNNModel
    dt, n_steps = 0.1, 300
    rng = np.random.default_rng(3)
    model = GeNNModel("double", "xwide", backend=backend, **preferences)
    model.dt = dt
    spikes = [sorted(rng.choice(n_steps, size=15, replace=False).tolist()) for _ in range(20)]
    src = h.spike_source_array(model, "src", spikes, dt)
    post = model.add_neuron_population("post", 300, "LIF", dict(h.LIF_PARAMS, Ioffset=0.5),
                                       {"V": rng.uniform(-70, -56, 300), "RefracTime": 0.0})
    pre_ind, post_ind = np.nonzero(rng.random((20, 300)) < 0.3)
    sg = model.add_synapse_population("in", "SPARSE", src, post,
                                      pg.init_weight_update("StaticPulse", {}, {"g": rng.uniform(0, 2, len(pre_ind))}),
                                      pg.init_postsynaptic("ExpCurr", {"tau": 5.0}))
    sg.set_sparse_connections(pre_ind, post_ind)
    post.spike_recording_enabled = True
    build_load(model, path, n_rec=n_steps)
    (v,) = h.run_and_trace(model, n_steps, [post.vars["V"]])
    model.pull_recording_buffers_from_device()
    out = (v, h.sorted_spikes(*post.spike_recording_data[0], dt))
    model.unload()
    return out


@needs_opencl_and_c
@pytest.mark.parametrize("neurons_per_thread", [1, 32])
def test_opencl_wide_sparse_rows_agree(tmp_path, neurons_per_thread):
    ref = _wide_rows("single_threaded_cpu", tmp_path / "c")
    got = _wide_rows("opencl", tmp_path / "cl", neurons_per_thread=neurons_per_thread)
    assert len(ref[1]) > 100
    np.testing.assert_array_equal(got[1], ref[1])
    np.testing.assert_allclose(got[0], ref[0], atol=1e-9)
