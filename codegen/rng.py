"""Philox4x32-10 counter-based random number generator for generated code.

:func:`rng_source` renders one C-family source text (struct + functions) for
the three code-generation dialects:

* ``"c"``      -- C99 (caller includes <stdint.h>, <math.h>, <stdbool.h>)
* ``"opencl"`` -- OpenCL C 1.2 (caller provides the fixed-width typedefs and,
  only when the device supports doubles, enables ``cl_khr_fp64``)
* ``"cuda"``   -- CUDA C++

Generated API (``s`` is ``f`` for float, ``d`` for double)::

    typedef struct { uint32_t ctr[4]; uint32_t key[2]; uint32_t out[4]; uint32_t next; } genn_rng_t;
    void     genn_philox4x32_10(const uint32_t *ctr, const uint32_t *key, uint32_t *out);
    void     genn_rng_init(genn_rng_t *r, uint32_t seed_lo, uint32_t seed_hi,
                           uint32_t stream, uint32_t element, uint32_t step);
    uint32_t genn_rand(genn_rng_t *r);
    T        genn_uniform_s(r), genn_normal_s(r), genn_exponential_s(r);
    T        genn_log_normal_s(r, T mean, T sd), genn_gamma_s(r, T a);
    uint32_t genn_binomial_s(r, uint32_t n, T p);

Draw ``k`` (32-bit word) of an RNG initialised with (seed, stream, element,
step) is word ``k % 4`` of ``philox4x32_10(ctr={element, stream, step, k // 4},
key={seed_lo, seed_hi})``.
"""
import math

from .render import render

DIALECTS = ("c", "opencl", "cuda")

#: The step counter word of streams that are not per step: initialisation uses values no
#: simulation reaches (``(uint32_t)timestep`` in updates).
INIT_STEP = "0xFFFFFFFFu"            # variable initialisation
CONNECTIVITY_STEP = "0xFFFFFFFEu"    # building connectivity
MULTINOMIAL_STEP = "0xFFFFFFFDu"     # drawing the row lengths of FixedNumberTotal

_QUALIFIERS = {
    "c": "static inline",
    "opencl": "static inline",
    "cuda": "static __device__ __forceinline__",
}

_cache = {}


def _stirling_corrections():
    """fc(k) = log(k!) - [(k + 1/2) log(k + 1) - (k + 1) + log(2 pi) / 2], k = 0..9."""
    half_log_2pi = 0.5 * math.log(2.0 * math.pi)
    return ["%.17e" % (math.lgamma(k + 1.0) - ((k + 0.5) * math.log(k + 1.0)
                                              - (k + 1.0) + half_log_2pi))
            for k in range(10)]


def rng_source(dialect: str, double_support: bool = True) -> str:
    """Return the Philox RNG + distribution source for ``dialect``.

    ``double_support=False`` omits every double-precision function (needed
    for OpenCL devices without ``cl_khr_fp64``).
    """
    if dialect not in DIALECTS:
        raise ValueError("unknown dialect %r (expected one of %s)"
                         % (dialect, ", ".join(DIALECTS)))
    key = (dialect, bool(double_support))
    if key not in _cache:
        _cache[key] = render("rng.mako",
            dialect=dialect, qual=_QUALIFIERS[dialect],
            double_support=bool(double_support),
            fc_table=_stirling_corrections())
    return _cache[key]
