"""The CUDA backend without a GPU: generated CUDA source for every built-in model,
connectivity, parallel strategy and precision compiles with nvcc; the backend
reports why it cannot run instead of raising.  (Running CUDA models needs a GPU
and is covered by the behaviour tests, which run on every available backend; their
``opencl-gpu-layout`` case runs the same kernel text, in the GPU thread layout, on OpenCL.)"""
import os
import shutil
import subprocess

import numpy as np
import pytest

import helpers as h
import pygenn_cl as pg
from pygenn_cl import GeNNModel, ParallelismHint
from pygenn_cl.backends import availability, available_backends
from pygenn_cl.backends import cuda
from pygenn_cl.backends.simt import SIMTOptions
from pygenn_cl.codegen.generator import generate_model
from pygenn_cl.describe import describe_model
from pygenn_cl.errors import BackendUnavailableError, BuildError

NVCC = shutil.which("nvcc")
needs_nvcc = pytest.mark.skipif(NVCC is None, reason="nvcc (the CUDA toolkit) is not on PATH")
ARCHS = ("80", "90")


# ---------------------------------------------------------------------------------------------------
# models
# ---------------------------------------------------------------------------------------------------
MATHS = pg.create_neuron_model(
    "MathsRng", params=["tau"], vars=[("x", "scalar"), ("y", "scalar"), ("k", "unsigned int"), ("i", "int")],
    sim_code="""
        x = exp(-dt / tau) * sin(x) + cos(y) + tanh(x) + pow(fabs(y), 1.5) + sqrt(fabs(x)) + log1p(fabs(y))
            + atan2(y, x + 1.0) + fmin(x, y) + fmax(x, y) + floor(x) + ceil(y) + erf(x) + lgamma(2.5)
            + hypot(x, y) + fmod(x, 3.0) + copysign(1.0, y) + cbrt(y) + ldexp(x, 2) + scalbn(y, -1)
            + fma(x, y, 1.0) + round(x) + nearbyint(y) + trunc(x) + expm1(0.1) + log10(2.0) + exp2(y);
        y = gennrand_uniform() + gennrand_normal() + gennrand_exponential() + gennrand_log_normal(0.0, 1.0)
            + gennrand_gamma(2.5);
        k = gennrand_binomial(10, 0.3) + min(k, 7u) + max(k, 2u) + (gennrand() % 3u);
        i = abs(i - 3) + min(i, -2) + ilogb(x + 2.0);
        if (x > 100.0) { printf("big x %f at %u\\n", x, id); }
        """,
    threshold_condition_code="x > 2.0", reset_code="x = 0.0;")

CUSTOM_SCALE = pg.create_custom_update_model("Scale", params=["factor"], var_refs=[("v", "scalar")],
                                             update_code="v *= factor;")
CUSTOM_REDUCE = pg.create_custom_update_model(
    "Sum", vars=[("total", "scalar", pg.CustomUpdateVarAccess.REDUCE_NEURON_SUM)],
    var_refs=[("v", "scalar", pg.VarAccessMode.READ_ONLY)], update_code="total = v;")

