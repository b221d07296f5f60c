"""Backend-neutral description of a generated model ("merged groups").

The generator turns the user's groups into :class:`MergedGroup` objects: groups
whose generated code is the same apart from sizes, parameter values and array
locations share one piece of generated code, and a table of per-group
structs (:class:`Field`) supplies what differs.  Backends render templates
from these objects and the runtime fills the tables.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

from pygenn_cl import types

PAD_FIELD = "_pad"
PLACEHOLDER = re.compile(r"@@([A-Za-z0-9_]+)@@")


@dataclass(frozen=True)
class ArraySpec:
    """One array of the model's memory.

    ``length`` counts elements; recording buffers instead give
    ``words_per_recording_step`` and are sized at ``load()``.
    """

    name: str
    ctype: types.NumericType
    length: int = 0
    words_per_recording_step: int = 0

    def num_elements(self, num_recording_timesteps: int) -> int:
        if self.words_per_recording_step:
            return self.words_per_recording_step * max(num_recording_timesteps, 1)
        return self.length


@dataclass(frozen=True)
class Field:
    """A member of a merged group's struct: an array offset or a value that differs between groups."""

    name: str
    ctype: types.NumericType
    is_array: bool

    @property
    def struct_type(self) -> types.NumericType:
        return types.Uint64 if self.is_array else self.ctype


def format_literal(value: Any, ctype: types.NumericType) -> str:
    """C-family literal of ``value`` as ``ctype`` (valid in C99, OpenCL C and CUDA)."""
    if ctype.is_integer:
        value = int(value)
        if ctype == types.Bool:
            return "true" if value else "false"
        if ctype.size == 8:
            return f"{value}ull" if not ctype.is_signed else f"{value}ll"
        return f"{value}u" if not ctype.is_signed else str(value)
    value = float(value)
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return ("-" if value < 0 else "") + ("INFINITY" if ctype == types.Float else "((double)INFINITY)")
    text = repr(value) if ctype == types.Double else repr(float(_to_float32(value)))
    if "e" not in text and "." not in text and "inf" not in text:
        text += ".0"
    text = f"({text})" if text.startswith("-") else text
    return text[:-1] + "f)" if ctype == types.Float and text.endswith(")") else \
        (text + "f" if ctype == types.Float else text)


def _to_float32(value: float) -> float:
    import numpy as np
    return float(np.float32(value))


class GroupCode:
    """Generated code of one group, with placeholders ``@@key@@`` for values that may differ.

    Parameters
    ----------
    group : object
        The user's group this code belongs to.
    """

    def __init__(self, group: Any):
        self.group = group
        self.sections: Dict[str, str] = {}
        self.meta: Dict[str, Any] = {}
        self.arrays: Dict[str, Tuple[str, types.NumericType]] = {}
        self.values: Dict[str, Tuple[Any, types.NumericType]] = {}
        # value key -> (owner, parameter name) of parameters that may change after load
        self.dynamic: Dict[str, Tuple[str, str]] = {}

    def array(self, key: str, array_name: str, ctype: types.NumericType) -> str:
        """Use array ``array_name`` in the code; returns the local pointer's name."""
        self.arrays[key] = (array_name, ctype)
        return f"_a_{key}"

    def value(self, key: str, value: Any, ctype: types.NumericType) -> str:
        """Use a value (parameter, size ...) in the code; returns its placeholder."""
        self.values[key] = (value, ctype)
        return f"@@{key}@@"

    def merge_key(self) -> Tuple:
        return (tuple(sorted(self.sections.items())), tuple(sorted(self.meta.items())),
                tuple(sorted((k, t.name) for k, (_, t) in self.arrays.items())),
                tuple(sorted((k, t.name) for k, (_, t) in self.values.items())), tuple(sorted(self.dynamic)))


