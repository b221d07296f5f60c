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
        else:
            env.add_variable(var.name, var.type, read_only=var.read_only, printed=f"_l{var.name}")
            variables.append(CustomUpdateVar(var.name, var.type.name, key, "register", not var.read_only))
    transposes = []
    # a reference to the input buffer of a synapse group whose postsynaptic model is fused
    # into another's reads the buffer they share
    shared_buffers = {names.group_array(sg, "outPost"): names.group_array(owner, "outPost")
                      for sg, owner in ctx.psm_owner.items()}
    for ref in cu.refs:
        arr = code.array(f"ref_{ref.name}", shared_buffers.get(ref.array, ref.array), ref.type)
        # The reference's access mode decides: a model's READ_ONLY variables are read-only to
        # that model's own code, but custom updates (e.g. weight clipping) may write them.
        env.add_variable(ref.name, ref.type, read_only=ref.read_only, printed=f"{arr}[{index}]")
        if ref.transpose_array is not None:
            code.array(f"tp_{ref.name}", ref.transpose_array, ref.type)
            transposes.append((f"ref_{ref.name}", f"tp_{ref.name}"))
    body = ctx.translate(cu.model.section("update_code"), env, cu.model.describe(), cu.describe(), "update_code")
    stream = code.value("stream", stream_id(f"{names.group_key(cu.name)}/update"), types.Uint32) \
        if ctx.uses_rng(body) else ""
    code.kernel = CustomUpdateCode(body=body.text, rng_stream=stream, variables=tuple(variables),
                                   transposes=tuple(transposes), shape=shape)
    return code
