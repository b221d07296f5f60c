"""The OpenCL backend: parallel strategies, random streams, recording, device
selection, bad input, per-step state and timers, checked against the C backend
(single_threaded_cpu), whose results count as independent here."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import helpers as h
from conftest import build_load, missing_backends

if missing_backends("opencl", "single_threaded_cpu"):
    pytest.skip(missing_backends("opencl", "single_threaded_cpu"), allow_module_level=True)

import pygenn_cl as pg  # noqa: E402
from pygenn_cl import GeNNModel, ParallelismHint  # noqa: E402
from pygenn_cl.backends import opencl as ocl  # noqa: E402

BACKENDS = ("single_threaded_cpu", "opencl")


# ---------------------------------------------------------------------------------------------------
# 1. parallel strategies
# ---------------------------------------------------------------------------------------------------
STRATEGIES = [("SPARSE", ParallelismHint.POSTSYNAPTIC, 1), ("SPARSE", ParallelismHint.PRESYNAPTIC, 1),
              ("SPARSE", ParallelismHint.PRESYNAPTIC, 4), ("DENSE", ParallelismHint.POSTSYNAPTIC, 1),
              ("DENSE", ParallelismHint.PRESYNAPTIC, 1), ("DENSE", ParallelismHint.PRESYNAPTIC, 4)]
N_SRC, N_SRC2, N_A, N_B, N_C = 200, 70, 150, 90, 120
STRAT_STEPS, STRAT_SAMPLE = 150, 10


def _tag(matrix, hint, tps):
    return f"{matrix[0].lower()}_{hint.name[:4].lower()}{tps}"


def _strategy_inputs():
    """Source spike trains, masks, weights (exact binary fractions), delays, initial V."""
    rng = np.random.default_rng(42)
    spikes = [sorted(rng.choice(STRAT_STEPS - 5, size=rng.integers(2, 10), replace=False).tolist())
              for _ in range(N_SRC)]
    spikes2 = [sorted(rng.choice(STRAT_STEPS - 5, size=rng.integers(2, 10), replace=False).tolist())
               for _ in range(N_SRC2)]
    conn = {}
    for key, n_pre, n_post, p, scale in (("A", N_SRC, N_A, 0.1, 64.0), ("B", N_SRC2, N_B, 0.2, 64.0),
                                        ("C", N_SRC, N_C, 0.1, 16.0)):
        mask = rng.random((n_pre, n_post)) < p
        w = rng.integers(1, 17, size=(n_pre, n_post)) / scale      # k/2^m: exact in float and double
        d = rng.integers(0, 6, size=(n_pre, n_post)).astype(np.uint8)
        conn[key] = (mask, w, d)
    v0 = {key: rng.uniform(-70.0, -57.0, n) for key, n in (("A", N_A), ("B", N_B), ("C", N_C))}
    return spikes, spikes2, conn, v0


def _add_projection(model, name, matrix, src, trg, mask, w, d, wu):
    if matrix == "DENSE":
        vals = {"g": (w * mask).ravel()}
        if wu == "StaticPulseDendriticDelay":
            vals["d"] = d.ravel()
        sg = model.add_synapse_population(name, "DENSE", src, trg, pg.init_weight_update(wu, {}, vals),
                                          pg.init_postsynaptic("ExpCurr", {"tau": 5.0}) if wu == "StaticPulse"
                                          else pg.init_postsynaptic("DeltaCurr"))
    else:
        pre, post = np.nonzero(mask)
        vals = {"g": w[pre, post]}
        if wu == "StaticPulseDendriticDelay":
            vals["d"] = d[pre, post]
        sg = model.add_synapse_population(name, "SPARSE", src, trg, pg.init_weight_update(wu, {}, vals),
                                          pg.init_postsynaptic("ExpCurr", {"tau": 5.0}) if wu == "StaticPulse"
                                          else pg.init_postsynaptic("DeltaCurr"))
        sg.set_sparse_connections(pre, post)
    return sg


def _strategy_model(backend, path):
    """Every strategy in one model: per strategy, two merged ExpCurr projections with an axonal
    delay (200->150 and 70->90 neurons) and one dendritically delayed DeltaCurr projection."""
    dt = 0.5
    spikes, spikes2, conn, v0 = _strategy_inputs()
    model = GeNNModel("double", "ocl_strat", backend=backend)
    model.dt = dt
    src = h.spike_source_array(model, "src", spikes, dt)
    src2 = h.spike_source_array(model, "src2", spikes2, dt)
    pops = {}
    for matrix, hint, tps in STRATEGIES:
        tag = _tag(matrix, hint, tps)
        for key, n, ioff, source in (("A", N_A, 0.1, src), ("B", N_B, 0.2, src2), ("C", N_C, 0.3, src)):
            pop = model.add_neuron_population(f"{key}_{tag}", n, "LIF", dict(h.LIF_PARAMS, Ioffset=ioff),
                                              {"V": v0[key], "RefracTime": 0.0})
            pop.spike_recording_enabled = True
            pops[(key, tag)] = pop
            mask, w, d = conn[key]
            wu = "StaticPulseDendriticDelay" if key == "C" else "StaticPulse"
            sg = _add_projection(model, f"syn{key}_{tag}", matrix, source, pop, mask, w, d, wu)
            if key == "C":
                sg.max_dendritic_delay_timesteps = 6
            else:
                sg.axonal_delay_steps = 2
            sg.parallelism_hint = hint
            sg.num_threads_per_spike = tps
    build_load(model, path, n_rec=STRAT_STEPS)
    samples = {k: [] for k in pops}
    for _ in range(STRAT_STEPS // STRAT_SAMPLE):
        model.run_steps(STRAT_SAMPLE)
        for k, pop in pops.items():
            samples[k].append(h.pull(pop.vars["V"]))
    model.pull_recording_buffers_from_device()
    rasters = {k: h.sorted_spikes(*pop.spike_recording_data[0], dt) for k, pop in pops.items()}
    merged_sizes = {kind: [len(mg.members) for mg in groups] for kind, groups in model._ir.kernels.items()}
    model.unload()
    return rasters, {k: np.array(v) for k, v in samples.items()}, merged_sizes


def test_parallel_strategies_match_c_backend(tmp_path):
    ref_rasters, ref_v, _ = _strategy_model("single_threaded_cpu", tmp_path / "c")
    rasters, v, merged = _strategy_model("opencl", tmp_path / "cl")
    # the model really merges groups: the two SSA sources, the LIF targets, the A/B projections
    assert max(merged["neuron_update"]) >= 2
    assert max(merged["presynaptic_update"]) >= 2
    first = _tag(*STRATEGIES[0])
    for key, n in (("A", N_A), ("B", N_B), ("C", N_C)):
        ref = ref_rasters[(key, first)]
        # non-trivial activity: many spikes, yet not every neuron fires
        assert len(ref) > 30, (key, len(ref))
        assert 0 < len(np.unique(ref[:, 1])) < n, key
        for matrix, hint, tps in STRATEGIES:
            tag = _tag(matrix, hint, tps)
            # the inputs of every strategy are the same, so the C results agree between strategies
            np.testing.assert_array_equal(ref_rasters[(key, tag)], ref, err_msg=f"C: {key} {tag}")
            np.testing.assert_array_equal(rasters[(key, tag)], ref_rasters[(key, tag)],
                                          err_msg=f"OpenCL vs C spikes: {key} {tag}")
            np.testing.assert_allclose(v[(key, tag)], ref_v[(key, tag)], rtol=0, atol=1e-9,
                                       err_msg=f"OpenCL vs C V: {key} {tag}")


def test_axonal_and_dendritic_delays_take_effect(tmp_path):
    """The delays are applied on OpenCL: a single source spike reaches the targets exactly
    1 + axonal delay steps later, and d steps later still through a dendritic delay."""
    dt = 1.0
    model = GeNNModel("float", "ocl_delays", backend="opencl")
    model.dt = dt
    src = h.spike_source_array(model, "src", [[3]], dt)
    rec = h.recorder_model()
    traces = []
    for matrix, hint, tps in STRATEGIES:
        tag = _tag(matrix, hint, tps)
        ta = model.add_neuron_population(f"a_{tag}", 3, rec, {}, {"Irec": 0.0})
        tb = model.add_neuron_population(f"b_{tag}", 3, rec, {}, {"Irec": 0.0})
        one = np.ones((1, 3), bool)
        sa = _add_projection(model, f"sa_{tag}", matrix, src, ta, one, np.full((1, 3), 0.5), None, "StaticPulse")
        sa.axonal_delay_steps = 2
        sb = _add_projection(model, f"sb_{tag}", matrix, src, tb, one, np.full((1, 3), 0.25),
                             np.array([[0, 2, 4]], np.uint8), "StaticPulseDendriticDelay")
        sb.max_dendritic_delay_timesteps = 5
        for sg in (sa, sb):
            sg.parallelism_hint = hint
            sg.num_threads_per_spike = tps
        traces += [ta.vars["Irec"], tb.vars["Irec"]]
    build_load(model, tmp_path)
    got = h.run_and_trace(model, 12, traces)
    # ExpCurr: the spike of step 3 is propagated in step 3 + 1 + 2 and seen by the neuron from then
    decay, init = np.exp(-dt / 5.0), 5.0 * (1.0 - np.exp(-dt / 5.0)) / dt
    expect_a = np.array([0.0] * 6 + [0.5 * init * decay ** k for k in range(6)])
    for i in range(0, len(got), 2):
        np.testing.assert_allclose(got[i], np.repeat(expect_a[:, None], 3, axis=1), rtol=1e-5, atol=1e-7)
        # DeltaCurr + dendritic delay d: seen in step 4 + d only
        expect_b = np.zeros((12, 3))
        for j, d in enumerate((0, 2, 4)):
            expect_b[4 + d, j] = 0.25
        np.testing.assert_array_equal(got[i + 1], expect_b)
    model.unload()


# ---------------------------------------------------------------------------------------------------
# 2. identical random streams
# ---------------------------------------------------------------------------------------------------
def _random_model(backend, path, segments=None, **preferences):
    """``segments``, a list, receives the arena's segments (one per device buffer) before unload."""
    model = GeNNModel("float", "ocl_rand", backend=backend, **preferences)
    model.seed = 1234
    nm = pg.create_neuron_model("RandVars", vars=[("u", "scalar"), ("n", "scalar")], sim_code="")
    big = model.add_neuron_population("big", 1000, nm, {}, {"u": pg.init_var("Uniform", {"min": -2.0, "max": 3.0}),
                                                            "n": pg.init_var("Normal", {"mean": 1.0, "sd": 2.0})})
    small = model.add_neuron_population("small", 77, nm, {}, {"u": pg.init_var("Uniform", {"min": 0.0, "max": 1.0}),
                                                              "n": pg.init_var("Normal", {"mean": -5.0, "sd": 0.5})})
    silent = pg.create_neuron_model("Silent", vars=[("x", "scalar")], sim_code="")
    pre = model.add_neuron_population("pre", 300, silent, {}, {"x": 0.0})
    post = model.add_neuron_population("post", 250, silent, {}, {"x": 0.0})
    conns = {"fp": ("FixedProbability", {"prob": 0.1}),
             "fpost": ("FixedNumberPostWithReplacement", {"num": 20}),
             "ftot": ("FixedNumberTotalWithReplacement", {"num": 3000}),
             "fpre": ("FixedNumberPreWithReplacement", {"num": 15})}
    sgs = {}
    for name, (snippet, params) in conns.items():
        sgs[name] = model.add_synapse_population(
            name, "SPARSE", pre, post,
            pg.init_weight_update("StaticPulse", {}, {"g": pg.init_var("Uniform", {"min": 0.0, "max": 1.0})}),
            pg.init_postsynaptic("DeltaCurr"), pg.init_sparse_connectivity(snippet, params))
    build_load(model, path)
    out = {}
    for pop in (big, small):
        for var in ("u", "n"):
            out[f"{pop.name}.{var}"] = h.pull(pop.vars[var])
    for name, sg in sgs.items():
        sg.pull_connectivity_from_device()
        out[f"{name}.pre"] = np.array(sg.get_sparse_pre_inds(), copy=True)
        out[f"{name}.post"] = np.array(sg.get_sparse_post_inds(), copy=True)
        out[f"{name}.g"] = h.pull(sg.vars["g"])
    if segments is not None:
        segments.extend(model._runtime.layout.segments)
    model.unload()
    return out


