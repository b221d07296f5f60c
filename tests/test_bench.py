"""The benchmark suite's command (``python -m pygenn_cl.bench``): what it runs and reports.

Timings are never asserted; these tests check that the suite runs the models it names,
with the builds it names, and that what it reports about the machine is right.
"""
import json

import pytest

from pygenn_cl import GeNNModel
from pygenn_cl.bench import __main__ as bench
from pygenn_cl.bench.machine import _simd


def test_c_flags_variant_runs_the_same_model_built_differently(tmp_path):
    out = tmp_path / "bench.json"
    rc = bench.main(["--backends", "single_threaded_cpu", "--suite", "microcircuit", "--scale", "0.02",
                     "--duration", "100", "--no-cold", "--out", str(out), "--c-flags=-O1"])
    assert rc == 0
    results = json.loads(out.read_text())
    runs = {(r["backend"], r["mode"]): r for r in results["microcircuit"]}
    assert set(runs) == {(label, mode) for label in ("single_threaded_cpu", "single_threaded_cpu[-O1]")
                         for mode in ("recording", "none")}
    assert runs["single_threaded_cpu[-O1]", "recording"]["preferences"] == {"user_cxx_flags_gnu": "-O1"}
    assert runs["single_threaded_cpu", "recording"]["preferences"] == {}
    # -O1 and -O3 keep IEEE semantics (no fast-math, no contraction): the same spikes.
    plain, variant = runs["single_threaded_cpu", "recording"], runs["single_threaded_cpu[-O1]", "recording"]
    assert plain["spikes"] > 0
    assert variant["spikes"] == plain["spikes"]
    assert variant["synaptic_events"] == plain["synaptic_events"]
    assert variant["rates_hz"] == plain["rates_hz"]
    ratios = results["summary"]["backend_vs_c_sim_ratio"]
    assert set(ratios) == {"single_threaded_cpu[-O1]/0.02/recording", "single_threaded_cpu[-O1]/0.02/none"}
    assert results["config"]["c_flags"] == "-O1"


def test_c_flags_reach_gcc_through_the_suite(tmp_path):
    out = tmp_path / "bench.json"
    bench.main(["--backends", "single_threaded_cpu", "--suite", "microcircuit", "--scale", "0.02",
                "--duration", "20", "--no-cold", "--out", str(out), "--c-flags=-fno-such-option-pygenn"])
    results = json.loads(out.read_text())
    failed = results["failed_runs"]
    assert len(failed) == 2, failed                        # recording on and off
    assert all("BuildError" in why and "-fno-such-option-pygenn" in why for why in failed), failed
    # the variant failing loses no other run: the plain C runs are in the results
    assert sorted((r["backend"], r["mode"]) for r in results["microcircuit"]) == \
        [("single_threaded_cpu", "none"), ("single_threaded_cpu", "recording")]


def test_user_cxx_flags_reach_the_c_compiler():
    model = GeNNModel("float", "flags", backend="single_threaded_cpu", user_cxx_flags_gnu="-O1 -mno-avx512f")
    assert model._backend.flags()[-2:] == ["-O1", "-mno-avx512f"]


def test_machine_description_names_the_widest_vector_set_numpy_detects():
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:  # numpy < 2
        from numpy.core._multiarray_umath import __cpu_features__ as features
    expected = next((name for key, name in (("AVX512F", "avx512f"), ("AVX2", "avx2"), ("AVX", "avx"),
                                            ("SSE42", "sse4_2"))
                     if features.get(key)), None)
    if expected is None:
        pytest.skip("not an x86 CPU with SSE4.2 or wider")
    assert _simd() == expected


def _bench_step_script():
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_step.py"
    spec = importlib.util.spec_from_file_location("bench_step", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_step_times_the_microcircuit_with_and_without_its_projections(tmp_path):
    from pygenn_cl.bench.common import microcircuit_module
    pd14 = microcircuit_module()
    script = _bench_step_script()
    params, _ = pd14.load_params()
    scale = 0.02
    runs = {}
    for extra in ([], ["--neurons-only", "--no-record", "--timing"]):
        out = tmp_path / f"step{len(extra)}.json"
        assert script.main(["--backend", "single_threaded_cpu", "--scale", str(scale), "--steps", "20",
                            "--repeats", "2", "--pref", "optimize_code=true", "--out", str(out)] + extra) == 0
        runs[bool(extra)] = json.loads(out.read_text())
    for r in runs.values():
        assert r["neurons"] == sum(round(n * scale) for n in params["num_neurons"].values())
        assert len(r["us_per_step"]) == 2 and r["best_us_per_step"] == min(r["us_per_step"])
        assert r["preferences"] == {"optimize_code": True}
    assert runs[False]["synapse_populations"] == len(pd14.num_synapses(params, scale, scale)) > 0
    assert runs[True]["synapse_populations"] == 0
    assert (runs[False]["recording"], runs[True]["recording"]) == (True, False)
    assert runs[False]["kernel_us_per_step"] is None
    kernels = runs[True]["kernel_us_per_step"]
    # with no projections there is nothing to propagate: the neuron update is most of the step
    assert kernels["presynaptic_update"] < kernels["neuron_update"] <= max(runs[True]["us_per_step"])


@pytest.mark.parametrize("text, parsed", [("block_size=64", ("block_size", 64)), ("device=Intel", ("device", "Intel")),
                                          ("cuda_graphs=false", ("cuda_graphs", False))])
def test_bench_step_preferences_parse_as_json_else_text(text, parsed):
    assert _bench_step_script().parse_preference(text) == parsed


def test_peer_workloads_run_the_same_script_on_pygenn_cl_and_skip_a_missing_pygenn(tmp_path):
    """The peers suite runs genn_workloads.py (PyGeNN's API) in fresh processes: on pygenn_cl through
    pygenn_cl.compat, and with an interpreter that lacks PyGeNN it reports the peer as skipped."""
    import sys

    from pygenn_cl.bench.common import BenchSkipped
    from pygenn_cl.bench.peers import Simulator, summary_table
    spec = {"workload": "stdp", "duration_ms": 20.0, "num_inputs": 50, "num_outputs": 5, "rate_hz": 200.0}
    ours = Simulator("pygenn_cl single_threaded_cpu", [sys.executable, "-m", "pygenn_cl.compat"],
                     "single_threaded_cpu", {}, "pygenn_cl")
    r = ours.run("stdp", spec, str(tmp_path), seed=3)
    assert r["simulator"] == "pygenn_cl" and r["steps"] == 200
    assert r["spikes"]["Input"] > 0 and r["sim_s"] >= 0.0 and r["load_s"] >= 0.0
    assert 0.0 <= r["mean_weight"] <= 0.02
    missing = Simulator("PyGeNN single_threaded_cpu", [sys.executable], "single_threaded_cpu", {}, "pygenn")
    with pytest.raises(BenchSkipped, match="PYGENN_UNAVAILABLE"):
        missing.run("stdp", spec, str(tmp_path), seed=3)
    rows = {row["key"]: row for row in summary_table({"pygenn_cl single_threaded_cpu": {"stdp": [r]},
                                                      "Brian2 cpp_standalone": {"stdp": [dict(r, sim_s=2 * r["sim_s"] + 1)]}},
                                                     {})}
    assert rows["stdp_sim"]["target"] and rows["stdp_sim"]["best_ratio"] < 1.0
    assert rows["rebuild"]["best_ratio"] is None
