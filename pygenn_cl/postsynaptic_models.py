"""Built-in postsynaptic models (PyGeNN 5 ``postsynaptic_models``)."""
from __future__ import annotations

from math import exp

from .enums import VarAccessMode
from .model_spec import PostsynapticModel, create_postsynaptic_model


def DeltaCurr() -> PostsynapticModel:
    """All input arriving this step is injected at once, then cleared."""
    return create_postsynaptic_model(
        "DeltaCurr",
        sim_code=(
            "injectCurrent(inSyn);\n"
            "inSyn = 0.0;\n"))


def ExpCurr() -> PostsynapticModel:
    """Exponentially decaying current with time constant ``tau`` (ms).

    The injected current is scaled by ``init`` so that a unit weight delivers
    a total charge of ``tau`` regardless of ``dt``.
    """
    return create_postsynaptic_model(
        "ExpCurr",
        params=["tau"],
        derived_params=[("expDecay", lambda pars, dt: exp(-dt / pars["tau"])),
                        ("init", lambda pars, dt: (pars["tau"] * (1.0 - exp(-dt / pars["tau"]))) / dt)],
        sim_code=(
            "injectCurrent(init * inSyn);\n"
            "inSyn *= expDecay;\n"))


def ExpCond() -> PostsynapticModel:
    """Exponentially decaying conductance with time constant ``tau`` and reversal potential ``E``.

    Reads the postsynaptic neuron's membrane voltage through the neuron
    variable reference ``V``.
    """
    return create_postsynaptic_model(
        "ExpCond",
        params=["tau", "E"],
        neuron_var_refs=[("V", "scalar", VarAccessMode.READ_ONLY)],
        derived_params=[("expDecay", lambda pars, dt: exp(-dt / pars["tau"]))],
        sim_code=(
            "injectCurrent(inSyn * (E - V));\n"
            "inSyn *= expDecay;\n"))