def test_random_streams_identical(tmp_path):
    ref = _random_model("single_threaded_cpu", tmp_path / "c")
    got = _random_model("opencl", tmp_path / "cl")
    # independent sanity checks on the reference
    assert np.all(np.bincount(ref["fpost.pre"], minlength=300) == 20)
    assert len(ref["ftot.pre"]) == 3000
    assert np.all(np.bincount(ref["fpre.post"], minlength=250) == 15)
    assert 0.08 < len(ref["fp.pre"]) / (300 * 250) < 0.12
    assert ref["big.u"].dtype == np.float32 and len(np.unique(ref["big.u"])) > 990
    for name in ("fp", "fpost", "ftot", "fpre"):
        np.testing.assert_array_equal(got[f"{name}.pre"], ref[f"{name}.pre"], err_msg=f"{name} pre indices")
        np.testing.assert_array_equal(got[f"{name}.post"], ref[f"{name}.post"], err_msg=f"{name} post indices")
        np.testing.assert_array_equal(got[f"{name}.g"], ref[f"{name}.g"], err_msg=f"{name} Uniform g")
    for pop in ("big", "small"):
        np.testing.assert_array_equal(got[f"{pop}.u"], ref[f"{pop}.u"], err_msg=f"{pop} Uniform")
        np.testing.assert_allclose(got[f"{pop}.n"], ref[f"{pop}.n"], rtol=1e-5, atol=1e-6,
                                   err_msg=f"{pop} Normal")


