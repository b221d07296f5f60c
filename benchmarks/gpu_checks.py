#!/usr/bin/env python3
"""Targeted checks of pygenn_cl on a GPU, one per invocation (run by ``benchmarks/gpu_check.sh``):

    python benchmarks/gpu_checks.py NAME --out results.jsonl [--build-root DIR]

  machine        what ran: CPU, memory, Python, numpy, compiler, GPUs (nvidia-smi), OpenCL platforms
  cuda_context   the model's context handling on the real driver: two models, and a model beside
                 PyCUDA's own context and beside a user of the primary context; current context and
                 primary-context state after each step
  opencl_probe   OpenCL devices; does the compiler take _Pragma("unroll") and
                 __attribute__((opencl_unroll_hint)) under -cl-std=CL1.2, honour
                 '#pragma OPENCL FP_CONTRACT OFF', take a double compare-and-swap add
  smoke          the microcircuit at scale 0.01 for 100 ms on every GPU backend
  graphs         cuda_graphs=True gives exactly the cuda_graphs=False result (and step_time()'s),
                 with the graph launched many times; the C backend's result beside it
  timers         timing_enabled on every GPU backend: kernel times positive, within the wall time,
                 and the step time with timers against without
  dense_fusion   DENSE postsynaptic-parallel groups sharing a fused input buffer lose no addition
  launch_floor   us per step of 1-kernel and 2-kernel toy models (cuda, cuda+graphs, opencl)

Each appends JSON lines (kind "check") to --out and prints one line per result ("CHECK name: OK|FAIL|INFO").
Only public API and these internals are used: ``model._backend.describe_device()``,
``model._stepper.step_kinds``, ``model._stepper.stepper.uses_graphs`` / ``graph_launches`` (CUDA),
``model._stepper.context`` (CUDA: ``cuda_driver.PrimaryContext``) and ``model._runtime.layout``.
With ``GPU_CHECKS_ALLOW_CPU=1`` OpenCL CPU devices (PoCL) stand in for GPUs.
"""
import argparse
import json
import os
import subprocess
import sys
import time
import traceback

OUT = None
ARGS = None


def _plain(v):
    """numpy scalars -> Python numbers (for JSON)."""
    return v.item() if hasattr(v, "item") and not isinstance(v, (list, dict, str)) else str(v)


def emit(name, ok, **fields):
    ok = None if ok is None else bool(ok)
    rec = {"kind": "check", "check": name, "ok": ok, **fields}
    with open(OUT, "a") as f:
        f.write(json.dumps(rec, default=_plain) + "\n")
    short = {k: v for k, v in fields.items() if k not in ("log", "error", "detail")}
    print(f"CHECK {name}: {'OK' if ok else ('FAIL' if ok is False else 'INFO')} "
          f"{json.dumps(short, default=_plain)[:900]}", flush=True)
    if fields.get("error"):
        print(fields["error"][-2500:], file=sys.stderr, flush=True)


def gpu_backends():
    """The GPU backends available here (OpenCL on a CPU only with GPU_CHECKS_ALLOW_CPU)."""
    from pygenn_cl.backends import availability
    out = []
    for name in ("cuda", "opencl"):
        if not availability(name)[0]:
            continue
        if name == "opencl" and not os.environ.get("GPU_CHECKS_ALLOW_CPU"):
            from pygenn_cl.backends.opencl import select_device
            import pyopencl as cl
            if not select_device().type & cl.device_type.GPU:
                continue
        out.append(name)
    return out


def build_dir(*parts):
    path = os.path.join(ARGS.build_root, *parts)
    os.makedirs(path, exist_ok=True)
    return path


def microcircuit():
    sys.path.insert(0, os.path.join(ARGS.repo, "examples"))
    import potjans_microcircuit as pm
    return pm


