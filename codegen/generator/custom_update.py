"""Custom updates: code run on demand over the neurons of a population, or the synapses of one
synapse group, that their variable references point at."""
from __future__ import annotations

from .. import description as d
from .. import names, types
from ..ir import CustomUpdateCode, CustomUpdateVar, GroupCode
from ..transpiler import Environment
from .context import Context, literal, stream_id
from .synapse import add_sparse_arrays


def custom_update(ctx: Context, cu: d.CustomUpdate) -> GroupCode:
    """An on-demand update over the elements its variable references point at.

    Reduction variables (REDUCE_NEURON_SUM/MAX) are accumulated over the elements in order,
    by one thread per group on SIMT targets, so every backend sums in the same order.
    """
    code = GroupCode(cu.name)
    env = Environment(ctx.base_env())
    env.add_variable("t", ctx.time_type, printed="t")
    if cu.synapse_group is None:
        index, shape, size = "id", "neuron", cu.num_neurons
        env.add_variable("id", types.Uint32, printed="id")
        env.add_variable("num_neurons", types.Uint32, printed=code.value("num_neurons", cu.num_neurons, types.Uint32))
    else:
        sg = ctx.desc.synapse_group(cu.synapse_group)
        index, shape, size = "id_syn", "sparse" if sg.sparse else "dense", sg.num_synapses_allocated
        for name in ("id_pre", "id_post", "id_syn"):
            env.add_variable(name, types.Uint32, printed=name)
        env.add_variable("num_pre", types.Uint32, printed=code.value("num_pre", sg.num_pre, types.Uint32))
        env.add_variable("num_post", types.Uint32, printed=code.value("num_post", sg.num_post, types.Uint32))
        code.value("row_stride", sg.max_connections, types.Uint32)
        if sg.sparse:
            add_sparse_arrays(ctx, code, sg)
    ctx.add_model_params(env, code, "p_", cu.model, cu.name, "cu")
    ctx.add_egps(env, code, "", cu.model.egps)
    for ref in cu.egp_refs:
        ctx.add_array(ref.array, ref.type, egp=True)
        env.add_variable(ref.name, types.PointerType(ref.type), read_only=False,
                         printed=code.array(f"egpref_{ref.name}", ref.array, ref.type),
                         index_printer=ctx.egp_index_printer(code, f"egpref_{ref.name}", ref.name, ref.array))
    variables = []
    for var in cu.model.vars:
        ctx.add_array(var.array, var.type, 1 if var.shared else size)
        key = f"v_{var.name}"
        code.array(key, var.array, var.type)
        if var.reduction:
            env.add_variable(var.name, var.type, read_only=False, printed=f"_lred_{var.name}")
            start = literal(float("-inf") if var.reduction == "max" else 0, var.type)
            variables.append(CustomUpdateVar(var.name, var.type.name, key, var.reduction, False,
                                             literal(0, var.type), start))
        elif var.shared:
            env.add_variable(var.name, var.type, read_only=True, printed=f"_a_{key}[0]")
            variables.append(CustomUpdateVar(var.name, var.type.name, key, "shared"))
        elif var.batch_reduction:
            # a reduction over batches: with one batch, what the code leaves in it, starting from
            # the reduction's start value
            env.add_variable(var.name, var.type, read_only=False, printed=f"_l{var.name}")
            start = literal(float("-inf") if var.batch_reduction == "max" else 0, var.type)
            variables.append(CustomUpdateVar(var.name, var.type.name, key, "register", True, start=start))
        else:
            env.add_variable(var.name, var.type, read_only=var.read_only, printed=f"_l{var.name}")
            variables.append(CustomUpdateVar(var.name, var.type.name, key, "register", not var.read_only))
    transposes = []
    for ref in cu.refs:
        arr = code.array(f"ref_{ref.name}", reference_array(ctx, ref), ref.type)
        subscript = reference_index(ctx, code, ref, index, size)
        if ref.reduction:
            # a reduction over batches into the referenced variable: with one batch, what the
            # code leaves in it, starting from the reduction's start value
            if subscript != index:
                raise ValueError(f"{cu.describe()}: variable reference '{ref.name}' is reduced into "
                                 "(REDUCE_SUM/MAX), which needs one value per element not kept in delay slots")
            env.add_variable(ref.name, ref.type, read_only=False, printed=f"_l{ref.name}")
            start = literal(float("-inf") if ref.reduction == "max" else 0, ref.type)
            variables.append(CustomUpdateVar(ref.name, ref.type.name, f"ref_{ref.name}", "register", True,
                                             start=start))
            continue
        # The reference's access mode decides: a model's READ_ONLY variables are read-only to
        # that model's own code, but custom updates (e.g. weight clipping) may write them.
        env.add_variable(ref.name, ref.type, read_only=ref.read_only, printed=f"{arr}[{subscript}]")
        if ref.transpose_array is not None:
            code.array(f"tp_{ref.name}", ref.transpose_array, ref.type)
            transposes.append((f"ref_{ref.name}", f"tp_{ref.name}"))
    body = ctx.translate(cu.model.section("update_code"), env, cu.model.describe(), cu.describe(), "update_code")
    stream = code.value("stream", stream_id(f"{names.group_key(cu.name)}/update"), types.Uint32) \
        if ctx.uses_rng(body) else ""
    code.kernel = CustomUpdateCode(body=body.text, rng_stream=stream, variables=tuple(variables),
                                   transposes=tuple(transposes), shape=shape)
    return code


def reference_array(ctx: Context, ref: d.CustomUpdateVarRef) -> str:
    """The array a custom (connectivity) update's reference reads: a reference to the input
    buffers of a synapse group whose postsynaptic model is fused into another's reads the
    buffers they share."""
    for sg, owner in ctx.psm_owner.items():
        for what in ("outPost", "denDelay"):
            if ref.array == names.group_array(sg, what):
                return names.group_array(owner, what)
    if ref.kind == "den_delay" and not ctx.uses_dendritic_delay(ctx.desc.synapse_group(ref.group)):
        raise ValueError(f"synapse population '{ref.group}' has no dendritic delay buffer for "
                         f"'{ref.name}' to reference: its weight update code does not call addToPostDelay")
    return ref.array


def reference_index(ctx: Context, code: GroupCode, ref: d.CustomUpdateVarRef, index: str, size: int) -> str:
    """The subscript of element ``index`` of a reference: the current delay slot of a value kept in
    delay slots (the one the last step wrote), the slot of the dendritic delay ring the next
    step delivers, the current spike count, or the one value a shared reference points at."""
    key = f"ref_{ref.name}"
    if ref.kind == "shared":
        return "0"
    if ref.kind == "spike_count":
        slots = code.value(f"{key}_slots", ctx.delay_slots(ctx.desc.neuron_group(ref.group)), types.Uint32)
        return f"(timestep + {slots} - 1u) % {slots}"
    if ref.kind == "den_delay":
        sg = ctx.desc.synapse_group(ref.group)
        ring = code.value(f"{key}_ring", ctx.dendritic_ring_length(sg), types.Uint32)
        return f"(uint64_t)(timestep % {ring}) * {code.value(f'{key}_size', sg.num_post, types.Uint32)} + {index}"
    if ref.array in ctx.delayed:
        return f"{ctx.current_slot_offset(code, ref.array, key, size)} + {index}"
    return index
