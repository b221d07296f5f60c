"""Built-in neuron models (PyGeNN 5 ``neuron_models``).

Each built-in is a module-level function named as in PyGeNN that returns a
fresh :class:`~pygenn_cl.model_spec.NeuronModel`.
"""
from __future__ import annotations

import math
from math import exp

from .enums import VarAccess
from .model_spec import NeuronModel, create_neuron_model
from .validation import InvalidParameter


def LIF() -> NeuronModel:
    """Leaky integrate-and-fire neuron with exact exponential integration and refractoriness.

    Params: C (nF), TauM (ms), Vrest, Vreset, Vthresh (mV), Ioffset (nA), TauRefrac (ms).
    Vars: V (mV), RefracTime (ms).
    """
    return create_neuron_model(
        "LIF",
        params=["C", "TauM", "Vrest", "Vreset", "Vthresh", "Ioffset", "TauRefrac"],
        vars=[("V", "scalar"), ("RefracTime", "scalar")],
        derived_params=[("ExpTC", lambda pars, dt: exp(-dt / pars["TauM"])),
                        ("Rmembrane", lambda pars, dt: pars["TauM"] / pars["C"])],
        sim_code=(
            "if (RefracTime <= 0.0) {\n"
            "    scalar alpha = ((Isyn + Ioffset) * Rmembrane) + Vrest;\n"
            "    V = alpha - (ExpTC * (alpha - V));\n"
            "}\n"
            "else {\n"
            "    RefracTime -= dt;\n"
            "}\n"),
        threshold_condition_code="RefracTime <= 0.0 && V >= Vthresh",
        reset_code=(
            "V = Vreset;\n"
            "RefracTime = TauRefrac;\n"))


_IZHIKEVICH_SIM = (
    "if (V >= 30.0) {\n"
    "    V = c;\n"
    "    U += d;\n"
    "}\n"
    "V += 0.5 * (0.04 * V * V + 5.0 * V + 140.0 - U + Isyn) * dt;\n"
    "V += 0.5 * (0.04 * V * V + 5.0 * V + 140.0 - U + Isyn) * dt;\n"
    "U += a * (b * V - U) * dt;\n"
    "if (V > 30.0) {\n"
    "    V = 30.0;\n"
    "}\n")


def Izhikevich() -> NeuronModel:
    """Izhikevich (2003) neuron; params a, b, c, d; vars V (mV), U.

    V is integrated with two half-``dt`` Euler steps, U with one, and V is
    clamped at 30 mV.  Intended for ``dt`` = 1 ms or less.  As in PyGeNN there is no
    reset code: the neuron spikes when V >= 29.99 and the step after a spike starts by
    setting V to c and adding d to U (when V >= 30), so V reads 30 mV at a spike step.
    """
    return create_neuron_model(
        "Izhikevich",
        params=["a", "b", "c", "d"],
        vars=[("V", "scalar"), ("U", "scalar")],
        sim_code=_IZHIKEVICH_SIM,
        threshold_condition_code="V >= 29.99")


def IzhikevichVariable() -> NeuronModel:
    """Izhikevich neuron whose a, b, c, d are per-neuron read-only variables."""
    return create_neuron_model(
        "IzhikevichVariable",
        vars=[("V", "scalar"), ("U", "scalar"),
              ("a", "scalar", VarAccess.READ_ONLY), ("b", "scalar", VarAccess.READ_ONLY),
              ("c", "scalar", VarAccess.READ_ONLY), ("d", "scalar", VarAccess.READ_ONLY)],
        sim_code=_IZHIKEVICH_SIM,
        threshold_condition_code="V >= 29.99")


def _poisson_isi(pars, dt: float) -> float:
    """Mean steps between spikes; infinite (no spikes) at rate 0."""
    rate = pars["rate"]
    if rate < 0:
        raise InvalidParameter(f"parameter 'rate' must not be negative (a rate in Hz), not {rate!r}")
    return math.inf if rate == 0 else 1000.0 / (rate * dt)


def Poisson() -> NeuronModel:
    """Poisson spike source with exponentially distributed inter-spike intervals.

    Param: rate (Hz).  Var: timeStepToSpike (timesteps until the next spike).
    """
    return create_neuron_model(
        "Poisson",
        params=["rate"],
        vars=[("timeStepToSpike", "scalar")],
        derived_params=[("isi", _poisson_isi)],
        sim_code=(
            "if (timeStepToSpike <= 0.0) {\n"
            "    timeStepToSpike += isi * gennrand_exponential();\n"
            "}\n"
            "timeStepToSpike -= 1.0;\n"),
        threshold_condition_code="timeStepToSpike <= 0.0")