@dataclass
class MergedGroup:
    """Groups of one kind that share generated code."""

    kind: str
    index: int
    table: int
    members: List[GroupCode]
    fields: List[Field] = field(default_factory=list)
    sections: Dict[str, str] = field(default_factory=dict)
    meta: Dict[str, Any] = field(default_factory=dict)
    arrays: Dict[str, types.NumericType] = field(default_factory=dict)
    inlined: Dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.kind}{self.index}"

    @property
    def struct_name(self) -> str:
        return f"Merged_{self.name}"

    @property
    def groups(self) -> List[Any]:
        return [m.group for m in self.members]

    @property
    def two_pass_neuron_update(self) -> bool:
        """Whether a neuron update can run as two passes over a run of neurons: the first
        updates state and flags spikes (a loop with no atomics or queue appends, which CPU
        compilers vectorise), the second emits the flagged spikes in order.  Only with a
        threshold, no spike-like events, and spike code that reads no registers (``_l...``)
        of the first pass."""
        return (bool(self.sections.get("threshold")) and not self.sections.get("events")
                and not re.search(r"\b_l[A-Za-z_]", self.sections.get("on_spike", "")))

    @property
    def distinct_arrays(self) -> bool:
        """Whether, in every member, each array key names a different array (so the code's
        array pointers may be declared ``restrict``)."""
        return all(len({name for name, _ in m.arrays.values()}) == len(m.arrays) for m in self.members)

    def field_values(self, member: GroupCode) -> Dict[str, Any]:
        """Field name -> array name (array fields) or value, for one member."""
        out: Dict[str, Any] = {}
        for f in self.fields:
            if f.name == PAD_FIELD:
                out[f.name] = 0
                continue
            out[f.name] = member.arrays[f.name][0] if f.is_array else member.values[f.name][0]
        return out

    def get(self, key: str) -> str:
        """Text for a value in templates: a literal if all members agree, else the struct field."""
        return self.inlined.get(key, f"grp->{key}")


def merge(kind: str, codes: List[GroupCode], first_table: int) -> List[MergedGroup]:
    """Merge group codes with the same structure and resolve their placeholders."""
    buckets: Dict[Tuple, List[GroupCode]] = {}
    for code in codes:
        buckets.setdefault(code.merge_key(), []).append(code)
    merged = []
    for index, members in enumerate(buckets.values()):
        mg = MergedGroup(kind, index, first_table + index, members)
        first = members[0]
        value_fields = []
        for key, (value, ctype) in first.values.items():
            if key not in first.dynamic and all(_same(m.values[key][0], value) for m in members):
                mg.inlined[key] = format_literal(value, ctype)
            else:
                value_fields.append(Field(key, ctype, False))
        array_fields = [Field(key, ctype, True) for key, (_, ctype) in first.arrays.items()]
        # Largest members first: C struct and numpy aligned dtype then agree with no padding.
        mg.fields = array_fields + sorted(value_fields, key=lambda f: -f.ctype.size)
        if not mg.fields:  # C forbids empty structs
            mg.fields = [Field(PAD_FIELD, types.Uint32, False)]
        mg.arrays = {key: ctype for key, (_, ctype) in first.arrays.items()}
        mg.meta = dict(first.meta)
        mg.sections = {name: PLACEHOLDER.sub(lambda m: mg.get(m.group(1)), text)
                       for name, text in first.sections.items()}
        merged.append(mg)
    return merged


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return float(a) == float(b) or (math.isnan(float(a)) and math.isnan(float(b)))
    return a == b


@dataclass
class ModelIR:
    """Everything a backend needs to render and run a model."""

    name: str
    scalar: types.NumericType
    time_type: types.NumericType
    dt: float
    arrays: Dict[str, ArraySpec]
    kernels: Dict[str, List[MergedGroup]]
    num_tables: int
    error_slots: List[str]
    timing_enabled: bool
    #: custom update group name -> index; its merged groups are ``kernels[f"custom_update{index}_"]``
    custom_update_groups: Dict[str, int] = field(default_factory=dict)

    def custom_update_kind(self, index: int) -> str:
        return f"custom_update{index}_"

    def all_groups(self) -> List[MergedGroup]:
        return [mg for groups in self.kernels.values() for mg in groups]
