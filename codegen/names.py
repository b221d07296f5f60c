"""Names of the arrays in a model's memory (the arena).

The model API and the generator must agree on these names: the API reads and writes arrays
(variables, extra global parameters, connectivity, recording buffers) that the generator
declares.  Both take them from here.  Array names are keys of the arena's layout only: they
never appear in generated code.
"""
from __future__ import annotations


def var_array(group: str, var: str, prefix: str = "") -> str:
    """A variable of a group; ``prefix`` selects one of a synapse group's variable sets
    (``"psm."``, ``"pre."``, ``"post."``)."""
    return f"{group}.{prefix}{var}"


def egp_array(group: str, egp: str, prefix: str = "") -> str:
    """An extra global parameter; ``prefix`` selects the model it belongs to (``"psm."``,
    ``"conn."``, or ``"<var path>.init."`` for a variable-initialisation snippet's)."""
    return f"{group}.egp.{prefix}{egp}"


def spike_record_array(population: str) -> str:
    """Spike recording bitfield of a neuron population."""
    return f"{population}.recordSpk"


def event_record_array(synapse_group: str, side: str) -> str:
    """Spike-like event recording bitfield of a synapse group's ``"pre"`` or ``"post"`` side."""
    return f"{synapse_group}.{side}.recordSpkEvnt"


def row_length_array(synapse_group: str) -> str:
    """Row lengths of SPARSE connectivity."""
    return f"{synapse_group}.rowLength"


def ind_array(synapse_group: str) -> str:
    """Postsynaptic indices of SPARSE connectivity (``num_pre`` rows of ``max_connections``)."""
    return f"{synapse_group}.ind"


ERRORS_ARRAY = "errors"
