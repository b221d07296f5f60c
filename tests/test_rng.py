"""Tests for the Philox4x32-10 RNG emitted by codegen/rng.py.

(a) known-answer vectors through the numpy reference
(b) C harness (gcc -std=c99) bit-exact against the numpy reference
(c) distribution tests (KS / chi-square) through the C harness
(d) OpenCL build + bit-exact comparison (skipped without pyopencl/platform)
(e) CUDA compile-only check with nvcc (skipped without nvcc)
"""
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import philox_reference as ref  # noqa: E402
from conftest import missing_backends  # noqa: E402

try:
    from codegen.rng import rng_source
except ImportError:  # installed layout
    from pygenn_cl.codegen.rng import rng_source


# ---------------------------------------------------------------------------
# (a) known-answer vectors
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("ctr,key,expected", ref.KAT_VECTORS)
def test_kat_numpy_reference(ctr, key, expected):
    out = ref.philox4x32_10(ctr, key)
    assert out.dtype == np.uint32
    assert [int(x) for x in out] == list(expected)


def test_kat_numpy_vectorised():
    ctr = np.array([v[0] for v in ref.KAT_VECTORS], dtype=np.uint32)
    key = np.array([v[1] for v in ref.KAT_VECTORS], dtype=np.uint32)
    exp = np.array([v[2] for v in ref.KAT_VECTORS], dtype=np.uint32)
    np.testing.assert_array_equal(ref.philox4x32_10(ctr, key), exp)


