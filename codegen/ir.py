"""The backend-neutral intermediate representation of a generated model ("merged groups").

The generator produces, for every group and kernel family, a :class:`GroupCode`: a typed
kernel description (:class:`NeuronUpdate`, :class:`SynapseUpdate`, ...) whose code texts hold
placeholders ``@@key@@`` for values that may differ between groups (sizes, parameters), plus
the arrays and values behind those keys.  :func:`merge` then groups codes that are the same
apart from those values: each :class:`MergedGroup` shares one piece of generated code, and a
table of per-member structs (:class:`Field`) supplies what differs.  Backends render
templates from the merged groups and the runtime fills the tables.

Everything here is plain data (no user objects), so an IR can be pickled into the cache of
generated models.
"""
from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from . import types

PAD_FIELD = "_pad"
PLACEHOLDER = re.compile(r"@@([A-Za-z0-9_:=\-]+)@@")
#: Marker the printer puts before a ``for`` loop whose bounds are literals or parameters:
#: ``@@unroll:<lo>:<hi>@@``, each bound a value key or ``=<integer>``.
UNROLL_MARKER = "unroll"
#: Loops of at most this many iterations between literal bounds get ``GENN_UNROLL_HINT``.
MAX_UNROLLED_TRIPS = 32

DynamicKey = Tuple[str, str, str]  # (group, role, parameter)


# ---------------------------------------------------------------------------------------------
# Kernel families: what one group contributes to a kernel (texts may hold placeholders)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Register:
    """A variable held in local ``local`` while code runs: loaded from array ``_a_<key>`` at
    the neuron's index and, if ``store``, written back.  A ``delayed`` one is kept in delay
    slots: loaded from and stored into this step's slot (offset ``_wrOff``), after the update
    copied the slot before into it (``NeuronUpdate.copies``)."""

    local: str
    ctype: str
    key: str
    store: bool = False
    delayed: bool = False


@dataclass(frozen=True)
class Piece:
    """A model's code that runs per neuron inside the neuron update (current source, weight
    update dynamics or spike code): its registers around its code, in a block of its own."""

    code: str
    registers: Tuple[Register, ...] = ()


@dataclass(frozen=True)
class PostsynapticInput:
    """A postsynaptic model's code: ``inSyn`` read from the input buffer (``<prefix>outPost``),
    plus this step's slot of the dendritic-delay ring (``<prefix>denDelay``) when
    ``dendritic``, and written back after the code."""

    prefix: str
    code: str
    zero: str
    registers: Tuple[Register, ...] = ()
    dendritic: bool = False


@dataclass(frozen=True)
class PresynapticOutput:
    """What ``addToPre`` accumulated (array ``outPre<k>``) added to input ``target`` and cleared."""

    key: str
    target: str
    zero: str


@dataclass(frozen=True)
class EventCondition:
    """A spike-like event condition: appends to queue ``ev<k>`` (and sets event times and
    recording bits) when it holds."""

    index: int
    condition: str
    times: bool = False
    record_words: str = ""   # value key of the recording row's words ("" when not recorded)
    times_delayed: bool = False  # the event times are kept in delay slots


