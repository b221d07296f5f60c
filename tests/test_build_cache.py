"""An unchanged model is neither generated nor compiled again (the cache of generated models),
and a changed one always is."""
import os

import numpy as np
import pytest

import helpers as h
import pygenn_cl as pg
from pygenn_cl import model_cache


def _model(name="cached", tau=5.0):
    model = pg.GeNNModel("float", name, backend="single_threaded_cpu")
    model.seed = 7
    pre = model.add_neuron_population("pre", 20, "Poisson", {"rate": 50.0}, {"timeStepToSpike": 0.0})
    post = model.add_neuron_population("post", 10, "LIF", dict(h.LIF_PARAMS, Ioffset=0.3),
                                       {"V": -65.0, "RefracTime": 0.0})
    model.add_synapse_population("syn", "SPARSE", pre, post, pg.init_weight_update("StaticPulse", {}, {"g": 0.5}),
                                 pg.init_postsynaptic("ExpCurr", {"tau": tau}),
                                 pg.init_sparse_connectivity("FixedProbability", {"prob": 0.3}))
    return model, post


def _run(model, post, tmp_path, **build):
    model.build(path_to_model=str(tmp_path), **build)
    model.load()
    model.run_steps(100)
    v = h.pull(post.vars["V"])
    model.unload()
    return v


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PYGENN_CL_CACHE_DIR", str(tmp_path / "cache"))
    model_cache.clear_memory()
    yield tmp_path / "cache" / "models"
    model_cache.clear_memory()


def _forbid_generation(monkeypatch):
    import pygenn_cl.codegen.generator as generator

    def fail(*args, **kwargs):
        raise AssertionError("the model was generated again")
    monkeypatch.setattr(generator, "generate_model", fail)


def test_unchanged_model_is_not_generated_again(cache, tmp_path, monkeypatch):
    reference = _run(*_model(), tmp_path)
    assert len(os.listdir(cache)) == 1
    _forbid_generation(monkeypatch)
    # a new GeNNModel describing the same network, in memory and (memory cleared) from disk
    assert np.array_equal(_run(*_model(), tmp_path), reference)
    model_cache.clear_memory()
    assert np.array_equal(_run(*_model(), tmp_path), reference)


def test_changed_model_is_generated_again(cache, tmp_path):
    a = _run(*_model(tau=5.0), tmp_path)
    b = _run(*_model(tau=2.0), tmp_path)
    assert len(os.listdir(cache)) == 2 and not np.array_equal(a, b)


def test_corrupt_entry_is_regenerated_and_always_rebuild_regenerates(cache, tmp_path, monkeypatch):
    reference = _run(*_model(), tmp_path)
    (entry,) = cache.iterdir()
    entry.write_bytes(b"not a pickle")
    model_cache.clear_memory()
    assert np.array_equal(_run(*_model(), tmp_path), reference)
    ir, sources = model_cache.read_entry(entry)
    assert ir.name == "cached" and list(sources) == ["cached.c"]
    calls = []
    import pygenn_cl.codegen.generator as generator
    real = generator.generate_model
    monkeypatch.setattr(generator, "generate_model", lambda *a: calls.append(1) or real(*a))
    assert np.array_equal(_run(*_model(), tmp_path, always_rebuild=True), reference)
    assert calls == [1]


def test_no_disk_cache_when_caching_is_off(tmp_path, monkeypatch):
    monkeypatch.setenv("PYGENN_CL_NO_CACHE", "1")
    model_cache.clear_memory()
    _run(*_model(), tmp_path)
    assert not (tmp_path / "cache").exists()
