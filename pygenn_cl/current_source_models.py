"""Built-in current source models (PyGeNN 5 ``current_source_models``)."""
from __future__ import annotations

from math import exp, lgamma, log

from .model_spec import CurrentSourceModel, create_current_source_model


def DC() -> CurrentSourceModel:
    """Constant current ``amp`` (nA)."""
    return create_current_source_model(
        "DC",
        params=["amp"],
        injection_code="injectCurrent(amp);\n")


def GaussianNoise() -> CurrentSourceModel:
    """Current drawn afresh each step from Normal(``mean``, ``sd``) (nA)."""
    return create_current_source_model(
        "GaussianNoise",
        params=["mean", "sd"],
        injection_code="injectCurrent(mean + (gennrand_normal() * sd));\n")


#: Bound on the probability of more Poisson counts than ``PoissonExp`` sums terms for.
_TAIL_BOUND = 2.0 ** -32
#: Largest expected count per step: exp(-lambda) is a normal double up to about 708.
_MAX_LAMBDA = 700.0


def poisson_terms(lam: float, tail_bound: float = _TAIL_BOUND) -> int:
    """Number of terms ``K`` for inverse-CDF Poisson sampling with mean ``lam``.

    The smallest ``K`` of the ladder 8, 12, 16, 24, 32, 48, ... with ``P(N >= K) <
    tail_bound``.  Sampling sums the probabilities of 0 .. K-1 counts and returns at most
    ``K``, so the distribution is exact up to ``tail_bound`` (below the resolution of a
    single-precision uniform, 2^-24).  A coarse ladder lets populations with similar rates
    share one value, which the code generator then writes as a literal: a loop of constant
    length that compilers unroll and vectorise.
    """
    if not lam >= 0.0:
        raise ValueError(f"rate must be >= 0 Hz (expected input spikes per step: {lam})")
    if lam > _MAX_LAMBDA:
        # exp(-lambda) underflows even in double precision: no sampler that starts from it works
        raise ValueError(f"rate x dt gives {lam:g} expected input spikes per step, more than "
                         f"PoissonExp can sample ({_MAX_LAMBDA:g}); split the input over several sources")
    k = 8
    while _poisson_tail(lam, k) >= tail_bound:
        k = k * 3 // 2 if k & (k - 1) == 0 else k * 4 // 3
    return k


def _poisson_tail(lam: float, k: int) -> float:
    """P(N >= k) for N ~ Poisson(lam), summed from the tail's first term (no cancellation)."""
    if lam == 0.0:
        return 0.0
    term = exp(-lam + k * log(lam) - lgamma(k + 1))
    total, j = 0.0, k
    while term > total * 1e-17:
        total += term
        j += 1
        term *= lam / j
    return total


def PoissonExp() -> CurrentSourceModel:
    """Current from a Poisson spike train of ``rate`` (Hz) through exponential synapses.

    Params: weight (nA), tauSyn (ms), rate (Hz).  Var: current (nA).

    Each step, the number of input spikes is drawn from Poisson(``rate`` * dt / 1000) by
    inversion with one uniform: the count is how many of the cumulative probabilities of
    0, 1, ..., K-1 spikes the uniform exceeds (K from :func:`poisson_terms`).  PyGeNN
    draws the same distribution with Knuth's product of uniforms (1 + count draws); a
    fixed number of draws and a loop of fixed length need no branches, so the update
    vectorises on CPUs and does not diverge on GPUs.  In single precision ``exp(-lambda)``
    must be a normal number: up to about 80 expected spikes per step.
    """
    return create_current_source_model(
        "PoissonExp",
        params=["weight", "tauSyn", "rate"],
        vars=[("current", "scalar")],
        derived_params=[
            ("ExpDecay", lambda pars, dt: exp(-dt / pars["tauSyn"])),
            ("Init", lambda pars, dt: pars["weight"] * (1.0 - exp(-dt / pars["tauSyn"]))
             * (pars["tauSyn"] / dt)),
            ("ExpMinusLambda", lambda pars, dt: exp(-(pars["rate"] / 1000.0) * dt)),
            ("Lambda", lambda pars, dt: (pars["rate"] / 1000.0) * dt),
            ("NumTerms", lambda pars, dt: poisson_terms((pars["rate"] / 1000.0) * dt), "unsigned int")],
        injection_code=(
            "const scalar u = gennrand_uniform();\n"
            "scalar term = ExpMinusLambda;\n"   # P(0)
            "scalar cdf = term;\n"              # P(N <= k - 1)
            "unsigned int numSpikes = 0;\n"
            "for (unsigned int k = 1; k <= NumTerms; k++) {\n"
            "    numSpikes += (u > cdf) ? 1 : 0;\n"
            "    term *= Lambda / (scalar)k;\n"
            "    cdf += term;\n"
            "}\n"
            "current += Init * (scalar)numSpikes;\n"
            "injectCurrent(current);\n"
            "current *= ExpDecay;\n"))
