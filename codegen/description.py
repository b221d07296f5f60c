"""The frozen model description: everything the generator needs, as plain data.

``GeNNModel.build()`` turns the user's objects into a :class:`ModelDescription`
(``pygenn_cl.describe``); the generator reads nothing else.  Every class here is a frozen
dataclass of strings, numbers, types and tuples, so a description is hashable, holds no
reference to a user object, and has a stable :meth:`ModelDescription.digest` that keys the
cache of generated models: an unchanged model is neither generated nor compiled again.

Values that only exist at ``load()`` (the seed, extra global parameter arrays, variables
given as arrays, connectivity given with ``set_sparse_connections``) are not part of the
description: the runtime takes them explicitly.
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from typing import Dict, Optional, Tuple, Union

from .types import NumericType

Number = Union[int, float]


@dataclass(frozen=True)
class Param:
    """A parameter or derived parameter with its resolved type and value."""

    name: str
    type: NumericType
    value: Number


@dataclass(frozen=True)
class EGP:
    """An extra global parameter: an array of ``type`` set by the user before ``load()``."""

    name: str
    type: NumericType
    array: str


@dataclass(frozen=True)
class VarInit:
    """A variable-initialisation snippet with its resolved parameters."""

    snippet: str
    code: str
    params: Tuple[Param, ...] = ()
    egps: Tuple[EGP, ...] = ()
    family: str = "variable initialisation snippet"

    def describe(self) -> str:
        return f"{self.family} '{self.snippet}'"


@dataclass(frozen=True)
class Var:
    """A state variable and how generated code initialises it.

    ``init`` is None when the values come from an array given by the user (written at
    ``load()``) or when the variable is left uninitialised.
    """

    name: str
    type: NumericType
    array: str
    read_only: bool = False
    init: Optional[VarInit] = None
    reduction: Optional[str] = None  # "sum" or "max": a custom-update reduction over neurons
    shared: bool = False             # one value for the whole group
    batch_reduction: Optional[str] = None  # "sum" or "max": a custom-update reduction over batches


@dataclass(frozen=True)
class NeuronVarRef:
    """A model's reference (``name``, ``type``) bound to variable ``target`` of a population."""

    name: str
    type: NumericType
    read_only: bool
    target: str


@dataclass(frozen=True)
class Model:
    """A model or snippet as a group uses it: parameter values, variables and code.

    ``params`` hold parameters then derived parameters, resolved; ``dynamic`` names the
    parameters that may change after ``load()``; ``code`` maps code section names to GeNNCode.
    """

    class_name: str
    family: str
    params: Tuple[Param, ...] = ()
    dynamic: Tuple[str, ...] = ()  # sorted: a frozenset's order would differ between processes
    egps: Tuple[EGP, ...] = ()
    vars: Tuple[Var, ...] = ()
    code: Tuple[Tuple[str, str], ...] = ()

    def describe(self) -> str:
        return f"{self.family} '{self.class_name}'"

    def section(self, name: str) -> str:
        """GeNNCode of section ``name`` ("" if the model has none)."""
        for key, text in self.code:
            if key == name:
                return text
        return ""

    def param_values(self) -> Dict[str, Number]:
        return {p.name: p.value for p in self.params}


@dataclass(frozen=True)
class AdditionalInput:
    """A neuron-local input variable reset every step (like ``Isyn``)."""

    name: str
    type: NumericType
    init_value: float


class _Group:
    """Groups describe themselves as the model API does: ``<kind> '<name>'``."""

    kind = "group"
    name: str

    def describe(self) -> str:
        return f"{self.kind} '{self.name}'"


@dataclass(frozen=True)
class NeuronGroup(_Group):
    name: str
    size: int
    model: Model
    additional_inputs: Tuple[AdditionalInput, ...] = ()
    auto_refractory: bool = False
    spike_recording: bool = False
    spike_event_recording: bool = False
    in_syn: Tuple[str, ...] = ()
    out_syn: Tuple[str, ...] = ()
    current_sources: Tuple[str, ...] = ()

    kind = "neuron population"


