"""Names of the arrays in a model's memory (the arena).

The model API and the generator must agree on these names: the API reads and writes arrays
(variables, extra global parameters, connectivity, recording buffers) that the generator
declares.  Both take them from here.  Array names are keys of the arena's layout only: they
never appear in generated code.

Group names may be any non-empty string (PyGeNN's microcircuit names populations "23E",
"4I", ...).  :func:`group_key` turns one into a key with no ``.`` in it, so that array names
``<key>.<what>`` of different groups never collide; names made of letters, digits and
``_`` (every name that was a C identifier) are their own key, so their arrays and random
streams are unchanged.
"""
from __future__ import annotations

import re

_PLAIN = re.compile(r"[A-Za-z0-9_]+")


def group_key(group: str) -> str:
    """A group's name as it appears in array names and random stream names: the name itself
    when it is made of letters, digits and ``_``, else the name with every other character
    written as ``%XX`` (its UTF-8 bytes).  Different names give different keys."""
    if _PLAIN.fullmatch(group):
        return group
    return "".join(ch if _PLAIN.fullmatch(ch) else "".join(f"%{b:02X}" for b in ch.encode("utf-8"))
                   for ch in group)


def group_array(group: str, what: str) -> str:
    """The array ``what`` (e.g. ``"spkCnt"``, ``"pre.spkEvnt"``) of a group."""
    return f"{group_key(group)}.{what}"


def var_array(group: str, var: str, prefix: str = "") -> str:
    """A variable of a group; ``prefix`` selects one of a synapse group's variable sets
    (``"psm."``, ``"pre."``, ``"post."``)."""
    return group_array(group, f"{prefix}{var}")


def egp_array(group: str, egp: str, prefix: str = "") -> str:
    """An extra global parameter; ``prefix`` selects the model it belongs to (``"psm."``,
    ``"conn."``, or ``"<var path>.init."`` for a variable-initialisation snippet's)."""
    return group_array(group, f"egp.{prefix}{egp}")


def spike_record_array(population: str) -> str:
    """Spike recording bitfield of a neuron population."""
    return group_array(population, "recordSpk")


def event_record_array(synapse_group: str, side: str) -> str:
    """Spike-like event recording bitfield of a synapse group's ``"pre"`` or ``"post"`` side."""
    return group_array(synapse_group, f"{side}.recordSpkEvnt")


def row_length_array(synapse_group: str) -> str:
    """Row lengths of SPARSE connectivity."""
    return group_array(synapse_group, "rowLength")


def ind_array(synapse_group: str) -> str:
    """Postsynaptic indices of SPARSE connectivity (``num_pre`` rows of ``max_connections``)."""
    return group_array(synapse_group, "ind")


def bitmask_array(synapse_group: str) -> str:
    """BITMASK connectivity: ``num_pre`` rows of ``ceil(num_post / 32)`` uint32 words, synapse
    ``(i, j)`` being bit ``j % 32`` of word ``j / 32`` of row ``i``."""
    return group_array(synapse_group, "gp")


ERRORS_ARRAY = "errors"
