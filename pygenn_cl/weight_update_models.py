"""Built-in weight update models (PyGeNN 5 ``weight_update_models``)."""
from __future__ import annotations

from .enums import VarAccess, VarAccessMode
from .model_spec import WeightUpdateModel, create_weight_update_model


def StaticPulse() -> WeightUpdateModel:
    """Each presynaptic spike adds the synapse's weight ``g`` to the postsynaptic input."""
    return create_weight_update_model(
        "StaticPulse",
        vars=[("g", "scalar", VarAccess.READ_ONLY)],
        pre_spike_syn_code="addToPost(g);\n")


def StaticPulseConstantWeight() -> WeightUpdateModel:
    """Like :func:`StaticPulse` but with one weight ``g`` (a parameter) for all synapses."""
    return create_weight_update_model(
        "StaticPulseConstantWeight",
        params=["g"],
        pre_spike_syn_code="addToPost(g);\n")


def StaticPulseDendriticDelay() -> WeightUpdateModel:
    """Static pulse whose input arrives after a per-synapse dendritic delay ``d`` (timesteps)."""
    return create_weight_update_model(
        "StaticPulseDendriticDelay",
        vars=[("g", "scalar", VarAccess.READ_ONLY), ("d", "uint8_t", VarAccess.READ_ONLY)],
        pre_spike_syn_code="addToPostDelay(g, d);\n")


def StaticGraded() -> WeightUpdateModel:
    """Graded synapse: while the presynaptic voltage exceeds ``Epre`` it delivers
    ``max(0, g * tanh((V_pre - Epre) / Vslope) * dt)`` every step."""
    return create_weight_update_model(
        "StaticGraded",
        params=["Epre", "Vslope"],
        vars=[("g", "scalar", VarAccess.READ_ONLY)],
        pre_neuron_var_refs=[("V_pre", "scalar", VarAccessMode.READ_ONLY)],
        pre_event_threshold_condition_code="V_pre > Epre",
        pre_event_syn_code="addToPost(fmax(0.0, g * tanh((V_pre - Epre) / Vslope) * dt));\n")


def STDP() -> WeightUpdateModel:
    """Additive, nearest-neighbour STDP with hard bounds.

    A presynaptic spike depresses ``g`` by ``Aminus * exp(-dt / tauMinus)`` and a
    postsynaptic spike potentiates it by ``Aplus * exp(-dt / tauPlus)``, where ``dt``
    is the time since the most recent spike on the other side; ``g`` stays in
    ``[Wmin, Wmax]``.
    """
    return create_weight_update_model(
        "STDP",
        params=["tauPlus", "tauMinus", "Aplus", "Aminus", "Wmin", "Wmax"],
        vars=[("g", "scalar")],
        pre_spike_syn_code=(
            "addToPost(g);\n"
            "const scalar dt = t - st_post;\n"
            "if (dt > 0.0) {\n"
            "    g = fmin(Wmax, fmax(Wmin, g - Aminus * exp(-dt / tauMinus)));\n"
            "}\n"),
        post_spike_syn_code=(
            "const scalar dt = t - st_pre;\n"
            "if (dt > 0.0) {\n"
            "    g = fmin(Wmax, fmax(Wmin, g + Aplus * exp(-dt / tauPlus)));\n"
            "}\n"))