# ---------------------------------------------------------------------------------------------------
# 3. recording
# ---------------------------------------------------------------------------------------------------
REC_SIZES = (31, 64, 65, 200)
REC_STEPS = 300


def _periodic_model():
    # spikes when (step % 7 == id % 7) and, every neuron at once, in steps 50, 100, ...
    return pg.create_neuron_model("PeriodicAll", vars=[("k", "unsigned int")], sim_code="k++;",
                                  threshold_condition_code="(k - 1) % 7 == id % 7 || ((k - 1) % 50 == 0 && k > 1)")


def _recording_model(backend, path, block_size=None):
    kw = {} if block_size is None or backend != "opencl" else {"block_size": block_size}
    model = GeNNModel("float", "ocl_rec", backend=backend, **kw)
    model.seed = 77
    pops = []
    for i, n in enumerate(REC_SIZES):
        p = model.add_neuron_population(f"poi{n}", n, "Poisson", {"rate": 40.0 + 30.0 * i}, {"timeStepToSpike": 0.0})
        p.spike_recording_enabled = True
        pops.append(p)
        q = model.add_neuron_population(f"per{n}", n, _periodic_model(), {}, {"k": 0})
        q.spike_recording_enabled = True
        pops.append(q)
    build_load(model, path, n_rec=REC_STEPS)
    model.run_steps(REC_STEPS)
    model.pull_recording_buffers_from_device()
    out = {p.name: h.sorted_spikes(*p.spike_recording_data[0], model.dt) for p in pops}
    model.unload()
    return out