# --------------------------------------------------------------------------------------------
def check_machine(args):
    from pygenn_cl.bench.machine import machine_description, opencl_runtime
    info = machine_description()
    info["opencl"] = opencl_runtime()
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total,compute_cap",
                              "--format=csv,noheader"], capture_output=True, text=True, timeout=30)
        info["gpu"] = "; ".join(line.strip() for line in out.stdout.splitlines() if line.strip()) or None
    except (OSError, subprocess.SubprocessError) as exc:
        info["gpu"] = None
        info["gpu_note"] = f"nvidia-smi: {exc}"
    try:
        info["nvcc"] = subprocess.run(["nvcc", "--version"], capture_output=True, text=True,
                                      timeout=30).stdout.strip().splitlines()[-1]
    except (OSError, subprocess.SubprocessError, IndexError):
        info["nvcc"] = None
    info["commit"] = os.environ.get("GPU_CHECK_COMMIT") or "unknown"
    from pygenn_cl.backends import BACKENDS, availability
    info["backends"] = {name: list(availability(name)) for name in BACKENDS}
    info["gpu_backends"] = gpu_backends()
    emit("machine", None, **info)


# --------------------------------------------------------------------------------------------
def _tiny(backend, label, **prefs):
    """A small LIF model; every label is the same network (one compilation, cached)."""
    import numpy as np
    import pygenn_cl as pg
    model = pg.GeNNModel("float", "ctx", backend=backend, **prefs)
    model.dt = 0.1
    pop = model.add_neuron_population("lif", 64, "LIF",
                                      {"C": 1.0, "TauM": 20.0, "Vrest": -70.0, "Vreset": -70.0, "Vthresh": -55.0,
                                       "Ioffset": 1.0, "TauRefrac": 2.0},
                                      {"V": np.linspace(-70.0, -56.0, 64), "RefracTime": 0.0})
    model.build(path_to_model=build_dir("context", label))
    model.load()
    return model, pop


def check_cuda_context(args):
    """The primary context stays retained while a model is loaded; the thread's current
    context after every call is what it was before; other CUDA users keep theirs."""
    if "cuda" not in gpu_backends():
        emit("cuda_context", None, skipped="cuda unavailable")
        return
    import ctypes
    import numpy as np
    import pycuda.driver as drv
    from pygenn_cl.backends.cuda import cuda_library_path
    from pygenn_cl.backends.cuda_driver import driver
    cu = driver(cuda_library_path())
    lib = cu.lib
    info, problems = {}, []

    def state():
        flags, active = ctypes.c_uint(), ctypes.c_int()
        lib.cuDevicePrimaryCtxGetState(ctypes.c_int(0), ctypes.byref(flags), ctypes.byref(active))
        return bool(active.value)

    def expect(label, current, active=None):
        now = cu.current_context()
        info[f"{label}_current"] = hex(now)
        if now != current:
            problems.append(f"{label}: current context {hex(now)}, expected {hex(current)}")
        if active is not None:
            info[f"{label}_primary_active"] = state()
            if state() != active:
                problems.append(f"{label}: primary context active {state()}, expected {active}")

    try:
        expect("start", 0)
        a, pop_a = _tiny("cuda", "ctx_a")
        b, pop_b = _tiny("cuda", "ctx_b")
        expect("two_loaded", 0, True)
        a.run_steps(100)
        b.run_steps(100)
        pop_a.vars["V"].pull_from_device()
        expect("after_steps", 0)
        a.unload()
        expect("one_unloaded", 0, True)
        b.run_steps(50)
        pop_b.vars["V"].pull_from_device()
        ok_b = bool(np.all(np.isfinite(pop_b.vars["V"].view)))
        if not ok_b:
            problems.append("the remaining model's V is not finite")
        b.unload()
        expect("both_unloaded", 0)
        info["primary_active_after_last_model"] = state()
        t0 = time.perf_counter()
        c, _ = _tiny("cuda", "ctx_c")
        info["load_after_release_s"] = time.perf_counter() - t0
        c.unload()
        # PyCUDA's own (non-primary) context current: the model must leave it current
        drv.init()
        own = drv.Device(0).make_context()
        try:
            theirs = cu.current_context()
            m, _ = _tiny("cuda", "ctx_user_own")
            expect("beside_own_loaded", theirs)
            m.run_steps(100)
            m.unload()
            expect("beside_own_unloaded", theirs)
        finally:
            drv.Context.pop()
            own.detach()
        # a user of the primary context (as the CUDA runtime, CuPy, PyTorch do it): its reference
        # and its current context survive a model's load and unload (driver calls, not PyCUDA's
        # detach, which would leave the released context current itself)
        handle = ctypes.c_void_p()
        cu.call("cuDevicePrimaryCtxRetain", ctypes.byref(handle), 0)
        cu.call("cuCtxPushCurrent_v2", handle)
        try:
            theirs = cu.current_context()
            m, _ = _tiny("cuda", "ctx_user_primary")
            m.run_steps(100)
            m.unload()
            expect("beside_primary_user", theirs, True)
        finally:
            popped = ctypes.c_void_p()
            cu.call("cuCtxPopCurrent_v2", ctypes.byref(popped))
            cu.call("cuDevicePrimaryCtxRelease", 0)
        expect("end", 0)
        emit("cuda_context", not problems, problems=problems, **info)
    except Exception:  # noqa: BLE001
        emit("cuda_context", False, problems=problems, error=traceback.format_exc(), **info)


