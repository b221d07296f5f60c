"""Built-in variable initialisation snippets (PyGeNN 5 ``init_var_snippets``).

Snippet code assigns ``value``.
"""
from __future__ import annotations

from .model_spec import VarInitSnippet, create_var_init_snippet


def Uninitialised() -> VarInitSnippet:
    """Leave the variable uninitialised (the user sets it, e.g. from the host)."""
    return create_var_init_snippet("Uninitialised")


def Constant() -> VarInitSnippet:
    """Every element takes the value ``constant``."""
    return create_var_init_snippet(
        "Constant",
        params=["constant"],
        var_init_code="value = constant;\n")


def Uniform() -> VarInitSnippet:
    """Uniformly distributed between ``min`` and ``max``."""
    return create_var_init_snippet(
        "Uniform",
        params=["min", "max"],
        var_init_code=(
            "const scalar scale = max - min;\n"
            "value = min + (gennrand_uniform() * scale);\n"))


def Normal() -> VarInitSnippet:
    """Normally distributed with ``mean`` and standard deviation ``sd``."""
    return create_var_init_snippet(
        "Normal",
        params=["mean", "sd"],
        var_init_code="value = mean + (gennrand_normal() * sd);\n")


def NormalClipped() -> VarInitSnippet:
    """Normal(``mean``, ``sd``) resampled until it lies in [``min``, ``max``]."""
    return create_var_init_snippet(
        "NormalClipped",
        params=["mean", "sd", "min", "max"],
        var_init_code=(
            "scalar normal;\n"
            "do {\n"
            "    normal = mean + (gennrand_normal() * sd);\n"
            "} while (normal > max || normal < min);\n"
            "value = normal;\n"))


def NormalClippedDelay() -> VarInitSnippet:
    """A delay in timesteps: Normal(``mean``, ``sd``) ms, clipped to [``min``, ``max``] ms
    by resampling, converted to timesteps and rounded to the nearest integer."""
    return create_var_init_snippet(
        "NormalClippedDelay",
        params=["mean", "sd", "min", "max"],
        derived_params=[("meanTimestep", lambda pars, dt: pars["mean"] / dt),
                        ("sdTimestep", lambda pars, dt: pars["sd"] / dt),
                        ("minDelay", lambda pars, dt: pars["min"] / dt),
                        ("maxDelay", lambda pars, dt: pars["max"] / dt)],
        var_init_code=(
            "scalar normal;\n"
            "do {\n"
            "    normal = meanTimestep + (gennrand_normal() * sdTimestep);\n"
            "} while (normal > maxDelay || normal < minDelay);\n"
            "value = rint(normal);\n"))


def Exponential() -> VarInitSnippet:
    """Exponentially distributed; as in PyGeNN, ``lambda`` multiplies a unit
    exponential, so it is the distribution's *mean* (a scale), not its rate."""
    return create_var_init_snippet(
        "Exponential",
        params=["lambda"],
        var_init_code="value = lambda * gennrand_exponential();\n")


def Gamma() -> VarInitSnippet:
    """Gamma distributed with shape ``a`` and scale ``b``."""
    return create_var_init_snippet(
        "Gamma",
        params=["a", "b"],
        var_init_code="value = b * gennrand_gamma(a);\n")


def Binomial() -> VarInitSnippet:
    """Binomially distributed with ``n`` trials of success probability ``p``."""
    return create_var_init_snippet(
        "Binomial",
        params=[("n", "unsigned int"), "p"],
        var_init_code="value = gennrand_binomial(n, p);\n")


def Kernel() -> VarInitSnippet:
    """Each synapse takes the entry ``id_kernel`` of the ``kernel`` extra global parameter,
    the kernel position its connectivity snippet gave it (``addSynapse(j, k0, k1, ...)``,
    e.g. ``init_sparse_connectivity_snippets.Conv2D``): with SPARSE or PROCEDURAL connectivity
    built row by row by a snippet with a kernel.  With kernel weights (PROCEDURAL_KERNELG,
    TOEPLITZ) it copies the kernel into the variable, ``id_kernel`` being its element.
    Elsewhere it is refused when the synapse population is added.
    """
    return create_var_init_snippet(
        "Kernel",
        extra_global_params=[("kernel", "scalar*")],
        var_init_code="value = kernel[id_kernel];\n")
