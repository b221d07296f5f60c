"""The test suite's own backend parametrisation (conftest.py): the cases reach the backend with
their preferences, and PYGENN_CL_TEST_BACKENDS selects cases, rejects unknown ones and skips
unavailable ones with the reason."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

import conftest
from conftest import TEST_BACKENDS_ENV

REPO = Path(__file__).resolve().parents[1]


def test_case_reaches_the_backend_with_its_preferences(make_model, backend):
    model = make_model("case")
    assert model.backend_name == backend.name
    for key, value in backend.preferences.items():
        assert getattr(model._backend, key) == value, key


def test_make_model_unloads_the_loaded_models(tmp_path):
    factory = conftest.ModelFactory(conftest.C_CASE)
    models = [factory(f"m{i}") for i in range(3)]
    for i, model in enumerate(models):
        model.add_neuron_population("p", 2, "Poisson", {"rate": 10.0}, {"timeStepToSpike": 0.0})
        if i < 2:
            conftest.build_load(model, tmp_path / str(i))
    models[1].unload()              # unloaded by the test itself, and models[2] never loaded
    models[0].step_time()
    factory.unload_all()
    for model in models:
        with pytest.raises(RuntimeError, match="not loaded"):
            model.step_time()


def test_gpu_layout_case():
    case = conftest.CASES_BY_ID["opencl-gpu-layout"]
    assert (case.name, case.preferences) == ("opencl", {"neurons_per_thread": 1, "block_size": 64})


@pytest.fixture
def selection(monkeypatch):
    """Set PYGENN_CL_TEST_BACKENDS (and fake backend availability) for conftest's functions."""
    from pygenn_cl import backends

    def select(text, unavailable=()):
        monkeypatch.setenv(TEST_BACKENDS_ENV, text)
        real = backends.availability
        monkeypatch.setattr(backends, "availability",
                            lambda name: (False, "faked away") if name in unavailable else real(name))
        conftest.backend_cases.cache_clear()
    yield select
    conftest.backend_cases.cache_clear()   # the monkeypatches are undone after this


def test_selection_keeps_the_order_given(selection):
    selection(" opencl-gpu-layout , single_threaded_cpu,opencl-gpu-layout")
    assert [case.id for case, _ in conftest.backend_cases()] == ["opencl-gpu-layout", "single_threaded_cpu"]


def test_unknown_name_is_a_usage_error(selection):
    selection("single_threaded_cpu,openCL")
    with pytest.raises(pytest.UsageError, match=r"unknown backend 'openCL'; known: cuda, opencl, "
                                                r"opencl-gpu-layout, single_threaded_cpu"):
        conftest.backend_cases()


def test_unavailable_case_is_skipped_with_the_reason(selection):
    selection("opencl,single_threaded_cpu", unavailable=("opencl",))
    assert conftest.backend_cases() == ((conftest.CASES_BY_ID["opencl"], "backend 'opencl' cannot run here: "
                                                                         "faked away"),
                                        (conftest.C_CASE, ""))
    assert conftest.backend_names() == ["single_threaded_cpu"]
    assert conftest.missing_backends("single_threaded_cpu") == ""
    assert conftest.missing_backends("opencl") == "needs the opencl backend (opencl: faked away)"


def test_unselected_backend_is_named(selection):
    selection("single_threaded_cpu")
    assert conftest.missing_backends("single_threaded_cpu", "opencl") == \
        f"needs the single_threaded_cpu and opencl backends (opencl: not selected by {TEST_BACKENDS_ENV})"


def _pytest(env_value, *args):
    env = dict(os.environ, **{TEST_BACKENDS_ENV: env_value})
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


def test_unknown_name_stops_the_run():
    result = _pytest("single_threaded_cpu,bogus", "--collect-only", "-q", "tests/test_readme.py")
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout + result.stderr
    assert "PYGENN_CL_TEST_BACKENDS: unknown backend 'bogus'" in result.stderr


def test_selection_narrows_the_collected_cases():
    result = _pytest("opencl-gpu-layout", "--collect-only", "-q", "tests/test_readme.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "tests/test_readme.py::test_readme_quickstart_runs[opencl-gpu-layout]" in result.stdout
    assert "1 test collected" in result.stdout