# --------------------------------------------------------------------------------------------
def check_opencl_probe(args):
    import numpy as np
    import pyopencl as cl
    devices = [(p, d) for p in cl.get_platforms() for d in p.get_devices()]
    for p, d in devices:
        emit("opencl_device", None, platform=p.name.strip(), platform_version=p.version.strip(), device=d.name.strip(),
             version=d.version.strip(), opencl_c=getattr(d, "opencl_c_version", "?").strip(),
             driver=d.driver_version.strip(), type=cl.device_type.to_string(d.type),
             global_mem_gib=d.global_mem_size / 2**30, max_alloc_gib=d.max_mem_alloc_size / 2**30,
             max_work_group=d.max_work_group_size, address_bits=d.address_bits, fp64=bool(d.double_fp_config),
             extensions=sorted(e for e in d.extensions.split() if "atomic" in e or "fp64" in e))
    gpus = [(p, d) for p, d in devices if d.type & cl.device_type.GPU or os.environ.get("GPU_CHECKS_ALLOW_CPU")]
    if not gpus:
        emit("opencl_probe", False, error="no OpenCL GPU device")
        return
    p, d = gpus[0]
    ctx = cl.Context([d])
    q = cl.CommandQueue(ctx, d)

    def build(src, opts):
        try:
            prg = cl.Program(ctx, src).build(options=opts)
            try:
                log = prg.get_build_info(d, cl.program_build_info.LOG)
            except Exception:  # noqa: BLE001
                log = ""
            return prg, True, (log or "").strip()[-1500:]
        except Exception as exc:  # noqa: BLE001
            return None, False, str(exc)[-1500:]

    loop = """__kernel void k(__global float* x) { float s = 0.0f;
        %s for (int i = 0; i < 8; i++) { s += x[i]; } x[0] = s; }"""
    # what pygenn_cl emits (GENN_UNROLL_HINT): must build under CL1.2, warnings as errors too
    for label, hint, opts, must in (("pragma_CL1.2", '_Pragma("unroll")', ["-cl-std=CL1.2"], True),
                                    ("pragma_CL1.2_Werror", '_Pragma("unroll")', ["-cl-std=CL1.2", "-Werror"], None),
                                    ("attribute_CL1.2", "__attribute__((opencl_unroll_hint))", ["-cl-std=CL1.2"], None),
                                    ("attribute_CL3.0", "__attribute__((opencl_unroll_hint))", ["-cl-std=CL3.0"], None)):
        _, ok, log = build(loop % hint, opts)
        emit(f"opencl_unroll_{label}", ok if must else None, builds=ok, log=log, log_head=log[:300])

    fma_src = """%s
        __kernel void k(__global const float* a, __global const float* b, __global const float* c,
                        __global float* r) { r[get_global_id(0)] = a[0] * b[0] + c[0]; }"""
    a = np.array([1.0 + 2.0 ** -12], np.float32)
    c = np.array([-(1.0 + 2.0 ** -11)], np.float32)
    for label, pragma in (("pragma_off", "#pragma OPENCL FP_CONTRACT OFF"), ("default", "")):
        prg, ok, log = build(fma_src % pragma, ["-cl-std=CL1.2"])
        if not ok:
            emit(f"opencl_fp_contract_{label}", False, log=log)
            continue
        mf = cl.mem_flags
        ba = cl.Buffer(ctx, mf.READ_ONLY | mf.COPY_HOST_PTR, hostbuf=a)
        bc = cl.Buffer(ctx, mf.READ_ONLY | mf.COPY_HOST_PTR, hostbuf=c)
        br = cl.Buffer(ctx, mf.WRITE_ONLY, 4)
        prg.k(q, (1,), None, ba, ba, bc, br)
        r = np.empty(1, np.float32)
        cl.enqueue_copy(q, r, br)
        fused = float(r[0]) != 0.0
        emit(f"opencl_fp_contract_{label}", (not fused) if label == "pragma_off" else None,
             result=float(r[0]), fused=fused, note="0.0 = a*b rounded then added (C semantics); 5.96e-08 = fused FMA")

    cas = """#pragma OPENCL EXTENSION cl_khr_fp64 : enable
        #pragma OPENCL EXTENSION cl_khr_int64_base_atomics : enable
        __kernel void k(volatile __global double* x) {
            union { ulong u; double f; } o, n;
            do { o.f = *x; n.f = o.f + 1.0; } while (atom_cmpxchg((volatile __global ulong*)x, o.u, n.u) != o.u); }"""
    prg, ok, log = build(cas, ["-cl-std=CL1.2"])
    if ok:
        buf = cl.Buffer(ctx, cl.mem_flags.READ_WRITE | cl.mem_flags.COPY_HOST_PTR, hostbuf=np.zeros(1))
        prg.k(q, (65536,), (64,), buf)
        r = np.empty(1)
        cl.enqueue_copy(q, r, buf)
        emit("opencl_double_cas_add", float(r[0]) == 65536.0, result=float(r[0]), expected=65536.0)
    else:
        emit("opencl_double_cas_add", None if "fp64" not in d.extensions else False, log=log)


