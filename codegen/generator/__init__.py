"""Turn a :class:`~codegen.description.ModelDescription` into a :class:`~codegen.ir.ModelIR`.

For each group this package transpiles the model's code sections into element-level code
(one neuron, one synapse, one row) with placeholders for parameters and sizes, one module
per kernel family (:mod:`.neuron`, :mod:`.synapse`, :mod:`.init`, :mod:`.custom_update`),
then merges groups whose code is the same.  Loop structure, spike emission and recording
are left to each backend's templates.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Dict, List

from .. import description as d
from .. import types
from ..description import ModelDescription
from ..ir import ArraySpec, GroupCode, ModelIR, merge
from ..names import ERRORS_ARRAY
from ..targets import CodeTarget
from .context import Context, stream_id
from .custom_connectivity_update import custom_connectivity_update
from .custom_update import custom_update
from .init import InitGenerator
from .neuron import NEURON_INDEX, NeuronUpdateGenerator
from .synapse import SynapseUpdateGenerator, strategy

__all__ = ["generate_model", "stream_id", "strategy", "NEURON_INDEX"]

#: Kernel families in table order.
KERNEL_ORDER = ("neuron_update", "synapse_dynamics", "presynaptic_update", "postsynaptic_update",
                "neuron_init", "dense_init", "connectivity_init", "connectivity_remap", "sparse_init",
                "kernel_init")


def generate_model(desc: ModelDescription, target: CodeTarget) -> ModelIR:
    """Generate the backend-neutral IR of ``desc`` for ``target``."""
    _check_identifiers(desc)
    ctx = Context(desc, target)
    for ng in desc.neuron_groups:
        _check_no_egp_conflicts(ng)
    for sg in desc.synapse_groups:
        _check_index_range(ctx, sg)
    neurons = NeuronUpdateGenerator(ctx)
    synapses = SynapseUpdateGenerator(ctx)
    init = InitGenerator(ctx)
    sgs = desc.synapse_groups

    def present(codes) -> List[GroupCode]:
        return [c for c in codes if c is not None]

    codes = {
        "neuron_update": [neurons.generate(ng) for ng in desc.neuron_groups],
        "presynaptic_update": present(map(synapses.presynaptic_update, sgs)),
        "postsynaptic_update": present(map(synapses.postsynaptic_update, sgs)),
        "synapse_dynamics": present(map(synapses.synapse_dynamics, sgs)),
        "neuron_init": present(map(init.neuron_init, desc.neuron_groups)),
        "dense_init": present(init.synapse_var_init(sg) for sg in sgs if sg.dense and sg.weights == "INDIVIDUAL"),
        "connectivity_init": present(map(init.connectivity_init, sgs)),
        "sparse_init": present(init.synapse_var_init(sg) for sg in sgs if sg.sparse),
        "connectivity_remap": present(map(synapses.connectivity_remap, sgs)),
        "kernel_init": present(map(init.kernel_var_init, sgs)),
    }
    update_groups: Dict[str, List[GroupCode]] = {}
    for cu in desc.custom_updates:
        update_groups.setdefault(cu.update_group, []).append(custom_update(ctx, cu))
        for family, code in init.custom_update_var_init(cu):
            codes[family].append(code)
    connectivity_groups: Dict[str, List[GroupCode]] = {}
    for ccu in desc.custom_connectivity_updates:
        update_groups.setdefault(ccu.update_group, [])
        connectivity_groups.setdefault(ccu.update_group, []).append(custom_connectivity_update(ctx, ccu))
        for family, code in init.custom_connectivity_update_var_init(ccu):
            codes[family].append(code)
    _check_array_lengths(ctx)
    if ERRORS_ARRAY in ctx.arrays:
        ctx.arrays[ERRORS_ARRAY] = ArraySpec(ERRORS_ARRAY, types.Uint32, len(ctx.error_slots))
    kernels = {}
    table = 0
    for kind in KERNEL_ORDER:
        kernels[kind] = merge(kind, codes[kind], table)
        table += len(kernels[kind])
    custom_update_groups = {}
    for index, (name, group_codes) in enumerate(update_groups.items()):
        kind = ModelIR.custom_update_kind(index)
        kernels[kind] = merge(kind, group_codes, table)
        table += len(kernels[kind])
        custom_update_groups[name] = index
    for name, index in custom_update_groups.items():
        kind = ModelIR.custom_connectivity_update_kind(index)
        # (a group whose rows are not changed on the device, nor need columns, has no kernel)
        kernels[kind] = merge(kind, [c for c in connectivity_groups.get(name, [])
                                     if c.kernel.body or c.kernel.remap], table)
        table += len(kernels[kind])
    return ModelIR(desc.name, ctx.scalar, ctx.time_type, desc.dt, ctx.arrays, kernels, table,
                   list(ctx.error_slots), desc.timing, custom_update_groups, list(ctx.user_code), ctx.uses_double,
                   ctx.checks())


#: Generated code indexes neurons, synapses and their arrays with 32-bit unsigned integers.
MAX_INDEX = 2 ** 32 - 1


def _check_index_range(ctx: Context, sg) -> None:
    """A synapse group whose synapse slots (or column or dendritic-delay elements) do not fit
    32-bit indices is an error naming it, not a silent wrap-around."""
    by_rows = sg.connectivity_kind in ("SPARSE", "PROCEDURAL")
    kind = f"{sg.connectivity_kind} (max_connections" if by_rows else f"{sg.connectivity_kind} (num_post"
    per_row = sg.max_connections if by_rows else sg.num_post
    spaces = [(sg.synapse_ids, f"{sg.num_pre:,} presynaptic neurons x {per_row:,} {kind}) = "
                               f"{sg.synapse_ids:,} synapse slots")] if sg.connectivity_kind != "TOEPLITZ" else []
    if sg.needs_columns and sg.sparse:
        n = sg.num_post * sg.max_source_connections
        spaces.append((n, f"{sg.num_post:,} postsynaptic neurons x {sg.max_source_connections:,} "
                          f"(max_source_connections) = {n:,} column entries"))
    if ctx.uses_dendritic_delay(sg):
        n = ctx.dendritic_ring_length(sg) * sg.num_post
        spaces.append((n, f"{ctx.dendritic_ring_length(sg):,} dendritic delay slots x {sg.num_post:,} "
                          f"postsynaptic neurons = {n:,} elements"))
    for count, what in spaces:
        if count > MAX_INDEX:
            raise ValueError(f"{sg.describe()}: {what}, more than the {MAX_INDEX:,} that 32-bit indices "
                             "reach; split it into several synapse populations (or lower max_connections)")


def _check_array_lengths(ctx: Context) -> None:
    """Every array sized at generation time must be indexable with 32 bits."""
    for name, spec in ctx.arrays.items():
        if spec.length > MAX_INDEX:
            group = name.split(".")[0]
            raise ValueError(f"'{group}': array '{name}' has {spec.length:,} elements, more than the "
                             f"{MAX_INDEX:,} that 32-bit indices reach; split the group")


def _check_no_egp_conflicts(ng) -> None:
    model = ng.model
    clash = ({v.name for v in model.vars} | {p.name for p in model.params}) & {e.name for e in model.egps}
    if clash:
        raise ValueError(f"{ng.describe()}: names used twice in {model.describe()}: {', '.join(sorted(clash))}")


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Description classes whose ``name`` becomes part of identifiers in generated code (group
#: names never do: they only name arrays of the arena, see :mod:`codegen.names`).
_NAMED = (d.Param, d.EGP, d.Var, d.NeuronVarRef, d.AdditionalInput, d.CustomUpdateVarRef)


def _check_identifiers(desc: ModelDescription) -> None:
    """Every name that generated code spells (variables, parameters, extra global
    parameters, references, input variables) must be a C identifier, so that no name can
    put text of its choosing into generated code, whatever the layer above checked."""
    def names(obj, where):
        if isinstance(obj, (tuple, list)):
            for item in obj:
                yield from names(item, where)
            return
        if not dataclasses.is_dataclass(obj):
            return
        if hasattr(obj, "describe") and hasattr(obj, "kind"):
            where = obj.describe()
        if isinstance(obj, _NAMED):
            yield obj.name, where
        if isinstance(obj, d.NeuronVarRef):
            yield obj.target, where
        for attr in ("pre_target_var", "post_target_var", "target_var"):
            if isinstance(getattr(obj, attr, None), str):
                yield getattr(obj, attr), where
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if isinstance(value, (tuple, list)) or dataclasses.is_dataclass(value):
                yield from names(value, where)

    for name, where in names([desc.neuron_groups, desc.synapse_groups, desc.current_sources,
                              desc.custom_updates, desc.custom_connectivity_updates], "the model"):
        if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
            raise ValueError(f"{where}: {name!r} is not a valid name (letters, digits and _, "
                             "not starting with a digit)")
