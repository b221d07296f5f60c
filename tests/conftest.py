"""Shared fixtures of the pygenn_cl behaviour tests.

Every behaviour test takes the ``backend`` fixture, so the whole suite runs
once per backend returned by ``pygenn_cl.backends.available_backends()``.
"""
import pytest


def _available_backends():
    # Imported lazily so that collection works even while the package is broken.
    try:
        from pygenn_cl.backends import available_backends
        backends = list(available_backends())
    except Exception:  # noqa: BLE001 - any failure means "CPU only"
        backends = ["single_threaded_cpu"]
    return backends or ["single_threaded_cpu"]


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long tests (deselect with -m 'not slow')")


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", _available_backends(), scope="session")


@pytest.fixture
def make_model(backend, tmp_path):
    """Factory: ``make_model(name, precision="float", **kw)`` -> GeNNModel on ``backend``."""
    from pygenn_cl import GeNNModel

    def factory(name, precision="float", **kw):
        return GeNNModel(precision, name, backend=backend, **kw)
    return factory


def build_load(model, tmp_path, n_rec=None):
    """Build ``model`` into ``tmp_path`` and load it."""
    model.build(path_to_model=str(tmp_path))
    model.load(num_recording_timesteps=n_rec)
    return model


@pytest.fixture(name="build_load")
def build_load_fixture():
    return build_load