# --------------------------------------------------------------------------------------------
def check_smoke(args):
    pm = microcircuit()
    for backend in gpu_backends():
        t0 = time.perf_counter()
        try:
            d = pm.run(backend, neuron_scale=0.01, connectivity_scale=0.01, duration=100.0, seed=1234,
                       build_dir=build_dir("smoke"), return_details=True)
            ok = sum(d["rates"].values()) > 0 and all(r == r and r >= 0 for r in d["rates"].values())
            emit(f"smoke_{backend}", ok, device=d["device"], build_s=d["build_s"], load_s=d["load_s"],
                 sim_s=d["sim_s"], rates=d["rates"], wall_s=time.perf_counter() - t0)
            d["model"].unload()
        except Exception:  # noqa: BLE001
            emit(f"smoke_{backend}", False, error=traceback.format_exc())


# --------------------------------------------------------------------------------------------
def _state_model(backend, label, timing=False, **prefs):
    """Poisson -> LIF through SPARSE connectivity, spikes recorded; every label is the same
    network (cuda_graphs changes no code: one compilation per backend and timing)."""
    import pygenn_cl as pg
    model = pg.GeNNModel("float", "state", backend=backend, **prefs)
    model.dt = 0.1
    model.seed = 99
    model.timing_enabled = timing
    poi = model.add_neuron_population("poi", 130, "Poisson", {"rate": 80.0}, {"timeStepToSpike": 0.0})
    lif = model.add_neuron_population("lif", 70, "LIF",
                                      {"C": 1.0, "TauM": 20.0, "Vrest": -70.0, "Vreset": -70.0, "Vthresh": -55.0,
                                       "Ioffset": 0.5, "TauRefrac": 2.05},
                                      {"V": pg.init_var("Uniform", {"min": -70.0, "max": -56.0}), "RefracTime": 0.0})
    model.add_synapse_population("syn", "SPARSE", poi, lif,
                                 pg.init_weight_update("StaticPulseConstantWeight", {"g": 8.0}),
                                 pg.init_postsynaptic("DeltaCurr"),
                                 pg.init_sparse_connectivity("FixedProbability", {"prob": 0.2}))
    lif.spike_recording_enabled = True
    model.build(path_to_model=build_dir("state", backend, label))
    model.load(num_recording_timesteps=1000)
    return model, lif


def _final_state(model, lif, steps, stepwise=False):
    import numpy as np
    if stepwise:
        for _ in range(steps):
            model.step_time()
    else:
        model.run_steps(steps)
    lif.vars["V"].pull_from_device()
    lif.vars["RefracTime"].pull_from_device()
    model.pull_recording_buffers_from_device()
    t, i = lif.spike_recording_data[0]
    return (np.array(lif.vars["V"].values), np.array(lif.vars["RefracTime"].values),
            sorted(zip(np.rint(np.asarray(t) / model.dt).astype(int).tolist(), np.asarray(i).tolist())))


