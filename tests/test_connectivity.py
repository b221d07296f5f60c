"""Sparse connectivity snippets: exact structure and statistics; user-set connections."""
import math

import numpy as np
import pytest
from scipy import stats

import helpers as h
from conftest import build_load
from pygenn_cl_lazy import pg

SPECS = {
    # name: (n_pre, n_post, snippet, params)
    "one": (100, 100, "OneToOne", {}),
    "prob": (1000, 1000, "FixedProbability", {"prob": 0.05}),
    "noaut": (500, 500, "FixedProbabilityNoAutapse", {"prob": 0.1}),
    "post": (1000, 200, "FixedNumberPostWithReplacement", {"num": 20}),
    "total": (300, 400, "FixedNumberTotalWithReplacement", {"num": 5000}),
    "pre": (200, 1000, "FixedNumberPreWithReplacement", {"num": 10}),
}


@pytest.fixture(scope="module")
def conn(backend, tmp_path_factory):
    """Build every connectivity in one model and return {name: (pre_inds, post_inds, sg)}."""
    model = backend.genn_model("float", "conn")
    model.seed = 777
    pops = {}
    out = {}
    for name, (n_pre, n_post, snip, params) in SPECS.items():
        if n_pre not in pops:
            pops[n_pre] = model.add_neuron_population(f"n{n_pre}", n_pre, h.recorder_model(), {}, {"Irec": 0.0})
        if n_post not in pops:
            pops[n_post] = model.add_neuron_population(f"n{n_post}", n_post, h.recorder_model(), {},
                                                       {"Irec": 0.0})
        out[name] = model.add_synapse_population(
            name, "SPARSE", pops[n_pre], pops[n_post],
            pg.init_weight_update("StaticPulseConstantWeight", {"g": 1.0}),
            pg.init_postsynaptic("DeltaCurr"), pg.init_sparse_connectivity(snip, params))
    build_load(model, tmp_path_factory.mktemp("conn"))
    res = {}
    for name, sg in out.items():
        sg.pull_connectivity_from_device()
        pre = np.asarray(sg.get_sparse_pre_inds()).astype(np.int64)
        post = np.asarray(sg.get_sparse_post_inds()).astype(np.int64)
        res[name] = (pre, post, sg)
    yield res
    model.unload()


def _in_range(name, pre, post):
    n_pre, n_post = SPECS[name][:2]
    assert len(pre) == len(post)
    assert pre.min() >= 0 and pre.max() < n_pre
    assert post.min() >= 0 and post.max() < n_post


def _max_conn_ok(sg, pre, n_pre):
    row_len = np.bincount(pre, minlength=n_pre)
    assert row_len.max() <= sg.max_connections


def test_one_to_one(conn):
    pre, post, sg = conn["one"]
    order = np.argsort(pre)
    np.testing.assert_array_equal(pre[order], np.arange(100))
    np.testing.assert_array_equal(post[order], np.arange(100))
    assert sg.max_connections >= 1