@dataclass(frozen=True)
class NeuronUpdate:
    """One population's update: postsynaptic inputs, current sources, the neuron model's
    code, spike-like event conditions and the weight-update code that runs per neuron."""

    registers: Tuple[Register, ...] = ()            # the neuron model's variables
    inputs: Tuple[Tuple[str, str, str], ...] = ()    # (name, type, initial literal): Isyn and others
    rng_stream: str = ""        # the RNG's stream number if any code draws
    # Some code that runs every step draws unconditionally: loops over many neurons then
    # compute each neuron's first Philox block in advance, in one vectorisable loop
    # (genn_philox_tile).  Otherwise (draws only inside branches, such as the Poisson
    # neuron's after a spike) each neuron's block is computed when it first draws.  The draws
    # are the same either way.
    rng_prefetch: bool = False
    outputs: Tuple[PresynapticOutput, ...] = ()
    postsynaptic: Tuple[PostsynapticInput, ...] = ()
    current_sources: Tuple[Piece, ...] = ()
    sim: str = ""
    dynamics: Tuple[Piece, ...] = ()                  # pre/post dynamics code of weight updates
    events: Tuple[EventCondition, ...] = ()
    threshold: str = ""     # threshold condition (an expression)
    reset: str = ""
    spike_times: bool = False
    spike_code: Tuple[Piece, ...] = ()                # pre/post spike code of weight updates
    dt: str = ""            # dt as a literal of the time type
    auto_refractory: bool = False
    recording: bool = False
    spike_code_reads_state: bool = False  # spike code uses the update's registers
    spike_times_delayed: bool = False     # spike times are kept in delay slots
    #: keys of arrays kept in delay slots: each neuron's update first copies its value from the
    #: slot the last step wrote (offset ``_rdOff``) into this step's (``_wrOff``), where its code
    #: then reads and writes it
    copies: Tuple[str, ...] = ()

    @property
    def event_counts(self) -> Tuple[str, ...]:
        return tuple(f"ev{e.index}Cnt" for e in self.events)

    @property
    def event_records(self) -> Tuple[Tuple[str, str], ...]:
        return tuple((f"ev{e.index}Rec", e.record_words) for e in self.events if e.record_words)

    @property
    def rng_tile(self) -> bool:
        """Whether loops over many neurons prefetch their first Philox blocks (rng_prefetch)."""
        return bool(self.rng_stream) and self.rng_prefetch

    @property
    def two_pass(self) -> bool:
        """Whether the update can run as two passes over a run of neurons: the first updates
        state and flags spikes (a loop with no atomics or queue appends, which CPU compilers
        vectorise), the second emits the flagged spikes in order.  Needs a threshold, no
        spike-like events, and spike code that reads no register of the first pass."""
        return bool(self.threshold) and not self.events and not self.spike_code_reads_state


@dataclass(frozen=True)
class SynapseUpdate:
    """Per-synapse code run for spikes and spike-like events (presynaptic and postsynaptic
    updates) or every step (synapse dynamics)."""

    body: str = ""
    event_body: str = ""
    rng_stream: str = ""      # the RNG's stream number if the code draws
    sparse: bool = False
    strategy: str = ""        # presynaptic updates: dense_post, sparse_post, dense_pre, sparse_pre
    event_record: bool = False  # this kernel clears the step's event-recording row
    # dense_post: the statement adding a thread's register sum ``_lacc`` into the input buffer
    # (plain when the thread owns that element, atomic when fused groups share the buffer)
    flush: str = ""
    #: "" (DENSE or SPARSE, as ``sparse`` says), "bitmask", "procedural" or "toeplitz"
    connectivity: str = ""
    #: variables with procedural weights, regenerated from their snippets for each synapse
    #: before its code runs (into locals ``_pw_<key>``; element ``id_syn``, as their
    #: initialisation of stored weights would draw)
    procedural: Tuple["VarInit", ...] = ()
    #: procedural: the connectivity snippet's row_build_code, whose addSynapse() calls
    #: ``genn_syn_spike_<merged group>``; toeplitz: the diagonal_build_code, whose
    #: for_each_synapse loops over the queue's spikes
    row: str = ""
    event_row: str = ""          # the same, calling ``genn_syn_event_<merged group>``
    row_rng_stream: str = ""     # the connectivity's RNG stream, if its code draws
    #: (local, text) of the offsets of the delay slots the code reads values kept in them from
    offsets: Tuple[Tuple[str, str], ...] = ()


@dataclass(frozen=True)
class VarInit:
    """A variable initialised by a snippet: ``value`` computed by ``code`` (with an RNG on
    stream ``rng_stream`` if it draws) and stored in array ``_a_<key>``."""

    key: str
    ctype: str
    zero: str
    code: str
    rng_stream: str = ""


@dataclass(frozen=True)
class VarInitialisation:
    """Variable initialisation per neuron (``neuron_init``), synapse (``dense_init``,
    ``sparse_init``) or kernel element (``kernel_init``)."""

    inits: Tuple[VarInit, ...] = ()
    #: neuron_init: arrays of spike and spike-like event times, which start at ``lowest``
    times: Tuple[str, ...] = ()
    lowest: str = ""
    #: neuron_init: keys of arrays kept in delay slots, each slot of which is initialised:
    #: ``slots`` rows of ``row`` elements
    delayed: Tuple[str, ...] = ()
    slots: str = ""
    row: str = ""


@dataclass(frozen=True)
class ConnectivityInit:
    """Building SPARSE connectivity by row (``row_build_code``) or column (``col_build_code``)."""

    body: str = ""
    rng_stream: str = ""
    by_row: bool = True
    multinomial_total: str = ""   # total synapses whose row lengths are drawn first ("" if not)
    multinomial_stream: str = ""
    index_type: str = "uint32_t"
    bitmask: bool = False         # BITMASK: addSynapse sets bits of the row's words
    builds: bool = True           # False: only the multinomial's row lengths (PROCEDURAL rows)

    @property
    def multinomial(self) -> bool:
        return bool(self.multinomial_total)