def check_graphs(args):
    import numpy as np
    if "cuda" not in gpu_backends():
        emit("graphs", None, skipped="cuda unavailable")
        return
    steps = 957  # nine graphs of 100 steps and a remainder
    results = {}
    try:
        for label, prefs, stepwise in (("plain", {}, False), ("graphs", {"cuda_graphs": True}, False),
                                       ("graphs_step_time", {"cuda_graphs": True}, True)):
            model, lif = _state_model("cuda", f"gr_{label}", **prefs)
            results[label] = _final_state(model, lif, steps, stepwise)
            results[label + "_launches"] = model._stepper.stepper.graph_launches
            model.unload()
        try:
            model, lif = _state_model("single_threaded_cpu", "gr_c")
            results["c"] = _final_state(model, lif, steps)
            model.unload()
        except Exception:  # noqa: BLE001
            results["c"] = None
        ref = results["plain"]

        def same(x):
            return bool(np.array_equal(x[0], ref[0]) and np.array_equal(x[1], ref[1]) and x[2] == ref[2])
        detail = {"spikes_plain": len(ref[2]), "graph_launches": results["graphs_launches"],
                  "graph_launches_step_time": results["graphs_step_time_launches"],
                  "graphs_equal_plain": same(results["graphs"]),
                  "step_time_equal_plain": same(results["graphs_step_time"])}
        if results["c"] is not None:
            c = results["c"]
            detail["cuda_vs_c_spikes_equal"] = c[2] == ref[2]
            detail["cuda_vs_c_max_abs_dV"] = float(np.max(np.abs(c[0] - ref[0])))
        emit("graphs", detail["graphs_equal_plain"] and detail["step_time_equal_plain"] and len(ref[2]) > 20
             and results["graphs_launches"] >= 9 and results["graphs_step_time_launches"] == 0, **detail)
    except Exception:  # noqa: BLE001
        emit("graphs", False, error=traceback.format_exc())


# --------------------------------------------------------------------------------------------
def check_timers(args):
    for backend in gpu_backends():
        try:
            per_step = {}
            for timing in (False, True):
                model, _ = _state_model(backend, f"timers{int(timing)}", timing=timing)
                model.run_steps(500)
                t0 = time.perf_counter()
                model.run_steps(5000)
                wall = time.perf_counter() - t0
                per_step[timing] = 1e6 * wall / 5000
                if timing:
                    n0, p0 = model.neuron_update_time, model.presynaptic_update_time
                    model.run_steps(5000)
                    neuron = model.neuron_update_time - n0
                    synapse = model.presynaptic_update_time - p0
                model.unload()
            ok = neuron > 0 and synapse > 0 and neuron + synapse <= 5000 * per_step[True] * 1e-6 * 1.05
            emit(f"timers_{backend}", ok, neuron_us_per_step=1e6 * neuron / 5000,
                 synapse_us_per_step=1e6 * synapse / 5000, step_us_timing_off=per_step[False],
                 step_us_timing_on=per_step[True])
        except Exception:  # noqa: BLE001
            emit(f"timers_{backend}", False, error=traceback.format_exc())


