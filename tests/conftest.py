"""Shared fixtures of the pygenn_cl behaviour tests.

Every behaviour test takes the ``backend`` fixture (usually through ``make_model``), so the
whole behaviour suite runs once per backend case:

* ``single_threaded_cpu``: the C backend;
* ``opencl``: OpenCL with the device's own thread layout (on a CPU device such as PoCL,
  32 neurons per thread in work-groups of 16);
* ``opencl-gpu-layout``: OpenCL with the layout GPUs use (one neuron per thread, blocks
  of 64), the kernel text the CUDA backend also runs, so it is covered without a GPU (on a
  GPU device it is OpenCL's own layout, and the case repeats ``opencl``);
* ``cuda``: the CUDA backend (only where a GPU is present).

By default every case whose backend ``pygenn_cl.backends.available_backends()`` lists is
run.  ``PYGENN_CL_TEST_BACKENDS`` (a comma-separated list of the ids above) narrows that:
an unknown id is a usage error, a case whose backend cannot run here is skipped with the
reason.  Tests of OpenCL itself (test_opencl.py, the comparisons in test_cross_backend.py,
the OpenCL builds in test_rng.py and test_transpiler.py) skip when ``opencl`` is not
selected; tests of the C backend's own tools (test_bench.py ...) run whatever is selected.

A ``backend`` value is a :class:`BackendCase`, not a backend name: build models on it with
``make_model`` or ``backend.genn_model(...)``, which pass the case's preferences too.

Tests that check nothing backend-specific (errors raised while a model is described, or by
the transpiler before any compiler runs) are marked ``backend_independent``: they run once,
on the C backend, whatever the selection.
"""
import functools
import os
from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

import pytest

TEST_BACKENDS_ENV = "PYGENN_CL_TEST_BACKENDS"


@dataclass(frozen=True)
class BackendCase:
    """One entry of the ``backend`` parametrisation: a backend and its preferences."""

    id: str                                   # the test id
    name: str                                 # the backend GeNNModel gets
    prefs: Tuple[Tuple[str, Any], ...] = ()   # its preferences (a tuple: the case stays hashable)

    @property
    def preferences(self) -> Dict[str, Any]:
        return dict(self.prefs)

    def genn_model(self, precision: str = "float", model_name: str = "model", **kw):
        """``GeNNModel(precision, model_name, backend=..., **preferences, **kw)``."""
        from pygenn_cl import GeNNModel
        return GeNNModel(precision, model_name, backend=self.name, **{**self.preferences, **kw})

    def __str__(self):
        return self.id


C_CASE = BackendCase("single_threaded_cpu", "single_threaded_cpu")
CASES = (
    BackendCase("cuda", "cuda"),
    BackendCase("opencl", "opencl"),
    BackendCase("opencl-gpu-layout", "opencl", (("neurons_per_thread", 1), ("block_size", 64))),
    C_CASE,
)
CASES_BY_ID = {case.id: case for case in CASES}


def _availability(name: str) -> Tuple[bool, str]:
    # Imported lazily so that collection works even while the package is broken.
    try:
        from pygenn_cl.backends import availability
        return availability(name)
    except Exception as exc:  # noqa: BLE001 - any failure means "C only"
        if name == "single_threaded_cpu":
            return True, ""
        return False, f"pygenn_cl.backends does not import ({exc})"


def _available_in_order() -> List[str]:
    try:
        from pygenn_cl.backends import available_backends
        names = list(available_backends())
    except Exception:  # noqa: BLE001
        names = []
    return names or ["single_threaded_cpu"]


def requested_ids():
    """The ids in ``PYGENN_CL_TEST_BACKENDS``, or None when it is unset or empty."""
    text = os.environ.get(TEST_BACKENDS_ENV, "").strip()
    if not text:
        return None
    ids = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [i for i in ids if i not in CASES_BY_ID]
    if unknown:
        raise pytest.UsageError(f"{TEST_BACKENDS_ENV}: unknown backend {', '.join(map(repr, unknown))}; "
                                f"known: {', '.join(CASES_BY_ID)}")
    return list(dict.fromkeys(ids))


