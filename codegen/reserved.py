"""Names a model may not give its parameters, variables, references or extra global parameters.

Generated environments provide these names to user code (``t``, ``id``, ``addToPost`` ...).
A model name that equals one would silently shadow it (a variable called ``t`` would be
read where code means the time), so the model API rejects such names where they are given.
The lists follow the environments the generator builds (``codegen.generator``).
"""
from __future__ import annotations

from typing import Dict, FrozenSet

from .transpiler.parser import KEYWORDS

#: The random number functions every code section sees.
RNG_FUNCTIONS = frozenset(["gennrand", "gennrand_uniform", "gennrand_normal", "gennrand_exponential",
                           "gennrand_log_normal", "gennrand_gamma", "gennrand_binomial"])

#: Names of every code section: time, the time step, C and GeNNCode words, the random number
#: functions.  Maths functions are not among them: PyGeNN's own models name parameters ``min``
#: and ``max`` (that model's code then cannot call those functions).
COMMON: FrozenSet[str] = frozenset(["t", "dt"]) | KEYWORDS | RNG_FUNCTIONS

_NEURON = frozenset(["id", "num_neurons", "Isyn", "st", "prev_st"])
_SYNAPSE = frozenset(["id_pre", "id_post", "id_syn", "num_pre", "num_post", "st_pre", "st_post",
                      "prev_st_pre", "prev_st_post", "set_pre", "set_post", "prev_set_pre",
                      "prev_set_post", "addToPost", "addToPre", "addToPostDelay"])

#: Model family (``ModelBase.family``) -> the names its code sections see besides :data:`COMMON`.
BY_FAMILY: Dict[str, FrozenSet[str]] = {
    "neuron model": _NEURON,
    "postsynaptic model": _NEURON | {"inSyn", "injectCurrent"},
    "current source model": _NEURON | {"injectCurrent"},
    # pre/post variables and their code run in the pre- or postsynaptic neuron's update
    "weight update model": _NEURON | _SYNAPSE,
    "custom update model": frozenset(["id", "num_neurons", "id_pre", "id_post", "id_syn", "num_pre", "num_post"]),
    "variable initialisation snippet": frozenset(["value", "id", "num_neurons", "id_pre", "id_post", "id_syn",
                                                  "num_pre", "num_post"]),
    "custom connectivity update model": frozenset([
        "id_pre", "id_post", "id_syn", "num_pre", "num_post", "row_length", "row_stride", "for_each_synapse",
        "add_synapse", "remove_synapse"]),
    "sparse connectivity initialisation snippet": frozenset([
        "id_pre", "id_post", "num_pre", "num_post", "id_pre_begin", "id_post_begin", "id_thread", "num_threads",
        "addSynapse", "row_length"]),
}


def reserved_names(family: str) -> FrozenSet[str]:
    """Every name code of a model of ``family`` sees besides the model's own names."""
    return COMMON | BY_FAMILY.get(family, frozenset().union(*BY_FAMILY.values()))