@dataclass(frozen=True)
class Connectivity:
    """A sparse (or Toeplitz) connectivity snippet with its resolved parameters."""

    snippet: str
    row_build_code: str = ""
    col_build_code: str = ""
    params: Tuple[Param, ...] = ()
    egps: Tuple[EGP, ...] = ()
    multinomial_param: Optional[str] = None  # row lengths drawn first as a multinomial
    family: str = "sparse connectivity initialisation snippet"
    kernel_size: Tuple[int, ...] = ()        # the snippet's kernel (calc_kernel_size_func)
    kernel_indices: bool = False             # keep each synapse's kernel position (id_kernel)
    diagonal_build_code: str = ""            # TOEPLITZ: code run per diagonal (id_diag)

    @property
    def builds(self) -> bool:
        return bool(self.row_build_code or self.col_build_code)

    @property
    def kernel_elements(self) -> int:
        product = 1
        for k in self.kernel_size:
            product *= int(k)
        return product

    def describe(self) -> str:
        return f"{self.family} '{self.snippet}'"

    def param_values(self) -> Dict[str, Number]:
        return {p.name: p.value for p in self.params}


@dataclass(frozen=True)
class SynapseGroup(_Group):
    """A synapse group.  ``wu.vars`` are per synapse; ``ps.vars`` per postsynaptic neuron."""

    name: str
    #: "DENSE", "SPARSE", "BITMASK", "PROCEDURAL", "TOEPLITZ" (connectivity) then "_" and
    #: "INDIVIDUAL", "PROCEDURAL", "KERNEL" or "NONE" (how per-synapse variables are stored)
    matrix: str
    src: str
    trg: str
    num_pre: int
    num_post: int
    wu: Model
    ps: Model
    wu_pre_vars: Tuple[Var, ...] = ()
    wu_post_vars: Tuple[Var, ...] = ()
    pre_refs: Tuple[NeuronVarRef, ...] = ()
    post_refs: Tuple[NeuronVarRef, ...] = ()
    ps_refs: Tuple[NeuronVarRef, ...] = ()
    #: the weight update model's references to the postsynaptic model's variables (``target``)
    psm_refs: Tuple[NeuronVarRef, ...] = ()
    connectivity: Optional[Connectivity] = None
    max_connections: int = 0
    max_source_connections: int = 0
    index_type: Optional[NumericType] = None
    axonal_delay: int = 0
    back_prop_delay: int = 0
    max_dendritic_delay: int = 1
    pre_target_var: str = "Isyn"
    post_target_var: str = "Isyn"
    parallelism: str = "POSTSYNAPTIC"
    threads_per_spike: int = 1

    kind = "synapse population"

    @property
    def connectivity_kind(self) -> str:
        """How connectivity is represented: DENSE, SPARSE, BITMASK, PROCEDURAL or TOEPLITZ."""
        return self.matrix.split("_")[0]

    @property
    def weights(self) -> str:
        """How per-synapse variables are stored: INDIVIDUAL (an array per synapse), PROCEDURAL
        (regenerated from their snippets at every use), KERNEL (an array per kernel element,
        indexed by id_kernel) or NONE (BITMASK: no variables)."""
        return self.matrix.split("_")[1]

    @property
    def sparse(self) -> bool:
        return self.matrix == "SPARSE_INDIVIDUAL"

    @property
    def dense(self) -> bool:
        return self.connectivity_kind == "DENSE"

    @property
    def needs_columns(self) -> bool:
        """Whether code runs per postsynaptic spike or event (over columns of the matrix)."""
        return bool(self.wu.section("post_spike_syn_code") or self.wu.section("post_event_syn_code"))

    @property
    def num_synapses_allocated(self) -> int:
        """Elements of each per-synapse variable's array."""
        if self.weights == "KERNEL":
            return self.connectivity.kernel_elements
        return self.num_pre * (self.max_connections if self.sparse else self.num_post)

    @property
    def synapse_ids(self) -> int:
        """How many ``id_syn`` numbers the group's synapses may take: ``num_pre`` rows of
        ``max_connections`` (SPARSE, PROCEDURAL) or ``num_post`` (DENSE, BITMASK)."""
        per_row = self.max_connections if self.connectivity_kind in ("SPARSE", "PROCEDURAL") else self.num_post
        return self.num_pre * per_row


