"""The Potjans & Diesmann (2014) microcircuit example (examples/potjans_microcircuit.py).

The slow test compares the mean rate of every population at neuron and
connectivity scale 0.1 with the rates PyGeNN 5.4.0 measured for the same
down-scaled model (tests/data/pd14.json, a copy of the project's reference file).
"""
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "examples"))

import potjans_microcircuit as pd14  # noqa: E402

PD14_JSON = REPO / "tests" / "data" / "pd14.json"
TOLERANCE = 0.20


def _expected_num_synapses(params, neuron_scale, connectivity_scale):
    """Total synapses: for every pair, k * (full-scale in-degree) * (scaled target size),
    with the full-scale count round(log(1-p) / log(1 - 1/(N_S N_T)))."""
    n = params["num_neurons"]
    total = 0
    for trg in params["populations"]:
        n_trg_scaled = int(round(n[trg] * neuron_scale))
        for src in params["populations"]:
            p = params["connection_probability"][trg][src]
            if p == 0.0:
                continue
            full = round(math.log(1.0 - p) / math.log(1.0 - 1.0 / (n[src] * n[trg])))
            total += round(connectivity_scale * full / n[trg] * n_trg_scaled)
    return total


def test_microcircuit_tiny_scale_builds_and_runs(backend, tmp_path):
    params, _ = pd14.load_params()
    details = pd14.run(backend.name, neuron_scale=0.01, connectivity_scale=0.01, duration=100.0, seed=1234,
                       build_dir=str(tmp_path), return_details=True, **backend.preferences)
    rates = details["rates"]
    assert set(rates) == set(params["populations"])
    for pop, rate in rates.items():
        assert np.isfinite(rate) and rate >= 0.0, (pop, rate)
    assert sum(rates.values()) > 0.0, "the network is silent"

    model = details["model"]
    built = sum(sg.get_sparse_pre_inds().size for sg in model.synapse_populations.values())
    expected = _expected_num_synapses(params, 0.01, 0.01)
    assert built == details["num_synapses"]
    assert abs(built - expected) <= 0.01 * expected, (built, expected)
    assert model.num_neurons == sum(int(round(params["num_neurons"][p] * 0.01))
                                    for p in params["populations"])
    model.unload()


def _assert_rates_match_pygenn(rates):
    with open(PD14_JSON) as f:
        reference = json.load(f)["downscaled_rates_measured_hz"]["pygenn_5.4.0"]
    report = ", ".join(f"{p}: {rates[p]:.2f} (ref {reference[p]:.2f})" for p in reference)
    for pop, ref in reference.items():
        assert abs(rates[pop] - ref) <= TOLERANCE * ref, f"{pop} off by more than 20%: {report}"


@pytest.mark.slow
def test_microcircuit_rates_match_pygenn(backend, tmp_path):
    """On every backend case; opencl-gpu-layout runs the kernels GPUs run (one neuron and one row
    position per thread in blocks of 64; the CUDA backend shares their text)."""
    _assert_rates_match_pygenn(pd14.run(backend.name, neuron_scale=0.1, connectivity_scale=0.1, duration=1000.0,
                                        seed=1234, build_dir=str(tmp_path), **backend.preferences))


def test_procedural_microcircuit_spikes_are_the_sparse_ones(tmp_path, capsys):
    """--procedural regenerates every row, weight and delay from the numbers SPARSE initialisation
    draws, so on the C backend (which adds inputs in the same order with either) the spikes are the
    same, spike for spike, in a model of 0.3 % of the memory."""
    runs = {}
    for procedural in (False, True):
        runs[procedural] = pd14.run("single_threaded_cpu", neuron_scale=0.02, connectivity_scale=0.02,
                                    duration=300.0, seed=77, build_dir=str(tmp_path / str(procedural)),
                                    return_details=True, procedural=procedural)
    total = 0
    for pop, (times, ids) in runs[False]["spikes"].items():
        np.testing.assert_array_equal(runs[True]["spikes"][pop][0], times)
        np.testing.assert_array_equal(runs[True]["spikes"][pop][1], ids)
        total += len(times)
    assert total > 100, "the network is (nearly) silent"
    assert runs[True]["memory_bytes"] < runs[False]["memory_bytes"] / 4
    assert {sg.matrix_type.name for sg in runs[True]["model"].synapse_populations.values()} == {"PROCEDURAL"}
    for details in runs.values():
        details["model"].unload()


@pytest.mark.slow
def test_procedural_microcircuit_rates_match_pygenn(backend, tmp_path):
    """PROCEDURAL connectivity at scale 0.1 on every backend case: rates within 20 % of PyGeNN's."""
    _assert_rates_match_pygenn(pd14.run(backend.name, neuron_scale=0.1, connectivity_scale=0.1, duration=1000.0,
                                        seed=1234, build_dir=str(tmp_path), procedural=True,
                                        **backend.preferences))


@pytest.mark.parametrize("example", ["potjans_microcircuit", "izhikevich_pavlovian"])
def test_embedded_parameters_match_the_reference_data(example):
    """The examples read the project's reference file when it is beside the repository and an
    embedded copy otherwise (a fresh clone): both must give the same model."""
    import importlib
    module = importlib.import_module(example)
    embedded = json.loads(json.dumps(module._EMBEDDED_PARAMS))
    reference = json.loads((REPO / "tests" / "data" / module.PARAMS_PATH.name).read_text())

    def differences(copy, full, path):
        # every value of the embedded copy, at any depth, is the reference's (which also has notes)
        if isinstance(copy, dict) and isinstance(full, dict):
            return [d for key in copy for d in differences(copy[key], full.get(key), f"{path}/{key}")]
        return [] if copy == full else [f"{path}: {copy!r} != {full!r}"]
    assert len(embedded) > 5
    assert not differences(embedded, reference, ""), differences(embedded, reference, "")


def test_save_data_writes_the_recorded_spikes_as_csv_and_npz(tmp_path, capsys):
    args = ["--backend", "single_threaded_cpu", "--neuron-scale", "0.01", "--connectivity-scale", "0.01",
            "--duration", "200", "--build-dir", str(tmp_path / "build")]
    assert pd14.main(args + ["--save-data", str(tmp_path / "spikes.csv")]) == 0
    assert pd14.main(args + ["--save-data", str(tmp_path / "spikes")]) == 0
    assert f"Spikes saved to {tmp_path / 'spikes.npz'}" in capsys.readouterr().out

    arrays = np.load(tmp_path / "spikes.npz")
    rows = (tmp_path / "spikes.csv").read_text().splitlines()
    assert rows[0] == "population,time_ms,neuron_id"
    table = [r.split(",") for r in rows[1:]]
    times = np.array([float(t) for _, t, _ in table])
    assert np.all(np.diff(times) >= 0.0), "CSV rows are not in time order"
    params, _ = pd14.load_params()
    total = 0
    for pop in params["populations"]:
        # The same seed: both files hold the same spikes, within 200 ms, of neurons that exist.
        csv_spikes = sorted((float(t), int(i)) for p, t, i in table if p == pop)
        npz_spikes = sorted(zip(np.round(arrays[f"{pop}_times"], 3).tolist(), arrays[f"{pop}_ids"].tolist()))
        assert csv_spikes == npz_spikes, pop
        assert all(0.0 <= t < 200.0 and 0 <= i < int(arrays[f"{pop}_size"]) for t, i in csv_spikes)
        total += len(csv_spikes)
    assert total > 0, "the network is silent"
