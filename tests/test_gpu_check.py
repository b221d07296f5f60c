"""The GPU check (benchmarks/gpu_check.sh and its Python parts) without a GPU: the script parses,
a check runs and writes its JSON line, and a run's results become a valid benchmark record and
summary (tables, test results, failures named).  The whole script runs end to end on PoCL as
described in benchmarks/README.md; that takes minutes, so it is not part of the suite."""
import json
import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
BENCHMARKS = os.path.join(os.path.dirname(HERE), "benchmarks")


def test_gpu_check_script_parses():
    if shutil.which("bash") is None:
        pytest.skip("no bash")
    result = subprocess.run(["bash", "-n", os.path.join(BENCHMARKS, "gpu_check.sh")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_machine_check_writes_its_line(tmp_path):
    out = tmp_path / "results.jsonl"
    env = dict(os.environ, GPU_CHECK_COMMIT="abc1234")
    result = subprocess.run([sys.executable, os.path.join(BENCHMARKS, "gpu_checks.py"), "machine", "--out", str(out),
                             "--build-root", str(tmp_path / "build")], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    line, = [json.loads(x) for x in out.read_text().splitlines()]
    assert line["kind"] == "check" and line["check"] == "machine" and line["commit"] == "abc1234"
    assert line["cores"] == os.cpu_count() and "single_threaded_cpu" in line["backends"]
    assert "CHECK machine: INFO" in result.stdout


def _bench(backend, scale, variant, ok=True, **extra):
    r = {"kind": "bench", "backend": backend, "scale": scale, "variant": variant, "ok": ok, "prefs": {},
         "device": f"{backend} device"}
    if ok:
        r.update(build_s=12.5, load_s=3.25, rtf_example=0.4321, run_s=0.5, pull_s=0.01, decode_s=0.02,
                 rtf_run_only=0.3, us_per_step_run_only=30.0, rates_hz={"23E": 0.8, "4E": 4.5},
                 rates_within_20pct_of_pygenn_0p1=True, silent=False, **extra)
    else:
        r["error"] = "Traceback ...\nRuntimeError: CUDA driver call cuLaunchKernel failed"
    return r


def test_results_become_a_record_and_a_summary(tmp_path):
    sys.path.insert(0, BENCHMARKS)
    try:
        import gpu_summary
    finally:
        sys.path.remove(BENCHMARKS)
    from pygenn_cl.bench.records import validate_record
    lines = [{"kind": "run", "date": "2026-11-28T20:00:00+00:00", "commit": "abc1234", "budget_s": 420,
              "command": "GPU_CHECK_BUDGET=420 GPU_CHECK_SCALES='0.1 1.0' bash benchmarks/gpu_check.sh .whl"},
             {"kind": "check", "check": "machine", "ok": None, "cpu": "Xeon", "cores": 16, "memory_gib": 128.0,
              "python": "3.12.3", "gpu": "NVIDIA H200, 580.1, 143771 MiB, 9.0", "pygenn_cl": "0.1.0"},
             {"kind": "check", "check": "graphs", "ok": True, "graph_launches": 9, "graphs_equal_plain": True},
             {"kind": "check", "check": "cuda_context", "ok": False, "problems": ["x"],
              "error": "Traceback\nRuntimeError: boom"},
             _bench("cuda", 1.0, "plain"),
             _bench("cuda", 1.0, "timing", neuron_update_us_per_step=12.0, synapse_kernels_us_per_step=20.0),
             _bench("opencl", 1.0, "plain", ok=False)]
    (tmp_path / "results.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    (tmp_path / "pytest_cuda.log").write_text(
        "FAILED tests/test_neurons.py::test_lif[cuda] - AssertionError: x\n"
        "=================== 1 failed, 300 passed, 5 skipped in 99.00s ===================\n")
    (tmp_path / "pytest_opencl.log").write_text("skipped: opencl unavailable\n")
    record = gpu_summary.make_gpu_record(str(tmp_path), "first run")
    validate_record(record, "gpu record")
    assert record["command"] == lines[0]["command"] and record["date"] == lines[0]["date"]
    assert record["machine"]["gpu"].startswith("NVIDIA H200") and record["machine"]["cores"] == 16
    assert record["data"]["commit"] == "abc1234"
    bench_rows = record["tables"][0]["rows"]
    assert [row[:3] for row in bench_rows] == [["cuda", "1", "plain"], ["cuda", "1", "timing"],
                                               ["opencl", "1", "plain"]]
    assert bench_rows[0][5]["value"] == 0.4321 and bench_rows[1][8][0]["value"] == 12.0
    assert "cuLaunchKernel failed" in bench_rows[2][5]
    checks = {row[0]: row[1] for row in record["tables"][1]["rows"]}
    assert checks == {"graphs": "ok", "cuda_context": "**FAIL**"}
    assert any("1 failed, 300 passed" in note and "test_lif[cuda]" in note for note in record["notes"])
    text = gpu_summary.summary(str(tmp_path))
    assert "FAIL cuda_context" in text and "ERROR: RuntimeError: boom" in text
    assert "tests/test_neurons.py::test_lif[cuda]" in text and "skipped: opencl unavailable" in text
    assert "opencl      1 plain      FAILED: RuntimeError: CUDA driver call cuLaunchKernel failed" in text