@dataclass(frozen=True)
class ConnectivityRemap:
    """Building the column structure of SPARSE connectivity for postsynaptic learning."""


@dataclass(frozen=True)
class CustomUpdateVar:
    """A custom update's variable: a register (``register``), a reduction accumulated in
    ``_lred_<name>`` (``sum`` or ``max``), or one shared value."""

    name: str
    ctype: str
    key: str
    kind: str             # "register", "sum", "max" or "shared"
    store: bool = False
    zero: str = ""        # reductions: the element's value before the code runs
    start: str = ""       # reductions: the accumulator's start; registers: the value instead of the stored one


@dataclass(frozen=True)
class CustomUpdateCode:
    body: str = ""
    rng_stream: str = ""
    variables: Tuple[CustomUpdateVar, ...] = ()
    transposes: Tuple[Tuple[str, str], ...] = ()  # (reference key, key of the array written transposed)
    shape: str = "neuron"    # "neuron", "dense" or "sparse"

    @property
    def reduction(self) -> bool:
        return any(v.kind in ("sum", "max") for v in self.variables)


@dataclass(frozen=True)
class CustomConnectivityUpdateCode:
    """A custom connectivity update's code for one row (``id_pre``), which keeps the row length
    in ``_rl`` and its first synapse at ``_rs``; with ``remap``, the synapse group's column
    structure is rebuilt afterwards (its runtime check: value ``remap_check``)."""

    body: str = ""
    rng_stream: str = ""
    remap: bool = False


KernelCode = Any  # one of the frozen dataclasses above


# ---------------------------------------------------------------------------------------------
# Arrays, fields and literals
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ArraySpec:
    """One array of the model's memory.

    ``length`` counts elements (of every delay slot); recording buffers instead give
    ``words_per_recording_step`` and are sized at ``load()``; extra global parameters (``egp``)
    are sized by their values.
    """

    name: str
    ctype: types.NumericType
    length: int = 0
    words_per_recording_step: int = 0
    egp: bool = False
    #: delay slots: the array holds ``slots`` rows of ``length // slots`` values (see
    #: ``generator.context.Context._find_delayed_arrays``)
    slots: int = 1

    def num_elements(self, num_recording_timesteps: int) -> int:
        if self.words_per_recording_step:
            return self.words_per_recording_step * max(num_recording_timesteps, 1)
        return self.length


@dataclass(frozen=True)
class Field:
    """A member of a merged group's struct: an array address or a value that differs between groups."""

    name: str
    ctype: types.NumericType
    is_array: bool

    @property
    def struct_type(self) -> types.NumericType:
        return types.Uint64 if self.is_array else self.ctype


@dataclass(frozen=True)
class ErrorSlot:
    """A word of the ``errors`` array that device code sets when something overflows; the
    runtime raises ``ValueError(message)`` when it finds it set."""

    group: str
    message: str


@dataclass(frozen=True)
class RuntimeCheck:
    """A condition generated code checks as it runs (a divisor is not zero, a delay fits the
    dendritic-delay ring, an index is inside its array).  The first failure writes the check's
    number (its index in ``ModelIR.runtime_checks`` + 1) and a detail (the offending value) to
    the arena header's ``ERRORS`` words; the runtime then raises an error with ``message``,
    formatted with ``detail`` and, when ``array`` is given, that array's ``length``."""

    message: str
    array: str = ""
    #: "init" for checks in initialisation code, "step" for code run by steps and custom updates
    phase: str = "step"


@dataclass(frozen=True)
class ArrayLength:
    """A value only known at load: the length of ``array`` (an extra global parameter's is set
    by its values).  Such values are always struct fields, which the runtime fills."""

    array: str


@dataclass(frozen=True)
class UserCode:
    """A section of user code in the generated source (``#line 1 "genn_user_<k>_<mg>"``)."""

    origin: str   # e.g. "neuron model 'LIF', sim_code"


#: Placeholder resolved to the merged group's name, so that each copy of a user code section
#: in the generated source has ``#line`` file names of its own.
MERGED_GROUP_PLACEHOLDER = "@@mg@@"


def user_code_file(index: int, merged_group: str = MERGED_GROUP_PLACEHOLDER) -> str:
    """The file name ``#line`` directives give user code section ``index`` of a merged group
    (no user text)."""
    return f"genn_user_{index}_{merged_group}"


