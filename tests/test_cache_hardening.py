"""The build cache under concurrency, corruption, other users and unusable folders.

Compiled libraries are built under a lock into a private temporary file, published by a
rename with a checksum beside them and deliberate modes, and verified when reused; pickled
models carry a checksum; temporary files of processes that died are swept; folders that
cannot be used fall back to a private one with a warning (see pygenn_cl/cache_files.py).
These tests use the C backend (the cache of OpenCL programs is PyOpenCL's).
"""
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

import numpy as np
import pytest

import helpers as h
from conftest import requires_backends

pytestmark = pytest.mark.backend_independent

SCRIPT = """
import sys
import pygenn_cl as pg
m = pg.GeNNModel("float", "shared", backend=sys.argv[2])
p = m.add_neuron_population("p", 4, "LIF", {params!r}, {{"V": -70.0, "RefracTime": 0.0}})
m.build(path_to_model=sys.argv[1])
m.load()
m.run_steps(20)
print("V =", p.vars["V"].values.tolist())
"""
PARAMS = {**h.LIF_PARAMS, "Ioffset": 1.0}


def _wrapper(folder, body):
    """A C compiler command that runs ``body`` (sh) for library builds, and is cc otherwise."""
    path = os.path.join(folder, "cc-wrapper")
    with open(path, "w") as f:
        f.write("#!/bin/sh\ncase \" $* \" in *\" -shared \"*) " + body + ";; esac\nexec cc \"$@\"\n")
    os.chmod(path, 0o755)
    return path


def _run_script(build_dir, env, backend="single_threaded_cpu", wait=True, **popen):
    args = [sys.executable, "-c", SCRIPT.format(params=PARAMS), str(build_dir), backend]
    full_env = {**os.environ, **env}
    if not wait:
        return subprocess.Popen(args, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                **popen)
    return subprocess.run(args, env=full_env, capture_output=True, text=True, timeout=300, **popen)


def _model(backend, name="cached"):
    model = backend.genn_model("float", name)
    pop = model.add_neuron_population("p", 4, "LIF", dict(PARAMS), {"V": -70.0, "RefracTime": 0.0})
    return model, pop