# --------------------------------------------------------------------------------------------
def check_dense_fusion(args):
    """8 populations of 64 neurons that spike every step, each DENSE (postsynaptic-parallel) onto
    one population of 4096 recorders with DeltaCurr and weight 1, fused: every recorder must see
    Isyn = 512 exactly in every step from the second on."""
    import numpy as np
    import pygenn_cl as pg
    tick = pg.create_neuron_model("Tick", vars=[("k", "unsigned int")], sim_code="k++;",
                                  threshold_condition_code="true")
    recorder = pg.create_neuron_model("Recorder", vars=[("Irec", "scalar")], sim_code="Irec = Isyn;")
    for backend in gpu_backends() + ["single_threaded_cpu"]:
        for fuse in (True, False):
            label = f"dense_fusion_{backend}_{'fused' if fuse else 'unfused'}"
            try:
                model = pg.GeNNModel("float", f"dfuse{int(fuse)}", backend=backend)
                model.dt = 0.1
                model.fuse_postsynaptic_models = fuse
                post = model.add_neuron_population("post", 4096, recorder, {}, {"Irec": 0.0})
                for k in range(8):
                    src = model.add_neuron_population(f"src{k}", 64, tick, {}, {"k": 0})
                    model.add_synapse_population(f"s{k}", "DENSE", src, post,
                                                 pg.init_weight_update("StaticPulseConstantWeight", {"g": 1.0}),
                                                 pg.init_postsynaptic("DeltaCurr"))
                model.build(path_to_model=build_dir("dfuse", backend))
                model.load()
                model.run_steps(2)
                bad_steps = bad_values = 0
                low = None
                for _ in range(200):
                    model.step_time()
                    post.vars["Irec"].pull_from_device()
                    v = np.array(post.vars["Irec"].values)
                    wrong = int(np.count_nonzero(v != 512.0))
                    if wrong:
                        bad_steps += 1
                        bad_values += wrong
                        low = float(v.min()) if low is None else min(low, float(v.min()))
                model.unload()
                emit(label, bad_values == 0, wrong_values=bad_values, steps_with_wrong_values=bad_steps,
                     of_values=200 * 4096, lowest=low, expected=512.0)
            except Exception:  # noqa: BLE001
                emit(label, False, error=traceback.format_exc())


# --------------------------------------------------------------------------------------------
def _toy(backend, two_kernels, **prefs):
    import pygenn_cl as pg
    model = pg.GeNNModel("float", f"floor{int(two_kernels)}", backend=backend, **prefs)
    model.dt = 0.1
    model.seed = 7
    lif = model.add_neuron_population("lif", 32, "LIF",
                                      {"C": 1.0, "TauM": 20.0, "Vrest": -70.0, "Vreset": -70.0, "Vthresh": -55.0,
                                       "Ioffset": 1.0, "TauRefrac": 2.0}, {"V": -70.0, "RefracTime": 0.0})
    if two_kernels:
        poi = model.add_neuron_population("poi", 32, "Poisson", {"rate": 50.0}, {"timeStepToSpike": 0.0})
        model.add_synapse_population("syn", "SPARSE", poi, lif,
                                     pg.init_weight_update("StaticPulseConstantWeight", {"g": 0.5}),
                                     pg.init_postsynaptic("DeltaCurr"),
                                     pg.init_sparse_connectivity("FixedProbability", {"prob": 0.5}))
    model.build(path_to_model=build_dir("floor", backend, str(sorted(prefs.items()))))
    model.load()
    return model


def check_launch_floor(args):
    variants = []
    for backend in gpu_backends():
        variants.append((backend, {}))
        if backend == "cuda":
            variants.append((backend, {"cuda_graphs": True}))
    for backend, prefs in variants:
        for two in (False, True):
            label = f"launch_floor_{backend}{'_graphs' if prefs else ''}_{2 if two else 1}kernel"
            try:
                model = _toy(backend, two, **prefs)
                model.run_steps(2000)
                n = 20000
                t0 = time.perf_counter()
                model.run_steps(n)
                us = 1e6 * (time.perf_counter() - t0) / n
                m = 5000
                t0 = time.perf_counter()
                for _ in range(m):
                    model.step_time()
                host_us = 1e6 * (time.perf_counter() - t0) / m
                model.run_steps(1)  # waits for the queued steps
                emit(label, None, us_per_step_run_steps=us, us_per_step_time_call=host_us,
                     kernels_per_step=len(model._stepper.step_kinds), step_kinds=model._stepper.step_kinds)
                model.unload()
            except Exception:  # noqa: BLE001
                emit(label, False, error=traceback.format_exc())


CHECKS = {"machine": check_machine, "cuda_context": check_cuda_context, "opencl_probe": check_opencl_probe,
          "smoke": check_smoke, "graphs": check_graphs, "timers": check_timers, "dense_fusion": check_dense_fusion,
          "launch_floor": check_launch_floor}


def main() -> int:
    global OUT, ARGS
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("check", choices=sorted(CHECKS))
    ap.add_argument("--repo", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--build-root", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "gpu_check", "build"))
    ap.add_argument("--out", required=True)
    ARGS = ap.parse_args()
    OUT = ARGS.out
    try:
        CHECKS[ARGS.check](ARGS)
    except BaseException:  # noqa: BLE001
        emit(ARGS.check, False, error=traceback.format_exc())
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