IZH = {"a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0}
TRAUB = {"gNa": 7.15, "ENa": 50.0, "gK": 1.43, "EK": -95.0, "gl": 0.02672, "El": -63.563, "C": 0.143}
RULKOV = {"Vspike": 60.0, "alpha": 3.0, "y": -2.468, "beta": 0.0165}


def _neurons(model):
    """Every built-in neuron model, current source and variable initialisation snippet."""
    n = 150  # more than one block
    lif = model.add_neuron_population(
        "lif", n, "LIF", h.LIF_PARAMS,
        {"V": pg.init_var("Uniform", {"min": -70.0, "max": -55.0}), "RefracTime": pg.init_var("Constant", {"constant": 0.0})})
    lif.spike_recording_enabled = True
    izh = model.add_neuron_population(
        "izh", n, "Izhikevich", IZH,
        {"V": pg.init_var("Normal", {"mean": -65.0, "sd": 2.0}),
         "U": pg.init_var("NormalClipped", {"mean": -13.0, "sd": 1.0, "min": -15.0, "max": -11.0})})
    izh.spike_recording_enabled = True
    model.add_neuron_population(
        "izh_var", n, "IzhikevichVariable", {},
        {"V": pg.init_var("Exponential", {"lambda": 1.0}), "U": pg.init_var("Gamma", {"a": 2.0, "b": 1.0}),
         "a": pg.init_var("Binomial", {"n": 10, "p": 0.5}), "b": 0.2, "c": -65.0, "d": np.full(n, 8.0)})
    model.add_neuron_population("poisson", n, "Poisson", {"rate": 20.0}, {"timeStepToSpike": 0.0})
    ssa = h.spike_source_array(model, "ssa", [[1, 5], [3]], model.dt)
    ssa.spike_recording_enabled = True
    model.add_neuron_population("rulkov", 40, "RulkovMap", RULKOV, {"V": -60.0, "preV": -60.0})
    model.add_neuron_population("traub", 40, "TraubMiles", TRAUB,
                                {"V": -60.0, "m": 0.05, "h": 0.6, "n": pg.init_var("Uninitialised")})
    model.add_neuron_population("maths", 70, MATHS, {"tau": 10.0}, {"x": 0.5, "y": 0.25, "k": 3, "i": -4})
    model.add_current_source("dc", "DC", lif, {"amp": 0.5})
    model.add_current_source("noise", "GaussianNoise", izh, {"mean": 0.0, "sd": 1.0})
    model.add_current_source("pexp", "PoissonExp", lif, {"weight": 0.1, "tauSyn": 5.0, "rate": 50.0},
                             {"current": 0.0})
    model.add_custom_update("scale", "Scale", CUSTOM_SCALE, {"factor": 0.5}, {}, {"v": pg.create_var_ref(lif, "V")})
    model.add_custom_update("sum", "Reduce", CUSTOM_REDUCE, {}, {"total": 0.0}, {"v": pg.create_var_ref(izh, "V")})
    return lif, izh, ssa


STRATEGIES = [("SPARSE", ParallelismHint.POSTSYNAPTIC, 1), ("SPARSE", ParallelismHint.PRESYNAPTIC, 4),
              ("DENSE", ParallelismHint.POSTSYNAPTIC, 1), ("DENSE", ParallelismHint.PRESYNAPTIC, 4)]
CONNECTIVITY = [("OneToOne", {}), ("FixedProbability", {"prob": 0.1}), ("FixedProbabilityNoAutapse", {"prob": 0.1}),
                ("FixedNumberPostWithReplacement", {"num": 5}), ("FixedNumberTotalWithReplacement", {"num": 400}),
                ("FixedNumberPreWithReplacement", {"num": 4})]


def _synapses(model):
    """Every weight update and postsynaptic model, connectivity snippet and parallel strategy."""
    lif, izh, ssa = _neurons(model)
    pre = model.add_neuron_population("pre", 130, "Poisson", {"rate": 50.0}, {"timeStepToSpike": 0.0})
    post = model.add_neuron_population("post", 140, "LIF", h.LIF_PARAMS, {"V": -60.0, "RefracTime": 0.0})
    post.spike_recording_enabled = True
    psms = [pg.init_postsynaptic("DeltaCurr"), pg.init_postsynaptic("ExpCurr", {"tau": 5.0}),
            pg.init_postsynaptic("ExpCond", {"tau": 5.0, "E": 0.0})]
    for i, (matrix, hint, tps) in enumerate(STRATEGIES):
        conn = pg.init_sparse_connectivity("FixedProbability", {"prob": 0.2}) if matrix == "SPARSE" else None
        kwargs = {} if conn is None else {"connectivity_init": conn}
        for wu_name, params, vars_ in (("StaticPulse", {}, {"g": pg.init_var("Uniform", {"min": 0.0, "max": 1.0})}),
                                       ("StaticPulseConstantWeight", {"g": 0.25}, {}),
                                       ("StaticPulseDendriticDelay", {}, {
                                           "g": 0.5, "d": pg.init_var("NormalClippedDelay", {
                                               "mean": 2.0, "sd": 1.0, "min": 0.0, "max": 4.0})}),
                                       ("StaticGraded", {"Epre": -50.0, "Vslope": 2.0}, {"g": 0.1})):
            src = lif if wu_name == "StaticGraded" else pre
            sg = model.add_synapse_population(f"{wu_name}_{i}", matrix, src, post,
                                              pg.init_weight_update(wu_name, params, vars_),
                                              psms[i % len(psms)], **kwargs)
            sg.parallelism_hint = hint
            sg.num_threads_per_spike = tps
            if wu_name == "StaticPulseDendriticDelay":
                sg.max_dendritic_delay_timesteps = 5
            if wu_name == "StaticPulse":
                sg.axonal_delay_steps = 3
        stdp = model.add_synapse_population(
            f"stdp_{i}", matrix, ssa, izh,
            pg.init_weight_update("STDP", {"tauPlus": 20.0, "tauMinus": 20.0, "Aplus": 0.1, "Aminus": 0.105,
                                           "Wmin": 0.0, "Wmax": 1.0}, {"g": 0.5}),
            pg.init_postsynaptic("ExpCurr", {"tau": 5.0}), **kwargs)
        stdp.parallelism_hint = hint
        stdp.num_threads_per_spike = tps
        stdp.back_prop_delay_steps = 2
    for name, params in CONNECTIVITY:
        model.add_synapse_population(f"conn_{name}", "SPARSE", pre, post,
                                     pg.init_weight_update("StaticPulse", {}, {"g": 0.1}),
                                     pg.init_postsynaptic("DeltaCurr"),
                                     pg.init_sparse_connectivity(name, params))
    _matrix_types(model, pre, post)
    _delays_and_rewiring(model, lif, post)


def _matrix_types(model, pre, post):
    """BITMASK (each parallelism), PROCEDURAL (weights, delays, threads per spike, the multinomial),
    DENSE_PROCEDURALG, PROCEDURAL_KERNELG and TOEPLITZ (Conv2D, AvgPoolConv2D)."""
    for hint, tps in ((ParallelismHint.POSTSYNAPTIC, 1), (ParallelismHint.PRESYNAPTIC, 3),
                      (ParallelismHint.WORD_PACKED_BITMASK, 1)):
        sg = model.add_synapse_population(f"bitmask_{hint.name}", "BITMASK", pre, post,
                                          pg.init_weight_update("StaticPulseConstantWeight", {"g": 0.1}),
                                          pg.init_postsynaptic("DeltaCurr"),
                                          pg.init_sparse_connectivity("FixedProbability", {"prob": 0.1}))
        sg.parallelism_hint, sg.num_threads_per_spike = hint, tps
    for tps, conn in ((1, ("FixedProbability", {"prob": 0.1})), (4, ("FixedNumberTotalWithReplacement", {"num": 500}))):
        sg = model.add_synapse_population(
            f"procedural_{tps}", "PROCEDURAL", pre, post,
            pg.init_weight_update("StaticPulseDendriticDelay", {}, {
                "g": pg.init_var("NormalClipped", {"mean": 0.1, "sd": 0.05, "min": 0.0, "max": 1.0}),
                "d": pg.init_var("NormalClippedDelay", {"mean": 2.0, "sd": 1.0, "min": 0.0, "max": 4.0})}),
            pg.init_postsynaptic("ExpCurr", {"tau": 5.0}), pg.init_sparse_connectivity(*conn))
        sg.num_threads_per_spike, sg.max_dendritic_delay_timesteps = tps, 5
    model.add_synapse_population("dense_procedural", "DENSE_PROCEDURALG", pre, post,
                                 pg.init_weight_update("StaticPulse", {}, {"g": pg.init_var("Normal", {"mean": 0.0,
                                                                                                      "sd": 0.1})}),
                                 pg.init_postsynaptic("DeltaCurr"))
    image = model.add_neuron_population("image", 6 * 6 * 2, "Poisson", {"rate": 50.0}, {"timeStepToSpike": 0.0})
    maps = model.add_neuron_population("maps", 6 * 6 * 3, "LIF", h.LIF_PARAMS, {"V": -60.0, "RefracTime": 0.0})
    conv = {"conv_kh": 3, "conv_kw": 3, "conv_sh": 1, "conv_sw": 1, "conv_padh": 1, "conv_padw": 1,
            "conv_ih": 6, "conv_iw": 6, "conv_ic": 2, "conv_oh": 6, "conv_ow": 6, "conv_oc": 3}
    model.add_synapse_population("procedural_kernel", "PROCEDURAL_KERNELG", image, maps,
                                 pg.init_weight_update("StaticPulse", {}, {"g": pg.init_var("Uniform", {"min": 0.0,
                                                                                                       "max": 1.0})}),
                                 pg.init_postsynaptic("DeltaCurr"), pg.init_sparse_connectivity("Conv2D", conv))
    toeplitz = {k: v for k, v in conv.items() if k not in ("conv_sh", "conv_sw", "conv_padh", "conv_padw")}
    model.add_synapse_population("toeplitz", "TOEPLITZ", image, maps,
                                 pg.init_weight_update("StaticPulse", {}, {"g": np.ones(3 * 3 * 2 * 3)}),
                                 pg.init_postsynaptic("DeltaCurr"), pg.init_toeplitz_connectivity("Conv2D", toeplitz))
    pooled = model.add_neuron_population("pooled", 3 * 3 * 3, "LIF", h.LIF_PARAMS, {"V": -60.0, "RefracTime": 0.0})
    pool = {"conv_kh": 3, "conv_kw": 3, "pool_kh": 2, "pool_kw": 2, "pool_sh": 2, "pool_sw": 2, "pool_ih": 6,
            "pool_iw": 6, "pool_ic": 2, "conv_oh": 3, "conv_ow": 3, "conv_oc": 3}
    model.add_synapse_population("avgpool", "TOEPLITZ", image, pooled,
                                 pg.init_weight_update("StaticPulse", {}, {"g": 0.25}),
                                 pg.init_postsynaptic("DeltaCurr"), pg.init_toeplitz_connectivity("AvgPoolConv2D", pool))


DELAYED = pg.create_weight_update_model(
    "Delayed", vars=[("g", "scalar"), ("d", "uint8_t")], pre_vars=[("x", "scalar")], post_vars=[("y", "scalar")],
    pre_neuron_var_refs=[("V_pre", "scalar")], post_neuron_var_refs=[("V_post", "scalar")],
    psm_var_refs=[("u_psm", "scalar")], pre_spike_code="x += 1.0;", post_spike_code="y += u_psm;",
    pre_spike_syn_code="addToPostDelay(g * V_pre + V_post[d] + y[d] + u_psm, d);",
    post_spike_syn_code="g += x * V_post + st_pre - st_post;", synapse_dynamics_code="g *= 0.999 + 0.0 * x;")
PSM_U = pg.create_postsynaptic_model("U", vars=[("u", "scalar")],
                                     sim_code="u += inSyn; injectCurrent(inSyn); inSyn = 0.0;")
REWIRE = pg.create_custom_connectivity_update_model(
    "Rewire", vars=[("a", "scalar")], pre_vars=[("n", "int")], var_refs=[("g", "scalar")],
    pre_var_refs=[("v", "scalar")], row_update_code="""
        for_each_synapse { if (g < 0.1 || gennrand_uniform() < 0.01) { n++; remove_synapse(); } }
        if (v > -60.0) { add_synapse(gennrand() % num_post, 1.0, 0.5); }""")


def _delays_and_rewiring(model, src, trg):
    """Values kept in delay slots, read at a delay (name[d]), references of every kind and a
    custom connectivity update of a group with postsynaptic learning."""
    groups = []
    for i, (matrix, hint, tps) in enumerate(STRATEGIES):
        conn = pg.init_sparse_connectivity("FixedProbability", {"prob": 0.2}) if matrix == "SPARSE" else None
        groups.append(sg := model.add_synapse_population(
            f"delayed_{i}", matrix, src, trg,
            pg.init_weight_update(DELAYED, {}, {"g": 0.5, "d": 1}, {"x": 0.0}, {"y": 0.0}, pre_var_refs={"V_pre": "V"},
                                  post_var_refs={"V_post": "V"}, psm_var_refs={"u_psm": "u"}),
            pg.init_postsynaptic(PSM_U, {}, {"u": 0.0}), conn))
        sg.parallelism_hint = hint
        sg.num_threads_per_spike = tps
        sg.axonal_delay_steps = 2
        sg.back_prop_delay_steps = 1
        sg.max_dendritic_delay_timesteps = 4
    sg = groups[0]   # SPARSE
    model.add_custom_connectivity_update("rewire", "Rewire", sg, REWIRE, {}, {"a": 0.0}, {"n": 0}, {},
                                         {"g": pg.create_wu_var_ref(sg, "g")}, {"v": pg.create_var_ref(src, "V")})
    model.add_custom_update("delayed_scale", "Rewire", CUSTOM_SCALE, {"factor": 0.5}, {},
                            {"v": pg.create_var_ref(src, "V")})
    copy = pg.create_custom_update_model("Copy", vars=[("c", "scalar")], var_refs=[
        ("dd", "scalar", pg.VarAccessMode.READ_ONLY), ("n", "uint32_t", pg.VarAccessMode.READ_ONLY)],
        update_code="c = dd + n;")
    model.add_custom_update("den", "Rewire", copy, {}, {"c": 0.0}, {"dd": pg.create_den_delay_var_ref(sg),
                                                                    "n": pg.create_src_spike_count_var_ref(sg)})


CASES = [("neurons", _neurons, "float", None, 128), ("neurons", _neurons, "double", None, 64),
         ("synapses", _synapses, "float", None, 128), ("synapses", _synapses, "double", None, 256),
         ("synapses_tdouble", _synapses, "float", "double", 128)]
CASE_IDS = [f"{c[0]}-{c[2]}-t{c[3] or c[2]}-b{c[4]}" for c in CASES]
# nvcc takes seconds per case (tens of seconds cold on CI), so the default run compiles one: every
# neuron and synapse model with both precisions in one source (float scalars, double time).
DEFAULT_NVCC_CASE = "synapses_tdouble-float-tdouble-b128"
assert DEFAULT_NVCC_CASE in CASE_IDS


def _ir_and_source(case):
    name, builder, precision, time_precision, block = case
    model = GeNNModel(precision, name, backend="single_threaded_cpu", time_precision=time_precision)
    model.dt = 0.1
    builder(model)
    ir = generate_model(describe_model(model), cuda.CUDA_TARGET)
    return ir, cuda.CUDABackend.render_source(ir, SIMTOptions(block, 1))


def _source(case, tmp_path=None):
    return _ir_and_source(case)[1]


def _nvcc(path, extra=()):
    cmd = [NVCC, "-c", "-x", "cu", "-o", os.devnull, "-std=c++14", "--fmad=false", *extra]
    for arch in ARCHS:
        cmd += ["-gencode", f"arch=compute_{arch},code=sm_{arch}"]
    return subprocess.run(cmd + [str(path)], capture_output=True, text=True)


# ---------------------------------------------------------------------------------------------------
# nvcc compiles the generated code
# ---------------------------------------------------------------------------------------------------
@needs_nvcc
@pytest.mark.parametrize("case", [pytest.param(case, id=case_id, marks=[] if case_id == DEFAULT_NVCC_CASE
                                               else [pytest.mark.slow])
                                  for case, case_id in zip(CASES, CASE_IDS)])
def test_generated_cuda_compiles_with_nvcc(tmp_path, case):
    """Each case, for sm_80 and sm_90, with warnings as errors."""
    path = tmp_path / "model.cu"
    path.write_text(_source(case))
    result = _nvcc(path, ["-Werror", "all-warnings"])
    assert result.returncode == 0, result.stderr[-3000:]


def test_generated_source_structure():
    """Kernels keep C linkage and the shared template's macros get their CUDA meaning."""
    source = _source(CASES[2])
    assert source.splitlines()[1] == "#include <stdint.h>"
    assert '#define GENN_KERNEL extern "C" __global__ void' in source
    for kernel in ("neuron_update", "presynaptic_update", "postsynaptic_update", "neuron_init",
                   "connectivity_init", "sparse_init", "dense_init", "connectivity_remap", "kernel_init",
                   "connectivity_prelude"):
        assert f"GENN_KERNEL {kernel}(" in source, kernel
    assert "genn_atomic_add_f(" in source and "__global" not in source.replace("__global__", "")


def test_generation_needs_no_device():
    backend = cuda.CUDABackend({"block_size": 64})
    assert backend.target.name == "cuda"
    with pytest.raises(ValueError, match="multiple of 32"):
        cuda.CUDABackend({"block_size": 48})
    with pytest.raises(ValueError, match="unknown preference"):
        cuda.CUDABackend({"blocksize": 64})


@needs_nvcc
def test_compile_cubin_and_user_code_errors(tmp_path, monkeypatch):
    """The backend's own nvcc command builds a cubin (cached), and a compile error names the user code."""
    monkeypatch.setenv("PYGENN_CL_CACHE_DIR", str(tmp_path / "cache"))
    ir, source = _ir_and_source(CASES[0])
    (tmp_path / "m.cu").write_text(source)
    flags = cuda.CUDABackend({}).nvcc_flags()
    path = cuda.compile_cubin(source, "sm_80", flags, str(tmp_path), "m")
    assert path.startswith(str(tmp_path / "cache")) and os.path.getsize(path) > 0
    assert cuda.compile_cubin(source, "sm_80", flags, str(tmp_path), "m") == path  # from the cache
    with pytest.raises(BuildError, match="never_rebuild"):
        cuda.compile_cubin(source + "\n", "sm_80", flags, str(tmp_path), "m", never_rebuild=True)

    # break one line of user code (the maths neuron's sim code) as nvcc sees it
    lines = source.splitlines()
    index = next(i for i, line in enumerate(lines) if "genn_binomial_" in line and "&_rng" in line)
    lines[index] = lines[index].replace("genn_binomial_", "genn_no_such_function_", 1)
    bad = "\n".join(lines)
    (tmp_path / "m.cu").write_text(bad)
    with pytest.raises(BuildError) as info:
        cuda.compile_cubin(bad, "sm_80", flags, str(tmp_path), "m", use_cache=False, user_code=ir.user_code)
    message = str(info.value)
    assert f"m.cu:{index + 1}" in message and "genn_no_such_function_" in message
    assert "user code: neuron model 'MathsRng', sim_code" in message


def test_explain_nvcc_error_formats():
    """Positions in user code (after its #line directive) map back to the generated line and
    name the model and section; positions past the section are generated code."""
    from pygenn_cl.codegen.ir import UserCode
    source = ('a\n#line 1 "genn_user_0_neuron_update1"\n            x = y;\n#line 1 "genn_after_0_neuron_update1"\n'
              '}\nb = c;\n')
    user_code = [UserCode("neuron model 'p', sim_code")]
    log = 'genn_user_0_neuron_update1(1): error: identifier "y" is undefined\n\n1 error detected'
    message = cuda.explain_nvcc_error(log, source, "/tmp/x/m.cu", "sm_80", user_code)
    assert 'identifier "y" is undefined' in message and "m.cu:3" in message
    assert "user code: neuron model 'p', sim_code" in message and "x = y;" in message
    message = cuda.explain_nvcc_error('genn_after_0_neuron_update1(2): error: identifier "c" is undefined',
                                      source, "m.cu", "sm_80", user_code)
    assert "m.cu:6" in message and "generated code after the user code of neuron model 'p'" in message
    assert "b = c;" in message
    message = cuda.explain_nvcc_error('m.cu(6): error: identifier "c" is undefined', source, "m.cu", "sm_80",
                                      user_code)
    assert "m.cu:6" in message and "user code" not in message and "b = c;" in message
    assert "install a CUDA toolkit" in cuda.explain_nvcc_error(
        "nvcc fatal   : Unsupported gpu architecture 'compute_20'", source, "m.cu", "sm_20")
    assert "failed to compile (m.cu):\nptxas fatal" in cuda.explain_nvcc_error("ptxas fatal : something", source, "m.cu",
                                                                          "sm_80")


# ---------------------------------------------------------------------------------------------------
# availability
# ---------------------------------------------------------------------------------------------------
def test_availability_reports_instead_of_raising():
    ok, why = cuda.CUDABackend.availability()
    assert isinstance(ok, bool) and isinstance(why, str)
    assert availability("cuda") == (ok, why)
    if ok:
        pytest.skip("CUDA is available here")
    assert why
    assert "cuda" not in available_backends()
    with pytest.raises(BackendUnavailableError, match=f"backend 'cuda' cannot run here: .*{why[:20]}"):
        GeNNModel("float", "m", backend="cuda")


def test_availability_without_pycuda(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "pycuda" or name.startswith("pycuda."):
            raise ImportError("No module named 'pycuda'")
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", fake_import)
    ok, why = cuda.CUDABackend.availability()
    assert not ok and "PyCUDA is not installed" in why and "pygenn_cl[cuda]" in why


def test_automatic_choice_order(monkeypatch):
    """backend=None: CUDA, then OpenCL on a GPU, then C, then OpenCL on a CPU."""
    from pygenn_cl import backends
    from pygenn_cl.backends import opencl, single_threaded_cpu
    monkeypatch.setattr(cuda.CUDABackend, "availability", classmethod(lambda cls: (True, "")))
    monkeypatch.setattr(opencl.OpenCLBackend, "availability", classmethod(lambda cls: (True, "")))
    monkeypatch.setattr(single_threaded_cpu.SingleThreadedCPUBackend, "availability",
                        classmethod(lambda cls: (True, "")))
    monkeypatch.setattr(opencl.OpenCLBackend, "preferred_rank", classmethod(lambda cls: 30))
    assert backends.available_backends() == ["cuda", "single_threaded_cpu", "opencl"]
    monkeypatch.setattr(opencl.OpenCLBackend, "preferred_rank", classmethod(lambda cls: 10))
    assert backends.available_backends() == ["cuda", "opencl", "single_threaded_cpu"]
    monkeypatch.setattr(cuda.CUDABackend, "availability", classmethod(lambda cls: (False, "no GPU")))
    assert backends.available_backends() == ["opencl", "single_threaded_cpu"]


def _fake_pycuda(monkeypatch, init_error=None, count=1):
    import sys
    import types
    package, driver = types.ModuleType("pycuda"), types.ModuleType("pycuda.driver")

    class Error(Exception):
        pass

    def init():
        if init_error:
            raise Error(init_error)

    driver.Error, driver.init = Error, init
    driver.Device = type("Device", (), {"count": staticmethod(lambda: count)})
    package.driver = driver
    monkeypatch.setitem(sys.modules, "pycuda", package)
    monkeypatch.setitem(sys.modules, "pycuda.driver", driver)


def test_availability_reasons(monkeypatch):
    """PyCUDA present: a missing driver library, a failing driver and no device are each named."""
    _fake_pycuda(monkeypatch)
    monkeypatch.setattr(cuda, "DRIVER_LIBRARY", "libpygenn_cl_no_such_driver.so.1")
    ok, why = cuda.CUDABackend.availability()
    assert not ok and "libpygenn_cl_no_such_driver.so.1 cannot be loaded" in why
    monkeypatch.setattr(cuda, "_driver_library_error", lambda: None)
    _fake_pycuda(monkeypatch, init_error="cuInit failed: no CUDA-capable device is detected")
    ok, why = cuda.CUDABackend.availability()
    assert not ok and "could not be initialised" in why and "no CUDA-capable device" in why
    _fake_pycuda(monkeypatch, count=0)
    assert cuda.CUDABackend.availability() == (False, "no CUDA device found")
    _fake_pycuda(monkeypatch, count=1)
    monkeypatch.setattr(cuda, "nvcc_command", lambda: "pygenn_cl_no_such_nvcc")
    ok, why = cuda.CUDABackend.availability()
    assert not ok and "nvcc is not on PATH" in why


# ---------------------------------------------------------------------------------------------------
# the Cython stepper, against a mock CUDA driver library (records calls; runs nothing)
# ---------------------------------------------------------------------------------------------------
MOCK_DRIVER = r"""
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
/* executed launches: timestep = the arena's timestep base (set by cuMemsetD32Async) + the argument */
typedef struct { long function; unsigned grid, block; uint64_t arena, arg, timestep; int via_graph; } launch_t;
static launch_t launches[100000], nodes[4096];
static int num_launches = 0, capturing = 0, graphs_launched = 0, num_nodes = 0, fail_launch_at = -1;
static int pushes = 0, pops = 0, modules = 0, streams = 0, syncs = 0, captures = 0, instantiations = 0;
static int execs_destroyed = 0, base_word = 0, num_words = 0;
static unsigned long long word_addr[256];
static unsigned word_value[256];
static unsigned word_at(unsigned long long addr) {
    for (int i = 0; i < num_words; i++) if (word_addr[i] == addr) return word_value[i];
    return 0;
}
static uint64_t base_of(uint64_t arena) {
    return word_at(arena + 8 * base_word) | ((uint64_t)word_at(arena + 8 * base_word + 4) << 32);
}
void mock_set_base_word(int word) { base_word = word; }
int mock_num_launches(void) { return num_launches; }
long mock_launch(int i, int field) {
    const launch_t *l = &launches[i];
    switch (field) { case 0: return l->function; case 1: return l->grid; case 2: return l->block;
                     case 3: return (long)l->arena; case 4: return (long)l->timestep; case 5: return l->via_graph;
                     default: return (long)l->arg; }
}
int mock_counter(int which) {
    const int values[] = {graphs_launched, num_nodes, pushes, pops, modules, streams, syncs, captures,
                          instantiations, execs_destroyed};
    return values[which];
}
void mock_fail_launch_at(int i) { fail_launch_at = i; }
/* contexts: primary contexts (handle 0xC000 + device) are alive while retained; contexts made by
   cuCtxCreate (0xD000 + n) until destroyed; any other handle counts as alive */
#define PRIMARY(dev) ((void*)(long)(0xC000 + (dev)))
static int primary_refs[4], primary_teardowns[4], created = 0, destroyed_mask = 0, depth = 0;
static void *stack[64];
static int alive(void *ctx) {
    long h = (long)ctx;
    if (h >= 0xC000 && h < 0xC004) return primary_refs[h - 0xC000] > 0;
    if (h >= 0xD000 && h < 0xD020) return !(destroyed_mask & (1 << (h - 0xD000)));
    return ctx != 0;
}
static int current_ok(void) { return depth > 0 && alive(stack[depth - 1]); }
int cuInit(unsigned flags) { return 0; }
int cuDeviceGet(int *dev, int ordinal) { *dev = ordinal; return ordinal >= 0 && ordinal < 4 ? 0 : 101; }
int cuDevicePrimaryCtxRetain(void **ctx, int dev) { primary_refs[dev]++; *ctx = PRIMARY(dev); return 0; }
int cuDevicePrimaryCtxRelease_v2(int dev) {
    if (primary_refs[dev] <= 0) return 201;
    if (--primary_refs[dev] == 0) primary_teardowns[dev]++;
    return 0;
}
int cuCtxCreate_v2(void **ctx, unsigned flags, int dev) {
    *ctx = (void*)(long)(0xD000 + created++); stack[depth++] = *ctx; return 0;
}
int cuCtxDestroy_v2(void *ctx) {
    destroyed_mask |= 1 << ((long)ctx - 0xD000);
    if (depth && stack[depth - 1] == ctx) depth--;
    return 0;
}
int cuCtxPushCurrent_v2(void *ctx) { pushes++; if (!ctx || !alive(ctx)) return 201; stack[depth++] = ctx; return 0; }
int cuCtxPopCurrent_v2(void **ctx) { pops++; if (!depth) return 201; depth--; if (ctx) *ctx = stack[depth]; return 0; }
int cuCtxGetCurrent(void **ctx) { *ctx = depth ? stack[depth - 1] : 0; return 0; }
long mock_current(void) { return depth ? (long)stack[depth - 1] : 0; }
int mock_primary_refs(int dev) { return primary_refs[dev]; }
int mock_primary_teardowns(int dev) { return primary_teardowns[dev]; }
/* device memory: host memory standing in, used only with a live context current (the one it was
   allocated in) */
static int allocations = 0;
int cuMemGetInfo_v2(size_t *free_bytes, size_t *total) {
    if (!current_ok()) return 201;
    *free_bytes = (size_t)1 << 30; *total = (size_t)2 << 30; return 0;
}
int cuMemAlloc_v2(unsigned long long *p, size_t n) {
    if (!current_ok()) return 201;
    void **block = malloc(n + 16); block[0] = stack[depth - 1]; allocations++;
    *p = (unsigned long long)(long)(block + 2); return 0;
}
int cuMemFree_v2(unsigned long long p) {
    void **block = (void**)(long)p - 2;
    if (!current_ok() || block[0] != stack[depth - 1]) return 201;
    free(block); allocations--; return 0;
}
int cuMemsetD8_v2(unsigned long long p, unsigned char v, size_t n) {
    if (!current_ok()) return 201; memset((void*)(long)p, v, n); return 0;
}
int cuMemcpyHtoD_v2(unsigned long long p, const void *src, size_t n) {
    if (!current_ok()) return 201; memcpy((void*)(long)p, src, n); return 0;
}
int cuMemcpyDtoH_v2(void *dst, unsigned long long p, size_t n) {
    if (!current_ok()) return 201; memcpy(dst, (void*)(long)p, n); return 0;
}
int mock_allocations(void) { return allocations; }
int cuStreamCreate(void **s, unsigned flags) { streams++; *s = (void*)0x5; return flags == 0 ? 0 : 1; }
int cuStreamDestroy_v2(void *s) { streams--; return 0; }
int cuStreamSynchronize(void *s) { syncs++; return 0; }
int cuModuleLoadData(void **m, const void *image) { modules++; *m = (void*)0x7; return image ? 0 : 200; }
int cuModuleUnload(void *m) { modules--; return 0; }
int cuModuleGetFunction(void **f, void *m, const char *name) {
    if (!strcmp(name, "missing_kernel")) return 500;
    *f = (void*)(long)(name[0] * 1000 + strlen(name)); return 0;
}
int cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                   unsigned shared, void *stream, void **params, void **extra) {
    if (num_launches + num_nodes == fail_launch_at) return 700;
    if (!current_ok()) return 201;
    launch_t *l = capturing ? &nodes[num_nodes++] : &launches[num_launches++];
    l->function = (long)f; l->grid = gx; l->block = bx;
    l->arena = *(uint64_t*)params[0]; l->arg = *(uint64_t*)params[1];
    l->timestep = capturing ? 0 : base_of(l->arena) + l->arg; l->via_graph = 0;
    return (gy == 1 && gz == 1 && by == 1 && bz == 1 && shared == 0 && stream && !extra) ? 0 : 1;
}
int cuMemsetD32Async(unsigned long long p, unsigned v, size_t n, void *stream) {
    if (!current_ok() || n != 1 || !stream || capturing) return 1;
    for (int i = 0; i < num_words; i++) if (word_addr[i] == p) { word_value[i] = v; return 0; }
    word_addr[num_words] = p; word_value[num_words++] = v; return 0;
}
int cuStreamBeginCapture_v2(void *s, int mode) { capturing = 1; num_nodes = 0; captures++; return mode == 1 ? 0 : 1; }
int cuStreamEndCapture(void *s, void **graph) { capturing = 0; *graph = (void*)0x9; return 0; }
int cuGraphInstantiateWithFlags(void **exec, void *graph, unsigned long long flags) {
    instantiations++; *exec = (void*)0xA; return 0;
}
int cuGraphLaunch(void *exec, void *s) {
    if (!current_ok()) return 201;
    graphs_launched++;
    for (int i = 0; i < num_nodes; i++) {   /* runs the captured launches now, with the base as it is */
        launch_t *l = &launches[num_launches++];
        *l = nodes[i]; l->timestep = base_of(l->arena) + l->arg; l->via_graph = 1;
    }
    return 0;
}
int cuGraphExecDestroy(void *e) { execs_destroyed++; return 0; }
/* events: recorded at the number of launches run so far; a launch takes 0.25 ms */
static int event_time[4096], events_live = 0, num_events = 0;
int cuEventCreate(void **ev, unsigned flags) {
    if (!current_ok() || num_events == 4096) return 1;
    event_time[num_events] = -1; *ev = (void*)(long)(0xE0000 + num_events++); events_live++; return 0;
}
int cuEventRecord(void *ev, void *stream) {
    if (!current_ok() || !stream || capturing) return 1;
    event_time[(long)ev - 0xE0000] = num_launches; return 0;
}
int cuEventElapsedTime(float *ms, void *start, void *end) {
    int a = event_time[(long)start - 0xE0000], b = event_time[(long)end - 0xE0000];
    if (a < 0 || b < 0) return 600;
    *ms = 0.25f * (b - a); return 0;
}
int cuEventDestroy_v2(void *ev) { if (!current_ok()) return 201; events_live--; return 0; }
int mock_events_live(void) { return events_live; }
void mock_reset_events(void) { num_events = 0; }
int cuGraphDestroy(void *g) { return 0; }
int cuGetErrorName(int err, const char **s) {
    *s = err == 700 ? "CUDA_ERROR_ILLEGAL_ADDRESS" : err == 201 ? "CUDA_ERROR_INVALID_CONTEXT" : "CUDA_ERROR_OTHER";
    return 0;
}
"""


@pytest.fixture(scope="module")
def mock_driver(tmp_path_factory):
    import ctypes
    cc = shutil.which(os.environ.get("CC", "cc"))
    if cc is None:
        pytest.skip("no C compiler for the mock CUDA driver")
    directory = tmp_path_factory.mktemp("mock_cuda")
    (directory / "mock.c").write_text(MOCK_DRIVER)
    path = str(directory / "libmockcuda.so")
    subprocess.run([cc, "-shared", "-fPIC", "-O1", "-o", path, str(directory / "mock.c")], check=True)
    lib = ctypes.CDLL(path)
    lib.mock_launch.restype = ctypes.c_long
    lib.mock_current.restype = ctypes.c_long
    from pygenn_cl.codegen.arena import TIMESTEP_BASE
    lib.mock_set_base_word(TIMESTEP_BASE)
    return path, lib


def _launch_log(lib, start=0):
    """(function, grid, block, arena, timestep, via_graph, argument) of each launch run since ``start``."""
    return [tuple(lib.mock_launch(i, f) for f in range(7)) for i in range(start, lib.mock_num_launches())]


@pytest.mark.parametrize("graph_steps", [0, 4])
def test_stepper_launch_sequence(mock_driver, graph_steps):
    """Every step's kernels run in order with the step's timestep, with or without graphs.  With
    graphs, blocks of 4 steps are one launch of a graph captured and instantiated once (its
    launches keep their arguments 0..3; the host sets the arena's timestep base before each
    launch); fewer steps, and launches between graphs, are plain, with timestep - base."""
    from pygenn_cl.steppers import CUDAStepper
    path, lib = mock_driver
    start = lib.mock_num_launches()
    counters = [lib.mock_counter(i) for i in range(10)]
    arena = 0xABC000 + 0x1000 * graph_steps
    names = ["neuron_update", "presynaptic_update", "neuron_init"]
    stepper = CUDAStepper(path, 1, b"cubin", arena, names, [256, 512, 128], ["presynaptic_update", "neuron_update"],
                          128, False, graph_steps)
    assert stepper.uses_graphs == (graph_steps > 1)
    stepper.launch("neuron_init", 0, True)
    stepper.launch("no_work_kernel", 0, True)  # kernels without work are skipped
    stepper.step_time()
    stepper.run_steps(10)
    stepper.run_steps(3, progress=lambda n: None, chunk=2)
    stepper.launch("neuron_init", stepper.timestep, True)   # as a custom update would, between steps
    stepper.run_steps(17)
    assert stepper.timestep == 31
    log = _launch_log(lib, start)
    pre, neuron, init = (ord(n[0]) * 1000 + len(n) for n in names[1::-1] + names[2:])
    assert log[0][:5] == (init, 1, 128, arena, 0)
    assert log[29][:5] == (init, 1, 128, arena, 14)
    steps = log[1:29] + log[30:]
    assert [entry[0] for entry in steps] == [pre, neuron] * 31
    assert [entry[4] for entry in steps] == [t for t in range(31) for _ in range(2)]
    assert all(entry[1] == (4 if entry[0] == pre else 2) and entry[2] == 128 for entry in steps)
    via_graph = [entry[5] for entry in steps[::2]]
    delta = [lib.mock_counter(i) - counters[i] for i in range(10)]
    if graph_steps:
        launched = delta[0]
        assert sum(via_graph) == 4 * launched and launched >= 4   # whole graphs only, relaunched
        assert delta[7] == 1 and delta[8] == 1                     # captured and instantiated once
        assert {entry[6] for entry in steps if entry[5]} == {0, 1, 2, 3}
        assert via_graph[0] == 0 and via_graph[11:14] == [0, 0, 0]  # step_time(); chunks of 2 < 4
    else:
        assert not any(via_graph) and delta[0] == 0 and delta[7] == 0
    stepper.close()
    assert lib.mock_counter(9) - counters[9] == (1 if graph_steps else 0)   # the graph is destroyed once
    assert lib.mock_counter(4) == 0 and lib.mock_counter(5) == 0  # module unloaded, stream destroyed
    assert lib.mock_counter(2) == lib.mock_counter(3)  # every context push popped


def test_stepper_times_kernels_with_events(mock_driver):
    """timing: a pair of CUDA events around each step kernel's launch, read when the stream is
    waited for (here each launch takes 0.25 ms by the mock's clock), with no wait per kernel;
    kernel_seconds() waits for steps launched by step_time() and counts them; no graphs."""
    from pygenn_cl.steppers import CUDAStepper
    path, lib = mock_driver
    lib.mock_reset_events()
    live = lib.mock_events_live()
    names = ["neuron_update", "presynaptic_update"]
    stepper = CUDAStepper(path, 1, b"cubin", 0x9000, names, [128, 256], ["presynaptic_update", "neuron_update"],
                          128, True, 100)
    assert lib.mock_events_live() == live + 2 * 1024
    syncs, launches, graphs = lib.mock_counter(6), lib.mock_num_launches(), lib.mock_counter(0)
    stepper.run_steps(300)
    for _ in range(5):
        stepper.step_time()
    assert stepper.kernel_seconds() == pytest.approx([305 * 0.25e-3] * 2, rel=1e-6)
    assert lib.mock_num_launches() - launches == 610 and lib.mock_counter(6) - syncs < 30
    assert stepper.kernel_seconds() == pytest.approx([305 * 0.25e-3] * 2, rel=1e-6)  # read once only
    stepper.run_steps(600)   # more launches than event pairs: the stream is waited for and they are reused
    assert stepper.kernel_seconds() == pytest.approx([905 * 0.25e-3] * 2, rel=1e-6)
    assert lib.mock_counter(0) == graphs   # timed steps are launched one by one
    stepper.close()
    assert lib.mock_events_live() == live and lib.mock_counter(2) == lib.mock_counter(3)


def test_stepper_errors(mock_driver):
    from pygenn_cl.steppers import CUDAStepper
    path, lib = mock_driver
    with pytest.raises(RuntimeError, match=r"cuModuleGetFunction\('missing_kernel'\) failed: CUDA_ERROR_OTHER \(500\)"):
        CUDAStepper(path, 1, b"cubin", 0, ["missing_kernel"], [128], [], 128)
    with pytest.raises(RuntimeError, match="cannot open the CUDA driver library"):
        CUDAStepper("/nonexistent/libcuda.so.1", 1, b"cubin", 0, [], [], [], 128)
    stepper = CUDAStepper(path, 1, b"cubin", 0, ["neuron_update"], [128], ["neuron_update"], 128, False, 8)
    lib.mock_fail_launch_at(lib.mock_num_launches() + 3)
    with pytest.raises(RuntimeError, match=r"cuLaunchKernel failed: CUDA_ERROR_ILLEGAL_ADDRESS \(700\)"):
        stepper.run_steps(20)
    assert stepper.timestep == 0  # the failed graph's steps do not count
    lib.mock_fail_launch_at(-1)
    stepper.close()
    assert lib.mock_counter(2) == lib.mock_counter(3)


def test_stepper_closed(mock_driver):
    """After close(), every call that would use the driver raises; the keepalive is dropped."""
    import gc
    import weakref
    from pygenn_cl.steppers import CUDAStepper
    path, lib = mock_driver

    class Owner:  # stands for PyCUDA's context and device buffer
        pass

    owner = Owner()
    alive = weakref.ref(owner)
    stepper = CUDAStepper(path, 1, b"cubin", 0, ["neuron_update", "neuron_init"], [128, 128], ["neuron_update"],
                          128, False, 0, owner)
    del owner
    gc.collect()
    assert alive() is not None  # held by the stepper
    stepper.run_steps(5)
    stepper.close()
    assert stepper.closed and alive() is None
    for call, args in ((stepper.step_time, ()), (stepper.run_steps, (3,)), (stepper.run_steps, (0,)),
                       (stepper.launch, ("neuron_init", 0, True)), (stepper.synchronize, ())):
        with pytest.raises(RuntimeError, match=r"the model was unloaded; call load\(\) again"):
            call(*args)
    stepper.close()  # idempotent
    assert stepper.timestep == 5
    assert lib.mock_counter(4) == 0 and lib.mock_counter(5) == 0
    assert lib.mock_counter(2) == lib.mock_counter(3)


# ---------------------------------------------------------------------------------------------------
# the whole CUDA backend (load, push/pull, steps, unload) against the mock driver: the context
# ---------------------------------------------------------------------------------------------------
@pytest.fixture
def mock_cuda(mock_driver, monkeypatch, tmp_path):
    """The CUDA backend with the mock driver library and a fake PyCUDA (one 'Mock GPU', sm_90);
    build() skips nvcc (the mock loads any module).  Yields the mock's ctypes handle."""
    import sys
    import types
    path, lib = mock_driver
    package, driver = types.ModuleType("pycuda"), types.ModuleType("pycuda.driver")

    class Device:
        count = staticmethod(lambda: 1)

        def __init__(self, index):
            self.index = index

        def name(self):
            return "Mock GPU"

        def compute_capability(self):
            return (9, 0)

    driver.Device, driver.init, driver.Error = Device, lambda: None, RuntimeError
    package.driver = driver
    monkeypatch.setitem(sys.modules, "pycuda", package)
    monkeypatch.setitem(sys.modules, "pycuda.driver", driver)
    monkeypatch.setattr(cuda.CUDABackend, "availability", classmethod(lambda cls: (True, "")))
    monkeypatch.setattr(cuda, "cuda_library_path", lambda: path)
    cubin = tmp_path / "mock.cubin"
    cubin.write_bytes(b"cubin")
    monkeypatch.setattr(cuda.CUDABackend, "build", lambda self, *args: str(cubin))
    yield lib


def _mock_model(name, tmp_path, n=50):
    model = GeNNModel("float", name, backend="cuda")
    model.dt = 0.1
    pop = model.add_neuron_population("lif", n, "LIF", h.LIF_PARAMS,
                                      {"V": np.linspace(-70.0, -60.0, n), "RefracTime": 0.0})
    model.build(path_to_model=str(tmp_path))
    model.load()
    return model, pop


def _round_trip(model, pop, value):
    """Push a value into V and pull it back through the device memory."""
    pop.vars["V"].view[:] = value
    pop.vars["V"].push_to_device()
    pop.vars["V"].view[:] = 0.0
    pop.vars["V"].pull_from_device()
    return np.array(pop.vars["V"].view)


def test_two_models_share_the_primary_context(mock_cuda, tmp_path):
    """Each loaded model holds one reference to the primary context and makes it current only
    around its own work: unloading one leaves the other working, the context is torn down once
    the last model goes, and no context is left current."""
    lib = mock_cuda
    refs, teardowns, allocations = lib.mock_primary_refs(0), lib.mock_primary_teardowns(0), lib.mock_allocations()
    a, pop_a = _mock_model("ctx_a", tmp_path / "a")
    b, pop_b = _mock_model("ctx_b", tmp_path / "b")
    assert lib.mock_primary_refs(0) == refs + 2 and lib.mock_current() == 0
    assert lib.mock_allocations() == allocations + 2
    # the arrays given at load reached each model's own device memory
    a_v = pop_a.vars["V"]
    a_v.view[:] = 0.0
    a_v.pull_from_device()
    np.testing.assert_array_equal(a_v.view, np.linspace(-70.0, -60.0, 50).astype(np.float32))
    a.step_time()
    b.run_steps(3)
    a.unload()
    assert lib.mock_primary_refs(0) == refs + 1 and lib.mock_primary_teardowns(0) == teardowns
    assert lib.mock_current() == 0
    b.run_steps(2)      # the other model still has a live context for launches and copies
    np.testing.assert_array_equal(_round_trip(b, pop_b, -42.0), np.full(50, -42.0, np.float32))
    b.unload()
    assert lib.mock_primary_refs(0) == refs and lib.mock_primary_teardowns(0) == teardowns + 1
    assert lib.mock_current() == 0 and lib.mock_allocations() == allocations
    assert lib.mock_counter(2) == lib.mock_counter(3)  # every push popped


@pytest.mark.parametrize("other", ["own_context", "primary_context"])
def test_model_beside_another_cuda_user(mock_cuda, tmp_path, other):
    """Another CUDA user in the process (a library with its own context current, or one that
    holds and uses the primary context, as the CUDA runtime does) keeps its current context and
    its reference through a model's load, steps, copies and unload."""
    import ctypes
    lib = mock_cuda
    handle = ctypes.c_void_p()
    if other == "own_context":
        assert lib.cuCtxCreate_v2(ctypes.byref(handle), 0, 0) == 0
    else:
        assert lib.cuDevicePrimaryCtxRetain(ctypes.byref(handle), 0) == 0
        assert lib.cuCtxPushCurrent_v2(handle) == 0
    theirs = handle.value
    refs, teardowns = lib.mock_primary_refs(0), lib.mock_primary_teardowns(0)
    try:
        model, pop = _mock_model("ctx_user", tmp_path)
        assert lib.mock_current() == theirs
        model.run_steps(5)
        np.testing.assert_array_equal(_round_trip(model, pop, 3.0), np.full(50, 3.0, np.float32))
        assert lib.mock_current() == theirs
        model.unload()
        assert lib.mock_current() == theirs and lib.mock_primary_refs(0) == refs
        if other == "primary_context":   # their reference kept it alive
            assert lib.mock_primary_teardowns(0) == teardowns and refs >= 1
        model.load()                     # and a second load works the same
        model.step_time()
        model.unload()
        assert lib.mock_current() == theirs and lib.mock_primary_refs(0) == refs
    finally:
        popped = ctypes.c_void_p()
        lib.cuCtxPopCurrent_v2(ctypes.byref(popped))
        if other == "primary_context":
            lib.cuDevicePrimaryCtxRelease_v2(0)
    assert popped.value == theirs