def _run(model, pop, build_dir):
    model.build(path_to_model=str(build_dir))
    model.load()
    model.run_steps(20)
    values = pop.vars["V"].values.copy()
    model.unload()
    return values


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh cache folder for the test (the model cache's memory forgotten)."""
    from pygenn_cl import model_cache
    folder = tmp_path / "cache"
    monkeypatch.setenv("PYGENN_CL_CACHE_DIR", str(folder))
    monkeypatch.delenv("PYGENN_CL_NO_CACHE", raising=False)
    model_cache.clear_memory()
    yield folder
    model_cache.clear_memory()


def _libraries(cache):
    return sorted(p for p in (cache / "c").iterdir() if p.suffix == ".so")


def test_sources_are_replaced_not_rewritten(tmp_path):
    """A compiler of another process reading the source while it is written again reads the
    old file or the new one, never a truncated one (3 of 80 simultaneous builds failed)."""
    from pygenn_cl.backends.base import write_sources
    write_sources({"m.c": "old " * 1000}, str(tmp_path))
    with open(tmp_path / "m.c") as reader:
        write_sources({"m.c": "new " * 1000}, str(tmp_path))
        assert reader.read() == "old " * 1000
    assert (tmp_path / "m.c").read_text() == "new " * 1000


def test_two_processes_building_the_same_model_compile_it_once(tmp_path):
    """Two processes build the same model into the same folder at the same time: both succeed
    with the same results, and the second waits for the first's library instead of compiling."""
    count = tmp_path / "count"
    cc = _wrapper(str(tmp_path), f'echo x >> "{count}"; sleep 1')
    env = {"CC": cc, "PYGENN_CL_CACHE_DIR": str(tmp_path / "cache")}
    first = _run_script(tmp_path / "build", env, wait=False)
    second = _run_script(tmp_path / "build", env, wait=False)
    outs = [p.communicate(timeout=300) for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outs
    assert outs[0][0] == outs[1][0] and "V =" in outs[0][0]
    assert count.read_text().count("x") == 1


def test_corrupt_cached_library_is_rebuilt(backend, cache, tmp_path):
    reference = _run(*_model(backend), tmp_path)
    (library,) = _libraries(cache)
    size = library.stat().st_size
    with open(library, "r+b") as f:
        f.truncate(size // 2)
    assert np.array_equal(_run(*_model(backend), tmp_path), reference)
    (rebuilt,) = _libraries(cache)
    from pygenn_cl import cache_files
    assert rebuilt == library and rebuilt.stat().st_size == size and cache_files.verified(str(rebuilt))


def test_corrupt_cached_model_is_regenerated(backend, cache, tmp_path, monkeypatch):
    """A cached model whose bytes changed but still unpickles (here a changed entry point
    name in its source) is regenerated, not compiled."""
    from pygenn_cl import model_cache
    import pygenn_cl.codegen.generator as generator
    reference = _run(*_model(backend), tmp_path)
    (entry,) = (cache / "models").iterdir()
    data = entry.read_bytes()
    assert data.count(b"genn_step_time") >= 1
    entry.write_bytes(data.replace(b"genn_step_time", b"genn_step_tXme"))
    model_cache.clear_memory()
    calls = []
    real = generator.generate_model
    monkeypatch.setattr(generator, "generate_model", lambda *a: calls.append(1) or real(*a))
    assert np.array_equal(_run(*_model(backend), tmp_path), reference)
    assert calls == [1]


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_published_files_have_deliberate_modes(backend, cache, tmp_path, umask):
    """Libraries 0o755 and other files 0o644, less the umask: readable by others where the
    umask allows, never writable by group or others."""
    old = os.umask(umask)
    try:
        _run(*_model(backend, f"modes{umask}"), tmp_path)
    finally:
        os.umask(old)
    (library,) = _libraries(cache)
    files = [library, library.with_name(library.name + ".sha256"), *(cache / "models").iterdir(),
             *(tmp_path / f"modes{umask}_CODE").iterdir()]
    for path in files:
        mode = stat.S_IMODE(path.stat().st_mode)
        want = (0o755 if path == library else 0o644) & ~umask
        assert mode == want, (path.name, oct(mode), oct(want))


def _nobody():
    try:
        import pwd
        return pwd.getpwnam("nobody").pw_uid, pwd.getpwnam("nobody").pw_gid
    except (ImportError, KeyError):
        return None


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or _nobody() is None,
                    reason="acting as another user needs root (and a 'nobody' user)")
def test_another_user_reuses_the_shared_cache_or_falls_back(backend, monkeypatch):
    """A cache folder shared by two users: the second loads the first's library without
    compiling; a library it cannot read is rebuilt in a private folder, with a warning.  (The
    second user is this process with its effective user switched to 'nobody'.)"""
    from pygenn_cl import cache_files, model_cache
    uid, gid = _nobody()
    root = tempfile.mkdtemp(prefix="pygenn_cl-shared-")
    monkeypatch.setenv("PYGENN_CL_CACHE_DIR", os.path.join(root, "cache"))
    monkeypatch.setenv("CC", _wrapper(root, '[ -z "$ALLOW" ] && { echo COMPILING >&2; exit 1; }'))
    monkeypatch.setenv("ALLOW", "1")
    monkeypatch.setattr(cache_files, "_warned", [])

    def forget():
        model_cache.clear_memory()
        for cached in (cache_files.usable_directory, cache_files.sweep, cache_files.private_directory):
            cached.cache_clear()

    def as_nobody(step):
        os.setegid(gid)
        os.seteuid(uid)
        try:
            return step()
        finally:
            os.seteuid(0)
            os.setegid(0)
    try:
        os.chmod(root, 0o755)
        for folder in ("b1", "b2"):
            os.makedirs(os.path.join(root, folder))
            os.chmod(os.path.join(root, folder), 0o777)
        old = os.umask(0o022)
        try:
            forget()
            mine = _run(*_model(backend, "shared"), os.path.join(root, "b0"))
        finally:
            os.umask(old)
        monkeypatch.setenv("ALLOW", "")   # nobody compiles: the first user's library is loaded
        forget()
        theirs = as_nobody(lambda: _run(*_model(backend, "shared"), os.path.join(root, "b1")))
        assert np.array_equal(theirs, mine)
        (library,) = [p for p in os.listdir(os.path.join(root, "cache", "c")) if p.endswith(".so")]
        os.chmod(os.path.join(root, "cache", "c", library), 0o700)
        monkeypatch.setenv("ALLOW", "1")
        forget()
        with pytest.warns(RuntimeWarning, match="PYGENN_CL_CACHE_DIR"):
            theirs = as_nobody(lambda: _run(*_model(backend, "shared"), os.path.join(root, "b2")))
        assert np.array_equal(theirs, mine)
    finally:
        forget()
        shutil.rmtree(root, ignore_errors=True)


def test_unusable_folders_fall_back_or_say_what_to_set(backend, tmp_path, monkeypatch):
    from pygenn_cl import cache_files, model_cache
    from pygenn_cl.errors import BuildError
    monkeypatch.setattr(cache_files, "_warned", [])
    monkeypatch.setenv("PYGENN_CL_CACHE_DIR", "/proc/pygenn_cl_cannot_be_made")  # (not even by root)
    model_cache.clear_memory()
    with pytest.warns(RuntimeWarning, match="cannot use the cache folder /proc/pygenn_cl_cannot_be_made.*"
                                            "PYGENN_CL_CACHE_DIR"):
        values = _run(*_model(backend, "fallback"), tmp_path)
    assert np.all(np.isfinite(values)) and values[0] != -70.0
    model, _ = _model(backend, "nowhere")
    with pytest.raises(BuildError, match="/proc/pygenn_cl_nowhere.*path_to_model"):
        model.build(path_to_model="/proc/pygenn_cl_nowhere")
    model_cache.clear_memory()


def test_a_killed_build_leaves_no_temporary_file_behind(tmp_path):
    """A build killed while compiling leaves its temporary library in the cache; the next
    build into that folder removes it (its process is gone)."""
    cc = _wrapper(str(tmp_path), 'out=""; prev=""; for a in "$@"; do [ "$prev" = "-o" ] && out="$a"; prev="$a"; '
                                 'done; echo partial > "$out"; exec sleep 60')
    cache = tmp_path / "cache"
    child = _run_script(tmp_path / "b1", {"CC": cc, "PYGENN_CL_CACHE_DIR": str(cache)}, wait=False,
                        start_new_session=True)
    try:
        deadline = time.time() + 120
        while time.time() < deadline and not any(p.name.startswith(".tmp-") and p.suffix == ".so"
                                                 for p in (cache / "c").glob("*")):
            assert child.poll() is None, child.communicate()
            time.sleep(0.1)
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
    strays = [p for p in (cache / "c").iterdir() if p.name.startswith(".tmp-")]
    assert strays
    result = _run_script(tmp_path / "b2", {"PYGENN_CL_CACHE_DIR": str(cache)})
    assert result.returncode == 0, result.stderr
    assert not any(p.exists() for p in strays)


def test_stale_temporaries_of_other_hosts_go_after_a_day(tmp_path):
    from pygenn_cl import cache_files
    old = tmp_path / ".tmp-otherhost-123-abcd1234.so"
    new = tmp_path / ".tmp-otherhost-124-abcd1234.so"
    keep = tmp_path / "model_0123.so"
    for path in (old, new, keep):
        path.write_bytes(b"x")
    day_ago = time.time() - 2 * cache_files.STALE_SECONDS
    os.utime(old, (day_ago, day_ago))
    os.utime(keep, (day_ago, day_ago))
    assert cache_files.sweep.__wrapped__(str(tmp_path)) == 1
    assert not old.exists() and new.exists() and keep.exists()


@requires_backends("opencl")
@pytest.mark.parametrize("variable", ["POCL_CACHE_DIR", "XDG_CACHE_HOME"])
def test_unwritable_opencl_caches_still_find_the_device(tmp_path, variable):
    """PoCL found no device when its cache folder could not be written, and PyOpenCL failed
    at its first kernel when its (XDG) cache could not."""
    result = _run_script(tmp_path / "b", {variable: "/proc/pygenn_cl_ocl", "PYGENN_CL_CACHE_DIR":
                                          str(tmp_path / "cache")}, backend="opencl")
    assert result.returncode == 0, result.stderr
    assert "V =" in result.stdout and variable in result.stderr
