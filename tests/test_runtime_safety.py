"""The runtime's safety: calls into an unloaded model raise instead of crashing, and Ctrl-C
stops a long ``run_steps`` promptly, leaving the model usable.

The checks that would crash (or hang) if the runtime regressed run in a subprocess, so
that a segmentation fault fails one test instead of killing pytest.
"""
import json
import os
import subprocess
import sys
import textwrap

import pytest

MODEL = textwrap.dedent("""
    import gc, json, os, signal, sys, threading, time
    import numpy as np
    import pygenn_cl as pg

    (backend, prefs), path = json.loads(sys.argv[1]), sys.argv[2]
    LIF = {"C": 0.2, "TauM": 20.0, "Vrest": -60.0, "Vreset": -60.0, "Vthresh": -50.0,
           "Ioffset": 0.0, "TauRefrac": 2.0}
    HALVE = pg.create_custom_update_model("halve", var_refs=[("x", "scalar")], update_code="x *= 0.5;")


    def small_model(name):
        model = pg.GeNNModel("float", name, backend=backend, **prefs)
        model.seed = 3
        pop = model.add_neuron_population("pop", 100, "LIF", {**LIF, "Ioffset": 0.1},
                                          {"V": -60.0, "RefracTime": 0.0})
        model.add_custom_update("halveV", "Halve", HALVE, {}, {}, {"x": pg.create_var_ref(pop, "V")})
        model.build(path)
        model.load()
        return model


    def outcome(call, *args):
        try:
            call(*args)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            return f"{type(exc).__name__}: {exc}"
        return "ok"


    def report(results):
        print("RESULTS " + json.dumps(results))
""")

SAFETY_SCRIPT = MODEL + textwrap.dedent("""
    results = {}
    for action in ("unload", "build", "load"):
        model = small_model("safety")
        stepper = model._stepper
        kept = {"model.step_time": (model.step_time,), "model.run_steps": (model.run_steps, 10),
                "model.custom_update": (model.custom_update, "Halve"),
                "stepper.step_time": (stepper.step_time,), "stepper.run_steps": (stepper.run_steps, 10),
                "stepper.run_steps(progress)": (stepper.run_steps, 10, lambda n: None),
                "stepper.initialize": (stepper.initialize,),
                "stepper.initialize_sparse": (stepper.initialize_sparse,),
                "stepper.custom_update": (stepper.custom_update, 0)}
        assert all(outcome(*call) == "ok" for call in kept.values())  # all usable while loaded
        if action == "unload":
            model.unload()
        elif action == "build":
            model.build(path)
        else:
            model.load()
        results[action] = {name: outcome(*call) for name, call in kept.items()}
        results[action]["stepper.close() again"] = outcome(stepper.close)
        results[action]["timestep"] = stepper.timestep
        model.unload()

    # the stepper keeps the model's memory alive: a bound step_time outlives the GeNNModel
    model = small_model("keepalive")
    step, run = model.step_time, model._stepper.run_steps
    del model
    gc.collect()
    results["after del"] = [outcome(step), outcome(run, 100)]

    # unloading (or stepping) while run_steps runs in another thread raises; nothing is freed
    model = small_model("busy")
    steps = 10000
    for attempt in range(8):
        start, done = model.timestep, threading.Event()

        def work():
            model.run_steps(steps)
            done.set()

        worker = threading.Thread(target=work)
        worker.start()
        while model.timestep == start and not done.is_set():  # until run_steps is in its loop
            time.sleep(0.001)
        busy = [outcome(model.unload), outcome(model.step_time)]
        during_run = not done.is_set()  # both calls were made while run_steps ran
        worker.join()
        if during_run:
            break
        steps *= 10  # the run was over too soon: again, longer
        if model._stepper is None:
            model.load()
    results["busy"] = [during_run] + busy
    results["after busy"] = [model.timestep == start + steps, outcome(model.run_steps, 10), outcome(model.unload),
                             outcome(model.run_steps, 10)]
    report(results)
""")