def after_user_code_file(index: int, merged_group: str = MERGED_GROUP_PLACEHOLDER) -> str:
    """The file name of the generated code that follows user code section ``index``."""
    return f"genn_after_{index}_{merged_group}"


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


# ---------------------------------------------------------------------------------------------
# Group codes and merging
# ---------------------------------------------------------------------------------------------
@dataclass
class GroupCode:
    """One group's contribution to a kernel family, with placeholders ``@@key@@`` for values
    that may differ between groups."""

    group: str
    kernel: KernelCode = None
    arrays: Dict[str, Tuple[str, types.NumericType]] = field(default_factory=dict)
    values: Dict[str, Tuple[Any, types.NumericType]] = field(default_factory=dict)
    #: value key -> (group, role, parameter) of parameters that may change after load
    dynamic: Dict[str, DynamicKey] = field(default_factory=dict)

    def array(self, key: str, array_name: str, ctype: types.NumericType) -> str:
        """Use array ``array_name`` in the code; returns the local pointer's name."""
        self.arrays[key] = (array_name, ctype)
        return f"_a_{key}"

    def value(self, key: str, value: Any, ctype: types.NumericType) -> str:
        """Use a value (parameter, size ...) in the code; returns its placeholder."""
        self.values[key] = (value, ctype)
        return f"@@{key}@@"

    def merge_key(self) -> Tuple:
        return (type(self.kernel).__name__, self.kernel,
                tuple(sorted((k, t.name) for k, (_, t) in self.arrays.items())),
                tuple(sorted((k, t.name) for k, (_, t) in self.values.items())), tuple(sorted(self.dynamic)))

    def member(self) -> "Member":
        return Member(self.group, {k: name for k, (name, _) in self.arrays.items()},
                      {k: value for k, (value, _) in self.values.items()}, dict(self.dynamic))


@dataclass
class Member:
    """A group within a merged group: where its arrays are and the values of its fields."""

    group: str
    arrays: Dict[str, str]
    values: Dict[str, Any]
    dynamic: Dict[str, DynamicKey]


@dataclass
class MergedGroup:
    """Groups of one kernel family that share generated code."""

    kind: str
    index: int
    table: int
    members: List[Member]
    code: KernelCode = None
    fields: List[Field] = field(default_factory=list)
    arrays: Dict[str, types.NumericType] = field(default_factory=dict)
    inlined: Dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.kind}{self.index}"

    @property
    def struct_name(self) -> str:
        return f"Merged_{self.name}"

    @property
    def groups(self) -> List[str]:
        return [m.group for m in self.members]

    @property
    def distinct_arrays(self) -> bool:
        """Whether, in every member, each array key names a different array (so the code's
        array pointers may be declared ``restrict``)."""
        return all(len(set(m.arrays.values())) == len(m.arrays) for m in self.members)

    def field_values(self, member: Member) -> Dict[str, Any]:
        """Field name -> array name (array fields) or value, for one member."""
        out: Dict[str, Any] = {}
        for f in self.fields:
            if f.name == PAD_FIELD:
                out[f.name] = 0
            else:
                out[f.name] = member.arrays[f.name] if f.is_array else member.values[f.name]
        return out

    def get(self, key: str) -> str:
        """Text for a value in templates: a literal if all members agree, else the struct field."""
        return self.inlined.get(key, f"grp->{key}")


#: What array and value keys must look like: they become struct fields and local names.
SAFE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def merge(kind: str, codes: List[GroupCode], first_table: int) -> List[MergedGroup]:
    """Merge group codes with the same structure and resolve their placeholders."""
    buckets: Dict[Tuple, List[GroupCode]] = {}
    for code in codes:
        unsafe = [key for key in list(code.arrays) + list(code.values) if not SAFE_KEY.fullmatch(key)]
        if unsafe:  # names reach generated code only as keys like these: never anything else
            raise ValueError(f"'{code.group}': {unsafe[0]!r} cannot be a name in generated code (a pygenn_cl bug)")
        buckets.setdefault(code.merge_key(), []).append(code)
    merged = []
    for index, members in enumerate(buckets.values()):
        first = members[0]
        mg = MergedGroup(kind, index, first_table + index, [m.member() for m in members])
        value_fields = []
        constants: Dict[str, Any] = {}
        for key, (value, ctype) in first.values.items():
            if key not in first.dynamic and not isinstance(value, ArrayLength) \
                    and all(_same(m.values[key][0], value) for m in members):
                mg.inlined[key] = format_literal(value, ctype)
                constants[key] = (value, ctype)
            else:
                value_fields.append(Field(key, ctype, False))
        array_fields = [Field(key, ctype, True) for key, (_, ctype) in first.arrays.items()]
        # Largest members first: C struct and numpy aligned dtype then agree with no padding.
        mg.fields = array_fields + sorted(value_fields, key=lambda f: -f.ctype.size)
        if not mg.fields:  # C forbids empty structs
            mg.fields = [Field(PAD_FIELD, types.Uint32, False)]
        mg.arrays = {key: ctype for key, (_, ctype) in first.arrays.items()}
        mg.code = resolve_placeholders(first.kernel, lambda key: _resolve(key, mg, constants))
        merged.append(mg)
    return merged


