"""Random numbers drawn in neuron updates follow the documented Philox stream exactly.

Draw ``k`` of neuron ``id`` in the update at timestep ``s`` is word ``k % 4`` of
``philox4x32_10(ctr={id, stream, s, k // 4}, key=seed)`` with ``stream`` the CRC-32 of
"<population>/update".  The C backend and OpenCL on CPUs prefetch the first block of
a tile of neurons where some code draws unconditionally ("prefetch"), and compute each
neuron's first block when it first draws where every draw is conditional ("lazy"); later
blocks are computed on demand.  This test draws 0 to 9 words per neuron and step (so tiles,
tile boundaries and on-demand blocks are all exercised), in both forms, and compares every
backend and layout against the numpy reference.
"""
import zlib

import numpy as np
import pytest

from conftest import BackendCase, build_load, requires_backends
from pygenn_cl_lazy import pg
import philox_reference as ref

N_NEURONS = 300   # crosses the C backend's 256-neuron tile and OpenCL's 32-neuron tiles
N_STEPS = 12
SEED = 0x1234_5678_9ABC


def _expected():
    seed_lo, seed_hi = ref.split_seed(SEED)
    stream = zlib.crc32(b"draws/update")
    ids = np.arange(N_NEURONS)
    acc = [0] * N_NEURONS
    count = np.zeros(N_NEURONS, dtype=np.uint32)
    spikes = 0   # neuron-steps ending with acc % 8 == 0 (the threshold variant's condition)
    for s in range(N_STEPS):
        words = ref.rand_words(seed_lo, seed_hi, stream, ids, s, 9)
        for i in ids:
            k = (i + 3 * s) % 10
            for w in words[i, :k]:
                acc[i] = ((acc[i] * 31) & 0xFFFFFFFF) ^ int(w)   # order-sensitive
            count[i] += k
            spikes += (acc[i] & 7) == 0
    return np.array(acc, dtype=np.uint32), count, spikes


# 32 neurons per thread in work-groups of 3: work-groups end inside a tile of neurons (the
# backend cases cover the C backend, OpenCL's own layout and the GPU layout).
OPENCL_BLOCK_OF_3 = BackendCase("opencl-block3", "opencl", (("neurons_per_thread", 32), ("block_size", 3)))
THRESHOLDS = pytest.mark.parametrize("threshold", ["", "(acc & 7u) == 0"], ids=["no_threshold", "threshold"])
# The same words, drawn only in a loop (each neuron's first block computed when it first
# draws) or with the first one drawn unconditionally (the first blocks prefetched per tile).
SIM_CODE = {
    "lazy": ("const unsigned int k = (id + 3 * step) % 10;\n"
             "for (unsigned int i = 0; i < k; i++) {\n"
             "    acc = (acc * 31) ^ gennrand();\n"
             "}\n"),
    "prefetch": ("const unsigned int k = (id + 3 * step) % 10;\n"
                 "const uint32_t first = gennrand();\n"
                 "if (k > 0) {\n"
                 "    acc = (acc * 31) ^ first;\n"
                 "}\n"
                 "for (unsigned int i = 1; i < k; i++) {\n"
                 "    acc = (acc * 31) ^ gennrand();\n"
                 "}\n")}
FORMS = pytest.mark.parametrize("form", sorted(SIM_CODE))


@FORMS
@THRESHOLDS
def test_neuron_update_draws_match_reference(backend, tmp_path, threshold, form):
    """With a threshold the C backend takes its two-pass (vectorisable) neuron update;
    without one, the single-pass loop."""
    _check_draws(backend, tmp_path, threshold, form)


@requires_backends("opencl")
@FORMS
@THRESHOLDS
def test_neuron_update_draws_in_work_groups_of_three(tmp_path, threshold, form):
    _check_draws(OPENCL_BLOCK_OF_3, tmp_path, threshold, form)


def _check_draws(case, tmp_path, threshold, form):
    model = case.genn_model("float", "neuron_draws")
    model.seed = SEED
    nm = pg.create_neuron_model(
        "Draws", vars=[("acc", "uint32_t"), ("count", "uint32_t"), ("step", "uint32_t")],
        sim_code=SIM_CODE[form] + "count += k;\nstep++;\n",
        threshold_condition_code=threshold)
    pop = model.add_neuron_population("draws", N_NEURONS, nm, {}, {"acc": 0, "count": 0, "step": 0})
    pop.spike_recording_enabled = bool(threshold)
    build_load(model, tmp_path, n_rec=N_STEPS if threshold else None)
    (update,) = model._ir.kernels["neuron_update"]
    assert update.code.rng_tile == (form == "prefetch")
    model.run_steps(N_STEPS)
    num_spikes = None
    if threshold:   # spikes emitted in the second pass: every neuron-step whose acc was then 0 mod 8
        model.pull_recording_buffers_from_device()
        num_spikes = len(pop.spike_recording_data[0][0])
    got = {}
    for name in ("acc", "count"):
        pop.vars[name].pull_from_device()
        got[name] = np.array(pop.vars[name].values, copy=True)
    model.unload()
    acc, count, spikes = _expected()
    if threshold:
        assert spikes > 0 and num_spikes == spikes
    np.testing.assert_array_equal(got["count"], count)
    assert len(np.unique(acc)) == N_NEURONS   # the reference itself is not degenerate
    np.testing.assert_array_equal(got["acc"], acc)