CTRL_C_SCRIPT = MODEL + textwrap.dedent("""
    def big_model():
        # 20,000 LIF neurons driven by Poisson input: run_steps(10**9) would take hours
        model = pg.GeNNModel("float", "ctrlc", backend=backend, **prefs)
        model.seed = 11
        stim = model.add_neuron_population("stim", 100, "Poisson", {"rate": 50.0}, {"timeStepToSpike": 0.0})
        lif = model.add_neuron_population("lif", 20000, "LIF", {**LIF, "Ioffset": 0.05},
                                          {"V": pg.init_var("Uniform", {"min": -60.0, "max": -50.0}),
                                           "RefracTime": 0.0})
        # weights exact in float: the order of (atomic) additions cannot change the sums
        model.add_synapse_population("syn", "SPARSE", stim, lif,
                                     pg.init_weight_update("StaticPulse", {}, {"g": 0.25}),
                                     pg.init_postsynaptic("ExpCurr", {"tau": 5.0}),
                                     pg.init_sparse_connectivity("FixedProbability", {"prob": 0.1}))
        model.build(path)
        model.load()
        return model


    def state(model):
        out = {}
        for pop, var in (("lif", "V"), ("lif", "RefracTime"), ("stim", "timeStepToSpike")):
            v = model.neuron_populations[pop].vars[var]
            v.pull_from_device()
            out[f"{pop}.{var}"] = v.values.copy()
        return out


    def interrupt(model, progress):
        sent = []

        def fire():
            sent.append(time.perf_counter())
            os.kill(os.getpid(), signal.SIGINT)

        timer = threading.Timer(0.3, fire)
        before = model.timestep
        timer.start()
        try:
            model.run_steps(10**9, progress=progress)
        except KeyboardInterrupt:
            caught = time.perf_counter()
        else:
            raise AssertionError("run_steps(10**9) finished")
        timer.join()
        return {"latency": caught - sent[0], "steps": model.timestep - before}


    model = big_model()
    results = {"plain": interrupt(model, False)}
    model.run_steps(25)
    model.step_time()
    results["progress"] = interrupt(model, True)
    model.run_steps(10)
    for _ in range(3):
        model.step_time()
    total = model.timestep
    interrupted = state(model)
    model.unload()

    fresh = big_model()
    fresh.run_steps(total)
    results["total"] = [total, fresh.timestep]
    expected = state(fresh)
    results["differences"] = {name: int(np.sum(interrupted[name] != expected[name])) for name in expected}
    results["spikes"] = int(np.sum(expected["lif.RefracTime"] > 0))
    report(results)
""")


def _run(script, backend, tmp_path, timeout=120):
    case = json.dumps([backend.name, backend.preferences])
    result = subprocess.run([sys.executable, "-c", script, case, str(tmp_path)], capture_output=True,
                            text=True, timeout=timeout, cwd=str(tmp_path))
    assert result.returncode == 0, f"exit status {result.returncode}\n{result.stdout}\n{result.stderr[-3000:]}"
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULTS ")]
    assert lines, result.stdout + result.stderr[-3000:]
    return json.loads(lines[-1][len("RESULTS "):])


UNLOADED = "RuntimeError: the model was unloaded; call load() again"
NOT_LOADED = "RuntimeError: {}: the model is not loaded; call build() and load() first"


def test_calls_after_unload_raise(backend, tmp_path):
    results = _run(SAFETY_SCRIPT, backend, tmp_path)
    for action in ("unload", "build", "load"):
        got = results[action]
        # what was bound to the stepper (model.step_time is the stepper's method) raises
        for name in ("model.step_time", "stepper.step_time", "stepper.run_steps", "stepper.run_steps(progress)",
                     "stepper.initialize", "stepper.initialize_sparse", "stepper.custom_update"):
            assert got[name] == UNLOADED, (action, name, got[name])
        assert got["stepper.close() again"] == "ok"
        assert got["timestep"] == 32  # the steps done while loaded: 1 + 10 + 1 + 10 + 10
        # the model's own methods follow the model: not loaded, or loaded again
        if action == "load":
            assert got["model.run_steps"] == got["model.custom_update"] == "ok"
        else:
            assert got["model.run_steps"] == NOT_LOADED.format("run_steps")
            assert got["model.custom_update"] == NOT_LOADED.format("custom_update")
    assert results["after del"] == ["ok", "ok"]
    during_run, unload, step = results["busy"]
    assert during_run
    assert unload.startswith("RuntimeError: cannot unload: the model is running in another thread"), unload
    assert step.startswith("RuntimeError: the model is running in another thread"), step
    assert results["after busy"] == [True, "ok", "ok", NOT_LOADED.format("run_steps")]


def test_ctrl_c_interrupts_run_steps(backend, tmp_path):
    results = _run(CTRL_C_SCRIPT, backend, tmp_path)
    for how in ("plain", "progress"):
        assert results[how]["latency"] < 0.5, results
        assert results[how]["steps"] > 0, results
    total, fresh = results["total"]
    assert total == fresh == results["plain"]["steps"] + results["progress"]["steps"] + 25 + 1 + 10 + 3
    assert results["spikes"] > 0  # the comparison covers spiking neurons
    assert all(n == 0 for n in results["differences"].values()), results["differences"]


def test_opencl_error_names():
    pytest.importorskip("pyopencl")
    from pygenn_cl.steppers import opencl_error_name
    assert opencl_error_name(-5) == "CL_OUT_OF_RESOURCES"
    assert opencl_error_name(-36) == "CL_INVALID_COMMAND_QUEUE"
    assert opencl_error_name(-54) == "CL_INVALID_WORK_GROUP_SIZE"
    assert opencl_error_name(-12345) == "an unknown OpenCL error"


def test_steppers_importable_from_one_place():
    from pygenn_cl import steppers
    for name in ("SharedLibraryModel", "OpenCLStepper", "CUDAStepper"):
        assert issubclass(getattr(steppers, name), steppers.Stepper)