def test_reference_stream_semantics():
    # draw k of an element is word k % 4 of block k // 4
    w = ref.rand_words(7, 9, 3, np.arange(5), 11, 10)
    assert w.shape == (5, 10)
    for e in range(5):
        for k in range(10):
            blk = ref.philox4x32_10((e, 3, 11, k // 4), (7, 9))
            assert w[e, k] == blk[k % 4]
    u = ref.uniform_f(7, 9, 3, np.arange(5), 11, 10)
    assert u.dtype == np.float32 and np.all(u > 0) and np.all(u <= 1)
    d = ref.uniform_d(7, 9, 3, np.arange(5), 11, 5)
    assert d.dtype == np.float64 and np.all(d > 0) and np.all(d <= 1)
    # extreme words map onto the interval ends
    assert ref.words_to_uniform_f(np.uint32(0xFFFFFFFF)) == np.float32(1.0)
    assert ref.words_to_uniform_f(np.uint32(0)) == np.float32(2.0 ** -24)
    assert ref.words_to_uniform_d(0xFFFFFFFF, 0xFFFFFFFF) == 1.0
    assert ref.words_to_uniform_d(0, 0) == 2.0 ** -53


def test_rng_source_dialects():
    for dialect in ("c", "opencl", "cuda"):
        src = rng_source(dialect)
        assert "genn_rng_t" in src and "genn_binomial_d" in src
        src_f = rng_source(dialect, double_support=False)
        assert "double" not in src_f
        assert "genn_binomial_f" in src_f and "genn_uniform_d" not in src_f
    assert "static __device__ __forceinline__" in rng_source("cuda")
    assert "static inline" in rng_source("c")
    assert "logf(" in rng_source("c") and "logf(" not in rng_source("opencl")
    with pytest.raises(ValueError):
        rng_source("fortran")


# ---------------------------------------------------------------------------
# (b) C harness
# ---------------------------------------------------------------------------
_HARNESS_MAIN = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 10) {
        fprintf(stderr, "usage: mode seed_lo seed_hi stream step n_elem n_per p1 p2\n");
        return 2;
    }
    const char *mode = argv[1];
    const uint32_t seed_lo = (uint32_t)strtoul(argv[2], NULL, 0);
    const uint32_t seed_hi = (uint32_t)strtoul(argv[3], NULL, 0);
    const uint32_t stream = (uint32_t)strtoul(argv[4], NULL, 0);
    const uint32_t step = (uint32_t)strtoul(argv[5], NULL, 0);
    const uint32_t n_elem = (uint32_t)strtoul(argv[6], NULL, 0);
    const uint32_t n_per = (uint32_t)strtoul(argv[7], NULL, 0);
    const double p1 = strtod(argv[8], NULL);
    const double p2 = strtod(argv[9], NULL);
    const uint32_t n_bin = (uint32_t)strtoul(argv[8], NULL, 0);
    uint32_t e, i;
    for (e = 0; e < n_elem; e++) {
        genn_rng_t r;
        genn_rng_init(&r, seed_lo, seed_hi, stream, e, step);
        for (i = 0; i < n_per; i++) {
            if (!strcmp(mode, "words")) {
                printf("%u\n", genn_rand(&r));
            }
            else if (!strcmp(mode, "ufbits")) {
                float f = genn_uniform_f(&r);
                uint32_t b;
                memcpy(&b, &f, sizeof(b));
                printf("%u\n", b);
            }
            else if (!strcmp(mode, "udbits")) {
                double d = genn_uniform_d(&r);
                uint64_t b;
                memcpy(&b, &d, sizeof(b));
                printf("%llu\n", (unsigned long long)b);
            }
            else if (!strcmp(mode, "uf")) { printf("%.9g\n", (double)genn_uniform_f(&r)); }
            else if (!strcmp(mode, "ud")) { printf("%.17g\n", genn_uniform_d(&r)); }
            else if (!strcmp(mode, "nf")) { printf("%.9g\n", (double)genn_normal_f(&r)); }
            else if (!strcmp(mode, "nd")) { printf("%.17g\n", genn_normal_d(&r)); }
            else if (!strcmp(mode, "ef")) { printf("%.9g\n", (double)genn_exponential_f(&r)); }
            else if (!strcmp(mode, "ed")) { printf("%.17g\n", genn_exponential_d(&r)); }
            else if (!strcmp(mode, "lnf")) { printf("%.9g\n", (double)genn_log_normal_f(&r, (float)p1, (float)p2)); }
            else if (!strcmp(mode, "lnd")) { printf("%.17g\n", genn_log_normal_d(&r, p1, p2)); }
            else if (!strcmp(mode, "gf")) { printf("%.9g\n", (double)genn_gamma_f(&r, (float)p1)); }
            else if (!strcmp(mode, "gd")) { printf("%.17g\n", genn_gamma_d(&r, p1)); }
            else if (!strcmp(mode, "bf")) { printf("%u\n", genn_binomial_f(&r, n_bin, (float)p2)); }
            else if (!strcmp(mode, "bd")) { printf("%u\n", genn_binomial_d(&r, n_bin, p2)); }
            else { fprintf(stderr, "unknown mode %s\n", mode); return 2; }
        }
    }
    return 0;
}
"""

_C_PRELUDE = "#include <stdint.h>\n#include <math.h>\n#include <stdbool.h>\n"
_CFLAGS = ["-std=c99", "-O2", "-Wall", "-Werror"]


def _gcc():
    return shutil.which("gcc") or shutil.which("cc")


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    cc = _gcc()
    if cc is None:
        pytest.skip("no C compiler")
    d = tmp_path_factory.mktemp("rng_c")
    src = d / "harness.c"
    src.write_text(_C_PRELUDE + rng_source("c") + _HARNESS_MAIN)
    exe = d / "harness"
    res = subprocess.run([cc, *_CFLAGS, str(src), "-o", str(exe), "-lm"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr

    def run(mode, seed_lo=0, seed_hi=0, stream=0, step=0, n_elem=1, n_per=1,
            p1=0.0, p2=0.0):
        args = [str(exe), mode] + [str(int(v)) for v in
                                   (seed_lo, seed_hi, stream, step, n_elem, n_per)]
        args += [repr(p1) if isinstance(p1, float) else str(p1), repr(float(p2))]
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
        return out.split()
    return run


def test_c_compiles_extra_warnings_and_float_only(tmp_path):
    cc = _gcc()
    if cc is None:
        pytest.skip("no C compiler")
    for dbl in (True, False):
        src = tmp_path / ("rng_%d.c" % dbl)
        src.write_text(_C_PRELUDE + rng_source("c", double_support=dbl)
                       + "int main(void) { return 0; }\n")
        res = subprocess.run([cc, *_CFLAGS, "-Wextra", "-pedantic", "-c", str(src),
                              "-o", str(tmp_path / "rng.o")],
                             capture_output=True, text=True)
        assert res.returncode == 0, res.stderr


def test_c_kat(tmp_path):
    cc = _gcc()
    if cc is None:
        pytest.skip("no C compiler")
    main = ["int main(void)\n{\n    uint32_t out[4];\n"]
    for ctr, key, _ in ref.KAT_VECTORS:
        main.append("    { const uint32_t c[4] = {%su, %su, %su, %su}; const uint32_t k[2] = {%su, %su};\n"
                    % tuple(map(hex, ctr + key)))
        main.append('      genn_philox4x32_10(c, k, out); printf("%u %u %u %u\\n", out[0], out[1], out[2], out[3]); }\n')
    main.append("    return 0;\n}\n")
    src = tmp_path / "kat.c"
    src.write_text(_C_PRELUDE + "#include <stdio.h>\n" + rng_source("c") + "".join(main))
    exe = tmp_path / "kat"
    res = subprocess.run([cc, *_CFLAGS, str(src), "-o", str(exe), "-lm"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    lines = subprocess.run([str(exe)], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    for line, (_, _, expected) in zip(lines, ref.KAT_VECTORS):
        assert [int(x) for x in line.split()] == list(expected)


_STREAM_CASES = [
    # seed_lo, seed_hi, stream, step
    (0, 0, 0, 0),
    (1234, 0, 0, 0),
    (0xDEADBEEF, 0xCAFEF00D, 7, 123456),
    (0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF),
]


@pytest.mark.parametrize("seed_lo,seed_hi,stream,step", _STREAM_CASES)
def test_c_words_bit_exact(harness, seed_lo, seed_hi, stream, step):
    n_elem, n_per = 13, 11   # n_per not a multiple of 4: crosses block boundaries
    got = np.array(harness("words", seed_lo, seed_hi, stream, step, n_elem, n_per),
                   dtype=np.uint64).astype(np.uint32).reshape(n_elem, n_per)
    exp = ref.rand_words(seed_lo, seed_hi, stream, np.arange(n_elem), step, n_per)
    np.testing.assert_array_equal(got, exp)


@pytest.mark.parametrize("seed_lo,seed_hi,stream,step", _STREAM_CASES)
def test_c_uniform_bit_exact(harness, seed_lo, seed_hi, stream, step):
    n_elem, n_per = 9, 7
    bits = np.array(harness("ufbits", seed_lo, seed_hi, stream, step, n_elem, n_per),
                    dtype=np.uint64).astype(np.uint32).reshape(n_elem, n_per)
    exp = ref.uniform_f(seed_lo, seed_hi, stream, np.arange(n_elem), step, n_per)
    np.testing.assert_array_equal(bits.view(np.float32), exp)
    bits = np.array(harness("udbits", seed_lo, seed_hi, stream, step, n_elem, n_per),
                    dtype=np.uint64).reshape(n_elem, n_per)
    exp = ref.uniform_d(seed_lo, seed_hi, stream, np.arange(n_elem), step, n_per)
    np.testing.assert_array_equal(bits.view(np.float64), exp)


def test_c_first_uniform_of_element(harness):
    # "the first uniform draw of element i in stream s at step k"
    seed_lo, seed_hi = ref.split_seed(0x0123456789ABCDEF)
    bits = np.array(harness("ufbits", seed_lo, seed_hi, 5, 42, 100, 1),
                    dtype=np.uint64).astype(np.uint32)
    ctr = np.stack([np.arange(100), np.full(100, 5), np.full(100, 42), np.zeros(100)], axis=-1)
    first_word = ref.philox4x32_10(ctr, (seed_lo, seed_hi))[:, 0]
    np.testing.assert_array_equal(bits.view(np.float32), ref.words_to_uniform_f(first_word))


# ---------------------------------------------------------------------------
# (c) distributions
# ---------------------------------------------------------------------------
N_ELEM, N_PER = 2000, 10   # 20000 draws from 2000 elements
ALPHA = 1e-3


def _draws(harness, mode, seed=1, p1=0.0, p2=0.0, n_elem=N_ELEM, n_per=N_PER):
    vals = harness(mode, 0x9E3779B9 ^ seed, seed, 3, 17, n_elem, n_per, p1, p2)
    return np.array(vals, dtype=np.float64)


@pytest.mark.parametrize("prec", ["f", "d"])
def test_uniform_ks(harness, prec):
    x = _draws(harness, "u" + prec, seed=11)
    assert np.all(x > 0) and np.all(x <= 1)
    assert stats.kstest(x, "uniform").pvalue > ALPHA


@pytest.mark.parametrize("prec", ["f", "d"])
def test_normal_ks(harness, prec):
    x = _draws(harness, "n" + prec, seed=12)
    assert np.all(np.isfinite(x))
    assert stats.kstest(x, "norm").pvalue > ALPHA
    assert abs(x.mean()) < 4 / np.sqrt(x.size)


@pytest.mark.parametrize("prec", ["f", "d"])
def test_exponential_ks(harness, prec):
    x = _draws(harness, "e" + prec, seed=13)
    assert np.all(x >= 0) and np.all(np.isfinite(x))
    assert stats.kstest(x, "expon").pvalue > ALPHA


@pytest.mark.parametrize("prec", ["f", "d"])
def test_log_normal_ks(harness, prec):
    mean, sd = 0.5, 0.8
    x = _draws(harness, "ln" + prec, seed=14, p1=mean, p2=sd)
    assert np.all(x > 0)
    assert stats.kstest(x, stats.lognorm(s=sd, scale=np.exp(mean)).cdf).pvalue > ALPHA


@pytest.mark.parametrize("prec", ["f", "d"])
@pytest.mark.parametrize("a", [0.5, 1.0, 4.5, 30.0])
def test_gamma_ks(harness, prec, a):
    x = _draws(harness, "g" + prec, seed=15, p1=a)
    assert np.all(x >= 0) and np.all(np.isfinite(x))
    assert stats.kstest(x, stats.gamma(a).cdf).pvalue > ALPHA


def _binom_p(prec, p):
    return float(np.float32(p)) if prec == "f" else p


def _chi_square_binom(x, n, p):
    """Chi-square goodness of fit against Binomial(n, p), pooling bins with expected < 5."""
    x = x.astype(np.int64)
    dist = stats.binom(n, p)
    lo, hi = int(dist.ppf(1e-7)), int(dist.isf(1e-7))
    assert x.min() >= 0 and x.max() <= n
    edges = np.arange(lo, hi + 2)
    obs = np.histogram(np.clip(x, lo, hi), bins=edges)[0].astype(np.float64)
    cdf = dist.cdf(edges[:-1])
    probs = np.diff(np.concatenate([[0.0], cdf[:-1], [1.0]]))  # clipped end bins
    exp = probs * x.size
    # pool from the left and right until every bin has expected >= 5
    obs_p, exp_p, o_acc, e_acc = [], [], 0.0, 0.0
    for o, e in zip(obs, exp):
        o_acc += o
        e_acc += e
        if e_acc >= 5:
            obs_p.append(o_acc)
            exp_p.append(e_acc)
            o_acc = e_acc = 0.0
    obs_p[-1] += o_acc
    exp_p[-1] += e_acc
    obs_p, exp_p = np.array(obs_p), np.array(exp_p)
    chi2 = ((obs_p - exp_p) ** 2 / exp_p).sum()
    return stats.chi2.sf(chi2, len(obs_p) - 1)


@pytest.mark.parametrize("prec", ["f", "d"])
@pytest.mark.parametrize("n,p", [
    (20, 0.3),        # inversion
    (50, 0.9),        # inversion, mirrored
    (100, 0.2),       # BTRD, mostly the recursive (|k - m| <= 15) test
    (1000, 0.4),      # BTRD incl. squeeze / final test
    (1000, 0.7),      # BTRD, mirrored
    (2 ** 31, 1e-9),  # inversion with huge n
    (100000, 0.5),    # BTRD, wide
])
def test_binomial_chi_square(harness, prec, n, p):
    pp = _binom_p(prec, p)
    x = _draws(harness, "b" + prec, seed=16, p1=n, p2=p)
    assert np.all(x == np.round(x))
    assert _chi_square_binom(x, n, pp) > ALPHA
    mean, var = n * pp, n * pp * (1 - pp)
    se = np.sqrt(var / x.size)
    assert abs(x.mean() - mean) < 4 * se
    # variance: se of the sample variance ~ var * sqrt(2 / N) (normal approx)
    assert abs(x.var() - var) < 5 * var * np.sqrt(2.0 / x.size) + 1e-12


@pytest.mark.parametrize("prec", ["f", "d"])
def test_binomial_cdf_small_n(harness, prec):
    n, p = 20, 0.3
    x = _draws(harness, "b" + prec, seed=17, p1=n, p2=p).astype(np.int64)
    emp = np.array([(x <= k).mean() for k in range(n + 1)])
    cdf = stats.binom(n, _binom_p(prec, p)).cdf(np.arange(n + 1))
    # Kolmogorov bound: max |F_emp - F| < 1.95 / sqrt(N) at alpha=0.001
    assert np.max(np.abs(emp - cdf)) < 1.95 / np.sqrt(x.size)


@pytest.mark.parametrize("prec", ["f", "d"])
@pytest.mark.parametrize("n,p", [(40000000, 1e-4), (2 ** 31, 0.3), (2 ** 31, 1e-6)])
def test_binomial_large_n(harness, prec, n, p):
    pp = _binom_p(prec, p)
    x = _draws(harness, "b" + prec, seed=18, p1=n, p2=p)
    mean, var = n * pp, n * pp * (1 - pp)
    se = np.sqrt(var / x.size)
    assert abs(x.mean() - mean) < 4 * se
    assert abs(x.var() / var - 1) < 5 * np.sqrt(2.0 / x.size)
    assert _chi_square_binom(x, n, pp) > ALPHA
    if mean > 2 ** 24:
        # no quantisation of k to the float spacing: low bits are uniform
        xi = x.astype(np.int64)
        assert len(np.unique(xi % 64)) == 64
        assert abs((xi % 2).mean() - 0.5) < 4 * np.sqrt(0.25 / x.size)
    if n == 40000000:
        # CDF check at a few quantiles (normal approx to the binomial count)
        dist = stats.binom(n, pp)
        for q in (0.01, 0.1, 0.5, 0.9, 0.99):
            k = dist.ppf(q)
            emp = (x <= k).mean()
            assert abs(emp - dist.cdf(k)) < 4 * np.sqrt(q * (1 - q) / x.size) + 1e-3


@pytest.mark.parametrize("prec", ["f", "d"])
def test_binomial_edge_cases(harness, prec):
    b = "b" + prec
    assert set(harness(b, 1, 2, 0, 0, 50, 4, 0, 0.3)) == {"0"}          # n = 0
    assert set(harness(b, 1, 2, 0, 0, 50, 4, 1000, 0.0)) == {"0"}       # p = 0
    assert set(harness(b, 1, 2, 0, 0, 50, 4, 1000, 1.0)) == {"1000"}    # p = 1
    assert set(harness(b, 1, 2, 0, 0, 50, 4, 4000000000, 1.0)) == {"4000000000"}
    x = np.array(harness(b, 1, 2, 0, 0, 200, 5, 1, 0.5), dtype=np.int64)  # Bernoulli
    assert set(x) <= {0, 1} and 0.4 < x.mean() < 0.6


@pytest.mark.parametrize("prec", ["f", "d"])
def test_gamma_invalid_shape(harness, prec):
    assert set(float(v) for v in harness("g" + prec, 1, 2, 0, 0, 3, 3, 0.0)) == {0.0}


# ---------------------------------------------------------------------------
# (d) OpenCL
# ---------------------------------------------------------------------------
_CL_PREAMBLE = ("typedef uint uint32_t; typedef ulong uint64_t; typedef int int32_t; "
                "typedef long int64_t; typedef ushort uint16_t; typedef uchar uint8_t; "
                "typedef short int16_t; typedef char int8_t;\n")

_CL_KERNEL = r"""
__kernel void draws(__global uint *words, __global float *uf, __global float *nf,
                    __global uint *bf, const uint seed_lo, const uint seed_hi,
                    const uint stream, const uint step, const uint n_per)
{
    const uint e = get_global_id(0);
    genn_rng_t r;
    uint i;
    genn_rng_init(&r, seed_lo, seed_hi, stream, e, step);
    for (i = 0; i < n_per; i++) words[e * n_per + i] = genn_rand(&r);
    genn_rng_init(&r, seed_lo, seed_hi, stream, e, step);
    for (i = 0; i < n_per; i++) uf[e * n_per + i] = genn_uniform_f(&r);
    genn_rng_init(&r, seed_lo, seed_hi, stream, e, step);
    for (i = 0; i < n_per; i++) nf[e * n_per + i] = genn_normal_f(&r);
    genn_rng_init(&r, seed_lo, seed_hi, stream, e, step);
    for (i = 0; i < n_per; i++) bf[e * n_per + i] = genn_binomial_f(&r, 1000u, 0.4f);
    /* exercise the remaining float functions so that they are compiled */
    genn_rng_init(&r, seed_lo, seed_hi, stream, e, step);
    nf[0] += 0.0f * (genn_exponential_f(&r) + genn_log_normal_f(&r, 0.0f, 1.0f)
                     + genn_gamma_f(&r, 0.5f) + (float)genn_binomial_f(&r, 20u, 0.3f));
}
"""

_CL_KERNEL_D = r"""
#ifdef cl_khr_fp64
__kernel void draws_d(__global double *ud, __global double *misc, const uint seed_lo,
                      const uint seed_hi, const uint stream, const uint step, const uint n_per)
{
    const uint e = get_global_id(0);
    genn_rng_t r;
    uint i;
    genn_rng_init(&r, seed_lo, seed_hi, stream, e, step);
    for (i = 0; i < n_per; i++) ud[e * n_per + i] = genn_uniform_d(&r);
    genn_rng_init(&r, seed_lo, seed_hi, stream, e, step);
    misc[e] = genn_normal_d(&r) + genn_exponential_d(&r) + genn_log_normal_d(&r, 0.0, 1.0)
              + genn_gamma_d(&r, 0.5) + (double)genn_binomial_d(&r, 40000000u, 1e-4);
}
#endif
"""


def _cl_device():
    if missing_backends("opencl"):
        pytest.skip(missing_backends("opencl"))
    cl = pytest.importorskip("pyopencl")
    try:
        platforms = cl.get_platforms()
    except Exception:  # pragma: no cover - no ICD
        pytest.skip("no OpenCL platform")
    for plat in platforms:
        try:
            devs = plat.get_devices()
        except Exception:  # pragma: no cover
            continue
        if devs:
            return cl, devs[0]
    pytest.skip("no OpenCL device")


def test_opencl_bit_exact(harness):
    cl, dev = _cl_device()
    dbl = bool(dev.double_fp_config) or "cl_khr_fp64" in dev.extensions
    src = _CL_PREAMBLE
    if dbl:
        src += "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n"
    src += rng_source("opencl", double_support=dbl) + _CL_KERNEL
    if dbl:
        src += _CL_KERNEL_D
    ctx = cl.Context([dev])
    queue = cl.CommandQueue(ctx)
    prg = cl.Program(ctx, src).build(options=["-cl-std=CL1.2"])

    seed_lo, seed_hi, stream, step = 0xDEADBEEF, 0xCAFEF00D, 7, 123456
    n_elem, n_per = 64, 11
    mf = cl.mem_flags
    words = np.zeros(n_elem * n_per, np.uint32)
    uf = np.zeros(n_elem * n_per, np.float32)
    nf = np.zeros(n_elem * n_per, np.float32)
    bf = np.zeros(n_elem * n_per, np.uint32)
    bufs = [cl.Buffer(ctx, mf.WRITE_ONLY, a.nbytes) for a in (words, uf, nf, bf)]
    args = [np.uint32(v) for v in (seed_lo, seed_hi, stream, step, n_per)]
    prg.draws(queue, (n_elem,), None, *bufs, *args)
    for a, b in zip((words, uf, nf, bf), bufs):
        cl.enqueue_copy(queue, a, b)
    queue.finish()

    exp_words = ref.rand_words(seed_lo, seed_hi, stream, np.arange(n_elem), step, n_per)
    np.testing.assert_array_equal(words.reshape(n_elem, n_per), exp_words)
    c_words = np.array(harness("words", seed_lo, seed_hi, stream, step, n_elem, n_per),
                       dtype=np.uint64).astype(np.uint32)
    np.testing.assert_array_equal(words, c_words)
    exp_uf = ref.uniform_f(seed_lo, seed_hi, stream, np.arange(n_elem), step, n_per)
    np.testing.assert_array_equal(uf.reshape(n_elem, n_per), exp_uf)
    # transcendental functions may differ by a few ulp between libms
    c_nf = _draws_exact(harness, "nf", seed_lo, seed_hi, stream, step, n_elem, n_per)
    nf[0] = c_nf[0]  # element 0 / draw 0 was perturbed by the "exercise" line (x 0.0)
    np.testing.assert_allclose(nf, c_nf, rtol=1e-5, atol=1e-5)
    c_bf = np.array(harness("bf", seed_lo, seed_hi, stream, step, n_elem, n_per, 1000, 0.4),
                    dtype=np.int64)
    # integer outputs agree except (rarely) where a few-ulp difference flips a test
    assert np.mean(bf.astype(np.int64) == c_bf) > 0.95

    if dbl:
        ud = np.zeros(n_elem * n_per, np.float64)
        misc = np.zeros(n_elem, np.float64)
        b_ud = cl.Buffer(ctx, mf.WRITE_ONLY, ud.nbytes)
        b_misc = cl.Buffer(ctx, mf.WRITE_ONLY, misc.nbytes)
        prg.draws_d(queue, (n_elem,), None, b_ud, b_misc, *args)
        cl.enqueue_copy(queue, ud, b_ud)
        cl.enqueue_copy(queue, misc, b_misc)
        queue.finish()
        exp_ud = ref.uniform_d(seed_lo, seed_hi, stream, np.arange(n_elem), step, n_per)
        np.testing.assert_array_equal(ud.reshape(n_elem, n_per), exp_ud)
        assert np.all(np.isfinite(misc))


def _draws_exact(harness, mode, seed_lo, seed_hi, stream, step, n_elem, n_per):
    return np.array(harness(mode, seed_lo, seed_hi, stream, step, n_elem, n_per),
                    dtype=np.float64).astype(np.float32)


def test_opencl_float_only_build():
    cl, dev = _cl_device()
    src = _CL_PREAMBLE + rng_source("opencl", double_support=False) + _CL_KERNEL
    ctx = cl.Context([dev])
    cl.Program(ctx, src).build(options=["-cl-std=CL1.2"])


# ---------------------------------------------------------------------------
# (e) CUDA (compile only)
# ---------------------------------------------------------------------------
_CUDA_KERNEL = r"""
__global__ void draws(uint32_t *words, float *f, double *d, uint32_t *b,
                      uint32_t seed_lo, uint32_t seed_hi, uint32_t step)
{
    const uint32_t e = blockIdx.x * blockDim.x + threadIdx.x;
    genn_rng_t r;
    genn_rng_init(&r, seed_lo, seed_hi, 0u, e, step);
    words[e] = genn_rand(&r);
    f[e] = genn_uniform_f(&r) + genn_normal_f(&r) + genn_exponential_f(&r)
           + genn_log_normal_f(&r, 0.0f, 1.0f) + genn_gamma_f(&r, 0.5f);
    d[e] = genn_uniform_d(&r) + genn_normal_d(&r) + genn_exponential_d(&r)
           + genn_log_normal_d(&r, 0.0, 1.0) + genn_gamma_d(&r, 0.5);
    b[e] = genn_binomial_f(&r, 1000u, 0.4f) + genn_binomial_d(&r, 40000000u, 1e-4);
}
"""


# nvcc is slow (seconds, tens of seconds cold): the float-only variant runs with the slow tests
@pytest.mark.parametrize("dbl", [True, pytest.param(False, marks=pytest.mark.slow)])
def test_cuda_compiles(tmp_path, dbl):
    nvcc = shutil.which("nvcc")
    if nvcc is None:
        pytest.skip("nvcc not found")
    kernel = _CUDA_KERNEL
    if not dbl:
        kernel = kernel.replace("double *d", "float *d").replace(
            "d[e] = genn_uniform_d(&r) + genn_normal_d(&r) + genn_exponential_d(&r)\n"
            "           + genn_log_normal_d(&r, 0.0, 1.0) + genn_gamma_d(&r, 0.5);", "d[e] = 0.0f;"
        ).replace(" + genn_binomial_d(&r, 40000000u, 1e-4)", "")
    src = tmp_path / "rng.cu"
    src.write_text("#include <stdint.h>\n" + rng_source("cuda", double_support=dbl) + kernel)
    res = subprocess.run([nvcc, "-arch=sm_90", "-c", "-x", "cu", str(src),
                          "-o", str(tmp_path / "rng.o")],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