@pytest.mark.parametrize("name", ["prob", "noaut"])
def test_fixed_probability(conn, name):
    pre, post, sg = conn[name]
    n_pre, n_post, _, params = SPECS[name]
    p = params["prob"]
    _in_range(name, pre, post)
    _max_conn_ok(sg, pre, n_pre)
    # sampled without replacement: no duplicate synapses
    assert len(np.unique(pre * n_post + post)) == len(pre)
    candidates = n_post - (1 if name == "noaut" else 0)
    if name == "noaut":
        assert not np.any(pre == post)
    total = len(pre)
    mean, sd = n_pre * candidates * p, math.sqrt(n_pre * candidates * p * (1 - p))
    assert abs(total - mean) < 5 * sd, (total, mean)
    # row lengths ~ Binomial(candidates, p); column lengths too
    rows = np.bincount(pre, minlength=n_pre)
    cols = np.bincount(post, minlength=n_post)
    assert h.binomial_row_length_pvalue(rows, candidates, p) > 1e-3
    assert h.binomial_row_length_pvalue(cols, n_pre - (1 if name == "noaut" else 0), p) > 1e-3
    # targets spread over the whole row: offset from the row's own index is uniform
    offs = (post - pre) % n_post if name == "noaut" else post
    hist = np.bincount(offs * 10 // n_post, minlength=10)
    assert stats.chisquare(hist).pvalue > 1e-3


def test_fixed_number_post(conn):
    pre, post, sg = conn["post"]
    n_pre, n_post, _, params = SPECS["post"]
    _in_range("post", pre, post)
    np.testing.assert_array_equal(np.bincount(pre, minlength=n_pre), params["num"])
    assert sg.max_connections >= params["num"]
    assert stats.chisquare(np.bincount(post, minlength=n_post)).pvalue > 1e-3
    # rows are independent: the targets of consecutive rows are not identical
    first = post[pre == 0]
    second = post[pre == 1]
    assert not np.array_equal(np.sort(first), np.sort(second))


def test_fixed_number_total(conn):
    pre, post, sg = conn["total"]
    n_pre, n_post, _, params = SPECS["total"]
    _in_range("total", pre, post)
    assert len(pre) == params["num"]
    _max_conn_ok(sg, pre, n_pre)
    rows = np.bincount(pre, minlength=n_pre)
    assert h.binomial_row_length_pvalue(rows, params["num"], 1.0 / n_pre) > 1e-3
    assert stats.chisquare(np.bincount(post, minlength=n_post)).pvalue > 1e-3


def test_fixed_number_pre(conn):
    pre, post, sg = conn["pre"]
    n_pre, n_post, _, params = SPECS["pre"]
    _in_range("pre", pre, post)
    np.testing.assert_array_equal(np.bincount(post, minlength=n_post), params["num"])
    _max_conn_ok(sg, pre, n_pre)
    rows = np.bincount(pre, minlength=n_pre)
    assert stats.chisquare(rows).pvalue > 1e-3
    assert h.binomial_row_length_pvalue(rows, n_post * params["num"], 1.0 / n_pre) > 1e-3


def test_set_sparse_connections_roundtrip_and_spikes(make_model, tmp_path):
    """User connections come back (with their weights) and propagate exactly these weights."""
    dt, n_steps = 0.1, 30
    rng = np.random.default_rng(11)
    n_pre, n_post = 20, 15
    mask = rng.random((n_pre, n_post)) < 0.2
    mask[0, :] = False                  # an empty row
    mask[1, :] = True                   # a full row
    pre, post = np.nonzero(mask)
    perm = rng.permutation(len(pre))    # user order need not be sorted
    pre, post = pre[perm], post[perm]
    g = rng.uniform(0.1, 1.0, len(pre))
    W = np.zeros((n_pre, n_post))
    W[pre, post] = g
    spikes = [[(i % 10) + 2] for i in range(n_pre)]  # source i spikes at step i % 10 + 2
    model = make_model("userconn")
    src = h.spike_source_array(model, "src", spikes, dt)
    rec = model.add_neuron_population("rec", n_post, h.recorder_model(), {}, {"Irec": 0.0})
    sg = model.add_synapse_population("syn", "SPARSE", src, rec,
                                      pg.init_weight_update("StaticPulse", {}, {"g": g}),
                                      pg.init_postsynaptic("DeltaCurr"))
    sg.set_sparse_connections(pre.astype(np.uint32), post.astype(np.uint32))
    build_load(model, tmp_path)
    sg.pull_connectivity_from_device()
    sg.vars["g"].pull_from_device()
    got_pre = np.asarray(sg.get_sparse_pre_inds()).astype(int)
    got_post = np.asarray(sg.get_sparse_post_inds()).astype(int)
    got_g = np.asarray(sg.vars["g"].values)
    assert len(got_pre) == len(pre) == len(got_g)
    W_got = np.zeros((n_pre, n_post))
    W_got[got_pre, got_post] = got_g
    np.testing.assert_allclose(W_got, W, rtol=1e-6)
    assert sg.max_connections >= n_post  # the full row must fit
    tr = h.run_and_trace(model, n_steps, [rec.vars["Irec"]])[0]
    ref = np.zeros((n_steps, n_post))
    for i, steps in enumerate(spikes):
        for s in steps:
            ref[s + 1] += W[i]
    np.testing.assert_allclose(tr, ref, atol=1e-5)
    # changing weights after load (in get_sparse_* order) takes effect: rewind every
    # spike source so that all fire in the next step, doubling the weights first
    sg.vars["g"].values = 2.0 * got_g
    sg.vars["g"].push_to_device()
    start = src.vars["startSpike"]
    start.values = np.arange(n_pre, dtype=np.uint32)
    start.push_to_device()
    tr2 = h.run_and_trace(model, 3, [rec.vars["Irec"]])[0]
    np.testing.assert_allclose(tr2[0], 0.0, atol=1e-6)
    np.testing.assert_allclose(tr2[1], 2.0 * W.sum(axis=0), rtol=1e-5)
    np.testing.assert_allclose(tr2[2], 0.0, atol=1e-6)


def test_connectivity_comes_to_the_host_only_when_read(make_model, tmp_path, monkeypatch):
    """load() builds SPARSE connectivity on the device and does not pull it; the first read
    (get_sparse_pre_inds/post_inds, values in connection order) pulls it once, and what it
    reads is the device's connectivity: row lengths summing to the synapse count, and values
    given in connection order come back in that order."""
    from pygenn_cl.runtime import ModelRuntime
    pulls = []
    real_pull = ModelRuntime.pull
    monkeypatch.setattr(ModelRuntime, "pull", lambda self, name: (pulls.append(name), real_pull(self, name))[1])
    model = make_model("lazy_conn")
    model.seed = 21
    pre = model.add_neuron_population("pre", 300, h.recorder_model(), {}, {"Irec": 0.0})
    post = model.add_neuron_population("post", 200, h.recorder_model(), {}, {"Irec": 0.0})
    sg = model.add_synapse_population("syn", "SPARSE", pre, post,
                                      pg.init_weight_update("StaticPulse", {}, {"g": 0.0}),
                                      pg.init_postsynaptic("DeltaCurr"),
                                      pg.init_sparse_connectivity("FixedProbability", {"prob": 0.1}))
    build_load(model, tmp_path)
    conn_arrays = {"syn.rowLength", "syn.ind"}
    assert not conn_arrays & set(pulls), pulls
    pre_inds, post_inds = sg.get_sparse_pre_inds(), sg.get_sparse_post_inds()
    assert sorted(p for p in pulls if p in conn_arrays) == ["syn.ind", "syn.rowLength"]
    n = len(pre_inds)
    assert len(post_inds) == n and abs(n - 0.1 * 300 * 200) < 5 * math.sqrt(0.1 * 0.9 * 300 * 200)
    assert np.all(np.diff(pre_inds) >= 0) and pre_inds.max() < 300 and post_inds.max() < 200
    # the device's own structure agrees: a second read pulls nothing, an explicit pull changes nothing
    count = len(pulls)
    np.testing.assert_array_equal(sg.get_sparse_post_inds(), post_inds)
    assert len(pulls) == count
    sg.pull_connectivity_from_device()
    np.testing.assert_array_equal(sg.get_sparse_pre_inds(), pre_inds)
    np.testing.assert_array_equal(sg.get_sparse_post_inds(), post_inds)
    # values in connection order land on their synapses: row i's first row_length[i] slots
    sg.vars["g"].values = np.arange(n, dtype=np.float32)
    row_lengths = np.bincount(pre_inds, minlength=300)
    rows = sg.vars["g"].view.reshape(300, -1)
    starts = np.concatenate(([0], np.cumsum(row_lengths)[:-1]))
    for i in (0, 1, 150, 299):
        np.testing.assert_array_equal(rows[i, :row_lengths[i]], np.arange(starts[i], starts[i] + row_lengths[i]))
    np.testing.assert_array_equal(sg.vars["g"].values, np.arange(n, dtype=np.float32))