def _periodic_truth(n):
    rows = [(s, i) for s in range(REC_STEPS) for i in range(n)
            if s % 7 == i % 7 or (s % 50 == 0 and s > 0)]
    return np.array(sorted(rows), dtype=np.int64)


@pytest.mark.parametrize("block_size", [64, 32])
def test_recording_many_populations_match_c(tmp_path, block_size):
    ref = _recording_model("single_threaded_cpu", tmp_path / "c")
    got = _recording_model("opencl", tmp_path / "cl", block_size)
    for n in REC_SIZES:
        np.testing.assert_array_equal(ref[f"per{n}"], _periodic_truth(n), err_msg=f"C periodic {n}")
        np.testing.assert_array_equal(got[f"per{n}"], _periodic_truth(n), err_msg=f"OpenCL periodic {n}")
        assert len(ref[f"poi{n}"]) > n  # more than a spike per neuron on average
        np.testing.assert_array_equal(got[f"poi{n}"], ref[f"poi{n}"], err_msg=f"OpenCL vs C Poisson {n}")


# ---------------------------------------------------------------------------------------------------
# 4. device selection
# ---------------------------------------------------------------------------------------------------
def test_select_device(monkeypatch):
    import pyopencl as cl
    monkeypatch.delenv(ocl.DEVICE_ENV, raising=False)
    devices = ocl.all_devices()
    assert devices
    gpus = [d for d in devices if d[2].type & cl.device_type.GPU]
    assert ocl.select_device(None) == (gpus or devices)[0][2]
    assert ocl.select_device(0) == devices[0][2]
    assert ocl.select_device("0") == devices[0][2]
    p0, d0, dev0 = devices[0]
    assert ocl.select_device(f"{p0}:{d0}") == dev0
    last = devices[-1]
    assert ocl.select_device(f"{last[0]}:{last[1]}") == last[2]
    assert ocl.select_device(len(devices) - 1) == last[2]
    name = dev0.name.strip()
    part = name[len(name) // 4: max(len(name) // 4 + 1, 3 * len(name) // 4)]
    for query in (part, part.upper(), part.lower(), part.swapcase()):
        chosen = ocl.select_device(query)
        assert part.lower() in chosen.name.lower()
        assert chosen == next(d for _, _, d in devices if part.lower() in d.name.lower())
    # a platform's name selects its first device when no device name matches
    for _, _, device in devices:
        platform = device.platform.name.strip()
        if not any(platform.lower() in d.name.lower() for _, _, d in devices):
            assert ocl.select_device(platform.swapcase()) == next(
                d for _, _, d in devices if d.platform.name.strip() == platform)
    for bad in (len(devices), str(len(devices) + 5), "9:9", "no device is called this 1234"):
        with pytest.raises(ValueError, match="pygenn_cl devices"):
            ocl.select_device(bad)


def test_select_device_environment(monkeypatch, tmp_path):
    devices = ocl.all_devices()
    monkeypatch.setenv(ocl.DEVICE_ENV, "9:9")
    with pytest.raises(ValueError, match="pygenn_cl devices"):
        ocl.select_device()
    with pytest.raises(ValueError, match="pygenn_cl devices"):
        GeNNModel("float", "ocl_env", backend="opencl")
    p, d, dev = devices[-1]
    monkeypatch.setenv(ocl.DEVICE_ENV, f"{p}:{d}")
    assert ocl.select_device() == dev
    assert GeNNModel("float", "ocl_env", backend="opencl")._backend.device == dev
    # an explicit choice wins over the environment
    monkeypatch.setenv(ocl.DEVICE_ENV, "9:9")
    assert GeNNModel("float", "ocl_env", backend="opencl", device=0)._backend.device == devices[0][2]


def test_model_on_device_index(tmp_path):
    model = GeNNModel("float", "ocl_dev0", backend="opencl", device=0)
    assert model.backend_name == "opencl"
    assert model._backend.device == ocl.all_devices()[0][2]
    pop = model.add_neuron_population("per", 10, _periodic_model(), {}, {"k": 0})
    build_load(model, tmp_path)
    model.run_steps(5)
    np.testing.assert_array_equal(h.pull(pop.vars["k"]), np.full(10, 5))
    model.unload()


def test_devices_command_lists_backends():
    result = subprocess.run([sys.executable, "-m", "pygenn_cl", "devices"], capture_output=True, text=True,
                            timeout=120, env={k: v for k, v in os.environ.items() if k != ocl.DEVICE_ENV})
    assert result.returncode == 0, result.stderr
    assert "opencl: available" in result.stdout
    assert "single_threaded_cpu: available" in result.stdout
    p, d, dev = ocl.all_devices()[0]
    assert re.search(rf"^\s+{p}:{d}\s+.*{re.escape(dev.name.strip())}", result.stdout, re.M), result.stdout


# ---------------------------------------------------------------------------------------------------
# 5. bad input
# ---------------------------------------------------------------------------------------------------
class _CappedDevice:
    """Forwards everything to a real device but caps one buffer at ``max_mem_alloc_size`` bytes."""

    def __init__(self, device, max_mem_alloc_size):
        self._device = device
        self.max_mem_alloc_size = max_mem_alloc_size

    def __getattr__(self, name):
        return getattr(self._device, name)


def test_array_larger_than_max_alloc_raises_memory_error(tmp_path):
    """The arena may span several buffers, but one array must fit in one: the device's own limit
    (CL_DEVICE_MAX_MEM_ALLOC_SIZE) is what counts.  The device here reports a cap of 1 MiB, so
    the test means the same on any device (PoCL allows 2 GiB per buffer, an NVIDIA GPU a quarter
    of its memory, which would need a population of more than 2^32 neurons to exceed)."""
    from pygenn_cl.runtime import format_bytes
    model = GeNNModel("float", "ocl_huge", backend="opencl")
    max_alloc = 2 ** 20
    n_vars = 8
    n = max_alloc // 4 + 1                   # each variable alone exceeds the limit
    nm = pg.create_neuron_model("Wide", vars=[(f"x{i}", "scalar") for i in range(n_vars)], sim_code="x0 += 1.0;")
    model.add_neuron_population("huge", int(n), nm, {}, {f"x{i}": 0.0 for i in range(n_vars)})
    model.build(path_to_model=str(tmp_path))
    model._backend._device = _CappedDevice(model._backend.device, max_alloc)
    assert model._backend.max_buffer_bytes() == max_alloc
    with pytest.raises(MemoryError) as info:
        model.load()
    message = str(info.value)
    assert re.search(r"population 'huge': array 'huge\.x\d' takes", message), message
    assert f"{n:,} elements" in message and format_bytes(max_alloc) in message, message
    model.unload()
    with pytest.raises(RuntimeError):
        model.step_time()
    small = GeNNModel("float", "ocl_small", backend="opencl")
    pop = small.add_neuron_population("w", 100, nm, {}, {f"x{i}": float(i) for i in range(n_vars)})
    build_load(small, tmp_path)
    small.run_steps(3)
    np.testing.assert_array_equal(h.pull(pop.vars["x0"]), np.full(100, 3.0, np.float32))
    np.testing.assert_array_equal(h.pull(pop.vars["x7"]), np.full(100, 7.0, np.float32))
    small.unload()


def test_arena_over_several_buffers_initialises_identically(tmp_path):
    """A device that caps one buffer below the model's size (PoCL: 2 GiB; the full-scale
    microcircuit needs 3.2 GiB) gets the arena in several buffers: initialisation on the device
    (connectivity, variables, random streams) then writes every array where the C backend has it."""
    ref = _random_model("single_threaded_cpu", tmp_path / "c")
    segments = []
    limit = 80 * 1024                       # seven buffers here (the kernels take up to eight)
    got = _random_model("opencl", tmp_path / "cl", segments=segments, max_buffer_bytes=limit)
    assert len(segments) >= 3 and all(0 < seg.nbytes <= limit for seg in segments), segments
    assert set(got) == set(ref)
    for name, values in ref.items():
        if name.endswith(".n"):
            np.testing.assert_allclose(got[name], values, rtol=1e-5, atol=1e-6, err_msg=name)
        else:
            np.testing.assert_array_equal(got[name], values, err_msg=name)


def test_max_buffer_bytes_errors(tmp_path):
    """An array larger than one buffer, or a model needing more buffers than the kernels take,
    is a MemoryError that names the array; a bad preference is a ValueError."""
    from pygenn_cl.runtime import format_bytes
    for bad in (0, 100, -1, 1.5e6, True, "1e6"):
        with pytest.raises(ValueError, match="max_buffer_bytes"):
            GeNNModel("float", "ocl_maxbuf", backend="opencl", max_buffer_bytes=bad)
    nm = pg.create_neuron_model("TwoVars", vars=[("x", "scalar"), ("y", "scalar")], sim_code="x += 1.0;")
    model = GeNNModel("float", "ocl_maxbuf", backend="opencl", max_buffer_bytes=8192)
    model.add_neuron_population("wide", 4096, nm, {}, {"x": 0.0, "y": 0.0})     # 16 KiB per variable
    model.build(path_to_model=str(tmp_path / "wide"))
    with pytest.raises(MemoryError, match=r"population 'wide': array 'wide\.[xy]' takes 16\.0 KiB "
                                          r"\(4,096 elements\), more than one device buffer may hold \(8\.0 KiB\)"):
        model.load()
    many = GeNNModel("float", "ocl_maxbuf", backend="opencl", max_buffer_bytes=4096)
    for i in range(6):                                   # per population: x and y (2,000 bytes), spikes (4,000)
        many.add_neuron_population(f"p{i}", 500, nm, {}, {"x": 0.0, "y": 0.0})
    many.build(path_to_model=str(tmp_path / "many"))
    with pytest.raises(MemoryError, match=f"more than 8 device buffers of at most {format_bytes(4096)}"):
        many.load()


def test_unknown_preference_and_bad_block_size():
    with pytest.raises(ValueError, match="no_such_preference"):
        GeNNModel("float", "ocl_pref", backend="opencl", no_such_preference=1)
    for bad in (0, -4, "64", 2.0, True):
        with pytest.raises(ValueError, match="block_size"):
            GeNNModel("float", "ocl_block", backend="opencl", block_size=bad)
    # one neuron per thread builds 32-bit recording words per work-group
    for bad in (48, 16):
        with pytest.raises(ValueError, match="multiple of 32"):
            GeNNModel("float", "ocl_block", backend="opencl", block_size=bad, neurons_per_thread=1)
    assert GeNNModel("float", "ocl_block", backend="opencl", block_size=96)._backend.block_size == 96
    assert GeNNModel("float", "ocl_block", backend="opencl", block_size=3,
                     neurons_per_thread=32)._backend.block_size == 3


class _NoDoubleDevice:
    """Forwards everything to a real device but reports no double precision."""

    double_fp_config = 0

    def __init__(self, device):
        self._device = device

    def __getattr__(self, name):
        return getattr(self._device, name)


def test_double_precision_without_fp64_is_a_build_error(tmp_path):
    model = GeNNModel("double", "ocl_nofp64", backend="opencl")
    model._backend._device = _NoDoubleDevice(model._backend.device)
    assert model._backend.device.name == ocl.select_device().name  # forwarded
    model.add_neuron_population("lif", 10, "LIF", h.LIF_PARAMS, {"V": -65.0, "RefracTime": 0.0})
    with pytest.raises(pg.BuildError, match="double"):
        model.build(path_to_model=str(tmp_path))
    # a float model with a double time type needs fp64 too
    model = GeNNModel("float", "ocl_nofp64t", backend="opencl", time_precision="double")
    model._backend._device = _NoDoubleDevice(model._backend.device)
    model.add_neuron_population("lif", 10, "LIF", h.LIF_PARAMS, {"V": -65.0, "RefracTime": 0.0})
    with pytest.raises(pg.BuildError, match="double"):
        model.build(path_to_model=str(tmp_path))


# ---------------------------------------------------------------------------------------------------
# 6. per-step state and 7. timers
# ---------------------------------------------------------------------------------------------------
def _state_model(name, path, timing=False):
    model = GeNNModel("float", name, backend="opencl")
    model.seed = 99
    model.timing_enabled = timing
    poi = model.add_neuron_population("poi", 130, "Poisson", {"rate": 80.0}, {"timeStepToSpike": 0.0})
    lif = model.add_neuron_population("lif", 70, "LIF", dict(h.LIF_PARAMS, Ioffset=0.5),
                                      {"V": pg.init_var("Uniform", {"min": -70.0, "max": -56.0}),
                                       "RefracTime": 0.0})
    model.add_synapse_population("syn", "SPARSE", poi, lif,
                                 pg.init_weight_update("StaticPulseConstantWeight", {"g": 8.0}),
                                 pg.init_postsynaptic("DeltaCurr"),
                                 pg.init_sparse_connectivity("FixedProbability", {"prob": 0.2}))
    lif.spike_recording_enabled = True
    build_load(model, path, n_rec=100)
    return model, poi, lif


def test_run_steps_equals_step_time(tmp_path):
    n = 57
    a, poi_a, lif_a = _state_model("ocl_state_a", tmp_path)
    b, poi_b, lif_b = _state_model("ocl_state_b", tmp_path)
    v_init = h.pull(lif_a.vars["V"])
    a.run_steps(n)
    for _ in range(n):
        b.step_time()
    assert a.timestep == n and b.timestep == n
    assert a.t == pytest.approx(n * a.dt) and b.t == pytest.approx(n * b.dt)
    v_a = h.pull(lif_a.vars["V"])
    assert not np.array_equal(v_a, v_init)
    np.testing.assert_array_equal(v_a, h.pull(lif_b.vars["V"]))
    np.testing.assert_array_equal(h.pull(lif_a.vars["RefracTime"]), h.pull(lif_b.vars["RefracTime"]))
    np.testing.assert_array_equal(h.pull(poi_a.vars["timeStepToSpike"]), h.pull(poi_b.vars["timeStepToSpike"]))
    a.pull_recording_buffers_from_device()
    b.pull_recording_buffers_from_device()
    spikes_a = h.sorted_spikes(*lif_a.spike_recording_data[0], a.dt)
    assert len(spikes_a) > 20  # the LIF neurons did spike
    np.testing.assert_array_equal(spikes_a, h.sorted_spikes(*lif_b.spike_recording_data[0], b.dt))
    # continuing after a mix of both keeps them in step
    a.step_time()
    b.run_steps(1)
    assert a.timestep == b.timestep == n + 1
    np.testing.assert_array_equal(h.pull(lif_a.vars["V"]), h.pull(lif_b.vars["V"]))
    a.unload()
    b.unload()


def test_timers_are_kernel_execution_times(tmp_path):
    """timing_enabled measures the step kernels' execution with OpenCL profiling events: both
    timers are positive and grow with the steps run, together they fit within the wall time of
    those steps (they are not launch or wait latency added up), the per-step figures are
    plausible for 200 neurons, and steps enqueued by step_time() (no wait per kernel) are
    counted once the timers are read."""
    import time
    model, _, _ = _state_model("ocl_timing", tmp_path, timing=True)
    assert model.neuron_update_time == 0.0 and model.presynaptic_update_time == 0.0
    start = time.perf_counter()
    model.run_steps(200)
    wall = time.perf_counter() - start
    neuron, synapse = model.neuron_update_time, model.presynaptic_update_time
    assert neuron > 0.0 and synapse > 0.0
    assert neuron + synapse <= wall
    assert 1e-8 < neuron / 200 < 1e-2 and 1e-8 < synapse / 200 < 1e-2
    for _ in range(50):
        model.step_time()
    assert model.neuron_update_time > neuron and model.presynaptic_update_time > synapse
    assert model.timestep == 250
    model.unload()



def test_unroll_hint_is_plain_opencl_c_1_2(tmp_path):
    """Short loops with known bounds (PoissonExp's terms) get GENN_UNROLL_HINT, which is the C99
    pragma operator: OpenCL C 1.2 compilers must ignore pragmas they do not know, whereas
    __attribute__((opencl_unroll_hint)) is OpenCL C 2.0.  The program builds under -cl-std=CL1.2
    with warnings as errors, and the hint changes no result (the same model built with the hint
    defined away gives the same currents and voltages)."""
    results = []
    for tag, options in (("hint", "-Werror"), ("nohint", "-Werror -DGENN_UNROLL_HINT=")):
        model = GeNNModel("float", f"ocl_unroll_{tag}", backend="opencl", build_options=options)
        model.seed = 3
        lif = model.add_neuron_population("lif", 300, "LIF", h.LIF_PARAMS, {"V": -70.0, "RefracTime": 0.0})
        cs = model.add_current_source("pexp", "PoissonExp", lif, {"weight": 0.5, "tauSyn": 5.0, "rate": 2000.0},
                                      {"current": 0.0})
        build_load(model, tmp_path / tag)
        source = open(os.path.join(tmp_path / tag, f"ocl_unroll_{tag}_CODE", f"ocl_unroll_{tag}.cl")).read()
        assert "opencl_unroll_hint" not in source
        assert '#define GENN_UNROLL_HINT _Pragma("unroll")' in source
        assert any(line.strip().startswith("GENN_UNROLL_HINT for (") for line in source.splitlines())
        model.run_steps(200)
        results.append((h.pull(cs.vars["current"]), h.pull(lif.vars["V"])))
        model.unload()
    assert np.ptp(results[0][1]) > 1.0  # the Poisson input moved the neurons apart
    for hinted, plain in zip(*results):
        np.testing.assert_array_equal(hinted, plain)