@functools.lru_cache(maxsize=None)
def backend_cases() -> Tuple[Tuple[BackendCase, str], ...]:
    """The cases the ``backend`` fixture takes, each with the reason it is skipped ("" if it runs).

    Unselected: every case of every available backend, best backend first (as
    ``available_backends()`` orders them).  Selected: the listed cases in the order given,
    an unavailable one with the reason its backend cannot run."""
    ids = requested_ids()
    if ids is None:
        return tuple((case, "") for name in _available_in_order() for case in CASES if case.name == name)
    out = []
    for case_id in ids:
        case = CASES_BY_ID[case_id]
        ok, why = _availability(case.name)
        out.append((case, "" if ok else f"backend '{case.name}' cannot run here: {why}"))
    return tuple(out)


def backend_names() -> List[str]:
    """Names of the backends that are available and selected, best first (no duplicates)."""
    return list(dict.fromkeys(case.name for case, why in backend_cases() if not why))


def missing_backends(*names: str) -> str:
    """Why the backends in ``names`` cannot all be tested here ("" when they can)."""
    selected = backend_names()
    why = []
    for name in names:
        if name not in selected:
            ok, reason = _availability(name)
            why.append(f"{name}: not selected by {TEST_BACKENDS_ENV}" if ok else f"{name}: {reason}")
    noun = "backend" if len(names) == 1 else "backends"
    return f"needs the {' and '.join(names)} {noun} ({'; '.join(why)})" if why else ""


def requires_backends(*names: str):
    """A skipif mark for tests that need every backend in ``names`` available and selected."""
    why = missing_backends(*names)
    return pytest.mark.skipif(bool(why), reason=why or "the backends are selected")


def pytest_configure(config):
    # (the markers, slow and backend_independent, are declared in pyproject.toml)
    requested_ids()   # an unknown name stops the run here, before collection


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("backend_independent"):
        # The ``backend`` fixture below gives these tests the C backend, unparametrised.
        return
    params = [pytest.param(case, id=case.id, marks=[pytest.mark.skip(reason=why)] if why else [])
              for case, why in backend_cases()]
    metafunc.parametrize("backend", params, scope="session")


@pytest.fixture(scope="session")
def backend():
    """The C backend, for tests marked ``backend_independent`` (other tests are parametrised)."""
    return C_CASE


def _is_loaded(model) -> bool:
    # GeNNModel has no public "loaded" flag (timestep reads 0 before load()), so this looks at
    # what load() creates and unload() drops: the one use of GeNNModel internals here.
    return model._runtime is not None


class ModelFactory:
    """``factory(name, precision="float", **kw)`` -> GeNNModel on ``backend`` (with the case's
    preferences); ``unload_all()`` unloads those of its models that are loaded."""

    def __init__(self, backend: BackendCase):
        self.backend = backend
        self.models = []

    def __call__(self, name, precision="float", **kw):
        model = self.backend.genn_model(precision, name, **kw)
        self.models.append(model)
        return model

    def unload_all(self):
        for model in self.models:
            if _is_loaded(model):
                model.unload()


@pytest.fixture
def make_model(backend):
    """Factory: ``make_model(name, precision="float", **kw)`` -> GeNNModel on ``backend`` (with the
    case's preferences).  Models still loaded at the end of the test are unloaded."""
    factory = ModelFactory(backend)
    yield factory
    factory.unload_all()


def build_load(model, tmp_path, n_rec=None):
    """Build ``model`` into ``tmp_path`` and load it."""
    model.build(path_to_model=str(tmp_path))
    model.load(num_recording_timesteps=n_rec)
    return model


@pytest.fixture(name="build_load")
def build_load_fixture():
    return build_load