def SpikeSourceArray() -> NeuronModel:
    """Neurons that spike at times listed in the ``spikeTimes`` extra global parameter.

    Neuron ``i`` emits the spikes ``spikeTimes[startSpike[i]:endSpike[i]]``
    (sorted, in ms).
    """
    return create_neuron_model(
        "SpikeSourceArray",
        vars=[("startSpike", "unsigned int"),
              ("endSpike", "unsigned int", VarAccess.READ_ONLY_DUPLICATE)],
        extra_global_params=[("spikeTimes", "scalar*")],
        threshold_condition_code="startSpike != endSpike && t >= spikeTimes[startSpike]",
        reset_code="startSpike++;\n")


def RulkovMap() -> NeuronModel:
    """Rulkov map neuron, scaled to a spike amplitude of Vspike.

    Params: Vspike, alpha, y, beta.  Vars: V, preV.  Intended for ``dt`` = 0.5 ms.
    """
    return create_neuron_model(
        "RulkovMap",
        params=["Vspike", "alpha", "y", "beta"],
        vars=[("V", "scalar"), ("preV", "scalar")],
        derived_params=[
            ("ip0", lambda pars, dt: pars["Vspike"] * pars["Vspike"] * pars["alpha"]),
            ("ip1", lambda pars, dt: pars["Vspike"] * pars["y"]),
            ("ip2", lambda pars, dt: (pars["Vspike"] * pars["y"]) + (pars["Vspike"] * pars["alpha"]))],
        sim_code=(
            "if (V <= 0.0) {\n"
            "    preV = V;\n"
            "    V = ip0 / ((Vspike - V) - (beta * Isyn)) + ip1;\n"
            "}\n"
            "else if (V < ip2 && preV <= 0.0) {\n"
            "    preV = V;\n"
            "    V = ip2;\n"
            "}\n"
            "else {\n"
            "    preV = V;\n"
            "    V = -Vspike;\n"
            "}\n"),
        threshold_condition_code="V >= ip2")


def TraubMiles() -> NeuronModel:
    """Hodgkin-Huxley neuron of Traub and Miles (1991), 25 Euler substeps per ``dt``.

    Params: gNa, ENa, gK, EK, gl, El, C.  Vars: V (mV), m, h, n.  The rate
    functions' removable singularities are replaced by their limits.
    """
    return create_neuron_model(
        "TraubMiles",
        params=["gNa", "ENa", "gK", "EK", "gl", "El", "C"],
        vars=[("V", "scalar"), ("m", "scalar"), ("h", "scalar"), ("n", "scalar")],
        sim_code=(
            "const scalar mdt = dt / 25.0;\n"
            "for (int mt = 0; mt < 25; mt++) {\n"
            "    const scalar Imem = -(m * m * m * h * gNa * (V - ENa) +\n"
            "                          n * n * n * n * gK * (V - EK) +\n"
            "                          gl * (V - El) -\n"
            "                          Isyn);\n"
            "    scalar alphaRate;\n"
            "    scalar betaRate;\n"
            "    if (V == -52.0) {\n"
            "        alphaRate = 1.28;\n"
            "    }\n"
            "    else {\n"
            "        alphaRate = 0.32 * (-52.0 - V) / (exp((-52.0 - V) / 4.0) - 1.0);\n"
            "    }\n"
            "    if (V == -25.0) {\n"
            "        betaRate = 1.4;\n"
            "    }\n"
            "    else {\n"
            "        betaRate = 0.28 * (V + 25.0) / (exp((V + 25.0) / 5.0) - 1.0);\n"
            "    }\n"
            "    m += (alphaRate * (1.0 - m) - betaRate * m) * mdt;\n"
            "    alphaRate = 0.128 * exp((-48.0 - V) / 18.0);\n"
            "    betaRate = 4.0 / (exp((-25.0 - V) / 5.0) + 1.0);\n"
            "    h += (alphaRate * (1.0 - h) - betaRate * h) * mdt;\n"
            "    if (V == -50.0) {\n"
            "        alphaRate = 0.16;\n"
            "    }\n"
            "    else {\n"
            "        alphaRate = 0.032 * (-50.0 - V) / (exp((-50.0 - V) / 5.0) - 1.0);\n"
            "    }\n"
            "    betaRate = 0.5 * exp((-55.0 - V) / 40.0);\n"
            "    n += (alphaRate * (1.0 - n) - betaRate * n) * mdt;\n"
            "    V += Imem / C * mdt;\n"
            "}\n"),
        threshold_condition_code="V >= 0.0")