def resolve_placeholders(value: Any, resolve) -> Any:
    """A copy of ``value`` (a kernel dataclass, or anything in one) with every ``@@key@@`` of
    its texts replaced by ``resolve(key)``."""
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda m: resolve(m.group(1)), value)
    if isinstance(value, tuple):
        return tuple(resolve_placeholders(item, resolve) for item in value)
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(value, **{f.name: resolve_placeholders(getattr(value, f.name), resolve)
                                             for f in dataclasses.fields(value)})
    return value


def _resolve(key: str, mg: MergedGroup, constants: Dict[str, Tuple[Any, types.NumericType]]) -> str:
    if key.startswith(UNROLL_MARKER + ":"):
        return _unroll_hint(key, constants)
    if key == MERGED_GROUP_PLACEHOLDER.strip("@"):
        return mg.name
    return mg.get(key)


def _unroll_hint(marker: str, constants: Dict[str, Tuple[Any, types.NumericType]]) -> str:
    """``GENN_UNROLL_HINT`` for a loop whose bounds are both known and at most
    :data:`MAX_UNROLLED_TRIPS` apart (a parameter bound counts once merging has made it a
    literal), else nothing."""
    bounds: List[Optional[int]] = []
    for part in marker.split(":")[1:]:
        if part.startswith("="):
            bounds.append(int(part[1:]))
        elif part in constants and constants[part][1].is_integer:
            bounds.append(int(constants[part][0]))
        else:
            return ""
    return "GENN_UNROLL_HINT " if abs(bounds[1] - bounds[0]) <= MAX_UNROLLED_TRIPS else ""


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return float(a) == float(b) or (math.isnan(float(a)) and math.isnan(float(b)))
    return a == b


# ---------------------------------------------------------------------------------------------
# The whole model
# ---------------------------------------------------------------------------------------------
STEP_KINDS = ("synapse_dynamics", "presynaptic_update", "postsynaptic_update", "neuron_update")
INIT_KINDS = ("neuron_init", "dense_init", "connectivity_init", "connectivity_remap", "kernel_init")
SPARSE_INIT_KINDS = ("sparse_init",)


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
    error_slots: List[ErrorSlot]
    timing_enabled: bool
    #: custom update group name -> index; its merged groups are ``kernels[custom_update_kind(index)]``
    #: and ``kernels[custom_connectivity_update_kind(index)]``
    custom_update_groups: Dict[str, int] = field(default_factory=dict)
    user_code: List[UserCode] = field(default_factory=list)
    #: whether any user code uses a double value or local (besides scalar and time types)
    uses_double: bool = False
    #: what generated code checks as it runs (see :class:`RuntimeCheck`)
    runtime_checks: List[RuntimeCheck] = field(default_factory=list)

    @property
    def step_checks(self) -> bool:
        """Whether code run by steps or custom updates checks anything (so the runtime must look
        at the error words after them)."""
        return any(check.phase == "step" for check in self.runtime_checks)

    @staticmethod
    def custom_update_kind(index: int) -> str:
        return f"custom_update{index}_"

    @staticmethod
    def custom_connectivity_update_kind(index: int) -> str:
        return f"custom_connectivity_update{index}_"

    def all_groups(self) -> List[MergedGroup]:
        return [mg for groups in self.kernels.values() for mg in groups]

    @property
    def needs_double(self) -> bool:
        """Whether the generated code uses double precision (OpenCL needs ``cl_khr_fp64``):
        a double precision or time type, a double array, or double values in user code."""
        return (types.Double in (self.scalar, self.time_type) or self.uses_double
                or any(spec.ctype == types.Double for spec in self.arrays.values()))