@dataclass(frozen=True)
class CurrentSource(_Group):
    name: str
    target: str
    model: Model
    refs: Tuple[NeuronVarRef, ...] = ()
    target_var: str = "Isyn"

    kind = "current source"


@dataclass(frozen=True)
class CustomUpdateVarRef:
    """A custom update's reference to an array, optionally written transposed to another.

    ``kind`` says how the array is indexed: ``"element"`` (one value per element: the update's
    neuron or synapse; a variable kept in delay slots is read at the current slot, which the
    generator knows), ``"shared"`` (one value: a custom update's shared or reduced variable),
    ``"den_delay"`` (the dendritic delay ring of synapse group ``group``: the slot the next step
    delivers) or ``"spike_count"`` (the spike count of population ``group``'s current slot).
    """

    name: str
    type: NumericType
    read_only: bool
    array: str
    transpose_array: Optional[str] = None
    kind: str = "element"
    group: str = ""
    reduction: Optional[str] = None  # "sum" or "max": a reduction over batches writes it


@dataclass(frozen=True)
class CustomUpdate(_Group):
    """An update run on demand over ``num_neurons`` neurons or one synapse group's synapses."""

    name: str
    update_group: str
    model: Model
    refs: Tuple[CustomUpdateVarRef, ...] = ()
    egp_refs: Tuple[EGP, ...] = ()
    num_neurons: int = 0
    synapse_group: Optional[str] = None

    kind = "custom update"


@dataclass(frozen=True)
class CustomConnectivityUpdate(_Group):
    """An update run on demand over the rows of SPARSE ``synapse_group``: ``model.vars`` are per
    synapse, ``pre_vars`` per presynaptic and ``post_vars`` per postsynaptic neuron; ``refs``
    point at per-synapse variables of the group's synapses, ``pre_refs`` and ``post_refs`` at
    variables of one value per pre- or postsynaptic neuron."""

    name: str
    update_group: str
    synapse_group: str
    model: Model
    pre_vars: Tuple[Var, ...] = ()
    post_vars: Tuple[Var, ...] = ()
    refs: Tuple[CustomUpdateVarRef, ...] = ()
    pre_refs: Tuple[CustomUpdateVarRef, ...] = ()
    post_refs: Tuple[CustomUpdateVarRef, ...] = ()
    egp_refs: Tuple[EGP, ...] = ()

    kind = "custom connectivity update"


@dataclass(frozen=True)
class ModelDescription:
    """A whole model, as the generator sees it."""

    name: str
    precision: NumericType
    time_precision: NumericType
    dt: float
    timing: bool = False
    fuse_postsynaptic_models: bool = False
    neuron_groups: Tuple[NeuronGroup, ...] = ()
    synapse_groups: Tuple[SynapseGroup, ...] = ()
    current_sources: Tuple[CurrentSource, ...] = ()
    custom_updates: Tuple[CustomUpdate, ...] = ()
    custom_connectivity_updates: Tuple[CustomConnectivityUpdate, ...] = ()

    # dataclass(frozen) forbids attribute writes but cached_property writes the instance
    # __dict__ directly; these indexes are derived from the fields, so eq/hash ignore them.
    @functools.cached_property
    def _neurons(self) -> Dict[str, NeuronGroup]:
        return {g.name: g for g in self.neuron_groups}

    @functools.cached_property
    def _synapses(self) -> Dict[str, SynapseGroup]:
        return {g.name: g for g in self.synapse_groups}

    @functools.cached_property
    def _sources(self) -> Dict[str, CurrentSource]:
        return {g.name: g for g in self.current_sources}

    def neuron_group(self, name: str) -> NeuronGroup:
        return self._neurons[name]

    def synapse_group(self, name: str) -> SynapseGroup:
        return self._synapses[name]

    def current_source(self, name: str) -> CurrentSource:
        return self._sources[name]

    def digest(self) -> str:
        """A stable hash of the whole description (the same in every process).

        ``repr`` of these frozen dataclasses lists every field in order, floats exactly
        and types by name, so equal descriptions give equal text.
        """
        return hashlib.sha256(repr(self).encode()).hexdigest()
